package pyflask

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// StartApp runs a Flask app script with [Python] for the test and returns
// its base URL, http://127.0.0.1:PORT. The script must bind port 0 on
// 127.0.0.1 and print "port N" as its first line of standard output, so
// no two tests race for a port. The process is killed when the test ends.
// Its standard error is shown with go test -v. Without Flask the test is
// skipped, or fails when the environment has CI=true, as with [Require].
func StartApp(tb testing.TB, script string, args ...string) string {
	tb.Helper()
	requireFlask(tb)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, Python, append([]string{script}, args...)...)
	cmd.Stderr = io.Discard
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cancel() // kills the process
		_ = cmd.Wait()
	})
	said := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		said <- strings.TrimSpace(line)
	}()
	select {
	case line := <-said:
		port, ok := strings.CutPrefix(line, "port ")
		if !ok {
			tb.Fatalf("%s said %q instead of its port (run with -v for its stderr)", script, line)
		}
		return "http://127.0.0.1:" + port
	case <-time.After(20 * time.Second):
		tb.Fatalf("%s did not start within 20 s", script)
	}
	return ""
}

// RunScript runs a Python script with [Python] (script is the program
// text, as with python3 -c), gives it stdin, and returns what it prints on
// standard output. A script that fails fails the test, with its standard
// error. Without Debian's Python and Flask the test is skipped, or fails
// when the environment has CI=true, as with [Require].
func RunScript(tb testing.TB, script, stdin string) string {
	tb.Helper()
	requireFlask(tb)
	cmd := exec.CommandContext(context.Background(), Python, "-c", script)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s: %v\n%s", Python, err, stderr.String())
	}
	return string(out)
}

// requireFlask skips the test when Debian's Python cannot import Flask,
// or fails it when the environment has CI=true.
func requireFlask(tb testing.TB) {
	tb.Helper()
	if err := exec.Command(Python, "-c", "import flask").Run(); err != nil {
		msg := "real Flask not available (" + Python + " -c 'import flask': " + err.Error() + "); apt-get install -y python3-flask"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
}

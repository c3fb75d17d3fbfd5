package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
)

// TestFetchFlask logs in to a real Flask app (testdata/flasklogin.py, on
// 127.0.0.1) with verify --url: Flask sets the session on the 302 of
// /login, and the CLI verifies it with Flask's key. Flask's deletion of
// the session on /logout is reported.
func TestFetchFlask(t *testing.T) {
	const secret = "live --url secret"
	base := runFlaskLogin(t, secret)
	key := writeFile(t, "flask.key", []byte(secret))

	code, stdout, stderr := runCLI(t, "", "verify", "--key-file", key, "--url", base+"/login")
	if code != exitOK || !strings.Contains(stdout, "input:      Set-Cookie header from GET "+base+"/login (302 FOUND, response 1 of 2), cookie \"session\"\n") ||
		!strings.Contains(stdout, "VALID") || !strings.Contains(stdout, `"roles": ("admin", "dev")`) {
		t.Errorf("verify --url /login: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "verify", "--json", "--key-file", key, "--url", base+"/login")
	m := jsonOut(t, stdout)
	p, _ := m["payload"].(map[string]any)
	if code != exitOK || m["valid"] != true || p["user"] != "alice" || p["n"] != float64(3) {
		t.Errorf("verify --json --url /login: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "", "verify", "--key-file", writeFile(t, "other.key", []byte("other")), "--url", base+"/login")
	if code != exitFailed || !strings.Contains(stderr, "invalid signature") {
		t.Errorf("verify --url /login with another key: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "decode", "--url", base+"/logout")
	if code != exitFailed || !strings.Contains(stderr, "the Set-Cookie header of GET "+base+"/logout (302 FOUND, response 1 of 2) deletes cookie \"session\"") {
		t.Errorf("decode --url /logout: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// runFlaskLogin starts testdata/flasklogin.py with Debian's Python and
// returns its base URL; the process is killed when the test ends. Without
// Flask it skips, or fails under CI=true, as pyflask.Require does.
func runFlaskLogin(t *testing.T, secret string) string {
	t.Helper()
	if err := exec.Command(pyflask.Python, "-c", "import flask").Run(); err != nil {
		msg := "real Flask not available (" + pyflask.Python + " -c 'import flask': " + err.Error() + "); apt-get install -y python3-flask"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, pyflask.Python, "testdata/flasklogin.py", secret)
	cmd.Stderr = io.Discard
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel() // kills the process
		_ = cmd.Wait()
	})
	// The app binds port 0 and says which port it got: no race for a port.
	said := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		said <- strings.TrimSpace(line)
	}()
	select {
	case line := <-said:
		port, ok := strings.CutPrefix(line, "port ")
		if !ok {
			t.Fatalf("flasklogin.py said %q (run with -v for its stderr)", line)
		}
		return "http://127.0.0.1:" + port
	case <-time.After(20 * time.Second):
		t.Fatal("flasklogin.py did not start within 20 s")
	}
	return ""
}

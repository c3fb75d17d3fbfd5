package main

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"
)

// buildCLI builds this command into a temporary directory and returns the
// binary's path. The test binary links gorilla/sessions, whose init
// registers []any with gob, and registers the tests' own types: only a
// separate binary shows which gob types the command itself knows.
func buildCLI(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the CLI with")
	}
	bin := filepath.Join(t.TempDir(), "cookiecodec")
	cmd := exec.CommandContext(t.Context(), gobin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs the binary bin with args.
func runBinary(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// appUser stands for an application's own type in a gorilla session.
type appUser struct{ Name string }

// gorillaSessionCookie returns the Set-Cookie header of a gorilla/sessions
// CookieStore session holding what apps commonly keep: a flash (which
// AddFlash stores as []any under "_flash"), a time.Time and a nested
// map, plus extra.
func gorillaSessionCookie(t *testing.T, extra map[any]any) string {
	t.Helper()
	return gorillaSessionCookieKeys(t, gorillaBlock, extra)
}

// gorillaSessionCookieKeys is gorillaSessionCookie with the block key
// block (nil: the value is only signed).
func gorillaSessionCookieKeys(t *testing.T, block []byte, extra map[any]any) string {
	t.Helper()
	// The app registers what it stores; this test process does not show
	// what the CLI binary registers.
	gob.Register(time.Time{})
	gob.Register(map[string]any{})
	gob.Register(map[any]any{})
	gob.Register(&appUser{})
	store := sessions.NewCookieStore(gorillaHash, block)
	req := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	s, err := store.Get(req, "app")
	if err != nil {
		t.Fatal(err)
	}
	s.AddFlash("hi")
	s.Values["user"] = "carol"
	s.Values["login"] = time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)
	s.Values["prefs"] = map[string]any{"theme": "dark"}
	for k, v := range extra {
		s.Values[k] = v
	}
	if err := s.Save(req, w); err != nil {
		t.Fatal(err)
	}
	return "Set-Cookie: " + w.Header().Get("Set-Cookie")
}

// TestGorillaSessionsGobTypes runs the CLI binary on gorilla/sessions
// cookies. One with a flash, a time.Time and a nested map verifies and
// shows them (the CLI registers these gob types; it said `name not
// registered for interface: "[]interface {}"`). One that also holds an
// app's own type fails as a payload error whose hint says the MAC and keys
// are right, gives the time and names the type (it said "does not decode
// with this block key, or holds gob types this tool does not know").
func TestGorillaSessionsGobTypes(t *testing.T) {
	bin := buildCLI(t)
	hk := writeFile(t, "hash", gorillaHash)
	bk := writeFile(t, "block", gorillaBlock)
	keys := []string{"--hash-key-file", hk, "--block-key-file", bk, "--name", "app"}

	code, stdout, stderr := runBinary(t, bin, append([]string{"verify", "--json"}, append(keys, gorillaSessionCookie(t, nil))...)...)
	m := jsonOut(t, stdout)
	p, _ := m["payload"].(map[string]any)
	// gorilla's "_flash" is shown as the migration reader converts it:
	// Flask's "_flashes" list of (category, message) tuples.
	flashes, _ := p["_flashes"].([]any)
	flash, _ := func() (map[string]any, bool) {
		if len(flashes) != 1 {
			return nil, false
		}
		f, ok := flashes[0].(map[string]any)
		return f, ok
	}()
	login, _ := p["login"].(map[string]any)
	prefs, _ := p["prefs"].(map[string]any)
	if code != exitOK || m["valid"] != true || fmt.Sprint(flash[" t"]) != "[message hi]" || p["_flash"] != nil || p["user"] != "carol" ||
		login[" d"] != "Thu, 29 Feb 2024 23:59:58 GMT" || prefs["theme"] != "dark" {
		t.Fatalf("verify: exit %d %v\n%s", code, m, stderr)
	}

	cookie := gorillaSessionCookie(t, map[any]any{"who": &appUser{"eve"}})
	now := time.Now().Add(90 * time.Minute).UTC().Format(time.RFC3339)
	code, stdout, _ = runBinary(t, bin, append([]string{"verify", "--json", "--now", now}, append(keys, cookie)...)...)
	m = jsonOut(t, stdout)
	h := hintsOf(m)
	if code != exitFailed || errKind(m) != "payload" || m["issued_at"] == nil ||
		!strings.Contains(h, "the MAC is valid and the keys are right") || !strings.Contains(h, "(1h30m") ||
		!strings.Contains(h, `"who" of type "*main.appUser" hold values of the app's own types`) || strings.Contains(h, "block key") {
		t.Fatalf("app type: exit %d %v", code, m)
	}
	code, stdout, stderr = runBinary(t, bin, append([]string{"verify", "--now", now}, append(keys, cookie)...)...)
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, "hint: the MAC is valid and the keys are right") {
		t.Fatalf("app type, text: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestGorillaSessionsOpaqueEntries (gorilla persona, finding 9): a
// gorilla/sessions cookie that holds a value of an app's own type is read
// entry by entry (gobscan.Walk needs no gob registry). verify still
// rejects it (exit 1, kind payload, no payload: it shows a payload only
// when all of it can be read), but names the opaque entries, in the hint
// and in the --json member "opaque", and the entries that decode; decode
// of such a cookie that is only signed shows the entries that decode,
// UNVERIFIED, and names the others on a "not shown" line. Before, both
// named only the first unregistered type and showed nothing.
func TestGorillaSessionsOpaqueEntries(t *testing.T) {
	bin := buildCLI(t)
	hk := writeFile(t, "hash", gorillaHash)
	bk := writeFile(t, "block", gorillaBlock)
	extra := map[any]any{"who": &appUser{"eve"}, "list": []any{"x", appUser{"mallory"}}}
	wantOpaque := `"opaque":[{"key":"list","type":"*main.appUser"},{"key":"who","type":"*main.appUser"}]`

	cookie := gorillaSessionCookie(t, extra)
	code, stdout, stderr := runBinary(t, bin, "verify", "--json", "--hash-key-file", hk, "--block-key-file", bk, "--name", "app", cookie)
	m := jsonOut(t, stdout)
	h := hintsOf(m)
	if code != exitFailed || errKind(m) != "payload" || m["payload"] != nil || m["valid"] != false || !strings.Contains(stdout, wantOpaque) ||
		!strings.Contains(h, `the entries "list" of type "*main.appUser", "who" of type "*main.appUser" hold values of the app's own types`) ||
		!strings.Contains(h, `the other entries ("_flash", "login", "prefs", "user") can be read without them`) {
		t.Fatalf("verify: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runBinary(t, bin, "verify", "--hash-key-file", hk, "--block-key-file", bk, "--name", "app", cookie)
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, `hint: the MAC is valid and the keys are right (the primary key pair)`) {
		t.Fatalf("verify, text: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	// --partial shows the entries that decode; the verdict stays rejected.
	code, stdout, stderr = runBinary(t, bin, "verify", "--partial", "--json", "--hash-key-file", hk, "--block-key-file", bk, "--name", "app", cookie)
	m = jsonOut(t, stdout)
	p, _ := m["payload"].(map[string]any)
	if code != exitFailed || errKind(m) != "payload" || m["valid"] != false || m["partial"] != true || p["user"] != "carol" || p["who"] != nil || p["list"] != nil ||
		!strings.Contains(stdout, wantOpaque) || !strings.Contains(hintsOf(m), "--partial: the payload holds those, and only those") {
		t.Fatalf("verify --partial: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runBinary(t, bin, "verify", "--partial", "--hash-key-file", hk, "--block-key-file", bk, "--name", "app", cookie)
	if code != exitFailed || !strings.Contains(stdout, "REJECTED, though the MAC is valid") || !strings.Contains(stdout, `"user": "carol"`) ||
		!strings.Contains(stdout, `not shown:  "list" of type "*main.appUser"`) || strings.Contains(stdout, "eve") || strings.Contains(stdout, "mallory") ||
		strings.Contains(stdout, "VALID,") || !strings.Contains(stderr, "hint: the MAC is valid") {
		t.Fatalf("verify --partial, text: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// A wrong key shows nothing, --partial or not.
	other := writeFile(t, "other", bytes.Repeat([]byte("k"), 32))
	code, stdout, stderr = runBinary(t, bin, "verify", "--partial", "--json", "--hash-key-file", other, "--block-key-file", bk, "--name", "app", cookie)
	if m = jsonOut(t, stdout); code != exitFailed || m["payload"] != nil || m["partial"] != nil || strings.Contains(stdout, "carol") {
		t.Fatalf("verify --partial, wrong key: exit %d\n%s\n%s", code, stdout, stderr)
	}

	signed := gorillaSessionCookieKeys(t, nil, extra)
	code, stdout, stderr = runBinary(t, bin, "decode", "--json", "--name", "app", signed)
	m = jsonOut(t, stdout)
	p, _ = m["payload"].(map[string]any)
	prefs, _ := p["prefs"].(map[string]any)
	if code != exitOK || p["user"] != "carol" || prefs["theme"] != "dark" || p["who"] != nil || p["list"] != nil || !strings.Contains(stdout, wantOpaque) ||
		!strings.Contains(hintsOf(m), "the payload shows the other entries") {
		t.Fatalf("decode: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runBinary(t, bin, "decode", "--name", "app", signed)
	if code != exitOK || !strings.Contains(stdout, "UNVERIFIED") || !strings.Contains(stdout, `not shown:  "list" of type "*main.appUser", "who" of type "*main.appUser": the app's own types`) ||
		!strings.Contains(stdout, `"user": "carol"`) || strings.Contains(stdout, "eve") || strings.Contains(stdout, "mallory") {
		t.Fatalf("decode, text: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

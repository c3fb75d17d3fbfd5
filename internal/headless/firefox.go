package headless

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// FirefoxStartTimeout bounds how long StartFirefox waits for Firefox to
// listen for WebDriver BiDi.
const FirefoxStartTimeout = 30 * time.Second

// Firefox is a headless Firefox process driven over WebDriver BiDi
// (https://w3c.github.io/webdriver-bidi/), which Firefox serves itself, so
// no geckodriver is needed: JSON commands over a WebSocket, answered by
// id. It drives one browsing context (tab). Commands run one at a time.
type Firefox struct {
	ctx     context.Context
	conn    *websocket.Conn
	mu      sync.Mutex // one command at a time
	nextID  int
	context string
}

// StartFirefox starts Firefox at path (Debian's /usr/bin/firefox-esr)
// headless, with a fresh profile in a temporary directory of tb, and opens
// a BiDi session; tb's cleanup closes the browser. ctx bounds every
// command. insecureCerts makes it accept self-signed certificates (those
// of httptest's TLS server, or of a proxy serving them). prefs are more
// lines of the profile's user.js, such as
// `user_pref("network.http.http2.enabled", false);`. The viewport is
// 1000x1400.
func StartFirefox(ctx context.Context, tb testing.TB, path string, insecureCerts bool, prefs ...string) (*Firefox, error) {
	profile := tb.TempDir()
	// Keep a test browser quiet: no update checks, telemetry or first-run
	// pages, which would also reach for the network.
	quiet := []string{
		`user_pref("app.update.disabledForTesting", true);`,
		`user_pref("browser.shell.checkDefaultBrowser", false);`,
		`user_pref("browser.startup.homepage_override.mstone", "ignore");`,
		`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
		`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
		`user_pref("remote.prefs.recommended", true);`,
	}
	userJS := strings.Join(append(quiet, prefs...), "\n")
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(userJS), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1", "HOME="+tb.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	// Firefox prints the WebSocket address it listens on.
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "WebDriver BiDi listening on "); ok {
				addr <- rest
			}
		}
	}()
	var ws string
	select {
	case ws = <-addr:
	case <-exited:
		return nil, errors.New("firefox exited before listening for WebDriver BiDi")
	case <-time.After(FirefoxStartTimeout):
		cmd.Process.Kill()
		return nil, fmt.Errorf("firefox did not listen for WebDriver BiDi within %v", FirefoxStartTimeout)
	}
	u, err := url.JoinPath(ws, "session")
	if err != nil {
		return nil, err
	}
	conn, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	conn.SetReadLimit(64 << 20) // screenshots
	f := &Firefox{ctx: ctx, conn: conn}
	tb.Cleanup(func() {
		f.Call("browser.close", struct{}{}, nil)
		conn.CloseNow()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	caps := map[string]any{"alwaysMatch": map[string]any{"acceptInsecureCerts": insecureCerts}}
	if err := f.Call("session.new", map[string]any{"capabilities": caps}, nil); err != nil {
		return nil, fmt.Errorf("session.new: %w", err)
	}
	var tree struct {
		Contexts []struct{ Context string }
	}
	if err := f.Call("browsingContext.getTree", map[string]any{"maxDepth": 0}, &tree); err != nil || len(tree.Contexts) == 0 {
		return nil, fmt.Errorf("browsingContext.getTree: %d contexts, %v", len(tree.Contexts), err)
	}
	f.context = tree.Contexts[0].Context
	if err := f.Call("browsingContext.setViewport", map[string]any{"context": f.context, "viewport": map[string]int{"width": 1000, "height": 1400}}, nil); err != nil {
		return nil, fmt.Errorf("browsingContext.setViewport: %w", err)
	}
	return f, nil
}

// Call sends one BiDi command and decodes its result into result (unless
// nil). Events and answers to other commands are skipped.
func (f *Firefox) Call(method string, params, result any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := f.nextID
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := f.conn.Write(f.ctx, websocket.MessageText, msg); err != nil {
		return err
	}
	for {
		_, data, err := f.conn.Read(f.ctx)
		if err != nil {
			return err
		}
		var reply struct {
			ID      *int            `json:"id"`
			Type    string          `json:"type"`
			Result  json.RawMessage `json:"result"`
			Error   string          `json:"error"`
			Message string          `json:"message"`
		}
		if err := json.Unmarshal(data, &reply); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		if reply.ID == nil || *reply.ID != id {
			continue // an event, or a late answer
		}
		if reply.Type == "error" {
			return fmt.Errorf("%s: %s: %s", method, reply.Error, reply.Message)
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(reply.Result, result)
	}
}

// Navigate loads u in the tab and waits until the page has loaded. A page
// with an HTTP error status loads like any other.
func (f *Firefox) Navigate(u string) error {
	return f.Call("browsingContext.navigate", map[string]any{"context": f.context, "url": u, "wait": "complete"}, nil)
}

// Reload reloads the tab's page and waits until it has loaded.
func (f *Firefox) Reload() error {
	return f.Call("browsingContext.reload", map[string]any{"context": f.context, "wait": "complete"}, nil)
}

// Eval evaluates the JavaScript expression expr in the tab's page; it must
// give a string.
func (f *Firefox) Eval(expr string) (string, error) {
	var res struct {
		Type   string
		Result struct {
			Type  string
			Value any
		}
		ExceptionDetails struct{ Text string }
	}
	err := f.Call("script.evaluate", map[string]any{"expression": expr, "target": map[string]any{"context": f.context}, "awaitPromise": false}, &res)
	if err != nil {
		return "", err
	}
	if res.Type != "success" {
		return "", fmt.Errorf("script: %s", res.ExceptionDetails.Text)
	}
	s, ok := res.Result.Value.(string)
	if !ok {
		return "", fmt.Errorf("script returned a %s, not a string", res.Result.Type)
	}
	return s, nil
}

// FirefoxCookie is one cookie of Firefox's jar, as storage.getCookies
// reports it.
type FirefoxCookie struct {
	Name     string
	Value    string
	Domain   string
	HTTPOnly bool
	Secure   bool
	SameSite string
}

// Cookies returns every cookie in the tab's storage partition, of every
// domain.
func (f *Firefox) Cookies() ([]FirefoxCookie, error) {
	var res struct {
		Cookies []struct {
			Name     string
			Value    struct{ Value string }
			Domain   string
			HTTPOnly bool
			Secure   bool
			SameSite string
		}
	}
	if err := f.Call("storage.getCookies", map[string]any{"partition": map[string]any{"type": "context", "context": f.context}}, &res); err != nil {
		return nil, err
	}
	out := make([]FirefoxCookie, len(res.Cookies))
	for i, c := range res.Cookies {
		out[i] = FirefoxCookie{Name: c.Name, Value: c.Value.Value, Domain: c.Domain, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: c.SameSite}
	}
	return out, nil
}

// Screenshot returns a PNG of the whole page.
func (f *Firefox) Screenshot() ([]byte, error) {
	var res struct{ Data string }
	if err := f.Call("browsingContext.captureScreenshot", map[string]any{"context": f.context, "origin": "document"}, &res); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(res.Data)
}

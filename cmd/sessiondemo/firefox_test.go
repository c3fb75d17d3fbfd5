package main

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

// startFirefoxFor starts Debian's firefox-esr headless for the test;
// http2 accepts httptest's self-signed certificate. It is driven over
// WebDriver BiDi, which Firefox serves itself, so no geckodriver is needed.
func startFirefoxFor(t *testing.T, http2 bool) browser {
	path := needBrowser(t, "/usr/bin/firefox-esr", "firefox-esr", "firefox-esr", "firefox")
	ff, err := startFirefox(browserContext(t), t, path, http2)
	if err != nil {
		t.Fatal(err)
	}
	return ff
}

// firefox is a Firefox process driven over WebDriver BiDi
// (https://w3c.github.io/webdriver-bidi/): JSON commands over a WebSocket,
// answered by id.
type firefox struct {
	ctx     context.Context
	conn    *websocket.Conn
	mu      sync.Mutex // one command at a time
	nextID  int
	context string // the browsing context (tab) the test drives
}

// startFirefox starts Firefox headless with a fresh profile and opens a
// BiDi session; the test's cleanup closes the browser. insecureCerts
// accepts httptest's self-signed certificate.
func startFirefox(ctx context.Context, t *testing.T, path string, insecureCerts bool) (*firefox, error) {
	profile := t.TempDir()
	// Keep a test browser quiet: no update checks, telemetry or first-run
	// pages, which would also reach for the network.
	prefs := strings.Join([]string{
		`user_pref("app.update.disabledForTesting", true);`,
		`user_pref("browser.shell.checkDefaultBrowser", false);`,
		`user_pref("browser.startup.homepage_override.mstone", "ignore");`,
		`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
		`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
		`user_pref("remote.prefs.recommended", true);`,
	}, "\n")
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1", "HOME="+t.TempDir())
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
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		return nil, errors.New("firefox did not listen for WebDriver BiDi within 30s")
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
	f := &firefox{ctx: ctx, conn: conn}
	t.Cleanup(func() {
		f.call("browser.close", struct{}{}, nil)
		conn.CloseNow()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	caps := map[string]any{"alwaysMatch": map[string]any{"acceptInsecureCerts": insecureCerts}}
	if err := f.call("session.new", map[string]any{"capabilities": caps}, nil); err != nil {
		return nil, fmt.Errorf("session.new: %w", err)
	}
	var tree struct {
		Contexts []struct{ Context string }
	}
	if err := f.call("browsingContext.getTree", map[string]any{"maxDepth": 0}, &tree); err != nil || len(tree.Contexts) == 0 {
		return nil, fmt.Errorf("browsingContext.getTree: %d contexts, %v", len(tree.Contexts), err)
	}
	f.context = tree.Contexts[0].Context
	if err := f.call("browsingContext.setViewport", map[string]any{"context": f.context, "viewport": map[string]int{"width": 1000, "height": 1400}}, nil); err != nil {
		return nil, fmt.Errorf("browsingContext.setViewport: %w", err)
	}
	return f, nil
}

// call sends one command and decodes its result into result (unless nil).
// Events and answers to other commands are skipped.
func (f *firefox) call(method string, params, result any) error {
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

func (f *firefox) navigate(u string) error {
	return f.call("browsingContext.navigate", map[string]any{"context": f.context, "url": u, "wait": "complete"}, nil)
}

func (f *firefox) reload() error {
	return f.call("browsingContext.reload", map[string]any{"context": f.context, "wait": "complete"}, nil)
}

// typeInto sets the input's value from a script: the demo's forms need the
// value, not key events.
func (f *firefox) typeInto(sel, text string) error {
	_, err := f.eval(fmt.Sprintf(`(e => { e.focus(); e.value = %q; return "" })(document.querySelector(%q))`, text, sel))
	return err
}

// click clicks the element from a script, which submits its form as a
// user's click does.
func (f *firefox) click(sel string) error {
	_, err := f.eval(fmt.Sprintf(`(e => { e.click(); return "" })(document.querySelector(%q))`, sel))
	return err
}

func (f *firefox) eval(expr string) (string, error) {
	var res struct {
		Type   string
		Result struct {
			Type  string
			Value any
		}
		ExceptionDetails struct{ Text string }
	}
	err := f.call("script.evaluate", map[string]any{"expression": expr, "target": map[string]any{"context": f.context}, "awaitPromise": false}, &res)
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

func (f *firefox) cookies(u string) ([]browserCookie, error) {
	host, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
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
	if err := f.call("storage.getCookies", map[string]any{"partition": map[string]any{"type": "context", "context": f.context}}, &res); err != nil {
		return nil, err
	}
	var out []browserCookie
	for _, c := range res.Cookies {
		if strings.TrimPrefix(c.Domain, ".") != host.Hostname() {
			continue
		}
		out = append(out, browserCookie{Name: c.Name, Value: c.Value.Value, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: c.SameSite})
	}
	return out, nil
}

func (f *firefox) screenshot() ([]byte, error) {
	var res struct{ Data string }
	if err := f.call("browsingContext.captureScreenshot", map[string]any{"context": f.context, "origin": "document"}, &res); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(res.Data)
}

package headless

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Where Debian puts WebKitGTK's WebDriver (package webkit2gtk-driver), its
// test browser MiniBrowser, and Xvfb (package xvfb).
const (
	WebKitDriverPath = "/usr/bin/WebKitWebDriver"
	MiniBrowserPath  = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
	XvfbPath         = "/usr/bin/Xvfb"
)

// StartXvfb starts Xvfb at path (Debian's /usr/bin/Xvfb), a virtual X
// display, until tb's cleanup, and returns its name (":N"); Xvfb picks a
// free display number and reports it on -displayfd. It waits up to 20 s.
func StartXvfb(ctx context.Context, tb testing.TB, path string) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	cmd := exec.CommandContext(ctx, path, "-displayfd", "3", "-screen", "0", "1280x1400x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		w.Close()
		return "", err
	}
	w.Close()
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(r, 64))
		line <- strings.TrimSpace(string(b))
	}()
	select {
	case n := <-line:
		if _, err := strconv.Atoi(n); err != nil {
			return "", fmt.Errorf("xvfb reported display %q", n)
		}
		return ":" + n, nil
	case <-time.After(20 * time.Second):
		return "", errors.New("xvfb did not report a display within 20s")
	}
}

// WebKit is a WebKitWebDriver session driving MiniBrowser, WebKitGTK's
// test browser, over classic W3C WebDriver: each command is an HTTP
// request to /session/{id}/..., answered with {"value": ...}. This is
// WebKit with libsoup's network stack and cookie jar, not Safari, whose
// networking and cookie storage are Apple's own.
type WebKit struct {
	ctx     context.Context
	root    string // http://127.0.0.1:port
	session string // the session id, once there is a session
	client  *http.Client
	current string // the URL last navigated to
}

// StartWebKit starts WebKitWebDriver (driver, Debian's
// /usr/bin/WebKitWebDriver) on a free 127.0.0.1 port and opens a session,
// which launches MiniBrowser (mini) in automation and private mode on the
// X display (WebKitGTK has no headless mode; see StartXvfb). tb's cleanup
// ends the session, which closes the browser. ctx bounds every command,
// and each takes at most 60 s. insecureCerts makes it accept self-signed
// certificates.
func StartWebKit(ctx context.Context, tb testing.TB, driver, mini, display string, insecureCerts bool) (*WebKit, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.CommandContext(ctx, driver, "--host=127.0.0.1", "--port="+strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+tb.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	root := "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(20 * time.Second); ; {
		conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			conn.Close()
			break
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("WebKitWebDriver exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			return nil, errors.New("WebKitWebDriver did not listen within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	w := &WebKit{ctx: ctx, root: root, client: &http.Client{Timeout: 60 * time.Second}}
	caps := map[string]any{"alwaysMatch": map[string]any{
		"acceptInsecureCerts": insecureCerts,
		"webkitgtk:browserOptions": map[string]any{
			"binary": mini,
			// A private session keeps nothing on disk between tests.
			"args": []string{"--automation", "--private"},
		},
	}}
	var session struct{ SessionID string }
	if err := w.Call("POST", "", map[string]any{"capabilities": caps}, &session); err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	w.session = session.SessionID
	tb.Cleanup(func() { w.Call("DELETE", "", nil, nil) })
	return w, nil
}

// Context returns the context that bounds w's commands.
func (w *WebKit) Context() context.Context { return w.ctx }

// WithContext returns a WebKit for the same session whose commands ctx
// bounds instead, to wait for a page that may never load.
func (w *WebKit) WithContext(ctx context.Context) *WebKit {
	c := *w
	c.ctx = ctx
	return &c
}

// Call sends a WebDriver command (path relative to the session; the
// session itself when empty) and decodes the answer's value into result
// (unless nil).
func (w *WebKit) Call(method, path string, params, result any) error {
	var body io.Reader
	if params != nil {
		b, err := json.Marshal(params)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	u := w.root + "/session"
	if w.session != "" {
		u += "/" + w.session
	}
	if path != "" {
		u += "/" + path
	}
	req, err := http.NewRequestWithContext(w.ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20)) // screenshots
	if err != nil {
		return err
	}
	var answer struct {
		Value json.RawMessage
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("%s %s: %s: %.200q", method, path, resp.Status, raw)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Message string }
		json.Unmarshal(answer.Value, &e)
		return fmt.Errorf("%s %s: %s: %s", method, path, e.Error, e.Message)
	}
	if result == nil {
		return nil
	}
	return json.Unmarshal(answer.Value, result)
}

// Navigate loads u and waits until the page has loaded.
func (w *WebKit) Navigate(u string) error {
	w.current = u
	return w.Call("POST", "url", map[string]string{"url": u}, nil)
}

// Reload reloads the page and waits until it has loaded.
func (w *WebKit) Reload() error { return w.Call("POST", "refresh", struct{}{}, nil) }

// Element finds the element sel (a CSS selector) and returns its
// WebDriver reference.
func (w *WebKit) Element(sel string) (string, error) {
	var ref map[string]string
	if err := w.Call("POST", "element", map[string]string{"using": "css selector", "value": sel}, &ref); err != nil {
		return "", err
	}
	// The W3C element identifier key.
	id := ref["element-6066-11e4-a52e-4f735466cecf"]
	if id == "" {
		return "", fmt.Errorf("element %s: no reference in %v", sel, ref)
	}
	return id, nil
}

// TypeInto sends text to the input sel as key strokes.
func (w *WebKit) TypeInto(sel, text string) error {
	id, err := w.Element(sel)
	if err != nil {
		return err
	}
	return w.Call("POST", "element/"+id+"/value", map[string]string{"text": text}, nil)
}

// Click clicks the element sel.
func (w *WebKit) Click(sel string) error {
	id, err := w.Element(sel)
	if err != nil {
		return err
	}
	return w.Call("POST", "element/"+id+"/click", struct{}{}, nil)
}

// Eval evaluates the JavaScript expression expr in the page; it must give
// a string.
func (w *WebKit) Eval(expr string) (string, error) {
	var s string
	err := w.Call("POST", "execute/sync", map[string]any{"script": "return (" + expr + ");", "args": []any{}}, &s)
	return s, err
}

// WebKitCookie is one cookie of the current document, as WebDriver reports
// it.
type WebKitCookie struct {
	Name, Value      string
	HTTPOnly, Secure bool
	SameSite         string
}

// Cookies returns the cookies of the page the browser shows: classic
// WebDriver reads the current document's cookies, so u must be that
// page's origin (ask while on it).
func (w *WebKit) Cookies(u string) ([]WebKitCookie, error) {
	if !strings.HasPrefix(w.current, u) {
		return nil, fmt.Errorf("cookies of %s asked while on %s", u, w.current)
	}
	var cs []WebKitCookie
	if err := w.Call("GET", "cookie", nil, &cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// Screenshot returns a PNG of the page.
func (w *WebKit) Screenshot() ([]byte, error) {
	var b64 string
	if err := w.Call("GET", "screenshot", nil, &b64); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(b64)
}

package cookiesession

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests below put net/http's real TimeoutHandler on either side of
// LoadAndSave, on a real 127.0.0.1 server, under -race in CI. The handler
// runs in TimeoutHandler's own goroutine, and on a timeout it keeps running
// while TimeoutHandler answers 503: the session is then used from two
// goroutines at once.

// sessionClient keeps one cookie, as a browser would, and reads the
// session's "step" on /read.
type sessionClient struct {
	t      *testing.T
	url    string
	cookie string // "name=value" of the last cookie set, "" before
}

// get sends the kept cookie to path and keeps the cookie the response
// sets.
func (c *sessionClient) get(path string) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.url+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, line := range resp.Header.Values("Set-Cookie") {
		nv, _, _ := strings.Cut(line, ";")
		c.cookie = nv
	}
	return resp
}

// step reads the session's "step" through /read.
func (c *sessionClient) step() string {
	c.t.Helper()
	return c.get("/read").Header.Get("X-Step")
}

// timeoutApp is the handler behind TimeoutHandler: /fast sets step=fast and
// answers; /slow sets step=before, waits for the timeout, waits until the
// 503 has gone out (answered is closed), then tries step=after.
type timeoutApp struct {
	t        *testing.T
	m        *Manager
	answered chan struct{} // closed when TimeoutHandler's 503 was written
	late     chan error    // the error of the Set after the timeout
	running  sync.WaitGroup
}

func (a *timeoutApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := a.m.Session(r)
	switch r.URL.Path {
	case "/read":
		step, _ := s.Get("step").(string)
		w.Header().Set("X-Step", step)
	case "/fast":
		must(a.t, s.Set("step", "fast"))
		_, _ = io.WriteString(w, "ok")
	case "/slow":
		a.running.Add(1)
		defer a.running.Done()
		must(a.t, s.Set("step", "before"))
		<-r.Context().Done()
		select {
		case <-a.answered:
		case <-time.After(10 * time.Second):
			a.t.Error("the 503 was not written within 10 s of the timeout")
		}
		a.late <- s.Set("step", "after")
	}
}

// onWriteHeader calls f after the wrapped writer's WriteHeader returns.
type onWriteHeader struct {
	http.ResponseWriter
	f func(code int)
}

func (w *onWriteHeader) WriteHeader(code int) {
	w.ResponseWriter.WriteHeader(code)
	w.f(code)
}

// TestTimeoutHandlerInside covers LoadAndSave(TimeoutHandler(h)), the
// placement where a timeout's 503 goes through the session's writer: it
// commits the session as the handler left it, and the handler, still
// running, gets ErrCommitted for a later change instead of a data race.
func TestTimeoutHandlerInside(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	app := &timeoutApp{t: t, m: m, answered: make(chan struct{}), late: make(chan error, 1)}
	th := http.TimeoutHandler(app, 200*time.Millisecond, "timed out")
	var once sync.Once
	// Between the two, a writer that reports when TimeoutHandler's 503
	// has gone through the session's writer.
	probe := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		th.ServeHTTP(&onWriteHeader{w, func(code int) {
			if code == http.StatusServiceUnavailable {
				once.Do(func() { close(app.answered) })
			}
		}}, r)
	})
	srv := httptest.NewServer(m.LoadAndSave(probe))
	t.Cleanup(srv.Close)
	c := &sessionClient{t: t, url: srv.URL}

	if resp := c.get("/fast"); resp.StatusCode != 200 || c.cookie == "" {
		t.Fatalf("/fast: status %d, cookie %q: a handler that finishes in time must get its session saved", resp.StatusCode, c.cookie)
	}
	if got := c.step(); got != "fast" {
		t.Fatalf("after /fast, step = %q, want fast", got)
	}

	before := c.cookie
	resp := c.get("/slow")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/slow: status %d, want 503", resp.StatusCode)
	}
	if c.cookie == before || resp.Header.Get("Vary") != "Cookie" {
		t.Errorf("/slow's 503 set no new cookie (Vary %q): the session the handler changed before the timeout is committed with the 503", resp.Header.Get("Vary"))
	}
	if err := <-app.late; !errors.Is(err, ErrCommitted) {
		t.Errorf("Set after the 503 was written: %v, want ErrCommitted", err)
	}
	app.running.Wait()
	if got := c.step(); got != "before" {
		t.Errorf("after /slow, step = %q, want before (the state at the timeout)", got)
	}
}

// TestTimeoutHandlerOutside covers TimeoutHandler(LoadAndSave(h)): the
// session's writer is TimeoutHandler's buffer, which a timeout throws away,
// so the 503 carries no cookie and the client keeps its session as it was.
func TestTimeoutHandlerOutside(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	app := &timeoutApp{t: t, m: m, answered: make(chan struct{}), late: make(chan error, 1)}
	close(app.answered) // nothing to wait for: the session's writer never sees the 503
	srv := httptest.NewServer(http.TimeoutHandler(m.LoadAndSave(app), 200*time.Millisecond, "timed out"))
	t.Cleanup(srv.Close)
	c := &sessionClient{t: t, url: srv.URL}

	if resp := c.get("/fast"); resp.StatusCode != 200 || c.cookie == "" {
		t.Fatalf("/fast: status %d, cookie %q: a handler that finishes in time must get its session saved", resp.StatusCode, c.cookie)
	}
	resp := c.get("/slow")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/slow: status %d, want 503", resp.StatusCode)
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("/slow's 503 set cookies %q: TimeoutHandler drops the timed-out handler's headers", got)
	}
	if err := <-app.late; err != nil {
		t.Errorf("Set after the timeout: %v (the handler's own response has not started, so it is allowed and discarded)", err)
	}
	app.running.Wait()
	if got := c.step(); got != "fast" {
		t.Errorf("after /slow, step = %q, want fast (the timed-out request changed nothing)", got)
	}
}

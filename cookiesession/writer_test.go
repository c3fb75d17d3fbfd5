package cookiesession

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// serve runs m.LoadAndSave(h) on a real 127.0.0.1 server.
func serve(t *testing.T, m *Manager, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(m.LoadAndSave(h))
	t.Cleanup(srv.Close)
	return srv
}

// TestFlushCommitsFirst checks that the cookie is on the wire before the
// first body byte: the client sees Set-Cookie while the handler is still
// blocked after Flush.
func TestFlushCommitsFirst(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	release := make(chan struct{})
	srv := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		must(t, m.Session(r).Set("user", "alice"))
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		<-release
		_, _ = io.WriteString(w, "done")
	})
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := resp.Header.Values("Set-Cookie"); len(got) != 1 || resp.Header.Get("Vary") != "Cookie" {
		t.Errorf("headers at flush: %v", resp.Header)
	}
	close(release)
	if b, _ := io.ReadAll(resp.Body); string(b) != "done" {
		t.Errorf("body %q", b)
	}
}

// TestResponseWriterInterfaces checks Hijack, ResponseController through
// Unwrap, io.ReaderFrom, http.Flusher and informational responses.
func TestResponseWriterInterfaces(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	srv := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		rc := http.NewResponseController(w)
		switch r.URL.Path {
		case "/hijack":
			_ = s.Set("lost", true)
			conn, buf, err := rc.Hijack()
			if err != nil {
				t.Errorf("Hijack: %v", err)
				return
			}
			defer conn.Close()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
			_ = buf.Flush()
		case "/deadline":
			if err := rc.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
				t.Errorf("SetWriteDeadline through Unwrap: %v", err)
			}
			if err := rc.EnableFullDuplex(); err != nil {
				t.Errorf("EnableFullDuplex through Unwrap: %v", err)
			}
			_ = s.Set("a", 1)
		case "/readfrom":
			_ = s.Set("a", 1)
			if _, ok := w.(io.ReaderFrom); !ok {
				t.Error("not an io.ReaderFrom")
			}
			_, _ = io.Copy(w, strings.NewReader("copied"))
		case "/flusher":
			_ = s.Set("a", 1)
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, "x")
		case "/early-hints":
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			_ = s.Set("a", 1) // still allowed: 103 does not commit
			w.WriteHeader(http.StatusOK)
		}
	})
	for _, tc := range []struct {
		path    string
		cookies int
		body    string
	}{
		{"/hijack", 0, "hi"},
		{"/deadline", 1, ""},
		{"/readfrom", 1, "copied"},
		{"/flusher", 1, "x"},
		{"/early-hints", 1, ""},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := len(resp.Header.Values("Set-Cookie")); got != tc.cookies || string(b) != tc.body {
			t.Errorf("%s: %d cookies, body %q", tc.path, got, b)
		}
	}
}

type parentKey struct{}

type childKey struct{}

// TestRequestContext checks the context the handler gets: the parent's
// values and cancellation (with its cause) still reach it and contexts
// derived from it, and the session is found through derived contexts.
func TestRequestContext(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	cause := errors.New("client went away")
	parent, cancel := context.WithCancelCause(context.WithValue(context.Background(), parentKey{}, "v"))
	ran := false
	h := m.LoadAndSave(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		ran = true
		ctx := r.Context()
		if ctx.Value(parentKey{}) != "v" {
			t.Error("parent value lost")
		}
		child, stop := context.WithCancel(context.WithValue(ctx, childKey{}, 1))
		defer stop()
		if m.FromContext(child) != m.Session(r) || m.Session(r) == nullSession {
			t.Error("session not found through a derived context")
		}
		if other, _ := New(m.codec); other.FromContext(ctx) != nullSession {
			t.Error("another manager's key finds this session")
		}
		if !strings.Contains(fmt.Sprint(ctx), "WithValue(cookiesession.Session)") {
			t.Errorf("context prints as %v", ctx)
		}
		cancel(cause)
		<-child.Done() // would block forever if cancellation did not propagate
		if !errors.Is(context.Cause(child), cause) || !errors.Is(ctx.Err(), context.Canceled) {
			t.Errorf("cause %v, err %v", context.Cause(child), ctx.Err())
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil).WithContext(parent))
	if !ran {
		t.Fatal("handler did not run")
	}
}

// TestFailedHijackKeepsSession checks that a Hijack the underlying writer
// refuses (httptest's recorder, like an HTTP/2 connection, cannot hijack)
// does not end the session: the handler answers normally and its session
// is saved.
func TestFailedHijackKeepsSession(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	rec := do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("user", "alice"))
		if _, _, err := http.NewResponseController(w).Hijack(); !errors.Is(err, http.ErrNotSupported) {
			t.Errorf("Hijack = %v, want http.ErrNotSupported", err)
		}
		if err := s.Set("fallback", true); err != nil {
			t.Errorf("Set after a failed Hijack = %v", err)
		}
	})
	if len(cookiesOf(rec)) != 1 {
		t.Errorf("session lost after a failed Hijack: %v", masked(rec))
	}
}

// TestCloseNotify checks that the writer passes on the server's
// http.CloseNotifier (gin's Context.Stream asserts it without checking):
// the channel receives when the client goes away.
func TestCloseNotify(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	notified := make(chan bool, 1)
	srv := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		//lint:ignore SA1019 the deprecated interface is what is tested
		cn, ok := w.(http.CloseNotifier)
		if !ok {
			t.Error("not an http.CloseNotifier")
			notified <- false
			return
		}
		ch := cn.CloseNotify()
		must(t, m.Session(r).Set("a", 1))
		w.(http.Flusher).Flush()
		select {
		case v := <-ch:
			notified <- v
		case <-time.After(10 * time.Second):
			notified <- false
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Header.Values("Set-Cookie")) != 1 {
		t.Errorf("headers at flush: %v", resp.Header)
	}
	cancel()
	resp.Body.Close()
	if !<-notified {
		t.Error("CloseNotify did not receive after the client went away")
	}
}

// TestCloseNotifyWithoutUnderlying checks the fallback over a writer with no
// http.CloseNotifier: the channel follows the request's context, and never
// receives for a context that cannot be cancelled.
func TestCloseNotifyWithoutUnderlying(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	var ch <-chan bool
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		//lint:ignore SA1019 the deprecated interface is what is tested
		ch = w.(http.CloseNotifier).CloseNotify()
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	select {
	case <-ch:
		t.Error("received for a context that cannot be cancelled")
	case <-time.After(20 * time.Millisecond):
	}

	ctx, cancel := context.WithCancel(context.Background())
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	select {
	case <-ch:
		t.Error("received before the context was cancelled")
	case <-time.After(20 * time.Millisecond):
	}
	cancel()
	select {
	case v := <-ch:
		if !v {
			t.Error("received false")
		}
	case <-time.After(10 * time.Second):
		t.Error("no notification after the context was cancelled")
	}
}

// pushRecorder is a recorder that can push, as net/http's HTTP/2 writer can.
type pushRecorder struct {
	*httptest.ResponseRecorder
	pushed []string
}

func (p *pushRecorder) Push(target string, _ *http.PushOptions) error {
	p.pushed = append(p.pushed, target)
	return nil
}

// TestPush checks that http.Pusher reaches the underlying writer without
// committing the session, and reports http.ErrNotSupported when the
// underlying writer cannot push.
func TestPush(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	var pushErr error
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pushErr = w.(http.Pusher).Push("/style.css", nil)
		if err := m.Session(r).Set("a", 1); err != nil {
			t.Errorf("Set after Push: %v", err) // a push must not commit
		}
	}))
	pr := &pushRecorder{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(pr, httptest.NewRequest("GET", "/", nil))
	if pushErr != nil || len(pr.pushed) != 1 || pr.pushed[0] != "/style.css" {
		t.Errorf("Push = %v, pushed %v", pushErr, pr.pushed)
	}
	if len(cookiesOf(pr.ResponseRecorder)) != 1 {
		t.Errorf("cookies %v", masked(pr.ResponseRecorder))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !errors.Is(pushErr, http.ErrNotSupported) {
		t.Errorf("Push over a recorder = %v, want http.ErrNotSupported", pushErr)
	}
}

// TestHTTP2Writer runs the writer over net/http's real HTTP/2 server (TLS,
// Go's client): a flush puts the cookie on the wire before the body, the
// close notification passes through, a Hijack fails (HTTP/2 cannot hand
// over the connection) without losing the session, and a push the client
// has disabled is refused without committing.
func TestHTTP2Writer(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	release := make(chan struct{})
	notified := make(chan bool, 1)
	srv := httptest.NewUnstartedServer(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		if r.ProtoMajor != 2 {
			t.Errorf("request over %s", r.Proto)
		}
		switch r.URL.Path {
		case "/stream":
			//lint:ignore SA1019 the deprecated interface is what is tested
			gone := w.(http.CloseNotifier).CloseNotify()
			if _, _, err := http.NewResponseController(w).Hijack(); !errors.Is(err, http.ErrNotSupported) {
				t.Errorf("Hijack over HTTP/2 = %v", err)
			}
			if err := w.(http.Pusher).Push("/style.css", nil); err == nil {
				t.Error("Push succeeded though Go's client disables push")
			}
			must(t, s.Set("user", "alice"))
			_, _ = io.WriteString(w, "first\n")
			w.(http.Flusher).Flush()
			<-release
			select {
			case v := <-gone:
				notified <- v
			case <-time.After(10 * time.Second):
				notified <- false
			}
		case "/read":
			user, _ := Get[string](s, "user")
			_, _ = io.WriteString(w, user)
		}
	})))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/stream", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	cookies := resp.Cookies()
	if resp.ProtoMajor != 2 || len(cookies) != 1 {
		t.Errorf("%s response with cookies %v", resp.Proto, resp.Header.Values("Set-Cookie"))
	}
	line := make([]byte, len("first\n"))
	if _, err := io.ReadFull(resp.Body, line); err != nil || string(line) != "first\n" {
		t.Errorf("first line %q, %v", line, err)
	}
	cancel()
	resp.Body.Close()
	close(release)
	if !<-notified {
		t.Error("CloseNotify did not receive over HTTP/2 after the client went away")
	}

	if len(cookies) == 1 {
		req, _ = http.NewRequest("GET", srv.URL+"/read", nil)
		req.AddCookie(cookies[0])
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "alice" {
			t.Errorf("session read back over HTTP/2: %q", b)
		}
	}
}

// TestCommit checks Session.Commit: the headers the middleware would
// write go into the given header instead, later changes are refused, the
// middleware writes nothing more, and a second Commit or one outside the
// middleware is an error.
func TestCommit(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	got := http.Header{}
	rec := do(t, m, func(w http.ResponseWriter, r *http.Request, s *Session) {
		must(t, s.Set("user", "alice"))
		if err := s.Commit(got); err != nil {
			t.Errorf("Commit: %v", err)
		}
		if err := s.Set("late", 1); !errors.Is(err, ErrCommitted) {
			t.Errorf("Set after Commit = %v", err)
		}
		if err := s.Commit(http.Header{}); !errors.Is(err, ErrCommitted) {
			t.Errorf("second Commit = %v", err)
		}
		_, _ = io.WriteString(w, "body")
	})
	if len(cookiesOf(rec)) != 0 || rec.Header().Get("Vary") != "Cookie" {
		t.Errorf("the response after Commit: cookies %v, Vary %q (want no cookie, Vary: Cookie)", masked(rec), rec.Header().Get("Vary"))
	}
	if len(got.Values("Set-Cookie")) != 1 || got.Get("Vary") != "Cookie" || !strings.HasPrefix(got.Get("Cache-Control"), "private") {
		t.Errorf("committed header %v", got)
	}
	// The committed cookie is the session.
	cookie := strings.SplitN(got.Get("Set-Cookie"), ";", 2)[0]
	do(t, m, func(w http.ResponseWriter, r *http.Request, s *Session) {
		if user, _ := Get[string](s, "user"); user != "alice" {
			t.Errorf("session from the committed cookie: user %q", user)
		}
	}, cookie)
	if err := nullSession.Commit(http.Header{}); !errors.Is(err, ErrNoMiddleware) {
		t.Errorf("Commit outside the middleware = %v", err)
	}
}

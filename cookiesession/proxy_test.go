package cookiesession

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// This file holds what the proxy tests (TestNginx, TestHAProxy, TestApache,
// TestVarnish, TestCaddy, TestTrafficServer and their HTTP/2 variants)
// share: an upstream app behind the proxy, and steps a real client with a
// cookie jar takes through it.

// requireProxy skips the test when the proxy binary at path is missing, or
// fails it under CI=true, where .ci/run installs the Debian package pkg.
func requireProxy(t *testing.T, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("%s not available (%v): apt-get install %s", path, err, pkg)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// proxyApp is the app behind the proxy, which counts the requests that
// reach it: a step the proxy must refuse must not reach it.
type proxyApp struct {
	*httptest.Server
	requests atomic.Int64
}

// proxyUpstream starts the app that proxy tests put behind the proxy: the
// middleware over a native codec, allowing MaxChunksLimit chunks, with
// opts. A request with ?set=N stores a blob of N incompressible bytes in
// the session; every request answers with the length of the blob the
// session holds.
func proxyUpstream(t *testing.T, opts ...Option) *proxyApp {
	t.Helper()
	logErr := WithErrorHook(func(_ *http.Request, err error) { t.Logf("upstream: %v", err) })
	m := proxyManager(t, append([]Option{WithMaxChunks(MaxChunksLimit), logErr}, opts...)...)
	app := &proxyApp{}
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			app.requests.Add(1)
			next.ServeHTTP(w, r)
		})
	}
	upstream := httptest.NewServer(count(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		if n, err := strconv.Atoi(r.URL.Query().Get("set")); err == nil {
			if err := s.Set("blob", incompressible(n)); err != nil {
				t.Error(err)
			}
		}
		b, _ := Get[string](s, "blob")
		fmt.Fprint(w, len(b))
	}))))
	t.Cleanup(upstream.Close)
	app.Server = upstream
	return app
}

// proxyManager returns the middleware of an app behind a proxy: a native
// codec on the wall clock, with opts. The cookies stay Secure, as by
// default: Go's cookie jar, like Chromium and Firefox, treats
// http://127.0.0.1 as secure.
func proxyManager(t *testing.T, opts ...Option) *Manager {
	t.Helper()
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.NewNative(ring, codec.NativeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// proxyStep is one request through the proxy.
type proxyStep struct {
	set      int    // blob size to store, 0 to read
	want     int    // status
	body     string // on 200: the blob length the upstream saw
	cookies  int    // with set: the session cookies the upstream writes
	direct   bool   // send this one to the upstream, not through the proxy
	notSaved bool   // with set: the upstream does not write the session, and answers 500
	reset    bool   // the proxy resets the stream or ends the connection (HTTP/2): the client gets no response
	// resetWith, with reset, is what the client's error must hold to show
	// that the proxy ended the stream, as opposed to a dead proxy or a
	// hang (nginx's GOAWAY code, say). Without it, the case's logHas must
	// show the refusal.
	resetWith string
}

// proxyCase is one run through a freshly started proxy.
type proxyCase struct {
	name   string
	config string // directives for the proxy's configuration
	steps  []proxyStep
	logHas string // what the proxy's log must show at the end, if anything
}

// runProxyCases runs each case as a subtest, over HTTP/1.1: start starts
// the proxy with the case's config in front of upstream and returns its
// base URL and its log.
func runProxyCases(t *testing.T, upstream *proxyApp, cases []proxyCase, start func(t *testing.T, upstream, config string) (string, *syncbuf.Buffer)) {
	runProxyCasesOver(t, upstream, false, cases, start)
}

// runProxyCasesH2C is runProxyCases with the client speaking HTTP/2 to the
// proxy, in clear text with prior knowledge (h2c). Like Chromium and
// Firefox over HTTP/2 (WebKitGTK joins them: TestWebKitApacheHTTP2), Go's
// client sends each cookie as a header field of its own, so a proxy sees
// the chunks one by one, not one Cookie line.
func runProxyCasesH2C(t *testing.T, upstream *proxyApp, cases []proxyCase, start func(t *testing.T, upstream, config string) (string, *syncbuf.Buffer)) {
	runProxyCasesOver(t, upstream, true, cases, start)
}

// runProxyCasesOver is runProxyCases over h2c if h2c is set, else over
// HTTP/1.1.
func runProxyCasesOver(t *testing.T, upstream *proxyApp, h2c bool, cases []proxyCase, start func(t *testing.T, upstream, config string) (string, *syncbuf.Buffer)) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, st := range tc.steps {
				if st.reset && st.resetWith == "" && tc.logHas == "" {
					t.Fatalf("step %d expects a reset, but neither its resetWith nor the case's logHas can tell a reset from a dead or hung proxy", i)
				}
			}
			base, log := start(t, upstream.Listener.Addr().String(), tc.config)
			runProxySteps(t, upstream, base, h2c, tc.steps)
			if tc.logHas != "" {
				waitLogHas(t, log, tc.logHas)
			}
		})
	}
}

// waitLogHas waits up to 5 s for a proxy's log to show want, and fails the
// test if it does not. A proxy logs a request when it ends, a moment after
// the client has its answer.
func waitLogHas(t *testing.T, log *syncbuf.Buffer, want string) {
	t.Helper()
	waitLogCount(t, log, want, 1)
}

// waitLogCount is waitLogHas for at least n occurrences of want: one per
// request the proxy must have refused.
func waitLogCount(t *testing.T, log *syncbuf.Buffer, want string, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); strings.Count(log.String(), want) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("the proxy's log shows %q %d times, want %d:\n%s", want, strings.Count(log.String(), want), n, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runMaxCookieHeaderCase checks, through a proxy that start starts with
// config (whose request limits are the defaults), that
// WithMaxCookieHeader(7168) keeps a session within a Cookie header limit
// of about 8 KB: a change that would need 3 chunks is not written, and
// the client keeps the session it had.
func runMaxCookieHeaderCase(t *testing.T, config string, start func(t *testing.T, upstream, config string) (string, *syncbuf.Buffer)) {
	bounded := proxyUpstream(t, WithMaxCookieHeader(7168))
	runProxyCases(t, bounded, []proxyCase{
		{"default request limits, WithMaxCookieHeader(7168)", config, []proxyStep{
			{set: 1000, want: 200, body: "1000", cookies: 1},
			{set: 8000, want: 500, notSaved: true},
			{want: 200, body: "1000"},
			{set: 5000, want: 200, body: "5000", cookies: 2},
			{want: 200, body: "5000"},
		}, ""},
	}, start)
}

// runProxySteps takes steps through the proxy at base with one cookie jar,
// over HTTP/1.1, or over h2c if h2c is set. For each step that stores a
// blob, it first checks what the upstream answers without the proxy, so
// that a failure is the proxy's; a request the proxy refuses (a read
// answered 4xx or reset) must not reach the upstream. The jar sends the cookies of
// 127.0.0.1 to every port, so a direct step (always HTTP/1.1) plants
// cookies that the next step sends through the proxy.
func runProxySteps(t *testing.T, upstream *proxyApp, base string, h2c bool, steps []proxyStep) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// A new connection for each HTTP/1.1 request: a proxy may close the
	// connection after a refusal (Traffic Server does, after its 400), and
	// a next request written to it would fail for that alone.
	http1 := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	proxied := http1
	if h2c {
		var only http.Protocols
		only.SetUnencryptedHTTP2(true)
		tr := &http.Transport{Protocols: &only}
		t.Cleanup(tr.CloseIdleConnections)
		proxied = &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: tr}
	}
	for i, st := range steps {
		u, client := base+"/", proxied
		if st.direct {
			u, client = upstream.URL+"/", http1
		}
		if st.set > 0 {
			u += "?set=" + strconv.Itoa(st.set)
		}
		if st.set > 0 && !st.direct {
			direct, err := http.Get(upstream.URL + "/?set=" + strconv.Itoa(st.set))
			if err != nil {
				t.Fatal(err)
			}
			direct.Body.Close()
			cs := sessionCookies(direct)
			wantDirect := 200
			if st.notSaved {
				wantDirect = 500
			}
			if direct.StatusCode != wantDirect || len(cs) != st.cookies {
				t.Fatalf("step %d: upstream answers %s with %d session cookies, want %d with %d", i, direct.Status, len(cs), wantDirect, st.cookies)
			}
			size := 0
			for _, ck := range cs {
				size += len(ck.Name) + len(ck.Value)
			}
			t.Logf("step %d: without the proxy, %d session cookies of %d bytes, %d bytes of response header fields", i, len(cs), size, headerBytes(direct.Header))
		}
		// A step that only reads (set 0) and gets a 4xx or a reset is
		// refused for its request; one that sets a blob may be refused
		// for the upstream's response, after the upstream answered.
		refused := !st.direct && st.set == 0 && (st.reset || st.want >= 400 && st.want < 500)
		reached := upstream.requests.Load()
		if st.reset {
			expectReset(t, i, client, u, st.resetWith)
		} else {
			checkProxyStep(t, i, st, client, u, h2c)
		}
		if n := upstream.requests.Load() - reached; refused && n != 0 {
			t.Fatalf("step %d: the proxy should refuse the request, but the upstream got %d", i, n)
		}
	}
}

// checkProxyStep takes step i, a GET of u, and checks the answer. A proxy
// that refuses a request for its headers may answer and close the
// connection before the client has written them all; the client then
// sees a reset instead of the answer, as a browser may. A step that
// expects a 4xx is then tried again, up to 3 times in all: a proxy that
// only ever resets fails it.
func checkProxyStep(t *testing.T, i int, st proxyStep, client *http.Client, u string, h2c bool) {
	t.Helper()
	resp, err := client.Get(u)
	for try := 2; try <= 3 && err != nil && st.want >= 400 && st.want < 500 && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)); try++ {
		t.Logf("step %d: refused before the answer could be read (%v); try %d", i, err, try)
		resp, err = client.Get(u)
	}
	if err != nil {
		t.Fatalf("step %d: %v", i, err)
	}
	if !st.direct && h2c && resp.ProtoMajor != 2 {
		t.Fatalf("step %d: the proxy answered over %s, want HTTP/2", i, resp.Proto)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("step %d: reading the body: %v", i, err)
	}
	t.Logf("step %d (set %d): %s, %d session cookies, Cookie header sent %d bytes", i, st.set, resp.Status, len(sessionCookies(resp)), len(resp.Request.Header.Get("Cookie")))
	if resp.StatusCode != st.want || (st.want == 200 && string(body) != st.body) {
		t.Fatalf("step %d: %s %.80q, want %d %q", i, resp.Status, body, st.want, st.body)
	}
	if st.direct && st.set > 0 && len(sessionCookies(resp)) != st.cookies {
		t.Fatalf("step %d: upstream set %d session cookies, want %d", i, len(sessionCookies(resp)), st.cookies)
	}
}

// expectReset checks that a GET of u gets no response within 3 s, and
// that the error holds resetWith. Go's client retries a GET whose stream
// the server resets with PROTOCOL_ERROR, or whose connection it ends
// before answering, so a reset may show as an error or as a deadline
// passed; resetWith, or where the proxy logs the cause the case's logHas,
// tells a reset from a hang. A refused connection is no reset: nothing
// listens where the proxy should.
func expectReset(t *testing.T, step int, client *http.Client, u, resetWith string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	switch {
	case err == nil:
		resp.Body.Close()
		t.Fatalf("step %d: %s, want no response", step, resp.Status)
	case errors.Is(err, syscall.ECONNREFUSED):
		t.Fatalf("step %d: %v: the proxy does not listen", step, err)
	case !strings.Contains(err.Error(), resetWith):
		t.Fatalf("step %d: %v, want an error with %q", step, err, resetWith)
	}
	t.Logf("step %d: no response: %v", step, err)
}

// headerBytes is the size of h as HTTP/1.1 header lines ("Name: value"
// and CRLF), without the status line.
func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n
}

// sessionCookies returns the session cookies resp sets.
func sessionCookies(resp *http.Response) []*http.Cookie {
	var out []*http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "session" || strings.HasPrefix(ck.Name, "session.") {
			out = append(out, ck)
		}
	}
	return out
}

// incompressible returns n bytes that compression does not shrink, so that
// a session of n bytes needs about n*4/3 bytes of cookies.
func incompressible(n int) string {
	r := rand.New(rand.NewPCG(uint64(n), 1))
	b := make([]byte, n)
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// runProxy runs the proxy at path with args until the test ends, and
// waits until it listens on addr. It returns what the proxy writes to its
// standard output and error; a failed test shows that, and what extra
// returns if extra is not nil (a log file, say).
func runProxy(t *testing.T, name, addr string, extra func() string, path string, args ...string) *syncbuf.Buffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, args...)
	out := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	logs := func() string {
		if extra == nil {
			return out.String()
		}
		return out.String() + "\n" + extra()
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case err := <-exited:
			// A proxy that crashed would look like one that refused.
			t.Errorf("%s exited during the test: %v", name, err)
		default:
			cancel()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, logs())
		}
	})
	localnet.WaitListening(t, name, addr, logs)
	return out
}

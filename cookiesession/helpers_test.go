package cookiesession

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// t0 is the fixed start time of the tests (2023-11-14 22:13:20 UTC).
var t0 = time.Unix(1700000000, 0)

// clock is a settable test clock shared by a manager and its codec.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testKey is a fixed native key so that cookies survive across managers.
func testKey(t testing.TB, id string) codec.Key {
	t.Helper()
	k, err := codec.DeriveKey([]byte("cookiesession test secret, long enough for hkdf "+id), id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// nativeCodec returns the real native codec over the given keys (primary
// first) on clk.
func nativeCodec(t testing.TB, clk *clock, keys ...codec.Key) *codec.Native {
	t.Helper()
	ring, err := codec.NewKeyRing(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.NewNative(ring, codec.NativeOptions{Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// flaskCodec returns the real Flask codec for secret on clk.
func flaskCodec(t testing.TB, clk *clock, secret string, fallbacks ...string) *codec.Flask {
	t.Helper()
	var fb [][]byte
	for _, f := range fallbacks {
		fb = append(fb, []byte(f))
	}
	c, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte(secret), FallbackKeys: fb, Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// errLog collects what a manager reports.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) hook(_ *http.Request, err error) {
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

func (l *errLog) take() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.errs
	l.errs = nil
	return e
}

func (l *errLog) has(target error) bool {
	for _, e := range l.take() {
		if errors.Is(e, target) {
			return true
		}
	}
	return false
}

// newNative builds a native manager on clk with an error log.
func newNative(t testing.TB, clk *clock, log *errLog, opts ...Option) *Manager {
	t.Helper()
	opts = append([]Option{WithClock(clk.now), WithErrorHook(log.hook)}, opts...)
	m, err := New(nativeCodec(t, clk, testKey(t, "00000001")), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// do runs one request through m.LoadAndSave(h) with the given cookies
// ("name=value" strings) and returns the recorder.
func do(t testing.TB, m *Manager, h func(w http.ResponseWriter, r *http.Request, s *Session), cookies ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", "http://example.com/", nil)
	if len(cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	rec := httptest.NewRecorder()
	m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, m.Session(r))
	})).ServeHTTP(rec, req)
	return rec
}

// cookiesOf returns "name=value" for every non-deleting Set-Cookie of rec.
func cookiesOf(rec *httptest.ResponseRecorder) []string {
	var out []string
	for _, line := range rec.Result().Header.Values("Set-Cookie") {
		nv, _, _ := strings.Cut(line, ";")
		if !strings.HasSuffix(nv, "=") {
			out = append(out, nv)
		}
	}
	return out
}

var valueRE = regexp.MustCompile(`^([^=]+)=[^;]+;`)

// masked replaces the cookie values of Set-Cookie lines by <v>.
func masked(rec *httptest.ResponseRecorder) []string {
	var out []string
	for _, line := range rec.Result().Header.Values("Set-Cookie") {
		out = append(out, valueRE.ReplaceAllString(line, "$1=<v>;"))
	}
	return out
}

// noop is a handler that does not touch the session.
func noop(w http.ResponseWriter, _ *http.Request, _ *Session) {}

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// randomText returns n bytes of incompressible cookie-safe text.
func randomText(n int) string {
	var b bytes.Buffer
	x := uint32(2463534242)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for b.Len() < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte(alphabet[x%uint32(len(alphabet))])
	}
	return b.String()
}

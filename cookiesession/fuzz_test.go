package cookiesession

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

// FuzzCookieHeader feeds hostile Cookie headers through the middleware:
// no panic, at most 8 decode attempts, a 200 answer and a session that is
// either new or verified.
func FuzzCookieHeader(f *testing.F) {
	clk := newClock()
	m := newNative(f, clk, &errLog{})
	cc := &countingCodec{SessionCodec: m.codec}
	m.codec = cc
	small := cookiesOf(do(f, m, setUser))[0]
	chunked := cookiesOf(do(f, m, setBlob(7000)))
	for _, seed := range []string{
		small,
		strings.Join(chunked, "; "),
		strings.Join(append(chunked, "session.4=x"), "; "),
		"session=~2~" + strings.Repeat("A", 50) + "; session.2=; session.2=B",
		"session=~99~x", "session=~", "session=~~", "session=~1~x", "session=~02~x; session.2=y",
		strings.Repeat("session=x; ", 50),
		strings.Repeat("session.2=x; ", 50) + "session=~2~y",
		`session="quoted"; session.=x; session.0=y; session.1000=z`,
		"session", ";;;;", "=", "session==", "\x00session=\xff",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		before := cc.decodes.Load()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header["Cookie"] = []string{header}
		rec := httptest.NewRecorder()
		m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := m.Session(r)
			if _, ok := s.Info(); ok == s.IsNew() {
				t.Error("Info and IsNew disagree")
			}
			_ = s.Set("seen", true)
		})).ServeHTTP(rec, req)
		if d := cc.decodes.Load() - before; d > maxDecodeAttempts {
			t.Errorf("%d decode attempts", d)
		}
		if rec.Code != http.StatusOK || len(cookiesOf(rec)) == 0 {
			t.Errorf("status %d, cookies %v", rec.Code, masked(rec))
		}
	})
}

// TestCLIKnowsTheLimits: the CLI gives the middleware's verdict on
// duplicate cookies and repeated chunks from its own copies of the
// middleware's limits; they must stay equal.
func TestCLIKnowsTheLimits(t *testing.T) {
	if cliinput.MiddlewareMaxDecodes != maxDecodeAttempts {
		t.Errorf("cliinput.MiddlewareMaxDecodes is %d, maxDecodeAttempts %d", cliinput.MiddlewareMaxDecodes, maxDecodeAttempts)
	}
	if cliinput.MiddlewareMaxChunks != MaxChunksLimit {
		t.Errorf("cliinput.MiddlewareMaxChunks is %d, MaxChunksLimit %d", cliinput.MiddlewareMaxChunks, MaxChunksLimit)
	}
}

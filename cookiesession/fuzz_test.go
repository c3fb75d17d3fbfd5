package cookiesession

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

// FuzzCookieHeader feeds hostile Cookie headers through the middleware:
// no panic, at most 8 decode attempts, a 200 answer and a session that is
// either new or verified. The manager is migrating from the Flask format
// (a Legacy reader), so that the preference for native cookies over
// legacy ones is fuzzed too; a native cookie, when one verifies, wins. It
// has a previous scope, whose deletion is written only for a request with
// several session cookies or a legacy one. The same header goes through
// the first step of a Flask-to-native rollout (NewFlask over a Flask codec
// that also reads native cookies, chunked ones included), which must never
// write a chunk: Flask reads one cookie.
func FuzzCookieHeader(f *testing.F) {
	clk := newClock()
	flask := flaskCodec(f, clk, "the Flask secret")
	flaskApp, err := NewFlask(flask, WithClock(clk.now))
	if err != nil {
		f.Fatal(err)
	}
	native := flaskMigratingNative(f, clk, flask)
	m, err := New(native, WithClock(clk.now), WithErrorHook((&errLog{}).hook), WithPreviousScope("/old", ""))
	if err != nil {
		f.Fatal(err)
	}
	stepOneCodec, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("the Flask secret"), Clock: clk.now, AlsoRead: []codec.LegacyReader{native}})
	if err != nil {
		f.Fatal(err)
	}
	stepOneLog := &errLog{}
	stepOne, err := NewFlask(stepOneCodec, WithClock(clk.now), WithErrorHook(stepOneLog.hook))
	if err != nil {
		f.Fatal(err)
	}
	const previousDeletion = "session=; Path=/old;"
	cc := &countingCodec{SessionCodec: m.codec}
	m.codec = cc
	small := cookiesOf(do(f, m, setUser))[0]
	chunked := cookiesOf(do(f, m, setBlob(7000)))
	flaskCookie := cookiesOf(do(f, flaskApp, setUser))[0]
	for _, seed := range []string{
		flaskCookie,
		flaskCookie + "; " + small,
		small + "; " + flaskCookie,
		flaskCookie + "; " + strings.Join(chunked, "; "),
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
			info, ok := s.Info()
			if ok == s.IsNew() {
				t.Error("Info and IsNew disagree")
			}
			if ok && info.Format != "native" && reachesNative(header, small) {
				t.Errorf("a %s cookie won over the valid native cookie %s", info.Format, small)
			}
			_ = s.Set("seen", true)
		})).ServeHTTP(rec, req)
		if d := cc.decodes.Load() - before; d > maxDecodeAttempts {
			t.Errorf("%d decode attempts", d)
		}
		if rec.Code != http.StatusOK || len(cookiesOf(rec)) == 0 {
			t.Errorf("status %d, cookies %v", rec.Code, masked(rec))
		}
		// The response sets the session, so it deletes the previous
		// scope's cookie once, before any line that sets the session (a
		// jar that takes the two scopes for one cookie keeps the new one),
		// and writes at most one line per chunk there.
		deletions, firstSet, previousLines := -1, -1, 0
		for i, line := range rec.Result().Header.Values("Set-Cookie") {
			switch {
			case strings.HasPrefix(line, previousDeletion):
				if deletions >= 0 {
					t.Errorf("previous scope deleted twice: %v", masked(rec))
				}
				deletions = i
			case firstSet < 0 && strings.HasPrefix(line, "session=") && !strings.HasPrefix(line, "session=;"):
				firstSet = i
			}
			if strings.Contains(line, "; Path=/old;") {
				previousLines++
			}
		}
		if deletions < 0 || firstSet < 0 || deletions > firstSet || previousLines > MaxChunksLimit {
			t.Errorf("previous scope: deletion at line %d, session set at line %d, %d lines for the previous scope: %v", deletions, firstSet, previousLines, masked(rec))
		}

		rec = httptest.NewRecorder()
		req = httptest.NewRequest("GET", "/", nil)
		req.Header["Cookie"] = []string{header}
		stepOne.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = stepOne.Session(r).Set("seen", true)
		})).ServeHTTP(rec, req)
		// A native session larger than one Flask cookie can hold is read,
		// but cannot be written: the commit fails as too large.
		reports := stepOneLog.take()
		if rec.Code != http.StatusOK && !(rec.Code == http.StatusInternalServerError && len(reports) > 0 && errors.Is(reports[len(reports)-1], codec.ErrTooLarge)) {
			t.Errorf("first rollout step: status %d, reports %v", rec.Code, reports)
		}
		for _, c := range cookiesOf(rec) {
			if !strings.HasPrefix(c, "session=") {
				t.Errorf("first rollout step wrote %q: Flask reads one cookie", c)
			}
		}
	})
}

// reachesNative reports whether header carries the cookie nameValue as one
// of the session values loading tries (the first maxDecodeAttempts
// non-empty ones), with no chunked value before it, whose ways of joining
// could use up the attempts.
func reachesNative(header, nameValue string) bool {
	name, _, _ := strings.Cut(nameValue, "=")
	tried := 0
	for part := range strings.SplitSeq(header, ";") {
		part = strings.TrimSpace(part)
		k, v, ok := strings.Cut(part, "=")
		if !ok || k != name || v == "" {
			continue
		}
		if part == nameValue {
			return true
		}
		if tried++; tried >= maxDecodeAttempts || v[0] == '~' {
			return false
		}
	}
	return false
}

// TestCLIKnowsTheLimits: the CLI gives the middleware's verdict on
// duplicate cookies and repeated chunks from its own copies of the
// middleware's limits, and checks input with its own copy of the
// cookie-octet rule; they must stay equal.
func TestCLIKnowsTheLimits(t *testing.T) {
	if cliinput.MiddlewareMaxDecodes != maxDecodeAttempts {
		t.Errorf("cliinput.MiddlewareMaxDecodes is %d, maxDecodeAttempts %d", cliinput.MiddlewareMaxDecodes, maxDecodeAttempts)
	}
	if cliinput.MiddlewareMaxChunks != MaxChunksLimit {
		t.Errorf("cliinput.MiddlewareMaxChunks is %d, MaxChunksLimit %d", cliinput.MiddlewareMaxChunks, MaxChunksLimit)
	}
	// The CLI refuses input holding a byte the middleware would never
	// write in a cookie value; both spell out RFC 6265's cookie-octet.
	for b := range 256 {
		if cookieValueOK[b] != cliinput.IsCookieOctet(byte(b)) {
			t.Errorf("byte 0x%02X: cookiesession allows it %v, cliinput.IsCookieOctet %v", b, cookieValueOK[b], cliinput.IsCookieOctet(byte(b)))
		}
	}
}

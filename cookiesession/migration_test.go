package cookiesession

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// gorillaVector is testdata/gorilla/session.txt, a cookie real
// gorilla/sessions made (see gen.go there): "user": "alice", "visits": 3,
// "tags": []string{"admin", "dev"} and the flash "welcome back", under
// MaxAge 7 days. It returns gorilla's timestamp and the cookie value.
func gorillaVector(t *testing.T) (time.Time, string) {
	t.Helper()
	b, err := os.ReadFile("testdata/gorilla/session.txt")
	must(t, err)
	ts, value, ok := strings.Cut(strings.TrimSpace(string(b)), "\n")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		t.Fatalf("testdata/gorilla/session.txt: want a timestamp line and a cookie line")
	}
	return time.Unix(sec, 0), value
}

// migratingManager is a default manager over a native codec whose Legacy
// reader takes the vector's gorilla keys, with gorilla's MaxAge.
func migratingManager(t *testing.T, clk *clock, log *errLog) *Manager {
	t.Helper()
	mig, err := codec.NewGorillaMigration(codec.GorillaOptions{
		KeyPairs: [][]byte{[]byte("the gorilla app's 32-byte hash!!"), []byte("the gorilla app's AES block key!")},
		MaxAge:   7 * 24 * time.Hour,
		Clock:    clk.now,
	})
	must(t, err)
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	must(t, err)
	n, err := codec.NewNative(ring, codec.NativeOptions{Clock: clk.now, Legacy: []codec.LegacyReader{mig}, LegacyUntil: clk.now().Add(365 * 24 * time.Hour)})
	must(t, err)
	m, err := New(n, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	return m
}

// TestGorillaMigrationWithoutGorillaSessions reads a real gorilla/sessions
// cookie in a process that, like an app that has moved off gorilla, does
// not link gorilla/sessions (this test binary does not; the test runs
// itself again in a child process so that no other test has registered
// anything with gob first). It checks what a migrating app needs:
//
//   - the session is read although gob does not know []interface{}, in
//     which gorilla/sessions keeps flashes (it registers the type in its
//     init; every session that held a flash was dropped);
//   - a cookie two days old, within gorilla's MaxAge, is taken although the
//     manager's idle timeout is 24 hours, and the native session it becomes
//     starts its lifetime at the migration (it was cut off 7 days after
//     gorilla's last save, the user logged out);
//   - flashes queued by gorilla show in Flashes;
//   - values have the same Go types in the request that migrates the
//     cookie as in the next (an int was int, then int64).
func TestGorillaMigrationWithoutGorillaSessions(t *testing.T) {
	if os.Getenv("COOKIESESSION_GORILLA_CHILD") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGorillaMigrationWithoutGorillaSessions$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "COOKIESESSION_GORILLA_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("child: migrated")) {
			t.Fatalf("child process: %v\n%s", err, out)
		}
		return
	}
	// gob must not know []interface{} yet, or this cannot tell.
	var probe struct{ V any }
	probe.V = []any{"x"}
	if err := gob.NewEncoder(io.Discard).Encode(&probe); err == nil {
		t.Fatal("gob already knows []interface{} in this process: does the test binary link gorilla/sessions now?")
	}

	issued, value := gorillaVector(t)
	clk := &clock{t: issued.Add(48 * time.Hour)}
	log := &errLog{}
	m := migratingManager(t, clk, log)

	type reads struct {
		User    string
		Visits  int
		Tags    []string
		Types   string
		Flashes []Flash
	}
	read := func(s *Session) reads {
		var r reads
		r.User, _ = Get[string](s, "user")
		r.Visits, _ = Get[int](s, "visits")
		r.Tags, _ = Get[[]string](s, "tags")
		r.Types = reflect.TypeOf(s.Get("visits")).String() + " " + reflect.TypeOf(s.Get("tags")).String()
		r.Flashes = s.Flashes()
		return r
	}
	var first reads
	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { first = read(s) }, "session="+value)
	if errs := log.take(); len(errs) > 0 {
		t.Fatalf("the gorilla cookie was refused: %v", errs)
	}
	want := reads{User: "alice", Visits: 3, Tags: []string{"admin", "dev"}, Types: "int64 []interface {}", Flashes: []Flash{{"message", "welcome back", "welcome back"}}}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("migrating request read %+v, want %+v", first, want)
	}
	cookies := cookiesOf(rec)
	if len(cookies) != 1 || !strings.HasPrefix(cookies[0], "session=") || strings.HasPrefix(cookies[0], "session=MT") {
		t.Fatalf("the migrating request set %q, want one native session cookie", masked(rec))
	}

	// The next request reads the native cookie: the same values and types,
	// and the flash was taken.
	var next reads
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { next = read(s) }, cookies...)
	want.Flashes = nil
	if !reflect.DeepEqual(next, want) {
		t.Fatalf("next request read %+v, want %+v", next, want)
	}

	// Active daily use keeps the session beyond 7 days after gorilla's last
	// save: the lifetime runs from the migration.
	for range 7 {
		clk.advance(20 * time.Hour)
		rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { next = read(s) }, cookies...)
		if re := cookiesOf(rec); len(re) > 0 {
			cookies = re
		}
		if next.User != "alice" {
			t.Fatalf("%v after gorilla's save, the migrated session was lost: %v", clk.now().Sub(issued), log.take())
		}
	}
	if age := clk.now().Sub(issued); age <= 7*24*time.Hour {
		t.Fatalf("the loop ended %v after gorilla's save; it must pass 7 days to test the lifetime", age)
	}

	// A gorilla cookie past gorilla's own MaxAge is refused as expired.
	clk2 := &clock{t: issued.Add(7*24*time.Hour + time.Second)}
	log2 := &errLog{}
	old := migratingManager(t, clk2, log2)
	do(t, old, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if s.Get("user") != nil {
			t.Error("a gorilla cookie past its MaxAge was taken")
		}
	}, "session="+value)
	if !log2.has(codec.ErrExpired) {
		t.Errorf("the expired gorilla cookie was not reported as expired: %v", log2.take())
	}
	t.Log("child: migrated")
}

// TestFlaskMigrationKeepsSessions: a Flask cookie read by a Legacy reader
// of the native codec is held to Flask's max-age (31 days), not to the
// manager's idle timeout of 24 hours, and the native session it becomes
// starts its lifetime at the migration. Before, a Flask session idle for
// two days was refused by the switch.
func TestFlaskMigrationKeepsSessions(t *testing.T) {
	clk := newClock()
	flask := flaskCodec(t, clk, "the Flask secret")
	native := flaskMigratingNative(t, clk, flask)
	log := &errLog{}
	flaskApp, err := NewFlask(flask, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	m, err := New(native, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	cookies := cookiesOf(do(t, flaskApp, setUser))
	clk.advance(48 * time.Hour)
	user := func(s *Session) string { u, _ := Get[string](s, "user"); return u }
	var got string
	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { got = user(s) }, cookies...)
	if got != "bob" {
		t.Fatalf("a Flask cookie two days old was not migrated: %v", log.take())
	}
	cookies = cookiesOf(rec)
	for range 8 {
		clk.advance(20 * time.Hour)
		rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { got = user(s) }, cookies...)
		if re := cookiesOf(rec); len(re) > 0 {
			cookies = re
		}
		if got != "bob" {
			t.Fatalf("%v after the Flask cookie was issued, the migrated session was lost: %v", clk.now().Sub(t0), log.take())
		}
	}
	// Past Flask's max-age, a Flask cookie is refused as Flask would.
	clk2 := &clock{t: t0}
	flask2 := flaskCodec(t, clk2, "the Flask secret")
	native2 := flaskMigratingNative(t, clk2, flask2)
	flaskApp2, err := NewFlask(flask2, WithClock(clk2.now), WithErrorHook(log.hook))
	must(t, err)
	old := cookiesOf(do(t, flaskApp2, setUser))
	clk2.advance(codec.DefaultFlaskMaxAge + 2*time.Second)
	m2, err := New(native2, WithClock(clk2.now), WithErrorHook(log.hook))
	must(t, err)
	do(t, m2, func(_ http.ResponseWriter, _ *http.Request, s *Session) { got = user(s) }, old...)
	if got != "" || !log.has(codec.ErrExpired) {
		t.Errorf("a Flask cookie past its max-age: user %q, errors %v", got, log.take())
	}
}

// flaskMigratingNative is a native codec on clk whose Legacy reader is
// flask, open for a year from t0.
func flaskMigratingNative(t testing.TB, clk *clock, flask *codec.Flask) *codec.Native {
	t.Helper()
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	must(t, err)
	n, err := codec.NewNative(ring, codec.NativeOptions{Clock: clk.now, Legacy: []codec.LegacyReader{flask}, LegacyUntil: t0.Add(365 * 24 * time.Hour)})
	must(t, err)
	return n
}

// TestMigrationPrefersNativeCookie: the old app's cookie can outlive the
// switch beside the native one (set with another Path or Domain, so the
// re-issue did not replace it), and browsers may send it first. The native
// cookie must win in either order. Before, the first cookie that verified
// won, so every request restarted from the Flask snapshot: what the Go
// side stored was gone on the next request until LegacyUntil.
func TestMigrationPrefersNativeCookie(t *testing.T) {
	clk := newClock()
	flask := flaskCodec(t, clk, "the Flask secret")
	log := &errLog{}
	flaskApp, err := NewFlask(flask, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	m, err := New(flaskMigratingNative(t, clk, flask), WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	flaskCookie := cookiesOf(do(t, flaskApp, setUser))
	native := cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { s.Set("cart", "3 items") }, flaskCookie...))
	if len(flaskCookie) != 1 || len(native) != 1 {
		t.Fatalf("cookies: Flask %d, native %d; want one each", len(flaskCookie), len(native))
	}
	for _, order := range [][]string{{flaskCookie[0], native[0]}, {native[0], flaskCookie[0]}} {
		var cart, user, format string
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			cart, _ = Get[string](s, "cart")
			user, _ = Get[string](s, "user")
			info, _ := s.Info()
			format = info.Meta.Format
		}, order...)
		if cart != "3 items" || user != "bob" || format != "native" {
			t.Errorf("Flask cookie first %v: cart %q, user %q, format %q; want the native session", order[0] == flaskCookie[0], cart, user, format)
		}
	}
	// With the Flask cookie alone, it is still read.
	var user string
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { user, _ = Get[string](s, "user") }, flaskCookie...)
	if user != "bob" {
		t.Errorf("the Flask cookie alone: user %q; want bob (%v)", user, log.take())
	}
}

// TestFlaskMigrationKeepsBrowserSessionCookies: a Flask session that is
// not permanent (Flask stores no "_permanent" for it) was a cookie the
// browser drops when it closes; migrated under New, whose default is a
// persistent cookie, it must stay one. Before, it became a cookie with
// Max-Age, and a user who had not asked to be remembered stayed logged in
// after closing the browser. A permanent one keeps its persistent cookie.
func TestFlaskMigrationKeepsBrowserSessionCookies(t *testing.T) {
	clk := newClock()
	flask := flaskCodec(t, clk, "the Flask secret")
	flaskApp, err := NewFlask(flask, WithClock(clk.now))
	must(t, err)
	m, err := New(flaskMigratingNative(t, clk, flask), WithClock(clk.now))
	must(t, err)
	for _, permanent := range []bool{false, true} {
		flaskCookie := cookiesOf(do(t, flaskApp, func(w http.ResponseWriter, r *http.Request, s *Session) {
			setUser(w, r, s)
			if permanent {
				_ = s.SetPermanent(true)
			}
		}))
		for step := range 2 { // the migration, then a write to the native session
			rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Set("step", step) }, flaskCookie...)
			lines := rec.Result().Header.Values("Set-Cookie")
			if len(lines) != 1 {
				t.Fatalf("permanent %v, step %d: Set-Cookie %q, want one", permanent, step, lines)
			}
			if persistent := strings.Contains(lines[0], "Max-Age="); persistent != permanent {
				t.Errorf("permanent %v, step %d: %s; want a persistent cookie %v", permanent, step, lines[0], permanent)
			}
			flaskCookie = cookiesOf(rec)
		}
	}
}

// TestFlaskToNativeRollout: moving several instances from the Flask format
// to the native one, with some on each side of the switch (a rolling
// deploy). The first step's instances write Flask and also read native
// (FlaskOptions.AlsoRead); the second's write native and read Flask as a
// Legacy reader. A user whose requests alternate between them keeps the
// session and every change. Before, a first-step instance found a native
// cookie malformed: the user was anonymous there, and its next write
// replaced the native session (found by a team migrating a Flask app).
func TestFlaskToNativeRollout(t *testing.T) {
	t.Run("small session", func(t *testing.T) { testFlaskToNativeRollout(t, "") })
	// Hex compresses well: one Flask cookie holds it, while the native
	// cookie, encrypted and not compressed, needs two chunks, which the
	// first step must read (it refused them as over WithMaxChunks(1)).
	t.Run("session over one native cookie", func(t *testing.T) {
		testFlaskToNativeRollout(t, hex.EncodeToString([]byte(randomText(2600))))
	})
}

func testFlaskToNativeRollout(t *testing.T, note string) {
	clk := newClock()
	log := &errLog{}
	flask := flaskCodec(t, clk, "the Flask secret")
	native := flaskMigratingNative(t, clk, flask)
	step1Codec, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("the Flask secret"), Clock: clk.now, AlsoRead: []codec.LegacyReader{native}})
	must(t, err)
	step1, err := NewFlask(step1Codec, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	step2, err := New(native, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	cookies := cookiesOf(do(t, step1, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("user", "bob"))
		must(t, s.Set("note", note))
	}))
	chunked := false
	for i, m := range []*Manager{step2, step1, step2, step2, step1, step1, step2} {
		var user, gotNote string
		var count int64
		rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			user, _ = Get[string](s, "user")
			gotNote, _ = Get[string](s, "note")
			count, _ = Get[int64](s, "count")
			must(t, s.Set("count", count+1))
		}, cookies...)
		if user != "bob" || gotNote != note || count != int64(i) {
			t.Fatalf("request %d (step %d): user %q, note of %d bytes, count %d; want bob, %d bytes and %d (%v)", i, map[*Manager]int{step1: 1, step2: 2}[m], user, len(gotNote), count, len(note), i, log.take())
		}
		cookies = jar(cookies, rec)
		if len(cookies) > 1 {
			chunked = true
		}
		if m == step1 && len(cookies) != 1 {
			t.Fatalf("request %d: the first step left %d cookies; want its one Flask cookie, the native chunks deleted", i, len(cookies))
		}
		clk.advance(time.Minute)
	}
	if chunked != (note != "") {
		t.Fatalf("the second step wrote chunks: %v; this case needs them %v", chunked, note != "")
	}
	// The first step still refuses what is neither format, as before.
	var discarded error
	do(t, step1, func(_ http.ResponseWriter, _ *http.Request, s *Session) { discarded = s.Discarded() }, "session=garbage")
	if !errors.Is(discarded, codec.ErrMalformed) {
		t.Errorf("garbage under the first step: %v, want ErrMalformed", discarded)
	}
}

// TestFlaskRolloutSessionTooLargeForFlask: a session the second step of a
// Flask-to-native rollout saved in chunks, too large for one Flask cookie
// even compressed, is read by the first step, which cannot write it: a
// write there fails as too large (the commit error handler's 500) and
// leaves the native chunks as they were, so the second step still reads
// the session.
func TestFlaskRolloutSessionTooLargeForFlask(t *testing.T) {
	clk := newClock()
	flask := flaskCodec(t, clk, "the Flask secret")
	native := flaskMigratingNative(t, clk, flask)
	stepOneCodec, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("the Flask secret"), Clock: clk.now, AlsoRead: []codec.LegacyReader{native}})
	must(t, err)
	log := &errLog{}
	stepOne, err := NewFlask(stepOneCodec, WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	stepTwo, err := New(native, WithClock(clk.now))
	must(t, err)
	note := randomText(7000) // does not compress to one Flask cookie
	cookies := cookiesOf(do(t, stepTwo, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Set("note", note)) }))
	if len(cookies) < 2 {
		t.Fatalf("the second step wrote %d cookies; this test needs chunks", len(cookies))
	}
	var read string
	rec := do(t, stepOne, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		read, _ = Get[string](s, "note")
		must(t, s.Set("seen", true))
	}, cookies...)
	if read != note {
		t.Errorf("the first step read a note of %d bytes; want %d", len(read), len(note))
	}
	if rec.Code != http.StatusInternalServerError || !log.has(codec.ErrTooLarge) || len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Errorf("the first step's write: status %d, Set-Cookie %v; want a 500, an ErrTooLarge report and no cookie touched", rec.Code, rec.Result().Header.Values("Set-Cookie"))
	}
	do(t, stepTwo, func(_ http.ResponseWriter, _ *http.Request, s *Session) { read, _ = Get[string](s, "note") }, cookies...)
	if read != note {
		t.Errorf("the second step then read a note of %d bytes; want %d", len(read), len(note))
	}
}

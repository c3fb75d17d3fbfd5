package cookiesession

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/google/go-cmp/cmp"
)

// countingCodec counts the real codec's decode calls, to prove that some
// inputs are refused before any decoding.
type countingCodec struct {
	codec.SessionCodec
	decodes atomic.Int64
}

func (c *countingCodec) DecodeSession(name, value string, maxSize int) (any, codec.Meta, error) {
	c.decodes.Add(1)
	return c.SessionCodec.DecodeSession(name, value, maxSize)
}

func setBlob(n int) func(http.ResponseWriter, *http.Request, *Session) {
	return func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Set("blob", randomText(n)) }
}

func chunkNames(cookies []string) []string {
	var names []string
	for _, c := range cookies {
		n, v, _ := strings.Cut(c, "=")
		if len(v) > 0 && len(n)+len(v) > CookieBudget {
			names = append(names, n+" TOO LONG")
		}
		names = append(names, n)
	}
	return names
}

// errNotVerified, as an expected error, accepts either refusal of the codec
// for a value reassembled in the wrong order: codec.ErrSignature, or
// codec.ErrMalformed when the value's length is not a multiple of 4 and
// the chunk moved to the end leaves non-zero trailing bits in the last
// base64 character (which one happens depends on the length of the
// codec's output).
var errNotVerified = errors.New("codec.ErrSignature or codec.ErrMalformed")

func isErr(err, want error) bool {
	if want == errNotVerified {
		return errors.Is(err, codec.ErrSignature) || errors.Is(err, codec.ErrMalformed)
	}
	return errors.Is(err, want)
}

// TestChunking checks splitting, reassembly, shrinking and the fail-closed
// cases of chunked sessions.
func TestChunking(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log)
	cc := &countingCodec{SessionCodec: m.codec}
	m.codec = cc

	big := do(t, m, setBlob(7000))
	cookies := cookiesOf(big)
	if diff := cmp.Diff([]string{"session", "session.2", "session.3"}, chunkNames(cookies)); diff != "" {
		t.Fatalf("chunks (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(cookies[0], "session=~3~") {
		t.Fatalf("first chunk %.20s lacks the header", cookies[0])
	}
	for _, line := range big.Result().Header.Values("Set-Cookie") {
		if !strings.HasSuffix(line, "; Path=/; Expires=Wed, 15 Nov 2023 22:13:20 GMT; Max-Age=86400; HttpOnly; Secure; SameSite=Lax") {
			t.Errorf("chunk attributes differ: %.30s...%s", line, line[len(line)-80:])
		}
	}
	read := func(cs ...string) (blobLen int, isNew bool) {
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
			b, _ := Get[string](s, "blob")
			blobLen, isNew = len(b), s.IsNew()
			if info, ok := s.Info(); ok && info.Chunks != 3 {
				t.Errorf("Info.Chunks = %d", info.Chunks)
			}
		}, cs...)
		return
	}
	if n, isNew := read(cookies...); isNew || n != 7000 {
		t.Fatalf("reassembly failed: len %d new %v (%v)", n, isNew, log.take())
	}
	// Order of cookies in the header does not matter.
	if n, _ := read(cookies[2], cookies[0], cookies[1]); n != 7000 {
		t.Error("chunks in another order not reassembled")
	}

	// An older, different 3-chunk session supplies stale chunks.
	older := cookiesOf(do(t, m, setBlob(6500)))
	swap := func(c string, v string) string { n, _, _ := strings.Cut(c, "="); return n + "=" + v }
	valueOf := func(c string) string { _, v, _ := strings.Cut(c, "="); return v }

	fails := []struct {
		name    string
		cookies []string
		want    error
		decodes int64 // decode calls allowed
	}{
		{"missing chunk", []string{cookies[0], cookies[2]}, ErrChunks, 0},
		{"missing first", []string{cookies[1], cookies[2]}, ErrChunks, 0},
		{"swapped chunks", []string{cookies[0], swap(cookies[1], valueOf(cookies[2])), swap(cookies[2], valueOf(cookies[1]))}, errNotVerified, 1},
		{"stale chunk", []string{cookies[0], older[1], cookies[2]}, codec.ErrSignature, 1},
		{"absurd count", append([]string{"session=~99~" + valueOf(cookies[0])[3:]}, cookies[1:]...), ErrChunks, 0},
		{"count over the maximum", append([]string{"session=~5~" + valueOf(cookies[0])[3:]}, cookies[1:]...), ErrChunks, 0},
		{"count with a sign", append([]string{"session=~+3~" + valueOf(cookies[0])[3:]}, cookies[1:]...), ErrChunks, 0},
		{"truncated chunk", []string{cookies[0], cookies[1][:len(cookies[1])-12], cookies[2]}, codec.ErrSignature, 1},
	}
	for _, tt := range fails {
		t.Run(tt.name, func(t *testing.T) {
			log.take()
			before := cc.decodes.Load()
			if n, isNew := read(tt.cookies...); !isNew || n != 0 {
				t.Errorf("accepted: len %d", n)
			}
			errs := log.take()
			if tt.want == nil {
				if len(errs) != 0 {
					t.Errorf("reports = %v", errs)
				}
			} else if len(errs) != 1 || !isErr(errs[0], tt.want) {
				t.Errorf("reports = %v, want %v", errs, tt.want)
			}
			if d := cc.decodes.Load() - before; d > tt.decodes {
				t.Errorf("%d decodes, want at most %d", d, tt.decodes)
			}
		})
	}

	// Duplicate chunk (a tossed session.2 first): the combination that
	// verifies wins.
	if n, _ := read(cookies[0], older[1], cookies[1], cookies[2]); n != 7000 {
		t.Errorf("duplicate chunk not resolved: %v", log.take())
	}

	// Two 3-chunk sessions under one name, a planted one (another key)
	// first: its 4 ways of joining the mixed copies, then the genuine
	// session's, whose 4th is the 8th and last decode the request allows.
	// One more cookie in front, and the genuine way is never decoded.
	other, err := New(nativeCodec(t, clk, testKey(t, "00000002")), WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	planted := cookiesOf(do(t, other, setBlob(7000)))
	mixed := append(planted, cookies...)
	before := cc.decodes.Load()
	if n, _ := read(mixed...); n != 7000 {
		t.Errorf("the genuine session was not found in 8 decodes: %v", log.take())
	}
	if d := cc.decodes.Load() - before; d != maxDecodeAttempts {
		t.Errorf("%d decodes, want %d", d, maxDecodeAttempts)
	}
	before = cc.decodes.Load()
	if n, _ := read(append([]string{"session=junk"}, mixed...)...); n != 0 {
		t.Error("a 9th decode was made")
	}
	if d := cc.decodes.Load() - before; d != maxDecodeAttempts {
		t.Errorf("%d decodes, want %d", d, maxDecodeAttempts)
	}
	log.take()

	// Shrinking deletes the chunks no longer needed.
	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { _ = s.Set("blob", "small") }, cookies...)
	want := []string{
		setAt0,
		"session.2=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
		"session.3=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
	}
	if diff := cmp.Diff(want, masked(rec)); diff != "" {
		t.Errorf("shrink (-want +got):\n%s", diff)
	}
	// 3 -> 2 chunks deletes only chunk 3.
	rec = do(t, m, setBlob(5000), cookies...)
	if got := chunkNames(masked(rec)); !cmp.Equal(got, []string{"session", "session.2", "session.3"}) || !strings.HasPrefix(masked(rec)[2], "session.3=; ") {
		t.Errorf("3 -> 2: %v", masked(rec))
	}
	// Destroy deletes every chunk.
	rec = do(t, m, destroy, cookies...)
	if got := masked(rec); len(got) != 3 || !strings.HasPrefix(got[0], "session=; ") || !strings.HasPrefix(got[2], "session.3=; ") {
		t.Errorf("destroy: %v", got)
	}
}

// TestTooLarge checks the documented error path above MaxChunks: no cookie
// is written (the browser keeps the previous one), Save reports it, and the
// commit error handler answers unless the handler had that error from Save.
func TestTooLarge(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log, WithMaxChunks(2))
	var saveErr error
	rec := do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("blob", randomText(9000)))
		saveErr = s.Save()
		_ = s.Delete("blob")
		must(t, s.Set("note", "fits"))
		if err := s.Save(); err != nil {
			t.Errorf("Save after fixing: %v", err)
		}
	})
	var tl *codec.TooLargeError
	if !errors.Is(saveErr, ErrNotSaved) || !errors.As(saveErr, &tl) || !strings.Contains(saveErr.Error(), "WithMaxChunks") {
		t.Errorf("Save = %v", saveErr)
	}
	if len(cookiesOf(rec)) != 1 {
		t.Errorf("fixed session not written: %v", masked(rec))
	}
	// Without Save: the commit error handler answers 500, no Set-Cookie.
	rec = do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("blob", randomText(9000)))
		w.WriteHeader(http.StatusCreated)
		if _, err := fmt.Fprint(w, "secret body"); !errors.Is(err, ErrNotSaved) {
			t.Errorf("Write after failed commit = %v", err)
		}
	})
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret") || len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Errorf("got %d %q %v", rec.Code, rec.Body, rec.Result().Header)
	}
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], ErrNotSaved) || !errors.Is(errs[0], codec.ErrTooLarge) {
		t.Errorf("reports = %v", errs)
	}
	// Save failed and the handler answers on its own: its answer goes out,
	// with no Set-Cookie (the client keeps its cookie), and the error hook
	// still hears of the lost change.
	before := cookiesOf(do(t, m, setUser))
	rec = do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("blob", randomText(9000)))
		if err := s.Save(); !errors.Is(err, ErrNotSaved) {
			t.Errorf("Save = %v", err)
		}
		http.Error(w, "your cart is full", http.StatusRequestEntityTooLarge)
	}, before...)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "cart is full") || len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Errorf("handler's answer after a failed Save: got %d %q %v", rec.Code, rec.Body, rec.Result().Header)
	}
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], codec.ErrTooLarge) {
		t.Errorf("reports after a failed Save = %v", errs)
	}
	// A change after the failed Save is committed as usual: here it makes
	// the session bigger still, so the commit error handler answers.
	rec = do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.Set("blob", randomText(9000)))
		_ = s.Save()
		must(t, s.Set("more", randomText(100)))
		fmt.Fprint(w, "secret body")
	}, before...)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret") || len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Errorf("changed after a failed Save: got %d %q %v", rec.Code, rec.Body, rec.Result().Header)
	}
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], codec.ErrTooLarge) {
		t.Errorf("reports after a change = %v", errs)
	}
	// Flask mode refuses a session over one cookie.
	mf, err := NewFlask(flaskCodec(t, clk, "dev"), WithClock(clk.now), WithErrorHook(log.hook))
	must(t, err)
	rec = do(t, mf, setBlob(5000))
	if rec.Code != http.StatusInternalServerError || len(rec.Result().Header.Values("Set-Cookie")) != 0 {
		t.Errorf("Flask mode over 4 KB: %d %v", rec.Code, rec.Result().Header)
	}
	// The advice fits the mode: Flask mode refuses WithMaxChunks.
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], codec.ErrTooLarge) || strings.Contains(errs[0].Error(), "WithMaxChunks") || !strings.Contains(errs[0].Error(), "in Flask mode the session must fit one cookie") {
		t.Errorf("Flask mode over 4 KB: reports %v", errs)
	}
	// One chunk allowed: "1 cookie", not "1 cookies".
	m1 := newNative(t, clk, log, WithMaxChunks(1))
	do(t, m1, setBlob(5000))
	if errs := log.take(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "more than 1 cookie of 4096 bytes; store less in it, or raise WithMaxChunks once the proxies in front pass the larger Cookie header") {
		t.Errorf("one chunk over 4 KB: reports %v", errs)
	}
}

// TestSplitBudget checks that every chunk stays within CookieBudget at the
// boundaries.
func TestSplitBudget(t *testing.T) {
	for _, name := range []string{"s", "session", "__Host-session"} {
		for _, size := range []int{CookieBudget - len(name), CookieBudget - len(name) + 1, capacity(name, 2), capacity(name, 2) + 1, capacity(name, 4)} {
			v := strings.Repeat("A", size)
			parts, ok := splitValue(name, v, 4)
			if !ok {
				t.Errorf("%s %d: did not fit", name, size)
				continue
			}
			if parts == nil {
				parts = []string{v}
			}
			var joined strings.Builder
			for i, p := range parts {
				n := name
				if i > 0 {
					n = chunkName(name, i+1)
				} else if len(parts) > 1 {
					p = p[len(chunkHeader(len(parts))):]
				}
				if len(n)+len(parts[i]) > CookieBudget {
					t.Errorf("%s %d: chunk %d is %d bytes", name, size, i+1, len(n)+len(parts[i]))
				}
				joined.WriteString(p)
			}
			if joined.String() != v {
				t.Errorf("%s %d: parts do not join back", name, size)
			}
		}
		if _, ok := splitValue(name, strings.Repeat("A", capacity(name, 4)+1), 4); ok {
			t.Errorf("%s: over capacity accepted", name)
		}
	}
}

// TestStrayHighChunkName checks that a cookie named like a chunk beyond
// MaxChunksLimit, which no configuration writes, is not taken for one: it
// used to refuse the session and make the next response delete every
// index up to it (999 Set-Cookie lines, about 100 KB of headers, from a
// 13-byte cookie), past the header limits of common proxies.
func TestStrayHighChunkName(t *testing.T) {
	log := &errLog{}
	m := newNative(t, newClock(), log)
	cookies := append(cookiesOf(do(t, m, setUser)), "session.999=x")
	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if s.IsNew() {
			t.Errorf("session refused: %v", log.take())
		}
		must(t, s.Set("n", 1))
	}, cookies...)
	if got := masked(rec); len(got) != 1 {
		t.Errorf("%d Set-Cookie lines, want 1", len(got))
	}
	// The highest real chunk name is still one.
	if chunkIndex(strconv.Itoa(MaxChunksLimit)) != MaxChunksLimit || chunkIndex(strconv.Itoa(MaxChunksLimit+1)) != 0 {
		t.Error("chunk index bounds")
	}
}

// jar applies the Set-Cookie lines of each response in turn, as a browser
// does (a deletion removes the cookie), and returns the cookies it then
// sends, sorted by name.
func jar(start []string, responses ...*httptest.ResponseRecorder) []string {
	held := map[string]string{}
	for _, c := range start {
		n, v, _ := strings.Cut(c, "=")
		held[n] = v
	}
	for _, rec := range responses {
		for _, line := range rec.Result().Header.Values("Set-Cookie") {
			nv, _, _ := strings.Cut(line, ";")
			n, v, _ := strings.Cut(nv, "=")
			if v == "" {
				delete(held, n)
			} else {
				held[n] = v
			}
		}
	}
	var out []string
	for _, n := range slices.Sorted(maps.Keys(held)) {
		out = append(out, n+"="+held[n])
	}
	return out
}

// TestLeftoverChunks checks that chunk cookies the value does not use are
// ignored, not a reason to refuse the session, and that the next write
// deletes them. Parallel requests leave them behind: one grows the
// session to three chunks while another, sent with the same small cookie,
// saves a small change; when the browser applies the answers in that
// order it holds the small NAME beside the large session's NAME.2 and
// NAME.3.
func TestLeftoverChunks(t *testing.T) {
	log := &errLog{}
	m := newNative(t, newClock(), log)
	small := cookiesOf(do(t, m, setUser))
	grow := do(t, m, setBlob(7000), small...)
	change := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Set("theme", "dark")) }, small...)
	held := jar(small, grow, change)
	if diff := cmp.Diff([]string{"session", "session.2", "session.3"}, chunkNames(held)); diff != "" {
		t.Fatalf("jar after the race (-want +got):\n%s", diff)
	}

	cases := []struct {
		name    string
		cookies []string
		key     string // a key the accepted session holds
		chunks  int
	}{
		{"after the race", held, "theme", 1},
		{"planted beside an unchunked cookie", append(slices.Clone(small), "session.2=AAAA"), "user", 1},
		{"above the count", append(cookiesOf(grow), "session.4=AAAA"), "blob", 3},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
				if s.IsNew() {
					t.Fatalf("session refused: %v", log.take())
				}
				if !s.Has(tt.key) {
					t.Errorf("session lacks %q", tt.key)
				}
				if info, _ := s.Info(); info.Chunks != tt.chunks {
					t.Errorf("Info.Chunks = %d, want %d", info.Chunks, tt.chunks)
				}
				must(t, s.Set("seen", true))
			}, tt.cookies...)
			if errs := log.take(); len(errs) != 0 {
				t.Errorf("reports = %v", errs)
			}
			// The write keeps the session's own chunks and deletes the rest.
			after := jar(tt.cookies, rec)
			if got, want := len(after), tt.chunks; got != want {
				t.Errorf("cookies after the write: %v, want %d", chunkNames(after), want)
			}
		})
	}
}

// TestPlantedChunkFlood: a 1 MB Cookie header of planted chunk heads and
// chunks (anyone can send one) costs the middleware about what a header
// of unrelated cookies of the same size costs, beside the typed error:
// before scanCookies kept at most maxDecodeAttempts copies of each name,
// it cost about 12 MB more per request.
func TestPlantedChunkFlood(t *testing.T) {
	const size = 1 << 20
	// Tiny chunks: the cost was per cookie, not per byte.
	var planted, unrelated []string
	for range 8 {
		planted = append(planted, "session=~16~A")
	}
	for n := 0; n < size; n += len("session.16=A; ") {
		planted = append(planted, chunkName("session", 2+len(planted)%15)+"=A")
		unrelated = append(unrelated, "unrelated0=A")
	}
	log := &errLog{}
	m := newNative(t, newClock(), log)
	read := func(_ http.ResponseWriter, _ *http.Request, s *Session) { s.Keys() }
	alloc := func(cookies []string) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		do(t, m, read, cookies...)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	base, flood := alloc(unrelated), alloc(planted)
	t.Logf("1 MB of unrelated cookies: %d KB; of planted chunks: %d KB", base>>10, flood>>10)
	if flood > base+2<<20 {
		t.Errorf("planted chunks cost %d KB more than unrelated cookies", (flood-base)>>10)
	}
	if !log.has(ErrInvalidCookie) {
		t.Error("the planted chunks were not reported")
	}
}

// TestMissingFirstChunk: a request with NAME.2 and up but no NAME is what a
// client that cuts the Cookie header sends (curl 7.88 drops cookies past
// about 8 KB). The session is new, and the cause is reported as ErrChunks
// like any other missing chunk. Before, nothing was reported: the user was
// logged out with no log line, no reason word and no Discarded.
func TestMissingFirstChunk(t *testing.T) {
	log := &errLog{}
	m := newNative(t, newClock(), log)
	cookies := cookiesOf(do(t, m, setBlob(7000)))
	if diff := cmp.Diff([]string{"session", "session.2", "session.3"}, chunkNames(cookies)); diff != "" {
		t.Fatalf("chunks (-want +got):\n%s", diff)
	}
	var discarded error
	var isNew bool
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { discarded, isNew = s.Discarded(), s.IsNew() }, cookies[1:]...)
	hooked := log.take()
	if !isNew || !errors.Is(discarded, ErrChunks) || !errors.Is(discarded, ErrInvalidCookie) || len(hooked) != 1 {
		t.Fatalf("IsNew %v, Discarded %v, hook %v; want a new session and ErrChunks reported once", isNew, discarded, hooked)
	}
	if got := Reasons(discarded); !slices.Equal(got, []string{"chunks"}) {
		t.Errorf("Reasons %q, want [chunks]", got)
	}
	// A stray name that is no chunk of any configuration is not reported.
	do(t, m, noop, "session.999=x")
	if got := log.take(); len(got) != 0 {
		t.Errorf("session.999 alone reported %v", got)
	}
}

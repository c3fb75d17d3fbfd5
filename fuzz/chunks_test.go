package fuzz

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

// splitCookieHeader splits "a=1; b=2" into pairs without any validation,
// so that the fuzzer can hand ReassembleChunks any names and values.
func splitCookieHeader(s string) []cliinput.Cookie {
	var cs []cliinput.Cookie
	for part := range strings.SplitSeq(s, ";") {
		n, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		cs = append(cs, cliinput.Cookie{Name: n, Value: v})
	}
	return cs
}

// refChunkIndex is the documented NAME.k rule: k in 2..999, decimal, no
// leading zero.
func refChunkIndex(cookieName, name string) int {
	rest, ok := strings.CutPrefix(cookieName, name+".")
	if !ok || rest == "" || len(rest) > 3 || rest[0] == '0' {
		return 0
	}
	for _, c := range []byte(rest) {
		if c < '0' || c > '9' {
			return 0
		}
	}
	k, _ := strconv.Atoi(rest)
	if k < 2 {
		return 0
	}
	return k
}

// refReassemble is the chunk layout of cliinput.ReassembleChunks written
// from its documentation alone: "" and "plain" for no chunked session,
// "error" for inconsistent chunks, "ok" with the joined value (the first
// copy of each chunk) and the parts: parts[0] holds the first cookie's part,
// parts[k-1] every copy of chunk k (2..n) in input order.
func refReassemble(cs []cliinput.Cookie, name string) (string, string, [][]string) {
	first := -1
	for i, c := range cs {
		if c.Name == name {
			first = i
			break
		}
	}
	if first < 0 || !strings.HasPrefix(cs[first].Value, "~") {
		return "", "plain", nil
	}
	v := cs[first].Value[1:]
	digits, part1, ok := strings.Cut(v, "~")
	if !ok || len(digits) < 1 || len(digits) > 2 || digits[0] == '0' {
		return "", "error", nil
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 2 || n > cliinput.MaxChunks || strings.ContainsAny(digits, "+-") {
		return "", "error", nil
	}
	copies := make([][]string, n+1)
	copies[1] = []string{part1}
	for _, c := range cs {
		k := refChunkIndex(c.Name, name)
		if k == 0 {
			continue
		}
		if k > n {
			continue // a leftover of a larger session is ignored
		}
		copies[k] = append(copies[k], c.Value)
	}
	joined := part1
	for k := 2; k <= n; k++ {
		if len(copies[k]) == 0 {
			return "", "error", nil
		}
		joined += copies[k][0]
	}
	return joined, "ok", copies[1:]
}

// checkCombinations checks cliinput.ChunkCombinations against the parts
// of refReassemble: at most MiddlewareMaxDecodes, the first is ReassembleChunks'
// value, all distinct, each the join of the copies it names, and as many
// as the copies allow up to the limit.
func checkCombinations(t *testing.T, cs []cliinput.Cookie, first string, parts [][]string) {
	copies := parts[1:]
	combos, err := cliinput.ChunkCombinations(cs, "session")
	if err != nil || len(combos) == 0 || len(combos) > cliinput.MiddlewareMaxDecodes || combos[0].Value != first {
		t.Fatalf("ChunkCombinations: %d, %v; the first must be %q", len(combos), err, first)
	}
	ways := 1
	for _, c := range copies {
		ways = min(ways*len(c), cliinput.MiddlewareMaxDecodes)
	}
	if len(combos) != ways {
		t.Fatalf("%d combinations, the copies allow %d", len(combos), ways)
	}
	seen := map[string]bool{}
	for _, c := range combos {
		key := fmt.Sprint(c.Copies)
		if seen[key] {
			t.Fatalf("combination %s given twice", key)
		}
		seen[key] = true
		want := parts[0][0]
		for i, p := range c.Copies {
			want += copies[i][p-1]
		}
		if c.Value != want {
			t.Fatalf("combination %s joins %q, want %q", key, c.Value, want)
		}
	}
}

// chunkFixture is a manager with a fixed key and clock, and a session big
// enough to be split over three cookies.
type chunkFixture struct {
	m      *cookiesession.Manager
	blob   string
	header string // the Cookie header carrying the genuine chunks
	parts  []string
}

func newChunkFixture(tb testing.TB) *chunkFixture {
	tb.Helper()
	ring, err := codec.NewKeyRing(fixedKey(tb, "0c0c0c0c"))
	if err != nil {
		tb.Fatal(err)
	}
	clock := func() time.Time { return nativeNow }
	c, err := codec.NewNative(ring, codec.NativeOptions{Clock: clock, Rand: detRand(7)})
	if err != nil {
		tb.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := cookiesession.New(c, cookiesession.WithClock(clock), cookiesession.WithLogger(quiet))
	if err != nil {
		tb.Fatal(err)
	}
	r := mrand.New(mrand.NewPCG(1, 2))
	b := make([]byte, 7000)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r.IntN(36)]
	}
	fx := &chunkFixture{m: m, blob: string(b)}
	rec := fx.serve(tb, "", func(s *cookiesession.Session) {
		if err := s.Set("blob", fx.blob); err != nil {
			tb.Fatal(err)
		}
	})
	for _, line := range rec.Result().Header.Values("Set-Cookie") {
		nv, _, _ := strings.Cut(line, ";")
		fx.parts = append(fx.parts, nv)
	}
	if len(fx.parts) < 2 {
		tb.Fatalf("the fixture session was not chunked: %q", fx.parts)
	}
	fx.header = strings.Join(fx.parts, "; ")
	return fx
}

// serve runs one request with the given Cookie header through the
// middleware and calls h with the session.
func (fx *chunkFixture) serve(tb testing.TB, cookie string, h func(*cookiesession.Session)) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "http://example.com/", nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	fx.m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(fx.m.Session(r))
	})).ServeHTTP(rec, req)
	return rec
}

// chunkSeeds are the genuine chunk header and its classic corruptions:
// a missing, swapped, stale, extra or duplicated chunk and absurd counts.
func (fx *chunkFixture) seeds() []string {
	p := fx.parts
	name := func(s string) string { n, _, _ := strings.Cut(s, "="); return n }
	val := func(s string) string { _, v, _ := strings.Cut(s, "="); return v }
	out := []string{
		fx.header,
		strings.Join(p[:len(p)-1], "; "),
		strings.Join(append([]string{p[0], p[2], p[1]}, p[3:]...), "; "),
		fx.header + "; session." + strconv.Itoa(len(p)+1) + "=stale",
		fx.header + "; " + p[1],
		"session=evil; " + fx.header,
		fx.header + "; session=~" + strconv.Itoa(len(p)) + "~x",
		name(p[0]) + "=~99~" + val(p[0])[3:] + "; " + strings.Join(p[1:], "; "),
		name(p[0]) + "=~0~; session.2=x",
		name(p[0]) + "=~1~x",
		name(p[0]) + "=~100~x",
		name(p[1]) + "=" + val(p[2]) + "; " + name(p[2]) + "=" + val(p[1]) + "; " + p[0],
		"session=\"" + val(p[0]) + "\"; " + strings.Join(p[1:], "; "),
		"session.02=x; session.1=y; session.1000=z; session=~2~a; session.2=b",
		fx.header + "; " + name(p[1]) + "=evil; " + name(p[2]) + "=evil",
		name(p[1]) + "=evil; " + name(p[2]) + "=evil; " + fx.header,
	}
	return out
}

// FuzzChunks feeds Cookie headers to both chunk readers: the CLI's
// cliinput.ReassembleChunks, compared with a reference written from its
// documentation (same outcome class, same joined value, errors wrapping
// ErrChunks) and its ChunkCombinations checked against the reference's
// copies, and cookiesession's middleware with a chunked genuine
// session, which must never panic, must answer normally, and may load a
// session only if it is exactly the genuine one.
func FuzzChunks(f *testing.F) {
	fx := newChunkFixture(f)
	for _, s := range fx.seeds() {
		f.Add(s)
	}
	for _, s := range testStrings(f, "../internal/cliinput") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		cs := splitCookieHeader(header)
		got, ok, err := cliinput.ReassembleChunks(cs, "session")
		want, class, copies := refReassemble(cs, "session")
		switch {
		case err != nil:
			if !errors.Is(err, cliinput.ErrChunks) {
				t.Fatalf("error %v does not wrap ErrChunks", err)
			}
			if class != "error" {
				t.Fatalf("%q: refused (%v), reference says %s", header, err, class)
			}
		case !ok:
			if class != "plain" {
				t.Fatalf("%q: not chunked, reference says %s", header, class)
			}
		default:
			if class != "ok" || got != want {
				t.Fatalf("%q: joined %q, reference says %s %q", header, got, class, want)
			}
			checkCombinations(t, cs, got, copies)
		}

		if strings.ContainsAny(header, "\r\n\x00") || len(header) > 64<<10 {
			return // not a header net/http would deliver
		}
		var loaded bool
		var blob any
		var loadErr string
		rec := fx.serve(t, header, func(s *cookiesession.Session) {
			blob = s.Get("blob")
			loaded = !s.IsNew()
			if loaded {
				if keys := s.Keys(); len(keys) != 1 {
					loadErr = fmt.Sprintf("keys %q", keys)
				}
			}
		})
		if rec.Code != http.StatusOK {
			t.Fatalf("%q: status %d", header, rec.Code)
		}
		if loaded && (blob != fx.blob || loadErr != "") {
			t.Fatalf("%q: loaded a session that is not the genuine one (%s)", header, loadErr)
		}
		if !loaded && blob != nil {
			t.Fatalf("%q: a new session holds data", header)
		}
	})
}

// TestChunkFixture checks the fixture: the genuine header loads the
// session and the corrupted ones of seeds() do not, except those that keep
// the genuine chunks intact.
func TestChunkFixture(t *testing.T) {
	fx := newChunkFixture(t)
	var loaded bool
	fx.serve(t, fx.header, func(s *cookiesession.Session) { loaded = !s.IsNew() && s.Get("blob") == fx.blob })
	if !loaded {
		t.Fatalf("the genuine chunked session %q did not load", fx.parts)
	}
	seeds := fx.seeds()
	// Reordering whole cookies is harmless; a missing chunk and swapped
	// chunk values are not.
	for _, i := range []int{1, 11} {
		fx.serve(t, seeds[i], func(s *cookiesession.Session) { loaded = !s.IsNew() })
		if loaded {
			t.Errorf("corruption %d loaded: %.80q", i, seeds[i])
		}
	}
	// A leftover chunk above the count is ignored: the genuine session
	// loads.
	fx.serve(t, seeds[3], func(s *cookiesession.Session) { loaded = !s.IsNew() && s.Get("blob") == fx.blob })
	if !loaded {
		t.Errorf("the genuine session with a leftover chunk did not load: %.80q", seeds[3])
	}
}

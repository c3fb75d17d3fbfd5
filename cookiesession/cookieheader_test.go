package cookiesession

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// sentCookieHeader is the Cookie header a browser sends for a value split
// as splitValue splits it: each cookie as name=value, joined by "; ".
func sentCookieHeader(name, value string, maxChunks int) (int, bool) {
	parts, ok := splitValue(name, value, maxChunks)
	if !ok {
		return 0, false
	}
	if parts == nil {
		return len(name) + 1 + len(value), true
	}
	size := 2 * (len(parts) - 1) // the "; " between cookies
	for i, p := range parts {
		n := name
		if i > 0 {
			n = chunkName(name, i+1)
		}
		size += len(n) + 1 + len(p)
	}
	return size, true
}

// TestCookieHeaderCapacity checks cookieHeaderCapacity against the Cookie
// header each value length really makes: every value up to it fits in
// the limit, and the next length does not.
func TestCookieHeaderCapacity(t *testing.T) {
	long := strings.Repeat("A", capacity("s", MaxChunksLimit)+1)
	for _, name := range []string{"s", "__Host-session"} {
		for _, maxChunks := range []int{1, 2, 4, MaxChunksLimit} {
			for _, limit := range []int{MinCookieHeader, 4105, 7168, 8183, 8196, 20480, 70000} {
				got := cookieHeaderCapacity(name, maxChunks, limit)
				for n := 0; n <= got; n++ {
					size, ok := sentCookieHeader(name, long[:n], maxChunks)
					if !ok || size > limit {
						t.Fatalf("%s, %d chunks, limit %d: capacity %d, but %d value bytes make %d (fit %v)", name, maxChunks, limit, got, n, size, ok)
					}
				}
				if size, ok := sentCookieHeader(name, long[:got+1], maxChunks); ok && size <= limit {
					t.Errorf("%s, %d chunks, limit %d: capacity %d, but %d value bytes fit too (%d)", name, maxChunks, limit, got, got+1, size)
				}
			}
		}
	}
	// Two full chunks of "session" exceed the 8,183 bytes Apache and
	// Varnish pass by default: WithMaxChunks(2) alone is not enough.
	if size, _ := sentCookieHeader("session", long[:capacity("session", 2)], 2); size != 8196 {
		t.Errorf("two full chunks make %d bytes of Cookie header, want 8196", size)
	}
}

// TestMaxCookieHeader checks WithMaxCookieHeader through the middleware:
// every session it writes keeps the Cookie header within the bound, the
// bound is tight, a session over it is not written (the client keeps the
// cookies it had), and a session written before the bound is still read.
func TestMaxCookieHeader(t *testing.T) {
	const limit = 7168
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log, WithMaxCookieHeader(limit))
	largest, refused := 0, 0
	for n := 4500; n <= 6500; n += 3 {
		rec := do(t, m, setBlob(n))
		cookies := cookiesOf(rec)
		if len(cookies) == 0 {
			refused++
			errs := log.take()
			if len(errs) != 1 || !errors.Is(errs[0], ErrNotSaved) || !errors.Is(errs[0], codec.ErrTooLarge) || !strings.Contains(errs[0].Error(), "WithMaxCookieHeader") {
				t.Fatalf("blob %d: not saved, reports %v", n, errs)
			}
			continue
		}
		size := len(strings.Join(jar(nil, rec), "; "))
		if size > limit {
			t.Fatalf("blob %d: %d bytes of Cookie header, over %d", n, size, limit)
		}
		largest = max(largest, size)
	}
	// base64 grows in steps of 4 characters.
	if largest < limit-4 || refused == 0 {
		t.Errorf("largest Cookie header written %d (want within 4 bytes of %d), %d refused", largest, limit, refused)
	}

	// A session of 3 chunks, written without the bound, is read, and a
	// change that keeps it over the bound is not written: the client
	// keeps its cookies.
	big := cookiesOf(do(t, newNative(t, clk, log), setBlob(8000)))
	if len(big) != 3 {
		t.Fatalf("unbounded manager wrote %d cookies, want 3", len(big))
	}
	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		if s.IsNew() {
			t.Errorf("bounded manager refused a session within WithMaxChunks: %v", log.take())
		}
		must(t, s.Set("n", 1))
	}, big...)
	if lines := rec.Result().Header.Values("Set-Cookie"); rec.Code != http.StatusInternalServerError || len(lines) != 0 || !log.has(ErrNotSaved) {
		t.Errorf("over the bound: %d, Set-Cookie %d lines", rec.Code, len(lines))
	}

	for _, bad := range []int{-1, 1, MinCookieHeader - 1} {
		if _, err := New(nativeCodec(t, clk, testKey(t, "00000001")), WithMaxCookieHeader(bad)); err == nil {
			t.Errorf("WithMaxCookieHeader(%d) accepted", bad)
		}
	}
	for _, good := range []int{0, MinCookieHeader} {
		if _, err := New(nativeCodec(t, clk, testKey(t, "00000001")), WithMaxCookieHeader(good)); err != nil {
			t.Errorf("WithMaxCookieHeader(%d): %v", good, err)
		}
	}
}

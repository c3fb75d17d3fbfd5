package cookiesession

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAppendHTTPDate checks the hand-written date formatter against
// net/http's TimeFormat.
func TestAppendHTTPDate(t *testing.T) {
	times := []time.Time{time.Unix(0, 0), t0, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 12, 0, 0, 999, time.FixedZone("x", 3600))}
	x := uint64(88172645463325252)
	for range 2000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		times = append(times, time.Unix(int64(x%(300*365*86400)), 0))
	}
	for _, tm := range times {
		want := tm.UTC().Format(http.TimeFormat)
		if got := string(appendHTTPDate(nil, tm)); got != want {
			t.Fatalf("%v: got %q, want %q", tm, got, want)
		}
	}
}

// addVary adds Cookie to the Vary header as commit does.
func addVary(h http.Header) {
	if needVary(h["Vary"]) {
		h.Add("Vary", "Cookie")
	}
}

// TestHeaderMerging checks Vary and Cache-Control merging directly.
func TestHeaderMerging(t *testing.T) {
	for _, tc := range []struct {
		vary, wantVary []string
	}{
		{nil, []string{"Cookie"}},
		{[]string{"Accept-Encoding"}, []string{"Accept-Encoding", "Cookie"}},
		{[]string{"Accept-Encoding, COOKIE"}, []string{"Accept-Encoding, COOKIE"}},
		{[]string{"*"}, []string{"*"}},
	} {
		h := http.Header{}
		if tc.vary != nil {
			h["Vary"] = tc.vary
		}
		addVary(h)
		addVary(h)
		if got := h["Vary"]; len(got) != len(tc.wantVary) || got[len(got)-1] != tc.wantVary[len(tc.wantVary)-1] {
			t.Errorf("Vary %q -> %q", tc.vary, got)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", cachePolicyDefault},
		{"no-store", "no-store"},
		{"private, max-age=0", "private, max-age=0"},
		{"public, max-age=3600", cachePolicyDefault + ", max-age=3600"},
		{"s-maxage=600, must-revalidate", cachePolicyDefault + ", must-revalidate"},
		{"no-cache", cachePolicyDefault + ", no-cache"},
		{`private="X-User, X-Role", max-age=600`, cachePolicyDefault + `, private="X-User, X-Role", max-age=600`},
	} {
		h := http.Header{}
		if tc.in != "" {
			h.Set("Cache-Control", tc.in)
		}
		applyCachePolicy(h)
		if got := h.Get("Cache-Control"); got != tc.want {
			t.Errorf("Cache-Control %q -> %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTargetedCachePolicies checks that a response setting the cookie
// loses the cache policies CDNs obey instead of Cache-Control (RFC 9213),
// so that its private policy holds, whatever the handler's Cache-Control.
func TestTargetedCachePolicies(t *testing.T) {
	m := newNative(t, newClock(), &errLog{})
	for _, cc := range []string{"", "private", "public, max-age=60"} {
		rec := do(t, m, func(w http.ResponseWriter, _ *http.Request, s *Session) {
			h := w.Header()
			if cc != "" {
				h.Set("Cache-Control", cc)
			}
			h.Set("CDN-Cache-Control", "max-age=600")
			h["Cloudflare-CDN-Cache-Control"] = []string{"max-age=600"}
			h.Set("Surrogate-Control", "max-age=600")
			h.Set("X-Cache-Control-Note", "kept")
			_ = s.Set("user", "alice")
		})
		for k, v := range rec.Header() {
			for _, dropped := range []string{"CDN-Cache-Control", "Cloudflare-CDN-Cache-Control", "Surrogate-Control"} {
				if strings.EqualFold(k, dropped) {
					t.Errorf("Cache-Control %q: %s kept: %q", cc, k, v)
				}
			}
		}
		if rec.Header().Get("X-Cache-Control-Note") != "kept" || len(cookiesOf(rec)) != 1 {
			t.Errorf("Cache-Control %q: %v", cc, rec.Header())
		}
	}
}

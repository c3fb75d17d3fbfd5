package cookiesession

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// TestReasons: every way a session is refused has a stable word, per
// cookie tried, for metrics that do not parse error text (an SRE could
// only regex the err string, and a request with an unknown-key cookie
// beside an expired one matched "expired" first).
func TestReasons(t *testing.T) {
	clk := newClock()
	k1, k2, k3 := testKey(t, "00000001"), testKey(t, "00000002"), testKey(t, "00000003")
	ring, err := codec.NewKeyRing(k1, k3)
	must(t, err)
	native, err := codec.NewNative(ring, codec.NativeOptions{Clock: clk.now})
	must(t, err)
	log := &errLog{}
	var mu sync.Mutex
	counted := map[string]int{}
	m, err := New(native, WithClock(clk.now), WithErrorHook(log.hook), WithMaxChunks(2),
		WithReasonCounter(func(r string) { mu.Lock(); counted[r]++; mu.Unlock() }),
		WithValidate(func(_ *http.Request, _ Info, v map[string]any) error {
			if v["user"] == "mallory" {
				return errors.New("logged out everywhere")
			}
			return nil
		}))
	must(t, err)
	sealWith := func(k codec.Key, user string) string {
		r, err := codec.NewKeyRing(k)
		must(t, err)
		n, err := codec.NewNative(r, codec.NativeOptions{Clock: clk.now})
		must(t, err)
		mm, err := New(n, WithClock(clk.now))
		must(t, err)
		return cookiesOf(do(t, mm, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Set("user", user)) }))[0]
	}
	good := sealWith(k1, "ada")
	unknown := sealWith(k2, "ada")
	retired := sealWith(k3, "ada")
	revoked := sealWith(k1, "mallory")
	tampered := good[:len(good)-2] + "AA"
	clk.advance(-48 * time.Hour)
	expired := sealWith(k1, "ada")
	clk.advance(48 * time.Hour)
	must(t, ring.Retire(k3.ID()))

	for _, tc := range []struct {
		cookies []string
		want    []string
	}{
		{[]string{good}, nil},
		{[]string{unknown}, []string{"unknown_key"}},
		{[]string{retired}, []string{"retired_key"}},
		{[]string{expired}, []string{"expired"}},
		{[]string{tampered}, []string{"signature"}},
		{[]string{"session=garbage"}, []string{"malformed"}},
		{[]string{revoked}, []string{"rejected"}},
		{[]string{"session=~9~abc"}, []string{"chunks"}},
		{[]string{unknown, expired}, []string{"unknown_key", "expired"}},
	} {
		var discarded error
		do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { discarded = s.Discarded() }, tc.cookies...)
		hooked := log.take()
		if got := Reasons(discarded); !slices.Equal(got, tc.want) {
			t.Errorf("%.60q: Reasons %q, want %q (error %v)", tc.cookies, got, tc.want, discarded)
		}
		if tc.want != nil && (len(hooked) != 1 || !slices.Equal(Reasons(hooked[0]), tc.want)) {
			t.Errorf("%.60q: hook got %v", tc.cookies, hooked)
		}
	}
	// The counter runs beside the hook, once per word.
	want := map[string]int{"unknown_key": 2, "retired_key": 1, "expired": 2, "signature": 1, "malformed": 1, "rejected": 1, "chunks": 1}
	if fmt.Sprint(counted) != fmt.Sprint(want) {
		t.Errorf("counted %v, want %v", counted, want)
	}
	if got := Reasons(fmt.Errorf("%w: %w", ErrNotSaved, codec.ErrTooLarge)); !slices.Equal(got, []string{"not_saved"}) {
		t.Errorf("not saved: %q", got)
	}
	if Reasons(nil) != nil || !slices.Equal(Reasons(errors.New("x")), []string{"other"}) {
		t.Error("nil or foreign error")
	}

	// The default log line carries the words.
	var buf bytes.Buffer
	lm, err := New(native, WithClock(clk.now), WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	must(t, err)
	do(t, lm, readUser, unknown, expired)
	if !strings.Contains(buf.String(), `reason=unknown_key,expired `) {
		t.Errorf("log: %s", buf.String())
	}
}

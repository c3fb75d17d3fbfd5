package cookiesession

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// TestDiscarded: a handler can tell no cookie from a refused one, and why
// it was refused. A Go service sharing a Flask app's cookie could not: a
// validly signed Flask session over the codec's limits looked like no
// session, and the Go side's next write replaced the Flask app's data.
func TestDiscarded(t *testing.T) {
	clk := newClock()
	f := flaskCodec(t, clk, "dev")
	log := &errLog{}
	m, err := NewFlask(f, WithClock(clk.now), WithErrorHook(log.hook))
	if err != nil {
		t.Fatal(err)
	}
	valid := cookiesOf(do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { must(t, s.Set("user", "ada")) }))
	// 70,000 bytes inflate past the codec's 64 KiB limit; Flask reads them.
	big, err := f.Signer().SignPayload([]byte(`{"draft":"`+strings.Repeat("A", 70000)+`"}`), clk.now(), codec.CompressAlways())
	if err != nil {
		t.Fatal(err)
	}
	notJSON, err := f.Signer().SignPayload([]byte(`{"a":`), clk.now(), codec.CompressNever())
	if err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(valid[0], "session=e", "session=f", 1)
	tests := []struct {
		name    string
		cookies []string
		want    []error // nil: Discarded is nil
	}{
		{name: "no cookie"},
		{name: "valid", cookies: valid},
		{name: "tampered", cookies: []string{tampered}, want: []error{ErrInvalidCookie, codec.ErrSignature}},
		{name: "over the inflate limit", cookies: []string{"session=" + big}, want: []error{ErrInvalidCookie, codec.ErrTooLarge}},
		{name: "signed, not JSON", cookies: []string{"session=" + notJSON}, want: []error{ErrInvalidCookie, codec.ErrPayload}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got error
			var isNew bool
			do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
				got, isNew = s.Discarded(), s.IsNew()
			}, tt.cookies...)
			hooked := log.take()
			if tt.want == nil {
				if got != nil || len(hooked) != 0 {
					t.Fatalf("Discarded %v, hook %v; want nil", got, hooked)
				}
				return
			}
			for _, w := range tt.want {
				if !errors.Is(got, w) {
					t.Errorf("Discarded %v; want it to wrap %v", got, w)
				}
			}
			if !isNew || len(hooked) != 1 || hooked[0] != got {
				t.Errorf("IsNew %v, hook %v; want true and the same error", isNew, hooked)
			}
		})
	}
	clk.advance(32 * 24 * time.Hour)
	var got error
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { got = s.Discarded() }, valid...)
	if !errors.Is(got, codec.ErrExpired) {
		t.Errorf("expired: Discarded %v", got)
	}
	if (&Session{}).Discarded() != nil {
		t.Error("a session outside the middleware has nothing discarded")
	}
}

package codec

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

func TestNewFlaskOptions(t *testing.T) {
	if _, err := NewFlask(FlaskOptions{}); err == nil {
		t.Error("empty SecretKey accepted")
	}
	if _, err := NewFlask(FlaskOptions{SecretKey: []byte("k"), Digest: "sha3-256"}); err == nil {
		t.Error("unknown digest accepted")
	}
	if _, err := NewFlask(FlaskOptions{SecretKey: []byte("k"), KeyDerivation: "scrypt"}); err == nil {
		t.Error("unknown derivation accepted")
	}
	f, err := NewFlask(FlaskOptions{SecretKey: []byte("k")})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Signer().Params(); got != FlaskParams() {
		t.Errorf("default params %+v", got)
	}
}

// TestFlaskDefaultMaxAge checks the 31-day default at its boundary and the
// default zero skew.
func TestFlaskDefaultMaxAge(t *testing.T) {
	now := int64(1700000000)
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Clock: func() time.Time { return time.Unix(now, 0) }})
	c, _, _ := f.EncodeSession("session", map[string]any{"a": int64(1)}, Meta{}, 0)
	for _, tc := range []struct {
		at   int64
		want error
	}{
		{1700000000 + 2678400, nil},
		{1700000000 + 2678401, ErrExpired},
		{1700000000 - 1, ErrFuture},
	} {
		now = tc.at
		_, m, err := f.DecodeSession("session", c, 0)
		if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("at %d: %v, want %v", tc.at, err, tc.want)
		}
		if m.Issued.Unix() != 1700000000 {
			t.Errorf("at %d: meta %+v", tc.at, m)
		}
	}
	skewed, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Skew: time.Minute, Clock: func() time.Time { return time.Unix(1700000000-60, 0) }})
	if _, _, err := skewed.DecodeSession("session", c, 0); err != nil {
		t.Errorf("within skew: %v", err)
	}
	none, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), MaxAge: NoMaxAge, Clock: func() time.Time { return time.Unix(4000000000, 0) }})
	if _, _, err := none.DecodeSession("session", c, 0); err != nil {
		t.Errorf("NoMaxAge: %v", err)
	}
}

func TestFlaskSizeLimits(t *testing.T) {
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Compression: CompressNever(), Clock: func() time.Time { return time.Unix(1700000000, 0) }})
	big := map[string]any{"x": strings.Repeat("y", 3000)}
	c, _, err := f.EncodeSession("session", big, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var tl *TooLargeError
	// maxSize bounds name + value, on both sides.
	if _, _, err := f.EncodeSession("session", big, Meta{}, len(c)+len("session")-1); !errors.As(err, &tl) || tl.What != "cookie" || tl.Size != len(c)+7 {
		t.Errorf("encode maxSize: %v", err)
	}
	if _, _, err := f.DecodeSession("session", c, len(c)+len("session")); err != nil {
		t.Errorf("decode at the limit: %v", err)
	}
	if _, _, err := f.DecodeSession("session", c, len(c)+len("session")-1); !errors.As(err, &tl) {
		t.Errorf("decode maxSize: %v", err)
	}
	// The configured limit applies to the value alone.
	huge := map[string]any{"x": strings.Repeat("y", 4000)}
	if _, _, err := f.EncodeSession("a-long-cookie-name", huge, Meta{}, 0); !errors.As(err, &tl) || tl.What != "cookie value" || tl.Limit != 4096 {
		t.Errorf("encode default limit: %v", err)
	}
	unlimited, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), MaxCookieSize: -1, Compression: CompressNever()})
	hc, _, err := unlimited.EncodeSession("session", huge, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := unlimited.DecodeSession("session", hc, 0); err != nil {
		t.Errorf("unlimited decode: %v", err)
	}
}

func TestFlaskCompressionPolicies(t *testing.T) {
	repetitive := map[string]any{"cart": strings.Repeat("sku-0001,", 40)}
	tiny := map[string]any{"a": int64(1)}
	for _, tc := range []struct {
		c                 Compression
		wantRep, wantTiny bool
	}{
		{Compression{}, true, false}, // Flask's rule
		{CompressWhenSmaller(), true, false},
		{CompressNever(), false, false},
		{CompressAbove(1000), false, false},
		{CompressAbove(100), true, false},
		{CompressAlways(), true, true},
	} {
		f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Compression: tc.c})
		for v, want := range map[*map[string]any]bool{&repetitive: tc.wantRep, &tiny: tc.wantTiny} {
			c, m, err := f.EncodeSession("session", *v, Meta{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if m.Compressed != want || (c[0] == '.') != want {
				t.Errorf("%v on %v: compressed %v, want %v", tc.c, *v, m.Compressed, want)
			}
			_, dm, err := f.DecodeSession("session", c, 0)
			if err != nil || dm.Compressed != want {
				t.Errorf("%v: decode %v %+v", tc.c, err, dm)
			}
		}
	}
}

// TestFlaskDecodedStringsKeepTheirValues: the strings of a decoded session
// share the payload's memory (uncompressed payloads are decoded into a
// buffer of their own; compressed ones are copied out of a pooled one), so
// later decodes, which reuse the pools, must not change them.
func TestFlaskDecodedStringsKeepTheirValues(t *testing.T) {
	for _, c := range []Compression{CompressNever(), CompressAlways()} {
		f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Compression: c})
		var kept []map[string]any
		for i := range 50 {
			v := map[string]any{"user": strings.Repeat(string(rune('a'+i%26)), 40), "i": int64(i)}
			cookie, _, err := f.EncodeSession("session", v, Meta{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := f.DecodeSession("session", cookie, 0)
			if err != nil {
				t.Fatal(err)
			}
			kept = append(kept, got.(map[string]any))
		}
		for i, m := range kept {
			if want := strings.Repeat(string(rune('a'+i%26)), 40); m["user"] != want || m["i"] != int64(i) {
				t.Fatalf("%v: session %d changed after later decodes: %v", c, i, m)
			}
		}
	}
}

// TestFlaskDecodeInto decodes session S into a struct, a map and a wrong type.
func TestFlaskDecodeInto(t *testing.T) {
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Clock: func() time.Time { return time.Unix(1700000000, 0) }})
	c, _, err := f.EncodeSession("session", sessionS(), Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		UserID   int               `json:"user_id"`
		Username string            `json:"username"`
		Roles    []string          `json:"roles"`
		Prefs    map[string]string `json:"prefs"`
		Fresh    bool              `json:"_fresh"`
	}
	m, err := f.DecodeInto(c, &s)
	if err != nil {
		t.Fatal(err)
	}
	if s.UserID != 12345 || s.Username != "alice.example" || len(s.Roles) != 3 || s.Prefs["tz"] != "Europe/Berlin" || !s.Fresh || m.Format != "flask" {
		t.Errorf("decoded %+v %+v", s, m)
	}
	var generic map[string]any
	if _, err := f.DecodeInto(c, &generic); err != nil || generic["username"] != "alice.example" {
		t.Errorf("map: %v %v", generic, err)
	}
	var wrong struct {
		Username int `json:"username"`
	}
	if _, err := f.DecodeInto(c, &wrong); !errors.Is(err, ErrPayload) || !errors.Is(err, serializer.ErrTypeMismatch) {
		t.Errorf("type mismatch: %v", err)
	}
	// Verification still comes first.
	if _, err := f.DecodeInto(tamperFirst(c), &generic); !errors.Is(err, ErrSignature) {
		t.Errorf("tampered: %v", err)
	}
}

func TestFlaskEncodeUnsupported(t *testing.T) {
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k")})
	if _, _, err := f.EncodeSession("session", map[string]any{"c": make(chan int)}, Meta{}, 0); !errors.Is(err, serializer.ErrUnsupportedType) {
		t.Errorf("got %v", err)
	}
}

func TestFlaskBefore1970(t *testing.T) {
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Clock: func() time.Time { return time.Unix(-5, 0) }})
	if _, _, err := f.EncodeSession("session", map[string]any{}, Meta{}, 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("got %v", err)
	}
}

// TestFlaskConcurrent encodes and decodes from many goroutines (the
// pooled buffers and HMAC states must not be shared); run with -race.
func TestFlaskConcurrent(t *testing.T) {
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), FallbackKeys: [][]byte{[]byte("old")}})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				v := map[string]any{"g": int64(g), "i": int64(i), "pad": strings.Repeat("z", i)}
				c, _, err := f.EncodeSession("session", v, Meta{}, 0)
				if err != nil {
					t.Error(err)
					return
				}
				got, _, err := f.DecodeSession("session", c, 0)
				if err != nil {
					t.Error(err)
					return
				}
				m := got.(map[string]any)
				if m["g"] != int64(g) || m["i"] != int64(i) {
					t.Errorf("goroutine %d got %v", g, m)
					return
				}
			}
		}()
	}
	wg.Wait()
}

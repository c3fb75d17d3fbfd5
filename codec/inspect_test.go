package codec

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestInspect(t *testing.T) {
	n, _ := newTestNative(t, AES256GCM, NativeOptions{Padding: 32, Lifetime: time.Hour})
	c, m, err := n.EncodeSession("session", sessionS(), Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Inspect(c)
	if err != nil {
		t.Fatal(err)
	}
	if h.Verified || h.Version != 1 || h.Mode != "aes256gcm" || h.KeyID != m.KeyID || h.SessionID != m.SessionID ||
		!h.Created.Equal(t0) || !h.Issued.Equal(t0) || !h.Expires.Equal(t0.Add(time.Hour)) || !h.Padded || h.Compressed ||
		h.CookieSize != len(c) || h.NonceSize != 12 || h.TagSize != 16 || h.HeaderSize+h.NonceSize+h.BodySize+h.TagSize != h.Size {
		t.Fatalf("header %+v, meta %+v", h, m)
	}
	if s := h.String(); !strings.HasPrefix(s, "unverified native v1 aes256gcm key "+m.KeyID) {
		t.Fatalf("String() = %q", s)
	}
	j, _ := json.Marshal(h)
	if !strings.Contains(string(j), `"verified":false`) || !strings.Contains(string(j), `"session_id":"`+m.SessionID.String()+`"`) {
		t.Fatalf("json %s", j)
	}
	// Inspect needs no key and does not verify: a forged tag still inspects.
	forged := c[:len(c)-2] + "AA"
	if _, err := Inspect(forged); err != nil {
		t.Fatalf("forged tag: %v", err)
	}
	for _, bad := range []string{"", "!!", ".eJy.abc.def", c[:40], strings.Repeat("A", 70000)} {
		_, err := Inspect(bad)
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
			t.Errorf("Inspect(%.20q) = %v", bad, err)
		}
	}
}

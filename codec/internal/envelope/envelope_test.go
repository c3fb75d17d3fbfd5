package envelope

import (
	"bytes"
	"errors"
	"testing"
)

func TestHeaderRoundTrip(t *testing.T) {
	h := Header{Mode: ModeAES256GCM, Flags: FlagCompressed | FlagPadded, KeyID: 0xdeadbeef, Created: 1, Issued: 0x7fffffff, Expires: 0xffffffff}
	for i := range h.SessionID {
		h.SessionID[i] = byte(i + 1)
	}
	b := AppendHeader(nil, h)
	if len(b) != HeaderSize || b[0] != Version {
		t.Fatalf("header %x", b)
	}
	if !bytes.Equal(b[SessionIDOffset:], h.SessionID[:]) {
		t.Fatal("session id not at SessionIDOffset")
	}
	b = append(b, make([]byte, 12+3+16)...)
	env, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if env.Header != h || len(env.Nonce) != 12 || len(env.Body) != 3 || len(env.Tag) != 16 || !bytes.Equal(env.Raw, b[:HeaderSize]) {
		t.Fatalf("parsed %+v", env)
	}
}

func TestParseErrors(t *testing.T) {
	valid := append(AppendHeader(nil, Header{Mode: ModeXChaCha20Poly1305}), make([]byte, 24+16)...)
	for _, tc := range []struct {
		name  string
		b     []byte
		field string
	}{
		{"empty", nil, "length"},
		{"version", append([]byte{2}, valid[1:]...), "version"},
		{"short header", valid[:34], "length"},
		{"mode 0", append([]byte{1, 0}, valid[2:]...), "mode"},
		{"mode 4", append([]byte{1, 4}, valid[2:]...), "mode"},
		{"flags", append([]byte{1, 1, 4}, valid[3:]...), "flags"},
		{"no room for tag", valid[:len(valid)-1], "length"},
	} {
		_, err := Parse(tc.b)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("%s: err = %v, want field %q", tc.name, err, tc.field)
		}
	}
	if _, err := Parse(valid); err != nil {
		t.Fatal(err)
	}
	// HMAC: no nonce, 32-byte tag, empty body allowed by the layout.
	h := append(AppendHeader(nil, Header{Mode: ModeHMACSHA256}), make([]byte, 32)...)
	env, err := Parse(h)
	if err != nil || len(env.Nonce) != 0 || len(env.Body) != 0 || len(env.Tag) != 32 {
		t.Fatalf("hmac: %+v %v", env, err)
	}
}

func TestPadding(t *testing.T) {
	for n := range 70 {
		b := bytes.Repeat([]byte{0x80}, n) // worst case: payload ends in 0x80
		p := Pad(append([]byte(nil), b...), 0, 16)
		if len(p)%16 != 0 || len(p) <= n {
			t.Fatalf("Pad(%d) = %d bytes", n, len(p))
		}
		u, ok := Unpad(p)
		if !ok || !bytes.Equal(u, b) {
			t.Fatalf("Unpad(Pad(%d)) = %d, %v", n, len(u), ok)
		}
	}
	if p := Pad([]byte("hdr{}"), 3, 8); len(p) != 3+8 {
		t.Fatalf("Pad from offset 3: %q", p)
	}
	for _, bad := range [][]byte{nil, {0}, {0, 0}, {1}, {0x80, 1}, {0x81, 0}} {
		if _, ok := Unpad(bad); ok {
			t.Errorf("Unpad(%x) accepted", bad)
		}
	}
}

func TestAssociatedDataIsUnambiguous(t *testing.T) {
	hdr := AppendHeader(nil, Header{Mode: ModeHMACSHA256})
	a := AppendAssociatedData(nil, hdr, "ab", "c")
	b := AppendAssociatedData(nil, hdr, "a", "bc")
	if bytes.Equal(a, b) {
		t.Fatal("purpose/name split collides")
	}
	if len(a) != HeaderSize+1+2+2+1 {
		t.Fatalf("ad length %d", len(a))
	}
}

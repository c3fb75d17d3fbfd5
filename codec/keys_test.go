package codec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestKeyTextRoundTrip(t *testing.T) {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	text := k.Text()
	if !strings.HasPrefix(text, "cookiecodec-key-1."+k.ID()+".") || len(text) != len("cookiecodec-key-1.")+8+1+43 {
		t.Fatalf("key text %q", text)
	}
	k2, err := ParseKey("  " + text + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if k2 != k {
		t.Fatal("ParseKey(k.Text()) != k")
	}
	material := text[len(text)-43:]
	holder := struct{ Primary Key }{k}
	for _, shown := range []string{k.GoString(), k.String(), fmt.Sprint(k), fmt.Sprintf("%v %s %+v %#v", holder, k, holder, holder)} {
		if strings.Contains(shown, material) || !strings.Contains(shown, k.ID()) {
			t.Fatalf("formatting a key shows %q", shown)
		}
	}
	k3, _ := GenerateKey()
	if k3 == k {
		t.Fatal("two generated keys are equal")
	}
}

func TestParseKeyRejects(t *testing.T) {
	good, _ := GenerateKey()
	text := good.Text()
	material := text[len(text)-43:]
	for _, tc := range []struct{ text, want string }{
		{"", "key text is empty (is the environment variable"},
		{" \n", "key text is empty"},
		{"secret", "must start with"},
		{"cookiecodec-key-2.00000001." + material, "unsupported key version"},
		{"cookiecodec-key-1.00000001", "missing '.'"},
		{"cookiecodec-key-1.0001." + material, "not 8 hex digits"},
		{"cookiecodec-key-1.0000000g." + material, "not 8 hex digits"},
		// 42 characters leave 4 bits over; "B" makes them non-zero, so
		// the text is not canonical whatever the random key.
		{"cookiecodec-key-1.00000001." + material[:41] + "B", "not unpadded base64url: the key text looks cut off: copy all of it (42 characters, want 43: the base64url of 32 bytes, no padding)"},
		// A key cut off when copied (godev F10): the lengths found and
		// wanted, whether or not what is left decodes.
		{"cookiecodec-key-1.00000001." + material[:41], "not unpadded base64url: the key text looks cut off: copy all of it (41 characters, want 43"},
		{"cookiecodec-key-1.00000001." + material[:40], "key material is 30 bytes (40 characters), need 32 (256 bits, 43 characters): if the key text was cut off"},
		{"cookiecodec-key-1.00000001.c2hvcnQ", "is 5 bytes (7 characters), need 32"},
		{"cookiecodec-key-1.00000001." + material[:42] + "B", "not unpadded base64url: its last character is not one that ends the base64url of 32 bytes: it was altered (43 characters, want 43"},
		{"cookiecodec-key-1.00000001." + material[:42] + "!", "not unpadded base64url: character 43 is not one of A-Z, a-z, 0-9, '-' and '_' (43 characters, want 43"},
		{"cookiecodec-key-1.00000001." + material + "AAAA", "is 35 bytes (47 characters), want exactly 32 (43 characters)"},
		{"cookiecodec-key-1.00000001." + material + "AB", "not unpadded base64url: it is too long (45 characters, want 43"},
		{"cookiecodec-key-1.00000001." + material + "=", "not unpadded base64url: it has '=' padding (44 characters, want 43"},
		{"cookiecodec-key-1.00000001." + strings.Repeat("A", 5000), "longer than 32"},
		// encoding/base64 skips line breaks; a key split over lines is not
		// the key text.
		{"cookiecodec-key-1.00000001." + material[:20] + "\n" + material[20:], "not unpadded base64url: it is split over lines (44 characters"},
		{"cookiecodec-key-1.00000001." + material[:20] + "\r\n" + material[20:], "not unpadded base64url: it is split over lines (45 characters"},
	} {
		_, err := ParseKey(tc.text)
		if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKey(%.40q) = %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestDeriveKey(t *testing.T) {
	secret := []byte("an existing application secret of more than 32 bytes")
	a, err := DeriveKey(secret, "00000001")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := DeriveKey(secret, "00000001")
	b, _ := DeriveKey(secret, "00000002")
	if a != a2 || a.material == b.material || a.ID() != "00000001" {
		t.Fatal("DeriveKey is not deterministic per id or not separated by id")
	}
	if _, err := DeriveKey(secret[:31], "00000001"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("short secret: %v", err)
	}
	if _, err := DeriveKey(secret, "key-one"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("bad id: %v", err)
	}
}

func TestKeyRing(t *testing.T) {
	a, b, c := fixedKey(t, 1), fixedKey(t, 2), fixedKey(t, 3)
	if _, err := NewKeyRing(Key{}); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("zero key: %v", err)
	}
	if _, err := NewKeyRing(a, b, a); !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), "the primary key and fallback key 2 share key id 00000001") {
		t.Fatalf("duplicate id: %v", err)
	}
	r, err := NewKeyRing(a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	if k, i, ok := r.Lookup(c.ID()); !ok || i != 2 || k != c {
		t.Fatalf("Lookup(c) = %v %d %v", k.ID(), i, ok)
	}
	if err := r.Retire(a.ID()); err == nil {
		t.Fatal("retired the primary")
	}
	if err := r.Retire("ffffffff"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("retire unknown: %v", err)
	}
	if err := r.Retire(b.ID()); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := r.Lookup(b.ID()); ok {
		t.Fatal("retired key still found")
	}
}

// TestParseKeyRing checks the separators ParseKeyRing takes, the order
// (primary first), and that its errors name the position and never the
// key material.
func TestParseKeyRing(t *testing.T) {
	a, b, c := fixedKey(t, 1), fixedKey(t, 2), fixedKey(t, 3)
	for _, sep := range []string{" ", ",", ", ", "\n", "\t", " ,\n "} {
		r, err := ParseKeyRing("\n" + c.Text() + sep + a.Text() + sep + b.Text() + " ")
		if err != nil {
			t.Fatalf("separator %q: %v", sep, err)
		}
		if r.Primary() != c || r.Len() != 3 {
			t.Fatalf("separator %q: primary %s, %d keys", sep, r.Primary().ID(), r.Len())
		}
		if _, i, ok := r.Lookup(b.ID()); !ok || i != 2 {
			t.Fatalf("separator %q: b at %d, %v; want fallback 2", sep, i, ok)
		}
	}
	// Comments: a ring file can say when each key came.
	r, err := ParseKeyRing("# rotated 2026-12-01\n" + c.Text() + " # new\n" + a.Text() + "#old, drop after 2027-01-01\n")
	if err != nil || r.Len() != 2 || r.Primary() != c {
		t.Fatalf("ring with comments: %v", err)
	}
	secretPart := func(k Key) string { return k.Text()[len("cookiecodec-key-1.00000001."):] }
	bad := b.Text()[:len(b.Text())-1] + "!"
	for _, tc := range []struct{ text, want, material string }{
		{"", "no key in the key ring text", ""},
		{" , \n", "no key in the key ring text", ""},
		{a.Text() + " " + bad, "fallback key 1 in the key ring text: codec: invalid key: key material is not unpadded base64url", secretPart(b)[:20]},
		{"secret " + a.Text(), "the primary key in the key ring text: codec: invalid key: key text must start with", ""},
		{a.Text() + " " + b.Text() + " " + a.Text(), "the primary key and fallback key 2 share key id 00000001", secretPart(a)[:20]},
		// An SRE's mistakes: another separator, and quotes an env file kept.
		{a.Text() + ";" + b.Text(), "(separate keys with white space or commas)", secretPart(b)[:20]},
		{`"` + a.Text() + `"`, "(the entry is quoted: remove the quotes", secretPart(a)[:20]},
	} {
		_, err := ParseKeyRing(tc.text)
		if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKeyRing(%.50q) = %v, want %q", tc.text, err, tc.want)
		}
		if tc.material != "" && err != nil && strings.Contains(err.Error(), tc.material) {
			t.Errorf("the error quotes key material: %v", err)
		}
	}
}

// TestNativeKeyRotation: a cookie sealed under an old primary opens under a
// ring where that key is a fallback, reports KeyIndex, re-issues under the
// new primary, and fails with ErrUnknownKey once the key is retired or
// dropped.
func TestNativeKeyRotation(t *testing.T) {
	oldKey, newKey, other := fixedKey(t, 1), fixedKey(t, 2), fixedKey(t, 3)
	for _, mode := range allModes {
		before, clk := newTestNative(t, mode, NativeOptions{}, oldKey)
		c, _, err := before.EncodeSession("s", "x", Meta{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		ring, _ := NewKeyRing(newKey, other, oldKey)
		after, err := NewNative(ring, NativeOptions{Mode: mode, Clock: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := after.DecodeSession("s", c, 0)
		if err != nil {
			t.Fatal(err)
		}
		if m.KeyIndex != 2 || m.KeyID != oldKey.ID() || !m.VerifiedWithFallback() {
			t.Fatalf("%v: meta %+v", mode, m)
		}
		m.Expires = time.Time{}
		c2, m2, err := after.EncodeSession("s", "x", m, 0)
		if err != nil {
			t.Fatal(err)
		}
		if m2.KeyID != newKey.ID() || m2.KeyIndex != 0 || m2.SessionID != m.SessionID {
			t.Fatalf("re-issued meta %+v", m2)
		}
		if h, _ := Inspect(c2); h.KeyID != newKey.ID() {
			t.Fatalf("re-issued cookie names key %s", h.KeyID)
		}
		if err := ring.Retire(oldKey.ID()); err != nil {
			t.Fatal(err)
		}
		if _, _, err := after.DecodeSession("s", c, 0); !errors.Is(err, ErrUnknownKey) || !errors.Is(err, ErrRetiredKey) {
			t.Fatalf("retired key: %v", err)
		}
		dropped, _ := newTestNative(t, mode, NativeOptions{Clock: clk.now}, newKey)
		if _, _, err := dropped.DecodeSession("s", c, 0); !errors.Is(err, ErrUnknownKey) || errors.Is(err, ErrRetiredKey) {
			t.Fatalf("unknown key: %v", err)
		}
		// Same key id, different material: a forgery attempt with a guessed id.
		impostor, _ := DeriveKey([]byte("some other secret of at least 32 bytes"), oldKey.ID())
		imp, _ := newTestNative(t, mode, NativeOptions{Clock: clk.now}, impostor)
		if _, _, err := imp.DecodeSession("s", c, 0); !errors.Is(err, ErrSignature) {
			t.Fatalf("same id, other material: %v", err)
		}
	}
}

// TestNativeBinding: a cookie copied to another name, opened for another
// purpose or by a codec of another mode fails.
func TestNativeBinding(t *testing.T) {
	k := fixedKey(t, 1)
	for _, mode := range allModes {
		a, clk := newTestNative(t, mode, NativeOptions{Purpose: "session"}, k)
		b, _ := newTestNative(t, mode, NativeOptions{Purpose: "remember-me", Clock: clk.now}, k)
		c, _, err := a.EncodeSession("sid", 1, Meta{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"sid2", "Sid", "si", "", "sid\x00"} {
			if _, _, err := a.DecodeSession(name, c, 0); !errors.Is(err, ErrSignature) {
				t.Errorf("%v: name %q: %v", mode, name, err)
			}
		}
		if _, _, err := b.DecodeSession("sid", c, 0); !errors.Is(err, ErrSignature) {
			t.Errorf("%v: other purpose: %v", mode, err)
		}
		for _, other := range allModes {
			if other == mode {
				continue
			}
			o, _ := newTestNative(t, other, NativeOptions{Clock: clk.now}, k)
			if _, _, err := o.DecodeSession("sid", c, 0); !errors.Is(err, ErrMalformed) {
				t.Errorf("%v cookie in %v codec: %v", mode, other, err)
			}
		}
	}
	// Purpose and name move the subkey and the associated data; a purpose
	// that only differs in how it would be split from the name does not
	// collide with another (length-prefixed).
	x, clk := newTestNative(t, HMACSHA256, NativeOptions{Purpose: "ab"}, k)
	y, _ := newTestNative(t, HMACSHA256, NativeOptions{Purpose: "a", Clock: clk.now}, k)
	c, _, _ := x.EncodeSession("c", 1, Meta{}, 0)
	if _, _, err := y.DecodeSession("bc", c, 0); !errors.Is(err, ErrSignature) {
		t.Errorf("purpose/name split: %v", err)
	}
}

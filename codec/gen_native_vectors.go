//go:build ignore

// gen_native_vectors writes the native-format test vectors, one file per
// case, into codec/testdata/native/. Run it from the codec directory:
//
//	go run gen_native_vectors.go
//
// Everything is deterministic: the keys are derived from fixed secrets, the
// clock is fixed and the nonces and session ids come from a seeded ChaCha8
// stream, so running it again rewrites identical files.
//
// Valid cookies are made with the codec's public API. Cookies that the API
// refuses to make (bad padding, unknown flags, inconsistent times, zlib
// bombs) are made by a second, independent sealer written here from
// FORMAT.md; for every valid cookie the program checks that this sealer
// produces the same bytes as the codec, so the vectors also test the
// specification.
//
// File format: "field: value" lines, in this order where present:
//
//	expect:       success | signature | unknown key | malformed | expired | future | payload | too large
//	reason:       for expired: expires | idle | absolute
//	comment:      what the case tests
//	mode:         xchacha20poly1305 | aes256gcm | hmacsha256
//	key:          the primary key in text form (ParseKey)
//	fallback:     a fallback key (repeated, in order)
//	retired:      a key id retired from the ring
//	purpose:      purpose string
//	name:         cookie name
//	lifetime:     absolute lifetime in seconds
//	idle:         idle timeout in seconds (0: none)
//	skew:         allowed clock skew in seconds
//	now:          the decoder's clock, RFC 3339
//	key-index:    for success: 0 primary, i the i-th fallback
//	payload-hex:  for success: the binary payload (FORMAT.md, Payload) after unpadding and decompression
//	payload-json: for success: the tagged JSON text that payload converts to
//	cookie:       the cookie value
//
// Limits not listed are the defaults: 4096 bytes for name+value, 65536 bytes
// decompressed.
package main

import (
	"bytes"
	"compress/zlib"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log"
	"math"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/codec/internal/cborjson"
	"github.com/cookiecodec/cookiecodec/serializer"
	"golang.org/x/crypto/chacha20poly1305"
)

var (
	now     = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	keyA    = mustKey([]byte("vector secret A: 32 bytes or more, fixed for vectors"), "0a0a0a0a")
	keyB    = mustKey([]byte("vector secret B: 32 bytes or more, fixed for vectors"), "0b0b0b0b")
	keyC    = mustKey([]byte("vector secret C: 32 bytes or more, fixed for vectors"), "0c0c0c0c")
	keyA2   = mustKey([]byte("an impostor secret that reuses key id 0a0a0a0a !!!!"), "0a0a0a0a")
	session = map[string]any{"user_id": 12345, "username": "alice.example", "roles": []any{"admin", "editor", "viewer"}, "csrf_token": "9f86d081884c7d659a2feaa0c55ad015", "login_time": "2024-05-01T12:34:56Z", "remember": true, "prefs": map[string]any{"theme": "dark", "lang": "en-US", "tz": "Europe/Berlin"}, "_fresh": true}
)

func mustKey(secret []byte, id string) codec.Key {
	k, err := codec.DeriveKey(secret, id)
	if err != nil {
		log.Fatal(err)
	}
	return k
}

// vector is one test case.
type vector struct {
	file      string
	expect    string
	reason    string
	comment   string
	mode      codec.Mode
	key       codec.Key
	fallbacks []codec.Key
	retired   string
	purpose   string
	name      string
	lifetime  time.Duration
	idle      time.Duration
	skew      time.Duration
	now       time.Time
	keyIndex  int
	payload   []byte
	cookie    string
}

// payloadJSON is the tagged JSON text of a payload in the binary form.
func payloadJSON(p []byte) string {
	text, err := cborjson.ToJSON(nil, p, cborjson.Limits{MaxDepth: 256, MaxOutput: 1 << 20, MaxBignumBytes: 1786})
	if err != nil {
		log.Fatalf("payload %x: %v", p, err)
	}
	return string(text)
}

// config is what a vector's decoder is configured with, before the cookie.
func (v vector) withDefaults() vector {
	if v.purpose == "" {
		v.purpose = "session"
	}
	if v.name == "" {
		v.name = "session"
	}
	if v.lifetime == 0 {
		v.lifetime = 24 * time.Hour
	}
	if v.skew == 0 {
		v.skew = 60 * time.Second
	}
	if v.now.IsZero() {
		v.now = now
	}
	if v.key.IsZero() {
		v.key = keyA
	}
	return v
}

func (v vector) write(dir string) {
	var b strings.Builder
	line := func(k, val string) { fmt.Fprintf(&b, "%s: %s\n", k, val) }
	line("expect", v.expect)
	if v.reason != "" {
		line("reason", v.reason)
	}
	line("comment", v.comment)
	line("mode", v.mode.String())
	line("key", v.key.Text())
	for _, f := range v.fallbacks {
		line("fallback", f.Text())
	}
	if v.retired != "" {
		line("retired", v.retired)
	}
	line("purpose", v.purpose)
	line("name", v.name)
	line("lifetime", fmt.Sprint(int64(v.lifetime/time.Second)))
	line("idle", fmt.Sprint(int64(v.idle/time.Second)))
	line("skew", fmt.Sprint(int64(v.skew/time.Second)))
	line("now", v.now.UTC().Format(time.RFC3339Nano))
	if v.expect == "success" {
		line("key-index", fmt.Sprint(v.keyIndex))
		line("payload-hex", hex.EncodeToString(v.payload))
		line("payload-json", payloadJSON(v.payload))
	}
	line("cookie", v.cookie)
	if err := os.WriteFile(filepath.Join(dir, v.file), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// gen holds the deterministic randomness shared by the codec and the raw
// sealer.
type gen struct{ rng *mrand.ChaCha8 }

func (g *gen) native(v vector, encodeAt time.Time, opts codec.NativeOptions) *codec.Native {
	ring, err := codec.NewKeyRing(v.key, v.fallbacks...)
	if err != nil {
		log.Fatal(err)
	}
	opts.Mode = v.mode
	opts.Purpose = v.purpose
	opts.Lifetime = v.lifetime
	opts.IdleTimeout = v.idle
	opts.Skew = v.skew
	opts.Clock = func() time.Time { return encodeAt }
	opts.Rand = g.rng
	n, err := codec.NewNative(ring, opts)
	if err != nil {
		log.Fatal(err)
	}
	return n
}

// rawHeader is the 35-byte header of FORMAT.md.
type rawHeader struct {
	version, mode, flags     byte
	keyID                    uint32
	created, issued, expires uint32
	sessionID                [16]byte
}

func (h rawHeader) bytes() []byte {
	b := []byte{h.version, h.mode, h.flags}
	b = binary.BigEndian.AppendUint32(b, h.keyID)
	b = binary.BigEndian.AppendUint32(b, h.created)
	b = binary.BigEndian.AppendUint32(b, h.issued)
	b = binary.BigEndian.AppendUint32(b, h.expires)
	return append(b, h.sessionID[:]...)
}

var modeByte = map[codec.Mode]byte{codec.XChaCha20Poly1305: 1, codec.AES256GCM: 2, codec.HMACSHA256: 3}

func material(k codec.Key) []byte {
	text := k.Text()
	m, err := base64.RawURLEncoding.DecodeString(text[strings.LastIndexByte(text, '.')+1:])
	if err != nil {
		log.Fatal(err)
	}
	return m
}

// rawSeal seals body under key k as FORMAT.md says, independently of the
// codec's code. The nonce is given.
func rawSeal(k codec.Key, mode codec.Mode, purpose, name string, h rawHeader, nonce, body []byte) string {
	info := append([]byte("cookiecodec native v1 subkey\x00"), modeByte[mode])
	info = binary.BigEndian.AppendUint32(info, h.keyID)
	info = append(info, purpose...)
	sub, err := hkdf.Key(sha256.New, material(k), nil, string(info), 32)
	if err != nil {
		log.Fatal(err)
	}
	hdr := h.bytes()
	ad := append(append([]byte(nil), hdr...), byte(len(purpose)))
	ad = append(ad, purpose...)
	ad = binary.BigEndian.AppendUint16(ad, uint16(len(name)))
	ad = append(ad, name...)
	out := append(append([]byte(nil), hdr...), nonce...)
	switch mode {
	case codec.XChaCha20Poly1305:
		a, _ := chacha20poly1305.NewX(sub)
		out = a.Seal(out, nonce, body, ad)
	case codec.AES256GCM:
		blk, _ := aes.NewCipher(sub)
		a, _ := cipher.NewGCM(blk)
		out = a.Seal(out, nonce, body, ad)
	case codec.HMACSHA256:
		m := hmac.New(sha256.New, sub)
		m.Write(ad)
		m.Write(body)
		out = m.Sum(append(out, body...))
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// parse reads back a cookie's header, nonce and body (body still sealed).
func parse(cookie string, mode codec.Mode) (rawHeader, []byte) {
	raw, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil {
		log.Fatal(err)
	}
	var h rawHeader
	h.version, h.mode, h.flags = raw[0], raw[1], raw[2]
	h.keyID = binary.BigEndian.Uint32(raw[3:])
	h.created = binary.BigEndian.Uint32(raw[7:])
	h.issued = binary.BigEndian.Uint32(raw[11:])
	h.expires = binary.BigEndian.Uint32(raw[15:])
	copy(h.sessionID[:], raw[19:35])
	ns := map[codec.Mode]int{codec.XChaCha20Poly1305: 24, codec.AES256GCM: 12}[mode]
	return h, raw[35 : 35+ns]
}

func zlibOf(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func main() {
	dir := filepath.Join("testdata", "native")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range old {
		os.Remove(f)
	}
	g := &gen{rng: mrand.NewChaCha8([32]byte([]byte("cookiecodec native vectors v1 !!")))}
	ser := &serializer.Serializer{NativeTime: true}
	// payloadOf is the payload form of FORMAT.md: tagged JSON converted to
	// the CBOR subset.
	payloadOf := func(v any) []byte {
		text, err := ser.Marshal(v)
		if err != nil {
			log.Fatal(err)
		}
		b, err := cborjson.FromJSON(nil, text, cborjson.Limits{MaxDepth: 256, MaxBignumBytes: 1786})
		if err != nil {
			log.Fatal(err)
		}
		return b
	}
	sPayload := payloadOf(session)

	// encode makes a valid cookie with the codec, encoding at time at, and
	// checks that the codec reads it back at that time.
	encode := func(v vector, value any, at time.Time, opts codec.NativeOptions) string {
		n := g.native(v, at, opts)
		c, _, err := n.EncodeSession(v.name, value, codec.Meta{}, 1<<20)
		if err != nil {
			log.Fatalf("%s: %v", v.file, err)
		}
		if _, _, err := n.DecodeSession(v.name, c, 1<<20); err != nil {
			log.Fatalf("%s: codec cannot read its own cookie: %v", v.file, err)
		}
		return c
	}
	var vs []vector
	add := func(v vector) { vs = append(vs, v) }

	// Success cases, one per mode, and the features.
	for _, mode := range []codec.Mode{codec.XChaCha20Poly1305, codec.AES256GCM, codec.HMACSHA256} {
		v := vector{file: "success-" + mode.String(), expect: "success", comment: "session S, default options", mode: mode}.withDefaults()
		v.cookie = encode(v, session, now, codec.NativeOptions{})
		v.payload = sPayload
		add(v)
	}
	{
		v := vector{file: "success-compressed-padded", expect: "success", comment: "compression forced on and 64-byte padding buckets in the encrypting mode", mode: codec.XChaCha20Poly1305}.withDefaults()
		v.cookie = encode(v, session, now, codec.NativeOptions{Compression: codec.CompressAlways(), Padding: 64})
		v.payload = sPayload
		add(v)
	}
	{
		big := map[string]any{"note": strings.Repeat("sign-only payloads above 256 bytes are compressed by default. ", 8)}
		p := payloadOf(big)
		v := vector{file: "success-hmacsha256-compressed", expect: "success", comment: "sign-only default compression above 256 bytes", mode: codec.HMACSHA256}.withDefaults()
		v.cookie = encode(v, big, now, codec.NativeOptions{})
		v.payload = p
		add(v)
	}
	{
		v := vector{file: "success-fallback-key", expect: "success", comment: "sealed by key 0c0c0c0c, now the second fallback: key-index 2, re-issue", mode: codec.XChaCha20Poly1305}.withDefaults()
		sealer := v
		sealer.key = keyC
		v.cookie = encode(sealer, session, now, codec.NativeOptions{})
		v.fallbacks = []codec.Key{keyB, keyC}
		v.keyIndex = 2
		v.payload = sPayload
		add(v)
	}
	{
		v := vector{file: "success-purpose-and-time", expect: "success", comment: "another purpose, a native time value, decoded 1 s before expires-at", mode: codec.AES256GCM, purpose: "remember-me", name: "__Host-remember", lifetime: time.Hour}.withDefaults()
		val := map[string]any{"at": time.Date(2026, 4, 30, 8, 1, 2, 345678900, time.FixedZone("", 2*3600))}
		p := payloadOf(val)
		v.cookie = encode(v, val, now, codec.NativeOptions{})
		v.now = now.Add(time.Hour - time.Second)
		v.payload = p
		add(v)
	}
	{
		v := vector{file: "success-issued-exactly-skew-ahead", expect: "success", comment: "issued-at = now + skew is accepted", mode: codec.XChaCha20Poly1305}.withDefaults()
		v.cookie = encode(v, 1, now.Add(v.skew), codec.NativeOptions{})
		v.payload = payloadOf(1)
		add(v)
	}

	// Cross-check the independent sealer on every valid cookie: same header
	// and nonce in, same cookie out.
	for _, v := range vs {
		h, nonce := parse(v.cookie, v.mode)
		body := v.payload
		if h.flags&1 != 0 {
			body = decodeFlags(v, h)
		}
		if h.flags&2 != 0 && h.flags&1 == 0 {
			log.Fatalf("%s: padded without compression is not cross-checked", v.file)
		}
		sealedBy := v.key
		if v.keyIndex > 0 {
			sealedBy = v.fallbacks[v.keyIndex-1]
		}
		if got := rawSeal(sealedBy, v.mode, v.purpose, v.name, h, nonce, body); got != v.cookie {
			log.Fatalf("%s: FORMAT.md sealer disagrees with the codec", v.file)
		}
	}

	// Negative cases made with the codec.
	base := vector{expect: "success", mode: codec.XChaCha20Poly1305}.withDefaults()
	valid := encode(base, session, now, codec.NativeOptions{})
	raw, _ := base64.RawURLEncoding.DecodeString(valid)
	reenc := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	flip := func(i int, bit byte) string {
		m := append([]byte(nil), raw...)
		m[i] ^= bit
		return reenc(m)
	}
	neg := func(file, expect, comment, cookie string, edit func(*vector)) {
		v := base
		v.file, v.expect, v.comment, v.cookie = file, expect, comment, cookie
		if edit != nil {
			edit(&v)
		}
		add(v)
	}
	neg("signature-tag-bit", "signature", "last bit of the tag flipped", flip(len(raw)-1, 1), nil)
	neg("signature-body-bit", "signature", "a ciphertext bit flipped", flip(100, 0x10), nil)
	neg("signature-nonce-bit", "signature", "a nonce bit flipped", flip(40, 0x80), nil)
	neg("signature-issued-bit", "signature", "issued-at changed by one second", flip(14, 1), nil)
	neg("signature-session-id-bit", "signature", "a session id bit flipped", flip(20, 4), nil)
	neg("signature-flag-bit", "signature", "the (known) padded flag set on an unpadded cookie", flip(2, 2), nil)
	neg("signature-truncated-tag", "signature", "the last envelope byte removed: the tag is taken from the shifted end", reenc(raw[:len(raw)-1]), nil)
	neg("signature-extended", "signature", "one byte appended to the envelope", reenc(append(append([]byte(nil), raw...), 0)), nil)
	neg("signature-other-name", "signature", "cookie copied to another cookie name", valid, func(v *vector) { v.name = "session2" })
	neg("signature-other-purpose", "signature", "cookie opened for another purpose", valid, func(v *vector) { v.purpose = "remember-me" })
	neg("signature-impostor-key", "signature", "a different key that claims the same key id", valid, func(v *vector) { v.key = keyA2 })
	neg("unknown-key", "unknown key", "the key id is not in the ring", valid, func(v *vector) { v.key = keyB })
	neg("unknown-key-retired", "unknown key", "the sealing key is a retired fallback", valid, func(v *vector) {
		v.key, v.fallbacks, v.retired = keyB, []codec.Key{keyA}, keyA.ID()
	})
	neg("malformed-empty", "malformed", "empty cookie", "", nil)
	neg("malformed-base64-char", "malformed", "a character outside base64url", valid[:10]+"+"+valid[11:], nil)
	neg("malformed-base64-padding", "malformed", "padding characters are not allowed", valid+"=", nil)
	badLen := valid + "A"
	for len(badLen)%4 != 1 {
		badLen += "A"
	}
	neg("malformed-base64-length", "malformed", "a length no base64 encoding has (4k+1 characters)", badLen, nil)
	short := encode(base, map[string]any{"a": 1}, now, codec.NativeOptions{})
	neg("malformed-base64-noncanonical", "malformed", "non-zero trailing bits in the last character", nonCanonical(short), nil)
	neg("malformed-version-0", "malformed", "version byte 0", flip(0, 1), nil)
	neg("malformed-version-2", "malformed", "version byte 2", flip(0, 3), nil)
	neg("malformed-mode-unknown", "malformed", "mode byte 4", flip(1, 5), nil)
	neg("malformed-mode-mismatch", "malformed", "an AES-256-GCM cookie offered to an XChaCha20-Poly1305 decoder (algorithm never taken from the token)", encode(vector{mode: codec.AES256GCM}.withDefaults(), map[string]any{"a": 1}, now, codec.NativeOptions{}), nil)
	neg("malformed-flags-unknown", "malformed", "unknown flag bit 0x04", flip(2, 4), nil)
	neg("malformed-too-short", "malformed", "header and nonce only", reenc(raw[:59]), nil)

	// Time.
	neg("expired-expires", "expired", "now = expires-at (now >= expires-at is expired); the decoder's own lifetime is longer", valid, func(v *vector) { v.reason, v.now, v.lifetime = "expires", now.Add(24*time.Hour), 48*time.Hour })
	neg("expired-absolute", "expired", "now = created-at + lifetime", valid, func(v *vector) { v.reason, v.now = "absolute", now.Add(24*time.Hour) })
	neg("expired-idle", "expired", "now = issued-at + idle timeout", valid, func(v *vector) { v.reason, v.idle, v.now = "idle", time.Hour, now.Add(time.Hour) })
	neg("future-issued", "future", "issued-at one second beyond now + skew", valid, func(v *vector) { v.now = now.Add(-61 * time.Second) })

	// Crafted with the independent sealer: authentic but inconsistent.
	sid := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	t := uint32(now.Unix())
	hdr := func(flags byte, created, issued, expires uint32) rawHeader {
		return rawHeader{version: 1, mode: 1, flags: flags, keyID: 0x0a0a0a0a, created: created, issued: issued, expires: expires, sessionID: sid}
	}
	nonce := bytes.Repeat([]byte{0x24}, 24)
	crafted := func(file, expect, comment string, h rawHeader, body []byte) {
		neg(file, expect, comment, rawSeal(keyA, codec.XChaCha20Poly1305, "session", "session", h, nonce, body), nil)
	}
	crafted("malformed-created-after-issued", "malformed", "authentic, but created-at is after issued-at", hdr(0, t+1, t, t+3600), []byte{0xa0})
	crafted("malformed-bad-padding", "malformed", "authentic, padded flag, but no 0x80 marker", hdr(2, t, t, t+3600), []byte{0xa0, 0x00, 0x00})
	crafted("payload-not-binary", "payload", "authentic, payload is JSON text, not the binary form ('{' is the head of a 27-byte string)", hdr(0, t, t, t+3600), []byte(`{"a":1}`))
	crafted("payload-noncanonical", "payload", "authentic, the integer 1 with a two-byte head (0x18 0x01): only the shortest head is accepted", hdr(0, t, t, t+3600), []byte{0x18, 0x01})
	crafted("payload-bad-tag", "payload", "authentic, valid binary form, but the serializer rejects {\" u\": \"not a uuid\"}", hdr(0, t, t, t+3600), []byte("\xa1\x62 u\x6anot a uuid"))
	crafted("payload-not-zlib", "payload", "authentic, compressed flag, body is not a zlib stream", hdr(1, t, t, t+3600), []byte{0xa0})
	crafted("payload-too-deep", "payload", "authentic, nesting 1000 deep (limit 256)", hdr(1, t, t, t+3600), zlibOf(append(bytes.Repeat([]byte{0x81}, 1000), 0x00)))
	crafted("too-large-zlib-bomb", "too large", "authentic, 1 MiB of zeros compressed to about 1 KiB (limit 65536 decompressed)", hdr(1, t, t, t+3600), zlibOf(make([]byte, 1<<20)))
	crafted("expired-expires-before-issued", "expired", "authentic, expires-at equal to issued-at", hdr(0, t, t, t), []byte{0xa0})
	vs[len(vs)-1].reason = "expires"
	zlibA0 := zlibOf([]byte{0xa0})
	crafted("payload-zlib-trailing", "payload", "authentic, one byte after the end of the zlib stream", hdr(1, t, t, t+3600), append(append([]byte(nil), zlibA0...), 0x00))
	badSum := append([]byte(nil), zlibA0...)
	badSum[len(badSum)-1] ^= 1
	crafted("payload-zlib-checksum", "payload", "authentic, the zlib stream's Adler-32 checksum is wrong", hdr(1, t, t, t+3600), badSum)
	// FDICT set, with the id of the empty dictionary (Adler-32 of nothing
	// is 1): compress/zlib accepts it when given no dictionary.
	presetDict := append([]byte{0x78, 0x20, 0, 0, 0, 1}, zlibA0[2:]...)
	crafted("payload-zlib-preset-dictionary", "payload", "authentic, the zlib stream asks for a preset dictionary (the empty one's id, 1), which no reader may use", hdr(1, t, t, t+3600), presetDict)
	crafted("payload-repeated-key-bad-tag", "payload", "authentic, {\"a\":{\" u\":\"not a uuid\"},\"a\":1}: an overwritten value is still checked", hdr(0, t, t, t+3600), []byte("\xa2\x61a\xa1\x62 u\x6anot a uuid\x61a\x01"))
	// Tag grammars (FORMAT.md, Payload): the edges of " u" and " dn" that
	// Go's time.Parse or Python's uuid.UUID alone would read differently.
	tagged := func(key, text string) []byte {
		b := []byte{0xa1, 0x60 + byte(len(key))}
		b = append(b, key...)
		if len(text) < 24 {
			b = append(b, 0x60+byte(len(text)))
		} else {
			b = append(b, 0x78, byte(len(text)))
		}
		return append(b, text...)
	}
	for _, c := range []struct{ file, key, text, why string }{
		{"success-tag-uuid-urn", " u", "urn:uuid:12345678-1234-5678-1234-567812345678", "the urn:uuid: prefix before the dashed form"},
		{"success-tag-uuid-braces", " u", "{12345678123456781234567812345678}", "braces around 32 hex digits"},
		{"success-tag-time-comma-offset", " dn", "2026-04-30T08:01:02,5-23:59", "a comma fraction and the largest offset"},
	} {
		body := tagged(c.key, c.text)
		crafted(c.file, "success", "authentic, {\""+c.key+"\": \""+c.text+"\"}: "+c.why+" is read", hdr(0, t, t, t+3600), body)
		vs[len(vs)-1].payload = body
	}
	for _, c := range []struct{ file, key, text, why string }{
		{"payload-tag-uuid-urn-and-braces", " u", "urn:uuid:{12345678-1234-5678-1234-567812345678}", "the prefix and braces together"},
		{"payload-tag-uuid-other-prefix", " u", "uuid:12345678123456781234567812345678", "a prefix other than urn:uuid: (Python's uuid.UUID takes it)"},
		{"payload-tag-uuid-hyphens-elsewhere", " u", "1234-5678123456781234567812345678", "hyphens outside the dashed form (Python's uuid.UUID takes them)"},
		{"payload-tag-time-one-digit-hour", " dn", "2026-04-30T8:01:02Z", "a one-digit hour (Go's time.Parse takes it)"},
		{"payload-tag-time-year-0", " dn", "0000-01-01T00:00:00Z", "year 0000 (Go's time.Parse takes it; Python has no year 0)"},
		{"payload-tag-time-offset-24h", " dn", "2026-04-30T08:01:02+24:00", "an offset of 24 hours (Go's time.Parse takes it)"},
		{"payload-tag-time-offset-minute-60", " dn", "2026-04-30T08:01:02+23:60", "an offset minute of 60 (Go's time.Parse reads it as +24:00)"},
	} {
		crafted(c.file, "payload", "authentic, {\""+c.key+"\": \""+c.text+"\"}: "+c.why+" is refused", hdr(0, t, t, t+3600), tagged(c.key, c.text))
	}
	{
		// Readers take map keys in any order and repeated keys.
		body := []byte("\xa3\x61b\x01\x61a\x02\x61a\x03")
		crafted("success-keys-unsorted-repeated", "success", "authentic, {\"b\":1,\"a\":2,\"a\":3}: keys in any order and repeated keys are read (the last value wins)", hdr(0, t, t, t+3600), body)
		vs[len(vs)-1].payload = body
	}
	{
		// Sign-only: the body is readable, but a reader must not inflate it
		// before the tag verifies (sealed for another cookie name).
		h := hdr(1, t, t, t+3600)
		h.mode = 3
		neg("signature-hmacsha256-zlib-bomb", "signature", "a sign-only zlib bomb sealed for the cookie name \"other\": the tag is checked before anything is inflated", rawSeal(keyA, codec.HMACSHA256, "session", "other", h, nil, zlibOf(make([]byte, 1<<20))), func(v *vector) { v.mode = codec.HMACSHA256 })
	}
	neg("too-large-cookie", "too large", "name + value is 4097 bytes (checked before base64)", strings.Repeat("A", 4097-len("session")), nil)

	// Every kind of value the binary form holds, made last so that the
	// nonces of the vectors above stay as they were.
	{
		bigPos := new(big.Int).Lsh(big.NewInt(1), 70)
		bigNeg := new(big.Int).Neg(new(big.Int).Add(bigPos, big.NewInt(1)))
		val := map[string]any{
			"float": 0.1, "exp": 1e-7, "inf": math.Inf(1), "nan": math.NaN(),
			"neg": int64(-5), "min64": int64(math.MinInt64), "bigpos": bigPos, "bigneg": bigNeg,
			"null": nil, "no": false, "esc": "quote\" backslash\\ tab\t nul\x00 del\x7f", "utf": "café ✓ 😀",
			"tuple": serializer.Tuple{int64(1), "a"}, "bytes": []byte{0, 1, 0xff}, "markup": serializer.Markup("<b>hi</b>"),
		}
		v := vector{file: "success-value-kinds", expect: "success", comment: "floats (infinity, NaN), negative integers, bignums of both signs, null, false, escapes, non-ASCII text and Flask's tags", mode: codec.XChaCha20Poly1305}.withDefaults()
		v.cookie = encode(v, val, now, codec.NativeOptions{})
		v.payload = payloadOf(val)
		h, nonce := parse(v.cookie, v.mode)
		if got := rawSeal(v.key, v.mode, v.purpose, v.name, h, nonce, v.payload); got != v.cookie {
			log.Fatalf("%s: FORMAT.md sealer disagrees with the codec", v.file)
		}
		add(v)
	}

	// Boundaries an independent reader found no vector for, made last (and
	// without the shared nonce stream) so that the vectors above stay as
	// they were.
	{
		// The file's purpose is empty: a reader must use "session" in the
		// subkey and in the associated data.
		h := hdr(0, t, t, t+3600)
		crafted("success-empty-purpose", "success", "the purpose is empty, which means the default \"session\" in the subkey and the associated data alike", h, []byte{0xa0})
		vs[len(vs)-1].payload = []byte{0xa0}
		vs[len(vs)-1].purpose = ""
	}
	{
		h := hdr(0, t, t, t+3600)
		h.mode = 2
		c := rawSeal(keyA, codec.AES256GCM, "session", "session", h, bytes.Repeat([]byte{0x12}, 12), []byte{0xa0})
		cr, _ := base64.RawURLEncoding.DecodeString(c)
		cr[len(cr)-1] ^= 1
		neg("signature-aes256gcm-tag-bit", "signature", "AES-256-GCM: the last bit of the tag flipped", reenc(cr), func(v *vector) { v.mode = codec.AES256GCM })
	}
	// The clock has a fraction of a second: readers compare it as it is, so
	// half a second before expires-at is still valid, and half a second short
	// of issued-at - skew is still the future (rounding the clock to the
	// nearest second, or up, fails one of these).
	crafted("success-now-half-second-before-expiry", "success", "now = expires-at - 0.5 s: valid (now < expires-at)", hdr(0, t, t, t+3600), []byte{0xa0})
	vs[len(vs)-1].payload = []byte{0xa0}
	vs[len(vs)-1].now = now.Add(3600*time.Second - 500*time.Millisecond)
	crafted("future-now-half-second-short", "future", "now = issued-at - skew - 0.5 s: issued-at is beyond now + skew", hdr(0, t, t, t+3600), []byte{0xa0})
	vs[len(vs)-1].now = now.Add(-60*time.Second - 500*time.Millisecond)
	// Inflating to exactly the limit (65536 bytes) is accepted, one byte more
	// is too large. The payload is a text string of 'x': a 3-byte head
	// (0x79 and a 2-byte length) and the characters.
	textOf := func(total int) []byte {
		b := binary.BigEndian.AppendUint16([]byte{0x79}, uint16(total-3))
		return append(b, bytes.Repeat([]byte("x"), total-3)...)
	}
	crafted("success-inflate-exactly-limit", "success", "authentic, compressed, inflates to exactly 65536 bytes (the limit is inclusive)", hdr(1, t, t, t+3600), zlibOf(textOf(65536)))
	vs[len(vs)-1].payload = textOf(65536)
	crafted("too-large-inflate-limit-plus-one", "too large", "authentic, compressed, inflates to 65537 bytes, one past the limit", hdr(1, t, t, t+3600), zlibOf(textOf(65537)))
	// Nesting: 256 arrays inside one another are accepted, 257 are not.
	nested := func(depth int) []byte { return append(bytes.Repeat([]byte{0x81}, depth), 0x00) }
	crafted("success-depth-256", "success", "authentic, 256 arrays inside one another around 0 (the depth limit is inclusive)", hdr(0, t, t, t+3600), nested(256))
	vs[len(vs)-1].payload = nested(256)
	crafted("payload-depth-257", "payload", "authentic, 257 arrays inside one another, one past the depth limit", hdr(0, t, t, t+3600), nested(257))
	// False counts: 256 containers inside one another (within the depth
	// limit), each claiming as many items as the bytes left could hold, then
	// zeros up to 65536 bytes. Every count passes a check against the bytes
	// left; only the item budget refuses the second one. A reader that
	// sizes each container by its count allocates about 16 million items
	// before the payload runs out.
	falseCounts := func(head byte, key []byte, perItem int) []byte {
		const size = 65536
		p := make([]byte, size)
		for level := range 256 {
			at := level * (3 + len(key))
			p[at] = head
			binary.BigEndian.PutUint16(p[at+1:], uint16((size-at-3)/perItem))
			copy(p[at+3:], key)
		}
		return p
	}
	crafted("payload-false-counts-arrays", "payload", "authentic, compressed: 256 nested arrays each claiming every byte left (65533, 65530, ...) in a 65536-byte payload; refused by the item budget, not by depth", hdr(1, t, t, t+3600), zlibOf(falseCounts(0x99, nil, 1)))
	crafted("payload-false-counts-maps", "payload", "authentic, compressed: 256 nested maps (each an empty key and then the next map) claiming half the bytes left as entries; refused by the item budget, not by depth", hdr(1, t, t, t+3600), zlibOf(falseCounts(0xb9, []byte{0x60}, 2)))

	for _, v := range vs {
		v.write(dir)
	}
	fmt.Printf("wrote %d vectors to %s\n", len(vs), dir)
}

// decodeFlags returns the sealed body of a valid compressed (and maybe
// padded) vector: what the codec compressed, recomputed by decrypting.
func decodeFlags(v vector, h rawHeader) []byte {
	info := append([]byte("cookiecodec native v1 subkey\x00"), modeByte[v.mode])
	info = binary.BigEndian.AppendUint32(info, h.keyID)
	info = append(info, v.purpose...)
	k := v.key
	if v.keyIndex > 0 {
		k = v.fallbacks[v.keyIndex-1]
	}
	sub, _ := hkdf.Key(sha256.New, material(k), nil, string(info), 32)
	raw, _ := base64.RawURLEncoding.DecodeString(v.cookie)
	hdr := raw[:35]
	ad := append(append([]byte(nil), hdr...), byte(len(v.purpose)))
	ad = append(ad, v.purpose...)
	ad = binary.BigEndian.AppendUint16(ad, uint16(len(v.name)))
	ad = append(ad, v.name...)
	switch v.mode {
	case codec.XChaCha20Poly1305:
		a, _ := chacha20poly1305.NewX(sub)
		pt, err := a.Open(nil, raw[35:59], raw[59:], ad)
		if err != nil {
			log.Fatalf("%s: %v", v.file, err)
		}
		return pt
	case codec.HMACSHA256:
		return raw[35 : len(raw)-32]
	}
	log.Fatalf("%s: compressed vectors must be xchacha20poly1305 or hmacsha256", v.file)
	return nil
}

func nonCanonical(c string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	if len(c)%4 == 0 {
		log.Fatal("nonCanonical: a cookie without unused trailing bits")
	}
	last := strings.IndexByte(alphabet, c[len(c)-1])
	// len%4 == 2 leaves 4 unused bits, == 3 leaves 2.
	return c[:len(c)-1] + string(alphabet[last|1])
}

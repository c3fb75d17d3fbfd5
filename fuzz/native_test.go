package fuzz

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/flaskvectors"
)

// nativeEnv is one native codec configuration with the cookies known to be
// genuine under it: the ones this package sealed and the success vectors of
// codec/testdata/native made for it.
type nativeEnv struct {
	desc    string
	c       *codec.Native
	name    string          // the cookie name
	genuine map[string]bool // cookies that may be accepted
	cookies []string        // cookies it sealed itself, which must be accepted
}

// addOwn records a cookie that e sealed itself.
func (e *nativeEnv) addOwn(cookie string) {
	e.cookies = append(e.cookies, cookie)
	e.genuine[cookie] = true
}

// addGenuine records a cookie sealed with e's keys elsewhere, which e may
// accept.
func (e *nativeEnv) addGenuine(cookie string) { e.genuine[cookie] = true }

// nativeNow is the clock of the configurations this package makes.
var nativeNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// fixedKey derives a deterministic key, so that the fuzzers' corpora stay
// meaningful from one run to the next.
func fixedKey(tb testing.TB, id string) codec.Key {
	tb.Helper()
	k, err := codec.DeriveKey([]byte("cookiecodec fuzz: fixed key material, 32+ bytes"), id)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// detRand is a deterministic nonce and session-id source (test only).
func detRand(seed uint64) *mrand.ChaCha8 {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return mrand.NewChaCha8(s)
}

// nativeEnvs builds the configurations: each mode, compressed and padded
// envelopes, a fallback key, another purpose; plus one per success vector
// of codec/testdata/native. Each of ours seals a few payloads (session S
// and values of the public Flask vectors) at a fixed clock with fixed
// randomness.
func nativeEnvs(tb testing.TB) []*nativeEnv {
	tb.Helper()
	primary, old := fixedKey(tb, "0a0a0a0a"), fixedKey(tb, "0b0b0b0b")
	ring, err := codec.NewKeyRing(primary, old)
	if err != nil {
		tb.Fatal(err)
	}
	oldRing, err := codec.NewKeyRing(old)
	if err != nil {
		tb.Fatal(err)
	}
	clock := func() time.Time { return nativeNow }
	payloads := nativePayloads(tb)
	var envs []*nativeEnv
	for i, cfg := range []struct {
		desc string
		opts codec.NativeOptions
		name string
	}{
		{"xchacha20poly1305", codec.NativeOptions{}, "session"},
		{"aes256gcm", codec.NativeOptions{Mode: codec.AES256GCM}, "session"},
		{"hmacsha256", codec.NativeOptions{Mode: codec.HMACSHA256}, "session"},
		{"xchacha20poly1305 compressed padded", codec.NativeOptions{Compression: codec.CompressAlways(), Padding: 32}, "session"},
		{"hmacsha256 compressed padded", codec.NativeOptions{Mode: codec.HMACSHA256, Compression: codec.CompressAlways(), Padding: 16}, "s"},
		{"aes256gcm remember-me idle", codec.NativeOptions{Mode: codec.AES256GCM, Purpose: "remember-me", IdleTimeout: time.Hour}, "__Host-remember"},
	} {
		cfg.opts.Clock = clock
		cfg.opts.Rand = detRand(uint64(i + 1))
		c, err := codec.NewNative(ring, cfg.opts)
		if err != nil {
			tb.Fatalf("%s: %v", cfg.desc, err)
		}
		e := &nativeEnv{desc: cfg.desc, c: c, name: cfg.name, genuine: map[string]bool{}}
		for _, p := range payloads {
			cookie, _, err := c.EncodeSession(cfg.name, p, codec.Meta{}, 0)
			if errors.Is(err, codec.ErrTooLarge) {
				continue
			}
			if err != nil {
				tb.Fatalf("%s: sealing %#v: %v", cfg.desc, p, err)
			}
			e.addOwn(cookie)
		}
		// A cookie of the fallback key, which the ring still opens.
		oldOpts := cfg.opts
		oldOpts.Rand = detRand(uint64(100 + i))
		oc, err := codec.NewNative(oldRing, oldOpts)
		if err != nil {
			tb.Fatal(err)
		}
		cookie, _, err := oc.EncodeSession(cfg.name, payloads[0], codec.Meta{}, 0)
		if err != nil {
			tb.Fatal(err)
		}
		e.addOwn(cookie)
		envs = append(envs, e)
	}
	// Configurations that differ only in how they seal (compression,
	// padding) open each other's cookies: they share the genuine sets.
	for _, a := range envs {
		for _, b := range envs {
			if a.c.Mode() == b.c.Mode() && a.c.Purpose() == b.c.Purpose() && a.name == b.name {
				for c := range b.genuine {
					a.addGenuine(c)
				}
			}
		}
	}
	return append(envs, vectorEnvs(tb)...)
}

// nativePayloads are session S of shared/bench/sessions.md (in spirit: the
// same keys and types) and the values of the public Flask vectors.
func nativePayloads(tb testing.TB) []any {
	tb.Helper()
	out := []any{
		map[string]any{"user_id": int64(12345), "username": "alice.example", "roles": []any{"admin", "editor"},
			"csrf_token": "9f86d081884c7d659a2feaa0c55ad015", "_fresh": true, "login": nativeNow.Add(-time.Hour)},
		map[string]any{},
	}
	for i, v := range flaskVectors(tb) {
		if v.PayloadDescription == nil || i%4 != 0 {
			continue
		}
		val, err := flaskvectors.Value(*v.PayloadDescription)
		if err != nil {
			continue
		}
		out = append(out, val)
	}
	return out
}

// nativeVector is one file of codec/testdata/native: "field: value" lines.
type nativeVector struct {
	path   string
	fields map[string][]string
}

func (v nativeVector) get(k string) string {
	if f := v.fields[k]; len(f) > 0 {
		return f[0]
	}
	return ""
}

const nativeVectorDir = "../codec/testdata/native"

func readNativeVectors(tb testing.TB) []nativeVector {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(nativeVectorDir, "*"))
	var out []nativeVector
	for _, p := range files {
		fh, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		v := nativeVector{path: p, fields: map[string][]string{}}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			k, val, ok := strings.Cut(sc.Text(), ": ")
			if ok {
				v.fields[k] = append(v.fields[k], val)
			}
		}
		fh.Close()
		out = append(out, v)
	}
	return out
}

// vectorEnvs makes one configuration per success vector, the way the
// vector file describes it. A vector this reader cannot interpret fails the
// test: the format of the vector files is part of the project.
func vectorEnvs(tb testing.TB) []*nativeEnv {
	tb.Helper()
	var envs []*nativeEnv
	vectors := readNativeVectors(tb)
	for _, v := range vectors {
		if v.get("expect") != "success" {
			continue
		}
		e, err := vectorEnv(v)
		if err != nil {
			tb.Fatalf("%s: %v", v.path, err)
		}
		// The vectors share their keys, so a cookie that is expired at its
		// own vector's clock may be valid at another's: the cookies of the
		// success, expired and future vectors count as genuine. So does
		// the cookie underneath malformed-base64-noncanonical, a sealed
		// cookie spelled with non-zero trailing bits, which the fuzzer
		// finds by respelling its last character
		// (testdata/fuzz/FuzzNativeOpen/488beb5ff497a1c9), and the cookie
		// of malformed-mode-mismatch, a sound AES-256-GCM cookie that is
		// malformed only for its vector's XChaCha20-Poly1305 decoder. Every
		// other vector cookie (malformed, payload, too large, signature,
		// unknown key) must be refused by every configuration.
		for _, w := range vectors {
			cookie := w.get("cookie")
			switch w.get("expect") {
			case "success", "expired", "future":
				e.addGenuine(cookie)
			case "malformed":
				if filepath.Base(w.path) == "malformed-mode-mismatch" {
					e.addGenuine(cookie)
				}
				if c, ok := canonicalSpelling(cookie); ok && c != cookie {
					e.addGenuine(c)
				}
			}
		}
		envs = append(envs, e)
	}
	return envs
}

// canonicalSpelling returns the canonical base64url spelling of the bytes
// that cookie spells, with any non-zero trailing bits dropped (the
// non-strict decoder ignores them).
func canonicalSpelling(cookie string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil {
		return "", false
	}
	return base64.RawURLEncoding.EncodeToString(raw), true
}

func vectorEnv(v nativeVector) (*nativeEnv, error) {
	var keys []codec.Key
	for _, text := range append(v.fields["key"], v.fields["fallback"]...) {
		k, err := codec.ParseKey(text)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no key")
	}
	ring, err := codec.NewKeyRing(keys[0], keys[1:]...)
	if err != nil {
		return nil, err
	}
	for _, id := range v.fields["retired"] {
		if err := ring.Retire(id); err != nil {
			return nil, err
		}
	}
	modes := map[string]codec.Mode{}
	for _, m := range []codec.Mode{codec.XChaCha20Poly1305, codec.AES256GCM, codec.HMACSHA256} {
		modes[m.String()] = m
	}
	mode, ok := modes[v.get("mode")]
	if !ok {
		return nil, fmt.Errorf("unknown mode %q", v.get("mode"))
	}
	secs := func(k string) (time.Duration, error) {
		n, err := strconv.ParseInt(v.get(k), 10, 64)
		return time.Duration(n) * time.Second, err
	}
	lifetime, err1 := secs("lifetime")
	idle, err2 := secs("idle")
	skew, err3 := secs("skew")
	now, err4 := time.Parse(time.RFC3339, v.get("now"))
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	if skew == 0 {
		skew = -1 // "no allowance" in NativeOptions
	}
	c, err := codec.NewNative(ring, codec.NativeOptions{
		Mode: mode, Purpose: v.get("purpose"), Lifetime: lifetime, IdleTimeout: idle, Skew: skew,
		Clock: func() time.Time { return now },
	})
	if err != nil {
		return nil, err
	}
	e := &nativeEnv{desc: filepath.Base(v.path), c: c, name: v.get("name"), genuine: map[string]bool{}}
	e.addOwn(v.get("cookie"))
	return e, nil
}

// checkNativeOpen decodes in under e and fails unless the outcome is a
// typed error or in is one of e's genuine cookies.
func checkNativeOpen(t *testing.T, e *nativeEnv, name, in string) {
	t.Helper()
	_, m, err := e.c.DecodeSession(name, in, 0)
	if err != nil {
		if !wrapsExactlyOne(err, codecSentinels...) {
			t.Fatalf("%s: error %v wraps not exactly one sentinel", e.desc, err)
		}
		return
	}
	if name != e.name || !e.genuine[in] {
		t.Fatalf("%s: accepted %q for cookie %q, which this configuration never sealed", e.desc, in, name)
	}
	if m.Format != "native" {
		t.Fatalf("%s: accepted cookie reports format %q", e.desc, m.Format)
	}
}

// nativeSeeds adds every cookie of codec/testdata/native and of our own
// configurations, and the string literals of codec's unit tests.
func nativeSeeds(tb testing.TB, envs []*nativeEnv, add func(string)) {
	for _, v := range readNativeVectors(tb) {
		add(v.get("cookie"))
	}
	for _, e := range envs {
		for _, c := range e.cookies {
			add(c)
		}
	}
	for _, s := range testStrings(tb, "../codec") {
		add(s)
	}
}

// FuzzNativeOpen gives arbitrary text to native codecs of every mode and
// to the configurations of the success vectors. It asserts that opening
// never panics, fails with exactly one sentinel, and accepts only a cookie
// the configuration sealed (under the cookie name it was sealed for), and
// that the unverified Inspect never panics and fails with ErrMalformed or
// ErrTooLarge only.
func FuzzNativeOpen(f *testing.F) {
	envs := nativeEnvs(f)
	nativeSeeds(f, envs, func(s string) { f.Add(s) })
	f.Fuzz(func(t *testing.T, in string) {
		for _, e := range envs {
			checkNativeOpen(t, e, e.name, in)
		}
		if _, err := codec.Inspect(in); err != nil && !errors.Is(err, codec.ErrMalformed) && !errors.Is(err, codec.ErrTooLarge) {
			t.Fatalf("Inspect: unexpected error %v", err)
		}
	})
}

// mutate applies up to 8 edits described by ops (3 bytes each: what,
// where, argument) to a cookie, either to its text or to the envelope bytes
// it encodes (then written back as base64url).
func mutate(cookie string, ops []byte) string {
	text := []byte(cookie)
	raw, err := base64.RawURLEncoding.DecodeString(cookie)
	onRaw := false
	for i := 0; i+3 <= len(ops) && i < 24; i += 3 {
		op, pos, arg := ops[i], int(ops[i+1]), ops[i+2]
		b := &text
		if op&0x10 != 0 && err == nil {
			b, onRaw = &raw, true
		}
		*b = edit(*b, op&0x0f, pos, arg)
	}
	if onRaw {
		// Raw edits win: the text edits are replaced by the envelope's.
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	return string(text)
}

func edit(b []byte, op byte, pos int, arg byte) []byte {
	if len(b) == 0 {
		return append(b, arg)
	}
	pos %= len(b)
	switch op % 8 {
	case 0:
		b[pos] ^= 1 << (arg % 8)
	case 1:
		b[pos] = arg
	case 2:
		b = b[:pos]
	case 3:
		b = slices.Insert(b, pos, arg)
	case 4:
		b = slices.Delete(b, pos, pos+1)
	case 5:
		end := min(len(b), pos+1+int(arg%16))
		b = slices.Insert(b, end, slices.Clone(b[pos:end])...)
	case 6:
		j := int(arg) % len(b)
		b[pos], b[j] = b[j], b[pos]
	default:
		b = append(b, arg)
	}
	return b
}

// FuzzNativeMutate edits genuine cookies (bit flips, truncation, insertion,
// deletion, duplication, swaps, extension; on the text or on the envelope
// bytes) and moves them to another cookie name or configuration. It asserts
// that anything other than the exact genuine cookie under its own name and
// configuration is refused with exactly one sentinel, and that the genuine
// cookie itself is accepted.
func FuzzNativeMutate(f *testing.F) {
	envs := nativeEnvs(f)
	type pick struct {
		env    *nativeEnv
		cookie string
	}
	var all []pick
	for _, e := range envs {
		for _, c := range e.cookies {
			all = append(all, pick{e, c})
		}
	}
	for i := range all {
		for _, ops := range [][]byte{{}, {0, 0, 0}, {0x10, 5, 3}, {2, 200, 0}, {0x15, 9, 15}, {7, 0, '='}, {0x14, 40, 0}} {
			f.Add(uint16(i), uint8(0), ops)
		}
		f.Add(uint16(i), uint8(1), []byte{})
	}
	f.Fuzz(func(t *testing.T, which uint16, target uint8, ops []byte) {
		p := all[int(which)%len(all)]
		if _, _, err := p.env.c.DecodeSession(p.env.name, p.cookie, 0); err != nil {
			t.Fatalf("%s: genuine cookie refused: %v", p.env.desc, err)
		}
		mut := mutate(p.cookie, ops)
		// target 0: the same configuration and name; 1: another name;
		// others: another configuration under its own name.
		switch {
		case target == 0:
			checkNativeOpen(t, p.env, p.env.name, mut)
		case target == 1:
			checkNativeOpen(t, p.env, p.env.name+"x", mut)
		default:
			other := envs[int(target)%len(envs)]
			if other != p.env && other.genuine[mut] {
				return // the same cookie is genuine there too (only when shared)
			}
			if other == p.env {
				checkNativeOpen(t, p.env, p.env.name, mut)
				return
			}
			_, _, err := other.c.DecodeSession(other.name, mut, 0)
			if err == nil {
				t.Fatalf("%s's cookie %q accepted by %s", p.env.desc, mut, other.desc)
			}
			if !wrapsExactlyOne(err, codecSentinels...) {
				t.Fatalf("error %v wraps not exactly one sentinel", err)
			}
		}
	})
}

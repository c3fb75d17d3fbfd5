package main

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// nativeSerializer is the native codec's default serializer: tagged JSON
// with native-precision times.
var nativeSerializer = &serializer.Serializer{NativeTime: true}

// decodeNative shows the header of a native cookie without verifying it.
// The payload is not shown: in the encrypting modes it is ciphertext, and
// the codec does not hand out an unverified sign-only payload either.
func (c *cli) decodeNative(r *result, value string, now time.Time) int {
	h, err := codec.Inspect(value)
	if err != nil {
		r.setError(err)
		return exitFailed
	}
	r.KeyID, r.SessionID = h.KeyID, h.Session
	r.Compressed = boolPtr(h.Compressed)
	r.created = h.Created
	r.setTimes(h.Issued, h.Expires, now, h.Issued.Unix(), false)
	r.notes = append(r.notes, "mode: "+h.Mode, fmt.Sprintf("size: %d bytes (envelope %d: header %d, nonce %d, body %d, tag %d)", h.CookieSize, h.Size, h.HeaderSize, h.NonceSize, h.BodySize, h.TagSize))
	if h.Padded {
		r.notes = append(r.notes, "padded: yes")
	}
	if h.Mode == codec.HMACSHA256.String() {
		r.hint(hintPayloadNeedsVerify, "the payload of a sign-only native cookie is readable, but only verify shows it, after checking the tag")
	} else {
		r.hint(hintPayloadNeedsVerify, "the payload is encrypted (%s): verify --key-file KEY shows it", h.Mode)
	}
	return exitOK
}

// nativeKeys parses the native keys: the primary and fallback key files
// hold keygen output. The primary's source may hold a whole key ring, as
// codec.ParseKeyRing reads one (SESSION_KEYS="$NEW $OLD"): its first key is
// the primary, the others are fallbacks 1, 2, ..., before those the
// fallback flags give.
func nativeKeys(ks keySet) (*codec.KeyRing, []codec.Key, error) {
	if !ks.hasPrimary {
		return nil, nil, usagef("native cookies need a key: --key-file with keygen output")
	}
	var keys []codec.Key
	if isKeyRingText(ks.primary) {
		ring, err := codec.ParseKeyRing(string(ks.primary))
		if err != nil {
			return nil, nil, usagef("%s: %v", ks.primarySource, err)
		}
		keys = ring.Keys()
	} else {
		primary, err := codec.ParseKey(string(ks.primary))
		if err != nil {
			return nil, nil, usagef("%s: %v", ks.primarySource, err)
		}
		keys = []codec.Key{primary}
	}
	for i, f := range ks.fallbacks {
		k, err := codec.ParseKey(string(f))
		if err != nil {
			return nil, nil, usagef("%s (fallback key %d): %v", ks.fallbackSources[i], len(keys), err)
		}
		keys = append(keys, k)
	}
	ring, err := codec.NewKeyRing(keys[0], keys[1:]...)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	return ring, keys, nil
}

// isKeyRingText reports whether key holds several native keys, separated
// by white space or commas as codec.ParseKeyRing reads them. Only text that
// starts like a native key counts: a Flask secret may hold spaces.
func isKeyRingText(key []byte) bool {
	text := strings.TrimSpace(string(key))
	if !strings.HasPrefix(text, "cookiecodec-key-") && !strings.HasPrefix(text, "#") {
		return false
	}
	if strings.Contains(text, "#") { // codec.ParseKeyRing's comments
		return strings.Contains(text, "cookiecodec-key-")
	}
	return len(strings.FieldsFunc(text, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })) > 1
}

// modeByName maps Inspect's mode names to modes.
func modeByName(s string) (codec.Mode, bool) {
	for _, m := range []codec.Mode{codec.XChaCha20Poly1305, codec.AES256GCM, codec.HMACSHA256} {
		if m.String() == s {
			return m, true
		}
	}
	return 0, false
}

// nativeOptions builds the codec options from the flags. The mode is taken
// from the cookie's header: every mode has its own subkey (HKDF over key,
// mode and purpose), so a header naming another mode cannot make a forged
// cookie verify; it only saves the user a --mode flag.
func (c *cli) nativeOptions(mode codec.Mode, now time.Time) (codec.NativeOptions, error) {
	o := codec.NativeOptions{Mode: mode, Purpose: c.opts.purpose, Clock: func() time.Time { return now }}
	var err error
	if c.opts.set["skew"] {
		if o.Skew, err = parseDuration(c.opts.skew); err != nil {
			return o, usagef("--skew %q: want SECONDS or a DURATION such as 60s", c.opts.skew)
		}
		if o.Skew == 0 {
			o.Skew = -1 // the codec reads a negative skew as "none"
		}
	}
	if c.opts.set["lifetime"] {
		if o.Lifetime, err = parseDuration(c.opts.lifetime); err != nil || o.Lifetime == 0 {
			return o, usagef("--lifetime %q: want a positive DURATION such as 30d", c.opts.lifetime)
		}
	}
	if c.opts.set["idle"] {
		if o.IdleTimeout, err = parseDuration(c.opts.idle); err != nil {
			return o, usagef("--idle %q: want a DURATION such as 2h", c.opts.idle)
		}
	}
	return o, nil
}

// verifyNative verifies a native cookie for the cookie name and purpose.
func (c *cli) verifyNative(r *result, in cliinput.Input, ks keySet, now time.Time) (int, error) {
	ring, keys, err := nativeKeys(ks)
	if err != nil {
		return 0, err
	}
	h, err := codec.Inspect(in.Value)
	if err != nil {
		r.setError(err)
		return exitFailed, nil
	}
	mode, _ := modeByName(h.Mode)
	opts, err := c.nativeOptions(mode, now)
	if err != nil {
		return 0, err
	}
	n, err := codec.NewNative(ring, opts)
	if err != nil {
		return 0, usagef("%v", err)
	}
	v, meta, err := n.DecodeSession(in.Name, in.Value, sizeLimit(in))
	if err != nil {
		r.setError(err)
		var ee *codec.ExpiredError
		if errors.As(err, &ee) {
			r.Error.Message = c.nativeExpiredText(ee)
		}
		c.nativeHints(r, err, in, ring, keys, opts, h)
		return exitFailed, nil
	}
	data, err := nativeSerializer.Marshal(v)
	if err != nil {
		r.setError(fmt.Errorf("%w: %w", codec.ErrPayload, err))
		return exitFailed, nil
	}
	r.setPayload(data, c.opts.redact)
	r.Valid = boolPtr(true)
	r.Key = keyLabel(meta.KeyIndex)
	r.KeyID, r.SessionID = meta.KeyID, meta.SessionID.String()
	r.Compressed = boolPtr(meta.Compressed)
	r.created = meta.Created
	r.setTimes(meta.Issued, meta.Expires, now, meta.Issued.Unix(), false)
	r.notes = append(r.notes, "mode: "+mode.String(), "purpose: "+n.Purpose())
	if meta.KeyIndex > 0 {
		r.hint(hintFallbackKey, "verified with fallback key %d (key id %s), not the primary: an app re-issues it under the primary key", meta.KeyIndex, meta.KeyID)
	}
	return exitOK, nil
}

// sizeLimit is the maxSize given to a codec: its default (4096, what one
// browser cookie holds) unless the value was joined from chunk cookies,
// whose sum may be larger (cliinput bounds it at 1 MiB).
func sizeLimit(in cliinput.Input) int {
	if in.Chunked {
		return len(in.Name) + len(in.Value)
	}
	return 0
}

// commonPurposes are purposes tried when a native cookie fails for the
// given one.
var commonPurposes = []string{"session", "remember-me", "remember", "csrf", "flash", "auth", "login"}

// nativeHints explains a native failure: unknown key ids, expiry, and a
// cookie minted for another cookie name or purpose when the name can be
// tried (names in the same header, the __Host-/__Secure- variants,
// "session").
func (c *cli) nativeHints(r *result, err error, in cliinput.Input, ring *codec.KeyRing, keys []codec.Key, opts codec.NativeOptions, h codec.Header) {
	var ee *codec.ExpiredError
	var fe *codec.FutureError
	switch {
	case errors.Is(err, codec.ErrUnknownKey):
		ids := make([]string, len(keys))
		for i, k := range keys {
			ids[i] = k.ID() + " (" + keyLabel(i) + ")"
		}
		r.hint(hintUnknownKeyID, "the cookie names key id %s; the keys given have ids %s: if it is an older key the app still accepts, add it with --fallback-key-file PATH or --fallback-key-env VAR (repeatable); if no key of the app has that id, another app wrote the cookie (cookies ignore the port: two apps on one host share a cookie name unless one sets its own)", h.KeyID, strings.Join(ids, ", "))
		return
	case errors.As(err, &ee):
		r.hint(hintExpiredValidSignature, "%s", c.nativeExpiredHint(ee, h))
		return
	case errors.As(err, &fe):
		r.hint(hintFutureValidSignature, "valid tag, issued %s in the future (skew allowed %s): the issuing server's clock is ahead or --now is wrong", formatDuration(fe.Ahead()), formatDuration(fe.Skew))
		return
	case !errors.Is(err, codec.ErrSignature):
		return
	}
	purpose := opts.Purpose
	if purpose == "" {
		purpose = "session"
	}
	names := candidateNames(in)
	purposes := append([]string{purpose}, commonPurposes...)
	for _, p := range purposes {
		for _, name := range names {
			if p == purpose && name == in.Name {
				continue
			}
			o := opts
			o.Purpose = p
			n, nerr := codec.NewNative(ring, o)
			if nerr != nil {
				continue
			}
			limit := sizeLimit(in)
			if limit > 0 {
				limit = len(name) + len(in.Value) // a longer name must not make the value too large
			}
			_, _, derr := n.DecodeSession(name, in.Value, limit)
			if !macVerified(derr) {
				continue
			}
			var what []string
			if name != in.Name {
				what = append(what, fmt.Sprintf("for cookie name %q, not %q (--name %s)", name, in.Name, name))
			}
			if p != purpose {
				what = append(what, fmt.Sprintf("for purpose %q, not %q (--purpose %s)", p, purpose, shellQuote(p)))
			}
			r.hint(hintNameMismatch, "the cookie was minted %s: a value copied into another cookie or use is rejected by design", strings.Join(what, " and "))
			return
		}
	}
	if in.Chunked {
		// A mix of chunks from two writes is likelier than a key
		// mismatch: mixedChunksHint says so, and the key is not blamed.
		r.hint(hintWrongKeyOrAltered, "the tag does not verify with key %s for cookie name %q and purpose %q, nor for the other names and common purposes tried", h.KeyID, in.Name, purpose)
		return
	}
	r.hint(hintWrongKeyOrAltered, "the tag does not verify with key %s for cookie name %q and purpose %q, nor for the other names and common purposes tried: the cookie was altered or sealed with another key of the same id", h.KeyID, in.Name, purpose)
}

// nativeExpiredText is the error message of an expired native cookie. The
// codec names the limit by a word ("expires limit passed 1m0s ago"), which
// reads as if verify had applied the app's limits; this says whose limit it
// was: the expiry the issuing app wrote into the envelope, or verify's own
// --lifetime or --idle.
func (c *cli) nativeExpiredText(ee *codec.ExpiredError) string {
	by := formatDuration(ee.Now.Sub(ee.At))
	switch ee.Reason {
	case "expires":
		return fmt.Sprintf("expired: past the expiry the issuing app wrote into the cookie (%s), by %s", timeText(ee.At), by)
	case "idle":
		return fmt.Sprintf("expired: past verify's idle timeout (--idle %s, from the cookie's last issue), by %s", c.opts.idle, by)
	case "absolute":
		lifetime := "--lifetime " + c.opts.lifetime
		if !c.opts.set["lifetime"] {
			lifetime = "--lifetime default " + formatDuration(codec.DefaultLifetime)
		}
		return fmt.Sprintf("expired: past verify's lifetime (%s, from the session's creation), by %s", lifetime, by)
	}
	return userText(ee.Error())
}

// nativeExpiredHint explains an expired native cookie: a valid tag, and
// which defaults verify assumes (the codec's: --lifetime 30d, no idle
// timeout) against the middleware's (7 days and 24 hours), which is why the
// app and verify can name different limits, or disagree.
func (c *cli) nativeExpiredHint(ee *codec.ExpiredError, h codec.Header) string {
	mw := fmt.Sprintf("the cookiesession middleware's defaults: lifetime %s, idle timeout %gh", formatDuration(cookiesession.DefaultLifetime), cookiesession.DefaultIdleTimeout.Hours())
	if ee.Reason == "expires" {
		after := ""
		if ee.At.After(h.Issued) {
			after = ", " + formatDuration(ee.At.Sub(h.Issued)) + " after its last issue"
		}
		return fmt.Sprintf("valid tag, only expired: the issuing app wrote this expiry into the cookie%s, from its own lifetime and idle timeout (%s), so the app rejects it too, whichever limit its message names; verify's own --lifetime (default %s) and --idle (default none) had not passed", after, mw, formatDuration(codec.DefaultLifetime))
	}
	return fmt.Sprintf("valid tag, only expired; unless given, verify assumes the codec's defaults, --lifetime %s and no --idle (%s): give the app's values to check the cookie as it does", formatDuration(codec.DefaultLifetime), mw)
}

// candidateNames lists cookie names worth trying: the other names in the
// header, the __Host-/__Secure- variants of the name, and "session".
func candidateNames(in cliinput.Input) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(in.Name)
	for _, c := range in.Cookies {
		add(c.Name)
	}
	base := strings.TrimPrefix(strings.TrimPrefix(in.Name, "__Host-"), "__Secure-")
	add(base)
	add("__Host-" + base)
	add("__Secure-" + base)
	add("session")
	if len(out) > 20 {
		out = out[:20]
	}
	return out
}

// signNative seals tagged JSON as a native cookie for --name and --purpose.
func (c *cli) signNative(r *result, jsonText []byte, ks keySet, now time.Time) (int, error) {
	ring, _, err := nativeKeys(ks)
	if err != nil {
		return 0, err
	}
	opts, err := c.nativeOptions(codec.XChaCha20Poly1305, now)
	if err != nil {
		return 0, err
	}
	n, err := codec.NewNative(ring, opts)
	if err != nil {
		return 0, usagef("%v", err)
	}
	v, err := nativeSerializer.Unmarshal(jsonText)
	if err != nil {
		return 0, fmt.Errorf("the JSON to sign: %w", err)
	}
	cookie, meta, err := n.EncodeSession(c.opts.name, v, codec.Meta{}, 0)
	if err != nil {
		return 0, err
	}
	data, _ := nativeSerializer.Marshal(v)
	r.Cookie = cookie
	r.Key = "primary"
	r.KeyID, r.SessionID = meta.KeyID, meta.SessionID.String()
	r.Compressed = boolPtr(meta.Compressed)
	r.setTimes(meta.Issued, meta.Expires, now, meta.Issued.Unix(), false)
	r.setPayload(data, false)
	return exitOK, nil
}

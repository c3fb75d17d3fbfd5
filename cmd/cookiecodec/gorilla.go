package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
	"github.com/cookiecodec/cookiecodec/internal/gobscan"
	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/gorilla/securecookie"
)

// gorillaParts splits an unverified gorilla/securecookie value:
// base64url(padded) of "timestamp|base64url(value)|mac".
func gorillaParts(v string) (ts int64, value []byte, ok bool) {
	raw, err := base64.URLEncoding.DecodeString(v)
	if err != nil {
		return 0, nil, false
	}
	parts := bytes.SplitN(raw, []byte("|"), 3)
	if len(parts) != 3 {
		return 0, nil, false
	}
	ts, err = strconv.ParseInt(string(parts[0]), 10, 64)
	if err != nil {
		return 0, nil, false
	}
	value, err = base64.URLEncoding.DecodeString(string(parts[1]))
	if err != nil {
		return 0, nil, false
	}
	return ts, value, true
}

// gorillaPlaintext returns the serialized value inside an unverified
// gorilla cookie: the value field itself, or with a block key its AES-CTR
// decryption (securecookie's layout: IV of one block, then ciphertext).
// The caller still verifies the MAC before trusting anything.
func gorillaPlaintext(v string, block []byte) ([]byte, bool) {
	_, body, ok := gorillaParts(v)
	if !ok {
		return nil, false
	}
	if block == nil {
		return body, true
	}
	c, err := aes.NewCipher(block)
	if err != nil || len(body) < c.BlockSize() {
		return nil, false
	}
	out := make([]byte, len(body)-c.BlockSize())
	cipher.NewCTR(c, body[:c.BlockSize()]).XORKeyStream(out, body[c.BlockSize():])
	return out, true
}

// decodeGorilla shows a gorilla cookie without verifying it. A value
// encrypted with a block key cannot be shown; JSON and gob values of basic
// types can.
func (c *cli) decodeGorilla(r *result, value string, now time.Time) int {
	ts, body, ok := gorillaParts(value)
	if !ok {
		r.setError(fmt.Errorf("%w: not a gorilla securecookie value", codec.ErrMalformed))
		return exitFailed
	}
	r.setTimes(time.Unix(ts, 0), time.Time{}, now, ts, true)
	if v, enc, ok := gorillaPlain(body); ok {
		if data, err := serializer.Marshal(v); err == nil {
			r.setPayload(data, c.opts.redact)
			r.notes = append(r.notes, "encoding: "+enc)
			return exitOK
		}
	}
	if _, err := gobMap(body); err != nil {
		if typ, ok := unregisteredGobType(err); ok {
			if readable, opaque, ok := gobPartial(body); ok && len(opaque) > 0 {
				if data, err := serializer.Marshal(readable); err == nil {
					r.setPayload(data, c.opts.redact)
					r.Opaque = opaque
					r.notes = append(r.notes, "encoding: gob")
					r.hint(hintGobAppType, "the value is gob, not encrypted; the entries %s hold values of the app's own types, which this tool cannot show without the app's code (gob decodes a type only in a program that registers it): the payload shows the other entries", opaqueText(opaque))
					return exitOK
				}
			}
			r.hint(hintGobAppType, "the value is gob, not encrypted, and holds a value of the app's own type %q, which this tool cannot show without the app's code (gob decodes a type only in a program that registers it)", typ)
			return exitOK
		}
	}
	r.hint(hintGorillaEncrypted, "the value (%d bytes) is neither JSON nor gob of basic types: it is probably encrypted with a block key (verify --hash-key-file H --block-key-file B shows it)", len(body))
	return exitOK
}

// gorillaPlain decodes an unencrypted gorilla value: JSON, or gob of a
// map with basic types.
func gorillaPlain(body []byte) (any, string, bool) {
	if json.Valid(body) {
		var v any
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if d.Decode(&v) == nil {
			return jsonNumbers(v), "json", true
		}
	}
	if m, err := gobMap(body); err == nil {
		if sm, ok := stringKeyed(m); ok {
			return gobValue(sm), "gob", true
		}
	}
	return nil, "", false
}

// gobMap decodes a gob map with gobscan.Decode: this value has not been
// verified, and gob sizes maps by the counts it claims (51 bytes claiming
// 2^24 entries cost 1.3 GB) and panics on a map key of a slice type.
func gobMap(body []byte) (map[any]any, error) {
	var m map[any]any
	err := gobscan.Decode(body, &m)
	return m, err
}

// stringKeyed converts a gob map with string keys.
func stringKeyed(m map[any]any) (map[string]any, bool) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		s, ok := k.(string)
		if !ok {
			return nil, false
		}
		out[s] = v
	}
	return out, true
}

// jsonNumbers turns json.Number and integral float64 values into int64 or
// float64 so that the serializer writes them as Python would.
func jsonNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	}
	replaceElements(v, jsonNumbers)
	return v
}

// replaceElements replaces, in place, each value of v, when v is a
// map[string]any or a []any, by f of it.
func replaceElements(v any, f func(any) any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = f(e)
		}
	case []any:
		for i, e := range x {
			x[i] = f(e)
		}
	}
}

// gorillaKeys returns the gorilla key pairs, the primary first: its hash
// key is --hash-key-file, or else the primary key (--key-file, ...), and
// its block key --block-key-file, which is optional; then the fallback
// pairs.
func gorillaKeys(ks keySet) ([]gorillaPair, error) {
	primary := gorillaPair{hash: ks.hashKey, block: ks.blockKey, source: "--hash-key-file"}
	if primary.hash == nil && ks.hasPrimary {
		primary.hash, primary.source = ks.primary, ks.primarySource
	}
	if len(primary.hash) == 0 {
		return nil, usagef("gorilla cookies need the app's hash key: --hash-key-file (and --block-key-file if it encrypted)")
	}
	return append([]gorillaPair{primary}, ks.gorillaFallbacks...), nil
}

// gorillaPairName names key pair i of gorillaKeys for messages.
func gorillaPairName(i int) string {
	if i == 0 {
		return "the primary key pair"
	}
	return fmt.Sprintf("fallback key pair %d", i)
}

// gorillaKeyID is the name the library gives key pair i of gorillaKeys
// (0 the primary): the Meta.KeyID of codec.GorillaMigration, "gorilla
// pair N", counting the pairs from 1 in the app's order, the primary
// first. The CLI's own name for the pair, gorillaPairName, counts the
// fallbacks from 1, as it does for native and Flask keys.
func gorillaKeyID(i int) string {
	return fmt.Sprintf("gorilla pair %d", i+1)
}

// verifyGorilla verifies a gorilla/securecookie value with the app's key
// pairs, the primary first, as gorilla/sessions' CookieStore tries them,
// JSON or gob as the plaintext is.
func (c *cli) verifyGorilla(r *result, in cliinput.Input, ks keySet, now time.Time, maxAge time.Duration) (int, error) {
	pairs, err := gorillaKeys(ks)
	if err != nil {
		return 0, err
	}
	if len(ks.fallbacks) > 0 {
		r.hint(hintFallbackFlagsIgnored, "--fallback-key-file and --fallback-key-env do not apply to gorilla cookies: give an older gorilla key pair with --fallback-hash-key-file (and --fallback-block-key-file if it encrypted)")
	}
	if !c.opts.set["max-age"] {
		maxAge = codec.DefaultGorillaMaxAge
	}
	base := codec.GorillaOptions{MaxAge: maxAge, Clock: func() time.Time { return now }}
	if c.opts.set["skew"] {
		if base.Skew, err = parseDuration(c.opts.skew); err != nil {
			return 0, usagef("--skew %q: want SECONDS or a DURATION such as 60s", c.opts.skew)
		}
		if base.Skew == 0 {
			base.Skew = -1
		}
	}
	// One reader per pair, all made first so that a bad block key is a
	// usage error whichever pair verifies; the one that verifies is named.
	opts := make([]codec.GorillaOptions, len(pairs))
	readers := make([]*codec.GorillaMigration, len(pairs))
	for i, p := range pairs {
		opts[i] = gorillaOptions(base, in.Value, p)
		if i > 0 && p.block != nil && !slices.Contains([]int{16, 24, 32}, len(p.block)) {
			return 0, usagef("the block key of %s (--fallback-block-key-file %s) has %d bytes: a gorilla block key is an AES key of 16, 24 or 32 bytes", gorillaPairName(i), c.opts.fallbackBlockKeyFiles[i-1], len(p.block))
		}
		if readers[i], err = codec.NewGorillaMigration(opts[i]); err != nil {
			if i == 0 {
				return 0, usagef("%v", err)
			}
			return 0, usagef("%s (%s): %v", gorillaPairName(i), p.source, err)
		}
	}
	var v any
	var meta codec.Meta
	used := 0
	for i, g := range readers {
		used = i
		// A pair whose MAC verifies decides, as in codec.GorillaMigration.
		if v, meta, err = g.DecodeSession(in.Name, in.Value, 0); !errors.Is(err, codec.ErrSignature) {
			break
		}
	}
	if err != nil {
		r.setError(err)
		c.gorillaHints(r, err, in, pairs, opts, used, now)
		return exitFailed, nil
	}
	r.notes = append(r.notes, "encoding: "+map[bool]string{true: "json", false: "gob"}[opts[used].JSON])
	data, err := serializer.Marshal(jsonNumbers(v))
	if err != nil {
		r.setError(fmt.Errorf("%w: %w", codec.ErrPayload, err))
		return exitFailed, nil
	}
	r.setPayload(data, c.opts.redact)
	r.Valid = boolPtr(true)
	r.Key, r.KeyID = keyLabel(used), gorillaKeyID(used)
	var expires time.Time
	if maxAge > 0 {
		expires = meta.Issued.Add(maxAge)
		r.maxAge = maxAge
	}
	r.setTimes(meta.Issued, expires, now, meta.Issued.Unix(), true)
	if used > 0 {
		r.hint(hintFallbackKey, "verified with %s (%s), not the primary: gorilla/sessions re-issues it under the first pair when the app next saves the session", gorillaPairName(used), pairs[used].source)
	}
	return exitOK, nil
}

// gorillaOptions are base with the key pair p, reading JSON when the
// plaintext of value under p's block key is JSON. The encoding is picked
// from the whole plaintext: gorilla's JSONEncoder reads the first JSON
// value and ignores what follows, so gob bytes or a ciphertext read
// without the block key that happen to start with a digit would otherwise
// "decode" as a number.
func gorillaOptions(base codec.GorillaOptions, value string, p gorillaPair) codec.GorillaOptions {
	o := base
	o.KeyPairs = [][]byte{p.hash, p.block}
	plain, ok := gorillaPlaintext(value, p.block)
	o.JSON = ok && json.Valid(plain)
	return o
}

// gobValue makes the maps of an unverified gob value showable (decode): a
// map[any]any whose keys are all strings becomes a map[string]any, at any
// depth. Others stay, for the serializer to refuse. Depth is bounded by
// gobscan.MaxDepth.
func gobValue(v any) any {
	switch x := v.(type) {
	case map[any]any:
		if m, ok := stringKeyed(x); ok {
			return gobValue(m)
		}
	}
	replaceElements(v, gobValue)
	return v
}

// quotedList quotes each of keys and joins them with ", ".
func quotedList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, ", ")
}

// unregisteredGobType returns the type name in gob's error for a value,
// inside an interface, of a type not registered in this process (such as
// "*model.User"), from err's text: the readers do not wrap gob's error.
func unregisteredGobType(err error) (string, bool) {
	const marker = "name not registered for interface: "
	msg := err.Error()
	i := strings.Index(msg, marker)
	if i < 0 {
		return "", false
	}
	q, err := strconv.QuotedPrefix(msg[i+len(marker):])
	if err != nil {
		return "", false
	}
	name, err := strconv.Unquote(q)
	return name, err == nil
}

// gorillaHints explains a gorilla failure of key pair used (the last one
// tried when none verified). gorilla's MAC covers the cookie name, so a
// value under another name fails: the other names are tried.
func (c *cli) gorillaHints(r *result, err error, in cliinput.Input, pairs []gorillaPair, opts []codec.GorillaOptions, used int, now time.Time) {
	var ee *codec.ExpiredError
	var fe *codec.FutureError
	switch {
	case errors.As(err, &ee):
		r.hint(hintExpiredValidSignature, "valid MAC, expired %s ago (max-age %s)", formatDuration(ee.Now.Sub(ee.At)), formatDuration(opts[used].MaxAge))
		return
	case errors.As(err, &fe):
		r.hint(hintFutureValidSignature, "valid MAC, issued %s in the future: the issuing server's clock is ahead or --now is wrong", formatDuration(fe.Ahead()))
		return
	case errors.Is(err, codec.ErrPayload):
		c.gorillaPayloadHint(r, err, in, pairs[used], opts[used], used, now)
		return
	case !errors.Is(err, codec.ErrSignature):
		return
	}
	for _, name := range candidateNames(in) {
		if name == in.Name {
			continue
		}
		for i, p := range pairs {
			for _, useJSON := range []bool{true, false} {
				o := opts[i]
				o.JSON = useJSON
				g, gerr := codec.NewGorillaMigration(o)
				if gerr != nil {
					continue
				}
				if _, _, derr := g.DecodeSession(name, in.Value, len(name)+len(in.Value)); macVerified(derr) {
					r.hint(hintNameMismatch, "the MAC matches for cookie name %q, not %q: gorilla binds the name (--name %s)", name, in.Name, name)
					if i > 0 {
						r.hint(hintFallbackKey, "it matches with %s (%s), not the primary", gorillaPairName(i), p.source)
					}
					return
				}
			}
		}
	}
	if pairs[0].source != "--hash-key-file" {
		r.hint(hintGorillaHashKey, "this is a gorilla/securecookie cookie: give the app's hash key with --hash-key-file (and --block-key-file if it encrypted); the %s key, tried as the hash key, does not verify it", pairs[0].source)
		return
	}
	if len(pairs) > 1 {
		r.hint(hintWrongKeyOrAltered, "the MAC does not verify with the hash key of any of the %d key pairs for cookie name %q (gorilla's MAC covers the name and time): another key, or an altered cookie", len(pairs), in.Name)
		return
	}
	r.hint(hintWrongKeyOrAltered, "the MAC does not verify with this hash key for cookie name %q (gorilla's MAC covers the name and time): another key, or an altered cookie", in.Name)
}

// gorillaPayloadHint explains a value whose MAC verified with key pair p
// (number used) but that does not decode.
func (c *cli) gorillaPayloadHint(r *result, err error, in cliinput.Input, p gorillaPair, o codec.GorillaOptions, used int, now time.Time) {
	if typ, ok := unregisteredGobType(err); ok {
		// gob parsed the decrypted stream up to a type name: the MAC
		// verified and the block key is right, and the timestamp, under
		// the MAC, is authentic.
		when := ""
		if ts, _, ok := gorillaParts(in.Value); ok {
			issued := time.Unix(ts, 0)
			var expires time.Time
			if o.MaxAge > 0 {
				expires = issued.Add(o.MaxAge)
				r.maxAge = o.MaxAge
			}
			r.setTimes(issued, expires, now, ts, true)
			when = fmt.Sprintf(", issued %s (%s)", timeText(issued), relative(issued, now))
			if !expires.IsZero() && !now.Before(expires) {
				when += fmt.Sprintf(", expired %s ago (max-age %s)", formatDuration(now.Sub(expires)), formatDuration(o.MaxAge))
			}
		}
		plain, _ := gorillaPlaintext(in.Value, p.block)
		if readable, opaque, ok := gobPartial(plain); ok && len(opaque) > 0 {
			// The cookie is authentic, but verify shows a payload only
			// when it is valid: name what is opaque and what is not.
			r.Opaque = opaque
			keys := slices.Sorted(maps.Keys(readable))
			others := "no other entries"
			if len(keys) > 0 {
				others = fmt.Sprintf("the other entries (%s) can be read without them", quotedList(keys))
			}
			shown := "the payload is shown only when all of it can be (--partial shows those others)"
			if c.opts.partial {
				if data, err := serializer.Marshal(readable); err == nil {
					r.setPayload(data, c.opts.redact)
					r.Partial = true
					shown = "--partial: the payload holds those, and only those"
				}
			}
			r.hint(hintGobAppType, "the MAC is valid and the keys are right (%s)%s: the entries %s hold values of the app's own types, which this tool cannot show without the app's code (gob decodes a type only in a program that registers it), and %s; %s", gorillaPairName(used), when, opaqueText(opaque), others, shown)
			return
		}
		r.hint(hintGobAppType, "the MAC is valid and the keys are right (%s)%s: the session holds a value of the app's own type %q, which this tool cannot show without the app's code (gob decodes a type only in a program that registers it)", gorillaPairName(used), when, typ)
		return
	}
	var ue *serializer.UnsupportedTypeError
	if errors.As(err, &ue) {
		// The reader decoded the value and then could not put it in the
		// value model a native cookie carries.
		r.hint(hintGorillaUnconvertible, "the MAC is valid and the keys are right (%s), but the value at %s, of type %v, has no equivalent in a native cookie: the migration reader (codec.GorillaMigration) refuses this session too", gorillaPairName(used), ue.Path, ue.Type)
		return
	}
	switch {
	case p.block == nil && used > 0:
		r.hint(hintGorillaBlockKey, "the MAC is valid with %s (%s) but the value does not decode: if the app encrypted with that pair, give its block key with --fallback-block-key-file", gorillaPairName(used), p.source)
	case p.block == nil:
		r.hint(hintGorillaBlockKey, "the MAC is valid but the value does not decode: if the app encrypted its cookies, give --block-key-file")
	case used > 0:
		r.hint(hintGorillaBlockKey, "the MAC is valid with %s (%s) but the value does not decode with its block key, or holds gob types this tool does not know", gorillaPairName(used), p.source)
	default:
		r.hint(hintGorillaBlockKey, "the MAC is valid but the value does not decode with this block key, or holds gob types this tool does not know")
	}
}

// signGorilla encodes plain JSON with gorilla/securecookie itself and its
// JSONEncoder, for migration tests and fixtures.
func (c *cli) signGorilla(r *result, jsonText []byte, ks keySet, now time.Time) (int, error) {
	pairs, err := gorillaKeys(ks)
	if err != nil {
		return 0, err
	}
	hash, block := pairs[0].hash, pairs[0].block
	var v any
	d := json.NewDecoder(bytes.NewReader(jsonText))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return 0, fmt.Errorf("the JSON to sign: %v", err)
	}
	if c.opts.set["timestamp"] || c.opts.set["now"] {
		r.hint(hintGorillaStampsNow, "gorilla/securecookie always stamps the current time: --now and --timestamp do not change the cookie")
	}
	s := securecookie.New(hash, block)
	s.SetSerializer(securecookie.JSONEncoder{})
	cookie, err := s.Encode(c.opts.name, v)
	if err != nil {
		return 0, fmt.Errorf("gorilla: %w", err)
	}
	r.Cookie = cookie
	r.Key = "primary"
	if ts, _, ok := gorillaParts(cookie); ok {
		r.setTimes(time.Unix(ts, 0), time.Time{}, time.Now(), ts, true)
	}
	data, err := serializer.Marshal(jsonNumbers(v))
	if err == nil {
		r.setPayload(data, false)
	}
	return exitOK, nil
}

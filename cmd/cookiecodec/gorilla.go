package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
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
	r.hint("the value (%d bytes) is neither JSON nor gob of basic types: it is probably encrypted with a block key (verify --hash-key-file H --block-key-file B shows it)", len(body))
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
	if m, ok := gobMap(body); ok {
		if sm, ok := stringKeyed(m); ok {
			return sm, "gob", true
		}
	}
	return nil, "", false
}

// gobMap decodes a gob map with gobscan.Decode: this value has not been
// verified, and gob sizes maps by the counts it claims (51 bytes claiming
// 2^24 entries cost 1.3 GB) and panics on a map key of a slice type.
func gobMap(body []byte) (map[any]any, bool) {
	var m map[any]any
	err := gobscan.Decode(body, &m)
	return m, err == nil
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
	case map[string]any:
		for k, e := range x {
			x[k] = jsonNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonNumbers(e)
		}
	}
	return v
}

// gorillaKeys returns the hash and block keys: --hash-key-file, or the
// primary key as the hash key; --block-key-file is optional.
func gorillaKeys(ks keySet) ([]byte, []byte, error) {
	hash := ks.hashKey
	if hash == nil && ks.hasPrimary {
		hash = ks.primary
	}
	if len(hash) == 0 {
		return nil, nil, usagef("gorilla cookies need the app's hash key: --hash-key-file (and --block-key-file if it encrypted)")
	}
	return hash, ks.blockKey, nil
}

// verifyGorilla verifies a gorilla/securecookie value with the app's keys,
// JSON first, then gob.
func (c *cli) verifyGorilla(r *result, in cliinput.Input, ks keySet, now time.Time, maxAge time.Duration) (int, error) {
	hash, block, err := gorillaKeys(ks)
	if err != nil {
		return 0, err
	}
	if !c.opts.set["max-age"] {
		maxAge = codec.DefaultGorillaMaxAge
	}
	opts := codec.GorillaOptions{KeyPairs: [][]byte{hash, block}, MaxAge: maxAge, Clock: func() time.Time { return now }}
	if c.opts.set["skew"] {
		if opts.Skew, err = parseDuration(c.opts.skew); err != nil {
			return 0, usagef("--skew %q: want SECONDS or a DURATION such as 60s", c.opts.skew)
		}
		if opts.Skew == 0 {
			opts.Skew = -1
		}
	}
	// Pick the encoding from the whole plaintext: gorilla's JSONEncoder
	// reads the first JSON value and ignores what follows, so gob bytes or
	// a ciphertext read without the block key that happen to start with a
	// digit would otherwise "decode" as a number.
	opts.JSON = false
	if plain, ok := gorillaPlaintext(in.Value, block); ok && json.Valid(plain) {
		opts.JSON = true
	}
	g, err := codec.NewGorillaMigration(opts)
	if err != nil {
		return 0, usagef("%v", err)
	}
	v, meta, err := g.DecodeSession(in.Name, in.Value, 0)
	if err == nil {
		r.notes = append(r.notes, "encoding: "+map[bool]string{true: "json", false: "gob"}[opts.JSON])
	}
	if err != nil {
		r.setError(err)
		c.gorillaHints(r, err, in, opts, block)
		return exitFailed, nil
	}
	data, err := serializer.Marshal(jsonNumbers(v))
	if err != nil {
		r.setError(fmt.Errorf("%w: %w", codec.ErrPayload, err))
		return exitFailed, nil
	}
	r.setPayload(data, c.opts.redact)
	r.Valid = boolPtr(true)
	r.Key = "primary"
	var expires time.Time
	if maxAge > 0 {
		expires = meta.Issued.Add(maxAge)
		r.maxAge = maxAge
	}
	r.setTimes(meta.Issued, expires, now, meta.Issued.Unix(), true)
	return exitOK, nil
}

// gorillaHints explains a gorilla failure. gorilla's MAC covers the cookie
// name, so a value under another name fails: the other names are tried.
func (c *cli) gorillaHints(r *result, err error, in cliinput.Input, opts codec.GorillaOptions, block []byte) {
	var ee *codec.ExpiredError
	var fe *codec.FutureError
	switch {
	case errors.As(err, &ee):
		r.hint("valid MAC, expired %s ago (max-age %s)", formatDuration(ee.Now.Sub(ee.At)), formatDuration(opts.MaxAge))
		return
	case errors.As(err, &fe):
		r.hint("valid MAC, issued %s in the future: the issuing server's clock is ahead or --now is wrong", formatDuration(fe.Ahead()))
		return
	case errors.Is(err, codec.ErrPayload):
		if block == nil {
			r.hint("the MAC is valid but the value does not decode: if the app encrypted its cookies, give --block-key-file")
		} else {
			r.hint("the MAC is valid but the value does not decode with this block key, or holds gob types this tool does not know")
		}
		return
	case !errors.Is(err, codec.ErrSignature):
		return
	}
	for _, name := range candidateNames(in) {
		if name == in.Name {
			continue
		}
		for _, useJSON := range []bool{true, false} {
			o := opts
			o.JSON = useJSON
			g, gerr := codec.NewGorillaMigration(o)
			if gerr != nil {
				continue
			}
			if _, _, derr := g.DecodeSession(name, in.Value, len(name)+len(in.Value)); macVerified(derr) {
				r.hint("the MAC matches for cookie name %q, not %q: gorilla binds the name (--name %s)", name, in.Name, name)
				return
			}
		}
	}
	r.hint("the MAC does not verify with this hash key for cookie name %q (gorilla's MAC covers the name and time): another key, or an altered cookie", in.Name)
}

// signGorilla encodes plain JSON with gorilla/securecookie itself and its
// JSONEncoder, for migration tests and fixtures.
func (c *cli) signGorilla(r *result, jsonText []byte, ks keySet, now time.Time) (int, error) {
	hash, block, err := gorillaKeys(ks)
	if err != nil {
		return 0, err
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(jsonText))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return 0, fmt.Errorf("the JSON to sign: %v", err)
	}
	if c.opts.set["timestamp"] || c.opts.set["now"] {
		r.hint("gorilla/securecookie always stamps the current time: --now and --timestamp do not change the cookie")
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

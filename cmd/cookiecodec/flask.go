package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// flaskParams returns the itsdangerous parameters the flags select.
func (c *cli) flaskParams() (codec.Params, error) {
	o := c.opts
	p := codec.Params{Salt: o.salt, Derivation: codec.Derivation(o.derivation), Digest: codec.Digest(o.digest), Separator: '.'}
	if p.Digest.Size() == 0 {
		return p, usagef("--digest %q: want sha1, sha224, sha256, sha384, sha512 or md5", o.digest)
	}
	switch p.Derivation {
	case codec.DeriveHMAC, codec.DeriveDjangoConcat, codec.DeriveConcat, codec.DeriveNone:
	default:
		return p, usagef("--key-derivation %q: want hmac, django-concat, concat or none", o.derivation)
	}
	return p, nil
}

// flaskSkew is --skew for the Flask format: 0 (Flask's own behaviour)
// unless given.
func (c *cli) flaskSkew() (time.Duration, error) {
	if !c.opts.set["skew"] {
		return 0, nil
	}
	d, err := parseDuration(c.opts.skew)
	if err != nil {
		return 0, usagef("--skew %q: want SECONDS or a DURATION such as 60s", c.opts.skew)
	}
	return d, nil
}

// digestBySigLen maps a signature segment length to the digest that
// produces it (itsdangerous: base64url of the MAC without padding).
var digestBySigLen = map[int]codec.Digest{
	22: codec.MD5, 27: codec.SHA1, 38: codec.SHA224, 43: codec.SHA256, 64: codec.SHA384, 86: codec.SHA512,
}

// flaskParts is an unverified split of a Flask cookie.
type flaskParts struct {
	payloadSeg, tsSeg, sigSeg string
	hasTS, tsOK               bool
	ts                        uint64
	compressed                bool
}

// splitFlask splits value like itsdangerous (from the right) without
// verifying anything.
func splitFlask(value string) (flaskParts, error) {
	var fp flaskParts
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return fp, fmt.Errorf("%w: no '.' separator", codec.ErrMalformed)
	}
	signed := value[:i]
	fp.sigSeg = value[i+1:]
	fp.payloadSeg = signed
	if j := strings.LastIndexByte(signed, '.'); j >= 0 {
		fp.payloadSeg, fp.tsSeg, fp.hasTS = signed[:j], signed[j+1:], true
		if b, err := lenientB64(fp.tsSeg); err == nil && len(b) <= 8 {
			for _, x := range b {
				fp.ts = fp.ts<<8 | uint64(x)
			}
			fp.tsOK = true
		}
	}
	fp.compressed = strings.HasPrefix(fp.payloadSeg, ".")
	return fp, nil
}

// flaskPayload decodes an (unverified) payload segment to its bytes.
func flaskPayload(seg string) ([]byte, error) {
	compressed := strings.HasPrefix(seg, ".")
	raw, err := lenientB64(strings.TrimPrefix(seg, "."))
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url", codec.ErrPayload)
	}
	if !compressed {
		return raw, nil
	}
	return inflate(raw)
}

// decodeFlask shows a Flask cookie without verifying it.
func (c *cli) decodeFlask(r *result, value string, now time.Time, maxAge time.Duration) int {
	if len(value) > maxVerifySize {
		r.setError(&codec.TooLargeError{What: "cookie value", Size: len(value), Limit: maxVerifySize})
		return exitFailed
	}
	if barePayload(value) {
		return c.decodeBarePayload(r, value)
	}
	fp, err := splitFlask(value)
	if err != nil {
		r.setError(err)
		return exitFailed
	}
	r.Compressed = boolPtr(fp.compressed)
	if fp.tsOK {
		issued := time.Unix(int64(min(fp.ts, 1<<40)), 0)
		var expires time.Time
		if maxAge >= 0 {
			expires = issued.Add(maxAge + time.Second)
			r.maxAge = maxAge
		}
		r.setTimes(issued, expires, now, int64(min(fp.ts, 1<<40)), true)
		if fp.ts < 1293840000/2 && fp.ts > 0 {
			r.hint(hintLegacyTimestamp, "the timestamp is small: if this cookie comes from itsdangerous < 1.0, it counts from 2011-01-01 and means %s", timeText(time.Unix(int64(fp.ts)+legacyEpoch, 0)))
		}
	} else if fp.hasTS {
		r.hint(hintBadTimestamp, "the timestamp segment %q is not a valid itsdangerous timestamp", fp.tsSeg)
	} else {
		untimedHint(r, fp.sigSeg)
	}
	if d, ok := digestBySigLen[len(fp.sigSeg)]; ok {
		r.notes = append(r.notes, "signature: "+string(d)+" HMAC by its length ("+fmt.Sprint(len(fp.sigSeg))+" characters)")
	} else {
		r.notes = append(r.notes, fmt.Sprintf("signature: %d characters, not the length of any itsdangerous digest", len(fp.sigSeg)))
	}
	return c.showFlaskPayload(r, fp.payloadSeg)
}

// showFlaskPayload shows an unverified payload segment, or why it cannot
// be shown.
func (c *cli) showFlaskPayload(r *result, seg string) int {
	data, err := flaskPayload(seg)
	if err != nil {
		r.setError(err)
		flaskPayloadHint(r, err, data, false)
		return exitFailed
	}
	r.setPayload(data, c.opts.redact)
	if r.node == nil {
		r.setError(payloadError(data))
		flaskPayloadHint(r, payloadError(data), data, false)
		return exitFailed
	}
	if _, err := serializer.Unmarshal(data); err != nil {
		// Shown, but refused by the serializer (an integer over 4300
		// digits): verify fails on it, and Flask may too.
		r.hint(hintPayloadRefused, "verify fails on this payload whatever the key, as the cookiecodec library refuses it: %s", userText(err.Error()))
		flaskPayloadHint(r, err, data, false)
	}
	notSessionHint(r, data)
	return exitOK
}

// decodeBarePayload shows a lone payload segment (see barePayload):
// there is no timestamp to show and no signature to check.
func (c *cli) decodeBarePayload(r *result, seg string) int {
	r.Compressed = boolPtr(strings.HasPrefix(seg, "."))
	r.notes = append(r.notes, "signature: none (only the payload segment was given)")
	r.hint(hintBarePayload, "%s", barePayloadText)
	return c.showFlaskPayload(r, seg)
}

// barePayloadText explains a lone payload segment.
const barePayloadText = "this is only the payload segment of a Flask cookie, without the timestamp and signature that follow it after '.': decode can show it, but nothing here can be verified; give the whole cookie (payload.timestamp.signature) to verify or audit it"

// payloadError says why a payload that the display parser refused cannot
// be shown: the serializer's reason (too deep, not JSON, ...), which has
// the same limits, or plainly that it is not JSON.
func payloadError(data []byte) error {
	if _, err := serializer.Unmarshal(data); err != nil {
		return fmt.Errorf("%w: %w", codec.ErrPayload, err)
	}
	return fmt.Errorf("%w: payload is not JSON", codec.ErrPayload)
}

// untimedHint explains a Flask-looking cookie without a timestamp
// segment, whose last segment is sig: a signature of a digest's length
// means an untimed serializer made it; anything else, a cut cookie (a
// timestamp's length: the signature is gone).
func untimedHint(r *result, sig string) {
	if _, ok := digestBySigLen[len(sig)]; ok {
		r.hint(hintUntimed, "%s", untimedText)
		return
	}
	if b, err := lenientB64(sig); err == nil && len(b) <= 8 && len(sig) <= 11 {
		var ts uint64
		for _, x := range b {
			ts = ts<<8 | uint64(x)
		}
		r.hint(hintTruncated, "the cookie looks truncated: its last segment %q reads as a timestamp (%s), not a signature, so the signature was cut off; copy the whole cookie", sig, timeText(time.Unix(int64(min(ts, 1<<40)), 0)))
		return
	}
	r.hint(hintTruncated, "the cookie looks truncated or altered: there is no timestamp segment, and the last segment, %d characters long, is not the length of any itsdangerous signature", len(sig))
}

// untimedText says what a validly spelled cookie without a timestamp is.
const untimedText = "no timestamp segment: an untimed itsdangerous serializer made this (URLSafeSerializer, or a plain Signer), not Flask's timed session serializer, and Flask would not open it as a session; verify checks timed cookies only and refuses it (\"timestamp missing\") whatever the key"

// maxVerifySize bounds the Flask cookies verify and decode read: 64 KiB.
const maxVerifySize = 64 << 10

// legacyEpoch is itsdangerous < 1.0's epoch, 2011-01-01T00:00:00Z.
const legacyEpoch = 1293840000

// verifyFlask verifies a Flask cookie with the keys and explains a failure.
func (c *cli) verifyFlask(r *result, value string, ks keySet, now time.Time, maxAge time.Duration) (int, error) {
	p, err := c.flaskParams()
	if err != nil {
		return 0, err
	}
	skew, err := c.flaskSkew()
	if err != nil {
		return 0, err
	}
	if !ks.hasPrimary {
		return 0, usagef("verify needs a key: --key-file, --key-env or --secret")
	}
	signer, err := codec.NewSigner(p, ks.primary, ks.fallbacks...)
	if err != nil {
		return 0, usagef("%v", err)
	}
	if maxAge >= 0 {
		r.maxAge = maxAge
	}
	// Flask itself reads cookies of any size (Werkzeug only warns above
	// 4093 bytes of header); the tool reads up to maxVerifySize so that it
	// can explain oversized cookies, which browsers drop.
	limits := codec.PayloadLimits{MaxSize: maxVerifySize}
	if len(value) > maxVerifySize {
		r.setError(&codec.TooLargeError{What: "cookie value", Size: len(value), Limit: maxVerifySize})
		return exitFailed, nil
	}
	if len(value) > codec.DefaultMaxCookieSize {
		r.hint(hintCookieTooLarge, "the cookie value is %d bytes: browsers drop cookies whose name and value exceed 4096 bytes, silently", len(value))
	}
	data, compressed, u, err := signer.UnsignPayload(value, limits)
	signatureOK := err == nil || errors.Is(err, codec.ErrPayload) || errors.Is(err, codec.ErrTooLarge)
	if !signatureOK {
		r.setError(err)
		if barePayload(value) {
			r.hint(hintBarePayload, "%s", barePayloadText)
		} else if errors.Is(err, codec.ErrSignature) {
			flaskSignatureHints(r, value, p, ks, now, maxAge)
		} else if errors.Is(err, codec.ErrMalformed) && strings.Contains(err.Error(), "timestamp missing") {
			r.hint(hintUntimed, "the signature is valid, but the cookie has no timestamp: an untimed itsdangerous serializer made it (URLSafeSerializer, or a plain Signer), not Flask's timed session serializer, and Flask would not open it as a session; verify checks timed cookies only, and decode shows what it holds")
		}
		return exitFailed, nil
	}
	payloadErr := err
	r.Key = keyLabel(u.KeyIndex)
	r.Compressed = boolPtr(compressed || strings.HasPrefix(u.Value, "."))
	issued := u.Issued()
	var expires time.Time
	if maxAge >= 0 {
		expires = time.Unix(int64(min(u.Timestamp, 1<<40))+int64(maxAge/time.Second)+1, 0)
	}
	r.setTimes(issued, expires, now, int64(min(u.Timestamp, 1<<40)), true)
	if u.KeyIndex > 0 {
		r.hint(hintFallbackKey, "verified with fallback key %d (%s), not the primary: an app re-issues it under the primary key. If the app issued it just now, the app signs with what you gave as a fallback: the keys may be swapped (or it runs Flask 3.1.0, which signed with the last fallback, GHSA-4grg-w6v8-c28g)", u.KeyIndex, ks.fallbackSources[u.KeyIndex-1])
	}
	if err := codec.CheckAge(u.Timestamp, now, maxAge, skew); err != nil {
		r.setError(err)
		ageHints(r, err, u.Timestamp, now, maxAge)
		return exitFailed, nil
	}
	if payloadErr != nil {
		r.setError(payloadErr)
		flaskPayloadHint(r, payloadErr, data, true)
		return exitFailed, nil
	}
	if _, err := serializer.Unmarshal(data); err != nil {
		r.setError(fmt.Errorf("%w: %w", codec.ErrPayload, err))
		flaskPayloadHint(r, err, data, true)
		return exitFailed, nil
	}
	r.setPayload(data, c.opts.redact)
	r.Valid = boolPtr(true)
	if p.Salt == flaskSessionSalt {
		notSessionHint(r, data)
	}
	return exitOK, nil
}

// flaskSessionSalt is the salt of Flask's session interface: with it, a
// cookie is a Flask session, whose payload must be a dict.
const flaskSessionSalt = "cookie-session"

// notSessionHint warns when a Flask session payload (valid tagged JSON)
// is not a dict: Flask's session class calls dict() on it, which gives an
// empty session for a falsy value and raises, answered with HTTP 500, for
// most others.
func notSessionHint(r *result, data []byte) {
	if n, err := parseJSON(data); err != nil || n.kind == 'o' {
		return
	}
	readable, ferr := flaskSession(data)
	switch {
	case !readable:
	case ferr != nil:
		r.hint(hintPayloadNotDict, "the payload is not a dict: Flask answers such a session cookie with HTTP 500 (%s); other itsdangerous serializers, with another --salt, can hold any JSON value", ferr)
	default:
		r.hint(hintPayloadNotDict, "the payload is not a dict: Flask's session class calls dict() on it, which does not raise here, so Flask opens the session dict(value) (empty for a false value)")
	}
}

// ageHints explains an expired or future cookie whose signature is valid.
func ageHints(r *result, err error, ts uint64, now time.Time, maxAge time.Duration) {
	var ee *codec.ExpiredError
	var fe *codec.FutureError
	switch {
	case errors.As(err, &ee):
		r.hint(hintExpiredValidSignature, "valid signature, expired %s ago (max-age %s)", formatDuration(ee.Now.Sub(ee.At)+time.Second), formatDuration(maxAge))
		if legacy := int64(ts) + legacyEpoch; ts < legacyEpoch && legacy <= now.Unix() {
			age := time.Duration(now.Unix()-legacy) * time.Second
			verdict := "which is within max-age"
			if age > maxAge {
				verdict = "still older than max-age"
			}
			r.hint(hintLegacyTimestamp, "if this cookie comes from itsdangerous < 1.0 (Flask <= 1.0), its timestamp counts from 2011-01-01: it was issued %s (%s ago), %s; verify reads timestamps from 1970 only, and --max-age none checks the signature without the age", timeText(time.Unix(legacy, 0)), formatDuration(age), verdict)
		}
	case errors.As(err, &fe):
		r.hint(hintFutureValidSignature, "valid signature, issued %s in the future (now %s): the signing server's clock is ahead or --now is wrong; Flask allows no skew, --skew DURATION allows some", formatDuration(fe.Ahead()), timeText(fe.Now))
	}
}

// sessionIsDict refuses tagged JSON whose top level is not a dict (an
// object that is not a tag, or Flask's " di" escape of one): Flask's
// session interface, whose salt is the default, calls dict() on what it
// loads and answers most other values with HTTP 500 (and a false one,
// such as [] or null, with an empty session). A non-default --salt signs
// any value, for itsdangerous serializers other than the session's.
func sessionIsDict(data []byte) error {
	n, err := parseJSON(data)
	if err != nil {
		return nil // the signer reports it
	}
	if tag, _ := tagOf(n); n.kind == 'o' && (tag == "" || tag == " di") {
		return nil
	}
	return fmt.Errorf("the session to sign is %s, not a dict: Flask's session interface calls dict() on what it loads and answers HTTP 500 when that raises, as it does for most other values (an empty or false one gives an empty session); sign a dict such as {\"items\": [1, 2]}, or give --salt for another itsdangerous serializer, which takes any JSON value", jsonKindName(n))
}

// jsonKindName names the type of a tagged JSON value for a message.
func jsonKindName(n *jnode) string {
	if tag, _ := tagOf(n); tag != "" {
		return "a " + tagTypeName(tag)
	}
	switch n.kind {
	case 'a':
		return "a list"
	case 's':
		return "a string"
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	case 'z':
		return "null"
	}
	return "a dict"
}

// signFlask signs tagged JSON as Flask would.
func (c *cli) signFlask(r *result, jsonText []byte, ks keySet, now time.Time, maxAge time.Duration) (int, error) {
	p, err := c.flaskParams()
	if err != nil {
		return 0, err
	}
	if !ks.hasPrimary {
		return 0, usagef("sign needs a key: --key-file, --key-env or --secret")
	}
	if _, ok := pythonKey(ks.primary); ok {
		c.warnf("the key (%s) reads as a Python literal, as in a Flask config (SECRET_KEY = b'...'), and is used as its exact bytes, quotes included; Flask signs with the literal's value (%s)", ks.primarySource, pythonKeyAdvice)
	} else if bytes.HasSuffix(ks.primary, []byte("\n")) {
		c.warnf("the key (%s) ends with a newline, which is part of the key, as a key is used as its exact bytes: an app whose SECRET_KEY is the text without it rejects this cookie; write a key file with printf '%%s' (echo adds the newline)", ks.primarySource)
	}
	var comp codec.Compression
	switch c.opts.compress {
	case "auto":
		comp = codec.CompressWhenSmaller()
	case "always":
		comp = codec.CompressAlways()
	case "never":
		comp = codec.CompressNever()
	default:
		return 0, usagef("--compress %q: want auto, always or never", c.opts.compress)
	}
	issued := now
	if c.opts.set["timestamp"] {
		t, err := parseNow(c.opts.timestamp)
		if err != nil {
			return 0, usagef("--timestamp %q: want Unix seconds", c.opts.timestamp)
		}
		issued = t
		timestampWarnings(c, issued, now, maxAge)
	}
	v, err := serializer.Unmarshal(jsonText)
	if err != nil {
		return 0, fmt.Errorf("the JSON to sign: %w", err)
	}
	data, err := serializer.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("the JSON to sign: %w", err)
	}
	if p.Salt == flaskSessionSalt {
		if err := sessionIsDict(data); err != nil {
			return 0, err
		}
	}
	signer, err := codec.NewSigner(p, ks.primary)
	if err != nil {
		return 0, usagef("%v", err)
	}
	cookie, err := signer.SignPayload(data, issued, comp)
	if err != nil {
		return 0, err
	}
	r.Cookie = cookie
	r.Key = "primary"
	r.Compressed = boolPtr(strings.HasPrefix(cookie, "."))
	ts := issued.Unix()
	var expires time.Time
	if maxAge >= 0 {
		expires = time.Unix(ts+int64(maxAge/time.Second)+1, 0)
		r.maxAge = maxAge
	}
	r.setTimes(time.Unix(ts, 0), expires, now, ts, true)
	r.setPayload(data, false)
	if len(cookie) > codec.DefaultMaxCookieSize-len(c.opts.name)-1 {
		r.hint(hintCookieTooLarge, "the cookie is %d bytes: with its name it exceeds the 4096 bytes browsers keep, and they would drop it silently", len(cookie))
	}
	if *r.Compressed && c.opts.compress == "auto" {
		r.hint(hintGoZlib, "compressed with Go's zlib: Flask reads it, but the bytes differ from Python's zlib output")
	}
	return exitOK, nil
}

// timestampWarnings warns when a --timestamp makes a cookie that Flask,
// at now and with maxAge (codec.NoMaxAge: none), refuses: one issued in
// the future, or one from before 2011, long expired, unless the app runs
// itsdangerous < 1.0, whose timestamps count from 2011-01-01 (the hint
// says what the timestamp means there). A later timestamp past max-age is
// not warned about: reproducible examples sign at a fixed past time.
func timestampWarnings(c *cli, issued, now time.Time, maxAge time.Duration) {
	ts := issued.Unix()
	switch {
	case ts > now.Unix():
		c.warnf("--timestamp is %s in the future (now %s): Flask refuses a cookie issued in the future (\"Signature age ... < 0\") until then", formatDuration(time.Duration(ts-now.Unix())*time.Second), timeText(now))
	case ts < legacyEpoch && maxAge >= 0 && now.Unix()-ts > int64(maxAge/time.Second):
		legacy := timeText(time.Unix(ts+legacyEpoch, 0))
		switch age := now.Unix() - (ts + legacyEpoch); {
		case age < 0:
			legacy += ", in the future"
		case age > int64(maxAge/time.Second):
			legacy += ", also past max-age"
		default:
			legacy += ", within max-age"
		}
		c.warnf("--timestamp %d is %s: the cookie expired long ago under max-age %s, and Flask refuses it; for an app on itsdangerous < 1.0, whose timestamps count from 2011-01-01, it means %s", ts, timeText(issued), formatDuration(maxAge), legacy)
	case maxAge >= 0 && now.Unix()-ts > int64(maxAge/time.Second):
		c.warnf("--timestamp %d is %s, more than max-age %s ago (now %s): the cookie is already expired, and an app with that max-age refuses it; leave out --timestamp for a fresh cookie, or give the app's --max-age", ts, timeText(issued), formatDuration(maxAge), timeText(now))
	}
}

package codec

import (
	"crypto/hmac"
	"fmt"
	"hash"
	"math"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// Signer is itsdangerous' TimestampSigner: it appends a timestamp and an
// HMAC to a value and verifies both. One primary key signs; fallback keys
// only verify, and [Unsigned.KeyIndex] says which key matched. All keys
// share the [Params]. The derived keys are computed once, in [NewSigner].
//
// A Signer is safe for concurrent use. Callers bound the input length before
// calling [Signer.Unsign]; [Flask] does so with its MaxCookieSize.
type Signer struct {
	p    Params
	keys []*macKey // keys[0] is the primary
}

// macKey is one derived key with a pool of keyed HMAC states, so that
// signing and verifying allocate nothing.
type macKey struct {
	derived []byte
	pool    sync.Pool // of *macState
}

type macState struct {
	h   hash.Hash
	sum [64]byte
}

func newMacKey(p Params, secret []byte) *macKey {
	k := &macKey{derived: p.deriveKey(secret)}
	newHash := p.Digest.newHash()
	k.pool.New = func() any { return &macState{h: hmac.New(newHash, k.derived)} }
	return k
}

// appendMAC appends HMAC(derived, msg) to dst.
func (k *macKey) appendMAC(dst []byte, msg string) []byte {
	st := k.pool.Get().(*macState)
	st.h.Reset()
	st.h.Write(unsafe.Slice(unsafe.StringData(msg), len(msg))) // hash.Hash does not retain or modify its input
	dst = append(dst, st.h.Sum(st.sum[:0])...)
	k.pool.Put(st)
	return dst
}

// NewSigner returns a Signer for p that signs with secret and also accepts
// signatures made with any of fallbacks. A string secret is used as its
// UTF-8 bytes, as itsdangerous does. Unlike Flask, an empty secret is
// allowed here (itsdangerous allows it); [NewFlask] refuses it.
func NewSigner(p Params, secret []byte, fallbacks ...[]byte) (*Signer, error) {
	p, err := p.normalize()
	if err != nil {
		return nil, err
	}
	s := &Signer{p: p, keys: make([]*macKey, 0, 1+len(fallbacks))}
	s.keys = append(s.keys, newMacKey(p, secret))
	for _, f := range fallbacks {
		s.keys = append(s.keys, newMacKey(p, f))
	}
	return s, nil
}

// Params returns the signer's parameters with defaults filled in.
func (s *Signer) Params() Params { return s.p }

// DerivedKey returns a copy of the derived HMAC key of key i (0 = primary,
// i = i-th fallback).
func (s *Signer) DerivedKey(i int) []byte { return append([]byte(nil), s.keys[i].derived...) }

// Sign returns value + sep + timestamp + sep + signature, signed with the
// primary key at time issued (whole Unix seconds, truncated). Times before
// 1970 cannot be encoded and return an error wrapping [ErrMalformed].
func (s *Signer) Sign(value string, issued time.Time) (string, error) {
	ts, err := timestampOf(issued)
	if err != nil {
		return "", err
	}
	buf := make([]byte, 0, s.signedLen(len(value)))
	buf = append(buf, value...)
	return string(s.appendSignature(buf, 0, ts)), nil
}

func timestampOf(t time.Time) (uint64, error) {
	sec := t.Unix()
	if sec < 0 {
		return 0, fmt.Errorf("%w: time %v is before 1970 and has no itsdangerous timestamp", ErrMalformed, t)
	}
	return uint64(sec), nil
}

// signedLen is an upper bound of the signed length of an n-byte value.
func (s *Signer) signedLen(n int) int {
	return n + 2 + maxTimestampChars + b64.EncodedLen(s.p.Digest.Size())
}

// appendSignature treats dst[start:] as the value, appends the separator,
// the timestamp, the separator and the signature of everything from start.
func (s *Signer) appendSignature(dst []byte, start int, ts uint64) []byte {
	dst = append(dst, s.p.Separator)
	dst = appendTimestamp(dst, ts)
	var mac [64]byte
	m := s.keys[0].appendMAC(mac[:0], unsafe.String(unsafe.SliceData(dst[start:]), len(dst)-start))
	dst = append(dst, s.p.Separator)
	return envelope.AppendEncode(dst, m)
}

// Unsigned is a verified signed value.
type Unsigned struct {
	// Value is what was signed, without timestamp and signature. For a
	// URL-safe serializer it is the payload segment, including the leading
	// '.' of a compressed payload.
	Value string
	// Timestamp is the signing time in Unix seconds, as written (it may lie
	// in the future or be 0).
	Timestamp uint64
	// KeyIndex is 0 when the primary key verified the value and i when the
	// i-th fallback (1-based, in the order given to [NewSigner]) did.
	KeyIndex int
}

// Issued returns the timestamp as a time (clamped to the largest int64 second).
func (u Unsigned) Issued() time.Time { return unixTime(u.Timestamp) }

func unixTime(ts uint64) time.Time {
	if ts > math.MaxInt64 {
		ts = math.MaxInt64
	}
	return time.Unix(int64(ts), 0)
}

// Unsign verifies signed (value.timestamp.signature) and returns the value,
// timestamp and matching key. It checks nothing about time; see
// [CheckAge]. Errors, in itsdangerous' order:
//
//   - no separator at all: [ErrMalformed] (itsdangerous: BadSignature)
//   - no key verifies the signature, or the signature segment is not the
//     canonical base64url of a MAC: [ErrSignature]
//     (BadSignature / BadTimeSignature)
//   - signature valid but no timestamp segment, or a timestamp that is not
//     base64url of at most 8 bytes: [ErrMalformed] (BadTimeSignature)
//
// The MAC comparison is constant-time.
func (s *Signer) Unsign(signed string) (Unsigned, error) {
	sep := s.p.Separator
	i := strings.LastIndexByte(signed, sep)
	if i < 0 {
		return Unsigned{}, fmt.Errorf("%w: no %q separator", ErrMalformed, sep)
	}
	value, sigSeg := signed[:i], signed[i+1:]
	keyIndex := -1
	var buf [64]byte
	if sig, ok := decodeMAC(buf[:0], sigSeg, s.p.Digest.Size()); ok {
		keyIndex = s.match(value, sig)
	}
	j := strings.LastIndexByte(value, sep)
	if keyIndex < 0 {
		return Unsigned{}, ErrSignature
	}
	if j < 0 {
		return Unsigned{}, fmt.Errorf("%w: timestamp missing", ErrMalformed)
	}
	ts, ok := parseTimestamp(value[j+1:])
	if !ok {
		return Unsigned{}, fmt.Errorf("%w: malformed timestamp", ErrMalformed)
	}
	return Unsigned{Value: value[:j], Timestamp: ts, KeyIndex: keyIndex}, nil
}

// decodeMAC decodes a signature segment that must be canonical base64url
// of exactly size bytes.
func decodeMAC(dst []byte, seg string, size int) ([]byte, bool) {
	if len(seg) != b64.EncodedLen(size) {
		return nil, false
	}
	return appendB64Decode(dst, seg)
}

// match returns the index of the first key whose MAC of value equals sig,
// or -1.
func (s *Signer) match(value string, sig []byte) int {
	var buf [64]byte
	for i, k := range s.keys {
		if hmac.Equal(k.appendMAC(buf[:0], value), sig) {
			return i
		}
	}
	return -1
}

// NoMaxAge disables the age check of [CheckAge] and [FlaskOptions].MaxAge,
// like itsdangerous' max_age=None. Future timestamps are then accepted too,
// as in itsdangerous.
const NoMaxAge time.Duration = -1

// CheckAge applies itsdangerous' max_age rule to a verified timestamp ts at
// time now: age = now - ts in whole seconds (both truncated); age > maxAge
// is expired ([*ExpiredError]); age == maxAge still passes; a timestamp
// more than skew after now is in the future ([*FutureError]; itsdangerous
// has no skew, so Flask parity is skew 0). maxAge and skew are truncated to
// whole seconds. A negative maxAge ([NoMaxAge]) disables both checks.
func CheckAge(ts uint64, now time.Time, maxAge, skew time.Duration) error {
	if maxAge < 0 {
		return nil
	}
	n := now.Unix()
	maxSec := int64(maxAge / time.Second)
	skewSec := int64(skew / time.Second)
	if skewSec < 0 {
		skewSec = 0
	}
	if n < 0 || ts > uint64(n)+uint64(skewSec) {
		return &FutureError{At: unixTime(ts), Now: now, Skew: time.Duration(skewSec) * time.Second}
	}
	if ts > uint64(n) { // within the skew allowance: age counts as 0
		return nil
	}
	if age := uint64(n) - ts; age > uint64(maxSec) {
		// The last valid second is ts+maxAge; the cookie is refused from
		// the next one on.
		return &ExpiredError{Reason: "max-age", At: unixTime(ts + uint64(maxSec) + 1), Now: now}
	}
	return nil
}

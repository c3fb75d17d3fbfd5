package codec

import (
	"crypto/subtle"
	"fmt"
	"hash"
	"strings"
)

// Parsed is a signed value split into its parts once, so that many
// candidate keys can be tried against it (see [Checker]). Parsing checks
// structure only; nothing here is authenticated.
type Parsed struct {
	// SignedText is the text the MAC covers: payload segment, separator,
	// timestamp segment (or only the value for a cookie without timestamp).
	SignedText string
	// Payload is the payload segment, with the leading '.' of a compressed
	// payload; Compressed reports that dot.
	Payload    string
	Compressed bool
	// TimestampSegment is the raw timestamp text; HasTimestamp is false
	// when SignedText contains no separator (a plain itsdangerous Signer).
	TimestampSegment string
	HasTimestamp     bool
	// Timestamp is the decoded timestamp; TimestampOK is false when the
	// segment is not base64url of at most 8 bytes.
	Timestamp   uint64
	TimestampOK bool
	// MAC is the decoded signature.
	MAC []byte
}

// ParseSigned splits signed with p's separator and decodes the signature,
// which must be canonical base64url of exactly p.Digest.Size() bytes.
// Errors wrap [ErrMalformed] (no separator) or [ErrSignature] (a
// signature no key could produce).
func ParseSigned(signed string, p Params) (*Parsed, error) {
	p, err := p.normalize()
	if err != nil {
		return nil, err
	}
	i := strings.LastIndexByte(signed, p.Separator)
	if i < 0 {
		return nil, fmt.Errorf("%w: no %q separator", ErrMalformed, p.Separator)
	}
	size := p.Digest.Size()
	mac, ok := decodeMAC(make([]byte, 0, size), signed[i+1:], size)
	if !ok {
		return nil, fmt.Errorf("%w: signature is not %d bytes of canonical base64url (%s)", ErrSignature, size, p.Digest)
	}
	ps := &Parsed{SignedText: signed[:i], MAC: mac}
	ps.Payload = ps.SignedText
	if j := strings.LastIndexByte(ps.SignedText, p.Separator); j >= 0 {
		ps.Payload, ps.TimestampSegment, ps.HasTimestamp = ps.SignedText[:j], ps.SignedText[j+1:], true
		ps.Timestamp, ps.TimestampOK = parseTimestamp(ps.TimestampSegment)
	}
	ps.Compressed = strings.HasPrefix(ps.Payload, ".")
	return ps, nil
}

// Checker tests candidate secret keys against one parsed cookie under fixed
// [Params], reusing its hash states: a check costs two HMACs (or one HMAC
// and one hash) and allocates nothing. It is the primitive for auditing
// weak secrets. A Checker is not safe for concurrent use; make one per
// goroutine.
type Checker struct {
	p          Params
	target     *Parsed
	mac        rawHMAC
	plain      hash.Hash
	derived    []byte
	sum        []byte
	saltBytes  []byte
	signedText []byte
}

// NewChecker returns a Checker for target under p.
func NewChecker(p Params, target *Parsed) (*Checker, error) {
	p, err := p.normalize()
	if err != nil {
		return nil, err
	}
	newHash := p.Digest.newHash()
	return &Checker{
		p:          p,
		target:     target,
		mac:        newRawHMAC(newHash),
		plain:      newHash(),
		saltBytes:  []byte(p.Salt),
		signedText: []byte(target.SignedText),
	}, nil
}

// Check reports whether secret signed the target cookie. The comparison is
// constant-time.
func (c *Checker) Check(secret []byte) bool {
	switch c.p.Derivation {
	case DeriveHMAC:
		c.derived = c.mac.sum(c.derived[:0], secret, c.saltBytes)
	case DeriveDjangoConcat:
		c.plain.Reset()
		c.plain.Write(c.saltBytes)
		c.plain.Write([]byte("signer"))
		c.plain.Write(secret)
		c.derived = c.plain.Sum(c.derived[:0])
	case DeriveConcat:
		c.plain.Reset()
		c.plain.Write(c.saltBytes)
		c.plain.Write(secret)
		c.derived = c.plain.Sum(c.derived[:0])
	default: // DeriveNone
		c.derived = append(c.derived[:0], secret...)
	}
	c.sum = c.mac.sum(c.sum[:0], c.derived, c.signedText)
	return subtle.ConstantTimeCompare(c.sum, c.target.MAC) == 1
}

// rawHMAC is RFC 2104 HMAC over reusable hash states, so that a new key
// costs no allocation (crypto/hmac binds one key per instance).
type rawHMAC struct {
	inner, outer hash.Hash
	pad          []byte
	keySum       []byte
	innerSum     []byte
}

func newRawHMAC(newHash func() hash.Hash) rawHMAC {
	in := newHash()
	return rawHMAC{inner: in, outer: newHash(), pad: make([]byte, in.BlockSize())}
}

// sum appends HMAC(key, msg) to dst.
func (m *rawHMAC) sum(dst, key, msg []byte) []byte {
	if len(key) > len(m.pad) {
		m.inner.Reset()
		m.inner.Write(key)
		m.keySum = m.inner.Sum(m.keySum[:0])
		key = m.keySum
	}
	for i := range m.pad {
		var b byte
		if i < len(key) {
			b = key[i]
		}
		m.pad[i] = b ^ 0x36
	}
	m.inner.Reset()
	m.inner.Write(m.pad)
	m.inner.Write(msg)
	m.innerSum = m.inner.Sum(m.innerSum[:0])
	for i := range m.pad {
		m.pad[i] ^= 0x36 ^ 0x5c
	}
	m.outer.Reset()
	m.outer.Write(m.pad)
	m.outer.Write(m.innerSum)
	return m.outer.Sum(dst)
}

// DecodePayload returns the payload's serialized bytes without verifying
// anything: base64url-decoded, and inflated (up to maxDecompressed bytes;
// 0 means [DefaultMaxDecompressed]) when compressed. Anyone can read a
// Flask cookie this way; it is for inspection tools, never for trusting
// the content. Errors wrap [ErrPayload] or [ErrTooLarge].
func (p *Parsed) DecodePayload(maxDecompressed int) ([]byte, error) {
	if maxDecompressed <= 0 {
		maxDecompressed = DefaultMaxDecompressed
	}
	data, _, err := decodePayloadSegment(nil, p.Payload, maxDecompressed)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// DigestOf returns the digest whose MAC length matches the signature
// segment of signed (the text after the last sep; 0 means '.'), and false
// when none does. The six digests have six different signature lengths
// (md5 22, sha1 27, sha224 38, sha256 43, sha384 64, sha512 86 characters),
// so a tool can tell which one to try without the key.
func DigestOf(signed string, sep byte) (Digest, bool) {
	if sep == 0 {
		sep = '.'
	}
	i := strings.LastIndexByte(signed, sep)
	if i < 0 {
		return "", false
	}
	n := len(signed) - i - 1
	for _, d := range []Digest{SHA1, SHA224, SHA256, SHA384, SHA512, MD5} {
		if b64.EncodedLen(d.Size()) == n {
			return d, true
		}
	}
	return "", false
}

package codec

import (
	"fmt"
	"sync"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// bufPool recycles the scratch buffers of encoding and decoding (serialized
// text, zlib output, base64-decoded payload), so that steady-state signing
// and verifying allocate only their result.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

// putBuf returns b to the pool unless it grew too large to keep.
func putBuf(b *[]byte) {
	if cap(*b) > 64<<10 {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// SignPayload is itsdangerous' URLSafeTimedSerializer.dumps below the
// serializer: it compresses data according to c (the zero value means
// never here), writes it as base64url with a leading '.' when compressed,
// and signs the result with the primary key at time issued.
func (s *Signer) SignPayload(data []byte, issued time.Time, c Compression) (string, error) {
	ts, err := timestampOf(issued)
	if err != nil {
		return "", err
	}
	out := getBuf()
	defer putBuf(out)
	*out = s.appendSignedPayload((*out)[:0], data, ts, c)
	return string(*out), nil
}

// appendSignedPayload appends the signed cookie for data to dst.
func (s *Signer) appendSignedPayload(dst, data []byte, ts uint64, c Compression) []byte {
	z := getBuf()
	defer putBuf(z)
	body, compressed := c.apply(flaskDeflater, *z, data)
	if compressed {
		*z = body
	}
	start := len(dst)
	dst = grow(dst, s.signedLen(1+b64.EncodedLen(len(body))))
	if compressed {
		dst = append(dst, '.')
	}
	dst = envelope.AppendEncode(dst, body)
	return s.appendSignature(dst, start, ts)
}

// PayloadLimits bound what [Signer.UnsignPayload] accepts.
type PayloadLimits struct {
	// MaxSize bounds len(signed), checked before any base64 or crypto work.
	// Zero means 4096 ([DefaultMaxCookieSize]); negative means no limit.
	MaxSize int
	// MaxDecompressed bounds the inflated size of a compressed payload.
	// Zero means [DefaultMaxDecompressed] (64 KiB).
	MaxDecompressed int
}

// DefaultMaxCookieSize is the default limit on a cookie value: 4096 bytes,
// the most any browser stores for name and value together.
const DefaultMaxCookieSize = 4096

func (l PayloadLimits) maxSize() int {
	if l.MaxSize == 0 {
		return DefaultMaxCookieSize
	}
	return l.MaxSize
}

func (l PayloadLimits) maxDecompressed() int {
	if l.MaxDecompressed <= 0 {
		return DefaultMaxDecompressed
	}
	return l.MaxDecompressed
}

// UnsignPayload is itsdangerous' URLSafeTimedSerializer.loads below the
// serializer, without the age check (apply [CheckAge] to the returned
// timestamp): it checks the length, verifies the signature with
// [Signer.Unsign], then base64url-decodes the payload and inflates it when
// it starts with '.'. It returns the serialized bytes (a new slice),
// whether they were compressed, and the verification result.
//
// Errors: [*TooLargeError] for a too-long input or an inflated payload over
// the limit (checked as it inflates), the errors of [Signer.Unsign], and
// [ErrPayload] when the verified payload is not base64url or not a zlib
// stream (itsdangerous: BadPayload).
func (s *Signer) UnsignPayload(signed string, l PayloadLimits) ([]byte, bool, Unsigned, error) {
	buf := getBuf()
	defer putBuf(buf)
	data, compressed, u, err := s.unsignPayload((*buf)[:0], signed, l)
	if err != nil {
		return nil, false, u, err
	}
	*buf = data
	return append([]byte(nil), data...), compressed, u, nil
}

// unsignPayload appends the decoded payload of signed to dst.
func (s *Signer) unsignPayload(dst []byte, signed string, l PayloadLimits) ([]byte, bool, Unsigned, error) {
	if max := l.maxSize(); max > 0 && len(signed) > max {
		return dst, false, Unsigned{}, &TooLargeError{What: "cookie value", Size: len(signed), Limit: max}
	}
	u, err := s.Unsign(signed)
	if err != nil {
		return dst, false, u, err
	}
	data, compressed, err := decodePayloadSegment(dst, u.Value, l.maxDecompressed())
	return data, compressed, u, err
}

// decodePayloadSegment decodes a verified payload segment: base64url, and
// zlib when it starts with '.'. Python's zlib.decompress ignores bytes after
// the end of the stream, so this does too.
func decodePayloadSegment(dst []byte, seg string, maxDecompressed int) ([]byte, bool, error) {
	compressed := len(seg) > 0 && seg[0] == '.'
	if !compressed {
		out, ok := appendB64Decode(dst, seg)
		if !ok {
			return dst, false, fmt.Errorf("%w: payload is not base64url", ErrPayload)
		}
		return out, false, nil
	}
	z := getBuf()
	defer putBuf(z)
	raw, ok := appendB64Decode((*z)[:0], seg[1:])
	if !ok {
		return dst, true, fmt.Errorf("%w: payload is not base64url", ErrPayload)
	}
	*z = raw
	out, err := zlibDecompress(dst, raw, maxDecompressed, true)
	return out, true, err
}

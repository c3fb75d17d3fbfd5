package codec

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sync"
)

// DefaultMaxDecompressed is the default limit on the size of a decompressed
// payload: 64 KiB. A cookie is at most a few KiB, so a payload that inflates
// past this is a zlib bomb, not a session.
const DefaultMaxDecompressed = 64 << 10

// Compression is a policy that decides whether a payload is zlib-compressed
// before it is signed or sealed. The zero value means "the codec's default":
// Flask's rule for the Flask codec, never for the native codec in an AEAD mode.
type Compression struct {
	kind  compressionKind
	above int
}

type compressionKind uint8

const (
	compressDefault compressionKind = iota
	compressNever
	compressWhenSmaller
	compressAbove
	compressAlways
)

// CompressNever never compresses.
func CompressNever() Compression { return Compression{kind: compressNever} }

// CompressWhenSmaller is Flask's rule (itsdangerous URLSafeSerializer):
// compress, and keep the result only if it is at least 2 bytes shorter than
// the uncompressed payload.
func CompressWhenSmaller() Compression { return Compression{kind: compressWhenSmaller} }

// CompressAbove compresses only payloads longer than n bytes, and keeps the
// result only if it is at least 2 bytes shorter. Small payloads then skip the
// cost of deflate entirely.
func CompressAbove(n int) Compression { return Compression{kind: compressAbove, above: n} }

// CompressAlways compresses every payload, even when that makes it longer.
// It exists for tools that must reproduce a given cookie; applications want
// [CompressWhenSmaller] or [CompressAbove].
func CompressAlways() Compression { return Compression{kind: compressAlways} }

// IsDefault reports whether c is the zero value, which means "the codec's
// default policy".
func (c Compression) IsDefault() bool { return c.kind == compressDefault }

// String describes the policy, e.g. "when-smaller" or "above 512 bytes".
func (c Compression) String() string {
	switch c.kind {
	case compressNever:
		return "never"
	case compressWhenSmaller:
		return "when-smaller"
	case compressAbove:
		return fmt.Sprintf("above %d bytes", c.above)
	case compressAlways:
		return "always"
	}
	return "default"
}

// orDefault returns c, or def when c is the zero value.
func (c Compression) orDefault(def Compression) Compression {
	if c.kind == compressDefault {
		return def
	}
	return c
}

// apply compresses payload according to c. It returns the bytes to use and
// whether they are compressed. The default policy here means never; callers
// resolve their own default with orDefault first. The result may alias an
// internal pooled buffer only through dst: it is appended to dst[:0] when
// compressed, and payload itself is returned when not.
func (c Compression) apply(dst, payload []byte) ([]byte, bool) {
	switch c.kind {
	case compressAlways:
		return zlibCompress(dst[:0], payload), true
	case compressWhenSmaller:
	case compressAbove:
		if len(payload) <= c.above {
			return payload, false
		}
	default:
		return payload, false
	}
	z := zlibCompress(dst[:0], payload)
	if len(z) < len(payload)-1 {
		return z, true
	}
	return payload, false
}

// zlibWriters pools zlib writers: a fresh one allocates about 1 MB of deflate
// state and costs 100+ µs, Reset reuses it.
//
// The level is 6, as Python's zlib.compress. It is chosen for size, not for
// byte-exactness (Go's deflate emits other bytes than C zlib at every level):
// on session L of bench/sessions.md level 6 gives 744 bytes where level 1
// gives 893, and in a 4 KB cookie budget bytes are scarcer than the ~30 µs a
// level-6 Reset costs more than a level-1 one.
var zlibWriters = sync.Pool{
	New: func() any {
		w, _ := zlib.NewWriterLevel(nil, zlib.DefaultCompression)
		return w
	},
}

// zlibCompress appends to dst the zlib stream (RFC 1950, level 6 as in
// Python's zlib.compress) of src.
func zlibCompress(dst, src []byte) []byte {
	buf := bytes.NewBuffer(dst)
	w := zlibWriters.Get().(*zlib.Writer)
	w.Reset(buf)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = w.Write(src)
	_ = w.Close()
	w.Reset(nil)
	zlibWriters.Put(w)
	return buf.Bytes()
}

// zlibReaders pools zlib readers (they implement zlib.Resetter).
var zlibReaders sync.Pool

// zlibDecompress appends to dst the inflated content of the zlib stream src.
// It stops with a *TooLargeError (wrapping ErrTooLarge) as soon as the output
// would exceed limit bytes, so a zlib bomb costs at most limit bytes of
// memory and the time to inflate them. A corrupt stream, a missing or wrong
// Adler-32 checksum, or a non-zlib container gives an error wrapping
// ErrPayload. Bytes after the end of the stream are ignored when
// allowTrailing is set (Python's zlib.decompress ignores them, so the Flask
// codec must) and are an ErrPayload error otherwise.
func zlibDecompress(dst, src []byte, limit int, allowTrailing bool) ([]byte, error) {
	in := bytes.NewReader(src)
	var r io.ReadCloser
	var err error
	if pooled, ok := zlibReaders.Get().(io.ReadCloser); ok {
		r = pooled
		err = r.(zlib.Resetter).Reset(in, nil)
	} else {
		r, err = zlib.NewReader(in)
	}
	if err != nil {
		return dst, fmt.Errorf("%w: zlib: %v", ErrPayload, err)
	}
	defer func() {
		_ = r.(zlib.Resetter).Reset(bytes.NewReader(emptyZlib), nil)
		zlibReaders.Put(r)
	}()

	start := len(dst)
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		// Read at most one byte past the limit, to tell "exactly at the
		// limit" from "over it".
		room := dst[len(dst):cap(dst)]
		if most := limit + 1 - (len(dst) - start); len(room) > most {
			room = room[:most]
		}
		n, rerr := r.Read(room)
		dst = dst[:len(dst)+n]
		if len(dst)-start > limit {
			return dst[:start], &TooLargeError{What: "decompressed payload", Size: len(dst) - start, Limit: limit}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if errors.Is(rerr, io.ErrUnexpectedEOF) {
				return dst[:start], fmt.Errorf("%w: zlib: truncated stream", ErrPayload)
			}
			return dst[:start], fmt.Errorf("%w: zlib: %v", ErrPayload, rerr)
		}
	}
	if !allowTrailing && in.Len() > 0 {
		return dst[:start], fmt.Errorf("%w: zlib: %d bytes after the end of the stream", ErrPayload, in.Len())
	}
	return dst, nil
}

// emptyZlib is a valid zlib stream of no data, used to park pooled readers
// so that they do not keep the last input alive.
var emptyZlib = zlibCompress(nil, nil)

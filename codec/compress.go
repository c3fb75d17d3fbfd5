package codec

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
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

// apply compresses payload with d according to c. It returns the bytes to
// use and whether they are compressed. The default policy here means never;
// callers resolve their own default with orDefault first. When compressed
// the result is appended to dst[:0]; when not, payload itself is returned.
func (c Compression) apply(d *deflater, dst, payload []byte) ([]byte, bool) {
	switch c.kind {
	case compressAlways:
		return d.compress(dst[:0], payload), true
	case compressWhenSmaller:
	case compressAbove:
		if len(payload) <= c.above {
			return payload, false
		}
	default:
		return payload, false
	}
	z := d.compress(dst[:0], payload)
	if len(z) < len(payload)-1 {
		return z, true
	}
	return payload, false
}

// deflater is a pool of zlib writers at one compression level. A fresh
// writer allocates about 1 MB of deflate state and costs 100+ µs; Reset
// reuses it.
type deflater struct {
	pool sync.Pool
}

func newDeflater(level int) *deflater {
	d := &deflater{}
	d.pool.New = func() any {
		w, _ := zlib.NewWriterLevel(nil, level)
		return w
	}
	return d
}

// The two levels in use, each chosen for its format.
//
// flaskDeflater is level 6, as Python's zlib.compress. It is chosen for
// size, not byte-exactness (Go's deflate emits other bytes than C zlib at
// every level): on session L of the benchmarks (package bench) level 6
// gives 744 bytes where level 1 gives 893, and Flask cookies near the 4 KB
// limit need the bytes more than the ~30 µs a level-6 Reset costs over
// level 1 (it clears about 640 KB of hash tables).
//
// fastDeflater is level 1 (BestSpeed), for the native format, which owes
// Python nothing: its Reset is nearly free, about 9 µs instead of 40 µs on
// session L, for a few percent more bytes. Native compression is off by
// default when encrypting and, in sign-only mode, only above a threshold.
var (
	flaskDeflater = newDeflater(zlib.DefaultCompression)
	fastDeflater  = newDeflater(zlib.BestSpeed)
)

// compress appends to dst the zlib stream (RFC 1950) of src.
func (d *deflater) compress(dst, src []byte) []byte {
	buf := bytes.NewBuffer(dst)
	w := d.pool.Get().(*zlib.Writer)
	w.Reset(buf)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = w.Write(src)
	_ = w.Close()
	w.Reset(nil)
	d.pool.Put(w)
	return buf.Bytes()
}

// zlibPresetDict is the FDICT bit of a zlib stream's second byte (RFC 1950).
const zlibPresetDict = 0x20

// zlibReaders pools zlib readers (they implement zlib.Resetter).
var zlibReaders sync.Pool

// zlibError wraps an error of compress/zlib or compress/flate in
// ErrPayload as "zlib: ...", without doubling the "zlib: " that
// compress/zlib's own errors already start with.
func zlibError(err error) error {
	return fmt.Errorf("%w: zlib: %s", ErrPayload, strings.TrimPrefix(err.Error(), "zlib: "))
}

// zlibDecompress appends to dst the inflated content of the zlib stream src.
// It stops with a *TooLargeError (wrapping ErrTooLarge) as soon as the output
// would exceed limit bytes, so a zlib bomb costs at most limit bytes of
// memory and the time to inflate them. A corrupt stream, a missing or wrong
// Adler-32 checksum, a preset dictionary (compress/zlib accepts one whose id
// is the empty dictionary's; Python's zlib, and so Flask, refuses every
// one), or a non-zlib container gives an error wrapping ErrPayload. Bytes
// after the end of the stream are ignored when allowTrailing is set
// (Python's zlib.decompress ignores them, so the Flask codec must) and are
// an ErrPayload error otherwise.
func zlibDecompress(dst, src []byte, limit int, allowTrailing bool) ([]byte, error) {
	if len(src) >= 2 && src[1]&zlibPresetDict != 0 {
		return dst, fmt.Errorf("%w: zlib: stream needs a preset dictionary", ErrPayload)
	}
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
		return dst, zlibError(err)
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
			return dst[:start], &TooLargeError{What: "decompressed payload", Size: len(dst) - start, Limit: limit, Partial: true}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if errors.Is(rerr, io.ErrUnexpectedEOF) {
				return dst[:start], fmt.Errorf("%w: zlib: truncated stream", ErrPayload)
			}
			return dst[:start], zlibError(rerr)
		}
	}
	if !allowTrailing && in.Len() > 0 {
		return dst[:start], fmt.Errorf("%w: zlib: %d bytes after the end of the stream", ErrPayload, in.Len())
	}
	return dst, nil
}

// emptyZlib is a valid zlib stream of no data, used to park pooled readers
// so that they do not keep the last input alive.
var emptyZlib = fastDeflater.compress(nil, nil)

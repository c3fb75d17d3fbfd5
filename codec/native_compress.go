package codec

import (
	"bytes"
	"compress/zlib"
	"sync"
)

// nativeZlibWriters pools zlib writers at BestSpeed for the native format.
// Unlike the Flask format, the native format need not match Python's level
// 6, and at level 1 a pooled writer's Reset is nearly free while level 6
// clears about 640 KB of hash tables per cookie: on session L that is about
// 9 µs instead of 40 µs, for a few percent more bytes.
var nativeZlibWriters = sync.Pool{
	New: func() any {
		w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
		return w
	},
}

// nativeCompress applies policy c to payload like Compression.apply, with
// the BestSpeed writer. The default policy has been resolved by NewNative.
func nativeCompress(c Compression, dst, payload []byte) ([]byte, bool) {
	switch c.kind {
	case compressAlways:
		return nativeZlib(dst[:0], payload), true
	case compressWhenSmaller:
	case compressAbove:
		if len(payload) <= c.above {
			return payload, false
		}
	default:
		return payload, false
	}
	z := nativeZlib(dst[:0], payload)
	if len(z) < len(payload)-1 {
		return z, true
	}
	return payload, false
}

func nativeZlib(dst, src []byte) []byte {
	buf := bytes.NewBuffer(dst)
	w := nativeZlibWriters.Get().(*zlib.Writer)
	w.Reset(buf)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = w.Write(src)
	_ = w.Close()
	w.Reset(nil)
	nativeZlibWriters.Put(w)
	return buf.Bytes()
}

package codec

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/cborjson"
	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/gorilla/securecookie"
)

// Defaults of [NativeOptions].
const (
	// DefaultLifetime is the default absolute lifetime of a native session:
	// 30 days from its creation, refreshes included (gorilla/sessions' default
	// MaxAge; Flask's is 31 days).
	DefaultLifetime = 30 * 24 * time.Hour
	// DefaultSkew is the default allowance for clocks that run ahead: a cookie
	// issued up to 60 s in the future is accepted.
	DefaultSkew = 60 * time.Second
	// DefaultSignOnlyCompressAbove is the default compression threshold of
	// the sign-only mode: payloads longer than this many bytes are
	// compressed when that saves at least 2 bytes.
	DefaultSignOnlyCompressAbove = 256
	// MaxPadding is the largest padding bucket.
	MaxPadding = 1024
)

// NativeOptions configures [NewNative]. The zero value is the recommended
// configuration: XChaCha20-Poly1305, purpose "session", 30-day absolute
// lifetime, no idle timeout, 60 s skew, no compression, no padding, 4096-byte
// cookies.
type NativeOptions struct {
	// Mode selects the algorithm. The default is [XChaCha20Poly1305].
	Mode Mode

	// Purpose separates cookies of different uses sealed with the same keys
	// (for example "session" and "remember-me"): it selects the subkey and is
	// part of the associated data, never transmitted. A cookie made for one
	// purpose fails with ErrSignature under another. At most 255 bytes. The
	// default is "session".
	Purpose string

	// Lifetime is the absolute lifetime of a session, measured from its
	// created-at time and not extended by refreshes. The default is
	// [DefaultLifetime]. Negative values and values under a second (the
	// envelope counts whole seconds; fractions are dropped) are an error.
	Lifetime time.Duration

	// IdleTimeout, if positive, ends a session that has not been refreshed
	// (re-issued) for this long, measured from the cookie's issued-at time.
	// The default, 0, means no idle timeout. Negative values and values
	// under a second are an error.
	IdleTimeout time.Duration

	// Skew is how far in the future a cookie's issued-at may lie before it
	// is rejected with ErrFuture. The default is [DefaultSkew]; a negative
	// value means no allowance at all.
	Skew time.Duration

	// Clock returns the current time; nil means time.Now. Tests and the CLI
	// set it.
	Clock Clock

	// Rand is the source of nonces and session ids. nil means crypto/rand,
	// which is what applications must use. It exists so that tests and the
	// vector generator can produce deterministic cookies; a predictable
	// source destroys confidentiality.
	Rand io.Reader

	// Compression decides whether payloads are zlib-compressed before they
	// are sealed. The default never compresses in the encrypting modes and
	// is CompressAbove(DefaultSignOnlyCompressAbove) in the sign-only mode.
	//
	// Compressing before encrypting leaks information through the length of
	// the cookie (the CRIME/BREACH class): if an attacker can put chosen text
	// into a session that also holds a secret (a CSRF token, an e-mail
	// address), the cookie gets shorter when the guess matches the secret,
	// and the attacker can watch cookie lengths on the network. Enable it in
	// an encrypting mode only for sessions that never hold attacker-influenced
	// data beside a secret. Padding does not make it safe: an attacker who
	// controls part of the session adds filler until the compressed size
	// sits on a bucket boundary, and a one-byte gain then shows as a whole
	// bucket (a length-only attacker recovered a 16-hex-digit token at every
	// Padding up to MaxPadding; padding raised the cookies needed from
	// about 4,000 to 1.8 million).
	Compression Compression

	// Padding, if positive, pads every payload (after compression) with
	// ISO/IEC 7816-4 padding to a multiple of Padding bytes, so that cookie
	// lengths reveal only the size bucket to a passive observer (how many
	// items a cart holds, say). It does not stop an attacker who can put
	// chosen text into the session; see Compression. At most [MaxPadding].
	// The default, 0, means no padding.
	Padding int

	// MaxCookieSize bounds len(name)+len(value) of cookies that are encoded
	// (a *TooLargeError before anything is returned) and decoded (checked
	// before any base64 or crypto work). The default is
	// [DefaultMaxCookieSize]. It applies where the caller passes no limit
	// of its own: EncodeSession and DecodeSession take a maxSize that
	// replaces it when positive, and package cookiesession passes its
	// chunk budget (len(name) plus what MaxChunks cookies hold, 16,354
	// bytes for "session" by default), since a chunked session is longer
	// than one cookie. To bound the work per cookie there, lower
	// cookiesession.WithMaxChunks.
	MaxCookieSize int

	// MaxDecompressed bounds the size of a decompressed payload. The default
	// is DefaultMaxDecompressed (64 KiB).
	MaxDecompressed int

	// Serializer turns session values into tagged JSON and back; the
	// payload is that text converted to its compact binary form (a strict
	// subset of CBOR, see codec/FORMAT.md), about 20% shorter. The default
	// is a serializer.Serializer with NativeTime set, so that time.Time
	// values keep their nanoseconds and zone offset (the native format is
	// read by this package, not by Flask). Set it to change the
	// serializer's limits or register tags, with NativeTime: true (NewNative
	// refuses a serializer without it: the times in cookies already issued
	// would read back as maps); its MaxDepth, MaxInput and
	// MaxNumberDigits also bound the binary payload. With the default,
	// plain values (maps, lists, strings, bools, nil, int, int64, float64)
	// are converted without the JSON text, a faster path that gives the
	// same bytes; a Serializer set here always goes through the text.
	Serializer *serializer.Serializer

	// Legacy lists readers of older cookie formats, tried in order when a
	// cookie is not a native cookie at all (ErrMalformed). A cookie one of
	// them accepts is returned with its Meta (Format "gorilla" or "flask")
	// and KeyIndex set past the ring's keys, so that the caller re-issues it
	// natively. See [NewGorillaMigration]. NewNative copies the list.
	Legacy []LegacyReader

	// LegacyUntil ends the migration window: from this instant on (by
	// Clock) the Legacy readers are no longer tried, and a cookie that is
	// not native fails with ErrLegacyClosed (which wraps ErrMalformed).
	// NewNative requires it when Legacy is not empty, and refuses one
	// more than MaxLegacyWindow (400 days) after its own time. A Legacy
	// reader accepts everyone who can forge the old format (a leaked or
	// weak old secret), so its end is fixed when it is added, rather than
	// left to a later change that may never come. Set it to when the last
	// instance of the old app stops serving (the end of the rollout: old
	// instances issue old cookies until then) plus the longest lifetime of
	// the old cookies.
	//
	// A LegacyUntil already past is accepted: it is what every restart
	// after the window closed sees until the readers are removed, and
	// refusing it would stop the service. Watch the reason word
	// "legacy_closed" (see [Reason]) instead: it counts the old cookies
	// that arrive after the window.
	LegacyUntil time.Time
}

// MaxLegacyWindow is how far ahead of NewNative's time
// [NativeOptions].LegacyUntil may be: 400 days, the longest a browser
// keeps a cookie (RFC 6265bis caps Expires and Max-Age there), so no old
// cookie can still arrive later.
const MaxLegacyWindow = 400 * 24 * time.Hour

// LegacyReader reads cookies of an older format for migration. Every
// [SessionCodec] is one, for example the Flask codec or [GorillaMigration].
type LegacyReader interface {
	DecodeSession(name, value string, maxSize int) (any, Meta, error)
}

// Native is the native cookie codec: a versioned binary envelope, sealed
// with XChaCha20-Poly1305 (default) or AES-256-GCM, or signed with
// HMAC-SHA256, bound to the cookie name and a purpose, with key ids, a
// session id and expiry inside. codec/FORMAT.md specifies the bytes.
//
// Native implements [SessionCodec] (used by package cookiesession) and
// gorilla's securecookie.Codec, so it can replace securecookie in a
// gorilla/sessions CookieStore. It is safe for concurrent use.
type Native struct {
	ring        *KeyRing
	keys        map[uint32]*nativeKey
	primary     *nativeKey
	mode        Mode
	wireMode    envelope.Mode
	purpose     string
	lifetime    time.Duration
	idle        time.Duration
	skew        time.Duration
	clock       Clock
	rand        io.Reader
	compression Compression
	padding     int
	maxCookie   int
	maxDecomp   int
	legacy      []LegacyReader
	legacyUntil time.Time
	ser         *serializer.Serializer
	payloadLim  cborjson.Limits
	// direct is set with the default serializer (no user tags): plain
	// values then skip the JSON text (see cborjson.AppendValue).
	direct bool
}

// nativeKey is a ring key with its subkey derived once and its cipher
// instance built once.
type nativeKey struct {
	id     uint32
	idText string
	index  int
	sealer nativeSealer
}

// Compile-time checks of the interfaces Native and GorillaMigration promise.
var (
	_ SessionCodec       = (*Native)(nil)
	_ securecookie.Codec = (*Native)(nil)
	_ LegacyReader       = (*Native)(nil)
	_ securecookie.Codec = (*GorillaMigration)(nil)
	_ LegacyReader       = (*GorillaMigration)(nil)
)

// NewNative returns a native codec that seals with ring's primary key and
// opens cookies of every non-retired key in ring. Subkeys for the mode and
// purpose are derived here, once per key.
func NewNative(ring *KeyRing, opts NativeOptions) (*Native, error) {
	if ring == nil || ring.Len() == 0 {
		return nil, fmt.Errorf("%w: no key ring", ErrInvalidKey)
	}
	n := &Native{
		ring:        ring,
		mode:        opts.Mode,
		wireMode:    opts.Mode.wire(),
		purpose:     opts.Purpose,
		lifetime:    opts.Lifetime,
		idle:        opts.IdleTimeout,
		skew:        opts.Skew,
		clock:       opts.Clock,
		rand:        opts.Rand,
		compression: opts.Compression,
		padding:     opts.Padding,
		maxCookie:   opts.MaxCookieSize,
		maxDecomp:   opts.MaxDecompressed,
		legacy:      slices.Clone(opts.Legacy), // a later change to the caller's slice cannot add a reader, or the codec itself (a loop)
		legacyUntil: opts.LegacyUntil,
		ser:         opts.Serializer,
	}
	if n.ser == nil {
		n.ser = &serializer.Serializer{NativeTime: true}
		n.direct = true
	}
	if !n.ser.NativeTime {
		return nil, errors.New("codec: NativeOptions.Serializer has NativeTime false: set NativeTime: true, as the default serializer has; without it times lose their nanoseconds and zone, and the times in cookies already issued read back as maps")
	}
	n.payloadLim = payloadLimits(n.ser)
	if err := checkReaderTags("NativeOptions.Legacy", n.legacy, n.ser, "NativeOptions.Serializer"); err != nil {
		return nil, err
	}
	if len(n.legacy) > 0 && n.legacyUntil.IsZero() {
		return nil, errors.New("codec: Legacy readers need LegacyUntil, the end of the migration window (they accept anyone who can forge the old format)")
	}
	if now := n.clock.now(); len(n.legacy) > 0 && n.legacyUntil.After(now.Add(MaxLegacyWindow)) {
		return nil, fmt.Errorf("codec: LegacyUntil %s is more than 400 days away: no browser keeps an old cookie that long, so the window would only keep the old readers running (a mistyped year?)", n.legacyUntil.UTC().Format(time.RFC3339))
	}
	if n.wireMode == 0 {
		return nil, fmt.Errorf("codec: unknown mode %d", uint8(opts.Mode))
	}
	if n.purpose == "" {
		n.purpose = "session"
	}
	if len(n.purpose) > envelope.MaxPurpose {
		return nil, fmt.Errorf("codec: purpose is %d bytes, at most %d", len(n.purpose), envelope.MaxPurpose)
	}
	switch {
	case n.lifetime < 0:
		return nil, fmt.Errorf("codec: negative lifetime %v", n.lifetime)
	case n.lifetime == 0:
		n.lifetime = DefaultLifetime
	case n.lifetime < time.Second:
		return nil, fmt.Errorf("codec: lifetime %v is under a second; the envelope counts whole seconds, so every cookie would be expired when made", n.lifetime)
	}
	switch {
	case n.idle < 0:
		return nil, fmt.Errorf("codec: negative idle timeout %v", n.idle)
	case n.idle > 0 && n.idle < time.Second:
		return nil, fmt.Errorf("codec: idle timeout %v is under a second; the envelope counts whole seconds, so every cookie would be expired when made", n.idle)
	}
	switch {
	case n.skew == 0:
		n.skew = DefaultSkew
	case n.skew < 0:
		n.skew = 0
	}
	if n.compression.IsDefault() {
		n.compression = CompressNever()
		if !n.mode.Encrypts() {
			n.compression = CompressAbove(DefaultSignOnlyCompressAbove)
		}
	}
	if n.padding < 0 || n.padding > MaxPadding {
		return nil, fmt.Errorf("codec: padding %d outside 0..%d", n.padding, MaxPadding)
	}
	if n.maxCookie == 0 {
		n.maxCookie = DefaultMaxCookieSize
	}
	if n.maxCookie < 0 {
		return nil, fmt.Errorf("codec: negative MaxCookieSize %d", n.maxCookie)
	}
	if n.maxDecomp == 0 {
		n.maxDecomp = DefaultMaxDecompressed
	}
	if n.maxDecomp < 0 {
		return nil, fmt.Errorf("codec: negative MaxDecompressed %d", n.maxDecomp)
	}
	n.keys = make(map[uint32]*nativeKey, ring.Len())
	for i, rk := range ring.keys {
		s, err := newNativeSealer(rk.key, n.mode, n.purpose)
		if err != nil {
			return nil, err
		}
		nk := &nativeKey{id: rk.key.id, idText: rk.key.ID(), index: i, sealer: s}
		n.keys[nk.id] = nk
		if i == 0 {
			n.primary = nk
		}
	}
	return n, nil
}

// Mode returns the codec's mode.
func (n *Native) Mode() Mode { return n.mode }

// Purpose returns the codec's purpose string.
func (n *Native) Purpose() string { return n.purpose }

// Serializer returns the serializer the codec converts values with
// (NativeOptions.Serializer, or the default with native times).
func (n *Native) Serializer() *serializer.Serializer { return n.ser }

// Lifetime returns the absolute lifetime the codec enforces
// (NativeOptions.Lifetime, [DefaultLifetime] when that was 0).
func (n *Native) Lifetime() time.Duration { return n.lifetime }

// IdleTimeout returns the idle timeout the codec enforces
// (NativeOptions.IdleTimeout); 0 means none.
func (n *Native) IdleTimeout() time.Duration { return n.idle }

// payloadLimits bounds the binary payload's conversion by the serializer's
// limits: the same nesting depth, JSON text no longer than the serializer
// reads, and integers no longer than its digit limit (each digit is less
// than 3.33 bits).
func payloadLimits(s *serializer.Serializer) cborjson.Limits {
	l := cborjson.Limits{MaxDepth: s.MaxDepth, MaxOutput: s.MaxInput}
	if l.MaxDepth <= 0 {
		l.MaxDepth = serializer.DefaultMaxDepth
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = serializer.DefaultMaxInput
	}
	digits := s.MaxNumberDigits
	if digits <= 0 {
		digits = serializer.DefaultMaxNumberDigits
	}
	l.MaxBignumBytes = (digits*3322/1000)/8 + 1
	return l
}

// nativeBuf holds the scratch buffers of one encode or decode.
type nativeBuf struct {
	env  []byte // the envelope being built or opened
	ad   []byte // associated data
	aux  []byte // compression output, base64 text
	text []byte // the payload as tagged JSON text
	enc  cborjson.Encoder
}

var nativeBufs = sync.Pool{New: func() any {
	return &nativeBuf{env: make([]byte, 0, 1024), ad: make([]byte, 0, 128), aux: make([]byte, 0, 1024), text: make([]byte, 0, 1024)}
}}

// nativeMaxPooled keeps one huge cookie from pinning memory in the pool.
const nativeMaxPooled = 64 << 10

func putNativeBuf(b *nativeBuf) {
	if cap(b.env) > nativeMaxPooled || cap(b.aux) > nativeMaxPooled || cap(b.ad) > nativeMaxPooled || cap(b.text) > nativeMaxPooled {
		return
	}
	nativeBufs.Put(b)
}

func (n *Native) limit(maxSize int) int {
	if maxSize > 0 {
		return maxSize
	}
	return n.maxCookie
}

func (n *Native) readRand(p []byte) error {
	if n.rand == nil {
		_, err := rand.Read(p)
		return err
	}
	_, err := io.ReadFull(n.rand, p)
	return err
}

// nativeSeconds converts t to the format's unsigned 32-bit seconds.
func nativeSeconds(t time.Time) (uint32, bool) {
	s := t.Unix()
	if s < 0 || s > math.MaxUint32 {
		return 0, false
	}
	return uint32(s), true
}

// nativeAddSeconds returns base+d in whole seconds, saturating at the largest
// representable time (2106-02-07T06:28:15Z) instead of overflowing.
func nativeAddSeconds(base uint32, d time.Duration) uint32 {
	s := uint64(base) + uint64(d/time.Second)
	if d/time.Second > math.MaxUint32 || s > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(s)
}

func nativeTime(s uint32) time.Time { return time.Unix(int64(s), 0) }

// errNativeTimeRange is returned when the clock or a caller-supplied time lies
// outside what the format can carry.
var errNativeTimeRange = errors.New("codec: time outside the native format's range (1970-01-01 to 2106-02-07)")

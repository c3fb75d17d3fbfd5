package codec

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unsafe"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// DefaultFlaskMaxAge is Flask's PERMANENT_SESSION_LIFETIME, 31 days, which
// Flask applies as max_age to every session it loads.
const DefaultFlaskMaxAge = 31 * 24 * time.Hour

// FlaskOptions configure [NewFlask]. The zero value of every field except
// SecretKey means Flask's own default, so FlaskOptions{SecretKey: k} reads
// and writes exactly what a stock Flask app with SECRET_KEY = k does. The
// other fields correspond to what a SecureCookieSessionInterface subclass
// or Flask's config can change.
type FlaskOptions struct {
	// SecretKey is the primary key (Flask's SECRET_KEY): the only key that
	// signs. A Python str key is its UTF-8 bytes. It must not be empty
	// (Flask refuses to use sessions without one).
	SecretKey []byte
	// FallbackKeys only verify (Flask 3.1's SECRET_KEY_FALLBACKS). A cookie
	// they verify reports Meta.KeyIndex = 1-based position here, so the
	// caller can re-issue it under SecretKey. Nothing is ever signed with a
	// fallback (unlike Flask 3.1.0, GHSA-4grg-w6v8-c28g).
	FallbackKeys [][]byte
	// Salt defaults to "cookie-session". The empty salt cannot be chosen
	// here; use a [Signer] with [Params] for that.
	Salt string
	// KeyDerivation defaults to [DeriveHMAC].
	KeyDerivation Derivation
	// Digest defaults to [SHA1].
	Digest Digest
	// MaxAge is the max_age given to every load. Zero means
	// [DefaultFlaskMaxAge] (31 days); [NoMaxAge] disables the age and
	// future checks, like itsdangerous' max_age=None. It counts whole
	// seconds: a cookie exactly MaxAge old is still valid.
	MaxAge time.Duration
	// Skew is how far in the future a timestamp may lie before the cookie
	// is refused with a [*FutureError]. The default 0 matches Flask, which
	// refuses a cookie signed one second ahead of its clock. Since the
	// timestamp counts whole seconds, two servers whose clocks differ by
	// milliseconds then refuse some of each other's fresh cookies (those
	// stamped just after a second began): where more than one machine
	// serves the session, set two seconds or more.
	Skew time.Duration
	// Clock supplies the time; nil means [time.Now].
	Clock Clock
	// Compression decides when payloads are zlib-compressed. The zero
	// value is Flask's rule, [CompressWhenSmaller]. Go's deflate output
	// differs from C zlib's, so compressed cookies are not byte-identical
	// to Flask's, but Flask reads them.
	Compression Compression
	// MaxDecompressed bounds an inflated payload; 0 means
	// [DefaultMaxDecompressed] (64 KiB).
	MaxDecompressed int
	// MaxCookieSize bounds the cookie value in bytes, on decode before any
	// base64 or crypto work and on encode before the value is returned.
	// Zero means [DefaultMaxCookieSize] (4096); negative means no limit.
	// Flask itself has no such limit (it only warns above 4093 bytes of
	// header); browsers silently drop longer cookies. A positive maxSize
	// given to EncodeSession or DecodeSession replaces it: package
	// cookiesession passes 4096 bytes of name and value, one cookie.
	MaxCookieSize int
	// Serializer converts values to tagged JSON; nil means Flask's
	// TaggedJSONSerializer ([serializer.Marshal]'s configuration).
	Serializer *serializer.Serializer

	// AlsoRead lists readers of another format, tried in order by
	// DecodeSession when a cookie is not a Flask cookie at all
	// (ErrMalformed); a cookie one of them accepts is returned with its
	// own Meta (Format "native", say). Encoding is unchanged: Flask's.
	// It is the first step of moving several instances from the Flask
	// format to the native one: deploy everywhere a Flask codec that also
	// reads the native codec (with its key ring), then switch each
	// instance to the native codec with this Flask codec as its Legacy
	// reader. While instances of both steps serve, each reads what the
	// other writes, so nobody is logged out; a value the Flask format
	// cannot keep exactly (a time's nanoseconds and zone) is written as
	// Flask writes it. Unlike Legacy, no end date is needed: a reader here
	// reads the newer format, which only the new keys can make. Under
	// cookiesession.NewFlask, a session the second step split into chunks
	// is read too (up to 16), and replaced by one Flask cookie on write;
	// one too large for a Flask cookie even compressed cannot be written
	// there (the write fails as too large, and the chunks stay).
	// NewFlask copies the list.
	AlsoRead []LegacyReader
}

// Flask reads and writes Flask's default session cookie: itsdangerous'
// URLSafeTimedSerializer with Flask's tagged JSON. It implements
// [SessionCodec] and gorilla's securecookie.Codec. A Flask is safe for
// concurrent use.
type Flask struct {
	signer          *Signer
	ser             *serializer.Serializer
	maxAge, skew    time.Duration
	clock           Clock
	compression     Compression
	maxDecompressed int
	maxCookieSize   int
	alsoRead        []LegacyReader
}

var _ SessionCodec = (*Flask)(nil)

// NewFlask returns a Flask codec for o. It fails when SecretKey is empty or
// KeyDerivation or Digest is unknown.
func NewFlask(o FlaskOptions) (*Flask, error) {
	if len(o.SecretKey) == 0 {
		return nil, errors.New("codec: flask: SecretKey must not be empty")
	}
	p := Params{Salt: o.Salt, Derivation: o.KeyDerivation, Digest: o.Digest, Separator: '.'}
	if p.Salt == "" {
		p.Salt = FlaskSalt
	}
	signer, err := NewSigner(p, o.SecretKey, o.FallbackKeys...)
	if err != nil {
		return nil, err
	}
	f := &Flask{
		signer:          signer,
		ser:             o.Serializer,
		maxAge:          o.MaxAge,
		skew:            o.Skew,
		clock:           o.Clock,
		compression:     o.Compression.orDefault(CompressWhenSmaller()),
		maxDecompressed: o.MaxDecompressed,
		maxCookieSize:   o.MaxCookieSize,
		alsoRead:        slices.Clone(o.AlsoRead),
	}
	if f.ser == nil {
		f.ser = new(serializer.Serializer)
	}
	if err := checkReaderTags("FlaskOptions.AlsoRead", f.alsoRead, f.ser, "FlaskOptions.Serializer"); err != nil {
		return nil, err
	}
	if f.maxAge == 0 {
		f.maxAge = DefaultFlaskMaxAge
	}
	if f.maxDecompressed <= 0 {
		f.maxDecompressed = DefaultMaxDecompressed
	}
	if f.maxCookieSize == 0 {
		f.maxCookieSize = DefaultMaxCookieSize
	}
	return f, nil
}

// Serializer returns the serializer the codec converts values with
// (FlaskOptions.Serializer, or Flask's TaggedJSONSerializer).
func (f *Flask) Serializer() *serializer.Serializer { return f.ser }

// MaxAge returns the max_age the codec applies to every load
// (FlaskOptions.MaxAge, [DefaultFlaskMaxAge] when that was 0), or
// [NoMaxAge].
func (f *Flask) MaxAge() time.Duration { return f.maxAge }

// Signer returns the underlying itsdangerous signer (for hints and
// inspection; it verifies with the same keys).
func (f *Flask) Signer() *Signer { return f.signer }

// EncodeSession serializes value as tagged JSON, compresses it by the
// configured policy and signs it with the primary key at the clock's time.
// m is ignored: the Flask format carries nothing but the time. maxSize
// bounds len(name)+len(cookie); 0 means MaxCookieSize on the value alone.
func (f *Flask) EncodeSession(name string, value any, _ Meta, maxSize int) (string, Meta, error) {
	issued := f.clock.now()
	ts, err := timestampOf(issued)
	if err != nil {
		return "", Meta{}, err
	}
	text := getBuf()
	defer putBuf(text)
	*text, err = f.ser.AppendMarshal((*text)[:0], value)
	if err != nil {
		return "", Meta{}, fmt.Errorf("codec: flask: %w", err)
	}
	out := getBuf()
	defer putBuf(out)
	*out = f.signer.appendSignedPayload((*out)[:0], *text, ts, f.compression)
	if err := f.checkSize(name, len(*out), maxSize); err != nil {
		return "", Meta{}, err
	}
	m := Meta{Format: "flask", Issued: time.Unix(int64(ts), 0), Compressed: (*out)[0] == '.'}
	return string(*out), m, nil
}

// checkSize applies maxSize to len(name)+n, or the configured value limit
// to n when maxSize is 0.
func (f *Flask) checkSize(name string, n, maxSize int) error {
	switch {
	case maxSize > 0 && len(name)+n > maxSize:
		return &TooLargeError{What: "cookie", Size: len(name) + n, Limit: maxSize}
	case maxSize <= 0 && f.maxCookieSize > 0 && n > f.maxCookieSize:
		return &TooLargeError{What: "cookie value", Size: n, Limit: f.maxCookieSize}
	}
	return nil
}

// DecodeSession verifies value and returns its payload as the serializer
// decodes it (for a session, a map[string]any). The steps and their errors,
// in order: length ([*TooLargeError], before any other work), signature
// ([ErrMalformed], [ErrSignature]), time ([*ExpiredError], [*FutureError]),
// payload ([ErrPayload], or [*TooLargeError] for an inflated size over
// MaxDecompressed). The name is not part of the Flask format; it only counts
// towards maxSize.
func (f *Flask) DecodeSession(name, value string, maxSize int) (any, Meta, error) {
	var v any
	m, err := f.decode(name, value, maxSize, true, func(data []byte, owned bool) error {
		var err error
		if owned && len(data) > 0 {
			// data is a fresh buffer that nothing else refers to or will
			// change: the decoded strings can share it instead of a copy.
			v, err = f.ser.UnmarshalString(unsafe.String(&data[0], len(data)))
		} else {
			v, err = f.ser.Unmarshal(data)
		}
		return err
	})
	if err != nil {
		if len(f.alsoRead) > 0 && errors.Is(err, ErrMalformed) {
			return f.decodeOther(name, value, maxSize, err)
		}
		return nil, m, err
	}
	return v, m, nil
}

// AlsoReads reports whether the codec reads other formats besides Flask's
// ([FlaskOptions].AlsoRead).
func (f *Flask) AlsoReads() bool { return len(f.alsoRead) > 0 }

// decodeOther offers a cookie that is not a Flask cookie to the AlsoRead
// readers, and returns the first that accepts it, or the Flask error
// unless a reader found something more telling than ErrMalformed.
func (f *Flask) decodeOther(name, value string, maxSize int, flaskErr error) (any, Meta, error) {
	firstErr := flaskErr
	for _, r := range f.alsoRead {
		v, m, err := r.DecodeSession(name, value, maxSize)
		if err == nil {
			return v, m, nil
		}
		if firstErr == flaskErr && !errors.Is(err, ErrMalformed) {
			firstErr = err
		}
	}
	return nil, Meta{}, firstErr
}

// DecodeInto is [Flask.DecodeSession] storing the payload into dst, a
// non-nil pointer to a struct, map, slice or any other type
// [serializer.UnmarshalInto] supports. A payload that does not fit dst is an
// [ErrPayload] error.
func (f *Flask) DecodeInto(value string, dst any) (Meta, error) {
	return f.decode("", value, 0, false, func(data []byte, _ bool) error {
		return f.ser.UnmarshalInto(data, dst)
	})
}

// decode runs the verification steps and hands the verified serialized
// payload to load. With keep set, an uncompressed payload is base64-decoded
// into a buffer of its own and load gets owned true: it may keep the
// buffer. Otherwise the buffer is pooled and load must not keep it.
func (f *Flask) decode(name, value string, maxSize int, keep bool, load func(data []byte, owned bool) error) (Meta, error) {
	if err := f.checkSize(name, len(value), maxSize); err != nil {
		return Meta{}, err
	}
	u, err := f.signer.Unsign(value)
	if err != nil {
		return Meta{}, err
	}
	m := Meta{Format: "flask", Issued: u.Issued(), KeyID: flaskKeyID(u.KeyIndex), KeyIndex: u.KeyIndex}
	if err := CheckAge(u.Timestamp, f.clock.now(), f.maxAge, f.skew); err != nil {
		return m, err
	}
	if keep && len(u.Value) > 0 && u.Value[0] != '.' {
		data, _, err := decodePayloadSegment(nil, u.Value, f.maxDecompressed)
		if err != nil {
			return m, err
		}
		return m, loaded(load(data, true))
	}
	buf := getBuf()
	defer putBuf(buf)
	data, compressed, err := decodePayloadSegment((*buf)[:0], u.Value, f.maxDecompressed)
	*buf = data
	m.Compressed = compressed
	if err != nil {
		return m, err
	}
	return m, loaded(load(data, false))
}

// loaded wraps an error of the payload's decoder in ErrPayload.
func loaded(err error) error {
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPayload, err)
	}
	return nil
}

// flaskKeyIDs are the Meta.KeyID of the first few Flask keys, so that
// decoding does not format them each time.
var flaskKeyIDs = [...]string{"flask SecretKey", "flask FallbackKeys[0]", "flask FallbackKeys[1]", "flask FallbackKeys[2]"}

// flaskKeyID names the key at index (0 for SecretKey, i+1 for
// FallbackKeys[i]) as Meta.KeyID does.
func flaskKeyID(index int) string {
	if index < len(flaskKeyIDs) {
		return flaskKeyIDs[index]
	}
	return fmt.Sprintf("flask FallbackKeys[%d]", index-1)
}

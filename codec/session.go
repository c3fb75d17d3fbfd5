package codec

import (
	"encoding/hex"
	"time"
)

// SessionID is the 128-bit random identifier of a native session. It is kept
// across refreshes and replaced when the session is renewed. The Flask format
// has no session id; its SessionID is the zero value.
type SessionID [16]byte

// IsZero reports whether id is the zero value (no id).
func (id SessionID) IsZero() bool { return id == SessionID{} }

// String returns id as 32 lowercase hex digits.
func (id SessionID) String() string { return hex.EncodeToString(id[:]) }

// Meta is the authenticated metadata of a session cookie: everything the
// envelope protects besides the payload. [SessionCodec.DecodeSession] fills
// it from a verified cookie; [SessionCodec.EncodeSession] takes the fields a
// caller controls.
//
// Fields a format does not carry are zero: the Flask format only has Issued
// (its timestamp) and KeyIndex; a cookie read by [GorillaMigration] has
// Issued, Created (both gorilla's timestamp) and KeyIndex.
type Meta struct {
	// Format is "flask", "native", or "gorilla" for a cookie read by
	// [GorillaMigration].
	Format string
	// SessionID identifies a native session across refreshes. On encode a
	// zero SessionID asks the codec for a fresh random one.
	SessionID SessionID
	// Created is when the session began; the absolute lifetime runs from it.
	// On encode a zero Created means "now". Read from a cookie, it and
	// Issued have whole seconds, as every format stores them: compare them
	// with times truncated to the second (a revocation time taken with
	// time.Now() would otherwise refuse a session created in the same
	// second, after it).
	Created time.Time
	// Issued is when this cookie was made; the idle timeout and Flask's
	// max-age run from it. On encode it is always set from the codec's clock.
	Issued time.Time
	// Expires is the instant the cookie stops being valid (native format).
	// On encode a zero Expires means "derive it from the codec's lifetimes".
	Expires time.Time
	// KeyID names the key that sealed or verified the cookie: the native
	// key id ("0000002a"), "gorilla pair N" for [GorillaMigration] (1-based),
	// and for the Flask codec "flask SecretKey" or "flask FallbackKeys[i]"
	// (0-based, as in FlaskOptions). A Legacy reader's KeyID is kept, so a
	// migration can tell when an old key stops being seen.
	KeyID string
	// KeyIndex is 0 when the primary key verified the cookie and i > 0 when
	// the i-th fallback key (1-based, in configured order) did. Callers
	// re-issue a cookie whose KeyIndex is not 0 so that it moves to the
	// primary key.
	KeyIndex int
	// Compressed reports whether the payload was compressed.
	Compressed bool
}

// VerifiedWithFallback reports whether a fallback key, not the primary,
// verified the cookie.
func (m Meta) VerifiedWithFallback() bool { return m.KeyIndex != 0 }

// SessionCodec is what the HTTP layer (package cookiesession) needs from a
// cookie format. Both the Flask-compatible codec and the native codec
// implement it.
type SessionCodec interface {
	// EncodeSession serializes value and seals it for the cookie called name.
	// maxSize bounds len(name)+len(result); 0 means the codec's configured
	// maximum. Exceeding it returns a *TooLargeError that wraps ErrTooLarge.
	// The returned Meta is what a later DecodeSession of the result reports.
	EncodeSession(name string, value any, m Meta, maxSize int) (string, Meta, error)

	// DecodeSession verifies the cookie value for the cookie called name
	// (length first, then MAC, then time, then payload) and returns the
	// decoded payload. maxSize bounds len(name)+len(value) before any
	// base64 or crypto work; 0 means the codec's configured maximum.
	DecodeSession(name, value string, maxSize int) (any, Meta, error)
}

// Clock returns the current time. Codecs take one so that tests and the CLI
// can fix the time; nil means [time.Now].
type Clock func() time.Time

func (c Clock) now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}

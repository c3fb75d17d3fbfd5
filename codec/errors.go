package codec

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Every error returned by a decoder in this package wraps
// exactly one of them, so callers branch with [errors.Is]:
//
//	switch {
//	case errors.Is(err, codec.ErrExpired): // ask the user to log in again
//	case errors.Is(err, codec.ErrSignature): // tampered, or signed with another key
//	}
//
// Authentication failures never say which byte or which key was wrong.
var (
	// ErrSignature: the MAC or AEAD tag does not verify under any configured
	// key (itsdangerous: BadSignature / BadTimeSignature).
	ErrSignature = errors.New("codec: invalid signature")

	// ErrUnknownKey: a native cookie names a key id that is not in the key
	// ring, or names a key that has been retired.
	ErrUnknownKey = errors.New("codec: unknown key")

	// ErrRetiredKey: a native cookie names a key that the ring holds but
	// has retired ([KeyRing.Retire]). It wraps ErrUnknownKey, so code that
	// checks for that sees these cookies as before; checking for this one
	// tells a retired key, expected after a leak, from a key the server was
	// never given, a misconfiguration.
	ErrRetiredKey = fmt.Errorf("%w: key retired from the ring", ErrUnknownKey)

	// ErrMalformed: the cookie does not have the structure of the format
	// (missing separators, bad base64, bad timestamp, unknown version).
	ErrMalformed = errors.New("codec: malformed cookie")

	// ErrLegacyClosed: a cookie that is not a native cookie arrived after
	// [NativeOptions].LegacyUntil, when the Legacy readers no longer run.
	// It wraps ErrMalformed, which such a cookie is to the native format.
	// These are mostly old-format cookies still in browsers; since the
	// readers are not run to tell, garbage counts here too.
	ErrLegacyClosed = fmt.Errorf("%w: not native, and the migration window closed", ErrMalformed)

	// ErrExpired: the cookie verified but is older than its lifetime
	// (itsdangerous: SignatureExpired with a positive age). Errors that wrap
	// it are *[ExpiredError] and carry the times.
	ErrExpired = errors.New("codec: expired")

	// ErrFuture: the cookie verified but was issued later than now plus the
	// allowed clock skew. Errors that wrap it are *[FutureError].
	ErrFuture = errors.New("codec: issued in the future")

	// ErrPayload: the cookie verified but its payload cannot be decoded
	// (itsdangerous: BadPayload; Flask answers this with HTTP 500). The
	// native codec's encoding wraps it too, with the serializer's error,
	// for a value it cannot write (package cookiesession's Session.Set
	// refuses such values before they get here).
	ErrPayload = errors.New("codec: bad payload")

	// ErrTooLarge: an input or output exceeds a configured size limit.
	// Errors that wrap it are *[TooLargeError] and carry the sizes.
	ErrTooLarge = errors.New("codec: too large")
)

// ExpiredError reports a cookie whose signature is valid but whose lifetime
// has passed. It wraps [ErrExpired].
type ExpiredError struct {
	// Reason names the limit that was passed: "max-age" (Flask format),
	// "expires", "idle" or "absolute" (native format).
	Reason string
	// At is the instant the cookie stopped being valid.
	At time.Time
	// Now is the clock reading the decision was made with.
	Now time.Time
	// Created and Issued are the verified cookie's creation and issue
	// times, set by the native codec so that a caller that sealed the
	// expiry itself can tell which of its limits it was (package
	// cookiesession turns "expires" into "idle" or "absolute" so); zero
	// otherwise.
	Created, Issued time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("%v: %s limit passed %s ago", ErrExpired, e.Reason, e.Now.Sub(e.At).Round(time.Second))
}

func (e *ExpiredError) Unwrap() error { return ErrExpired }

// FutureError reports a cookie whose signature is valid but whose issue time
// lies beyond now plus the allowed skew. It wraps [ErrFuture].
type FutureError struct {
	// At is the issue time the cookie claims.
	At time.Time
	// Now is the clock reading the decision was made with.
	Now time.Time
	// Skew is the allowance that was applied.
	Skew time.Duration
}

func (e *FutureError) Error() string {
	return fmt.Sprintf("%v: issued %s after now (skew allowed %s)", ErrFuture, e.Ahead(), e.Skew)
}

// Ahead is how far At lies after Now, rounded up to a whole second. Issue
// times are whole seconds and the clock is not, so a timestamp one second
// ahead of Flask's truncated clock can be 0.3 s ahead of Now; rounded to the
// nearest second, a refused cookie would read as issued "0s" after now.
func (e *FutureError) Ahead() time.Duration {
	d := e.At.Sub(e.Now)
	if r := d % time.Second; r > 0 {
		d += time.Second - r
	}
	return d
}

func (e *FutureError) Unwrap() error { return ErrFuture }

// TooLargeError reports an input or output over a size limit. It wraps
// [ErrTooLarge].
type TooLargeError struct {
	// What names the measured thing, e.g. "cookie", "decompressed payload".
	What string
	// Size is the measured size in bytes; for a cookie it is
	// len(name)+len(value). When Partial is set it is only a lower bound.
	Size int
	// Limit is the limit that was exceeded, in bytes.
	Limit int
	// Partial reports that measuring stopped as soon as the limit was
	// passed, as decompression does so that a zlib bomb costs at most the
	// limit: the real size is unknown and at least Size.
	Partial bool
}

func (e *TooLargeError) Error() string {
	if e.Partial {
		return fmt.Sprintf("%v: %s is over the limit of %d bytes (measuring stopped there)", ErrTooLarge, e.What, e.Limit)
	}
	return fmt.Sprintf("%v: %s is %d bytes, limit %d", ErrTooLarge, e.What, e.Size, e.Limit)
}

func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// Reason returns a stable word for the codec error err wraps, for metrics
// and scripts that should not parse error text: "expired", "future",
// "too_large", "retired_key", "unknown_key", "payload", "signature",
// "legacy_closed" or "malformed", checked in that order; "" when err wraps none of the
// codec's errors. Package cookiesession's Reasons and the cookiecodec
// command's --json error.kind use these words.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrExpired):
		return "expired"
	case errors.Is(err, ErrFuture):
		return "future"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrRetiredKey):
		return "retired_key"
	case errors.Is(err, ErrUnknownKey):
		return "unknown_key"
	case errors.Is(err, ErrPayload):
		return "payload"
	case errors.Is(err, ErrSignature):
		return "signature"
	case errors.Is(err, ErrLegacyClosed):
		return "legacy_closed"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	}
	return ""
}

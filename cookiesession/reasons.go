package cookiesession

import (
	"errors"

	"github.com/cookiecodec/cookiecodec/codec"
)

// Reasons returns stable words for why the manager refused a session, one
// per cookie it tried, in the order tried, for metrics and log queries
// that should not parse error text. err is what the error hook or
// [Session.Discarded] got. The words (the cookiecodec command's --json
// error.kind uses the same ones for the causes both know):
//
//	expired        past its lifetime, idle timeout or max-age
//	future         issued later than the clock allows (clock skew)
//	unknown_key    sealed with a key the ring lacks
//	retired_key    sealed with a key retired from the ring
//	signature      forged, altered, or sealed for another name or purpose
//	malformed      not a cookie of the codec's format
//	legacy_closed  not native, after the migration window (LegacyUntil) closed
//	chunks         chunk cookies that do not make a session
//	too_large      over a size limit
//	payload        authentic, but its content is refused
//	rejected       refused by WithValidate (revocation)
//	not_saved      the session could not be written (ErrNotSaved)
//	other          anything else
//
// A request that carries several cookies of the session's name gets one
// word for each that was tried, so []string{"unknown_key", "expired"} is a
// rotation problem hidden behind an expired leftover. Reasons(nil) is nil.
func Reasons(err error) []string {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrNotSaved) {
		return []string{"not_saved"}
	}
	causes := []error{err}
	if multi, ok := err.(interface{ Unwrap() []error }); ok && errors.Is(err, ErrInvalidCookie) {
		for _, part := range multi.Unwrap() {
			if part == ErrInvalidCookie {
				continue
			}
			if joined, ok := part.(interface{ Unwrap() []error }); ok {
				causes = joined.Unwrap()
			} else {
				causes = []error{part}
			}
		}
	}
	out := make([]string, len(causes))
	for i, c := range causes {
		out[i] = reason(c)
	}
	return out
}

// reason is the word for one cookie's error.
func reason(err error) string {
	switch {
	case errors.Is(err, ErrRejected):
		return "rejected"
	case errors.Is(err, ErrChunks):
		return "chunks"
	case errors.Is(err, ErrNotObject):
		return "payload"
	}
	if word := codec.Reason(err); word != "" {
		return word
	}
	return "other"
}

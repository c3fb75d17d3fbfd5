package cookiesession

import "errors"

// Sentinel errors. Errors returned or reported by this package wrap one of
// them (and, where a codec decided, the codec's sentinel as well), so
// callers branch with [errors.Is]. A reported [ErrInvalidCookie] also wraps
// the reason each candidate cookie was refused, which may be [ErrChunks],
// [ErrRejected] or [ErrNotObject].
var (
	// ErrNoMiddleware is returned by every write to a session that did not
	// come from [Manager.LoadAndSave]: the handler is not wrapped, or it
	// asked the wrong [Manager]. Reads of such a session are empty, as with
	// Flask's NullSession.
	ErrNoMiddleware = errors.New("cookiesession: no session in this request: wrap the handler with Manager.LoadAndSave and get the session with the same Manager's Session method")

	// ErrCommitted is returned by writes after the response header was
	// sent, or after [Session.Commit]: the cookie is already on its way and
	// the change would be lost. Change the session before the first Write,
	// WriteHeader or Flush (or before Commit).
	ErrCommitted = errors.New("cookiesession: session already committed (the response started, or Session.Commit ran): change the session before writing the response")

	// ErrInvalidCookie is reported (never returned to the client) when the
	// request carried a session cookie that could not be used. The session
	// starts empty instead, as in Flask. The wrapped error says why
	// (codec.ErrSignature, codec.ErrExpired, [ErrChunks], ...).
	ErrInvalidCookie = errors.New("cookiesession: session cookie discarded")

	// ErrChunks: the cookies of a chunked session do not fit together (a
	// missing, extra or duplicated chunk, or a chunk count outside
	// 2..MaxChunks). It is checked before any decoding.
	ErrChunks = errors.New("cookiesession: inconsistent session cookie chunks")

	// ErrRejected: the session verified, but the validate hook (see
	// [WithValidate]) or the manager's own lifetime check refused it.
	ErrRejected = errors.New("cookiesession: session rejected")

	// ErrNotObject: the cookie verified, but its payload is not an object
	// (Flask answers such a payload with HTTP 500; this package starts an
	// empty session).
	ErrNotObject = errors.New("cookiesession: session payload is not an object")

	// ErrConfig: [New] or [NewFlask] refused the configuration. The message
	// says how to fix it.
	ErrConfig = errors.New("cookiesession: invalid configuration")

	// ErrNotSaved: the session could not be written to the response (it
	// does not fit in MaxChunks cookies, or the codec failed). The wrapped
	// error is the cause, e.g. a *codec.TooLargeError.
	ErrNotSaved = errors.New("cookiesession: session not saved")
)

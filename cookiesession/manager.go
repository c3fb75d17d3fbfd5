package cookiesession

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// Manager reads and writes the session cookie of every request that passes
// through its [Manager.LoadAndSave] middleware. It is safe for concurrent
// use and holds no per-session state. Build it with [New] (native format)
// or [NewFlask] (a session shared with a Flask app).
type Manager struct {
	cfg   config
	codec codec.SessionCodec

	maxSize int // len(name)+len(value) MaxChunks cookies can carry
	// readChunks is the most chunks a request's session may span, and
	// readSize the len(name)+len(value) they can carry: MaxChunks and
	// maxSize, except under NewFlask over a Flask codec that also reads
	// other formats (codec.FlaskOptions.AlsoRead), whose chunked sessions
	// it reads up to MaxChunksLimit.
	readChunks, readSize int
	// writeSize is maxSize, or less under WithMaxCookieHeader: the most
	// len(name)+len(value) a written session may take.
	writeSize int
	// trustedCodec: the codec is one of this module's, whose values are
	// base64url (and '.') by construction, so they are not re-checked.
	trustedCodec bool
	attrPrefix   string // "; Path=/[; Domain=d]"
	attrSuffix   string // "[; HttpOnly][; Secure][; SameSite=X][; Partitioned]"
	// previousPrefixes are the attrPrefix of each WithPreviousScope.
	previousPrefixes []string
	// ser is the codec's serializer, which Session.Set checks values
	// with and Get converts this request's own values through; nil for a
	// codec that does not say (see serializerOf).
	ser *serializer.Serializer
	// nativeCodec: the codec is *codec.Native, so a cookie of another
	// format was read by one of its Legacy readers (see migrating).
	nativeCodec bool
}

// ctxKey finds a manager's session in a request context. It holds only a
// pointer, so storing it in an interface does not allocate.
type ctxKey struct{ m *Manager }

// New returns a manager for sessions sealed by c, normally the native
// codec from [codec.NewNative]. A Flask codec is accepted too, for
// Flask-format cookies under this package's rules (chunks, the idle
// timeout, the 7-day lifetime), which Flask itself cannot all read: to
// share a session with a Flask app, use [NewFlask]. The defaults are a cookie named "session",
// Path "/", Secure, HttpOnly, SameSite=Lax, a 7-day absolute lifetime, a
// 24-hour idle timeout refreshed once half of it has passed, persistent
// cookies and up to 4 chunks; each [Option] documents its default.
//
// The manager enforces its lifetime and idle timeout from the times the
// codec reports for each cookie ([codec.Meta].Created and Issued). A
// format without a creation time (Flask's, here or read by a native
// codec's Legacy reader) has its absolute lifetime counted from the issue
// time of the cookie read, which each re-issue moves: only the idle
// timeout really holds for it. A codec of your own that reports neither
// time must enforce expiry itself.
//
// A native cookie is bound to its cookie name (and purpose): one issued as
// "session" is refused as "admin_session". A Flask cookie carries no name,
// so two managers over one Flask codec read each other's cookies: give each
// cookie name its own SECRET_KEY or salt (this holds for [NewFlask] too).
//
// New refuses a nil codec (there are then no keys), including a nil
// *codec.Native or *codec.Flask left by a constructor that failed, and any option set that
// a browser would reject or silently mangle, with an error wrapping
// [ErrConfig] that says how to fix it.
func New(c codec.SessionCodec, opts ...Option) (*Manager, error) {
	return build(c, false, opts)
}

// NewNative returns a manager for native sessions sealed with the keys of
// ring: [New] with codec.NewNative(ring, ...) built to match opts, so a
// lifetime or a clock is given once. The codec gets the clock of
// [WithClock], and a [WithLifetime] longer than its own default (30 days)
// as its lifetime; everything else is the codec's default
// (XChaCha20-Poly1305, purpose "session", no Legacy readers). For other codec
// options, such as a Purpose, Legacy readers of a format being retired or
// compression, build the codec with [codec.NewNative] and pass it to New.
//
// NewNative refuses a nil ring, and what New refuses, with an error
// wrapping [ErrConfig].
func NewNative(ring *codec.KeyRing, opts ...Option) (*Manager, error) {
	if ring == nil {
		return nil, fmt.Errorf("%w: no key ring: pass codec.ParseKeyRing(os.Getenv(\"SESSION_KEYS\")), or codec.NewKeyRing(key) with a key from codec.GenerateKey or codec.ParseKey", ErrConfig)
	}
	cfg := defaults(false)
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	options := codec.NativeOptions{Clock: cfg.clock}
	if cfg.lifetimeSet && cfg.lifetime > codec.DefaultLifetime {
		options.Lifetime = cfg.lifetime
	}
	c, err := codec.NewNative(ring, options)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return New(c, opts...)
}

// NewFlask returns a manager that shares its session with a Flask app: c
// must be the Flask codec ([codec.NewFlask]) with the app's SECRET_KEY; a
// native codec is refused with [ErrConfig]. It writes one cookie, as Flask
// reads only one; over a codec that also reads the native format
// (codec.FlaskOptions.AlsoRead, the first step of a move to it), it reads
// native sessions split into chunks too, up to [MaxChunksLimit], and
// deletes the chunks when it writes its cookie.
// It follows Flask's SecureCookieSessionInterface: cookie name "session";
// the lifetime (31 days by default) is the max-age of every cookie on load,
// permanent or not; permanent sessions (the "_permanent" key, see
// [Session.SetPermanent]) are re-sent on every response with Expires =
// now + lifetime and no Max-Age; other sessions are written only when
// modified and carry no Expires; an emptied session deletes the cookie;
// Vary: Cookie is added as in Flask 2.2.5+.
//
// Deliberate differences from Flask, each for safety: the cookie attributes
// keep this package's defaults (Secure, HttpOnly, SameSite=Lax; configure
// Flask with SESSION_COOKIE_SECURE=True and SESSION_COOKIE_SAMESITE="Lax"
// to match, or pass [WithSecure] and [WithSameSite]); a cookie that is
// validly signed but holds an undecodable payload starts an empty session
// instead of HTTP 500; a session over [CookieBudget] is refused (Flask
// only warns and the browser drops it); responses that set the cookie also
// get the cache policy described in the package documentation.
func NewFlask(c codec.SessionCodec, opts ...Option) (*Manager, error) {
	return build(c, true, opts)
}

// isNilPointer reports whether c holds a nil pointer (or another nil of a
// kind that has methods): the *codec.Native that codec.NewNative returns
// beside its error is not == nil as an interface, and would panic on the
// first request.
func isNilPointer(c codec.SessionCodec) bool {
	v := reflect.ValueOf(c)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

func build(c codec.SessionCodec, flask bool, opts []Option) (*Manager, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: no codec, and so no keys: pass codec.NewNative(codec.NewKeyRing(key)) (key from codec.GenerateKey or codec.ParseKey), or codec.NewFlask with the app's SECRET_KEY", ErrConfig)
	}
	if isNilPointer(c) {
		return nil, fmt.Errorf("%w: the codec is a nil %T, as the codec constructor returns with an error (often a missing or short key: check the errors of codec.ParseKey, NewKeyRing and NewNative, or NewFlask)", ErrConfig, c)
	}
	if _, ok := c.(*codec.Native); ok && flask {
		return nil, fmt.Errorf("%w: NewFlask needs the Flask codec (codec.NewFlask with the app's SECRET_KEY), not a native one, whose cookies Flask cannot read: use New for native sessions", ErrConfig)
	}
	cfg := defaults(flask)
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.sameSite == 0 {
		cfg.sameSite = http.SameSiteLaxMode
	}
	cfg.adoptCodecLimits(c)
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if err := cfg.checkCodecLimits(c); err != nil {
		return nil, err
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	if cfg.errorHandler == nil {
		cfg.errorHandler = defaultErrorHandler
	}
	m := &Manager{cfg: cfg, codec: c, ser: serializerOf(c)}
	switch c.(type) {
	case *codec.Native:
		m.trustedCodec, m.nativeCodec = true, true
	case *codec.Flask:
		m.trustedCodec = true
	}
	m.maxSize = len(cfg.name) + capacity(cfg.name, cfg.maxChunks)
	m.writeSize = m.maxSize
	m.readChunks, m.readSize = cfg.maxChunks, m.maxSize
	if f, ok := c.(*codec.Flask); ok && flask && f.AlsoReads() {
		m.readChunks = MaxChunksLimit
		m.readSize = len(cfg.name) + capacity(cfg.name, m.readChunks)
	}
	if cfg.maxCookieHeader > 0 {
		m.writeSize = len(cfg.name) + cookieHeaderCapacity(cfg.name, cfg.maxChunks, cfg.maxCookieHeader)
	}
	m.attrPrefix, m.attrSuffix = cfg.attributes()
	for _, p := range cfg.previous {
		m.previousPrefixes = append(m.previousPrefixes, p.prefix())
	}
	return m, nil
}

// serializerOf returns the serializer c converts values with, when c
// says (this module's codecs do), and nil otherwise.
func serializerOf(c codec.SessionCodec) *serializer.Serializer {
	if s, ok := c.(interface{ Serializer() *serializer.Serializer }); ok {
		return s.Serializer()
	}
	return nil
}

func defaultErrorHandler(w http.ResponseWriter, _ *http.Request, _ error) {
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// Name returns the cookie name.
func (m *Manager) Name() string { return m.cfg.name }

// Session returns the session of a request that passed through m's
// [Manager.LoadAndSave]. It never returns nil: without the middleware it
// returns a null session whose reads are empty and whose writes return
// [ErrNoMiddleware].
func (m *Manager) Session(r *http.Request) *Session {
	if s, ok := r.Context().Value(ctxKey{m}).(*Session); ok {
		if r != s.r {
			s.handlerReq.Store(r)
		}
		return s
	}
	return nullSession
}

// FromContext is [Manager.Session] for code that has only the context.
func (m *Manager) FromContext(ctx context.Context) *Session {
	if s, ok := ctx.Value(ctxKey{m}).(*Session); ok {
		return s
	}
	return nullSession
}

// errHandled marks a failure that Session.Save returned to the handler,
// whose answer stands: the default logger writes it at Warn, not Error.
var errHandled = errors.New("Save returned it to the handler")

// report sends err to the error hook, or logs it.
func (m *Manager) report(r *http.Request, err error) {
	var reasons []string
	if m.cfg.countReason != nil || m.cfg.onError == nil {
		reasons = Reasons(err)
	}
	if m.cfg.countReason != nil {
		for _, word := range reasons {
			m.cfg.countReason(word)
		}
	}
	if m.cfg.onError != nil {
		m.cfg.onError(r, err)
		return
	}
	level := slog.LevelInfo
	switch {
	case errors.Is(err, errHandled):
		level = slog.LevelWarn
	case errors.Is(err, ErrNotSaved):
		level = slog.LevelError
	case onlyExpired(err):
		level = slog.LevelDebug
	}
	reason := strings.Join(reasons, ",")
	if r == nil {
		m.cfg.logger.Log(context.Background(), level, "cookiesession", "cookie", m.cfg.name, "reason", reason, "err", err)
		return
	}
	m.cfg.logger.Log(r.Context(), level, "cookiesession", "cookie", m.cfg.name, "method", r.Method, "path", r.URL.Path, "reason", reason, "err", err)
}

// onlyExpired reports whether every cause of err is an expiry: the
// routine end of a session, which the default logger keeps at Debug. A
// discarded cookie joins the causes of all the candidates it tried, so
// one forged cookie among expired ones is not an expiry.
func onlyExpired(err error) bool {
	if !errors.Is(err, codec.ErrExpired) {
		return false
	}
	if multi, ok := err.(interface{ Unwrap() []error }); ok {
		for _, cause := range multi.Unwrap() {
			// The package's sentinels only label the causes beside them.
			if cause != ErrInvalidCookie && cause != ErrRejected && !onlyExpired(cause) {
				return false
			}
		}
		return true
	}
	if cause := errors.Unwrap(err); cause != nil {
		return onlyExpired(cause)
	}
	return true
}

// Info is the read-only envelope information of a session that came from a
// verified cookie. Fields the format does not carry are zero (the Flask
// format has only Issued and KeyIndex), except Created: for a format
// without it, Created is the cookie's issue time (Flask), or the time it
// was read when the codec reports no time at all. The manager's absolute
// lifetime runs from it, and a validate hook can compare it with a
// revocation time in every format.
type Info struct {
	codec.Meta
	// Chunks is the number of cookies that carried the session (1 when it
	// was not chunked).
	Chunks int
	// Size is the length of the cookie value after reassembly.
	Size int
}

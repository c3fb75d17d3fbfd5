package cookiesession

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"golang.org/x/net/publicsuffix"
)

// Limits and defaults.
const (
	// DefaultName is the cookie name when [WithName] is not given. Flask
	// uses the same name. "__Host-session" is stronger on HTTPS sites: the
	// browser then refuses the cookie unless it is Secure, host-only and
	// on Path=/, which defeats cookie tossing from sibling subdomains.
	DefaultName = "session"

	// DefaultLifetime is the absolute lifetime of a native session,
	// measured from its creation: 7 days.
	DefaultLifetime = 7 * 24 * time.Hour

	// DefaultIdleTimeout is the idle timeout of a native session, measured
	// from the last time its cookie was issued: 24 hours.
	DefaultIdleTimeout = 24 * time.Hour

	// FlaskLifetime is Flask's PERMANENT_SESSION_LIFETIME default, 31 days:
	// the max-age of every Flask-format cookie and the Expires of a
	// permanent one.
	FlaskLifetime = 31 * 24 * time.Hour

	// DefaultMaxChunks is the number of cookies a native session may span
	// when [WithMaxChunks] is not given: 4, about 16 KB. Each chunk is a
	// separate cookie and travels in every request's Cookie header; reverse
	// proxies have header limits of their own (nginx's defaults pass no
	// chunked session, HAProxy's at most 3 chunks, Apache's and Varnish's
	// a Cookie header of about 8 KB: see [WithMaxCookieHeader], "Behind
	// a reverse proxy" in README.md, and PROXIES.md in this directory).
	DefaultMaxChunks = 4

	// MaxChunksLimit is the largest accepted [WithMaxChunks]. Chromium keeps
	// at most 180 cookies per domain, and many proxies refuse request
	// headers over 8 to 16 KB.
	MaxChunksLimit = 16

	// CookieBudget is the most bytes of name plus value one cookie may hold.
	// Chromium and Firefox silently drop a cookie whose name and value
	// together exceed 4096 bytes (cmd/sessiondemo's TestBrowsers checks
	// that both keep 4096 and drop 4097; WebKitGTK keeps both), so every
	// cookie this package writes stays within it; a session that needs
	// more than MaxChunks such cookies is not written (see [ErrNotSaved]).
	CookieBudget = 4096

	// maxDecodeAttempts bounds the candidate cookies (duplicate names,
	// duplicate chunks) tried per request.
	maxDecodeAttempts = 8
)

// Refresh is the policy for re-issuing an unmodified session so that its
// expiry slides. Build one with [RefreshEachRequest], [RefreshAfter] or
// [RefreshNever].
type Refresh struct {
	each     bool
	after    bool // built by RefreshAfter, so fraction 0 is an error, not "never"
	fraction float64
}

// RefreshEachRequest re-issues the cookie on every response of a request
// that carried a valid session, as Flask does with
// SESSION_REFRESH_EACH_REQUEST (in Flask mode: permanent sessions only, as
// in Flask). Such requests always decode and encode the session, even when
// the handler never touches it. It is the default of [NewFlask].
var RefreshEachRequest = Refresh{each: true}

// RefreshNever re-issues the cookie only when the session changed.
var RefreshNever = Refresh{}

// RefreshAfter re-issues an unmodified session once the given fraction
// (0 < fraction < 1) of its idle window has passed since it was issued:
// the manager's idle timeout, or the cookie's own shorter validity when the
// codec has a shorter IdleTimeout; in Flask mode the window is the
// lifetime. A request whose handler never
// touches the session does not count as activity and costs nothing.
// RefreshAfter(0.5) is the default of [New]. [New] refuses a fraction
// outside (0, 1): at 1 the cookie expires just as the refresh falls due.
// A cookie whose codec reports no issue time (a zero [codec.Meta].Issued,
// possible only with a codec of your own; the native, Flask and gorilla
// codecs all report it) is never refreshed by RefreshAfter, since there is
// nothing to measure its window from: use [RefreshEachRequest] if such a
// codec's cookies need their expiry to slide.
func RefreshAfter(fraction float64) Refresh { return Refresh{after: true, fraction: fraction} }

// Option configures a [Manager]. Each option documents its default.
type Option func(*config)

type config struct {
	name, path, domain string
	secure, httpOnly   bool
	partitioned        bool
	sameSite           http.SameSite
	lifetime, idle     time.Duration
	refresh            Refresh
	persistent         bool
	maxChunks          int
	maxCookieHeader    int
	onError            func(*http.Request, error)
	countReason        func(reason string)
	errorHandler       func(http.ResponseWriter, *http.Request, error)
	logger             *slog.Logger
	validate           func(*http.Request, Info, map[string]any) error
	clock              codec.Clock
	flask              bool

	idleSet     bool // WithIdleTimeout was given
	lifetimeSet bool // WithLifetime was given

	previous []cookieScope // WithPreviousScope
}

// WithName sets the cookie name. The default is [DefaultName] ("session").
// Chunks of a large session are named NAME.2, NAME.3, and so on. A name
// starting with "__Host-" requires Secure, Path "/" and no Domain; one
// starting with "__Secure-" requires Secure. Browsers match these prefixes
// in any case ("__host-"), and so does [New].
func WithName(name string) Option { return func(c *config) { c.name = name } }

// WithPath sets the cookie's Path attribute. The default is "/". Browsers
// ignore a Path (or Domain) over 1024 bytes, so [New] refuses one.
//
// Changing the Path or the Domain of a deployed app leaves every browser
// with two cookies of the name, the old one and the new, and a browser
// sends both; the first that verifies wins (see the package
// documentation), which is often the old one, so a change written to the
// new cookie is not read back until the old one expires. Give the old
// Path and Domain to [WithPreviousScope], which deletes the old cookie on
// the next write; changing the cookie name ([WithName]) instead ends every
// session, since no option reads a cookie of another name.
func WithPath(path string) Option { return func(c *config) { c.path = path } }

// WithDomain sets the cookie's Domain attribute. The default is none: a
// host-only cookie, which sibling subdomains cannot read or overwrite. To
// change it in a deployed app, see [WithPath].
func WithDomain(domain string) Option { return func(c *config) { c.domain = domain } }

// WithPreviousScope names a Path and Domain ("" for a host-only cookie)
// that the session cookie had before: another app's cookie the manager
// takes over through a Legacy reader (a Flask app with
// SESSION_COOKIE_PATH="/app", say), or this app's own before a change of
// WithPath or WithDomain. A browser keeps such a cookie beside the
// manager's, since the manager's cookie does not replace a cookie of
// another Path or Domain: it would bring the old session back after a
// logout, or once the manager's cookie expired. With this option, every
// response that sets or deletes the session cookie also deletes it (and
// the chunks the request carried) under each previous scope, before the
// lines that set the new cookie: the response that migrates a session,
// and a login or a logout under another Path, where the browser does not
// send the old cookie. That costs one Set-Cookie line (about 100 bytes)
// per scope and chunk on such responses (the session's cookie and
// WithMaxChunks-1 chunk names, more when the request carried more): give
// the option once per scope, and remove it once the old cookies have
// expired. [New] refuses the manager's own
// scope (browsers ignore a Domain's leading dot and case, and so does the
// check) and a "__Host-" name, whose cookie has only one scope; the
// middleware answers 500 when another manager it runs inside writes a
// cookie of the same name in that scope.
func WithPreviousScope(path, domain string) Option {
	return func(c *config) { c.previous = append(c.previous, cookieScope{path: path, domain: domain}) }
}

// cookieScope is the Path and Domain of a cookie.
type cookieScope struct{ path, domain string }

// writes reports whether a manager configured as c writes, or deletes
// under a previous scope, the cookie that one configured as o writes (the
// names being equal), or the other way round, or whether their Paths nest,
// so that each reads the other's cookie under the longer one.
func (c *config) writes(o *config) bool {
	own, other := cookieScope{c.path, c.domain}, cookieScope{o.path, o.domain}
	if own.same(other) || own.nests(other) || other.nests(own) {
		return true
	}
	for _, p := range c.previous {
		if p.same(other) {
			return true
		}
	}
	for _, p := range o.previous {
		if p.same(own) {
			return true
		}
	}
	return false
}

// nests reports whether a request under sc's Path also carries a cookie of
// scope o, of the same Domain: o's Path is a prefix of sc's at a '/'
// boundary ("/" of "/admin", "/app" of "/app/x"). Two managers of one
// name so scoped each read the other's cookie under the longer Path.
func (sc cookieScope) nests(o cookieScope) bool {
	if !sameDomain(sc.domain, o.domain) || !strings.HasPrefix(sc.path, o.path) {
		return false
	}
	return strings.HasSuffix(o.path, "/") || len(sc.path) == len(o.path) || sc.path[len(o.path)] == '/'
}

// same reports whether browsers take sc and o for the same scope: the
// same Domain (sameDomain) and the same Path, compared as it is.
func (sc cookieScope) same(o cookieScope) bool {
	return sc.path == o.path && sameDomain(sc.domain, o.domain)
}

// sameDomain reports whether browsers take two Domain attributes for the
// same: a leading dot is ignored and case does not matter (RFC 6265,
// 5.2.3).
func sameDomain(a, b string) bool {
	return strings.EqualFold(strings.TrimPrefix(a, "."), strings.TrimPrefix(b, "."))
}

// WithSecure sets the Secure attribute. The default is true: the cookie
// travels over HTTPS only. Chromium, Firefox and Go's net/http/cookiejar
// treat http://localhost and loopback addresses as secure, so development
// with them works without turning it off; WebKitGTK (libsoup) drops a
// Secure cookie from http://127.0.0.1, so plain-HTTP development in a
// WebKitGTK browser needs WithSecure(false).
func WithSecure(secure bool) Option { return func(c *config) { c.secure = secure } }

// WithHTTPOnly sets the HttpOnly attribute. The default is true: scripts in
// the page cannot read the cookie.
func WithHTTPOnly(httpOnly bool) Option { return func(c *config) { c.httpOnly = httpOnly } }

// WithSameSite sets the SameSite attribute. The default is
// [http.SameSiteLaxMode]; [http.SameSiteNoneMode] requires Secure, and
// [http.SameSiteDefaultMode] omits the attribute.
func WithSameSite(mode http.SameSite) Option {
	return func(c *config) {
		if mode == http.SameSiteDefaultMode {
			mode = -1 // remembered as "omit"; 0 means "not configured"
		}
		c.sameSite = mode
	}
}

// WithPartitioned sets the Partitioned attribute (CHIPS: a third-party
// cookie keyed to the top-level site), for a site embedded in another
// site's frame. The default is false. It requires Secure and
// WithSameSite(http.SameSiteNoneMode): in a cross-site frame a browser
// stores and sends no other cookie, so [New] refuses Partitioned with Lax
// or Strict.
func WithPartitioned(partitioned bool) Option {
	return func(c *config) { c.partitioned = partitioned }
}

// WithLifetime sets the absolute lifetime. For [New] it is measured from
// the session's creation and survives refreshes; the default is
// [DefaultLifetime] (7 days). For [NewFlask] it is Flask's
// PERMANENT_SESSION_LIFETIME, measured from the last issue (Flask's
// max-age); the default is [FlaskLifetime] (31 days). The codec applies
// its own limits as well (codec.NativeOptions.Lifetime, 30 days by default;
// codec.FlaskOptions.MaxAge, 31 days): the shorter one wins, so [New] and
// [NewFlask] refuse with [ErrConfig] a lifetime given here that is longer
// than the codec's, which would be cut short silently. Without this option
// the manager takes the codec's limit when one was configured: a Flask
// codec's MaxAge under NewFlask (other than NoMaxAge), or a native codec's Lifetime other
// than its default; so setting FlaskOptions.MaxAge to the Flask app's
// PERMANENT_SESSION_LIFETIME is enough.
func WithLifetime(d time.Duration) Option {
	return func(c *config) { c.lifetime, c.lifetimeSet = d, true }
}

// WithIdleTimeout sets the idle timeout of [New]: a session whose cookie
// was not re-issued for this long expires. The default is
// [DefaultIdleTimeout] (24 hours), or the codec's own idle timeout when it
// has one and this option is not given; 0 turns it off. The codec's own
// idle timeout (codec.NativeOptions.IdleTimeout, none by default) applies
// as well: the shorter one wins, and the refresh policy follows it. So
// [New] refuses with [ErrConfig] an idle timeout given here that is longer
// than the codec's, or 0 when the codec has one.
// [NewFlask] refuses it: Flask's format carries only the issue time, use
// [WithLifetime].
//
// A persistent cookie's Expires and Max-Age end where the session would,
// so a browser left idle drops the cookie at the deadline: the app then
// sees a request without a session, not one that [Session.Discarded]
// reports as expired. To tell "your session expired" from "never signed
// in", keep a second cookie (say, "signed_in=1" with a long lifetime) and
// check it when the session is empty.
func WithIdleTimeout(d time.Duration) Option {
	return func(c *config) { c.idle, c.idleSet = d, true }
}

// WithRefresh sets the refresh policy. The default is RefreshAfter(0.5)
// for [New] and [RefreshEachRequest] for [NewFlask].
func WithRefresh(r Refresh) Option { return func(c *config) { c.refresh = r } }

// WithPersistent chooses between persistent cookies (Expires and Max-Age
// set to the envelope's expiry; for a codec that seals none, such as
// Flask's under [New], to the expiry the manager enforces on read, the
// idle timeout or the lifetime, whichever ends first) and browser-session
// cookies (no expiry
// attribute; the browser drops them when it closes, the envelope still
// expires). A session's own [Session.SetPermanent] overrides it. The
// default is true for [New] and false for [NewFlask], where only sessions
// marked permanent get an Expires, as in Flask.
func WithPersistent(persistent bool) Option {
	return func(c *config) { c.persistent = persistent }
}

// WithMaxChunks sets how many cookies one session may span (1 disables
// chunking). The default is [DefaultMaxChunks] for [New]; [NewFlask]
// allows only 1, because Flask cannot reassemble chunks. The largest value
// accepted is [MaxChunksLimit]. Lowering it ends the sessions already
// written over more cookies (they are refused, with an [ErrChunks] that
// names the setting); to shrink sessions without logging anyone out,
// lower [WithMaxCookieHeader] instead, which bounds what is written and
// still reads larger sessions.
func WithMaxChunks(n int) Option { return func(c *config) { c.maxChunks = n } }

// MinCookieHeader is the smallest bound [WithMaxCookieHeader] accepts: a
// native session cookie takes about 100 bytes before any data.
const MinCookieHeader = 512

// WithMaxCookieHeader bounds the bytes the session's cookies add to a
// request's Cookie header, counted as browsers send them: each cookie as
// name=value, joined by "; ". A session that would need more is not
// written, as one over [WithMaxChunks] is not: the request's error hook
// gets an error wrapping [ErrNotSaved], the commit error handler answers
// (500 by default; [Session.Save] lets a handler see it first), and the
// client keeps the cookies it had. The default, 0, means no bound but
// WithMaxChunks; otherwise n must be at least [MinCookieHeader].
//
// Set it when a proxy in front of the app limits the Cookie header: a
// response may set cookies that such a proxy passes, and then the proxy
// refuses every request that carries them, with 400, before the app sees
// it, until they expire or are cleared. With their defaults, Apache httpd
// and Varnish do that to a Cookie header of more than about 8 KB (8,183
// bytes pass, 8,186 do not; measured by TestApache and TestVarnish), and
// so does nginx once its response buffers are raised (8,181 bytes pass,
// 8,183 do not; TestNginx). Two full chunks make 8,196 bytes, so
// WithMaxChunks(2) alone does not keep a session under it: behind such a
// proxy, use WithMaxCookieHeader(7168) or less, which leaves room for the
// site's other cookies. Over HTTP/2, Apache joins the cookies and refuses
// more than 8,182 bytes, with 431; and however high its limits, it sends
// no response header block over 64 KiB, so behind it with
// WithMaxChunks(16) use WithMaxCookieHeader(61440) (TestApacheHTTP2).
//
// Go's own server limits request headers too, to 1 MB by default. An app
// that lowers http.Server.MaxHeaderBytes should set n 2048 below it, for
// the browser's other headers: with MaxHeaderBytes at 16 KiB, a bound of
// 14,336 keeps Chromium, Firefox and WebKitGTK reading the session over
// HTTP/2, where a bound of 16,384 lets through a session that gets 431 on
// every later request (TestBrowsersGoMaxHeaderBytes).
//
// The bound applies to writing only: a session already in the client's
// cookies is still read when it fits in [WithMaxChunks] cookies. When
// such a session is only due for a refresh (or a re-issue under the
// primary key), and does not fit, it is not re-issued: the error hook gets
// the ErrNotSaved, the response stands, and the client keeps its cookie
// until the session is changed (then the commit error handler answers)
// or expires.
func WithMaxCookieHeader(n int) Option { return func(c *config) { c.maxCookieHeader = n } }

// WithErrorHook registers a function that receives every error this
// package does not return to a caller: a discarded cookie (wrapping
// [ErrInvalidCookie]) and a session that could not be saved (wrapping
// [ErrNotSaved]). It replaces the default logging. It must be safe for
// concurrent use and must not call methods of the request's [Session]
// (it may run while the session loads). The reason is never sent to the
// client. Like every hook, it gets the request the handler last passed to
// [Manager.Session], so context values that middleware inside
// LoadAndSave added are there (with only [Manager.FromContext], the
// middleware's own request).
func WithErrorHook(hook func(r *http.Request, err error)) Option {
	return func(c *config) { c.onError = hook }
}

// WithReasonCounter calls count once for each word [Reasons] gives for
// every error the manager reports ("expired", "unknown_key", "not_saved",
// ...), beside the error hook or the default logging, which it does not
// replace: a metric of refused cookies by reason without parsing log text.
// A spike of "expired" on one server is the sign of its clock running
// ahead; "unknown_key" during a rollout, of a server without the new key.
// count must be safe for concurrent use and fast (it runs in the request).
//
//	refused := expvar.NewMap("session_refused")
//	cookiesession.WithReasonCounter(func(r string) { refused.Add(r, 1) })
func WithReasonCounter(count func(reason string)) Option {
	return func(c *config) { c.countReason = count }
}

// WithLogger sets the logger used when no error hook is set. The default is
// [slog.Default]. Discarded cookies are logged at Info (Debug when every
// cookie tried had merely expired), failures to save at Error, except one
// that [Session.Save] returned to the handler, whose answer stands: Warn
// (a handler that drops that error answers 200 for a change that was not
// saved). A record
// has the message "cookiesession" and the attributes cookie (the cookie's
// name), method and path (the request's; never its query, which can carry
// tokens), reason (the words of [Reasons], joined by commas) and err. The
// logger gets the request's context, so a handler that adds request ids
// from it adds them here too. Nothing samples these records: a flood of
// bad cookies is a flood of records, so put a sampling slog.Handler here,
// or count with [WithReasonCounter] and log less.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithCommitErrorHandler sets what answers the client when the session
// cannot be saved at commit time (it does not fit, or the codec failed).
// The default replies 500 Internal Server Error with a generic text; the
// handler's own status and body are then discarded, with the headers it
// set that describe them (see [Manager.LoadAndSave]). r is the request the
// handler passed to [Manager.Session], as for [WithErrorHook]. Use [Session.Save] in
// the handler to catch the problem while it can still answer: when Save
// has returned the error and the session has not changed since, the
// handler's own answer goes out and this handler does not run.
func WithCommitErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) Option {
	return func(c *config) { c.errorHandler = h }
}

// WithValidate registers a hook that runs after a cookie verified and
// before its session is used. Returning an error discards the session (the
// request continues with an empty one and the error goes to the error hook
// wrapped in [ErrRejected]). data must not be modified, and the hook must
// not call methods of the request's [Session] (it runs while the session
// loads). It must be safe for concurrent use. r is the request the
// handler passed to [Manager.Session], as for [WithErrorHook]. The hook is
// how a stateless session is revoked: see the "log out everywhere" example.
func WithValidate(validate func(r *http.Request, info Info, data map[string]any) error) Option {
	return func(c *config) { c.validate = validate }
}

// WithClock sets the clock used for expiry decisions and cookie
// attributes. The default is [time.Now]. Give the codec the same clock.
func WithClock(clock codec.Clock) Option { return func(c *config) { c.clock = clock } }

func (c *config) now() time.Time {
	if c.clock == nil {
		return time.Now()
	}
	return c.clock()
}

func defaults(flask bool) config {
	c := config{
		name:       DefaultName,
		path:       "/",
		secure:     true,
		httpOnly:   true,
		sameSite:   http.SameSiteLaxMode,
		lifetime:   DefaultLifetime,
		idle:       DefaultIdleTimeout,
		refresh:    RefreshAfter(0.5),
		persistent: true,
		maxChunks:  DefaultMaxChunks,
		flask:      flask,
	}
	if flask {
		c.lifetime = FlaskLifetime
		c.idle = 0
		c.refresh = RefreshEachRequest
		c.persistent = false
		c.maxChunks = 1
	}
	return c
}

// check refuses a configuration that browsers would silently mangle or that
// cannot work, with a message that says how to fix it.
func (c *config) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	if c.name == "" || !isToken(c.name) {
		return bad("cookie name %q is not a valid token: use letters, digits and !#$%%&'*+-.^_`|~", c.name)
	}
	if len(c.name) > 256 {
		return bad("cookie name is %d bytes: keep it under 256 so the value has room", len(c.name))
	}
	if err := checkScope(cookieScope{c.path, c.domain}); err != "" {
		return bad("%s", err)
	}
	for _, p := range c.previous {
		if err := checkScope(p); err != "" {
			return bad("WithPreviousScope: %s", err)
		}
		if p.same(cookieScope{c.path, c.domain}) {
			return bad("WithPreviousScope(%q, %q) is the manager's own Path and Domain, whose cookie every write replaces already: drop it", p.path, p.domain)
		}
		if hasPrefixFold(c.name, "__Host-") {
			return bad("WithPreviousScope with a __Host- name: a __Host- cookie has Path / and no Domain only, so there is no other scope to delete")
		}
	}
	if hasPrefixFold(c.name, "__Host-") {
		switch {
		case c.domain != "":
			return bad("a __Host- cookie cannot have a Domain (%q): drop WithDomain, or rename the cookie without the __Host- prefix", c.domain)
		case c.path != "/":
			return bad("a __Host- cookie must have Path \"/\", not %q: drop WithPath, or rename the cookie without the __Host- prefix", c.path)
		case !c.secure:
			return bad("a __Host- cookie must be Secure: drop WithSecure(false), or rename the cookie without the __Host- prefix")
		}
	}
	if hasPrefixFold(c.name, "__Secure-") && !c.secure {
		return bad("a __Secure- cookie must be Secure: drop WithSecure(false), or rename the cookie")
	}
	if c.sameSite == http.SameSiteNoneMode && !c.secure {
		return bad("SameSite=None requires Secure (browsers reject the cookie otherwise): drop WithSecure(false), or use http.SameSiteLaxMode")
	}
	if c.sameSite != -1 && c.sameSite != http.SameSiteLaxMode && c.sameSite != http.SameSiteStrictMode && c.sameSite != http.SameSiteNoneMode {
		return bad("unknown SameSite mode %d: use one of the http.SameSite constants", c.sameSite)
	}
	if c.partitioned && !c.secure {
		return bad("a Partitioned cookie must be Secure: drop WithSecure(false)")
	}
	if c.partitioned && c.sameSite != http.SameSiteNoneMode {
		return bad("a Partitioned cookie is for a site embedded in another site's frame, where browsers send a cookie only with SameSite=None: add WithSameSite(http.SameSiteNoneMode), or drop WithPartitioned")
	}
	if c.lifetime <= 0 {
		return bad("lifetime %v must be positive", c.lifetime)
	}
	if c.lifetime < time.Second {
		return bad("lifetime %v must be at least one second", c.lifetime)
	}
	if c.idle < 0 || (c.idle > 0 && c.idle < time.Second) {
		return bad("idle timeout %v must be at least one second, or 0 to turn it off", c.idle)
	}
	if c.idleSet && c.lifetime > 0 && c.idle > c.lifetime {
		return bad("WithIdleTimeout(%v) is longer than the lifetime, %v, which ends every session first: give WithLifetime too (at least %v), or shorten the idle timeout", c.idle, c.lifetime, c.idle)
	}
	if c.refresh.after && !(c.refresh.fraction > 0 && c.refresh.fraction < 1) {
		return bad("refresh fraction %v must be in (0, 1) (at 1 the cookie expires as the refresh falls due): use RefreshNever to turn refreshing off", c.refresh.fraction)
	}
	if c.maxChunks < 1 || c.maxChunks > MaxChunksLimit {
		return bad("max chunks %d must be between 1 and %d", c.maxChunks, MaxChunksLimit)
	}
	if c.maxCookieHeader != 0 && c.maxCookieHeader < MinCookieHeader {
		return bad("max Cookie header %d must be 0 (no bound) or at least %d", c.maxCookieHeader, MinCookieHeader)
	}
	if c.flask {
		if c.maxChunks != 1 {
			return bad("Flask cannot read a session split over several cookies: drop WithMaxChunks in Flask mode")
		}
		if c.idleSet {
			return bad("the Flask format carries only the issue time, so it has no separate idle timeout: use WithLifetime (Flask's PERMANENT_SESSION_LIFETIME)")
		}
	}
	if c.lifetime > 400*24*time.Hour {
		return bad("lifetime %v exceeds 400 days, the most a browser keeps a cookie: shorten it", c.lifetime)
	}
	return nil
}

// checkScope returns what is wrong with a cookie's Path and Domain, or "".
func checkScope(sc cookieScope) string {
	switch {
	case sc.path == "" || sc.path[0] != '/' || !validAttr(sc.path):
		return fmt.Sprintf("path %q must start with / and contain no control characters or ';'", sc.path)
	case strings.TrimSpace(sc.path) != sc.path || strings.TrimSpace(sc.domain) != sc.domain:
		return fmt.Sprintf("path %q or domain %q has white space at an end, which browsers strip, so it names another cookie than it seems", sc.path, sc.domain)
	case len(sc.path) > 1024 || len(sc.domain) > 1024:
		return "path or domain over 1024 bytes: browsers ignore such an attribute (the cookie then gets the request's default path, or becomes host-only)"
	case sc.domain != "" && !hostChars(sc.domain):
		return fmt.Sprintf("domain %q is not a host name: use ASCII letters, digits, '-' and '.' only (write an internationalized name in its xn-- form; a wildcard or a list matches no host)", sc.domain)
	case sc.domain != "":
		return checkDomain(sc.domain)
	}
	return ""
}

// checkDomain returns why browsers would refuse a cookie with this Domain
// attribute, or "": every browser drops such a cookie, so a login would
// not stick and nothing would be logged. A leading dot is ignored, as
// browsers ignore it.
func checkDomain(domain string) string {
	d := strings.TrimPrefix(domain, ".")
	if d == "" || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..") {
		return fmt.Sprintf("domain %q has an empty label (browsers refuse a cookie for it, a trailing dot included): write it as example.com", domain)
	}
	if net.ParseIP(d) != nil || endsInNumber(d) {
		return fmt.Sprintf("domain %q is an IP address, which no other host shares: drop WithDomain (the cookie is then host-only)", domain)
	}
	if !strings.Contains(d, ".") {
		return fmt.Sprintf("domain %q is a single label (localhost, or a top-level domain), which no other host shares and browsers treat as a public suffix: drop WithDomain (the cookie is then host-only)", domain)
	}
	if suffix, _ := publicsuffix.PublicSuffix(strings.ToLower(d)); suffix == strings.ToLower(d) {
		return fmt.Sprintf("domain %q is a public suffix (a top-level domain such as com, or one such as co.uk or github.io under which anyone can register a name), for which browsers refuse cookies: use your own domain (example.com), or drop WithDomain for a host-only cookie", domain)
	}
	return ""
}

// hostChars reports whether domain holds only the characters of a host
// name: ASCII letters, digits, '-', '_' (some hosts have one) and '.'.
func hostChars(domain string) bool {
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// endsInNumber reports whether a host's last label is a number (decimal,
// or hexadecimal after 0x), which makes browsers, following the URL
// standard, read the whole host as an IPv4 address: 127.1 and
// 0x7f.0.0.1 are 127.0.0.1.
func endsInNumber(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if len(last) > 1 && (last[:2] == "0x" || last[:2] == "0X") {
		last = last[2:]
		return strings.Trim(last, "0123456789abcdefABCDEF") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// adoptCodecLimits gives the manager the limits configured on the codec
// where no option set the manager's own: a codec built with
// FlaskOptions.MaxAge of 90 days (the Flask app's
// PERMANENT_SESSION_LIFETIME) or NativeOptions.Lifetime or IdleTimeout
// other than their defaults means that lifetime, and leaving the manager
// on its default would end sessions sooner than the codec allows and give
// the cookie an Expires that does not match. A native codec's default
// lifetime (30 days) is not adopted: the manager's default, 7 days, is the
// shorter session meant when nothing was configured.
func (c *config) adoptCodecLimits(cd codec.SessionCodec) {
	switch cd := cd.(type) {
	case *codec.Native:
		if !c.lifetimeSet && cd.Lifetime() != codec.DefaultLifetime {
			c.lifetime = cd.Lifetime()
		}
		if !c.idleSet && cd.IdleTimeout() > 0 {
			c.idle = cd.IdleTimeout()
		}
	case *codec.Flask:
		// Only under NewFlask, where the lifetime is Flask's max-age; New
		// over a Flask codec keeps its own session lifetime.
		if maxAge := cd.MaxAge(); c.flask && !c.lifetimeSet && maxAge > 0 && maxAge != codec.NoMaxAge {
			c.lifetime = maxAge
		}
	}
}

// checkCodecLimits refuses a lifetime or idle timeout given to the
// manager that the codec's own limits would silently cut short: the
// shorter limit wins, so a WithLifetime of 60 days over a native codec of
// the default 30 would end sessions on day 30. Limits left at the
// manager's defaults are not checked: a codec configured shorter on
// purpose wins, as documented.
func (c *config) checkCodecLimits(cd codec.SessionCodec) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch cd := cd.(type) {
	case *codec.Native:
		if c.lifetimeSet && c.lifetime > cd.Lifetime() {
			return bad("WithLifetime(%v) is longer than the codec's own lifetime, %v (codec.NativeOptions.Lifetime, 30 days by default), which would end sessions first: set NativeOptions.Lifetime to at least %v (cookiesession.NewNative does that for you), or shorten WithLifetime", c.lifetime, cd.Lifetime(), c.lifetime)
		}
		if idle := cd.IdleTimeout(); c.idleSet && idle > 0 {
			if c.idle == 0 {
				return bad("WithIdleTimeout(0) turns the idle timeout off, but the codec's own, %v (codec.NativeOptions.IdleTimeout), would still end idle sessions: drop one of the two", idle)
			}
			if c.idle > idle {
				return bad("WithIdleTimeout(%v) is longer than the codec's own idle timeout, %v (codec.NativeOptions.IdleTimeout), which would end idle sessions first: give both the same value, or set only WithIdleTimeout", c.idle, idle)
			}
		}
	case *codec.Flask:
		if maxAge := cd.MaxAge(); c.lifetimeSet && maxAge != codec.NoMaxAge && c.lifetime > maxAge {
			return bad("WithLifetime(%v) is longer than the codec's MaxAge, %v (codec.FlaskOptions.MaxAge, 31 days by default), which would refuse the cookies first: set FlaskOptions.MaxAge to at least %v, or shorten WithLifetime", c.lifetime, maxAge, c.lifetime)
		}
	}
	return nil
}

// hasPrefixFold reports whether s starts with prefix, ignoring case: browsers
// apply the rules of the __Host- and __Secure- prefixes to any spelling
// (RFC 6265bis; Chromium drops "__host-s=1; Path=/" as it drops "__Host-").
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// isToken reports whether s is an RFC 7230 token (a valid cookie name).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0:
		default:
			return false
		}
	}
	return true
}

// validAttr reports whether s may appear as a cookie attribute value.
func validAttr(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x7f || b == ';' {
			return false
		}
	}
	return true
}

// Package cookiesession keeps a web session entirely in a signed or
// encrypted cookie: net/http middleware, the session object, chunking over
// 4 KB, revocation and a Flask-compatible mode. The server stores nothing.
//
// Start with [NewNative] (or [New] over a codec built with
// codec.NewNative) and [Manager.LoadAndSave]:
//
//	ring, err := codec.ParseKeyRing(os.Getenv("SESSION_KEYS")) // keys made by `cookiecodec keygen`
//	...
//	sessions, err := cookiesession.NewNative(ring)
//	...
//	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
//		s := sessions.Session(r)
//		n, _ := cookiesession.Get[int](s, "visits")
//		if err := s.Set("visits", n+1); err != nil {
//			http.Error(w, "session not saved", http.StatusInternalServerError)
//			return
//		}
//		fmt.Fprintf(w, "visit %d\n", n+1)
//	})
//	http.ListenAndServe(addr, sessions.LoadAndSave(mux))
//
// To share a session with a Flask app, build the manager with [NewFlask]
// over codec.NewFlask and the app's SECRET_KEY.
//
// Routers take LoadAndSave as any net/http middleware: r.Use with chi and
// gorilla/mux, e.Use(echo.WrapMiddleware(...)) with echo, and
// LoadAndSave(engine) around a gin engine. The tests in
// cookiesession/frameworks (a module of its own) run all four.
//
// # When the cookie is written
//
// The session is decoded on first use. The cookie is written just before
// the response starts, at most once, and only when the session was
// modified, renewed or destroyed, when it was verified with a fallback key
// (it is then re-issued under the primary key), or when the refresh policy
// says it is due ([WithRefresh]). An empty session is never written: if it
// became empty in this request the cookie is deleted. See
// [Session.MarkModified] for changes made inside nested values. When
// something other than the middleware's writer sends the response head (a
// WebSocket library that hijacks the connection and writes its own 101),
// [Session.Commit] writes the cookie headers into a header of your choice.
//
// Behind [http.TimeoutHandler] the placement decides what a timed-out
// request keeps. Put TimeoutHandler outside LoadAndSave (the usual choice)
// and the timeout's 503 carries no cookie: the handler's changes are
// dropped with the rest of its response, and the client keeps the session
// it had. Put it inside and the 503 goes through the session's writer, so
// it commits the session as the handler had left it when time ran out;
// the handler, which TimeoutHandler does not stop, gets [ErrCommitted] for
// any later change. Either way the session is safe to use from the
// handler's goroutine while the 503 is written.
//
// # Caching
//
// A response that set, refreshed or deleted the cookie, or whose handler
// read the session, gets "Vary: Cookie" (as Flask 2.2.5+, against
// CVE-2023-30861). A response that sets or deletes the cookie also gets
// the cache policy `Cache-Control: private, no-cache="Set-Cookie"`, so
// that no shared cache stores one user's cookie and hands it to another:
// a handler's own Cache-Control is kept if it already says private (not
// private="field", which lets shared caches store the rest) or no-store; otherwise "public" and "s-maxage" are removed and the policy
// is put in front of the remaining directives. Cache policies addressed to
// CDNs alone (CDN-Cache-Control and other RFC 9213 fields, Surrogate-Control),
// which such caches obey instead of Cache-Control, are removed. Pages meant
// for shared caches must not touch the session. These headers are decided when the
// response starts: a handler that first reads the session after its first
// Write, WriteHeader or Flush (a streamed page) must set "Vary: Cookie"
// itself.
//
// # Chunking
//
// A session larger than one cookie ([CookieBudget], 4096 bytes of name
// and value, the limit past which browsers drop a cookie silently) is
// split over up to [WithMaxChunks] cookies named NAME, NAME.2, NAME.3, ...
// The first holds "~n~" and the first part; the codec's MAC over the
// reassembled value protects the whole, so a missing, swapped, stale or
// truncated chunk makes the session invalid (fail closed), and a chunk
// count outside 2..MaxChunks is refused before anything is decoded. Chunk
// cookies the value does not use (numbered above n, or beside an
// unchunked NAME) are ignored: parallel requests leave them behind, and
// refusing the session for them would log the user out. Chunks no longer
// needed, these included, are deleted by the next write, and when the
// session shrinks. A session
// that needs more than MaxChunks cookies is not written at all: the
// request's error hook gets an error wrapping [ErrNotSaved] and
// codec.ErrTooLarge, and the commit error handler answers (500 by
// default). [Session.Save] lets a handler detect this while it can still
// answer. Each chunk travels in every request's Cookie header: proxies
// often refuse request headers over 8 to 16 KB, some (Apache httpd and
// Varnish with their defaults) only after passing the response that set
// them, so that every later request fails. [WithMaxCookieHeader] bounds
// the Cookie header a session may need; a session over it is not written
// either.
//
// # Duplicate cookies
//
// A request may carry several cookies with the session's name (a parent
// domain's cookie, a tossed cookie from a sibling subdomain). Each is tried
// in the order of the Cookie header and the first that verifies and passes
// the checks wins; at most 8 candidates are tried. Use a "__Host-" name on
// HTTPS sites to make tossing impossible. First, not newest: preferring
// the newest would decode every candidate and run the validate hook on
// each, and would not stop tossing (an attacker can mint a fresh cookie of
// their own); the price is that after a change of Path or Domain the old
// cookie may win, so give the old ones to [WithPreviousScope], which
// deletes that cookie on the next write (see [WithPath]). While a
// native codec migrates an older format, a native cookie wins over one
// only a Legacy reader accepts.
//
// The winner is what the next write or refresh re-issues under the
// manager's own name, Path and Domain. So without "__Host-", one request
// that carries a tossed session (on a longer Path, say) moves the victim
// into the attacker's session for good, after the tossed cookie is gone;
// and [Session.Destroy] deletes only the manager's own cookie, never one
// set for another Domain or Path.
//
// A cookie that cannot be used is not deleted by a response that does not
// write the session, as in Flask: during a rolling deploy or a key
// rotation, a server that lacks a key would otherwise delete sessions the
// other servers read. It costs a decode and a report per request until
// the cookie expires or the session is written.
//
// # Errors
//
// Nothing in a request panics. A hook of the app that panics while the
// session loads (WithValidate, WithErrorHook, WithReasonCounter, the
// logger) releases the session first, so a recovering middleware inside
// LoadAndSave answers as usual. A cookie that cannot be used (tampered,
// expired, revoked, malformed) starts an empty session, as in Flask; the
// reason goes to [WithErrorHook] or is logged with log/slog, never to the
// client. A session used without the middleware reads empty and its writes
// return [ErrNoMiddleware], like Flask's NullSession.
//
// The errors a write (Set, Delete, Clear, AddFlash, AddFlashValue,
// SetPermanent, MarkModified, Renew, Destroy) can return are, in full:
// [ErrNoMiddleware] outside the middleware (a handler called directly in
// a test, say); [ErrCommitted] after the response started (a late Renew
// or Destroy is also reported to the error hook); and, from Set and
// AddFlashValue, an error wrapping [serializer.ErrUnsupportedType] or
// [serializer.ErrTooDeep] for a value the codec could never save. A
// session too large to save is reported when it is saved: by
// [Session.Save], or to the error hook with [ErrNotSaved] after the
// handler returns. So an app can check these in one place, or log the
// error of each write.
//
// # Security
//
// The defaults suit an HTTPS site; SECURITY.md gives the threat model and
// the reasons. The cookie is Secure, HttpOnly and SameSite=Lax. A native
// session ends 24 hours after its cookie was last issued
// ([DefaultIdleTimeout]) or 7 days after it was created
// ([DefaultLifetime]), whichever comes first, and its payload is
// encrypted (XChaCha20-Poly1305) unless the codec is built sign-only; a
// Flask cookie can be read by anyone. [New] refuses settings that a
// browser would drop, or that would weaken the cookie without a word:
// SameSite=None or Partitioned without Secure, a __Host- or __Secure- name
// without Secure, a Domain that is a public suffix, an IP address or a
// single label, and an idle timeout longer than the lifetime; the
// middleware answers 500 when two managers are stacked on one cookie. The
// middleware does not check where a request comes from,
// and SameSite=Lax does not stop a request from a sibling subdomain (the
// same site): put [net/http.CrossOriginProtection] around the handlers
// that change state. Call [Session.Renew] at login. Neither format can be
// withdrawn before it expires, except through [WithValidate] (see
// Revocation). Every cookie is verified in constant time before anything
// in it is parsed, and the limits on its size, chunks and nesting bound
// the work one request can cause.
//
// # Revocation
//
// A stateless cookie stays valid until it expires, even after logout, if
// someone kept a copy. [WithValidate] runs after verification and can
// refuse a session, for example one created before the user's last
// "log out everywhere": see the example. [Info].Created serves for this in
// every format; in Flask's, which has no creation time, it is the
// cookie's issue time. It has whole seconds, so store the revocation time
// truncated to the second: time.Now().Truncate(time.Second). Otherwise a
// session created in the same second, after the revocation (the user
// logging in again at once), is refused for good; truncated, a session
// created in that second before the revocation survives it, the smaller
// error. In the Flask format, store the next second instead,
// time.Now().Truncate(time.Second).Add(time.Second): a read re-issues a
// Flask cookie with a new issue time, so a copy re-issued in the cutoff
// second would survive, and be re-issued ever after; a login in that
// second after the revocation is then refused once.
//
// # Migrating from gorilla/sessions or Flask
//
// A native codec with Legacy readers (codec.NativeOptions.Legacy:
// codec.NewGorillaMigration, a Flask codec) reads the old app's cookies,
// and the manager re-issues each in the native format on that response.
// Such a cookie is held to its reader's own age limit, the old app's rule
// from its last save (gorilla's MaxAge, Flask's max-age), not to
// [WithLifetime] and [WithIdleTimeout]: those start at the re-issue, so
// the switch itself logs out nobody the old app would have kept; from
// then on the manager's limits apply, so match them to the old app's
// (24 hours idle by default, where Flask and gorilla count up to their
// max-age from each save: see docs/migrating.md). [WithValidate]
// sees the old cookie's time as Created. A gorilla cookie's text flashes
// (gorilla's "_flash") show in [Session.Flashes]. The manager recognises
// such cookies when its codec is the *codec.Native itself: wrapped in a
// codec of another type, they are held to the manager's limits like any
// other.
package cookiesession

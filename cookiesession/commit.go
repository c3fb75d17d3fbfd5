package cookiesession

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// encoded is a session sealed and split into cookie values.
type encoded struct {
	gen     int
	value   string   // the whole cookie value
	parts   []string // the chunk values, nil when value fits in one cookie
	meta    codec.Meta
	now     time.Time
	expires time.Time // cookie Expires; zero for a browser-session cookie
}

// commit decides what the response says about the session and writes the
// headers. It runs once, before the first byte of the body or when the
// handler returns. The caller reports a returned error.
//
// The decision, in order:
//  1. Untouched session: nothing, unless the refresh policy is
//     RefreshEachRequest and the request carried the cookie (as in Flask,
//     the session is then loaded here).
//  2. Vary: Cookie if the handler read or wrote the session.
//  3. Empty session: if modified (Clear, Destroy, last key deleted), delete
//     the cookie and every chunk the request carried; otherwise nothing.
//  4. Otherwise write the cookie if it was modified or renewed, verified
//     with a fallback key, or due for refresh; delete chunks it no longer
//     needs.
//
// Every response that sets or deletes a cookie gets Vary: Cookie and the
// cache policy of [applyCachePolicy].
func (s *Session) commit(h http.Header) error {
	// Commit returns these two unwrapped; for the middleware they mean
	// there is nothing (more) to write.
	switch err := s.Commit(h); err {
	case ErrNoMiddleware:
		return nil
	case ErrCommitted:
		// Session.Commit sent the cookie headers elsewhere and the handler
		// answers through the middleware after all (say, an upgrade that
		// failed): a response that depends on the session still varies on
		// the cookie.
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.accessed && needVary(h["Vary"]) {
			h.Add("Vary", "Cookie")
		}
		return nil
	default:
		if err != nil && s.handlerHasError() {
			// Save already gave the handler this error and the session
			// has not changed since: the handler's answer stands.
			s.m.report(s.hookRequest(), fmt.Errorf("%w (%w)", err, errHandled))
			return nil
		}
		return err
	}
}

// handlerHasError reports whether the session is as it was when Save
// returned an error to the handler.
func (s *Session) handlerHasError() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveErr != nil && s.saveErrGen == s.gen
}

// Commit ends the session's changes for this request and writes what the
// middleware would write just before the response starts (the cookie or
// its deletion, "Vary: Cookie", the cache policy) into h instead. It is
// for a response head that does not go through the middleware's writer:
// gorilla/websocket's Upgrader.Upgrade hijacks the connection and writes
// its own 101 response with the header it is given, so give it h.
// Libraries that call WriteHeader(101) before they hijack, such as
// coder/websocket, need nothing: the middleware commits there. Without
// Commit, changes made before such an upgrade are not saved.
//
// Afterwards the session's changes return [ErrCommitted] and the
// middleware writes no cookie for it, even when the handler then answers
// normally (that answer still gets "Vary: Cookie" if the session was
// read). Errors: [ErrNoMiddleware], [ErrCommitted] when the
// session was already committed, or a failure to encode, as
// [Session.Save] reports it (no cookie is then written into h, and the
// client keeps the cookie it has; the middleware does not answer with its
// commit error handler, the handler decides).
func (s *Session) Commit(h http.Header) error {
	if s.m == nil {
		return ErrNoMiddleware
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.committed {
		return ErrCommitted
	}
	return s.commitLocked(h)
}

// commitLocked is commit with s.mu held and s not yet committed.
func (s *Session) commitLocked(h http.Header) error {
	s.committed = true
	cfg := &s.m.cfg
	if !s.loaded {
		if !cfg.refresh.each || !hasCookie(s.r.Header, cfg.name) {
			return nil
		}
		s.load()
	}
	if s.accessed {
		s.vary(h)
	}
	if len(s.values) == 0 {
		if !s.modified {
			return nil
		}
		s.deletePreviousScopes(h)
		s.deleteCookies(h, 0)
		s.cookieHeaders(h)
		return nil
	}
	now := cfg.now()
	if !s.modified && !s.renewed && !(s.fromCookie && (s.info.VerifiedWithFallback() || s.refreshDue(now))) {
		return nil
	}
	var enc encoded
	switch {
	case s.saveErr != nil && s.saveErrGen == s.gen:
		return s.saveErr // as Save found it; encoding again would fail again
	case s.saved != nil && s.saved.gen == s.gen:
		enc = *s.saved
	default:
		var err error
		if enc, err = s.encode(now); errors.Is(err, ErrRejected) {
			// The session's lifetime ended while the request ran: it ends
			// here, the response goes on.
			s.m.report(s.hookRequest(), fmt.Errorf("%w: %w", ErrInvalidCookie, err))
			s.deletePreviousScopes(h)
			s.deleteCookies(h, 0)
			s.cookieHeaders(h)
			return nil
		} else if err != nil && !s.modified && !s.renewed {
			// Only a refresh or a re-issue under the primary key was due,
			// and the session, read fine, no longer fits the write limits
			// (WithMaxCookieHeader lowered, say). The client keeps the
			// cookie it has and the response stands; a 500 here would
			// replace every page until the session idled out.
			s.m.report(s.hookRequest(), fmt.Errorf("the session was not re-issued (its cookie stays as it is): %w", err))
			return nil
		} else if err != nil {
			return err
		}
	}
	s.deletePreviousScopes(h)
	name := cfg.name
	if enc.parts == nil {
		s.addHeader(h, "Set-Cookie", s.m.cookieLine(name, enc.value, enc.expires, enc.now))
	}
	for i, p := range enc.parts {
		n := name
		if i > 0 {
			n = chunkName(name, i+1)
		}
		s.addHeader(h, "Set-Cookie", s.m.cookieLine(n, p, enc.expires, enc.now))
	}
	s.deleteCookies(h, max(len(enc.parts), 1))
	s.cookieHeaders(h)
	return nil
}

// addHeader appends v to h[key] (key in canonical form). The first value of
// a header the response does not have yet goes into one of the session's
// spare slots, saving an allocation per header; the slice has capacity 1,
// so whoever appends later gets a copy.
func (s *Session) addHeader(h http.Header, key, v string) {
	s.appendHeader(h, key, h[key], v)
}

// appendHeader is addHeader for a caller that has already looked up old,
// the current h[key].
func (s *Session) appendHeader(h http.Header, key string, old []string, v string) {
	if len(old) > 0 || s.spare >= len(s.hdrBuf) {
		h[key] = append(old, v)
		return
	}
	i := s.spare
	s.spare++
	s.hdrBuf[i] = v
	h[key] = s.hdrBuf[i : i+1 : i+1]
}

// vary adds Vary: Cookie unless the response already varies on it. Only
// the first call of a commit looks at the header.
func (s *Session) vary(h http.Header) {
	if s.varied {
		return
	}
	s.varied = true
	if old := h["Vary"]; needVary(old) {
		s.appendHeader(h, "Vary", old, "Cookie")
	}
}

// cookieHeaders adds what every response that sets or deletes the cookie
// carries: Vary: Cookie and the cache policy of [applyCachePolicy].
func (s *Session) cookieHeaders(h http.Header) {
	s.vary(h)
	dropTargetedCachePolicies(h)
	if len(h["Cache-Control"]) == 0 {
		s.appendHeader(h, "Cache-Control", nil, cachePolicyDefault)
		return
	}
	applyCachePolicy(h)
}

// refreshDue applies the refresh policy to an unmodified session.
func (s *Session) refreshDue(now time.Time) bool {
	cfg := &s.m.cfg
	if cfg.refresh.each {
		// Flask re-sends only permanent sessions; a native envelope's idle
		// expiry slides for every session.
		return !cfg.flask || s.permanent()
	}
	if cfg.refresh.fraction == 0 || s.info.Issued.IsZero() {
		// A codec that reports no issue time gives nothing to measure
		// the window from; without this, every request would re-issue.
		return false
	}
	window := cfg.idle
	if cfg.flask {
		window = cfg.lifetime
	} else if exp := s.info.Expires; !exp.IsZero() && exp.Before(s.info.Created.Add(cfg.lifetime)) {
		// The cookie lapses before the absolute end for want of activity:
		// when the codec's own IdleTimeout is the shorter one, its window
		// is the one to refresh within, or an active session would expire.
		if w := exp.Sub(s.info.Issued); window <= 0 || w < window {
			window = w
		}
	}
	if window <= 0 {
		return false
	}
	return now.Sub(s.info.Issued) >= time.Duration(cfg.refresh.fraction*float64(window))
}

// encode seals the session and splits it into chunks. The caller holds the
// lock.
func (s *Session) encode(now time.Time) (encoded, error) {
	m := s.m
	cfg := &m.cfg
	var meta codec.Meta
	if !cfg.flask {
		created := now
		if s.fromCookie && !s.renewed && !m.migrating(s.info.Meta) {
			// A session read by a Legacy reader starts its lifetime
			// here, as it moves to the native format (see
			// Manager.checkTimes).
			meta.SessionID = s.info.SessionID
			created = s.info.Created
		}
		exp := created.Add(cfg.lifetime)
		if !exp.After(now) {
			// The absolute lifetime ran out during this request. Carrying
			// the data into a new session would defeat the lifetime.
			return encoded{}, fmt.Errorf("%w: %w", ErrRejected, &codec.ExpiredError{Reason: "absolute", At: exp, Now: now})
		}
		if cfg.idle > 0 && now.Add(cfg.idle).Before(exp) {
			exp = now.Add(cfg.idle)
		}
		meta.Created, meta.Expires = created, exp
	}
	budget := m.writeSize
	expires := meta.Expires // what the manager allows: a codec may not seal it
	value, meta, err := m.codec.EncodeSession(cfg.name, s.values, meta, budget)
	if errors.Is(err, codec.ErrExpired) {
		// The codec's own (shorter) lifetime ran out during this request.
		return encoded{}, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if err != nil {
		if errors.Is(err, codec.ErrTooLarge) {
			return encoded{}, m.tooLarge(err)
		}
		return encoded{}, fmt.Errorf("%w: %w", ErrNotSaved, err)
	}
	if !m.trustedCodec && !validValue(value) {
		return encoded{}, fmt.Errorf("%w: codec produced bytes that are not allowed in a cookie value", ErrNotSaved)
	}
	if !m.trustedCodec && (value == "" || value[0] == '~') {
		// Read back, an empty value is no cookie and a leading '~' is a
		// chunk header: the session would be lost on the next request.
		return encoded{}, fmt.Errorf("%w: codec produced an empty value or one starting with '~', the chunk marker", ErrNotSaved)
	}
	parts, ok := splitValue(cfg.name, value, cfg.maxChunks)
	if !ok || len(cfg.name)+len(value) > budget {
		err := &codec.TooLargeError{What: "session cookie", Size: len(cfg.name) + len(value), Limit: budget}
		return encoded{}, m.tooLarge(err)
	}
	enc := encoded{gen: s.gen, value: value, parts: parts, meta: meta, now: now}
	if s.permanent() {
		if cfg.flask {
			// Flask: Expires = now + PERMANENT_SESSION_LIFETIME, no Max-Age.
			enc.expires = now.Add(cfg.lifetime)
		} else {
			// The envelope's expiry, or, from a codec that seals none
			// (Flask's under New), the one the manager enforces on read:
			// the idle timeout or the lifetime, whichever ends first.
			enc.expires = meta.Expires
			if enc.expires.IsZero() {
				enc.expires = expires
			}
		}
	}
	return enc, nil
}

// tooLarge wraps err, a codec.TooLargeError, in ErrNotSaved with the
// limit that refused the session.
func (m *Manager) tooLarge(err error) error {
	if m.writeSize < m.maxSize {
		return fmt.Errorf("%w: %w (the session's cookies would take more than %d bytes of Cookie header; store less in it, or raise WithMaxCookieHeader)", ErrNotSaved, err, m.cfg.maxCookieHeader)
	}
	if m.cfg.flask {
		return fmt.Errorf("%w: %w (in Flask mode the session must fit one cookie of at most %d bytes of name and value, since browsers drop larger ones and Flask reads no chunks; store less in it)", ErrNotSaved, err, CookieBudget)
	}
	cookies := "cookies"
	if m.cfg.maxChunks == 1 {
		cookies = "cookie"
	}
	return fmt.Errorf("%w: %w (the session needs more than %d %s of %d bytes; store less in it, or raise WithMaxChunks once the proxies in front pass the larger Cookie header: see WithMaxCookieHeader)", ErrNotSaved, err, m.cfg.maxChunks, cookies, CookieBudget)
}

// deleteCookies deletes every cookie of the session the request carried
// beyond the first keep ones (keep 0 deletes the main cookie as well).
func (s *Session) deleteCookies(h http.Header, keep int) {
	m := s.m
	if keep == 0 {
		s.addHeader(h, "Set-Cookie", m.deletionLine(m.cfg.name))
		keep = 1
	}
	last := max(s.chunkMax, s.info.Chunks)
	for i := keep + 1; i <= last; i++ {
		s.addHeader(h, "Set-Cookie", m.deletionLine(chunkName(m.cfg.name, i)))
	}
}

// deletePreviousScopes deletes the session cookie and its chunks under
// each WithPreviousScope: the chunks the request carried, and at least as
// many as the manager itself may write (WithMaxChunks), since a request
// under another Path carries none of the old scope's. Every response that sets
// or deletes the session does this, whatever the request carried: a
// browser sends a cookie of another Path only to that Path, so a request
// without one proves nothing, and a single cookie may be the old one. The
// lines come before the ones that set the new cookie, so that a client
// that takes the two scopes for one cookie (a host-only cookie and one
// with Domain set to the same host, in an RFC 6265 cookie jar) keeps the
// new cookie.
func (s *Session) deletePreviousScopes(h http.Header) {
	m := s.m
	last := max(s.chunkMax, s.info.Chunks, m.cfg.maxChunks)
	for _, prefix := range m.previousPrefixes {
		s.addHeader(h, "Set-Cookie", m.scopedDeletionLine(m.cfg.name, prefix))
		for i := 2; i <= last; i++ {
			s.addHeader(h, "Set-Cookie", m.scopedDeletionLine(chunkName(m.cfg.name, i), prefix))
		}
	}
}

// cookieLine formats a Set-Cookie value in net/http's attribute order. A
// zero expires makes a browser-session cookie. Native cookies carry both
// Expires and Max-Age; Flask-mode cookies only Expires, as Flask.
func (m *Manager) cookieLine(name, value string, expires, now time.Time) string {
	var b strings.Builder
	b.Grow(len(name) + 1 + len(value) + len(m.attrPrefix) + len(m.attrSuffix) + 60)
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString(m.attrPrefix)
	if !expires.IsZero() {
		var buf [40]byte
		b.WriteString("; Expires=")
		b.Write(appendHTTPDate(buf[:0], expires))
		if !m.cfg.flask {
			b.WriteString("; Max-Age=")
			b.Write(strconv.AppendInt(buf[:0], max(expires.Unix()-now.Unix(), 0), 10))
		}
	}
	b.WriteString(m.attrSuffix)
	return b.String()
}

// deletionLine formats the Set-Cookie value that deletes a cookie.
func (m *Manager) deletionLine(name string) string {
	return m.scopedDeletionLine(name, m.attrPrefix)
}

// scopedDeletionLine formats the Set-Cookie value that deletes a cookie of
// the scope whose attributes are prefix.
func (m *Manager) scopedDeletionLine(name, prefix string) string {
	const expired = "; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"
	return name + "=" + prefix + expired + m.attrSuffix
}

// attributes returns the fixed cookie attributes before and after the
// expiry ones.
func (c *config) attributes() (prefix, suffix string) {
	prefix = cookieScope{c.path, c.domain}.prefix()
	if c.httpOnly {
		suffix += "; HttpOnly"
	}
	if c.secure {
		suffix += "; Secure"
	}
	switch c.sameSite {
	case http.SameSiteLaxMode:
		suffix += "; SameSite=Lax"
	case http.SameSiteStrictMode:
		suffix += "; SameSite=Strict"
	case http.SameSiteNoneMode:
		suffix += "; SameSite=None"
	}
	if c.partitioned {
		suffix += "; Partitioned"
	}
	return prefix, suffix
}

// prefix returns the scope's attributes: "; Path=p[; Domain=d]".
func (sc cookieScope) prefix() string {
	if sc.domain == "" {
		return "; Path=" + sc.path
	}
	return "; Path=" + sc.path + "; Domain=" + sc.domain
}

// appendHTTPDate appends t in the IMF-fixdate form of http.TimeFormat,
// e.g. "Wed, 15 Nov 2023 22:13:20 GMT", without time.Format's generality.
func appendHTTPDate(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, http.TimeFormat)
	}
	const days = "SunMonTueWedThuFriSat"
	const months = "JanFebMarAprMayJunJulAugSepOctNovDec"
	wd := int(t.Weekday())
	b = append(b, days[3*wd:3*wd+3]...)
	b = append(b, ',', ' ', byte('0'+d/10), byte('0'+d%10), ' ')
	b = append(b, months[3*(mo-1):3*mo]...)
	b = append(b, ' ', byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), ' ')
	b = append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	return append(b, " GMT"...)
}

// cookieValueOK marks the bytes allowed in an unquoted cookie value
// (RFC 6265 cookie-octet).
var cookieValueOK = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = c != '"' && c != ',' && c != ';' && c != '\\'
	}
	return t
}()

// validValue reports whether v may be sent as a cookie value unquoted.
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if !cookieValueOK[v[i]] {
			return false
		}
	}
	return true
}

// hasCookie reports cheaply whether the request may carry the cookie.
func hasCookie(h http.Header, name string) bool {
	for _, line := range h["Cookie"] {
		if strings.Contains(line, name) {
			return true
		}
	}
	return false
}

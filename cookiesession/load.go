package cookiesession

import (
	"errors"
	"fmt"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// load decodes the request's cookie once; the caller holds the lock.
//
// Duplicate names: a Cookie header can carry several cookies called NAME
// (one set for a parent domain or a shorter path, a tossed cookie from a
// sibling subdomain, a leftover). Every candidate is tried in header order
// (browsers send longer paths first) and the first that verifies, passes
// the lifetime checks and the validate hook wins. Duplicate chunks are
// combined the same way, first occurrences first. At most 8 candidates are
// tried per request; the rest are ignored.
//
// One exception while a native codec migrates an older format: a cookie
// that only a Legacy reader accepts wins only when no candidate is native.
// The old app's cookie may outlive the switch beside the native one (it
// was set with another Path or Domain, so the re-issue did not replace
// it), and browsers may send it first; had it won, every request would
// start again from the old app's last snapshot, losing each change and
// showing its flashes again, until LegacyUntil. A native cookie is always
// the newer session, and nobody without the key can make one, so
// preferring it lets no planted cookie win.
func (s *Session) load() {
	if s.loaded {
		return
	}
	s.loaded = true
	m := s.m
	name := m.cfg.name
	var buf [2]string
	rc := scanCookies(s.r.Header, name, &buf)
	s.chunkMax = rc.maxIdx
	if len(rc.mains) == 0 {
		if len(rc.chunks) > 0 {
			s.discard([]error{fmt.Errorf("%w: chunk cookies %s.2 and up without the first, %s: the client or a proxy probably cut the Cookie header (curl sends at most about 8 KB of cookies); see WithMaxCookieHeader", ErrChunks, name, name)})
		}
		return
	}
	budget := m.budget()
	var errs []error
	var legacy candidate // the first cookie a Legacy reader accepted, if any
	haveLegacy := false
	// accept adopts c, or keeps it aside when a Legacy reader read it, and
	// reports whether the search is over.
	accept := func(c candidate) bool {
		if !m.migrating(c.info.Meta) {
			s.adopt(c)
			return true
		}
		if !haveLegacy {
			legacy, haveLegacy = c, true
		}
		return false
	}
	attempts := 0
	for _, v := range rc.mains {
		if attempts >= maxDecodeAttempts {
			break
		}
		attempts++ // scanCookies dropped empty values: no cookie, as in Flask
		if v[0] != '~' {
			// Chunk cookies beside an unchunked value are leftovers (see
			// newAssembler): ignored, and deleted by the next write.
			if c, ok := s.try(v, 1, min(budget, m.maxSize), &errs); ok && accept(c) {
				return
			}
			continue
		}
		n, first, err := parseChunkHeader(v, m.readChunks)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		a, err := newAssembler(n, first, &rc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// The first way of joining is the attempt counted above; each
		// further way counts once it exists, so that a session whose ways
		// run out spends no attempt the next cookie could use.
		for first := true; first || attempts < maxDecodeAttempts; first = false {
			value, ok, err := a.next(budget - len(name))
			if err != nil {
				errs = append(errs, err)
			}
			if !ok {
				break
			}
			if !first {
				attempts++
			}
			if c, ok := s.try(value, n, budget, &errs); ok && accept(c) {
				return
			}
		}
	}
	if haveLegacy {
		s.adopt(legacy)
		return
	}
	if len(errs) > 0 {
		s.discard(errs)
	}
}

// discard records why the request's cookies were not used, and reports it.
func (s *Session) discard(errs []error) {
	s.discarded = fmt.Errorf("%w: %w", ErrInvalidCookie, errors.Join(errs...))
	s.m.report(s.hookRequest(), s.discarded)
}

// candidate is a cookie that passed every check: its values and what is
// known about it.
type candidate struct {
	values map[string]any
	info   Info
}

// try decodes one candidate value and returns it when every check passes;
// otherwise it adds the reason to errs.
func (s *Session) try(value string, chunks, budget int, errs *[]error) (candidate, bool) {
	m := s.m
	data, meta, err := m.codec.DecodeSession(m.cfg.name, value, budget)
	if err != nil {
		m.nameExpiry(err)
		*errs = append(*errs, err)
		return candidate{}, false
	}
	values, err := asObject(data)
	if err != nil {
		*errs = append(*errs, err)
		return candidate{}, false
	}
	if meta.Created.IsZero() {
		meta.Created = sessionStart(meta, m.cfg.now())
	}
	if err := m.checkTimes(meta); err != nil {
		*errs = append(*errs, err)
		return candidate{}, false
	}
	info := Info{Meta: meta, Chunks: chunks, Size: len(value)}
	if m.cfg.validate != nil {
		if err := m.cfg.validate(s.hookRequest(), info, values); err != nil {
			*errs = append(*errs, fmt.Errorf("%w: %w", ErrRejected, err))
			return candidate{}, false
		}
	}
	return candidate{values: values, info: info}, true
}

// adopt makes c the request's session.
//
// A Flask session that a Legacy reader read and that is not permanent
// (Flask stores "_permanent" only for permanent ones) is marked
// "_permanent": false, so that its native cookie stays a browser-session
// cookie as under Flask, whatever WithPersistent says: otherwise a user
// who did not ask to be remembered would stay logged in after closing the
// browser.
func (s *Session) adopt(c candidate) {
	if c.info.Meta.Format == formatFlask {
		if _, ok := c.values[permanentKey]; !ok && s.m.migrating(c.info.Meta) {
			c.values[permanentKey] = false
		}
	}
	s.values, s.info, s.fromCookie = c.values, c.info, true
}

// migrating reports whether meta is of a cookie that a Legacy reader of
// the native codec read: the codec is native and the format is not.
func (m *Manager) migrating(meta codec.Meta) bool {
	return m.nativeCodec && meta.Format != "native"
}

// budget is the largest len(name)+len(value) of a session: what MaxChunks
// cookies can carry. It is computed once, in build.
func (m *Manager) budget() int { return m.readSize }

// checkTimes applies the manager's lifetimes to a verified cookie. The
// codec has already checked the cookie's own expiry; this check makes a
// shortened lifetime apply at once to cookies issued under a longer one.
//
// A cookie of another format read by a Legacy reader of the native codec
// (gorilla's, Flask's) is held to that reader's own age limit, the old
// app's rule (gorilla's MaxAge or Flask's max-age, from its last save), and
// not to the manager's lifetime and idle timeout: those start when it is
// re-issued (see Session.encode), so that the switch logs nobody out. The
// validate hook still sees the old cookie's time as Created.
func (m *Manager) checkTimes(meta codec.Meta) error {
	if m.migrating(meta) {
		return nil
	}
	now := m.cfg.now()
	expired := func(reason string, at time.Time) error {
		return fmt.Errorf("%w: %w", ErrRejected, &codec.ExpiredError{Reason: reason, At: at, Now: now})
	}
	if m.cfg.flask {
		// itsdangerous: age = int(now) - timestamp; age > max_age expires.
		if age := now.Unix() - meta.Issued.Unix(); age > int64(m.cfg.lifetime/time.Second) {
			return expired("max-age", meta.Issued.Add(m.cfg.lifetime))
		}
		return nil
	}
	if at := meta.Created.Add(m.cfg.lifetime); !now.Before(at) {
		return expired("absolute", at)
	}
	if m.cfg.idle > 0 && !meta.Issued.IsZero() {
		if at := meta.Issued.Add(m.cfg.idle); !now.Before(at) {
			return expired("idle", at)
		}
	}
	return nil
}

// nameExpiry turns the native codec's "expires" reason, the expiry the
// manager sealed into the cookie, into the limit of the manager's that
// set it: "absolute" (WithLifetime, from Created) or "idle"
// (WithIdleTimeout, from Issued), so that a log says why a user was
// logged out. The times are whole seconds; a limit within a second of
// the expiry is taken, the lifetime first.
func (m *Manager) nameExpiry(err error) {
	var ee *codec.ExpiredError
	if !errors.As(err, &ee) || ee.Reason != "expires" {
		return
	}
	near := func(t time.Time) bool { d := ee.At.Sub(t); return d > -time.Second && d < time.Second }
	switch {
	case !ee.Created.IsZero() && near(ee.Created.Add(m.cfg.lifetime)):
		ee.Reason = "absolute"
	case m.cfg.idle > 0 && !ee.Issued.IsZero() && near(ee.Issued.Add(m.cfg.idle)):
		ee.Reason = "idle"
	}
}

// asObject turns a decoded payload into session values as Flask's
// dict(data) would: an object as is, a list of [key, value] pairs as an
// object, null as empty. Anything else is refused.
func asObject(data any) (map[string]any, error) {
	switch d := data.(type) {
	case map[string]any:
		return d, nil
	case nil:
		return nil, nil
	case []any:
		out := make(map[string]any, len(d))
		for _, p := range d {
			var pair []any
			switch q := p.(type) {
			case []any:
				pair = q
			case serializer.Tuple:
				pair = q
			}
			if len(pair) != 2 {
				return nil, fmt.Errorf("%w: list element is not a [key, value] pair", ErrNotObject)
			}
			k, ok := pair[0].(string)
			if !ok {
				return nil, fmt.Errorf("%w: pair key is %T, not a string", ErrNotObject, pair[0])
			}
			out[k] = pair[1]
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: got %T", ErrNotObject, data)
}

// sessionStart is when a session began, for a cookie whose format carries
// no creation time: its issue time (the Flask format), or now (a codec of
// one's own that reports no time). Info.Created is set to it, so that the
// absolute lifetime, its re-issues and the validate hook all count from
// one instant. A zero Created used to end the lifetime in year 1, so every
// change or re-issue of such a session deleted it, and a hook that
// compared Created with a revocation time refused every later login.
func sessionStart(meta codec.Meta, now time.Time) time.Time {
	if !meta.Issued.IsZero() {
		return meta.Issued
	}
	return now
}

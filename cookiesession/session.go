package cookiesession

import (
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// Session is the session of one request. Get it with [Manager.Session]
// inside a handler wrapped by [Manager.LoadAndSave]. The cookie is decoded
// on the first method call, not before; a request that never touches the
// session pays nothing for it.
//
// Values are what the serializer decodes: map[string]any, []any, string,
// bool, nil, int64 (*big.Int beyond), float64, []byte, [serializer.Tuple],
// [serializer.Markup], [serializer.UUID] and time.Time. [Get] converts
// them to the type asked for: numbers exactly, and structs, typed slices
// and maps as [serializer.UnmarshalInto] does, so what Set stored comes
// back as its own type.
//
// Like Flask, a Session notices changes made through its own methods only.
// After changing a map or slice obtained from [Session.Get] in place, call
// [Session.MarkModified], or store it again with [Session.Set].
//
// Changes must happen before the response starts (the first Write,
// WriteHeader or Flush) or [Session.Commit]: afterwards writes return
// [ErrCommitted]. A Session
// is safe for concurrent use by the handler's goroutines. Parallel
// requests of one browser each get their own Session, read from the
// cookie the request carried; the cookie the browser keeps is the last
// response's, so a change made by one of them can be lost (last writer
// wins).
//
// A Session obtained without the middleware is a null session, like
// Flask's NullSession: reads are empty and writes return [ErrNoMiddleware].
type Session struct {
	mu sync.Mutex
	m  *Manager // nil for the null session
	r  *http.Request

	// handlerReq is the request the handler last passed to
	// Manager.Session when it differs from r (middleware inside
	// LoadAndSave added context values): the hooks get it, see hookRequest.
	handlerReq atomic.Pointer[http.Request]

	loaded     bool // load ran (lazily)
	accessed   bool // the handler read or wrote the session
	modified   bool
	renewed    bool // new id and times at commit
	committed  bool
	fromCookie bool  // values came from a verified cookie
	discarded  error // why the request's session cookie was not used (load)
	varied     bool  // commit has seen to Vary: Cookie

	values   map[string]any
	info     Info
	chunkMax int // highest NAME.k chunk index the request carried, 0 if none

	flashes      []Flash
	flashesTaken bool

	hdrBuf [3]string // first values of Set-Cookie, Vary, Cache-Control
	spare  int       // hdrBuf slots used

	gen   int      // counts modifications, so Save's result can be reused
	saved *encoded // result of Save, valid while saved.gen == gen

	// saveErr is the failure Save last returned to the handler, for the
	// session as it stood at modification saveErrGen. While the session
	// stays so, the handler has the error and answers as it sees fit:
	// commit writes no cookie and does not replace the response.
	saveErr    error
	saveErrGen int
}

// hookRequest is the request the hooks (validate, error hook, commit error
// handler) receive: the one the handler last passed to [Manager.Session],
// with whatever middleware inside LoadAndSave added to its context, or the
// middleware's own request when the handler used only FromContext.
func (s *Session) hookRequest() *http.Request {
	if r := s.handlerReq.Load(); r != nil {
		return r
	}
	return s.r
}

// nullSession is what Manager.Session returns outside the middleware. All
// its methods return before touching any field, so sharing it is safe.
var nullSession = &Session{}

// begin locks s and loads it for a read; it returns false for the null
// session (nothing locked).
func (s *Session) begin() bool {
	if s.m == nil {
		return false
	}
	s.mu.Lock()
	s.loadLocked()
	s.accessed = true
	return true
}

// loadLocked loads s, whose lock the caller holds and releases. Loading
// runs the app's hooks (WithValidate, WithErrorHook, WithReasonCounter,
// the logger); should one panic, the lock is released before the panic
// goes on, so that a recovering middleware inside LoadAndSave can still
// answer through the session. Before, its answer waited for the lock for
// good: the request hung, with its goroutine and connection.
func (s *Session) loadLocked() {
	if s.loaded {
		return
	}
	done := false
	defer func() {
		if !done {
			s.mu.Unlock()
		}
	}()
	s.load()
	done = true
}

// beginWrite locks s and loads it for a write.
func (s *Session) beginWrite() error {
	if s.m == nil {
		return ErrNoMiddleware
	}
	s.mu.Lock()
	if s.committed {
		s.mu.Unlock()
		return ErrCommitted
	}
	s.loadLocked()
	s.accessed = true
	return nil
}

// Errors reported when Renew or Destroy come after the response started:
// both are security decisions that silently not happening would hide.
var (
	errRenewAfterCommit   = fmt.Errorf("%w: %w: Renew after the response started: the session keeps its id; renew before writing the body", ErrNotSaved, ErrCommitted)
	errDestroyAfterCommit = fmt.Errorf("%w: %w: Destroy after the response started: the cookie was not deleted and the user is still logged in; destroy before writing the body", ErrNotSaved, ErrCommitted)
)

// reportLate reports report to the error hook when err, from beginWrite,
// is ErrCommitted.
func (s *Session) reportLate(err, report error) {
	if err == ErrCommitted {
		s.m.report(s.hookRequest(), report)
	}
}

// changed records a modification; the caller holds the lock.
func (s *Session) changed() {
	s.modified = true
	s.gen++
}

// Get returns the value stored under key, or nil.
func (s *Session) Get(key string) any {
	if !s.begin() {
		return nil
	}
	defer s.mu.Unlock()
	return s.values[key]
}

// Has reports whether key is set.
func (s *Session) Has(key string) bool {
	if !s.begin() {
		return false
	}
	defer s.mu.Unlock()
	_, ok := s.values[key]
	return ok
}

// Keys returns the keys in sorted order, including internal ones such as
// "_permanent" and "_flashes", as Flask's session.keys() does; keys that
// start with "_" are the library's and Flask's by convention, so a page
// that lists the app's values can skip them.
func (s *Session) Keys() []string {
	if !s.begin() {
		return nil
	}
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.values))
	for k := range s.values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Len returns the number of keys, including internal ones such as
// "_permanent" and "_flashes" (as len(session) in Flask).
func (s *Session) Len() int {
	if !s.begin() {
		return 0
	}
	defer s.mu.Unlock()
	return len(s.values)
}

// Set stores value under key and marks the session modified. The value
// must be one the codec's serializer accepts: with this module's codecs,
// Set refuses one it never could save (a channel, a function, a complex
// number, a map whose keys are not strings, integers or TextMarshalers, a
// struct with no exported fields such as an error value, nesting beyond
// MaxDepth) with an error wrapping the serializer's
// ([serializer.ErrUnsupportedType], [serializer.ErrTooDeep]), and stores
// nothing. Strings, numbers, booleans and nil are stored without a check;
// other values are encoded once to check them, so storing a large value
// costs one extra encoding. A value changed after Set (a map it holds, say)
// is checked again when the session is saved (see [Session.Save]).
func (s *Session) Set(key string, value any) error {
	if s.m != nil {
		if err := s.m.storable(key, value); err != nil {
			return err
		}
	}
	if err := s.beginWrite(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.put(key, value)
	s.changed()
	return nil
}

// put stores value under key; the caller holds the lock.
//
// Go keeps a map of up to 8 entries in a single group of 8 slots, and an
// assignment to a full one grows it to a table (about 600 bytes) before it
// looks for the key, even when the key is present and the count does not
// change. A decoded session of 8 keys is such a map, so the first
// overwrite in every request would grow it. Deleting the key first leaves
// a free slot and the map stays small; the content is the same (a new
// key grows the map as before).
func (s *Session) put(key string, value any) {
	if s.values == nil {
		s.values = make(map[string]any)
	}
	if len(s.values) == 8 {
		delete(s.values, key)
	}
	s.values[key] = value
}

// Delete removes key. Like Python's dict.pop with a default, it marks the
// session modified only if the key was present.
func (s *Session) Delete(key string) error {
	if err := s.beginWrite(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.values[key]; ok {
		delete(s.values, key)
		s.changed()
	}
	return nil
}

// Clear removes every key and marks the session modified (even when it was
// already empty, as in Flask). An empty modified session deletes the cookie
// but keeps the session identity of the request; use [Session.Destroy] at
// logout.
func (s *Session) Clear() error {
	if err := s.beginWrite(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	clear(s.values)
	s.changed()
	return nil
}

// MarkModified marks the session modified, so it is written even though no
// method changed it: call it after changing a nested map or slice in place
// (Flask's session.modified = True).
func (s *Session) MarkModified() error {
	if err := s.beginWrite(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.changed()
	return nil
}

// Renew gives the session a new id and new created and issued times while
// keeping its data. Call it at login and at every privilege change. In
// Flask mode, which has no id, it re-issues the cookie with a new
// timestamp.
//
// In a cookie session an attacker who can plant a cookie (from a sibling
// subdomain, unless the name is __Host-) plants values, not just an id,
// and Renew keeps them: a CSRF token the attacker knows, a redirect
// target, OAuth state. At login, replace every value that carries
// authority, or call [Session.Destroy] and set again what you keep (values
// set after Destroy start a new session with a new id).
//
// Called after the response started, Renew returns [ErrCommitted] and the
// error hook gets it too (wrapping [ErrNotSaved]): the session keeps its
// id.
func (s *Session) Renew() error {
	if err := s.beginWrite(); err != nil {
		s.reportLate(err, errRenewAfterCommit)
		return err
	}
	defer s.mu.Unlock()
	s.renewed = true
	s.changed()
	return nil
}

// Destroy ends the session at logout: the data is cleared and the response
// deletes the cookie and every chunk of it the request carried, with the
// manager's Path and Domain (and those of [WithPreviousScope] when the
// request carried several cookies of the name: a cookie of another Path or
// Domain, an old app's say, would otherwise bring its session back). Values set after Destroy start a new session
// with a new id. A stateless cookie copied before logout stays valid until
// it expires, and a request already in flight at logout (a slow XHR, a
// poll, a second tab) can answer after it and set the old session again,
// since the last response wins: one that wrote the session, or one that
// only read it when a refresh fell due (after half the idle timeout by
// default; on every read of a permanent session in Flask mode). For a
// logout that holds, refuse the session in [WithValidate]: store a
// per-user cutoff time at logout, as README's "Log out everywhere" shows,
// or remember the destroyed Info.SessionID until the cookie would have
// expired.
//
// Called after the response started, Destroy returns [ErrCommitted] and
// the error hook gets it too (wrapping [ErrNotSaved]): the cookie was not
// deleted, and the user is still logged in.
func (s *Session) Destroy() error {
	if err := s.beginWrite(); err != nil {
		s.reportLate(err, errDestroyAfterCommit)
		return err
	}
	defer s.mu.Unlock()
	clear(s.values)
	s.flashes = nil
	s.renewed = true
	s.changed()
	return nil
}

// SetPermanent stores the "_permanent" key, as Flask's session.permanent:
// a permanent session gets a persistent cookie, a non-permanent one a
// browser-session cookie. Without the key the manager's [WithPersistent]
// setting applies.
func (s *Session) SetPermanent(permanent bool) error {
	if err := s.beginWrite(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.put(permanentKey, permanent)
	s.changed()
	return nil
}

const permanentKey = "_permanent"

// Permanent reports whether the session gets a persistent cookie: the
// "_permanent" key if present (Python truthiness), else the manager's
// [WithPersistent] setting.
func (s *Session) Permanent() bool {
	if !s.begin() {
		return false
	}
	defer s.mu.Unlock()
	return s.permanent()
}

func (s *Session) permanent() bool {
	if v, ok := s.values[permanentKey]; ok {
		return truthy(v)
	}
	return s.m.cfg.persistent
}

// Modified reports whether the session was changed in this request. It
// does not load the session.
func (s *Session) Modified() bool {
	if s.m == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modified
}

// Accessed reports whether the handler has read or written the session in
// this request (and so whether the response varies with the Cookie
// header). It does not load the session.
func (s *Session) Accessed() bool {
	if s.m == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accessed
}

// IsNew reports whether the session did not come from a valid cookie: the
// request had none, or it was discarded (expired, tampered, revoked).
func (s *Session) IsNew() bool {
	if !s.begin() {
		return true
	}
	defer s.mu.Unlock()
	return !s.fromCookie
}

// Discarded returns why the session cookie the request carried was not
// used, or nil when the request carried none or a valid one. It is the
// error the error hook got: it wraps [ErrInvalidCookie] and each codec
// error, so errors.Is tells an expired cookie (codec.ErrExpired) from a
// forged or foreign one (codec.ErrSignature) or a revoked one
// ([ErrRejected]).
//
// When another app shares the cookie (a Flask app, under [NewFlask]), a
// discarded cookie may still be a session that app reads: one validly
// signed but over this codec's limits (codec.ErrTooLarge: more than 4096
// bytes, or over 64 KiB inflated) or with a payload it refuses
// (codec.ErrPayload). IsNew is true for it as for no cookie at all, and any
// write replaces that session with the new one. A handler that must not
// destroy the other app's data checks first:
//
//	if err := s.Discarded(); errors.Is(err, codec.ErrTooLarge) || errors.Is(err, codec.ErrPayload) {
//		http.Error(w, "your session is kept by the other app", http.StatusConflict)
//		return
//	}
func (s *Session) Discarded() error {
	if !s.begin() {
		return nil
	}
	defer s.mu.Unlock()
	return s.discarded
}

// Info returns the envelope information of the verified cookie the
// session came from; ok is false for a new session. If
// Info.VerifiedWithFallback() is true, the response re-issues the cookie
// under the primary key automatically.
func (s *Session) Info() (info Info, ok bool) {
	if !s.begin() {
		return Info{}, false
	}
	defer s.mu.Unlock()
	return s.info, s.fromCookie
}

// Save encodes the session now and reports whether it can be written, so
// the handler can still answer differently, for example when the session
// no longer fits (an error wrapping [ErrNotSaved] and
// [codec.ErrTooLarge]). The cookie itself is still written at commit
// time; the work is reused unless the session changes again.
//
// After Save fails, the handler decides. If the session does not change
// again, the response goes out as the handler writes it (say, a 413 that
// explains the cart is full), without a Set-Cookie: the client keeps the
// cookie it has, the change is lost, and the error also goes to the error
// hook, noting that Save returned it to the handler (the default logger
// writes it at Warn, not Error). The commit error handler does not replace that response. A
// handler that changes the session after the failure (undoing the change,
// Clear, Destroy) gets the usual commit, which may fail again.
//
// When the session's absolute lifetime has ended during the request, the
// error wraps [ErrRejected] and codec.ErrExpired instead, and the response
// deletes the cookie.
func (s *Session) Save() error {
	if err := s.beginWrite(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if len(s.values) == 0 {
		return nil
	}
	enc, err := s.encode(s.m.cfg.now())
	if err != nil {
		if !errors.Is(err, ErrRejected) {
			s.saveErr, s.saveErrGen = err, s.gen
		}
		return err
	}
	s.saved = &enc
	return nil
}

// truthy is Python's bool() for the serializer's value model.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case int64:
		return x != 0
	case int:
		return x != 0
	case float64:
		return x != 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	case serializer.Tuple:
		return len(x) > 0
	case []byte:
		return len(x) > 0
	case serializer.Markup:
		return x != ""
	case *big.Int:
		return x.Sign() != 0
	}
	return true
}

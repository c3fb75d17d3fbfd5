package cookiesession

import (
	"fmt"
	"net/http"
	"slices"
)

// Cookies returns the cookies the manager would set for a new session
// holding values: one, or several chunks when the session is larger than a
// cookie. It is for tests and tools that need a session without a login
// request, such as a handler test that starts as a signed-in user or a
// browser test that is handed one; each cookie's Value is what a browser
// sends back. The cookies carry the manager's name, attributes and
// lifetime from the manager's clock, as the middleware would set them.
//
// Each value is checked as by [Session.Set], and the session as by
// [Session.Save]: an error (a value the codec cannot save, a session that
// does not fit) returns no cookies, and goes to no hook. Empty values give
// no cookie, as an empty session writes none.
func (m *Manager) Cookies(values map[string]any) ([]*http.Cookie, error) {
	req, err := http.NewRequest(http.MethodGet, "http://localhost"+m.cfg.path, nil)
	if err != nil {
		return nil, fmt.Errorf("cookiesession: Cookies: %w", err)
	}
	w := &headerRecorder{header: http.Header{}}
	m.LoadAndSave(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the first error, when several values fail, does not depend on map order
		for _, k := range keys {
			if err = s.Set(k, values[k]); err != nil {
				break
			}
		}
		if err == nil {
			err = s.Save()
		}
		if err != nil {
			_ = s.Clear() // nothing is written, and the commit reports nothing
		}
	})).ServeHTTP(w, req)
	if err != nil {
		return nil, err
	}
	var cookies []*http.Cookie
	for _, line := range w.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			return nil, fmt.Errorf("cookiesession: Cookies: the manager wrote a cookie net/http cannot parse: %w", err)
		}
		cookies = append(cookies, c)
	}
	return cookies, nil
}

// headerRecorder is the response writer of Manager.Cookies: it keeps the
// headers and drops the body.
type headerRecorder struct {
	header http.Header
}

func (w *headerRecorder) Header() http.Header         { return w.header }
func (w *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerRecorder) WriteHeader(int)             {}

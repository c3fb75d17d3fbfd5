package cookiesession

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
)

// LoadAndSave is the middleware. It puts a lazily loaded [Session] in the
// request context (get it with [Manager.Session]) and writes the session
// cookie just before the response starts: at the handler's first Write,
// WriteHeader (informational 1xx codes excepted) or Flush, or when the
// handler returns without writing. The response writer it passes on keeps
// http.Flusher, http.Hijacker, io.ReaderFrom and [http.ResponseController]
// working (it has an Unwrap method). After Hijack the session is not saved.
//
// If the session cannot be saved at that moment (it does not fit, or the
// codec fails), the error goes to the error hook and the commit error
// handler answers instead of the handler (default: 500); the handler's
// later writes are discarded and return an error wrapping [ErrNotSaved].
// Wrapping a handler twice with the same manager is harmless: the inner
// middleware uses the outer one's session.
func (m *Manager) LoadAndSave(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(ctxKey{m}).(*Session); ok {
			next.ServeHTTP(w, r)
			return
		}
		st := &requestState{}
		st.s.m = m
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{m}, &st.s))
		st.s.r = r
		st.w.ResponseWriter, st.w.s, st.w.r = w, &st.s, r
		next.ServeHTTP(&st.w, r)
		st.w.commit()
	})
}

// requestState puts the session and the response writer in one allocation.
type requestState struct {
	s Session
	w responseWriter
}

// responseWriter commits the session before the response starts.
type responseWriter struct {
	http.ResponseWriter
	s      *Session
	r      *http.Request
	done   bool // commit ran
	failed bool // commit failed and the error handler answered
}

func (w *responseWriter) commit() {
	if w.done {
		return
	}
	w.done = true
	if err := w.s.commit(w.ResponseWriter.Header()); err != nil {
		w.failed = true
		w.s.m.report(w.r, err)
		w.s.m.cfg.errorHandler(w.ResponseWriter, w.r, err)
	}
}

// errDiscarded is returned by writes after a failed commit.
var errDiscarded = fmt.Errorf("%w: response replaced by the commit error handler", ErrNotSaved)

// WriteHeader commits the session, then writes the status. Informational
// statuses other than 101 pass through without committing.
func (w *responseWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.commit()
	if w.failed {
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write commits the session, then writes p.
func (w *responseWriter) Write(p []byte) (int, error) {
	w.commit()
	if w.failed {
		return 0, errDiscarded
	}
	return w.ResponseWriter.Write(p)
}

// WriteString commits the session, then writes s.
func (w *responseWriter) WriteString(s string) (int, error) {
	w.commit()
	if w.failed {
		return 0, errDiscarded
	}
	return io.WriteString(w.ResponseWriter, s)
}

// ReadFrom commits the session, then copies from src, keeping the
// underlying writer's sendfile path.
func (w *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	w.commit()
	if w.failed {
		return 0, errDiscarded
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, src)
}

type writerOnly struct{ io.Writer }

// Flush commits the session, then flushes.
func (w *responseWriter) Flush() { _ = w.FlushError() }

// FlushError commits the session, then flushes; [http.ResponseController]
// calls it.
func (w *responseWriter) FlushError() error {
	w.commit()
	if w.failed {
		return errDiscarded
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over; the session is not saved afterwards.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !w.done {
		w.done = true
		w.s.mu.Lock()
		w.s.committed = true
		w.s.mu.Unlock()
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the underlying writer, for [http.ResponseController].
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

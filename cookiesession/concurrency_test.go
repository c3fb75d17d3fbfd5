package cookiesession

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestConcurrentClients runs 50 clients, each with its own cookie jar and
// session, against one server; no value may cross between sessions. Run it
// with -race.
func TestConcurrentClients(t *testing.T) {
	const clients, rounds = 50, 10
	m := newNative(t, newClock(), &errLog{}, WithMaxChunks(2))
	srv := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		owner := r.URL.Query().Get("owner")
		if s.IsNew() {
			_ = s.Set("owner", owner)
		}
		n, _ := Get[int](s, "n")
		got, _ := Get[string](s, "owner")
		_ = s.Set("n", n+1)
		// Every other round adds weight so that sessions also chunk.
		if n%2 == 1 {
			_ = s.Set("pad", randomText(3500+n))
		}
		fmt.Fprintf(w, "%s %d", got, n+1)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Go(func() {
			jar, _ := cookiejar.New(nil)
			hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			owner := "client-" + strconv.Itoa(i)
			for round := 1; round <= rounds; round++ {
				req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/?owner="+owner, nil)
				resp, err := hc.Do(req)
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := fmt.Sprintf("%s %d", owner, round); string(b) != want {
					errs <- fmt.Errorf("%s round %d: got %q, want %q", owner, round, b, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

//go:build ignore

// gen writes session.txt: a cookie made by real gorilla/sessions, for
// TestGorillaMigrationWithoutGorillaSessions, which reads it in a process
// that does not link gorilla/sessions. Run it from this directory:
//
//	go run gen.go
//
// The keys are fixed; gorilla stamps the current time and draws a random
// IV, so each run writes another cookie of the same content. The first
// line of session.txt is the timestamp, the second the cookie.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/gorilla/sessions"
)

func main() {
	store := sessions.NewCookieStore(
		[]byte("the gorilla app's 32-byte hash!!"), []byte("the gorilla app's AES block key!"),
	)
	store.MaxAge(7 * 24 * 3600)
	req := httptest.NewRequest("GET", "/", nil)
	rec := httptest.NewRecorder()
	s, err := store.Get(req, "session")
	if err != nil {
		panic(err)
	}
	s.Values["user"] = "alice"
	s.Values["visits"] = 3
	s.Values["tags"] = []string{"admin", "dev"}
	s.AddFlash("welcome back")
	if err := s.Save(req, rec); err != nil {
		panic(err)
	}
	cookies := (&http.Response{Header: rec.Header()}).Cookies()
	if len(cookies) != 1 {
		panic(fmt.Sprintf("%d cookies", len(cookies)))
	}
	out := fmt.Sprintf("%d\n%s\n", time.Now().Unix(), cookies[0].Value)
	if err := os.WriteFile("session.txt", []byte(out), 0o644); err != nil {
		panic(err)
	}
	fmt.Print(strings.TrimSpace(out), "\n")
}

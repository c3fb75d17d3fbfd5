package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
)

// Decoding needs no key and says so.
func Example_decode() {
	run([]string{"decode", "--now", "1700003600",
		"session=eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"},
		strings.NewReader(""), os.Stdout, os.Stdout)
	// Output:
	// format:     flask (detected)
	// input:      name=value, cookie "session"
	// status:     UNVERIFIED (decode does not check the signature: anyone can forge this)
	// issued:     2023-11-14 22:13:20 UTC (1h ago)
	// expires:    2023-12-15 22:13:21 UTC (in 30d23h) [max-age 31d]
	// compressed: no
	// signature:  sha1 HMAC by its length (27 characters)
	//
	// {
	//   "_fresh": true,
	//   "user": "alice"
	// }
}

// A failed verification explains itself: here the key file was written
// with echo, so it ends in a newline that is part of the key.
func Example_verifyHint() {
	dir, _ := os.MkdirTemp("", "cookiecodec-example")
	defer os.RemoveAll(dir)
	key := filepath.Join(dir, "key")
	os.WriteFile(key, []byte("dev\n"), 0o600)
	code := run([]string{"verify", "--key-file", key, "--now", "1700003600",
		"eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"},
		strings.NewReader(""), os.Stdout, os.Stdout)
	os.Stdout.WriteString("exit " + string(rune('0'+code)) + "\n")
	// Output:
	// cookiecodec: error: invalid signature
	// cookiecodec: hint: signature matches without the trailing newline of the primary key (a key file is used as its exact bytes: write it with printf '%s', not echo) (issued 2023-11-14 22:13:20 UTC, within max-age)
	// exit 1
}

// The cookie can be fetched from the server that sets it: here a login
// that sets the session on its redirect. (The test server's random port
// is shown as 8000.)
func Example_fetch() {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "session=eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w; HttpOnly; Path=/")
		http.Redirect(w, r, "/home", http.StatusFound)
	})
	mux.HandleFunc("/home", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var out strings.Builder
	run([]string{"decode", "--now", "1700003600", "--url", srv.URL + "/login"}, strings.NewReader(""), &out, &out)
	fmt.Print(strings.ReplaceAll(out.String(), srv.URL, "http://127.0.0.1:8000"))
	// Output:
	// format:     flask (detected)
	// input:      Set-Cookie header from GET http://127.0.0.1:8000/login (302 Found, response 1 of 2), cookie "session"
	// status:     UNVERIFIED (decode does not check the signature: anyone can forge this)
	// issued:     2023-11-14 22:13:20 UTC (1h ago)
	// expires:    2023-12-15 22:13:21 UTC (in 30d23h) [max-age 31d]
	// compressed: no
	// signature:  sha1 HMAC by its length (27 characters)
	//
	// {
	//   "_fresh": true,
	//   "user": "alice"
	// }
}

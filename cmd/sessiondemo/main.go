// Command sessiondemo is a small web app whose whole session lives in a
// cookie managed by package cookiesession: log in and out, a counter, a
// cart that can grow past 4 KB (the session is then split over several
// cookies), flash messages, and a page showing the decoded envelope of
// your own cookie.
//
// Usage:
//
//	go run ./cmd/sessiondemo [-addr 127.0.0.1:8080] [-key KEY]
//
// KEY is a native key as printed by `go run ./cmd/cookiecodec keygen`;
// better, give it in the SESSIONDEMO_KEY environment variable (-key warns:
// a command line is visible to other users). Without one the demo
// generates a key and warns: sessions then end when it stops.
//
// Its forms show CSRF protection: a page with a form stores a token (32
// random bytes from crypto/rand, base64url) in the session, creating the
// session for a visitor who has none, so the login form is covered too.
// Every form sends the token in a hidden field, and a POST whose field
// does not equal the session's token (compared in constant time) is
// refused with 403 before any handler runs, the session untouched. Login
// renews the session and gives it a new token (Renew keeps the values);
// logout destroys both, and the next page gets a new token. The cookie's
// SameSite=Lax stays as a second layer. Every response also carries
// X-Frame-Options: DENY and a Content-Security-Policy (no framing, no
// inline script, forms post only to the demo, the one inline style sheet
// allowed by its hash; see contentSecurityPolicy), X-Content-Type-Options:
// nosniff and Referrer-Policy: same-origin.
//
// The demo shows sessions, not authentication; do not copy its login. It
// takes any name without a password. The token lives in the session
// cookie, so a sibling subdomain that can set cookies for the site can
// plant a session of its own, token included, and sign a visitor in as
// someone else (cookie tossing; SameSite does not stop a same-site
// subdomain): on HTTPS a "__Host-" cookie name prevents that. Its logout
// deletes the cookie but cannot revoke a copy taken earlier, which stays
// valid until its idle or absolute timeout: a stateless session is
// revoked with a "valid after" time per user (the README's "Log out
// everywhere").
//
// The cookie is Secure: Chromium and Firefox accept Secure cookies from
// http://127.0.0.1 and http://localhost, so the demo works over plain HTTP
// there. WebKitGTK browsers (GNOME Web) do not, and neither does any
// browser on another address: those need HTTPS in front, or
// -insecure-cookie.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// parseFailure reports a flag parsing error: -h and -help print the usage
// on stdout and exit 0; any other error is a usage error, printed with the
// usage on stderr.
func parseFailure(fs *flag.FlagSet, err error, stdout, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return exitOK
	}
	fmt.Fprintf(stderr, "sessiondemo: error: %v\n", err)
	fs.SetOutput(stderr)
	fs.Usage()
	return exitUsage
}

// run parses the flags, builds the app and serves it until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sessiondemo", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // help and errors are printed below
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: sessiondemo [-addr ADDRESS] [-key KEY] [-insecure-cookie]")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	keyText := fs.String("key", "", "native session `key` (default $SESSIONDEMO_KEY, else a generated one)")
	insecure := fs.Bool("insecure-cookie", false, "omit the Secure attribute (for plain HTTP on a non-loopback address, or in a browser that refuses Secure cookies from http://127.0.0.1, as WebKitGTK's do)")
	if err := fs.Parse(args); err != nil {
		return parseFailure(fs, err, stdout, stderr)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sessiondemo: error: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *keyText != "" {
		fmt.Fprintln(stderr, "sessiondemo: warning: a key given with -key is visible to other users of this machine (ps, /proc); prefer SESSIONDEMO_KEY")
	} else {
		*keyText = getenv("SESSIONDEMO_KEY")
	}
	key, generated, err := loadKey(*keyText)
	if err != nil {
		fmt.Fprintf(stderr, "sessiondemo: error: %v\n", err)
		fmt.Fprintln(stderr, "sessiondemo: hint: make a key with: go run ./cmd/cookiecodec keygen")
		return exitUsage
	}
	if generated {
		fmt.Fprintln(stderr, "sessiondemo: warning: no -key or SESSIONDEMO_KEY given: using a generated key, so every session ends when the demo stops")
		fmt.Fprintln(stderr, "sessiondemo: hint: make a lasting key with: go run ./cmd/cookiecodec keygen")
	}
	app, err := newApp(key, *insecure)
	if err != nil {
		fmt.Fprintf(stderr, "sessiondemo: error: %v\n", err)
		return exitFail
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "sessiondemo: error: %v\n", err)
		return exitFail
	}
	srv := newServer(app)
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if !*insecure {
		fmt.Fprintln(stderr, "sessiondemo: note: the session cookie is Secure; Chromium and Firefox keep it over plain HTTP on 127.0.0.1, WebKitGTK browsers (GNOME Web) do not: run with -insecure-cookie for them")
	}
	fmt.Fprintf(stdout, "sessiondemo: serving on http://%s/\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "sessiondemo: error: %v\n", err)
		return exitFail
	}
	return exitOK
}

// newServer returns the demo's HTTP server, with the limits a server
// facing the internet needs (and people copy): a request must arrive
// within 15 s (headers within 10 s), a response be written within 30 s,
// an idle keep-alive connection closes after 60 s, and headers are at most
// 64 KiB (a chunked session of the default budget needs about 16 KiB).
// Without them a client that drips its request, or idles, holds a
// connection forever.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// loadKey parses text, or generates a key when text is empty.
func loadKey(text string) (key codec.Key, generated bool, err error) {
	if text == "" {
		key, err = codec.GenerateKey()
		return key, true, err
	}
	key, err = codec.ParseKey(text)
	return key, false, err
}

// newApp builds the demo's handler around a native-format session manager.
func newApp(key codec.Key, insecure bool) (http.Handler, error) {
	c, err := nativeCodec(key)
	if err != nil {
		return nil, err
	}
	m, err := cookiesession.New(c,
		cookiesession.WithSecure(!insecure),
		cookiesession.WithIdleTimeout(2*time.Hour),
		cookiesession.WithLifetime(24*time.Hour),
	)
	if err != nil {
		return nil, err
	}
	return (&app{sessions: m}).routes(), nil
}

// nativeCodec is the native codec, with its defaults, over key alone.
func nativeCodec(key codec.Key) (*codec.Native, error) {
	ring, err := codec.NewKeyRing(key)
	if err != nil {
		return nil, err
	}
	return codec.NewNative(ring, codec.NativeOptions{})
}

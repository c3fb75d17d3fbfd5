// Command cookiecodec shows, verifies, signs and audits session cookies:
// Flask's default session (itsdangerous), the native cookiecodec envelope and
// gorilla/securecookie.
//
//	cookiecodec decode [flags] [INPUT | -]   show the contents WITHOUT verifying
//	cookiecodec verify [flags] [INPUT | -]   verify with keys; explain a failure
//	cookiecodec sign   [flags] [JSON  | -]   make a cookie from tagged JSON or a Python literal
//	cookiecodec keygen [flags]               print a new native key
//	cookiecodec audit  [flags] [INPUT | -]   is the cookie signed with a known weak secret?
//	cookiecodec --version                    print the version of this build and of Go
//
// INPUT is a raw cookie value, name=value, Cookie: or Set-Cookie: header
// lines (of Set-Cookie lines, the last of the cookie, a deletion
// reported; of Cookie headers, the first), chunked cookies in one Cookie:
// header, a whole curl -v or curl -i transcript or a HAR (the last
// Set-Cookie of the cookie across its responses, else the Cookie header of
// its last request), a curl or PowerShell command line, a Netscape cookie jar, a DevTools
// cookie row or a JSON cookie export; it is read from standard input when
// absent or "-". A leading byte order mark is dropped; a character that no
// cookie value holds (RFC 6265) is refused, and so is a value that starts
// or ends with one no session format uses (Markdown backticks, <...>).
// INPUT is at most 1 MiB, a HAR 64 MiB. decode and verify --lines FILE
// read one INPUT per line.
//
// decode, verify and audit can fetch the cookie instead: --url URL sends
// one GET, or a POST of --data (a login form; @PATH reads it from a file),
// or the method of --request (PUT, DELETE, ...), with the request headers
// of --header, and follows up to 10 redirects, to http and https URLs
// only, sending the cookies set along the way and changing the method as
// a browser does. The cookie --name is the last one set across
// the responses (a login usually sets it on a 302); a chunked session is
// joined from the response that set it; a Set-Cookie that deletes it is
// reported. --timeout (default 10s) bounds the whole exchange, response
// headers are capped at 256 KiB, bodies are not read. --insecure skips TLS
// verification, with a warning; --client-cert and --client-key present a
// client certificate (mutual TLS).
//
// Results go to standard output, diagnostics ("cookiecodec: error: ...",
// "cookiecodec: hint: ...") to standard error. With --json, exactly one
// JSON object is printed, usage errors included (error kind "usage").
//
// Exit status: 0 valid or done, 1 rejected (decode, verify) or failed
// (sign, keygen), 2 usage error, 3 could not check: a file a flag names
// (error kind "file"), a failed --url request ("fetch"), or standard
// output that could not be written. audit: 0 no match, 1 a weak secret was
// found, 2 usage error, 3 the audit could not run (unreadable INPUT or
// wordlist, a failed --url, not a Flask cookie).
//
// # Security
//
// Key material is never printed: not in results, errors, hints or audit
// reports (an audit match is shown as its list entry number and its first
// and last character), unless audit --reveal asks for the secret it found. --secret is accepted for convenience but puts the
// key where other users can see it (ps, shell history); a warning says so.
// --header and --data values are never printed either (they may be
// credentials); a URL's password is shown as xxxxx.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

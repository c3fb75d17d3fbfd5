package main

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

// readText returns the single positional argument, or standard input when
// there is none or it is "-".
func (c *cli) readText(what string) (string, error) {
	switch len(c.args) {
	case 0:
	case 1:
		if c.args[0] != "-" {
			return c.args[0], nil
		}
	default:
		advice := "quote a header line, which has spaces"
		if c.verb == "sign" {
			advice = "quote the session, which has spaces or shell characters: '{\"user\": \"alice\"}', or give it on standard input"
		}
		return "", usagef("%s takes one %s argument, got %d (%s)", c.verb, what, len(c.args), advice)
	}
	if f, ok := c.stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprintf(c.liveStderr(), "cookiecodec: hint: reading %s from standard input; end it with Ctrl-D\n", what)
	}
	return cliinput.Read(c.stdin)
}

// readCookie reads and parses the INPUT of decode, verify and audit, or
// fetches the cookie from --url.
func (c *cli) readCookie() (cliinput.Input, error) {
	if c.opts.url != "" {
		in, from, err := c.fetchCookie()
		c.source = from
		return in, err
	}
	if err := c.fetchFlagsUnused(); err != nil {
		return cliinput.Input{}, err
	}
	text, err := c.readText("INPUT")
	if err != nil {
		return cliinput.Input{}, err
	}
	now, err := parseNow(c.opts.now)
	if err != nil {
		return cliinput.Input{}, err
	}
	in, err := cliinput.Parse(text, cliinput.Options{Name: c.opts.name, NameSet: c.opts.set["name"], Now: now})
	if err == nil {
		err = checkSessionChars(in.Value)
	}
	return in, err
}

// inputText describes where the cookie came from, for the header block;
// from, when not nil, is the response of --url that set it. joined says
// which copies of repeated chunks were joined ("" for the first of each).
func inputText(in cliinput.Input, from *fetchSource, joined string) string {
	s := in.Form.String()
	if from != nil {
		s += " from " + from.text
	}
	if in.Form != cliinput.FormValue {
		s += fmt.Sprintf(", cookie %q", in.Name)
	}
	if in.Chunked {
		s += ", reassembled from chunks"
		if in.DuplicateChunks > 0 {
			if joined == "" {
				joined = "the first copy of each"
			}
			s += fmt.Sprintf(" (%d repeated; joined with %s)", in.DuplicateChunks, joined)
		}
	}
	if in.Duplicates > 0 {
		s += fmt.Sprintf(" (first of %d with this name)", in.Duplicates+1)
	}
	return s
}

// Formats.
const (
	formatFlask   = "flask"
	formatNative  = "native"
	formatGorilla = "gorilla"
)

// detectFormat guesses the format of a cookie value: a value that parses
// as a native envelope header is native; the base64 of "digits|...|..." is
// gorilla; anything with a '.' is Flask/itsdangerous, and so is a lone
// Flask payload segment (see barePayload). It returns "" when nothing
// fits.
func detectFormat(v string) string {
	if _, err := codec.Inspect(v); err == nil {
		return formatNative
	}
	if looksGorilla(v) {
		return formatGorilla
	}
	if strings.Contains(v, ".") || looksBarePayload(v) {
		return formatFlask
	}
	return ""
}

// barePayload reports whether v is only the payload segment of a Flask
// cookie, with its timestamp and signature left off: it has no '.' at
// all, or one leading '.' (a compressed payload). Users paste such a
// segment from a log or a JWT-style decoder; decode shows it, as
// flask-unsign does, and verify says there is nothing to verify.
func barePayload(v string) bool {
	return !strings.Contains(strings.TrimPrefix(v, "."), ".")
}

// looksBarePayload reports whether v, which has no '.', decodes as the
// payload segment of an uncompressed Flask session: base64url of a JSON
// object. Other dot-less text stays unrecognised, so that its error says
// no format fits.
func looksBarePayload(v string) bool {
	if len(v) < 2 || len(v) > maxVerifySize || strings.Contains(v, ".") {
		return false
	}
	// Decoding the first 4 characters (3 bytes) is enough to see the '{'.
	head, err := lenientB64(v[:min(len(v), 4)])
	return err == nil && len(head) > 0 && head[0] == '{'
}

// resolveFormat applies --format to a cookie value.
func (c *cli) resolveFormat(v string, allowed ...string) (string, bool, error) {
	f := c.opts.format
	if f != "auto" {
		for _, a := range allowed {
			if f == a {
				return f, false, nil
			}
		}
		return "", false, usagef("--format %q: want auto, %s", f, strings.Join(allowed, ", "))
	}
	d := detectFormat(v)
	if d == "" {
		return "", true, fmt.Errorf("%w: not a Flask, native or gorilla cookie (no '.', not a native envelope, not gorilla's base64)", codec.ErrMalformed)
	}
	for _, a := range allowed {
		if d == a {
			return d, true, nil
		}
	}
	return "", true, fmt.Errorf("%w: this looks like a %s cookie; %s handles %s", codec.ErrMalformed, d, c.verb, strings.Join(allowed, ", "))
}

// looksGorilla reports whether v is base64url (padded) of
// "timestamp|value|mac", gorilla/securecookie's layout.
func looksGorilla(v string) bool {
	if len(v) > 64<<10 {
		return false
	}
	raw, err := base64.URLEncoding.DecodeString(v)
	if err != nil {
		return false
	}
	ts, rest, ok := bytes.Cut(raw, []byte("|"))
	if !ok || len(ts) == 0 || len(ts) > 19 || bytes.Count(rest, []byte("|")) < 1 {
		return false
	}
	for _, d := range ts {
		if d < '0' || d > '9' {
			return false
		}
	}
	return true
}

// maxInflate bounds what decode inflates from an unverified payload.
const maxInflate = codec.DefaultMaxDecompressed

// inflate decompresses a zlib stream, at most maxInflate bytes.
func inflate(z []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("%w: zlib: %s", codec.ErrPayload, strings.TrimPrefix(err.Error(), "zlib: "))
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, maxInflate+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%w: zlib: %s", codec.ErrPayload, strings.TrimPrefix(err.Error(), "zlib: "))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: zlib stream is truncated", codec.ErrPayload)
	}
	if len(out) > maxInflate {
		return nil, &codec.TooLargeError{What: "decompressed payload", Size: len(out), Limit: maxInflate, Partial: true}
	}
	return out, nil
}

// lenientB64 decodes base64url the way Python's decoder mostly does:
// '=' padding is ignored and '+' '/' are read as '-' '_'.
func lenientB64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	return base64.RawURLEncoding.DecodeString(s)
}

// jwtAlg reports whether v is a JSON Web Token (a JWS in compact form,
// header.claims.signature), which people paste from an Authorization
// header or a token cookie instead of the session: its first segment is
// base64url of a JSON object naming an "alg", and its second is not a
// plausible itsdangerous timestamp (at most 8 bytes), which a Flask
// cookie whose payload happens to hold "alg" has there. It returns the
// alg.
func jwtAlg(v string) (string, bool) {
	segs := strings.Split(v, ".")
	if len(segs) != 3 || len(v) > maxVerifySize || !strings.HasPrefix(segs[0], "eyJ") {
		return "", false
	}
	if b, err := lenientB64(segs[1]); err == nil && len(b) <= 8 {
		return "", false
	}
	raw, err := lenientB64(segs[0])
	if err != nil {
		return "", false
	}
	var header map[string]any
	if json.Unmarshal(raw, &header) != nil {
		return "", false
	}
	alg, ok := header["alg"].(string)
	return alg, ok
}

// expressSigCookie returns the name of the cookie that signs in.Value the
// way Express's cookie-session (keygrip) does, NAME.sig next to NAME,
// when in holds one and the value has no '.', or "".
func expressSigCookie(in cliinput.Input) string {
	if strings.Contains(in.Value, ".") || in.Value == "" {
		return ""
	}
	for _, ck := range in.Cookies {
		if ck.Name == in.Name+".sig" {
			return ck.Name
		}
	}
	return ""
}

// foreignToken returns an error naming what in holds when it is a token
// of another kind that detection would otherwise take for a Flask
// cookie: a JWT, a URL-encoded cookie (its '.' written %2E reads as a
// lone payload segment), or an Express cookie-session cookie. The error is
// codec.ErrMalformed (kind "malformed"), as for any cookie of no format
// cookiecodec reads.
func foreignToken(in cliinput.Input) error {
	if alg, ok := jwtAlg(in.Value); ok {
		return fmt.Errorf("%w: this is a JWT (JSON Web Token, alg %s), not a session cookie: its segments are header.claims.signature, while cookiecodec reads Flask (itsdangerous), native and gorilla session cookies; read it with a JWT tool, or give the session cookie instead (--name picks it out of a header)", codec.ErrMalformed, strconv.Quote(alg))
	}
	if f := urlEncodedFormat(in.Value); f != "" {
		return fmt.Errorf("%w: the value is URL-encoded (%%XX escapes, as some proxies, logs and Burp's URL-encode write cookies), and no cookie format has '%%' in it: decoded, it is a whole %s cookie; pass the decoded value (python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' VALUE)", codec.ErrMalformed, f)
	}
	if sig := expressSigCookie(in); sig != "" {
		return fmt.Errorf("%w: this is an Express cookie-session cookie (base64 JSON, signed by the separate cookie %s, a keygrip HMAC), not a Flask, native or gorilla session cookie, which cookiecodec reads", codec.ErrMalformed, strconv.Quote(sig))
	}
	return nil
}

// urlEncodedFormat returns the format of v once URL-decoded, when v has
// %XX escapes (which no cookie format has) and decodes to a whole cookie,
// with its signature: "" otherwise.
func urlEncodedFormat(v string) string {
	if !strings.Contains(v, "%") {
		return ""
	}
	u, err := url.PathUnescape(v)
	if err != nil || u == v {
		return ""
	}
	if f := detectFormat(u); f != "" && !(f == formatFlask && barePayload(u)) {
		return f
	}
	return ""
}

// fileArgHint returns a hint when INPUT, given as an argument, names an
// existing file: flask-unsign users keep cookies in files, and INPUT is
// the cookie itself. "" otherwise.
func (c *cli) fileArgHint() string {
	if c.verb == "sign" || c.batchLine || c.opts.url != "" || len(c.args) != 1 || c.args[0] == "-" || strings.ContainsAny(c.args[0], "=:\n") {
		return ""
	}
	fi, err := os.Stat(c.args[0])
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return fmt.Sprintf("INPUT is the cookie itself, and a file named %s exists: to read the cookie from it, give - < %s", shellArg(c.args[0]), shellArg(c.args[0]))
}

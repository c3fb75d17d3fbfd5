// Package cliinput turns what a user pastes into the cookiecodec command
// into one cookie value: a raw value, `name=value`, a whole `Cookie:` or
// `Set-Cookie:` header line (also as copied from `curl -v`, with its
// leading "> " or "< "), several such lines among other header lines, a
// whole HTTP transcript as `curl -v` or `curl -i` prints it, or a HAR
// (both read as [FromResponses] reads responses), a curl command line
// (bash or cmd.exe quoting) or a "Copy as PowerShell" command,
// a Netscape cookie jar, a row of a browser's cookie table, or a JSON
// cookie export, with surrounding whitespace and quotes, and a leading
// byte order mark, ignored.
//
// # Set-Cookie and Cookie lines
//
// Set-Cookie lines are read as a response: the last one of the name
// counts and a deletion is reported ([ErrDeleted]), as a browser keeps
// cookies. Cookie headers follow the request rule below.
//
// # Characters
//
// A value with a character outside RFC 6265's cookie-octet (see
// [CheckValue]), such as a zero-width space pasted with it, is refused
// with [ErrSyntax], naming the code point and its offset; so is UTF-16
// text.
//
// A session that package cookiesession split over several cookies
// (NAME=~n~PART1; NAME.2=PART2; ...) is joined back by [ReassembleChunks]
// when it comes in a Cookie header.
//
// Start with [Parse]; [Read] reads standard input with a size limit.
//
// # Limits
//
// Input longer than [MaxInput] bytes (a HAR: [MaxHAR]) is refused with
// [ErrTooLarge] before it is parsed, and at most [MaxCookies] cookies are collected from headers.
// Parsing is a single pass over the text: time and memory are linear in
// its length. Parse never returns key material or payloads in its errors:
// they quote cookie names only, and only when the names are valid tokens.
//
// # Duplicate names
//
// When a Cookie header holds several cookies with the wanted name (a cookie set
// for a parent domain beside the app's own, "cookie tossing"), the FIRST one
// is taken, as Werkzeug and Flask do, and [Input.Duplicates] counts the
// others so the caller can warn and try them.
package cliinput

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// MaxInput is the largest input Parse and Read accept: 1 MiB. The biggest
// legitimate input, a Cookie header carrying chunked sessions, is a few
// tens of KiB; browsers send at most 180 cookies of 4 KiB per domain.
const MaxInput = 1 << 20

// MaxHAR is the largest HAR (see [LooksHAR]) Parse and Read accept:
// 64 MiB. A HAR exported by a browser carries the response bodies, and one
// page load is often several MiB; Parse keeps nothing of the bodies (the
// JSON decoder skips them), so memory stays about three times the file
// at most, and the bound keeps a mistaken pipe (a video, a disk image)
// from being read whole. Larger exports can be trimmed with jq: see
// [ErrTooLarge]'s message.
const MaxHAR = 64 << 20

// harTrimAdvice ends the message of a HAR, or of an input that may be
// one, over the limit.
const harTrimAdvice = "strip a HAR's response bodies with jq 'del(.log.entries[].response.content.text)' FILE.har | cookiecodec verify -"

// MaxCookies is the most cookies Parse collects from header input. It is
// Chromium's per-domain limit.
const MaxCookies = 180

// Errors returned by Parse and Read. Each error wraps exactly one of them.
// Their messages, like every message of this package, carry no package
// prefix: the cookiecodec command shows them to users as they are.
var (
	// ErrEmpty: nothing but whitespace and quotes, or an empty value.
	ErrEmpty = errors.New("empty input")
	// ErrTooLarge: the input exceeds MaxInput or holds more than MaxCookies
	// cookies.
	ErrTooLarge = errors.New("input too large")
	// ErrNotFound: a header does not hold the wanted cookie.
	ErrNotFound = errors.New("cookie not found")
	// ErrSyntax: a header line or name=value pair that cannot be parsed.
	ErrSyntax = errors.New("syntax error")
)

// Form says how the cookie was given.
type Form uint8

const (
	// FormValue is a bare cookie value.
	FormValue Form = iota
	// FormPair is `name=value`.
	FormPair
	// FormCookieHeader is a `Cookie:` header line (with or without the
	// "Cookie:" prefix when it lists several `name=value` pairs).
	FormCookieHeader
	// FormSetCookieHeader is a `Set-Cookie:` header line (with or without
	// the prefix when attributes such as Path follow the value).
	FormSetCookieHeader
	// FormCookieJar is a Netscape cookie-jar file or line, as curl -c and
	// browser extensions write it.
	FormCookieJar
	// FormCookieTable is a row (or rows) copied from a browser's cookie
	// table: DevTools > Application > Cookies.
	FormCookieTable
	// FormJSONExport is a JSON cookie export: an array of objects with
	// "name" and "value", as cookie-editor extensions and Playwright's
	// storageState ({"cookies": [...]}) write it.
	FormJSONExport
	// FormHAR is a HAR file (HTTP Archive), as browsers' developer tools
	// export it, read as an HTTP transcript.
	FormHAR
	// FormCurlCommand is a curl command line, as a browser's "Copy as
	// cURL" gives it: its -b/--cookie and -H 'cookie: ...' arguments.
	FormCurlCommand
	// FormPowerShell is a PowerShell script, as a browser's "Copy as
	// PowerShell" gives it: its System.Net.Cookie("NAME", "VALUE", ...).
	FormPowerShell
)

// String returns a short lowercase description such as "Cookie header".
func (f Form) String() string {
	switch f {
	case FormPair:
		return "name=value"
	case FormCookieHeader:
		return "Cookie header"
	case FormSetCookieHeader:
		return "Set-Cookie header"
	case FormCookieJar:
		return "Netscape cookie jar"
	case FormCookieTable:
		return "cookie table row"
	case FormJSONExport:
		return "JSON cookie export"
	case FormHAR:
		return "HAR"
	case FormCurlCommand:
		return "curl command line"
	case FormPowerShell:
		return "PowerShell command"
	}
	return "raw value"
}

// Cookie is one name/value pair found in the input, with surrounding
// double quotes removed from the value.
type Cookie struct {
	Name  string
	Value string
}

// Options tell Parse which cookie to pick.
type Options struct {
	// Name is the wanted cookie name. The empty string means "session".
	Name string
	// NameSet reports that the user chose Name explicitly. It matters for
	// name=value input only: when it is false, that one cookie is taken
	// whatever its name; when it is true, the name must match. Header
	// input (Cookie: or Set-Cookie:) is always searched for Name, even
	// when it holds a single cookie: "Cookie: other=1" does not hold the
	// session. A raw value takes Name as its name.
	NameSet bool
	// Reassemble joins chunked cookies of header input. It returns
	// ok=false when cookies hold no chunked session called name; an error
	// means the chunks are present but inconsistent. Nil means
	// [ReassembleChunks], the layout of package cookiesession.
	Reassemble func(cookies []Cookie, name string) (value string, ok bool, err error)
	// Now is the time against which a Set-Cookie's Expires is judged in
	// an HTTP transcript (a cookie that expired is deleted); zero means
	// time.Now().
	Now time.Time
}

// Input is one cookie picked out of the user's text.
type Input struct {
	// Form is how the cookie was given.
	Form Form
	// Name is the cookie's name: taken from the input when it has one,
	// else the wanted name (Options.Name, default "session").
	Name string
	// NameFromInput reports that Name was read from the input.
	NameFromInput bool
	// Value is the cookie value, trimmed of whitespace and quotes.
	Value string
	// Cookies lists every cookie found in header input, in order. It is
	// nil for FormValue.
	Cookies []Cookie
	// Duplicates counts the further cookies named Name after the one
	// taken (header input only).
	Duplicates int
	// Chunked reports that Value was joined from chunk cookies by
	// Options.Reassemble.
	Chunked bool
	// SetCookieExpires and SetCookieMaxAge are the Expires and Max-Age
	// attributes of the Set-Cookie header that set Value (zero when it
	// has none, or when the input holds no Set-Cookie header): the
	// lifetime the app gave the cookie, which its own check of the
	// cookie's age usually matches.
	SetCookieExpires time.Time
	SetCookieMaxAge  int
	// Note, when not empty, is a remark for the user on how the cookie
	// was picked: a later Set-Cookie deletes the name on another Path or
	// Domain, so a browser keeps this one.
	Note string
	// Chunks is how many cookies a chunked Value spans, and
	// DuplicateChunks counts the chunk cookies that repeat a chunk already
	// given: Value joins the first copy of each, and [ChunkCombinations]
	// lists the other ways of joining them. Both are 0 unless Value was
	// joined by [ReassembleChunks].
	Chunks, DuplicateChunks int
}

// Read reads all of r, at most MaxInput bytes, or MaxHAR bytes when the
// first MaxInput bytes start a HAR ([LooksHAR]); more is ErrTooLarge.
func Read(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return "", fmt.Errorf("reading input: %w", err)
	}
	if len(b) > MaxInput && LooksHAR(string(b)) {
		rest, err := io.ReadAll(io.LimitReader(r, MaxHAR+1-int64(len(b))))
		if err != nil {
			return "", fmt.Errorf("reading input: %w", err)
		}
		b = append(b, rest...)
	}
	if err := checkSize(string(b), "more than"); err != nil {
		return "", err
	}
	return string(b), nil
}

// checkSize refuses text over MaxInput bytes, or over MaxHAR for a HAR.
// The message says "more than N bytes" (what, for Read, which stops
// reading there) or gives the size.
func checkSize(text, what string) error {
	limit := MaxInput
	if LooksHAR(text) {
		limit = MaxHAR
	}
	if len(text) <= limit {
		return nil
	}
	size := fmt.Sprintf("%d bytes, limit %d", len(text), limit)
	if what != "" {
		size = fmt.Sprintf("%s %d bytes", what, limit)
	}
	if limit == MaxHAR {
		return fmt.Errorf("%w: %s (a HAR may be up to 64 MiB): %s", ErrTooLarge, size, harTrimAdvice)
	}
	return fmt.Errorf("%w: %s (1 MiB; INPUT is one cookie, or a HAR of up to 64 MiB; a file of many cookies is verify --lines FILE); %s", ErrTooLarge, size, harTrimAdvice)
}

// LooksHAR reports whether text starts as a HAR does: a JSON object whose
// first member is "log" (after white space and a byte order mark). Browsers
// write "log" first; only such input may be larger than MaxInput.
func LooksHAR(text string) bool {
	t := strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(text, " \t\r\n"), byteOrderMark), " \t\r\n")
	if !strings.HasPrefix(t, "{") {
		return false
	}
	return strings.HasPrefix(strings.TrimLeft(t[1:], " \t\r\n"), `"log"`)
}

// Parse picks one cookie out of text according to opts. See the package
// documentation for the accepted forms. Its errors wrap one of the
// errors above, [ErrChunks], or, for an HTTP transcript whose response
// deletes the cookie, [ErrDeleted].
func Parse(text string, opts Options) (Input, error) {
	if err := checkSize(text, ""); err != nil {
		return Input{}, err
	}
	if utf16Text(text) {
		return Input{}, ErrUTF16
	}
	name := opts.Name
	if name == "" {
		name = "session"
	}
	// A byte order mark, from a Windows editor, is dropped at the start
	// only; anywhere else CheckValue refuses it.
	text = trim(strings.TrimPrefix(trim(text), byteOrderMark))
	if text == "" {
		return Input{}, ErrEmpty
	}
	in, err := parse(text, name, opts)
	if err == nil {
		err = CheckValue(in.Value)
	}
	return in, err
}

// parse is Parse on text trimmed and not empty.
func parse(text, name string, opts Options) (Input, error) {
	if text[0] == '{' || text[0] == '[' {
		return parseJSONInput(text, name, opts)
	}
	if isCurlCommand(text) {
		return parseCurl(text, name, opts)
	}
	if isPowerShell(text) {
		return parsePowerShell(text, name, opts)
	}
	lines := splitLines(text)
	if isTabular(lines) {
		return parseTabular(lines, name, opts)
	}
	if len(lines) > 1 && isTranscript(lines) {
		return parseTranscript(lines, name, opts)
	}
	if len(lines) > 1 {
		return parseHeaderLines(lines, name, opts)
	}
	line := stripCurlMarker(text)
	if rest, ok := cutPrefixFold(line, "set-cookie:"); ok {
		return parseSetCookie(rest, name, opts)
	}
	if rest, ok := cutPrefixFold(line, "cookie:"); ok {
		return parseCookieHeader(rest, name, opts)
	}
	if strings.Contains(line, ";") {
		// Without a prefix: a Set-Cookie line when what follows the first
		// pair are cookie attributes, else a Cookie header.
		first, attrs, _ := strings.Cut(line, ";")
		if looksLikeAttributes(attrs) {
			return parseSetCookie(first+";"+attrs, name, opts)
		}
		return parseCookieHeader(line, name, opts)
	}
	if n, v, ok := splitPair(line); ok {
		return pickSingle(FormPair, n, v, name, opts.NameSet)
	}
	return Input{Form: FormValue, Name: name, Value: unquote(line)}, nonEmpty(unquote(line))
}

// parseHeaderLines handles several pasted lines without a status or
// request line: Cookie and Set-Cookie header lines, among other header
// lines (as a browser's "Copy request headers" or "Copy response headers"
// gives them, HTTP/2 pseudo-headers such as ":authority:" included), which
// are ignored. Set-Cookie lines are read as one response: the last of the
// name counts and a deletion is reported, as in a browser (see
// [FromResponses]); Cookie lines, when there is no Set-Cookie, are pooled
// in order, and the first cookie of the name counts.
func parseHeaderLines(lines []string, name string, opts Options) (Input, error) {
	var all []Cookie
	setCookie := false
	for i, l := range lines {
		l = stripCurlMarker(trim(l))
		if l == "" {
			continue
		}
		if _, ok := cutPrefixFold(l, "set-cookie:"); ok {
			setCookie = true
			continue
		}
		rest, ok := cutPrefixFold(l, "cookie:")
		if !ok {
			if isHeaderLine(l) {
				continue
			}
			if rawValueLines(lines) {
				return Input{}, fmt.Errorf("%w: the input is %d lines, each of them like a cookie value: INPUT is one cookie; give one per run, or all of them to verify --lines (one INPUT per line)", ErrSyntax, len(lines))
			}
			return Input{}, fmt.Errorf("%w: line %d is not a header line (give one cookie, header lines, a whole curl -v or curl -i transcript, a HAR, a curl command line, or a cookie jar or export)", ErrSyntax, i+1)
		}
		cs, err := cookiePairs(rest)
		if err != nil {
			return Input{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		if len(all)+len(cs) > MaxCookies {
			return Input{}, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
		}
		all = append(all, cs...)
	}
	if setCookie {
		return parseTranscript(lines, name, opts)
	}
	if len(all) == 0 {
		return Input{Form: FormCookieHeader, Name: name}, fmt.Errorf("%w: the header lines hold no Cookie or Set-Cookie header%s", ErrNotFound, logPrefixAdvice(lines))
	}
	return pick(FormCookieHeader, all, name, opts)
}

// logPrefixAdvice returns advice for header lines found after other text
// on the line, as log lines with a time stamp have them (grep -i
// set-cookie app.log), or "".
func logPrefixAdvice(lines []string) string {
	for i, l := range lines {
		low := strings.ToLower(l)
		for _, h := range []string{"set-cookie:", "cookie:"} {
			if j := strings.Index(low, h); j > 0 {
				return fmt.Sprintf("; line %d holds %q after other text (a log prefix?): cut it, as sed 's/.*\\(%s\\)/\\1/I' does", i+1, h, h)
			}
		}
	}
	return ""
}

// isHeaderLine reports whether l is a header line, "Name: value", or an
// HTTP/2 pseudo-header as browsers copy them, ":authority: host".
func isHeaderLine(l string) bool {
	n, _, ok := strings.Cut(strings.TrimPrefix(l, ":"), ":")
	return ok && IsToken(n)
}

// rawValueLines reports whether every line looks like a cookie value or a
// name=value pair on its own: no space, no header name.
func rawValueLines(lines []string) bool {
	for _, l := range lines {
		if strings.ContainsAny(l, " \t;") || isHeaderLine(l) {
			return false
		}
	}
	return true
}

func parseSetCookie(rest, name string, opts Options) (Input, error) {
	c, err := setCookiePair(rest)
	if err != nil {
		return Input{}, err
	}
	in, err := pickSingle(FormSetCookieHeader, c.Name, c.Value, name, true)
	in.Cookies = []Cookie{c}
	in.SetCookieExpires, in.SetCookieMaxAge = lifetime(rest)
	if !errors.Is(err, ErrNotFound) {
		// A lone logout header: the deletion is the verdict, as for
		// several lines or a transcript, whatever the value ("" or
		// "deleted").
		if why := loneDeletion(trim(rest), c.Value, nowOr(opts.Now)); why != "" {
			return in, fmt.Errorf("%w: the Set-Cookie header given deletes cookie %q (%s): there is no session to show", ErrDeleted, c.Name, why)
		}
	}
	return in, err
}

// loneDeletion says why a single Set-Cookie line v, with value value,
// deletes its cookie, or "". Max-Age zero or negative always does; an
// Expires in the past does when the value is empty or "deleted", or the
// date is before 1971 (logouts write the epoch). An old login header
// pasted to be decoded keeps its value: its Expires is past only because
// time went by, and the lifetime hint says so.
func loneDeletion(v, value string, now time.Time) string {
	why := deletion(v, now)
	if why == "" || strings.HasPrefix(why, "Max-Age") || value == "" || value == "deleted" {
		return why
	}
	if hc, err := http.ParseSetCookie(v); err == nil && hc.Expires.Before(time.Date(1971, 1, 1, 0, 0, 0, 0, time.UTC)) {
		return why
	}
	return ""
}

// nowOr returns t, or the current time when t is zero.
func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// lifetime returns the Expires and Max-Age attributes of the Set-Cookie
// header value v, zero when absent or unreadable.
func lifetime(v string) (time.Time, int) {
	hc, err := http.ParseSetCookie(v)
	if err != nil {
		return time.Time{}, 0
	}
	return hc.Expires, hc.MaxAge
}

// SetCookiePair returns the cookie of one Set-Cookie header value (what
// follows "Set-Cookie:"), read as Parse reads a Set-Cookie line: the
// name=value pair before the first ';', the value trimmed of whitespace
// and quotes; the attributes are ignored. It fails with [ErrSyntax] when
// there is no pair whose name is a token, and with [ErrTooLarge] beyond
// [MaxInput] bytes. It serves callers that get header values one at a
// time, such as the Set-Cookie headers of an HTTP response.
func SetCookiePair(value string) (Cookie, error) {
	if len(value) > MaxInput {
		return Cookie{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(value), MaxInput)
	}
	return setCookiePair(value)
}

// setCookiePair returns the name=value pair at the start of a Set-Cookie
// value; the attributes after the first ';' are ignored.
func setCookiePair(rest string) (Cookie, error) {
	pair, _, _ := strings.Cut(rest, ";")
	n, v, ok := strings.Cut(trim(pair), "=")
	n = trim(n)
	if !ok || !IsToken(n) {
		return Cookie{}, fmt.Errorf("%w: Set-Cookie header without a name=value pair", ErrSyntax)
	}
	return Cookie{Name: n, Value: unquote(v)}, nil
}

func parseCookieHeader(rest, name string, opts Options) (Input, error) {
	cs, err := cookiePairs(rest)
	if err != nil {
		return Input{}, err
	}
	return pick(FormCookieHeader, cs, name, opts)
}

// cookiePairs splits the value of a Cookie header into pairs. Empty
// elements (";;") are skipped, as browsers and Go's net/http do.
func cookiePairs(s string) ([]Cookie, error) {
	var cs []Cookie
	for part := range strings.SplitSeq(s, ";") {
		part = trim(part)
		if part == "" {
			continue
		}
		n, v, ok := strings.Cut(part, "=")
		n = trim(n)
		if !ok || !IsToken(n) {
			return nil, fmt.Errorf("%w: Cookie header element %d is not name=value", ErrSyntax, len(cs)+1)
		}
		if len(cs) == MaxCookies {
			return nil, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
		}
		cs = append(cs, Cookie{Name: n, Value: unquote(trim(v))})
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("%w: Cookie header without cookies", ErrEmpty)
	}
	return cs, nil
}

// pick chooses the cookie called name among cs, however many there are.
func pick(form Form, cs []Cookie, name string, opts Options) (Input, error) {
	in := Input{Form: form, Name: name, Cookies: cs}
	found := -1
	for i, c := range cs {
		if c.Name != name {
			continue
		}
		if found < 0 {
			found = i
		} else {
			in.Duplicates++
		}
	}
	reassemble := opts.Reassemble
	if reassemble == nil {
		reassemble = ReassembleChunks
	}
	v, ok, err := reassemble(cs, name)
	if err != nil {
		return in, err
	}
	if ok {
		in.NameFromInput, in.Chunked, in.Value = true, true, v
		if opts.Reassemble == nil {
			in.Chunks, in.DuplicateChunks = CountChunks(cs, name)
		}
		return in, nonEmpty(v)
	}
	if found >= 0 {
		in.NameFromInput = true
		in.Value = cs[found].Value
		return in, nonEmpty(in.Value)
	}
	return in, fmt.Errorf("%w: no cookie named %s among %s (pick one with --name)", ErrNotFound, quoteName(name), names(cs))
}

// pickSingle handles input that names exactly one cookie, n; byName
// requires n to be the wanted name.
func pickSingle(form Form, n, v, name string, byName bool) (Input, error) {
	if byName && n != name {
		return Input{Form: form, Name: name}, fmt.Errorf("%w: the input holds cookie %s, not %s", ErrNotFound, quoteName(n), quoteName(name))
	}
	v = unquote(v)
	return Input{Form: form, Name: n, NameFromInput: true, Value: v}, nonEmpty(v)
}

func nonEmpty(v string) error {
	if v == "" {
		return fmt.Errorf("%w: the cookie value is empty", ErrEmpty)
	}
	return nil
}

// splitPair splits "name=value" when name is a token and value is not
// empty and not only '=' characters: a bare base64 value with padding
// ("abc==") is not a pair.
func splitPair(s string) (string, string, bool) {
	n, v, ok := strings.Cut(s, "=")
	n = trim(n)
	if !ok || !IsToken(n) || strings.Trim(v, "= \t") == "" {
		return "", "", false
	}
	return n, trim(v), true
}

// looksLikeAttributes reports whether s (what follows the first ';') starts
// with a Set-Cookie attribute.
func looksLikeAttributes(s string) bool {
	first, _, _ := strings.Cut(s, ";")
	n, _, _ := strings.Cut(trim(first), "=")
	switch strings.ToLower(trim(n)) {
	case "path", "domain", "expires", "max-age", "secure", "httponly", "samesite", "partitioned", "priority":
		return true
	}
	return false
}

// trim removes surrounding whitespace and matching quotes, repeatedly, so
// that `"'abc'"` and ` "abc" ` both give abc.
func trim(s string) string {
	for {
		s = strings.TrimSpace(s)
		if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
			s = s[1 : len(s)-1]
			continue
		}
		return s
	}
}

// unquote removes one pair of double quotes around a cookie value
// (RFC 6265 allows them) and surrounding whitespace.
func unquote(v string) string {
	return trim(v)
}

// stripCurlMarker removes the "> " or "< " that curl -v puts before
// request and response headers.
func stripCurlMarker(s string) string {
	if len(s) >= 2 && (s[0] == '>' || s[0] == '<') && s[1] == ' ' {
		return trim(s[2:])
	}
	return s
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// splitLines splits on LF, dropping CRs and blank lines.
func splitLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// IsToken reports whether s is an HTTP token (RFC 9110, 5.6.2), the syntax
// of a cookie name and of a request method.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// quoteName quotes a cookie name for a message.
func quoteName(n string) string {
	if IsToken(n) {
		return "\"" + n + "\""
	}
	return "(invalid name)"
}

// names lists the cookie names of cs for a message, at most 10.
func names(cs []Cookie) string {
	var b strings.Builder
	for i, c := range cs {
		if i == 10 {
			fmt.Fprintf(&b, ", ... (%d in all)", len(cs))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteName(c.Name))
	}
	return b.String()
}

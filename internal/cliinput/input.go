// Package cliinput turns what a user pastes into the cookiecodec command
// into one cookie value: a raw value, `name=value`, a whole `Cookie:` or
// `Set-Cookie:` header line (also as copied from `curl -v`, with its
// leading "> " or "< "), several such lines, or a whole HTTP transcript as
// `curl -v` or `curl -i` prints it (read as [FromResponses] reads responses), with surrounding
// whitespace and quotes ignored.
//
// A session that package cookiesession split over several cookies
// (NAME=~n~PART1; NAME.2=PART2; ...) is joined back by [ReassembleChunks]
// when it comes in a Cookie header.
//
// Start with [Parse]; [Read] reads standard input with a size limit.
//
// # Limits
//
// Input longer than [MaxInput] bytes is refused with [ErrTooLarge] before
// it is parsed, and at most [MaxCookies] cookies are collected from headers.
// Parsing is a single pass over the text: time and memory are linear in
// its length. Parse never returns key material or payloads in its errors:
// they quote cookie names only, and only when the names are valid tokens.
//
// # Duplicate names
//
// When a header holds several cookies with the wanted name (a cookie set
// for a parent domain beside the app's own, "cookie tossing"), the FIRST one
// is taken, as Werkzeug and Flask do, and [Input.Duplicates] counts the
// others so the caller can warn and try them.
package cliinput

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// MaxInput is the largest input Parse and Read accept: 1 MiB. The biggest
// legitimate input, a Cookie header carrying chunked sessions, is a few
// tens of KiB; browsers send at most 180 cookies of 4 KiB per domain.
const MaxInput = 1 << 20

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
	// Chunks is how many cookies a chunked Value spans, and
	// DuplicateChunks counts the chunk cookies that repeat a chunk already
	// given: Value joins the first copy of each, and [ChunkCombinations]
	// lists the other ways of joining them. Both are 0 unless Value was
	// joined by [ReassembleChunks].
	Chunks, DuplicateChunks int
}

// Read reads all of r, at most MaxInput bytes; more is ErrTooLarge.
func Read(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return "", fmt.Errorf("reading input: %w", err)
	}
	if len(b) > MaxInput {
		return "", fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxInput)
	}
	return string(b), nil
}

// Parse picks one cookie out of text according to opts. See the package
// documentation for the accepted forms. Its errors wrap one of the
// errors above, [ErrChunks], or, for an HTTP transcript whose response
// deletes the cookie, [ErrDeleted].
func Parse(text string, opts Options) (Input, error) {
	if len(text) > MaxInput {
		return Input{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(text), MaxInput)
	}
	name := opts.Name
	if name == "" {
		name = "session"
	}
	text = trim(text)
	if text == "" {
		return Input{}, ErrEmpty
	}
	lines := splitLines(text)
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

// parseHeaderLines handles several pasted lines: each must be a Cookie or
// Set-Cookie header; their cookies are pooled in order.
func parseHeaderLines(lines []string, name string, opts Options) (Input, error) {
	var all []Cookie
	form := FormCookieHeader
	for i, l := range lines {
		l = stripCurlMarker(trim(l))
		if l == "" {
			continue
		}
		var cs []Cookie
		var err error
		if rest, ok := cutPrefixFold(l, "set-cookie:"); ok {
			var c Cookie
			c, err = setCookiePair(rest)
			cs = []Cookie{c}
			form = FormSetCookieHeader
		} else if rest, ok := cutPrefixFold(l, "cookie:"); ok {
			cs, err = cookiePairs(rest)
		} else {
			return Input{}, fmt.Errorf("%w: line %d is not a Cookie or Set-Cookie header (give one cookie, header lines only, or a whole curl -v or curl -i transcript)", ErrSyntax, i+1)
		}
		if err != nil {
			return Input{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		if len(all)+len(cs) > MaxCookies {
			return Input{}, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
		}
		all = append(all, cs...)
	}
	return pick(form, all, name, opts)
}

func parseSetCookie(rest, name string, opts Options) (Input, error) {
	c, err := setCookiePair(rest)
	if err != nil {
		return Input{}, err
	}
	in, err := pickSingle(FormSetCookieHeader, c.Name, c.Value, name, true)
	in.Cookies = []Cookie{c}
	return in, err
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

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
	"github.com/cookiecodec/cookiecodec/internal/pyliteral"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// result is what decode, verify and sign report. Its JSON form is the
// --json object of the contract; the unexported fields only shape the
// human output.
type result struct {
	jsonSchema
	Valid      *bool           `json:"valid,omitempty"`
	Verified   *bool           `json:"verified,omitempty"`
	Format     string          `json:"format"`
	Cookie     string          `json:"cookie,omitempty"` // sign only
	Payload    json.RawMessage `json:"payload"`
	Opaque     []opaqueEntry   `json:"opaque,omitempty"`  // gorilla gob: entries of the app's own types, not in payload
	Partial    bool            `json:"partial,omitempty"` // verify --partial: payload holds only the entries readable without the app's types
	Timestamp  *int64          `json:"timestamp,omitempty"`
	IssuedAt   string          `json:"issued_at,omitempty"`
	ExpiresAt  string          `json:"expires_at,omitempty"`
	Expired    *bool           `json:"expired,omitempty"` // with expires_at: whether it has passed (at --now)
	AgeSeconds *int64          `json:"age_seconds,omitempty"`
	Compressed *bool           `json:"compressed,omitempty"`
	Key        string          `json:"key,omitempty"`
	KeyID      string          `json:"key_id,omitempty"`
	SessionID  string          `json:"session_id,omitempty"`
	Source     *fetchSource    `json:"source,omitempty"` // --url only
	Error      *resultError    `json:"error"`
	hintList                   // "hints" and "hint_codes"

	detected bool          // the format was auto-detected
	unread   bool          // no cookie could be read: no header block, even with a format
	name     string        // cookie name used
	input    string        // how the cookie was given
	node     *jnode        // parsed payload for display
	text     []byte        // the payload's tagged JSON, for --tagged
	issued   time.Time     // zero when the format has no time
	created  time.Time     // native
	expires  time.Time     // zero when unknown
	maxAge   time.Duration // Flask: the max-age the expiry came from
	notes    []string      // extra header lines ("label: value")
	// nonFinite: the payload holds NaN or an infinity, which emit
	// explains for the output at hand.
	nonFinite bool
}

// resultError is the "error" member of the --json object.
type resultError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func boolPtr(b bool) *bool    { return &b }
func int64Ptr(n int64) *int64 { return &n }

// errorKind maps an error to the --json error kind: "file" for a file a
// flag names that could not be read, "fetch" for a failed --url request,
// "chunk" for a chunked session given incomplete (one chunk alone, or a
// chunk missing), "not_found" when the input holds no cookie of the name,
// "deleted" when the Set-Cookie that counts deletes it, "empty" for an
// empty INPUT, else what the codec said; "malformed" is the rest. The
// kinds are a stable interface: see "Exit statuses and error kinds" in
// the README.
func errorKind(err error) string {
	switch {
	case errors.Is(err, errFile):
		return "file"
	case errors.Is(err, codec.ErrExpired), errors.Is(err, codec.ErrFuture):
		return codec.Reason(err)
	case errors.Is(err, codec.ErrTooLarge), errors.Is(err, cliinput.ErrTooLarge):
		return "too_large"
	case errors.Is(err, errFetch):
		return "fetch"
	case errors.Is(err, errChunk), errors.Is(err, cliinput.ErrChunks):
		return "chunk"
	case errors.Is(err, cliinput.ErrNotFound):
		return "not_found"
	case errors.Is(err, cliinput.ErrDeleted):
		return "deleted"
	case errors.Is(err, cliinput.ErrEmpty):
		return "empty"
	}
	if word := codec.Reason(err); word != "" {
		return word
	}
	return "malformed"
}

// setError records err in r.
func (r *result) setError(err error) {
	r.Error = &resultError{Kind: errorKind(err), Message: userText(err.Error())}
}

// libraryPrefixes are the package names that the library's errors start
// with, and repeat when one wraps another ("codec: bad payload:
// serializer: syntax error ..."). They mean nothing to a user of the
// command, so its messages leave them out; error.kind says the class.
var libraryPrefixes = []string{"codec: ", "serializer: "}

// userText removes the library's package prefixes from a message, where
// they start it or one of its ": "-separated parts.
func userText(msg string) string {
	for _, p := range libraryPrefixes {
		msg = strings.ReplaceAll(strings.TrimPrefix(msg, p), ": "+p, ": ")
	}
	return msg
}

// clone returns a copy of r whose hints and notes can grow without
// changing r's.
func (r *result) clone() *result {
	c := *r
	c.hintList = r.hintList.clip()
	c.notes = slices.Clip(r.notes)
	return &c
}

// setPayload parses the tagged-JSON payload for display and for the
// "payload" member. JSON cannot hold NaN or infinities: they become
// strings in the "payload" member, and r.nonFinite is set for emit's
// hint. An unparsable payload is null.
func (r *result) setPayload(data []byte, redact bool) {
	n, err := parseJSON(data)
	if err != nil {
		r.Payload = nil
		return
	}
	r.node = n
	r.text = data
	lossy := false
	r.Payload = appendJSON(nil, n, redact, &lossy)
	r.nonFinite = lossy
}

// nonFiniteHint explains NaN and infinities for the output at hand: the
// --json "payload" member writes them as strings, --tagged as the bare
// tokens Python's json writes; the human display shows them as they are
// and needs no hint.
func (c *cli) nonFiniteHint(r *result) {
	switch {
	case !r.nonFinite || c.opts.pythonOut:
	case c.opts.json:
		r.hint(hintNonFinite, "the payload holds NaN or Infinity, which JSON cannot represent: the --json payload shows them as strings")
	case c.opts.tagged:
		r.hint(hintNonFinite, "the session holds NaN or Infinity, printed as the bare tokens Python's json writes and sign reads back; standard JSON tools refuse them")
	}
}

// setTimes fills the time fields from the issue time and the expiry.
func (r *result) setTimes(issued, expires, now time.Time, ts int64, hasTS bool) {
	if hasTS {
		r.Timestamp = int64Ptr(ts)
	}
	if !issued.IsZero() {
		r.issued = issued
		r.IssuedAt = rfc3339(issued)
		r.AgeSeconds = int64Ptr(now.Unix() - issued.Unix())
	}
	if !expires.IsZero() {
		r.expires = expires
		r.ExpiresAt = rfc3339(expires)
	}
}

// emit prints r: one JSON object with --json, else the header block and
// the payload on stdout, and the error and hints on stderr. A failed
// verify, or a failure before any format was known (unreadable input,
// nothing detected), leaves stdout empty. It returns the exit status.
func (c *cli) emit(r *result, now time.Time, code int) int {
	r.nonNil()
	c.nonFiniteHint(r)
	if !r.expires.IsZero() {
		r.Expired = boolPtr(!r.expires.After(now))
	}
	if code != exitOK {
		if h := c.fileArgHint(); h != "" {
			r.hint(hintInputIsFile, "%s", h)
		}
	}
	if c.opts.json {
		c.printJSON(r)
		return code
	}
	if c.opts.tagged || c.opts.pythonOut {
		// Only the session goes to stdout, or nothing: a script that
		// redirects it into a file for sign must never get the header.
		flag := "--tagged"
		if c.opts.pythonOut {
			flag = "--python"
		}
		switch {
		case r.text != nil && c.opts.pythonOut:
			if err := c.printPython(r.text); err != nil {
				c.errorf("--python: %v", err)
				code = exitFailed
			}
		case r.text != nil:
			c.printTagged(r.text)
		case r.Error == nil:
			c.errorf("%s: there is no session to print (decode cannot read an encrypted payload)", flag)
			code = exitFailed
		}
		if r.Error != nil {
			c.errorf("%s", r.Error.Message)
		}
		for _, h := range r.Hints {
			c.hintf("%s", h)
		}
		return code
	}
	if r.Error != nil && !r.Partial && (r.Valid != nil || r.Format == "" || r.unread) {
		// verify failed, or there is no header to show: nothing on stdout.
		c.errorf("%s", r.Error.Message)
		for _, h := range r.Hints {
			c.hintf("%s", h)
		}
		return code
	}
	pt := painter{on: useColor(c.stdout)}
	var b strings.Builder
	c.header(&b, r, now, pt)
	if r.Cookie != "" {
		b.WriteString("\n" + r.Cookie + "\n")
	} else if r.node != nil {
		b.WriteByte('\n')
		renderPayload(&b, r.node, 0, c.opts.redact, pt)
		b.WriteByte('\n')
	}
	fmt.Fprint(c.stdout, b.String())
	if r.Error != nil {
		c.errorf("%s", r.Error.Message)
	}
	for _, h := range r.Hints {
		c.hintf("%s", h)
	}
	return code
}

// printTagged prints a payload's tagged JSON for --tagged, indented, with
// a final newline. Every number is kept as written (Python's NaN,
// Infinity and -Infinity tokens too) and every string means what it
// meant, so sign reads back the same session. A character in a string
// that is not printable (a control, a bidi override, a private-use or
// unassigned code point) is written as its \u escape, as Python's json
// writes every non-ASCII character, so that a forged payload cannot move
// the cursor or reorder the text on the terminal.
func (c *cli) printTagged(text []byte) {
	b := indentJSON(text)
	b = append(b, '\n')
	c.stdout.Write(b)
}

// indentJSON indents JSON text as json.Indent does with two spaces, but
// copies any token it does not know (Python's NaN and Infinity) as it is
// instead of failing, and escapes the characters of strings that are not
// printable (see appendPrintableJSON). text must be JSON as Python reads
// it; whitespace outside strings is dropped and rewritten.
func indentJSON(text []byte) []byte {
	var b []byte
	depth := 0
	newline := func() {
		b = append(b, '\n')
		b = append(b, bytes.Repeat([]byte("  "), depth)...)
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case ' ', '\t', '\r', '\n':
		case '"':
			j := i + 1
			for j < len(text) && text[j] != '"' {
				if text[j] == '\\' {
					j++
				}
				j++
			}
			b = appendPrintableJSON(b, text[i:min(j+1, len(text))])
			i = j
		case '{', '[':
			b = append(b, c)
			k := i + 1
			for k < len(text) && strings.IndexByte(" \t\r\n", text[k]) >= 0 {
				k++
			}
			if k < len(text) && (text[k] == '}' || text[k] == ']') {
				b = append(b, text[k])
				i = k
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			b = append(b, c)
		case ',':
			b = append(b, c)
			newline()
		case ':':
			b = append(b, ':', ' ')
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendPrintableJSON appends the JSON string token str to b with every
// character that unicode.IsPrint refuses written as a \u escape (two, a
// surrogate pair, beyond U+FFFF), which a JSON reader reads back as the
// same character. Printable characters, the escapes already in str, and
// bytes that are not UTF-8 are copied as they are.
func appendPrintableJSON(b, str []byte) []byte {
	for i := 0; i < len(str); {
		r, size := utf8.DecodeRune(str[i:])
		switch {
		case r < utf8.RuneSelf && r >= ' ' && r != 0x7f, r == utf8.RuneError && size == 1, unicode.IsPrint(r):
			b = append(b, str[i:i+size]...)
		case r > 0xffff:
			hi, lo := utf16.EncodeRune(r)
			b = fmt.Appendf(b, "\\u%04x\\u%04x", hi, lo)
		default:
			b = fmt.Appendf(b, "\\u%04x", r)
		}
		i += size
	}
	return b
}

// printPython prints a payload as a Python literal for --python, or
// returns why no literal spells it (then nothing is printed).
func (c *cli) printPython(text []byte) error {
	if esc, _, found := loneSurrogate(text); found {
		return fmt.Errorf("the session holds %s, half of a UTF-16 surrogate pair: Python's repr would write it so, but this literal writer works on Go strings, which cannot hold it (it would show U+FFFD); --tagged prints the session as it is (sign refuses it)", esc)
	}
	v, err := serializer.Unmarshal(text)
	if err != nil {
		return err
	}
	lit, err := pyliteral.Format(v)
	if errors.Is(err, pyliteral.ErrNoLiteral) {
		return fmt.Errorf("%w; --tagged prints the session as tagged JSON, which sign reads", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, lit)
	return nil
}

// header writes the short header block: "label  value" lines.
func (c *cli) header(b *strings.Builder, r *result, now time.Time, pt painter) {
	line := func(label, value string) {
		fmt.Fprintf(b, "%-11s %s\n", label+":", value)
	}
	format := r.Format
	if r.detected {
		format += " (detected)"
	}
	line("format", format)
	if r.input != "" {
		line("input", r.input)
	}
	switch {
	case r.Partial:
		line("status", pt.bad("REJECTED")+", though the MAC is valid: only the entries readable without the app's types are shown (--partial)")
	case r.Verified != nil:
		line("status", pt.bad("UNVERIFIED")+" (decode does not check the signature: anyone can forge this)")
	case r.Valid != nil && *r.Valid:
		line("status", pt.good("VALID")+", "+verifiedWith(r.Key, r.KeyID, r.Format == formatGorilla))
	}
	if r.KeyID != "" {
		line("key id", r.KeyID)
	}
	if len(r.Opaque) > 0 {
		line("not shown", opaqueText(r.Opaque)+": the app's own types")
	}
	if r.SessionID != "" {
		line("session id", r.SessionID)
	}
	if !r.created.IsZero() {
		line("created", fmt.Sprintf("%s (%s)", timeText(r.created), relative(r.created, now)))
	}
	if !r.issued.IsZero() {
		line("issued", fmt.Sprintf("%s (%s)", timeText(r.issued), relative(r.issued, now)))
	}
	if !r.expires.IsZero() {
		exp := fmt.Sprintf("%s (%s)", timeText(r.expires), expiresText(r.expires, now))
		if r.maxAge > 0 {
			exp += " [max-age " + formatDuration(r.maxAge) + "]"
		}
		line("expires", exp)
	}
	if r.Compressed != nil {
		line("compressed", yesNo(*r.Compressed))
	}
	for _, n := range r.notes {
		label, value, _ := strings.Cut(n, ": ")
		line(label, value)
	}
}

func expiresText(t, now time.Time) string {
	if !t.After(now) {
		return "expired " + formatDuration(now.Sub(t)) + " ago"
	}
	return "in " + formatDuration(t.Sub(now))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// verifiedWith says which key verified, for the status line, from the
// "key" member (see keyLabel): "verified with the primary key", or
// "verified with fallback key 2 (not the primary)"; with pairs (gorilla's
// hash and block keys), "verified with fallback key pair 1 (not the
// primary; Meta.KeyID "gorilla pair 2")", keyID being the library's name
// for the pair (see gorillaKeyID), which the logs of a migrating app show.
func verifiedWith(key, keyID string, pairs bool) string {
	if n, ok := strings.CutPrefix(key, "fallback "); ok {
		if pairs {
			return fmt.Sprintf("verified with fallback key pair %s (not the primary; Meta.KeyID %q)", n, keyID)
		}
		return "verified with fallback key " + n + " (not the primary)"
	}
	return "verified with the " + key + " key"
}

// keyLabel is the "key" member: "primary" or "fallback N" (1-based).
func keyLabel(index int) string {
	if index == 0 {
		return "primary"
	}
	return fmt.Sprintf("fallback %d", index)
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
	"github.com/cookiecodec/cookiecodec/internal/pyliteral"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// result is what decode, verify and sign report. Its JSON form is the
// --json object of the contract; the unexported fields only shape the
// human output.
type result struct {
	Valid      *bool           `json:"valid,omitempty"`
	Verified   *bool           `json:"verified,omitempty"`
	Format     string          `json:"format"`
	Cookie     string          `json:"cookie,omitempty"` // sign only
	Payload    json.RawMessage `json:"payload"`
	Timestamp  *int64          `json:"timestamp,omitempty"`
	IssuedAt   string          `json:"issued_at,omitempty"`
	ExpiresAt  string          `json:"expires_at,omitempty"`
	AgeSeconds *int64          `json:"age_seconds,omitempty"`
	Compressed *bool           `json:"compressed,omitempty"`
	Key        string          `json:"key,omitempty"`
	KeyID      string          `json:"key_id,omitempty"`
	SessionID  string          `json:"session_id,omitempty"`
	Source     *fetchSource    `json:"source,omitempty"` // --url only
	Error      *resultError    `json:"error"`
	Hints      []string        `json:"hints"`

	detected bool          // the format was auto-detected
	name     string        // cookie name used
	input    string        // how the cookie was given
	node     *jnode        // parsed payload for display
	text     []byte        // the payload's tagged JSON, for --tagged
	issued   time.Time     // zero when the format has no time
	created  time.Time     // native
	expires  time.Time     // zero when unknown
	maxAge   time.Duration // Flask: the max-age the expiry came from
	notes    []string      // extra header lines ("label: value")
}

// resultError is the "error" member of the --json object.
type resultError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func boolPtr(b bool) *bool    { return &b }
func int64Ptr(n int64) *int64 { return &n }

// errorKind maps a codec error to the --json error kind.
func errorKind(err error) string {
	switch {
	case errors.Is(err, codec.ErrExpired):
		return "expired"
	case errors.Is(err, codec.ErrFuture):
		return "future"
	case errors.Is(err, codec.ErrTooLarge), errors.Is(err, cliinput.ErrTooLarge):
		return "too_large"
	case errors.Is(err, errFetch):
		return "fetch"
	case errors.Is(err, codec.ErrUnknownKey):
		return "unknown_key"
	case errors.Is(err, codec.ErrPayload):
		return "payload"
	case errors.Is(err, codec.ErrSignature):
		return "signature"
	}
	return "malformed"
}

// setError records err in r.
func (r *result) setError(err error) {
	r.Error = &resultError{Kind: errorKind(err), Message: err.Error()}
}

// clone returns a copy of r whose hints and notes can grow without
// changing r's.
func (r *result) clone() *result {
	c := *r
	c.Hints = slices.Clip(r.Hints)
	c.notes = slices.Clip(r.notes)
	return &c
}

// hint adds a hint once.
func (r *result) hint(format string, a ...any) {
	h := fmt.Sprintf(format, a...)
	for _, old := range r.Hints {
		if old == h {
			return
		}
	}
	r.Hints = append(r.Hints, h)
}

// setPayload parses the tagged-JSON payload for display and for the
// "payload" member. JSON cannot hold NaN or infinities: they become
// strings and a hint says so. An unparsable payload is null.
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
	if lossy {
		r.hint("the payload holds NaN or Infinity, which JSON cannot represent: the --json payload shows them as strings")
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
	if r.Hints == nil {
		r.Hints = []string{}
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
	if r.Error != nil && (r.Valid != nil || r.Format == "") {
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

// printTagged prints a payload's tagged JSON for --tagged, indented when
// it is plain JSON (Python's NaN and Infinity tokens are not: such a
// payload is printed as it is). json.Indent keeps every string and number
// as written, so sign reads back the same session.
func (c *cli) printTagged(text []byte) {
	var b bytes.Buffer
	if json.Indent(&b, text, "", "  ") != nil {
		b.Reset()
		b.Write(text)
	}
	b.WriteByte('\n')
	c.stdout.Write(b.Bytes())
}

// printPython prints a payload as a Python literal for --python, or
// returns why no literal spells it (then nothing is printed).
func (c *cli) printPython(text []byte) error {
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
	case r.Verified != nil:
		line("status", pt.bad("UNVERIFIED")+" (decode does not check the signature: anyone can forge this)")
	case r.Valid != nil && *r.Valid:
		line("status", pt.good("VALID")+", verified with the "+r.Key+" key")
	}
	if r.KeyID != "" {
		line("key id", r.KeyID)
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

// keyLabel is the "key" member: "primary" or "fallback N" (1-based).
func keyLabel(index int) string {
	if index == 0 {
		return "primary"
	}
	return fmt.Sprintf("fallback %d", index)
}

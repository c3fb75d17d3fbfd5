package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
	"github.com/cookiecodec/cookiecodec/internal/pyliteral"
)

// maxWordlistLine bounds one wordlist line; longer lines are skipped (and
// counted), their entry numbers still used.
const maxWordlistLine = 64 << 10

// maxAuditSize bounds the cookies audit checks: 16 KiB, four times what a
// browser keeps, so that each candidate costs a bounded HMAC.
const maxAuditSize = 16 << 10

// auditBatch is a run of consecutive list entries.
type auditBatch struct {
	list  int // 0 built-in, 1 wordlist
	first int // 1-based entry number of words[0]
	words [][]byte
	// alternates[i], when not nil, is a second reading of the wordlist
	// line words[i], tried after it, and readings[i] names it (see
	// wordlistAlternate). Both are nil for the built-in list.
	alternates [][]byte
	readings   []string
	params     []codec.Params
	changes    [][]string
	// skippedBefore counts the wordlist lines longer than maxWordlistLine
	// before words[0]; a batch never spans a skipped line.
	skippedBefore int
}

// auditMatch is a found secret: where it is, never what it is beyond its
// first and last character.
type auditMatch struct {
	list    int
	entry   int
	secret  []byte // printed only with --reveal
	first   string
	last    string
	params  codec.Params
	changes []string
	reading string // "" for the line as it is, or wordlistAlternate's reading
	// skippedBefore counts the wordlist lines skipped for their length
	// before the match (0 for the built-in list).
	skippedBefore int
}

// auditReport is the --json object of audit.
type auditReport struct {
	jsonSchema
	Format   string       `json:"format"`
	Source   *fetchSource `json:"source,omitempty"` // --url only
	Weak     bool         `json:"weak"`
	Match    *auditFound  `json:"match"`
	Checked  int64        `json:"checked"` // candidates tried; on a match, whole batches, so it depends on --workers and timing
	Error    *resultError `json:"error"`
	hintList              // "hints" and "hint_codes"
}

type auditFound struct {
	List  string `json:"list"` // "built-in" or "wordlist"
	Entry int    `json:"entry"`
	First string `json:"first"`
	Last  string `json:"last"`
	// Secret and SecretHex are the secret found, only with --reveal:
	// as the Python literal a Flask config would hold (a str literal
	// when the secret is UTF-8 text, else a bytes literal) and as hex.
	// SecretText is the secret itself when it is UTF-8 text.
	Secret        string  `json:"secret,omitempty"`
	SecretText    *string `json:"secret_text,omitempty"`
	SecretHex     string  `json:"secret_hex,omitempty"`
	Salt          string  `json:"salt"`
	KeyDerivation string  `json:"key_derivation"`
	Digest        string  `json:"digest"`
	// PythonLiteral: the wordlist line matched as the Python string or
	// bytes literal it is written as (flask-unsign's wordlist format),
	// not as its raw bytes.
	PythonLiteral bool `json:"python_literal,omitempty"`
	// Trimmed: the wordlist line matched without its surrounding white
	// space, as flask-unsign reads a line that is not a literal.
	Trimmed bool `json:"trimmed,omitempty"`
}

// auditWhere says where a match was found: "entry N of the built-in
// list", or "line N of the wordlist" and how the line was read.
func auditWhere(m *auditFound) string {
	if m.List != "wordlist" {
		return fmt.Sprintf("entry %d of the built-in list", m.Entry)
	}
	where := fmt.Sprintf("line %d of the wordlist", m.Entry)
	switch {
	case m.PythonLiteral:
		where += " read as a Python literal"
	case m.Trimmed:
		where += " without its surrounding white space"
	}
	return where
}

// auditMatchText is a match on one line, for the text output of audit
// --lines: where, the characters shown, the parameters, and with
// --reveal the secret.
func auditMatchText(m *auditFound) string {
	s := fmt.Sprintf("%s (first character %s, last %s), salt %s, key derivation %s, digest %s", auditWhere(m), m.First, m.Last, shellQuote(m.Salt), m.KeyDerivation, m.Digest)
	if m.Secret != "" {
		s += ", secret " + m.Secret
	}
	return s
}

// auditOptions checks the flags of audit, whose mistakes are usage
// errors, and returns the Flask parameters and the number of workers.
func (c *cli) auditOptions() (codec.Params, int, error) {
	if c.opts.format != "auto" && c.opts.format != formatFlask {
		return codec.Params{}, 0, usagef("audit checks Flask and itsdangerous cookies: --format auto or flask")
	}
	p, err := c.flaskParams()
	if err != nil {
		return codec.Params{}, 0, err
	}
	workers := c.opts.workers
	if workers < 0 || workers > maxAuditWorkers {
		return codec.Params{}, 0, usagef("--workers %d: want 1 to %d (0 or none: one per CPU)", workers, maxAuditWorkers)
	}
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	return p, workers, nil
}

// audit checks the cookie against the built-in list and the wordlist. It
// exits 0 when nothing matched, 1 (exitFailed) only when a weak secret was
// found, and 3 (exitAuditFailed) when the audit could not run.
func (c *cli) audit() (int, error) {
	rep := &auditReport{Format: formatFlask, hintList: noHints()}
	fail := func(kind, msg string) (int, error) {
		rep.Error = &resultError{Kind: kind, Message: userText(msg)}
		if h := c.fileArgHint(); h != "" {
			rep.hint(hintInputIsFile, "%s", h)
		}
		if c.opts.json {
			c.printJSON(rep)
		} else {
			c.errorf("%s", msg)
			for _, h := range rep.Hints {
				c.hintf("%s", h)
			}
		}
		return exitAuditFailed, nil
	}
	p, workers, err := c.auditOptions()
	if err != nil {
		return 0, err
	}
	var wordlist io.Reader
	if c.opts.wordlist == "-" {
		// A generator's output (john --stdout, hashcat --stdout), when
		// the cookie does not come on standard input too.
		if c.opts.url == "" && (len(c.args) == 0 || c.args[0] == "-") {
			return 0, usagef("--wordlist - reads the wordlist on standard input: give the cookie as INPUT or with --url")
		}
		wordlist = c.stdin
	} else if c.opts.wordlist != "" {
		f, err := os.Open(c.opts.wordlist)
		if err != nil {
			return fail("file", fmt.Sprintf("--wordlist: %v", err))
		}
		defer f.Close()
		wordlist = f
	}
	in, err := c.readCookie()
	rep.Source = c.source
	if err != nil {
		rep.Format = "" // no cookie was read
		var ue usageError
		if errors.As(err, &ue) {
			return 0, err
		}
		h := c.fetchHint(err)
		rep.add(h)
		if errors.Is(err, cliinput.ErrNotFound) {
			rep.add(c.notFoundHint(in, h.text != ""))
		}
		return fail(errorKind(err), err.Error())
	}
	if len(in.Value) > maxAuditSize {
		return fail("too_large", fmt.Sprintf("the cookie value is %d bytes; audit reads at most %d (browsers keep 4096), since every candidate costs an HMAC over the whole cookie", len(in.Value), maxAuditSize))
	}
	if err := foreignToken(in); c.opts.format == "auto" && err != nil {
		rep.Format = ""
		if _, jwt := jwtAlg(in.Value); jwt {
			rep.hint(hintJWT, "audit guesses the secrets of Flask and itsdangerous cookies; a JWT signed with HMAC (HS256) needs a JWT cracker, such as hashcat -m 16500")
		}
		return fail("malformed", userText(err.Error()))
	}
	if f := detectFormat(in.Value); c.opts.format == "auto" && f != formatFlask {
		rep.Format = f // what the cookie is, not what audit checks
		if f == "" {
			return fail("malformed", "not a Flask or itsdangerous cookie (no '.' separator)")
		}
		return fail("malformed", fmt.Sprintf("this looks like a %s cookie; audit checks Flask and itsdangerous cookies, whose secrets can be guessed offline", f))
	}
	if barePayload(in.Value) {
		rep.hint(hintBarePayload, "%s", barePayloadText)
		return fail("malformed", "only a payload segment, with no signature to test secrets against")
	}
	canonHint := false
	if i := lastDot(in.Value); i >= 0 {
		// Python reads '=' padding, '+', '/' and slack bits in the
		// signature; audit the canonical spelling of the same MAC.
		if canon, ok := canonicalSig(in.Value[i+1:]); ok && canon != in.Value[i+1:] {
			in.Value = in.Value[:i+1] + canon
			canonHint = true
		}
	}
	if i := lastDot(in.Value); i >= 0 && !c.opts.set["digest"] {
		if d, ok := digestBySigLen[len(in.Value)-i-1]; ok && d != p.Digest {
			p.Digest = d
			rep.hint(hintDigestFromLength, "digest %s, from the signature's length", d)
		}
	}
	if _, err := codec.ParseSigned(in.Value, p); err != nil {
		return fail(errorKind(err), err.Error())
	}
	if canonHint {
		// Only now: a cookie that does not parse was not audited at all.
		rep.hint(hintNoncanonicalAudited, "the signature is not canonical base64url; its canonical spelling was audited")
	}

	// The built-in list is tried under the given parameters and, unless the
	// user fixed them, every known salt and key derivation; a wordlist only
	// under the given parameters (it may be large).
	builtinParams := []codec.Params{p}
	builtinChanges := [][]string{nil}
	if !c.opts.set["salt"] && !c.opts.set["key-derivation"] {
		for _, pc := range paramCandidates(p, -1) {
			if pc.p != p {
				builtinParams = append(builtinParams, pc.p)
				builtinChanges = append(builtinChanges, pc.changes)
			}
		}
	}
	var skipped int
	produce := func(ctx context.Context, batches chan<- auditBatch) error {
		for start := 0; start < len(builtinSecrets); start += 16 {
			end := min(start+16, len(builtinSecrets))
			words := make([][]byte, 0, end-start)
			for _, s := range builtinSecrets[start:end] {
				words = append(words, []byte(s))
			}
			select {
			case batches <- auditBatch{list: 0, first: start + 1, words: words, params: builtinParams, changes: builtinChanges}:
			case <-ctx.Done():
				return nil
			}
		}
		if wordlist == nil {
			return nil
		}
		var err error
		skipped, err = streamWordlist(ctx, wordlist, p, batches)
		return err
	}
	var checked atomic.Int64
	stopProgress := c.auditProgress(&checked)
	found, readErr := auditSearch(in.Value, workers, produce, &checked)
	elapsed := stopProgress()
	rep.Checked = checked.Load()
	// Once a secret is found, how much of the wordlist after it was read
	// depends on timing, so the report speaks only of the lines before
	// it: a read error further on is not reported (the secret found
	// stays found, and the app is weak all the same), and lines skipped
	// for their length count up to the match.
	switch {
	case found == nil && readErr != nil:
		return fail("file", fmt.Sprintf("--wordlist: %v", readErr))
	case found == nil && skipped > 0:
		rep.hint(hintWordlistSkipped, "%d wordlist lines longer than %d bytes were skipped", skipped, maxWordlistLine)
	case found != nil && found.skippedBefore > 0:
		rep.hint(hintWordlistSkipped, "%d wordlist lines longer than %d bytes, before the matching line, were skipped", found.skippedBefore, maxWordlistLine)
	}
	keyHint := ""
	if found != nil {
		list := "built-in"
		if found.list == 1 {
			list = "wordlist"
		}
		rep.Weak = true
		rep.Match = &auditFound{List: list, Entry: found.entry, First: found.first, Last: found.last,
			Salt: found.params.Salt, KeyDerivation: string(found.params.Derivation), Digest: string(found.params.Digest),
			PythonLiteral: found.reading == readLiteral, Trimmed: found.reading == readTrimmed}
		if c.opts.reveal {
			rep.Match.Secret, rep.Match.SecretHex = secretLiteral(found.secret), hex.EncodeToString(found.secret)
			if utf8.Valid(found.secret) {
				text := string(found.secret)
				rep.Match.SecretText = &text
			}
			keyHint = revealKeyHint(found.secret)
			if c.opts.json {
				rep.hint(hintRevealKeyFile, "%s", keyHint)
			}
		}
		if len(found.changes) > 0 {
			rep.hint(hintNonDefaultParams, "found with %s: the app does not use Flask's defaults", joinAnd(found.changes))
		}
		if fp, err := splitFlask(in.Value); err == nil && fp.tsOK && fp.ts > 0 && fp.ts < legacyEpoch/2 {
			rep.hint(hintLegacyTimestamp, "the cookie's timestamp is small: it counts from 2011-01-01 (itsdangerous < 1.0, Flask <= 1.0), so it was issued %s; a cookie forged for this app needs the same epoch: sign --timestamp $(( $(date +%%s) - %d ))", timeText(time.Unix(int64(fp.ts)+legacyEpoch, 0)), legacyEpoch)
		}
		rep.hint(hintWeakSecret, "anyone who tries this list can forge sessions for the app: replace the key with a new random one (python3 -c 'import secrets; print(secrets.token_hex())') and do not keep the weak one even as a fallback, which would still accept forged cookies")
	}
	if c.opts.json {
		c.printJSON(rep)
	} else if found != nil {
		fmt.Fprintf(c.stdout, "WEAK SECRET: the cookie is signed with %s (first character %s, last %s)\nsalt %s, key derivation %s, digest %s\n",
			auditWhere(rep.Match), rep.Match.First, rep.Match.Last, shellQuote(rep.Match.Salt), rep.Match.KeyDerivation, rep.Match.Digest)
		if c.opts.reveal {
			fmt.Fprintf(c.stdout, "secret %s\n", rep.Match.Secret)
			c.hintf("%s", keyHint)
		}
		for _, h := range rep.Hints {
			c.hintf("%s", h)
		}
	} else {
		fmt.Fprintf(c.stdout, "no match: %d candidate secrets checked in %s; this does not prove the secret is strong\n", rep.Checked, elapsed.Round(time.Millisecond))
		for _, h := range rep.Hints {
			c.hintf("%s", h)
		}
	}
	if found != nil {
		return exitFailed, nil
	}
	return exitOK, nil
}

// auditSearch checks the candidates produce sends on workers goroutines,
// each with its own [codec.Checker] per parameter set, and returns the
// match with the lowest (list, entry), or nil. The first match cancels the
// rest: produce stops sending, and a worker skips a batch that starts
// after the best match so far. A batch that starts before it is checked
// even when a worker only gets to it after the match, since it may hold a
// lower entry: produce sends in order, but workers take batches off the
// channel and look at them at their own pace. So the match returned is
// always the lowest. checked counts the candidates tried.
func auditSearch(value string, workers int, produce func(context.Context, chan<- auditBatch) error, checked *atomic.Int64) (*auditMatch, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := make(chan auditBatch, workers*2)
	var produceErr error
	go func() {
		defer close(batches)
		produceErr = produce(ctx, batches)
	}()
	var mu sync.Mutex
	var found *auditMatch
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			checkers := map[codec.Params]*codec.Checker{}
			for b := range batches {
				mu.Lock()
				later := found != nil && (b.list > found.list || (b.list == found.list && b.first > found.entry))
				mu.Unlock()
				if later {
					continue // drain: it cannot hold a lower entry
				}
				for pi, bp := range b.params {
					chk := checkers[bp]
					if chk == nil {
						ps, err := codec.ParseSigned(value, bp)
						if err != nil {
							continue
						}
						if chk, err = codec.NewChecker(bp, ps); err != nil {
							continue
						}
						checkers[bp] = chk
					}
					tried := len(b.words)
					for i, w := range b.words {
						reading := ""
						if !chk.Check(w) {
							if b.alternates == nil || b.alternates[i] == nil {
								continue
							}
							tried++
							if w = b.alternates[i]; !chk.Check(w) {
								continue
							}
							reading = b.readings[i]
						}
						m := &auditMatch{list: b.list, entry: b.first + i, secret: bytes.Clone(w), params: bp, changes: b.changes[pi], reading: reading, skippedBefore: b.skippedBefore}
						m.first, m.last = firstLast(w)
						mu.Lock()
						if found == nil || m.list < found.list || (m.list == found.list && m.entry < found.entry) {
							found = m
						}
						mu.Unlock()
						cancel()
					}
					checked.Add(int64(tried))
				}
			}
		}()
	}
	// produceErr is written before close(batches), which every worker
	// observes before wg.Done: reading it after Wait is ordered.
	wg.Wait()
	return found, produceErr
}

// maxAuditWorkers bounds --workers: each worker holds up to three batches
// (auditBatchBytes each), and a huge count exhausted memory before any
// work (a security review passed 10,000,000).
const maxAuditWorkers = 1024

// A wordlist batch closes at auditBatchLines lines or auditBatchBytes bytes
// of words and alternates, whichever comes first. Lines may be 64 KiB
// (maxWordlistLine) and each may have an alternate reading as long, so a
// batch bounded by lines alone could hold 512 MiB; at most 3·workers+1
// batches are alive at once (queued, being checked, being filled).
const (
	auditBatchLines = 4096
	auditBatchBytes = 1 << 20
)

// streamWordlist sends the lines of r as batches: raw bytes without the
// line ending ("\n" or "\r\n"), numeric and non-UTF-8 lines included, each
// with its wordlistAlternate. A line longer than maxWordlistLine is
// skipped but keeps its entry number.
func streamWordlist(ctx context.Context, r io.Reader, p codec.Params, out chan<- auditBatch) (skipped int, err error) {
	br := bufio.NewReaderSize(r, maxWordlistLine)
	entry, first, size, skippedBefore := 0, 0, 0, 0
	var words, alternates [][]byte
	var readings []string
	flush := func() bool {
		if len(words) == 0 {
			return true
		}
		select {
		case out <- auditBatch{list: 1, first: first, words: words, alternates: alternates, readings: readings, params: []codec.Params{p}, changes: [][]string{nil}, skippedBefore: skippedBefore}:
		case <-ctx.Done():
			return false
		}
		words, alternates, readings, size = nil, nil, nil, 0
		return true
	}
	for {
		line, rerr := br.ReadSlice('\n')
		switch {
		case errors.Is(rerr, bufio.ErrBufferFull):
			// Keep batches consecutive: entry numbers are first+i.
			if !flush() {
				return skipped, nil
			}
			entry++
			skipped++
			for errors.Is(rerr, bufio.ErrBufferFull) {
				_, rerr = br.ReadSlice('\n')
			}
		case len(line) > 0:
			entry++
			w := line
			if n := len(w); w[n-1] == '\n' {
				w = w[:n-1]
				if n := len(w); n > 0 && w[n-1] == '\r' {
					w = w[:n-1]
				}
			}
			if len(words) == 0 {
				first, skippedBefore = entry, skipped
			}
			words = append(words, append([]byte(nil), w...))
			alt, reading := wordlistAlternate(w)
			alternates = append(alternates, alt)
			readings = append(readings, reading)
			size += len(w) + len(alt)
			if (len(words) == auditBatchLines || size >= auditBatchBytes) && !flush() {
				return skipped, nil
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return skipped, rerr
		}
	}
	flush()
	return skipped, nil
}

// rewriteProgress reports whether audit's progress line is rewritten in
// place (with "\r" and the erase-line sequence ESC [ K): only when stderr
// is a terminal that is not TERM=dumb (Emacs' shell shows the sequence
// raw).
func (c *cli) rewriteProgress() bool {
	return isTerminal(c.stderr) && os.Getenv("TERM") != "dumb"
}

// auditProgress reports progress on stderr: a line rewritten in place on
// a terminal, else a line every 5 s. The returned function stops it and
// returns the elapsed time.
func (c *cli) auditProgress(checked *atomic.Int64) func() time.Duration {
	start := time.Now()
	if c.opts.quiet {
		return func() time.Duration { return time.Since(start) }
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	tty := c.rewriteProgress()
	every := 5 * time.Second
	if tty {
		every = 200 * time.Millisecond
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				n := checked.Load()
				rate := float64(n) / time.Since(start).Seconds()
				if tty {
					fmt.Fprintf(c.stderr, "\rcookiecodec: audit: %d checked (%.0f/s)", n, rate)
				} else {
					fmt.Fprintf(c.stderr, "cookiecodec: audit: %d checked (%.0f/s)\n", n, rate)
				}
			}
		}
	}()
	return func() time.Duration {
		close(done)
		wg.Wait()
		if tty {
			fmt.Fprint(c.stderr, "\r\x1b[K")
		}
		return time.Since(start)
	}
}

// firstLast returns the first and last character of a secret for the
// report, quoted; bytes that are not UTF-8 are shown as \xNN.
func firstLast(w []byte) (string, string) {
	if len(w) == 0 {
		return "(empty)", "(empty)"
	}
	show := func(r rune, size int, b byte) string {
		if r == utf8.RuneError && size <= 1 {
			return fmt.Sprintf("'\\x%02x'", b)
		}
		return fmt.Sprintf("%q", r)
	}
	r1, s1 := utf8.DecodeRune(w)
	r2, s2 := utf8.DecodeLastRune(w)
	return show(r1, s1, w[0]), show(r2, s2, w[len(w)-1])
}

// printJSON prints v as one JSON object on a line, without HTML escaping
// (payloads show "<" as "<", not "\u003c"), with its "schema_version"
// set. v is one of this package's result types, whose payload member is
// already valid JSON, so encoding cannot fail.
func (c *cli) printJSON(v versioned) {
	v.setSchema()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		c.errorf("encoding the JSON result: %v", err)
		return
	}
	c.stdout.Write(escapeJSONText(buf.Bytes()))
}

// escapeJSONText replaces, in JSON text, the characters that would act
// on a terminal or reorder what it shows, written raw, with their \uXXXX
// escapes: C1 controls (U+0080 to U+009F, such as U+009B, CSI on some
// terminals), the bidi controls (U+061C, U+200E, U+200F, U+202A to
// U+202E, U+2066 to U+2069) and the line and paragraph separators U+2028
// and U+2029. Outside strings, JSON text is ASCII, so these only occur
// inside strings, where the escape is the same JSON value.
func escapeJSONText(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if jsonEscapedRune(r) {
			out = append(out, b[last:i]...)
			out = fmt.Appendf(out, "\\u%04x", r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// jsonEscapedRune reports whether escapeJSONText escapes r.
func jsonEscapedRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f, r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

func joinAnd(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " and "
		}
		out += s
	}
	return out
}

// The readings of a wordlist line besides its raw bytes.
const (
	readLiteral = "python literal"
	readTrimmed = "trimmed"
)

// wordlistAlternate returns the second reading of a wordlist line, as
// flask-unsign reads its lines, and its name, or nil when there is none:
// the value of a Python string or bytes literal (readLiteral; see
// [pyliteral.Bytes]), or else the line without its surrounding white
// space, when it has some (readTrimmed). The result does not share
// line's memory.
func wordlistAlternate(line []byte) (alt []byte, reading string) {
	if v, ok := pyliteral.Bytes(line); ok {
		return v, readLiteral
	}
	var t []byte
	if utf8.Valid(line) {
		t = bytes.TrimFunc(line, pyliteral.IsSpace) // Python's str.strip
	} else {
		t = bytes.Trim(line, " \t\n\r\v\f") // bytes.strip
	}
	if len(t) == len(line) {
		return nil, ""
	}
	return append([]byte{}, t...), readTrimmed
}

// secretLiteral writes a secret audit found as a Flask config would
// hold it: a str literal ('secret') when it is UTF-8 text, which
// itsdangerous encodes as UTF-8, else a bytes literal (b'\xd2U...').
func secretLiteral(secret []byte) string {
	if utf8.Valid(secret) {
		if lit, err := pyliteral.Format(string(secret)); err == nil {
			return lit
		}
	}
	return pyliteral.BytesLiteral(secret)
}

// revealKeyHint says how to reuse a secret audit found: a key file holds
// its exact bytes, written with printf when it is printable text, else
// from hex with Python.
func revealKeyHint(secret []byte) string {
	printable := utf8.Valid(secret) && len(secret) > 0
	for _, r := range string(secret) {
		printable = printable && unicode.IsPrint(r)
	}
	if printable {
		return fmt.Sprintf("to sign or verify with it, write it to a key file, which is used as its exact bytes (no newline), and give --key-file weak.key: printf '%%s' %s > weak.key", shellQuote(string(secret)))
	}
	return fmt.Sprintf("to sign or verify with it, write its bytes to a key file, which is used as its exact bytes, and give --key-file weak.key: python3 -c \"import sys; sys.stdout.buffer.write(bytes.fromhex('%s'))\" > weak.key", hex.EncodeToString(secret))
}

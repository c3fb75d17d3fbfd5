package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

// batch runs decode or verify on every line of --lines (a file, or "-"
// for standard input): each line is one INPUT, read as INPUT is
// (cliinput.Parse), and the keys are read once. With --json, each line
// gets one JSON object on its own line, the command's object with a
// leading "line" member (1-based); without, one line of text, "LINE:
// VALID ..." or "LINE: REJECTED kind: message", and a count on stderr at
// the end. Blank lines (white space only) are skipped, and counted in that
// summary only. A line longer than cliinput.MaxInput bytes is reported as
// too_large. A UTF-16 file (PowerShell's >) is refused once, kind
// malformed, exit 1. The exit status is 0 when every line is valid (decode:
// readable), 1 when one is not or there was no line at all, 3 when the
// file or a key file cannot be read; hints go into the JSON objects only.
// audit --lines audits each line as audit does one INPUT; see
// batchStatus for its exit status.
func (c *cli) batch() (int, error) {
	if c.opts.url != "" || len(c.args) > 0 {
		return 0, usagef("--lines reads every INPUT from its file: give no INPUT and no --url")
	}
	if c.verb == "audit" {
		if _, _, err := c.auditOptions(); err != nil {
			return 0, err
		}
		if c.opts.wordlist == "-" {
			return 0, usagef("--lines audits every line with the whole wordlist: give --wordlist a file, not -")
		}
	}
	if c.opts.tagged || c.opts.pythonOut {
		return 0, usagef("--lines prints one result per line: not with --tagged or --python")
	}
	var src io.Reader
	if c.opts.lines == "-" {
		src = c.stdin
		c.stdinUsed = true
	} else {
		f, err := os.Open(c.opts.lines)
		if err != nil {
			return 0, fileError{fmt.Errorf("--lines: %w", err)}
		}
		defer f.Close()
		src = f
	}
	if c.verb == "verify" {
		ks, err := c.loadKeys()
		if err != nil {
			return 0, err
		}
		c.keys = &ks
	}
	r := bufio.NewReaderSize(src, 64<<10)
	if head, _ := r.Peek(8); cliinput.LooksUTF16(string(head)) {
		// Refused once, as a single INPUT is, not once per line.
		err := fmt.Errorf("--lines %s: %w", c.opts.lines, cliinput.ErrUTF16)
		if c.opts.json {
			c.printJSON(c.failureResult(err))
		} else {
			c.errorf("%v", err)
		}
		return c.failCode(err), nil
	}
	w := bufio.NewWriterSize(c.stdout, 64<<10)
	var buf bytes.Buffer
	lines, blank := 0, 0
	codes := map[int]int{} // how many lines ended with each exit status
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r)
		if err != nil && !errors.Is(err, io.EOF) {
			w.Flush()
			return 0, fileError{fmt.Errorf("--lines %s: line %d: %w", c.opts.lines, n, err)}
		}
		if errors.Is(err, io.EOF) && line == "" && !tooLong {
			break
		}
		if strings.TrimSpace(line) == "" && !tooLong {
			blank++
		} else {
			lines++
			buf.Reset()
			codes[c.batchOne(&buf, line, tooLong)]++
			c.writeBatchResult(w, n, buf.Bytes())
		}
		if r.Buffered() == 0 {
			w.Flush() // the next read may wait: show what is done
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err // the checked stdout reports it
	}
	if !c.opts.json {
		fmt.Fprintf(c.stderr, "cookiecodec: %d lines: %s; %d blank lines skipped\n", lines, c.batchCounts(lines, codes), blank)
	}
	if lines == 0 {
		err := fmt.Errorf("%w: --lines %s holds no INPUT (%d blank lines)", cliinput.ErrEmpty, c.opts.lines, blank)
		if c.opts.json {
			c.printJSON(c.failureResult(err))
		} else {
			c.errorf("--lines %s holds no INPUT (%d blank lines)", c.opts.lines, blank)
		}
		return c.failCode(err), nil
	}
	return c.batchStatus(lines, codes), nil
}

// batchCounts says how the lines ended, for the count on stderr, from the
// number of lines that ended with each exit status.
func (c *cli) batchCounts(lines int, codes map[int]int) string {
	switch c.verb {
	case "audit":
		return fmt.Sprintf("%d weak, %d no match, %d not audited", codes[exitFailed], codes[exitOK], lines-codes[exitFailed]-codes[exitOK])
	case "verify":
		return fmt.Sprintf("%d valid, %d not", codes[exitOK], lines-codes[exitOK])
	}
	return fmt.Sprintf("%d readable, %d not", codes[exitOK], lines-codes[exitOK])
}

// batchStatus is the exit status of --lines, from the number of lines
// that ended with each exit status: for decode and verify, 0 when every
// line is valid (readable), else 1; for audit, 1 when any line is signed
// with a weak secret (that fails a gate, whatever the other lines), else
// 3 when any line could not be audited, else 0.
func (c *cli) batchStatus(lines int, codes map[int]int) int {
	switch {
	case c.verb != "audit" && codes[exitOK] == lines:
		return exitOK
	case c.verb != "audit":
		return exitFailed
	case codes[exitFailed] > 0:
		return exitFailed
	case codes[exitOK] < lines:
		return exitAuditFailed
	}
	return exitOK
}

// readLine returns the next line of r without its line ending, or, for a
// line longer than cliinput.MaxInput bytes, "" and tooLong (the line is
// read to its end and dropped). err is io.EOF after the last line.
func readLine(r *bufio.Reader) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if !tooLong {
			b = append(b, chunk...)
			if len(b) > cliinput.MaxInput {
				tooLong, b = true, nil
			}
		}
		if err != nil {
			return string(b), tooLong, err
		}
		if !isPrefix {
			return string(b), tooLong, nil
		}
	}
}

// batchOne runs the command on one line, writing its --json object to
// out, and returns its exit status.
func (c *cli) batchOne(out *bytes.Buffer, line string, tooLong bool) int {
	sub := *c
	o := *c.opts
	o.json = true
	sub.opts = &o
	sub.stdout, sub.stderr = out, io.Discard
	sub.stdin = strings.NewReader("") // a line "-" is no cookie
	sub.args = []string{line}
	sub.batchLine = true
	if tooLong {
		err := fmt.Errorf("%w: the line is longer than %d bytes", cliinput.ErrTooLarge, cliinput.MaxInput)
		sub.printJSON(sub.failureResult(err))
		return sub.failCode(err)
	}
	var code int
	var err error
	switch c.verb {
	case "verify":
		code, err = sub.verify()
	case "audit":
		code, err = sub.audit()
	default:
		code, err = sub.decode()
	}
	if err != nil {
		out.Reset()
		sub.printJSON(sub.failureResult(err))
		return sub.failCode(err)
	}
	return code
}

// batchSummary is what the text output of --lines shows of a result.
type batchSummary struct {
	Valid    *bool        `json:"valid"`
	Verified *bool        `json:"verified"`
	Format   string       `json:"format"`
	Key      string       `json:"key"`
	Error    *resultError `json:"error"`
	Match    *auditFound  `json:"match"`   // audit
	Checked  int64        `json:"checked"` // audit
}

// writeBatchResult writes the result of line n, the command's --json
// object obj: with --json, obj with a leading "line" member; else one
// line of text.
func (c *cli) writeBatchResult(w io.Writer, n int, obj []byte) {
	if c.opts.json {
		if len(obj) < 2 || obj[0] != '{' {
			return
		}
		rest := obj[1:]
		if rest[0] != '}' {
			rest = append([]byte{','}, rest...)
		}
		w.Write(append(append([]byte(`{"line":`), strconv.Itoa(n)...), rest...))
		return
	}
	var s batchSummary
	json.Unmarshal(obj, &s)
	switch {
	case s.Error != nil && c.verb == "audit":
		fmt.Fprintf(w, "%d: NOT AUDITED %s: %s\n", n, s.Error.Kind, oneLine(s.Error.Message))
	case s.Error != nil:
		fmt.Fprintf(w, "%d: REJECTED %s: %s\n", n, s.Error.Kind, oneLine(s.Error.Message))
	case c.verb == "audit" && s.Match != nil:
		fmt.Fprintf(w, "%d: WEAK SECRET %s\n", n, auditMatchText(s.Match))
	case c.verb == "audit":
		fmt.Fprintf(w, "%d: no match (%d candidate secrets)\n", n, s.Checked)
	case c.verb == "verify":
		fmt.Fprintf(w, "%d: VALID %s, %s key\n", n, s.Format, s.Key)
	default:
		fmt.Fprintf(w, "%d: READABLE %s (UNVERIFIED)\n", n, s.Format)
	}
}

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
func (c *cli) batch() (int, error) {
	if c.opts.url != "" || len(c.args) > 0 {
		return 0, usagef("--lines reads every INPUT from its file: give no INPUT and no --url")
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
		return exitFailed, nil
	}
	w := bufio.NewWriterSize(c.stdout, 64<<10)
	var buf bytes.Buffer
	lines, blank, good := 0, 0, 0
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
			code := c.batchOne(&buf, line, tooLong)
			if code == exitOK {
				good++
			}
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
		fmt.Fprintf(c.stderr, "cookiecodec: %d lines: %d %s, %d not; %d blank lines skipped\n", lines, good, map[bool]string{true: "valid", false: "readable"}[c.verb == "verify"], lines-good, blank)
	}
	if lines == 0 {
		if c.opts.json {
			c.printJSON(c.failureResult(fmt.Errorf("%w: --lines %s holds no INPUT (%d blank lines)", cliinput.ErrEmpty, c.opts.lines, blank)))
		} else {
			c.errorf("--lines %s holds no INPUT (%d blank lines)", c.opts.lines, blank)
		}
		return exitFailed, nil
	}
	if good < lines {
		return exitFailed, nil
	}
	return exitOK, nil
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
		r := sub.failureResult(err)
		sub.printJSON(r)
		return exitFailed
	}
	var code int
	var err error
	if c.verb == "verify" {
		code, err = sub.verify()
	} else {
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
	case s.Error != nil:
		fmt.Fprintf(w, "%d: REJECTED %s: %s\n", n, s.Error.Kind, oneLine(s.Error.Message))
	case c.verb == "verify":
		fmt.Fprintf(w, "%d: VALID %s, %s key\n", n, s.Format, s.Key)
	default:
		fmt.Fprintf(w, "%d: READABLE %s (UNVERIFIED)\n", n, s.Format)
	}
}

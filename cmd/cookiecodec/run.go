package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Exit statuses. audit has its own for a failed audit, so that 1 always
// means a weak secret was found: a script that fails a deployment on 1
// must not take a missing wordlist or a pasted non-Flask cookie for one.
//
// decode, verify and audit exit 3 (exitAuditFailed, "could not check")
// when something other than the cookie failed: a file a flag names
// (error kind "file"), the --url request ("fetch"), or writing standard
// output. So 1 from decode or verify is always a verdict on the cookie.
// sign and keygen exit 1 for every failure but a usage error. These
// statuses are a stable interface (README: "Exit statuses and error
// kinds").
const (
	exitOK          = 0 // valid, or done
	exitFailed      = 1 // rejected, or failed; audit: a weak secret was found
	exitUsage       = 2 // usage error
	exitAuditFailed = 3 // decode, verify, audit: could not check (a file, --url, standard output)
)

const usageText = `cookiecodec: show, verify, sign and audit session cookies
(Flask/itsdangerous, the native cookiecodec format, gorilla/securecookie)

Usage:
  cookiecodec decode [flags] [INPUT | -]   show the contents WITHOUT verifying (marked UNVERIFIED)
  cookiecodec verify [flags] [INPUT | -]   verify with keys; print the contents only when valid
  cookiecodec sign   [flags] [JSON  | -]   make a cookie from tagged JSON (plain JSON is tagged JSON) or a Python literal
  cookiecodec keygen [flags]               print a new native key (text, one line)
  cookiecodec audit  [flags] [INPUT | -]   is this cookie signed with a publicly known or weak secret?

INPUT is a raw cookie value, name=value, "Cookie:" or "Set-Cookie:" header
lines (of Set-Cookie lines the last of the cookie counts, and a deletion is
reported; of Cookie headers the first), chunked cookies in one "Cookie:"
header, a whole curl -v or curl -i transcript, a HAR, a curl or PowerShell
command line, a Netscape cookie jar, a DevTools cookie row or a JSON cookie
export; it is read from standard input when absent or "-". Surrounding whitespace, quotes
and a byte order mark are ignored; other characters no cookie value holds
are refused, and so is a value that starts or ends with a character no
session format uses (Markdown backticks, <...>). INPUT is at most 1 MiB, a
HAR 64 MiB. decode, verify and audit can fetch the cookie instead: --url URL
GETs it from a server's Set-Cookie headers, following redirects; decode and
verify --lines FILE check one INPUT per line.

Run "cookiecodec COMMAND --help" for the flags of a command, and
"cookiecodec --version" for the version of this build.

Exit status: 0 valid or done, 1 rejected (decode, verify) or failed (sign,
keygen), 2 usage error, 3 could not check (a file a flag names, a failed
--url, standard output not written). audit: 0 no match, 1 a weak secret was
found, 2 usage error, 3 the audit could not run (unreadable INPUT or
wordlist, a failed --url, not a Flask cookie). With --json, every outcome is
one JSON object, usage errors included (error kind "usage"). With --quiet (-q),
decode, verify and audit print only warnings, and errors when the status is 2
or 3.
`

// cli is one invocation: the streams and the parsed options.
type cli struct {
	verb   string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	opts   *options
	args   []string     // positional arguments after flag parsing
	source *fetchSource // with --url: the response that set the cookie
	// stdinUsed: a flag (--key-file -) has read standard input.
	stdinUsed bool
	// keys, when not nil, are the keys loadKeys returns: --lines reads
	// them once for all lines.
	keys *keySet
	// batchLine: the command runs on one line of --lines.
	batchLine bool
	// warnings, when not nil, is where warnf writes instead of stderr:
	// --quiet holds stderr back (see runQuiet), not the warnings.
	warnings io.Writer
}

// usageError marks errors that are the caller's mistake: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// run is the whole program: it parses args (without the program name),
// runs the command and returns the exit status. A failed write to stdout
// (a full disk, /dev/full, a descriptor open for reading only) is an
// error whatever the command: the output is lost, and a script must not
// take the exit status for a result. (A stdout closed with >&- cannot be
// seen: Go's runtime opens /dev/null on it before main.)
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := &checkedWriter{w: stdout}
	code := runArgs(args, stdin, out, stderr)
	if out.err == nil || code == exitUsage {
		return code
	}
	fmt.Fprintf(stderr, "cookiecodec: error: writing standard output: %s\n", oneLine(out.err.Error()))
	if len(args) > 0 && (args[0] == "decode" || args[0] == "verify" || args[0] == "audit") {
		return exitAuditFailed
	}
	return exitFailed
}

// checkedWriter keeps the first error of the writes to w, and drops the
// writes after it.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (cw *checkedWriter) Write(p []byte) (int, error) {
	if cw.err != nil {
		return 0, cw.err
	}
	n, err := cw.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	cw.err = err
	return n, err
}

// runArgs is run, writing to stdout without checking.
func runArgs(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	if len(args) >= 2 && jsonRequested(args[:1]) && verbGroups[args[1]] != 0 {
		// "cookiecodec --json verify C": the flag belongs to the command.
		args = append([]string{args[1], args[0]}, args[2:]...)
	}
	verb := args[0]
	switch verb {
	case "-h", "-help", "--help", "help":
		if len(args) == 2 && verbGroups[args[1]] != 0 {
			// "help audit" is "audit --help".
			return runArgs([]string{args[1], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usageText)
		return exitOK
	case "--version", "-version", "version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "cookiecodec: error: %s takes no arguments\n", verb)
			return exitUsage
		}
		printVersion(stdout)
		return exitOK
	case "decode", "verify", "sign", "keygen", "audit":
	default:
		if cmd, notes := flaskUnsignCommand(args); cmd != "" {
			// Not echoed: the arguments may hold a secret.
			fmt.Fprintf(stderr, "cookiecodec: error: a command comes first (decode, verify, sign, keygen or audit), not flask-unsign's flags\n")
			fmt.Fprintf(stderr, "cookiecodec: hint: that is, with cookiecodec: %s\n", cmd)
			for _, n := range notes {
				fmt.Fprintf(stderr, "cookiecodec: hint: %s\n", n)
			}
			return exitUsage
		}
		fmt.Fprintf(stderr, "cookiecodec: error: unknown command %q\n", verb)
		text, like := "the commands are decode, verify, sign, keygen and audit; run \"cookiecodec --help\"", ""
		if h, ok := foreignVerbs[strings.ToLower(strings.TrimLeft(verb, "-"))]; ok {
			text = h
		} else if s := suggestCommand(verb); s != "" {
			text, like = fmt.Sprintf("did you mean %q? The commands are decode, verify, sign, keygen and audit", s), s
		}
		fmt.Fprintf(stderr, "cookiecodec: hint: %s\n", text)
		if jsonRequested(args[1:]) {
			// --json promises one object even here: in the shape of the
			// command meant, when the typo is close to one.
			c := &cli{verb: like, stdout: stdout, stderr: stderr}
			c.printUsageJSON(usagef("unknown command %q", verb), hint{hintUnknownCommand, text})
		}
		return exitUsage
	}
	c := &cli{verb: verb, stdin: stdin, stdout: stdout, stderr: stderr}
	fs, o := newFlagSet(verb)
	c.opts = o
	positional, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return exitOK
	}
	if err != nil {
		// The flag package's own words for an unknown flag; if they ever
		// change, the plain error below is still right (and
		// TestUnknownFlagHints fails). The flag package names flags with
		// one dash; the documentation writes two.
		msg := strings.Replace(err.Error(), " for flag -", " for flag --", 1)
		var hints []hint
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
			dash := "--"
			if len(name) == 1 {
				dash = "-"
			}
			msg = fmt.Sprintf("%s takes no flag %s%s", verb, dash, name)
			var known []string
			fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
			if h := flagHint(verb, name, known); h != "" {
				hints = append(hints, hint{hintFlagSuggestion, h})
			}
		}
		c.errorf("%s", msg)
		hints = append(hints, newHint(hintSeeHelp, "run \"cookiecodec %s --help\" for its flags", verb))
		for _, h := range hints {
			c.hintf("%s", h.text)
		}
		if jsonRequested(args[1:]) {
			c.printUsageJSON(usagef("%s", msg), hints...)
		}
		return exitUsage
	}
	c.args = positional
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if o.tagged && (o.json || o.redact || o.pythonOut) {
		return c.usageFailure(usagef("--tagged prints the session alone, for sign: not with --json, --redact or --python"))
	}
	if o.pythonOut && (o.json || o.redact) {
		return c.usageFailure(usagef("--python prints the session alone, for sign --python: not with --json or --redact"))
	}
	if o.quiet {
		if o.json || o.tagged || o.pythonOut || o.reveal {
			return c.usageFailure(usagef("--quiet prints nothing: not with --json, --tagged, --python or --reveal"))
		}
		return c.runQuiet()
	}
	return c.runCommand()
}

// runQuiet runs the command for --quiet: nothing goes to stdout, and what
// would go to stderr (the verdict, hints, --lines' count) is kept back and
// printed only when the exit status is 2 or 3, where the check did not run
// (a usage error, an unreadable key file, a failed --url): the status
// alone cannot say what to fix. Warnings are printed as they come.
func (c *cli) runQuiet() int {
	stderr := c.stderr
	var held bytes.Buffer
	c.stdout, c.stderr, c.warnings = io.Discard, &held, stderr
	code := c.runCommand()
	if code == exitUsage || code == exitAuditFailed {
		stderr.Write(held.Bytes())
	}
	return code
}

// runCommand runs the command whose flags are parsed, and returns the
// exit status.
func (c *cli) runCommand() int {
	if c.opts.lines != "" {
		code, err := c.batch()
		if err != nil {
			return c.failure(err)
		}
		return code
	}
	var code int
	var err error
	switch c.verb {
	case "decode":
		code, err = c.decode()
	case "verify":
		code, err = c.verify()
	case "sign":
		code, err = c.sign()
	case "keygen":
		code, err = c.keygen()
	case "audit":
		code, err = c.audit()
	}
	if err != nil {
		return c.failure(err)
	}
	return code
}

// failure reports err, which ended the command before it emitted a
// result, and returns the exit status: 2 for a usage error, 3 when
// decode, verify or audit could not check (see failCode), else 1.
func (c *cli) failure(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return c.usageFailure(err)
	}
	code := c.failCode(err)
	if c.opts.json {
		// --json promises one object for every outcome, failures
		// outside the cookie included (an unreadable key file, JSON to
		// sign that does not parse).
		c.printJSON(c.failureResult(err))
	} else {
		c.errorf("%v", err)
	}
	return code
}

// failCode is the exit status of a failed command: for decode and
// verify, 3 when something other than the cookie failed (a file a flag
// names, the --url request), else 1; for audit always 3 (1 means a weak
// secret was found); for sign and keygen 1.
func (c *cli) failCode(err error) int {
	switch {
	case c.verb == "audit":
		return exitAuditFailed
	case c.verb != "decode" && c.verb != "verify":
		return exitFailed
	case errors.Is(err, errFile), errors.Is(err, errFetch):
		return exitAuditFailed
	}
	return exitFailed
}

// usageFailure reports a usage error: on stderr, and with --json also as
// the one JSON object on stdout, whose error kind is "usage". It returns
// exitUsage.
func (c *cli) usageFailure(err error) int {
	c.errorf("%v", err)
	if c.opts.json {
		c.printUsageJSON(err)
	}
	return exitUsage
}

// printUsageJSON prints the --json object of a usage error, in the shape
// of the command's other failures, with hints.
func (c *cli) printUsageJSON(err error, hints ...hint) {
	r := c.failureResult(err)
	if l, ok := r.(interface{ add(hint) }); ok { // every failure result has hints
		for _, h := range hints {
			l.add(h)
		}
	}
	c.printJSON(r)
}

// failureResult is the --json object of a failure outside the cookie: the
// command's result type, with the error and no content. A usage error has
// kind "usage".
func (c *cli) failureResult(err error) versioned {
	e := &resultError{Kind: errorKind(err), Message: userText(oneLine(err.Error()))}
	var ue usageError
	if errors.As(err, &ue) {
		e.Kind = "usage"
	}
	switch c.verb {
	case "audit":
		return &auditReport{Error: e, hintList: noHints()}
	case "keygen":
		return &keygenFailure{Error: e, hintList: noHints()}
	}
	r := &result{Error: e, hintList: noHints()}
	switch c.verb {
	case "verify":
		r.Valid = boolPtr(false)
	case "decode":
		r.Verified = boolPtr(false)
	}
	return r
}

// jsonRequested reports whether args, which did not parse, ask for --json:
// the usage error is then also printed as JSON.
func jsonRequested(args []string) bool {
	for _, a := range args {
		switch a {
		case "--json", "-json", "--json=true", "-json=true":
			return true
		case "--":
			return false
		}
	}
	return false
}

// parseInterspersed parses flags anywhere among the arguments, so that
// "verify COOKIE --key-file k" works as well as "verify --key-file k
// COOKIE". A lone "-" is a positional argument (standard input); "--" ends
// the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func (c *cli) errorf(format string, a ...any) {
	fmt.Fprintf(c.stderr, "cookiecodec: error: %s\n", oneLine(userText(fmt.Sprintf(format, a...))))
}

func (c *cli) hintf(format string, a ...any) {
	fmt.Fprintf(c.stderr, "cookiecodec: hint: %s\n", oneLine(fmt.Sprintf(format, a...)))
}

// warnf prints a warning on stderr, also with --quiet (see liveStderr).
func (c *cli) warnf(format string, a ...any) {
	fmt.Fprintf(c.liveStderr(), "cookiecodec: warning: %s\n", oneLine(fmt.Sprintf(format, a...)))
}

// liveStderr is where what must show at once goes (warnings, the prompt
// for standard input): stderr, which --quiet holds back, or around it.
func (c *cli) liveStderr() io.Writer {
	if c.warnings != nil {
		return c.warnings
	}
	return c.stderr
}

// oneLine keeps a diagnostic on one line.
func oneLine(s string) string {
	return printable(strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", " "))
}

// printable escapes what a terminal must not receive from untrusted text
// (a server's status line, a cookie's name, a file's contents): every
// character that is not printable (unicode.IsPrint: controls, DEL, C1
// controls, bidi and other format characters, odd spaces) as \uXXXX or
// \UXXXXXXXX, and every byte that is not UTF-8 as \xNN. Other text is
// returned as it is.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case unicode.IsPrint(r):
			b.WriteString(s[i : i+size])
		case r > 0xffff:
			fmt.Fprintf(&b, "\\U%08x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
		i += size
	}
	return b.String()
}

// isTerminal reports whether w is a terminal: an *os.File that answers the
// termios ioctl (see isTerminalFile; false where there is none). Other
// character devices, such as /dev/null, are not terminals.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminalFile(f)
}

// useColor reports whether output to w gets ANSI colours: only on a
// terminal, never when NO_COLOR is set to a non-empty value
// (https://no-color.org) or TERM is "dumb".
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

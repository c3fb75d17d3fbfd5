package main

import (
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
const (
	exitOK          = 0 // valid, or done
	exitFailed      = 1 // rejected, or failed; audit: a weak secret was found
	exitUsage       = 2 // usage error
	exitAuditFailed = 3 // audit only: the audit could not run
)

const usageText = `cookiecodec: show, verify, sign and audit session cookies
(Flask/itsdangerous, the native cookiecodec format, gorilla/securecookie)

Usage:
  cookiecodec decode [flags] [INPUT | -]   show the contents WITHOUT verifying (marked UNVERIFIED)
  cookiecodec verify [flags] [INPUT | -]   verify with keys; print the contents only when valid
  cookiecodec sign   [flags] [JSON  | -]   make a cookie from tagged JSON (plain JSON is tagged JSON) or a Python literal
  cookiecodec keygen [flags]               print a new native key (text, one line)
  cookiecodec audit  [flags] [INPUT | -]   is this cookie signed with a publicly known or weak secret?

INPUT is a raw cookie value, name=value, a whole "Cookie:" or "Set-Cookie:"
header line, chunked cookies in one "Cookie:" header, or a whole curl -v or
curl -i transcript (the last Set-Cookie of the cookie counts); it is read from
standard input when absent or "-". Surrounding whitespace and quotes are
ignored. decode, verify and audit can fetch the cookie instead: --url URL
GETs it from a server's Set-Cookie headers, following redirects.

Run "cookiecodec COMMAND --help" for the flags of a command, and
"cookiecodec --version" for the version of this build.

Exit status: 0 valid or done, 1 rejected or failed, 2 usage error. audit:
0 no match, 1 a weak secret was found, 2 usage error, 3 the audit could not
run (unreadable INPUT or wordlist, a failed --url, not a Flask cookie).
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
}

// usageError marks errors that are the caller's mistake: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// run is the whole program: it parses args (without the program name),
// runs the command and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	verb := args[0]
	switch verb {
	case "-h", "-help", "--help", "help":
		if len(args) == 2 && verbGroups[args[1]] != 0 {
			// "help audit" is "audit --help".
			return run([]string{args[1], "--help"}, stdin, stdout, stderr)
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
		if h, ok := foreignVerbs[strings.ToLower(strings.TrimLeft(verb, "-"))]; ok {
			fmt.Fprintf(stderr, "cookiecodec: hint: %s\n", h)
		} else if s := suggestCommand(verb); s != "" {
			fmt.Fprintf(stderr, "cookiecodec: hint: did you mean %q? The commands are decode, verify, sign, keygen and audit\n", s)
		} else {
			fmt.Fprintf(stderr, "cookiecodec: hint: the commands are decode, verify, sign, keygen and audit; run \"cookiecodec --help\"\n")
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
		// TestUnknownFlagHints fails).
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
			dash := "--"
			if len(name) == 1 {
				dash = "-"
			}
			c.errorf("%s takes no flag %s%s", verb, dash, name)
			var known []string
			fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
			if h := flagHint(verb, name, known); h != "" {
				c.hintf("%s", h)
			}
		} else {
			// The flag package names flags with one dash; the
			// documentation writes two.
			c.errorf("%s", strings.Replace(err.Error(), " for flag -", " for flag --", 1))
		}
		c.hintf("run \"cookiecodec %s --help\" for its flags", verb)
		return exitUsage
	}
	c.args = positional
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if o.tagged && (o.json || o.redact || o.pythonOut) {
		c.errorf("--tagged prints the session alone, for sign: not with --json, --redact or --python")
		return exitUsage
	}
	if o.pythonOut && (o.json || o.redact) {
		c.errorf("--python prints the session alone, for sign --python: not with --json or --redact")
		return exitUsage
	}
	var code int
	switch verb {
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
		var ue usageError
		if errors.As(err, &ue) {
			c.errorf("%v", err)
			return exitUsage
		}
		code = exitFailed
		if verb == "audit" {
			code = exitAuditFailed
		}
		if c.opts.json {
			// --json promises one object for every outcome but a usage
			// error, failures outside the cookie included (an unreadable
			// key file, JSON to sign that does not parse).
			r := &result{Hints: []string{}}
			switch verb {
			case "verify":
				r.Valid = boolPtr(false)
			case "decode":
				r.Verified = boolPtr(false)
			}
			r.setError(err)
			c.printJSON(r)
		} else {
			c.errorf("%v", err)
		}
		return code
	}
	return code
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

func (c *cli) warnf(format string, a ...any) {
	fmt.Fprintf(c.stderr, "cookiecodec: warning: %s\n", oneLine(fmt.Sprintf(format, a...)))
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

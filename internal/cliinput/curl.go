package cliinput

import (
	"fmt"
	"strings"
)

// A curl command line, as a browser's "Copy as cURL (bash)" gives it, is
// read for its cookies: the values of -b and --cookie, and of -H and
// --header when the header is "cookie: ...", pooled in order as one
// Cookie header. The command is split as a POSIX shell splits words
// ('...', "...", $'...', backslashes, and backslash-newline between
// arguments); nothing is expanded or run.

// isCurlCommand reports whether text is a curl command line.
func isCurlCommand(text string) bool {
	return strings.HasPrefix(text, "curl ") || strings.HasPrefix(text, "curl.exe ")
}

// parseCurl picks the cookie name out of a curl command line.
func parseCurl(text, name string, opts Options) (Input, error) {
	args := shellWords(uncaret(text))
	var header []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		var v string
		cookieArg := false
		switch {
		case a == "-b" || a == "--cookie" || a == "-H" || a == "--header":
			if i+1 == len(args) {
				continue
			}
			i++
			v, cookieArg = args[i], a == "-b" || a == "--cookie"
		case strings.HasPrefix(a, "--cookie="):
			v, cookieArg = a[len("--cookie="):], true
		case strings.HasPrefix(a, "--header="):
			v = a[len("--header="):]
		case strings.HasPrefix(a, "-b") && len(a) > 2:
			v, cookieArg = a[2:], true
		case strings.HasPrefix(a, "-H") && len(a) > 2:
			v = a[2:]
		default:
			continue
		}
		if cookieArg {
			if !strings.Contains(v, "=") {
				return Input{Form: FormCurlCommand, Name: name}, fmt.Errorf("%w: the curl command's -b names a cookie file, not cookies: give that file (a Netscape cookie jar) as INPUT", ErrSyntax)
			}
			header = append(header, v)
		} else if rest, ok := cutPrefixFold(trim(v), "cookie:"); ok {
			header = append(header, rest)
		}
	}
	if len(header) == 0 {
		return Input{Form: FormCurlCommand, Name: name}, fmt.Errorf("%w: the curl command sends no cookie (no -b, --cookie or -H 'cookie: ...')", ErrNotFound)
	}
	in, err := parseCookieHeader(strings.Join(header, "; "), name, opts)
	in.Form = FormCurlCommand
	return in, err
}

// shellWords splits s into words as a POSIX shell does, without any
// expansion: single quotes, double quotes (where a backslash escapes
// '"', '\', '$' and '`'), $'...' with its backslash escapes, and
// backslashes outside quotes; a backslash before a newline joins lines.
func shellWords(s string) []string {
	var words []string
	var b strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] != '\n' && s[i] != '\r' {
				b.WriteByte(s[i])
				inWord = true
			} else if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			i += 2
			for ; i < len(s) && s[i] != '\''; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
					switch s[i] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(s[i])
					}
					continue
				}
				b.WriteByte(s[i])
			}
			inWord = true
		case c == '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				b.WriteByte(s[i])
			}
			inWord = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, b.String())
	}
	return words
}

// uncaret turns a command line of Chrome's "Copy as cURL (cmd)", which
// writes for Windows' cmd.exe, into the POSIX form shellWords reads: a '^'
// at the end of a line continues it, and '^' before any other character
// escapes it (^" is a quote, ^^ a caret). Text without ^" is returned as
// it is: a bash command line keeps its carets.
func uncaret(text string) string {
	if !strings.Contains(text, `^"`) {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '^' || i+1 == len(text) {
			b.WriteByte(c)
			continue
		}
		i++
		switch text[i] {
		case '\r', '\n':
			// A line continuation: the line end goes, as in cmd.exe.
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			b.WriteByte(' ')
		default:
			b.WriteByte(text[i])
		}
	}
	return b.String()
}

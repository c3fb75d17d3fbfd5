package main

import (
	"fmt"
	"strings"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
)

// sessionChar reports whether b may appear in a cookie of a format the
// command reads or names: base64url, '.' (Flask, native, gorilla, a JWT),
// '~' (a chunk header), standard base64's '+' '/' '=' (gorilla's padding,
// Express's cookie-session) and '%' (a URL-encoded cookie). The other
// cookie-octets ('`', '<', '>', '(', ')', ':', '!', '#', '$', '&', '\”,
// '*', '?', '@', '[', ']', '^', '{', '|', '}') are in none of them.
func sessionChar(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' ||
		strings.IndexByte("-_.~+/=%", b) >= 0
}

// junkError is checkSessionChars's error: its message alone, matching
// cliinput.ErrSyntax, so kind "malformed" (audit exits 3).
type junkError string

func (e junkError) Error() string { return string(e) }
func (e junkError) Unwrap() error { return cliinput.ErrSyntax }

// checkSessionChars refuses a cookie value holding a character that no
// session format uses ([sessionChar]): printable text pasted around the
// cookie (Markdown backticks, the <...> of a mail or chat link, a "name:"
// prefix from a storage panel, a closing parenthesis). cliinput only
// refuses what no cookie can hold; such a character is a legal
// cookie-octet, and verifying the rest would blame the key, or let audit
// say "no match". The message names the character and its byte offset,
// never the value, and says how the value is wrapped when it is.
//
// Only the first and the last character are checked, and a single ':'
// after a token: a character inside the value is left to the decoder,
// whose message is more precise ("character 5 of the signature is '*'").
func checkSessionChars(v string) error {
	i := -1
	switch {
	case v == "":
		return nil
	case !sessionChar(v[0]):
		i = 0
	case !sessionChar(v[len(v)-1]):
		i = len(v) - 1
	case strings.Count(v, ":") == 1 && cliinput.IsToken(v[:strings.IndexByte(v, ':')]):
		i = strings.IndexByte(v, ':')
	default:
		return nil
	}
	what := ""
	switch {
	case len(v) >= 2 && v[0] == '`' && v[len(v)-1] == '`':
		what = "; it is wrapped in Markdown backticks (inline code copied from a ticket or a chat): remove them"
	case len(v) >= 2 && v[0] == '<' && v[len(v)-1] == '>':
		what = "; it is wrapped in <...> (a link in a mail or a chat): remove them"
	case v[i] == ':' && cliinput.IsToken(v[:i]):
		what = fmt.Sprintf("; it looks like NAME:VALUE (a browser's storage panel): give %s=VALUE, or the value alone", v[:i])
	}
	return junkError(fmt.Sprintf("the cookie value holds the character %q at byte %d (of %d bytes), which no session format uses (Flask, native, gorilla: letters, digits and - _ . ~ + / = %%): it came with the text around the cookie%s", v[i], i, len(v), what))
}

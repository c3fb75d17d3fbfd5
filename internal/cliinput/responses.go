package cliinput

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrDeleted means the Set-Cookie header that counts for the wanted cookie
// deletes it: there is no value to show.
var ErrDeleted = errors.New("cookie deleted")

// Response is one HTTP response of an exchange (a request and its
// redirects), as the CLI's --url sees it: what was asked, the status, and
// the values of its Set-Cookie headers in order. The values come from a
// server and may be anything; [FromResponses] treats them as hostile.
type Response struct {
	Method    string // GET, POST, ...
	URL       string // without a password
	Status    string // "302 Found"
	SetCookie []string
	// Label, when not empty, names the response in messages instead of
	// Method, URL and Status: "the Set-Cookie lines given".
	Label string
}

// Describe names response i of rs in messages and in the CLI's input line:
// "GET URL (302 Found, response 1 of 2)".
func Describe(rs []Response, i int) string {
	if rs[i].Label != "" {
		return rs[i].Label
	}
	return fmt.Sprintf("%s %s (%s, response %d of %d)", rs[i].Method, rs[i].URL, rs[i].Status, i+1, len(rs))
}

// setCookie is one name=value pair a response set.
type setCookie struct {
	Cookie
	deleted string // why the header deletes the cookie, or ""
	header  string // the whole Set-Cookie value
}

// FromResponses picks the cookie name from the Set-Cookie headers of rs,
// as a browser would keep it: the last one of that name across the
// responses, in order. It returns the input and the index of the response
// that set it (-1 when none did). A chunked session (the layout of
// [ReassembleChunks]) is joined from the live cookies of that response.
//
// Errors: [ErrNotFound] when no response set name (the message lists the
// names that were set and every response); [ErrDeleted] when that header
// deletes the cookie (Max-Age zero or negative, or, without Max-Age, an
// Expires not after now); [ErrEmpty] for an empty value; [ErrChunks] for
// inconsistent chunks. A header without a name=value pair, or over
// [MaxInput] bytes, is skipped and counted in the ErrNotFound message.
func FromResponses(rs []Response, name string, now time.Time) (Input, int, error) {
	if name == "" {
		name = "session"
	}
	set := make([][]setCookie, len(rs))
	skipped := 0
	at, idx := -1, -1
	for r := range rs {
		for _, v := range rs[r].SetCookie {
			ck, err := SetCookiePair(v)
			if err != nil {
				skipped++
				continue
			}
			if ck.Name == name {
				at, idx = r, len(set[r])
			}
			set[r] = append(set[r], setCookie{Cookie: ck, deleted: deletion(v, now), header: v})
		}
	}
	in := Input{Form: FormSetCookieHeader, Name: name}
	if at < 0 {
		in.Cookies = setNames(set)
		return in, -1, notSetError(rs, name, in.Cookies, skipped)
	}
	from := Describe(rs, at)
	sc := set[at][idx]
	if sc.deleted != "" {
		return in, at, fmt.Errorf("%w: the Set-Cookie header of %s deletes cookie %q (%s): there is no session to show", ErrDeleted, from, name, sc.deleted)
	}
	// Chunks of a chunked session: the other live cookies of the response.
	// As in a browser, a later Set-Cookie of a name overrides an earlier
	// one in the same response, and one that deletes it leaves none.
	last := map[string]int{}
	for i, o := range set[at] {
		last[o.Name] = i
	}
	for i, o := range set[at] {
		if o.deleted == "" && last[o.Name] == i {
			in.Cookies = append(in.Cookies, o.Cookie)
		}
	}
	in.NameFromInput = true
	in.SetCookieExpires, in.SetCookieMaxAge = lifetime(sc.header)
	v, chunked, err := ReassembleChunks(in.Cookies, name)
	if err != nil {
		return in, at, err
	}
	in.Value, in.Chunked = sc.Value, chunked
	if chunked {
		in.Value = v
		in.Chunks, in.DuplicateChunks = CountChunks(in.Cookies, name)
	}
	if in.Value == "" {
		return in, at, fmt.Errorf("%w: the Set-Cookie header of %s sets cookie %q to the empty value", ErrEmpty, from, name)
	}
	return in, at, nil
}

// deletion says why the Set-Cookie header value v deletes its cookie at
// now: Max-Age zero or negative, or, without Max-Age, an Expires not after
// now. It returns "" when v does not delete the cookie, or when net/http
// cannot read its attributes.
func deletion(v string, now time.Time) string {
	hc, err := http.ParseSetCookie(v)
	switch {
	case err != nil:
		return ""
	case hc.MaxAge < 0:
		return "Max-Age=0"
	case hc.MaxAge == 0 && !hc.Expires.IsZero() && !hc.Expires.After(now):
		return "Expires " + hc.Expires.UTC().Format(time.RFC1123) + ", in the past"
	}
	return ""
}

// setNames lists the cookies the responses set, one per name, in order of
// first appearance.
func setNames(set [][]setCookie) []Cookie {
	var out []Cookie
	seen := map[string]bool{}
	for _, cs := range set {
		for _, sc := range cs {
			if !seen[sc.Name] {
				seen[sc.Name] = true
				out = append(out, sc.Cookie)
			}
		}
	}
	return out
}

// notSetError says that no response set the cookie name, which cookies
// were set, and by which responses.
func notSetError(rs []Response, name string, set []Cookie, skipped int) error {
	statuses := make([]string, len(rs))
	for i := range rs {
		statuses[i] = Describe(rs, i)
	}
	msg := "no cookie was set"
	if len(set) > 0 {
		// A hostile server may set thousands: name a few, count the rest.
		const shown = 10
		quoted := make([]string, 0, min(len(set), shown))
		for _, ck := range set[:min(len(set), shown)] {
			quoted = append(quoted, fmt.Sprintf("%q", ck.Name))
		}
		msg = "the cookies set were " + strings.Join(quoted, ", ")
		if len(set) > shown {
			msg += fmt.Sprintf(" and %d more", len(set)-shown)
		}
	}
	if skipped > 0 {
		msg += fmt.Sprintf(" (%d Set-Cookie headers without a name=value pair were ignored)", skipped)
	}
	return fmt.Errorf("%w: no response set cookie %q; %s; responses: %s", ErrNotFound, name, msg, strings.Join(statuses, "; "))
}

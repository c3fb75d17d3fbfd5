package cliinput

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	scope   string // its domain and path, as a browser keys cookies (see cookieScope)
}

// cookieScope returns the domain and path under which a browser stores
// the cookie of Set-Cookie value v, received from rawURL (RFC 6265
// 5.3): "Domain=example.com" or "host-only (example.com)", and the Path,
// or the default path of the URL ("/" without one).
// With the name, it is what a deletion must repeat to delete the cookie.
func cookieScope(v, rawURL string) string {
	domain, path := "", ""
	if hc, err := http.ParseSetCookie(v); err == nil {
		domain, path = strings.ToLower(strings.TrimPrefix(hc.Domain, ".")), hc.Path
	}
	u, _ := url.Parse(rawURL)
	switch {
	case domain != "":
		domain = "Domain=" + domain
	case u != nil && u.Hostname() != "":
		domain = "host-only (" + strings.ToLower(u.Hostname()) + ")"
	default:
		domain = "host-only"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/"
		if u != nil {
			if i := strings.LastIndexByte(u.Path, '/'); i > 0 {
				path = u.Path[:i]
			}
		}
	}
	return domain + ", Path=" + path
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
			set[r] = append(set[r], setCookie{Cookie: ck, deleted: deletion(v, now), header: v, scope: cookieScope(v, rs[r].URL)})
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
		kat, kidx := kept(set, name, sc.scope)
		if kat < 0 {
			return in, at, fmt.Errorf("%w: the Set-Cookie header of %s deletes cookie %q (%s): there is no session to show", ErrDeleted, from, name, sc.deleted)
		}
		in.Note = fmt.Sprintf("the Set-Cookie header of %s deletes cookie %q (%s) on %s, but an earlier Set-Cookie (of %s) set it on %s: a browser keeps that cookie, since a deletion must repeat the cookie's Domain and Path (a logout that does not log out); the kept cookie was checked", from, name, sc.deleted, sc.scope, Describe(rs, kat), set[kat][kidx].scope)
		at, idx = kat, kidx
		from, sc = Describe(rs, at), set[kat][kidx]
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

// kept returns the response and index of the last live Set-Cookie of name
// whose scope is not deleted later and differs from deleted (the scope of
// the deletion that counts), or -1: the cookie a browser still holds after
// that deletion.
func kept(set [][]setCookie, name, deleted string) (int, int) {
	type pos struct{ r, i int }
	live := map[string]pos{}
	last := pos{-1, -1}
	for r, cs := range set {
		for i, sc := range cs {
			if sc.Name != name {
				continue
			}
			if sc.deleted != "" {
				delete(live, sc.scope)
			} else {
				live[sc.scope] = pos{r, i}
			}
		}
	}
	for scope, p := range live {
		if scope != deleted && (p.r > last.r || p.r == last.r && p.i > last.i) {
			last = p
		}
	}
	return last.r, last.i
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

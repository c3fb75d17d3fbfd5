package cliinput

import (
	"fmt"
	"strings"
)

// Cookie exports: the files and rows in which browsers, curl and browser
// extensions hand cookies over. Each is read into its list of cookies, and
// the cookie of the wanted name is picked as from a Cookie header: the
// first of the name counts, and the others are counted as duplicates.
//
//   - A Netscape cookie jar (curl -c, wget, browser extensions): lines of 7
//     tab-separated fields, domain, include-subdomains (TRUE or FALSE),
//     path, secure (TRUE or FALSE), expiry, name and value; a line starting
//     with "#HttpOnly_" is an HttpOnly cookie, other lines starting with
//     '#' are comments.
//   - A row copied from a browser's cookie table (DevTools > Application >
//     Cookies): tab-separated name, value, domain, path and more.
//   - A JSON cookie export: [{"name": ..., "value": ...}, ...], or an
//     object whose "cookies" member is such an array (Playwright's
//     storageState), or one such object.

// isTabular reports whether lines are a cookie jar or cookie table rows:
// one of them is a jar line or a table row, and none is a header line,
// a status line or a request line (a tab in a header, or in the body of
// a transcript, is no table).
func isTabular(lines []string) bool {
	rows := false
	for _, l := range lines {
		h := stripCurlMarker(l)
		if isHeaderLine(h) || isStatusLine(h) || isRequestLine(h) {
			return false
		}
		if _, ok := tabularCookie(l); ok {
			rows = true
		}
	}
	return rows
}

// tabularCookie reads l as a Netscape cookie-jar line or a row of a
// browser's cookie table. jar reports a cookie-jar line.
func tabularCookie(l string) (c Cookie, ok bool) {
	c, _, ok = tabularRow(l)
	return c, ok
}

// tabularRow is tabularCookie, also saying whether l is a jar line.
func tabularRow(l string) (c Cookie, jar, ok bool) {
	if rest, found := strings.CutPrefix(l, "#HttpOnly_"); found {
		l, jar = rest, true
	}
	f := strings.Split(l, "\t")
	switch {
	case len(f) == 7 && isJarBool(f[1]) && isJarBool(f[3]):
		return Cookie{Name: trim(f[5]), Value: unquote(f[6])}, true, true
	case !jar && len(f) >= 4 && IsToken(trim(f[0])) && strings.HasPrefix(trim(f[3]), "/"):
		return Cookie{Name: trim(f[0]), Value: unquote(f[1])}, false, true
	}
	return Cookie{}, false, false
}

// parseTabular reads a Netscape cookie jar or cookie table rows.
func parseTabular(lines []string, name string, opts Options) (Input, error) {
	var cs []Cookie
	form := FormCookieTable
	for i, l := range lines {
		if strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "#HttpOnly_") {
			continue // a comment, such as "# Netscape HTTP Cookie File"
		}
		c, jar, ok := tabularRow(l)
		if !ok {
			return Input{}, fmt.Errorf("%w: line %d is neither a Netscape cookie-jar line (7 tab-separated fields: domain, TRUE/FALSE, path, TRUE/FALSE, expiry, name, value) nor a row of a browser's cookie table (name, value, domain, path, ...), as the other lines are: give the value of the session cookie alone", ErrSyntax, i+1)
		}
		cs = append(cs, c)
		if jar {
			form = FormCookieJar
		}
		if len(cs) > MaxCookies {
			return Input{}, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
		}
	}
	if len(cs) == 0 {
		return Input{Form: FormCookieJar, Name: name}, fmt.Errorf("%w: the cookie jar holds no cookies", ErrNotFound)
	}
	return pick(form, cs, name, opts)
}

// isJarBool reports whether s is a boolean field of a Netscape cookie jar.
func isJarBool(s string) bool {
	return s == "TRUE" || s == "FALSE"
}

package cliinput

import (
	"fmt"
	"strings"
	"time"
)

// An HTTP transcript is what curl -v prints on standard error (request
// lines after "> ", response lines after "< ", curl's notes after "* ")
// or curl -i prints on standard output (the status line, the headers, a
// blank line and the body), for one exchange or, with -L, its redirects
// too. Parse takes the cookie out of one pasted whole, reading it as
// [FromResponses] reads the responses of --url: the last Set-Cookie of
// the name across the responses, as a browser keeps it, with deletions
// reported and a chunked session joined from the response that set it.
// When no response sets a cookie, the Cookie header of the last request
// that sends one is read instead. Every other line is ignored.

// isTranscript reports whether several pasted lines are a transcript
// rather than Cookie and Set-Cookie header lines alone: one of them is
// neither, and one is a status line or a request line (a raw request, as
// Burp copies it) or carries one of curl -v's markers.
func isTranscript(lines []string) bool {
	other, marked := false, false
	for _, l := range lines {
		l = trim(l)
		// A request line without curl's "> " is a raw request, as a
		// proxy such as Burp copies it.
		if isStatusLine(l) || isRequestLine(l) || strings.HasPrefix(l, "* ") || l == "*" || l == ">" || l == "<" {
			marked = true
		}
		if len(l) >= 2 && (l[0] == '>' || l[0] == '<') && l[1] == ' ' {
			marked = true
		}
		h := stripCurlMarker(l)
		if _, ok := cutPrefixFold(h, "set-cookie:"); ok {
			continue
		}
		if _, ok := cutPrefixFold(h, "cookie:"); ok {
			continue
		}
		other = true
	}
	return other && marked
}

// isStatusLine reports whether l is an HTTP response's status line, such
// as "HTTP/1.1 302 Found" or "HTTP/2 200", with or without "< ".
func isStatusLine(l string) bool {
	rest, ok := strings.CutPrefix(stripCurlMarker(l), "HTTP/")
	if !ok {
		return false
	}
	_, code, ok := strings.Cut(rest, " ")
	return ok && len(code) >= 3 && isDigits(code[:3])
}

// isDigits reports whether s is ASCII digits only.
func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseTranscript picks the cookie name out of transcript lines (see
// isTranscript).
func parseTranscript(lines []string, name string, opts Options) (Input, error) {
	var rs []Response
	method, target, host := "", "", ""
	lastCookie, setCookies := "", 0
	for _, raw := range lines {
		l := trim(raw)
		request := strings.HasPrefix(l, "> ") || isRequestLine(l)
		l = stripCurlMarker(l)
		switch {
		case isStatusLine(l):
			_, status, _ := strings.Cut(l, " ")
			rs = append(rs, transcriptResponse(method, host, target, status))
		case request && isRequestLine(l):
			f := strings.Fields(l)
			method, target, host = f[0], f[1], ""
		case request && hasPrefixFold(l, "host:"):
			host = trim(l[len("host:"):])
		default:
			if v, ok := cutPrefixFold(l, "set-cookie:"); ok {
				if len(rs) == 0 {
					r := transcriptResponse(method, host, target, "status not shown")
					if method == "" {
						// Set-Cookie lines alone: one response's
						// headers.
						r.Label = "the Set-Cookie lines given"
					}
					rs = append(rs, r)
				}
				rs[len(rs)-1].SetCookie = append(rs[len(rs)-1].SetCookie, trim(v))
				if setCookies++; setCookies > MaxCookies {
					return Input{}, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
				}
			} else if v, ok := cutPrefixFold(l, "cookie:"); ok {
				lastCookie = v
			}
		}
	}
	if in, ok, err := fromExchanges(rs, setCookies, lastCookie, name, opts); ok {
		return in, err
	}
	return Input{Form: FormSetCookieHeader, Name: name}, fmt.Errorf("%w: the HTTP transcript holds no Set-Cookie or Cookie header", ErrNotFound)
}

// transcriptResponse describes a response of a transcript for messages:
// the request that asked for it when the transcript shows it (curl -v),
// else only its place.
func transcriptResponse(method, host, target, status string) Response {
	r := Response{Method: "response", URL: "in the transcript", Status: status}
	if method != "" {
		r.Method, r.URL = method, target
		if host != "" && strings.HasPrefix(target, "/") {
			r.URL = host + target
		}
	}
	return r
}

// isRequestLine reports whether l is a request line such as
// "GET /login HTTP/1.1".
func isRequestLine(l string) bool {
	f := strings.Fields(l)
	return len(f) == 3 && IsToken(f[0]) && strings.HasPrefix(f[2], "HTTP/")
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	_, ok := cutPrefixFold(s, prefix)
	return ok
}

// fromExchanges picks the session of a sequence of exchanges (a
// transcript, a HAR): with Set-Cookie headers, the responses' rules
// (FromResponses: the last Set-Cookie of the name, deletions reported);
// else the last request's Cookie header. ok is false when there is
// neither.
func fromExchanges(rs []Response, setCookies int, lastCookie, name string, opts Options) (in Input, ok bool, err error) {
	if setCookies > 0 {
		now := opts.Now
		if now.IsZero() {
			now = time.Now()
		}
		in, _, err = FromResponses(rs, name, now)
		return in, true, err
	}
	if lastCookie != "" {
		in, err = parseCookieHeader(lastCookie, name, opts)
		return in, true, err
	}
	return Input{}, false, nil
}

package cliinput

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A HAR (HTTP Archive, {"log": {"entries": [...]}}), as the developer
// tools of browsers export it, is read as an HTTP transcript (see
// parseTranscript): its entries in order, the Set-Cookie headers of each
// response (or, when a response lists no Set-Cookie header, its "cookies"),
// the last Set-Cookie of the name counting and a deletion reported; when no
// response sets a cookie, the Cookie header (or "cookies") of the last
// request that sends one. Chrome's default export, "Export HAR
// (sanitized)", leaves the Cookie and Set-Cookie headers out: export "with
// sensitive data".

// harFile is the part of a HAR that Parse reads.
type harFile struct {
	Log *struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	Request struct {
		Method  string        `json:"method"`
		URL     string        `json:"url"`
		Headers []harHeader   `json:"headers"`
		Cookies []exportEntry `json:"cookies"`
	} `json:"request"`
	Response struct {
		Status     int           `json:"status"`
		StatusText string        `json:"statusText"`
		Headers    []harHeader   `json:"headers"`
		Cookies    []exportEntry `json:"cookies"`
	} `json:"response"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// exportEntry is one cookie of a JSON cookie export or of a HAR's
// "cookies". Expires is HAR's ISO 8601 time, or null.
type exportEntry struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Expires any    `json:"expires"`
}

// parseJSONInput reads a HAR or a JSON cookie export.
func parseJSONInput(text, name string, opts Options) (Input, error) {
	var har harFile
	if json.Unmarshal([]byte(text), &har) == nil && har.Log != nil {
		in, err := parseHAR(har.Log.Entries, name, opts)
		in.Form = FormHAR
		return in, err
	}
	var list []exportEntry
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		var obj struct {
			Cookies []exportEntry `json:"cookies"`
			exportEntry
		}
		if json.Unmarshal([]byte(text), &obj) == nil {
			list = obj.Cookies
			if obj.Name != "" {
				list = append(list, obj.exportEntry)
			}
		}
	}
	var cs []Cookie
	for _, e := range list {
		if IsToken(e.Name) {
			cs = append(cs, Cookie{Name: e.Name, Value: unquote(e.Value)})
		}
	}
	if len(cs) == 0 {
		return Input{Form: FormJSONExport, Name: name}, fmt.Errorf("%w: the input is JSON, but neither a cookie export ([{\"name\": ..., \"value\": ...}, ...]) nor a HAR ({\"log\": {\"entries\": ...}}): give a cookie (sign makes one from a session in JSON)", ErrSyntax)
	}
	if len(cs) > MaxCookies {
		return Input{}, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
	}
	return pick(FormJSONExport, cs, name, opts)
}

// parseHAR reads the entries of a HAR as a transcript.
func parseHAR(entries []harEntry, name string, opts Options) (Input, error) {
	var rs []Response
	lastCookie, setCookies := "", 0
	for _, e := range entries {
		var cookie []string
		for _, h := range e.Request.Headers {
			if strings.EqualFold(h.Name, "cookie") {
				cookie = append(cookie, h.Value)
			}
		}
		if len(cookie) == 0 {
			for _, c := range e.Request.Cookies {
				cookie = append(cookie, c.Name+"="+c.Value)
			}
		}
		if len(cookie) > 0 {
			lastCookie = strings.Join(cookie, "; ")
		}
		r := Response{Method: e.Request.Method, URL: redactURL(e.Request.URL), Status: strings.TrimSpace(fmt.Sprintf("%d %s", e.Response.Status, e.Response.StatusText))}
		for _, h := range e.Response.Headers {
			if strings.EqualFold(h.Name, "set-cookie") {
				// Some exports join several headers with newlines.
				for v := range strings.SplitSeq(h.Value, "\n") {
					if v = trim(v); v != "" {
						r.SetCookie = append(r.SetCookie, v)
					}
				}
			}
		}
		if len(r.SetCookie) == 0 {
			for _, c := range e.Response.Cookies {
				r.SetCookie = append(r.SetCookie, c.setCookie())
			}
		}
		if setCookies += len(r.SetCookie); setCookies > MaxCookies {
			return Input{}, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
		}
		rs = append(rs, r)
	}
	if in, ok, err := fromExchanges(rs, setCookies, lastCookie, name, opts); ok {
		return in, err
	}
	return Input{Name: name}, fmt.Errorf("%w: the HAR holds no Cookie or Set-Cookie header (%d entries): Chrome's default \"Export HAR (sanitized)\" leaves them out; export it with \"Export HAR (with sensitive data)\"", ErrNotFound, len(entries))
}

// setCookie writes a HAR response cookie as a Set-Cookie header value,
// with its expiry, so that a deletion is seen.
func (e exportEntry) setCookie() string {
	v := e.Name + "=" + e.Value
	if s, ok := e.Expires.(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			v += "; Expires=" + t.UTC().Format(http.TimeFormat)
		}
	}
	return v
}

// redactURL removes a password from a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

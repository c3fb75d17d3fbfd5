package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestBrowserArtefacts: a HAR is read with the transcript rules (entries
// in order, the last Set-Cookie of the name counts, a deletion is
// reported, else the last request's Cookie header); a sanitized HAR is
// named; a header block without a status line (Chrome's "Copy request
// headers" with HTTP/2 pseudo-headers, "Copy response headers") and a
// curl command line ("Copy as cURL": -b, -H 'cookie: ...') are read.
func TestBrowserArtefacts(t *testing.T) {
	t.Setenv("KEY", "dev")
	c := devCookie
	entry := func(method, url, reqCookie string, status int, setCookie string) string {
		req := `{"method":"` + method + `","url":"` + url + `","headers":[`
		if reqCookie != "" {
			req += `{"name":"Cookie","value":"` + reqCookie + `"}`
		}
		req += `],"cookies":[]}`
		resp := `{"status":` + strconv.Itoa(status) + `,"statusText":"","headers":[{"name":"Content-Type","value":"text/html"}`
		if setCookie != "" {
			resp += `,{"name":"Set-Cookie","value":"` + setCookie + `"}`
		}
		resp += `],"cookies":[]}`
		return `{"startedDateTime":"2026-12-07T20:40:00.000Z","request":` + req + `,"response":` + resp + `}`
	}
	har := func(entries ...string) string {
		return "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"WebInspector\"},\n    \"entries\": [" + strings.Join(entries, ",\n") + "]\n  }\n}\n"
	}
	login := entry("POST", "https://staging.example.com/login", "theme=dark", 302, "session="+c+"; HttpOnly; Path=/")
	page := entry("GET", "https://staging.example.com/", "theme=dark; session="+c, 200, "")
	logout := entry("GET", "https://staging.example.com/logout", "session="+c, 302, "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
	requestOnly := entry("GET", "https://staging.example.com/", "theme=dark; session="+c, 200, "")
	sanitized := entry("GET", "https://staging.example.com/", "", 200, "")
	chromeRequest := ":authority: staging.example.com\n:method: GET\n:path: /\n:scheme: https\naccept: text/html\ncookie: theme=dark; session=" + c + "\nuser-agent: Mozilla/5.0\n"
	chromeResponse := "cache-control: no-cache\ncontent-type: text/html; charset=utf-8\nset-cookie: session=" + c + "; HttpOnly; Path=/\nvary: Cookie\n"
	curlBash := "curl 'https://staging.example.com/' \\\n  -H 'accept: text/html' \\\n  -b 'theme=dark; session=" + c + "' \\\n  -H 'user-agent: Mozilla/5.0'\n"
	curlHeader := "curl 'https://staging.example.com/' -H 'accept: text/html' -H 'cookie: theme=dark; session=" + c + "' --compressed"
	curlDollar := "curl $'https://staging.example.com/' --cookie \"theme=dark; session=" + c + "\""
	cases := []struct {
		name, input, kind, inputLine string
	}{
		{"har login", har(login, page), "", "input:      HAR, cookie \"session\""},
		{"har logout", har(login, page, logout), "deleted", ""},
		{"har request only", har(requestOnly), "", ""},
		{"har sanitized", har(sanitized), "not_found", ""},
		{"chrome request headers", chromeRequest, "", "input:      Cookie header"},
		{"chrome response headers", chromeResponse, "", "input:      Set-Cookie header"},
		{"curl bash", curlBash, "", "input:      curl command line"},
		{"curl header", curlHeader, "", ""},
		{"curl $'...'", curlDollar, "", ""},
	}
	for _, tc := range cases {
		code, out, _ := runCLI(t, tc.input, "verify", "--json", "--key-env", "KEY", "--now", devNow, "-")
		m := jsonOut(t, out)
		if (tc.kind == "") != (code == exitOK) || errKind(m) != tc.kind {
			t.Errorf("%s: exit %d, kind %q, want %q: %s", tc.name, code, errKind(m), tc.kind, out)
		}
		if tc.name == "har sanitized" && !strings.Contains(out, "Export HAR (with sensitive data)") {
			t.Errorf("%s: the sanitized export is not named: %s", tc.name, out)
		}
		if tc.inputLine != "" {
			if _, out, _ := runCLI(t, tc.input, "verify", "--key-env", "KEY", "--now", devNow, "-"); !strings.Contains(out, tc.inputLine) {
				t.Errorf("%s: lacks %q:\n%s", tc.name, tc.inputLine, out)
			}
		}
	}
}

package cliinput

import (
	"fmt"
	"regexp"
	"strings"
)

// A PowerShell script, as a browser's "Copy as PowerShell" gives it, adds
// its cookies to a web session one by one:
//
//	$session.Cookies.Add((New-Object System.Net.Cookie("session", "VALUE", "/", "example.com")))
//
// or, in older browsers, sends them in -Headers @{"cookie"="a=1; b=2"}.
// They are pooled in order as one Cookie header; nothing is run.

// psCookie matches one such cookie: its name and value, double-quoted.
// RE2 (package regexp) runs in time linear in the text.
var psCookie = regexp.MustCompile(`System\.Net\.Cookie\(\s*"([^"]*)"\s*,\s*"([^"]*)"`)

// psHeader matches a Cookie header in -Headers @{...}, as older browsers
// write it: "cookie"="a=1; b=2".
var psHeader = regexp.MustCompile(`"(?i:cookie)"\s*=\s*"([^"]*)"`)

// isPowerShell reports whether text is a "Copy as PowerShell" script.
func isPowerShell(text string) bool {
	return strings.Contains(text, "System.Net.Cookie(") || strings.HasPrefix(text, "$session = New-Object") || strings.HasPrefix(text, "Invoke-WebRequest ")
}

// parsePowerShell picks the cookie name out of a PowerShell script.
func parsePowerShell(text, name string, opts Options) (Input, error) {
	var cs []Cookie
	for _, m := range psCookie.FindAllStringSubmatch(text, MaxCookies+1) {
		if IsToken(m[1]) {
			cs = append(cs, Cookie{Name: m[1], Value: unquote(m[2])})
		}
	}
	for _, m := range psHeader.FindAllStringSubmatch(text, MaxCookies+1) {
		pairs, err := cookiePairs(m[1])
		if err != nil {
			return Input{Form: FormPowerShell, Name: name}, err
		}
		cs = append(cs, pairs...)
	}
	if len(cs) > MaxCookies {
		return Input{}, fmt.Errorf("%w: more than %d cookies", ErrTooLarge, MaxCookies)
	}
	if len(cs) == 0 {
		return Input{Form: FormPowerShell, Name: name}, fmt.Errorf("%w: the PowerShell command sends no cookie (no System.Net.Cookie(\"NAME\", \"VALUE\", ...)): copy the request with \"Copy as cURL (bash)\", or give the cookie", ErrNotFound)
	}
	return pick(FormPowerShell, cs, name, opts)
}

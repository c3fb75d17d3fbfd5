package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/internal/headless"
)

// startFirefoxFor starts Debian's firefox-esr headless for the test;
// http2 accepts httptest's self-signed certificate. It is driven over
// WebDriver BiDi (headless.StartFirefox), so no geckodriver is needed.
func startFirefoxFor(t *testing.T, http2 bool) browser {
	path := needBrowser(t, "/usr/bin/firefox-esr", "firefox-esr", "firefox-esr", "firefox")
	ff, err := headless.StartFirefox(browserContext(t), t, path, http2)
	if err != nil {
		t.Fatal(err)
	}
	return firefox{ff}
}

// firefox is the scenario's browser interface over headless.Firefox.
type firefox struct{ *headless.Firefox }

func (f firefox) navigate(u string) error          { return f.Navigate(u) }
func (f firefox) reload() error                    { return f.Reload() }
func (f firefox) eval(expr string) (string, error) { return f.Eval(expr) }
func (f firefox) screenshot() ([]byte, error)      { return f.Screenshot() }

// typeInto sets the input's value from a script: the demo's forms need the
// value, not key events.
func (f firefox) typeInto(sel, text string) error {
	_, err := f.Eval(fmt.Sprintf(`(e => { e.focus(); e.value = %q; return "" })(document.querySelector(%q))`, text, sel))
	return err
}

// click clicks the element from a script, which submits its form as a
// user's click does.
func (f firefox) click(sel string) error {
	_, err := f.Eval(fmt.Sprintf(`(e => { e.click(); return "" })(document.querySelector(%q))`, sel))
	return err
}

// cookies returns the cookies Firefox keeps for u's host.
func (f firefox) cookies(u string) ([]browserCookie, error) {
	host, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	all, err := f.Cookies()
	if err != nil {
		return nil, err
	}
	var out []browserCookie
	for _, c := range all {
		if strings.TrimPrefix(c.Domain, ".") != host.Hostname() {
			continue
		}
		out = append(out, browserCookie{Name: c.Name, Value: c.Value, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: c.SameSite})
	}
	return out, nil
}

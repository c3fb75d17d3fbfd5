package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cookiecodec/cookiecodec/internal/headless"
)

// startChromium starts Debian's chromium headless for the test; http2
// accepts httptest's self-signed certificate.
func startChromium(t *testing.T, http2 bool) browser {
	path := needBrowser(t, "/usr/bin/chromium", "chromium", "chromium")
	actx, acancel := chromedp.NewExecAllocator(browserContext(t), headless.ChromiumOptions(t, path, http2)...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return chromium{bctx}
}

// chromium is a browser driven by chromedp.
type chromium struct{ ctx context.Context }

func (c chromium) navigate(url string) error {
	return chromedp.Do(c.ctx, chromedp.Navigate(url))
}

func (c chromium) reload() error { return chromedp.Do(c.ctx, chromedp.Reload()) }

func (c chromium) typeInto(sel, text string) error {
	return chromedp.Do(c.ctx, chromedp.SendKeys(chromedp.CSS(sel), text))
}

func (c chromium) click(sel string) error {
	return chromedp.Do(c.ctx, chromedp.Click(chromedp.CSS(sel)))
}

func (c chromium) eval(expr string) (string, error) {
	return chromedp.Run(c.ctx, chromedp.Evaluate[string](expr))
}

func (c chromium) cookies(url string) ([]browserCookie, error) {
	res, err := chromedp.Call(c.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		return nil, err
	}
	out := make([]browserCookie, len(res.Cookies))
	for i, ck := range res.Cookies {
		out[i] = browserCookie{Name: ck.Name, Value: ck.Value, HTTPOnly: ck.HTTPOnly, Secure: ck.Secure, SameSite: strings.ToLower(string(ck.SameSite))}
	}
	return out, nil
}

func (c chromium) screenshot() ([]byte, error) {
	return chromedp.Run(c.ctx, chromedp.FullScreenshot(100))
}

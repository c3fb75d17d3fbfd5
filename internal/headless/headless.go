// Package headless holds what the tests that drive real browsers share:
// Debian's Chromium's flags for chromedp (ChromiumOptions), and a
// WebDriver BiDi driver for Debian's Firefox (StartFirefox). Only tests
// import it.
package headless

import "github.com/chromedp/chromedp"

// ChromiumOptions returns the chromedp allocator options for a headless Chromium
// at path, with a profile in userDataDir (a fresh temporary directory),
// no sandbox (tests run as root in CI), and none of the background
// traffic a first run starts. acceptAnyCertificate makes it accept the
// self-signed certificates of test servers (httptest's, or a proxy
// serving it).
func ChromiumOptions(path, userDataDir string, acceptAnyCertificate bool) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(1000, 1400),
	}
	if acceptAnyCertificate {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors", true))
	}
	return opts
}

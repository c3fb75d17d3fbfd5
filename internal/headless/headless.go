// Package headless holds what the tests that drive real browsers share:
// Debian's Chromium's flags for chromedp (ChromiumOptions), and a
// WebDriver BiDi driver for Debian's Firefox (StartFirefox). Only tests
// import it.
package headless

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// ChromiumOptions returns the chromedp allocator options for a headless Chromium
// at path, for the duration of t: a fresh profile, no sandbox (tests run
// as root in CI), and none of the background traffic a first run starts.
// acceptAnyCertificate makes it accept the self-signed certificates of
// test servers (httptest's, or a proxy serving it).
//
// The profile and Chromium's own temporary files live in one short
// directory that t removes when it ends. Chromium puts its singleton
// socket in a directory under TMPDIR and removes it only on a clean exit;
// chromedp ends the browser by killing it, so with the system TMPDIR
// every run used to leave an org.chromium.Chromium.* directory in /tmp.
// The directory is made with os.MkdirTemp rather than t.TempDir because a
// Unix socket path is limited to 107 bytes, and t.TempDir's path holds
// the test's name.
func ChromiumOptions(t testing.TB, path string, acceptAnyCertificate bool) []chromedp.ExecAllocatorOption {
	t.Helper()
	dir, err := os.MkdirTemp("", "chromium-")
	if err != nil {
		t.Fatalf("a directory for Chromium: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
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
		chromedp.UserDataDir(dir),
		chromedp.Env("TMPDIR=" + dir),
		chromedp.WindowSize(1000, 1400),
	}
	if acceptAnyCertificate {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors", true))
	}
	return opts
}

package cookiesession

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// varnishdPath and varnishlogPath are Debian's Varnish Cache.
const (
	varnishdPath   = "/usr/sbin/varnishd"
	varnishlogPath = "/usr/bin/varnishlog"
)

// varnishProxyParams is what PROXIES.md (in this directory)
// tells Varnish users to set, for sessions of up to 16 chunks;
// varnishDefaultChunksParams is enough for DefaultMaxChunks. Each is
// varnishd -p name=value, separated by spaces.
const (
	varnishProxyParams         = "http_req_hdr_len=80k http_req_size=96k http_resp_size=96k workspace_client=160k workspace_backend=160k"
	varnishDefaultChunksParams = "http_req_hdr_len=20k"
)

// varnishH2C makes Varnish speak HTTP/2 in clear text with prior knowledge
// as well as HTTP/1.1.
const varnishH2C = "feature=+http2"

// What varnishlog shows when Varnish refuses a request for its Cookie
// header, and a response for the size of its header block.
const (
	varnishCookieRefused   = "Header too long: Cookie:"
	varnishResponseRefused = "FetchError     b overflow"
	varnishH2CookieRefused = "workspace_client overflow"
)

// TestVarnish runs a real Varnish Cache (Debian's, with its built-in VCL)
// in front of the middleware, with a real HTTP client and cookie jar, and
// records what a chunked session meets there. Varnish limits each request
// header line to http_req_hdr_len (8 KiB by default) and a response's
// header block to http_resp_size (32 KiB):
//
//   - with the defaults, a Cookie header of 8,183 bytes passes;
//   - with the defaults, a response that sets 3 to 8 chunks passes, and
//     then every request the browser sends with them is answered 400
//     before the app sees it, until the cookies expire or are cleared;
//   - with the defaults, a response that sets 9 chunks (34.9 KB) is
//     replaced by 503 Backend fetch failed;
//   - with varnishDefaultChunksParams, 4 full chunks (16.0 KB)
//     round-trip;
//   - with varnishProxyParams, 16 full chunks (65.3 KB) round-trip.
//   - with the defaults and the middleware's WithMaxCookieHeader(7168), a
//     change that would need 3 chunks is not written and the client keeps
//     its session (runMaxCookieHeaderCase).
//
// Each refusal is checked in varnishlog too, so that it is Varnish's
// limit and not the upstream's.
func TestVarnish(t *testing.T) {
	requireProxy(t, varnishdPath, "varnish")
	upstream := proxyUpstream(t)
	runProxyCases(t, upstream, []proxyCase{
		{"defaults, small session", "", []proxyStep{{set: 1000, want: 200, body: "1000", cookies: 1}, {want: 200, body: "1000"}}, ""},
		{"defaults, Cookie header of 8,183 bytes", "", []proxyStep{{set: 6036, want: 200, body: "6036", cookies: 2}, {want: 200, body: "6036"}}, ""},
		{"defaults, 3 chunks lock the client out", "", []proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 400}, {want: 400}}, varnishCookieRefused},
		{"defaults, response setting 8 chunks", "", []proxyStep{{set: 23000, want: 200, body: "23000", cookies: 8}, {want: 400}}, varnishCookieRefused},
		{"defaults, response setting 9 chunks", "", []proxyStep{{set: 26000, want: 503, cookies: 9}}, varnishResponseRefused},
		{"20 KiB header lines, 4 full chunks", varnishDefaultChunksParams, []proxyStep{{set: 11900, want: 200, body: "11900", cookies: 4}, {want: 200, body: "11900"}}, ""},
		{"configured, 16 full chunks", varnishProxyParams, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
	}, startVarnish)

	runMaxCookieHeaderCase(t, "", startVarnish)
}

// TestVarnishHTTP2 is TestVarnish with the client speaking HTTP/2 (h2c) to
// Varnish, as browsers do over TLS. Varnish does not hold an HTTP/2
// cookie field to http_req_hdr_len (TestWebKitVarnishHTTP2 passes one of
// 10.8 KB), and joins the fields into one Cookie line in its client
// workspace (workspace_client, 64 KiB by default). Measured,
// with the defaults:
//
//   - 3 chunks, and 8 (the most a response through Varnish can set), round
//     trip: the same cookies lock an HTTP/1.1 client out;
//   - a request with 10 chunks (40.2 KB), which a response through Varnish
//     can set only with http_resp_size raised, is answered 500 Internal
//     Server Error: the joined line overflows the workspace.
//
// With varnishProxyParams, 16 full chunks round-trip.
func TestVarnishHTTP2(t *testing.T) {
	requireProxy(t, varnishdPath, "varnish")
	upstream := proxyUpstream(t)
	runProxyCasesH2C(t, upstream, []proxyCase{
		{"defaults, 3 chunks", varnishH2C, []proxyStep{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 200, body: "8000"}}, ""},
		{"defaults, 8 chunks", varnishH2C, []proxyStep{{set: 23000, want: 200, body: "23000", cookies: 8}, {want: 200, body: "23000"}}, ""},
		{"defaults, request with 10 chunks", varnishH2C, []proxyStep{{direct: true, set: 30000, want: 200, body: "30000", cookies: 10}, {want: 500}, {want: 500}}, varnishH2CookieRefused},
		{"configured, 16 full chunks", varnishProxyParams + " " + varnishH2C, []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
	}, startVarnish)
}

// startVarnish runs varnishd in the foreground as a caching reverse proxy
// from a free 127.0.0.1 port to upstream (host:port), with the built-in
// VCL and the given parameters (name=value, separated by spaces), until
// the test ends. It returns the proxy's base URL and its output, into
// which varnishlog writes every log record as it comes.
func startVarnish(t *testing.T, upstream, params string) (string, *syncbuf.Buffer) {
	t.Helper()
	return startVarnishWith(t, upstream, params)
}

// startVarnishWith is startVarnish with extra arguments for varnishd.
func startVarnishWith(t *testing.T, upstream, params string, extra ...string) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	addr := localnet.FreeAddr(t)
	workdir := filepath.Join(dir, "varnish")
	// -F: foreground; -j none: no jail, so that it runs as root too.
	args := []string{"-F", "-j", "none", "-n", workdir, "-a", addr, "-b", upstream, "-s", "malloc,32m"}
	args = append(args, extra...)
	for _, p := range strings.Fields(params) {
		args = append(args, "-p", p)
	}
	out := runProxy(t, "varnishd", addr, nil, varnishdPath, args...)

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, varnishlogPath, "-n", workdir, "-g", "raw", "-u")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	// varnishlog shows only what is logged after it attaches: wait until
	// it shows a request.
	probe := &http.Client{Timeout: 2 * time.Second} // a hung varnishd must not outlast the deadline
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "/varnishlog-attached"); {
		if time.Now().After(deadline) {
			t.Fatalf("varnishlog shows no request:\n%s", out)
		}
		resp, err := probe.Get("http://" + addr + "/varnishlog-attached")
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "http://" + addr, out
}

package cookiesession

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
	"github.com/cookiecodec/cookiecodec/internal/syncbuf"
)

// trafficServerPath is Debian's Apache Traffic Server.
const trafficServerPath = "/usr/bin/traffic_server"

// TestTrafficServer runs a real Apache Traffic Server (Debian's, the
// caching proxy some CDNs are built on) as a reverse proxy in front of
// the middleware, with a real HTTP client and cookie jar. It limits a
// request's and a response's header block to 128 KiB by default
// (proxy.config.http.request_header_max_size and
// response_header_max_size). Measured:
//
//   - with the defaults, 4 full chunks and 16 full chunks (65.3 KB, the
//     largest session the middleware writes) round-trip;
//   - with request_header_max_size lowered to 16384, 4 full chunks
//     (16.0 KB) still pass, and a response setting 8 chunks passes and
//     then every request is answered 400, the lockout that Apache and
//     Varnish give with their defaults.
func TestTrafficServer(t *testing.T) {
	requireProxy(t, trafficServerPath, "trafficserver")
	upstream := proxyUpstream(t)
	const lowered = "CONFIG proxy.config.http.request_header_max_size INT 16384"
	runProxyCases(t, upstream, []proxyCase{
		{"defaults, 4 full chunks", "", []proxyStep{{set: 11900, want: 200, body: "11900", cookies: 4}, {want: 200, body: "11900"}}, ""},
		{"defaults, 16 full chunks", "", []proxyStep{{set: 48750, want: 200, body: "48750", cookies: 16}, {want: 200, body: "48750"}}, ""},
		{"16 KiB request headers, 4 full chunks", lowered, []proxyStep{{set: 11900, want: 200, body: "11900", cookies: 4}, {want: 200, body: "11900"}}, ""},
		{"16 KiB request headers, 8 chunks lock the client out", lowered, []proxyStep{{set: 23000, want: 200, body: "23000", cookies: 8}, {want: 400}, {want: 400}}, ""},
	}, startTrafficServer)
}

// TestSharedCache checks the "Caching" section of docs/middleware.md against a real shared
// cache: Traffic Server with its cache on and its defaults, in front of
// handlers that all send Cache-Control: public, max-age=300, as a page
// meant for a CDN would. Each case first shows, with a handler that sets
// or reads a cookie by hand, that the cache stores what that header
// allows; then that the middleware's headers keep one user's session from
// another:
//
//   - a response that sets a cookie by hand is stored, and the next user
//     gets the first user's page (Traffic Server leaves out the stored
//     Set-Cookie, so that user gets no cookie at all); a response that
//     sets the session is not stored (Cache-Control: private,
//     no-cache="Set-Cookie"), and each user gets a session of their own;
//   - a page built from a cookie read by hand is stored, and a user with
//     no cookie gets the first user's page; a page built from the session
//     is stored per Cookie header (Vary: Cookie): the same user gets it
//     again from the cache, and a user with no cookie gets a page of
//     their own.
func TestSharedCache(t *testing.T) {
	requireProxy(t, trafficServerPath, "trafficserver")
	var hits atomic.Int64
	m := proxyManager(t, WithErrorHook(func(_ *http.Request, err error) { t.Errorf("upstream: %v", err) }))
	mux := http.NewServeMux()
	// Each handler answers with its name, the token it saw (if it reads
	// one) and the number of requests the upstream has served.
	mux.HandleFunc("/by-hand/welcome", func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Cache-Control", "public, max-age=300")
		http.SetCookie(w, &http.Cookie{Name: "token", Value: fmt.Sprint(n), Path: "/"})
		fmt.Fprintf(w, "welcome %d", n)
	})
	mux.HandleFunc("/by-hand/me", func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Cache-Control", "public, max-age=300")
		token := ""
		if c, err := r.Cookie("token"); err == nil {
			token = c.Value
		}
		fmt.Fprintf(w, "me token=%q %d", token, n)
	})
	mux.HandleFunc("/session/welcome", func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Cache-Control", "public, max-age=300")
		if err := m.Session(r).Set("token", fmt.Sprint(n)); err != nil {
			t.Error(err)
		}
		fmt.Fprintf(w, "welcome %d", n)
	})
	mux.HandleFunc("/session/me", func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Cache-Control", "public, max-age=300")
		token, _ := Get[string](m.Session(r), "token")
		fmt.Fprintf(w, "me token=%q %d", token, n)
	})
	upstream := httptest.NewServer(m.LoadAndSave(mux))
	t.Cleanup(upstream.Close)
	base, _ := startTrafficServer(t, upstream.Listener.Addr().String(), "")

	// Users a and b each visit the welcome page, which sets their token.
	// Then user a, with the cookie, and user c, with none, each visit the
	// page that shows the token, and user a once more.
	for _, kind := range []string{"by-hand", "session"} {
		t.Run(kind, func(t *testing.T) {
			a, b, c := jarClient(t), jarClient(t), jarClient(t)
			// Traffic Server writes a response to its cache as it passes
			// it on: give each write time to end before the next user
			// asks, so that the controls do not depend on a race.
			const settle = 200 * time.Millisecond
			welcomeA, cookiesA := cacheGet(t, a, base+"/"+kind+"/welcome")
			time.Sleep(settle)
			welcomeB, cookiesB := cacheGet(t, b, base+"/"+kind+"/welcome")
			meA, _ := cacheGet(t, a, base+"/"+kind+"/me")
			time.Sleep(settle)
			meC, _ := cacheGet(t, c, base+"/"+kind+"/me")
			meA2, _ := cacheGet(t, a, base+"/"+kind+"/me")
			if len(cookiesA) != 1 {
				t.Fatalf("user a got %d cookies from the welcome page, want 1", len(cookiesA))
			}
			tokenA := strings.TrimPrefix(welcomeA, "welcome ")
			if !strings.Contains(meA, fmt.Sprintf("token=%q", tokenA)) {
				t.Fatalf("user a's page shows %q, want token %s", meA, tokenA)
			}
			if kind == "by-hand" {
				// The controls: the cache stores what the header allows.
				if welcomeB != welcomeA {
					t.Fatalf("user b got %q, user a %q: the cache did not store a response that sets a cookie", welcomeB, welcomeA)
				}
				if meC != meA {
					t.Fatalf("user c got %q, user a %q: the cache did not store a page built from a cookie", meC, meA)
				}
				t.Logf("without the middleware: user b got user a's welcome page with %d cookies, user c got user a's page %q", len(cookiesB), meC)
				return
			}
			if welcomeB == welcomeA || len(cookiesB) != 1 || cookiesB[0].Value == cookiesA[0].Value {
				t.Fatalf("user b got %q with %d cookies, user a %q: a response that sets the session was shared", welcomeB, len(cookiesB), welcomeA)
			}
			if meC == meA || strings.Contains(meC, fmt.Sprintf("token=%q", tokenA)) || !strings.Contains(meC, `token=""`) {
				t.Fatalf("user c, with no cookie, got %q, user a %q: a page built from the session was shared", meC, meA)
			}
			if meA2 != meA {
				t.Fatalf("user a got %q, then %q: the cache did not store the page per Cookie header", meA, meA2)
			}
		})
	}
}

// jarClient is an HTTP client with a cookie jar of its own: one user.
func jarClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// cacheGet gets u with client and returns the body and the cookies the
// response sets.
func cacheGet(t *testing.T, client *http.Client, u string) (string, []*http.Cookie) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s, %v", u, resp.Status, err)
	}
	t.Logf("GET %s: %q, Cache-Control %q, Vary %q, %d cookies", u, body, resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"), len(resp.Cookies()))
	return string(body), resp.Cookies()
}

// startTrafficServer runs Traffic Server as a reverse proxy from a free
// 127.0.0.1 port to upstream (host:port), with its configuration, a 16 MB
// cache and its logs in a temporary directory and extra lines for
// records.config, until the test ends. It returns once the cache is
// ready, with the proxy's base URL and its output; a failed test shows
// its diags.log too.
func startTrafficServer(t *testing.T, upstream, records string) (string, *syncbuf.Buffer) {
	t.Helper()
	return startTrafficServerServing(t, upstream, records, false)
}

// startTrafficServerServing is startTrafficServer, or, if useTLS, the same offering HTTP/2 and HTTP/1.1 (by ALPN) over TLS with the
// test certificate, returning an https URL.
func startTrafficServerServing(t *testing.T, upstream, records string, useTLS bool) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	addr := localnet.FreeAddr(t)
	_, port, _ := strings.Cut(addr, ":")
	scheme, multicert := "http", ""
	if useTLS {
		// ssl_multicert.config splits names at commas, which a subtest's
		// temporary directory may hold, so the names are relative to the
		// paths set in records.config.
		certFile, keyFile := testCertificate(t)
		scheme, port = "https", port+":ssl"
		multicert = "dest_ip=* ssl_cert_name=" + filepath.Base(certFile) + " ssl_key_name=" + filepath.Base(keyFile) + "\n"
		records += "\nCONFIG proxy.config.ssl.server.cert.path STRING " + filepath.Dir(certFile) +
			"\nCONFIG proxy.config.ssl.server.private_key.path STRING " + filepath.Dir(keyFile)
	}
	for _, d := range []string{"etc", "cache", "log", "run"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"runroot.yaml": fmt.Sprintf(`prefix: %[1]s
exec_prefix: /usr
bindir: /usr/bin
sbindir: /usr/sbin
sysconfdir: %[1]s/etc
datadir: %[1]s/cache
includedir: /usr/include
libdir: /usr/lib/trafficserver
libexecdir: /usr/lib/trafficserver/modules
localstatedir: %[1]s
runtimedir: %[1]s/run
logdir: %[1]s/log
cachedir: %[1]s/cache
`, dir),
		"etc/records.config": fmt.Sprintf(`CONFIG proxy.config.http.server_ports STRING %s:ipv4:ip-in=127.0.0.1
CONFIG proxy.config.admin.user_id STRING #-1
CONFIG proxy.config.crash_log_helper STRING /bin/true
CONFIG proxy.config.url_remap.remap_required INT 1
%s
`, port, records),
		"etc/remap.config":         fmt.Sprintf("map / http://%s/\n", upstream),
		"etc/ssl_multicert.config": multicert,
		"etc/storage.config":       filepath.Join(dir, "cache") + " 16M\n",
		"etc/ip_allow.yaml": `ip_allow:
  - apply: in
    ip_addrs: 127.0.0.1
    action: allow
    methods: ALL
  - apply: out
    ip_addrs: 127.0.0.1
    action: allow
    methods: ALL
`,
	}
	for _, name := range []string{"cache.config", "hosting.config", "parent.config", "plugin.config", "socks.config", "splitdns.config", "volume.config", "logging.yaml", "sni.yaml", "strategies.yaml"} {
		files["etc/"+name] = ""
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	diags := func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "log", "diags.log"))
		return string(b)
	}
	out := runProxy(t, "traffic_server", addr, diags, trafficServerPath, "--run-root="+filepath.Join(dir, "runroot.yaml"))
	// Until its cache is ready, Traffic Server proxies without it.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(diags(), "cache enabled"); {
		if time.Now().After(deadline) {
			t.Fatalf("traffic_server's cache is not enabled:\n%s", diags())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return scheme + "://" + addr, out
}

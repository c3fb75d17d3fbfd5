package cookiesession

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
)

// nginxPath is Debian's nginx.
const nginxPath = "/usr/sbin/nginx"

// nginxProxyConfig is what README.md's "Behind a reverse proxy" section
// tells nginx users to add, for sessions of up to 16 chunks.
const nginxProxyConfig = `
	proxy_buffer_size 64k;
	proxy_buffers 8 64k;
	proxy_busy_buffers_size 128k;
	large_client_header_buffers 4 64k;
`

// TestNginx runs a real nginx (Debian's) as a reverse proxy in front of the
// middleware, with a real HTTP client and cookie jar, and records what a
// chunked session meets there:
//
//   - with nginx's defaults, a response whose headers outgrow
//     proxy_buffer_size (one 4 KiB page) fails with 502 Bad Gateway: a
//     session cookie of 4 KB alone does, so does every chunked session;
//   - with nginx's defaults, a request whose Cookie header is over 8 KiB
//     (large_client_header_buffers) fails with 400;
//   - with nginxProxyConfig, sessions of 4 and 16 chunks round-trip.
func TestNginx(t *testing.T) {
	if _, err := os.Stat(nginxPath); err != nil {
		msg := fmt.Sprintf("%s not available (%v): apt-get install nginx", nginxPath, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ring, err := codec.NewKeyRing(testKey(t, "00000001"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.NewNative(ring, codec.NativeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Plain HTTP on 127.0.0.1: Go's cookie jar sends Secure cookies over
	// https only.
	m, err := New(c, WithSecure(false), WithMaxChunks(MaxChunksLimit))
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Session(r)
		if n, err := strconv.Atoi(r.URL.Query().Get("set")); err == nil {
			if err := s.Set("blob", incompressible(n)); err != nil {
				t.Error(err)
			}
		}
		b, _ := Get[string](s, "blob")
		fmt.Fprint(w, len(b))
	})))
	defer upstream.Close()

	type step struct {
		set     int    // blob size to store, 0 to read
		want    int    // status
		body    string // on 200: the blob length the upstream saw
		cookies int    // with set: the session cookies the upstream writes
	}
	tests := []struct {
		name   string
		config string
		steps  []step
	}{
		{"defaults, small session", "", []step{{set: 1000, want: 200, body: "1000", cookies: 1}, {want: 200, body: "1000"}}},
		{"defaults, one cookie of 4 KB", "", []step{{set: 2900, want: 502, cookies: 1}}},
		{"defaults, 2 chunks", "", []step{{set: 5000, want: 502, cookies: 2}}},
		{"defaults, Cookie header over 8 KiB", "proxy_buffer_size 64k; proxy_buffers 8 64k; proxy_busy_buffers_size 128k;",
			[]step{{set: 8000, want: 200, body: "8000", cookies: 3}, {want: 400}}},
		{"configured, 4 chunks", nginxProxyConfig, []step{{set: 11000, want: 200, body: "11000", cookies: 4}, {want: 200, body: "11000"}}},
		{"configured, 16 chunks", nginxProxyConfig, []step{{set: 46500, want: 200, body: "46500", cookies: 16}, {want: 200, body: "46500"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := startNginx(t, upstream.Listener.Addr().String(), tt.config)
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			for i, st := range tt.steps {
				u := base + "/"
				if st.set > 0 {
					u += "?set=" + strconv.Itoa(st.set)
					// What the upstream itself answers, without nginx.
					direct, err := http.Get(upstream.URL + "/?set=" + strconv.Itoa(st.set))
					if err != nil {
						t.Fatal(err)
					}
					direct.Body.Close()
					cs := sessionCookies(direct)
					if direct.StatusCode != 200 || len(cs) != st.cookies {
						t.Fatalf("step %d: upstream answers %s with %d session cookies, want 200 with %d", i, direct.Status, len(cs), st.cookies)
					}
					size := 0
					for _, ck := range cs {
						size += len(ck.Name) + len(ck.Value)
					}
					t.Logf("step %d: without nginx, %d session cookies of %d bytes", i, len(cs), size)
				}
				resp, err := client.Get(u)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Logf("step %d (set %d): %s, %d session cookies, Cookie header sent %d bytes", i, st.set, resp.Status, len(sessionCookies(resp)), len(resp.Request.Header.Get("Cookie")))
				if resp.StatusCode != st.want || (st.want == 200 && string(body) != st.body) {
					t.Fatalf("step %d: %s %.80q, want %d %q", i, resp.Status, body, st.want, st.body)
				}
			}
		})
	}
}

// sessionCookies returns the session cookies resp sets.
func sessionCookies(resp *http.Response) []*http.Cookie {
	var out []*http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "session" || strings.HasPrefix(ck.Name, "session.") {
			out = append(out, ck)
		}
	}
	return out
}

// incompressible returns n bytes that compression does not shrink, so that
// a session of n bytes needs about n*4/3 bytes of cookies.
func incompressible(n int) string {
	r := rand.New(rand.NewPCG(uint64(n), 1))
	b := make([]byte, n)
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// startNginx runs nginx in the foreground, one process, as a reverse proxy
// from a free 127.0.0.1 port to upstream (host:port), with extra
// directives in its server block, until the test ends. It returns the
// proxy's base URL.
func startNginx(t *testing.T, upstream, directives string) string {
	t.Helper()
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	server {
		listen %[2]s;
		%[4]s
		location / { proxy_pass http://%[3]s; }
	}
}
`, dir, addr, upstream, directives)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, nginxPath, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output: %s\nerror.log: %s", out, log)
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not listen on %s: %v\n%s\n%s", addr, err, out, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

package main

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
	"golang.org/x/net/publicsuffix"
	"software.sslmate.com/src/go-pkcs12"
)

// Limits of --url. Every hop's response headers are capped by the
// transport; bodies are never read (the client itself drains at most
// 2 KiB of a redirect's body) and always closed.
const (
	defaultFetchTimeout = 10 * time.Second // --timeout: the whole exchange
	maxRedirects        = 10               // redirects followed, as browsers do
	maxResponseHeaders  = 256 << 10        // bytes of headers of one response
)

// errFetch: the request of --url failed (network, TLS, timeout, refused
// redirect). Its --json kind is "fetch".
var errFetch = errors.New("fetch failed")

// fetchSource is the response of --url that set the cookie: the "source"
// member of --json output, and the input line's "from ...".
type fetchSource struct {
	Method    string `json:"method"`
	URL       string `json:"url"` // without a password
	Status    string `json:"status"`
	Response  int    `json:"response"`  // 1-based, in the order received
	Responses int    `json:"responses"` // the redirects followed, plus one
	text      string
}

// fetchCookie GETs --url, following redirects, and picks the cookie NAME
// from the Set-Cookie headers of every response. It returns the input and
// the response that set it, nil when none did.
func (c *cli) fetchCookie() (cliinput.Input, *fetchSource, error) {
	req, err := c.fetchRequest()
	if err != nil {
		return cliinput.Input{}, nil, err
	}
	certs, err := c.clientCertificates()
	if err != nil {
		return cliinput.Input{}, nil, err
	}
	if c.opts.insecure {
		c.warnf("--insecure: the TLS certificate of %s is not verified: anyone on the network path can pose as the server and read the headers sent", req.URL.Host)
	}
	proxy, err := c.fetchProxy()
	if err != nil {
		return cliinput.Input{}, nil, err
	}
	hops, warnings, err := fetch(req, fetchOptions{timeout: c.opts.timeout, insecure: c.opts.insecure, certs: certs, proxy: proxy, firstHostOnly: c.userHeaderNames()})
	for _, d := range warnings {
		c.warnf("%s", d)
	}
	if err != nil {
		return cliinput.Input{}, nil, err
	}
	in, at, err := cliinput.FromResponses(hops, c.opts.name, time.Now())
	if at < 0 {
		return in, nil, err
	}
	h := hops[at]
	return in, &fetchSource{Method: h.Method, URL: h.URL, Status: h.Status, Response: at + 1, Responses: len(hops), text: cliinput.Describe(hops, at)}, err
}

// fetchRequest checks --url, --header and --timeout and builds the
// request.
func (c *cli) fetchRequest() (*http.Request, error) {
	if len(c.args) > 0 {
		return nil, usagef("give the cookie as INPUT or fetch it with --url, not both")
	}
	if lower := strings.ToLower(c.opts.url); !strings.Contains(lower, "://") && !strings.HasPrefix(lower, "http:") && !strings.HasPrefix(lower, "https:") {
		// curl takes "127.0.0.1:5000/" for http; say so, rather than
		// Go's parse error ("first path segment in URL cannot contain
		// colon") or a scheme named "localhost".
		if u, err := url.Parse("http://" + c.opts.url); err == nil && u.Host != "" {
			return nil, usagef("--url %s has no scheme: give --url %s (or https://), as cookiecodec does not guess it", shellArg(redactedURL(c.opts.url)), shellArg(u.Redacted()))
		}
	}
	u, err := url.Parse(c.opts.url)
	if err != nil {
		return nil, usagef("--url: %v", urlErrorText(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, usagef("--url %s: only http and https URLs are fetched", u.Redacted())
	}
	if u.Host == "" {
		return nil, usagef("--url %s: no host", u.Redacted())
	}
	if c.opts.timeout <= 0 {
		return nil, usagef("--timeout %s: want a positive duration such as 10s", c.opts.timeout)
	}
	method, body, err := c.fetchBody()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(method, u.String(), body)
	if err != nil {
		return nil, usagef("--url %s: %v", u.Redacted(), urlErrorText(err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i, h := range c.opts.headers {
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") || strings.ContainsAny(value, "\r\n") {
			// The value is not quoted: it may be a credential.
			return nil, usagef("--header number %d: want \"Name: value\" on one line", i+1)
		}
		switch {
		case strings.EqualFold(name, "Host"):
			req.Host = value
		case strings.EqualFold(name, "Content-Type"):
			req.Header.Set(name, value) // replaces the form default
		default:
			req.Header.Add(name, value)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "cookiecodec")
	}
	return req, nil
}

// fetchBody returns the method and body of the --url request: a GET, or a
// POST of --data, read from a file when it starts with '@', or the
// --request method with the --data body if any. A *strings.Reader body
// lets the client send it again on a redirect that keeps the method.
func (c *cli) fetchBody() (string, io.Reader, error) {
	method := http.MethodGet
	var body io.Reader
	if c.opts.set["data"] {
		data := c.opts.data
		if path, ok := strings.CutPrefix(data, "@"); ok {
			b, err := readSecretFile("--data", path, "--data sends a form, not a file upload")
			if err != nil {
				return "", nil, err
			}
			data = string(b)
		}
		method, body = http.MethodPost, strings.NewReader(data)
	}
	if c.opts.set["request"] {
		m := c.opts.method
		switch {
		case !cliinput.IsToken(m):
			return "", nil, usagef("--request %q: want a method name such as PUT or DELETE", m)
		case strings.EqualFold(m, http.MethodConnect):
			return "", nil, usagef("--request CONNECT asks a proxy for a tunnel; it sets no cookie")
		}
		method = m
	}
	return method, body, nil
}

// clientCertificates loads --client-cert and its key for mutual TLS; none
// without --client-cert. A PEM --client-cert takes its key from
// --client-key, or from the same file. Any other --client-cert is read as
// PKCS#12, which holds the certificate, its chain and the key, with the
// password of --client-cert-password-env (empty without it). Neither
// file's content nor the password is ever printed.
func (c *cli) clientCertificates() ([]tls.Certificate, error) {
	if !c.opts.set["client-cert"] {
		for _, f := range []string{"client-key", "client-cert-password-env"} {
			if c.opts.set[f] {
				return nil, usagef("--%s needs --client-cert", f)
			}
		}
		return nil, nil
	}
	certFile, err := readSecretFile("--client-cert", c.opts.clientCert, "a certificate chain is a few KB")
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(certFile, []byte("-----BEGIN ")) {
		return c.pkcs12Certificate(certFile)
	}
	if c.opts.set["client-cert-password-env"] {
		return nil, usagef("--client-cert-password-env is for a PKCS#12 --client-cert; %s is PEM", c.opts.clientCert)
	}
	keyPEM, keyFlag, keyPath := certFile, "--client-cert", c.opts.clientCert
	if c.opts.set["client-key"] {
		keyFlag, keyPath = "--client-key", c.opts.clientKey
		if keyPEM, err = readSecretFile(keyFlag, keyPath, "a private key is a few KB"); err != nil {
			return nil, err
		}
	}
	cert, err := tls.X509KeyPair(certFile, keyPEM)
	if err != nil {
		return nil, fileError{fmt.Errorf("--client-cert %s with the key of %s %s: %w", c.opts.clientCert, keyFlag, keyPath, err)}
	}
	return []tls.Certificate{cert}, nil
}

// pkcs12Certificate decodes der, the PKCS#12 file of --client-cert, with
// the password of --client-cert-password-env.
func (c *cli) pkcs12Certificate(der []byte) ([]tls.Certificate, error) {
	path := c.opts.clientCert
	if c.opts.set["client-key"] {
		return nil, usagef("--client-key: %s is not PEM, so it is read as PKCS#12, which holds its own key", path)
	}
	password, source := "", "an empty password"
	if c.opts.set["client-cert-password-env"] {
		v, ok := os.LookupEnv(c.opts.clientCertPass)
		if !ok {
			return nil, usagef("--client-cert-password-env %s: the environment variable is not set", c.opts.clientCertPass)
		}
		password, source = v, "the password of $"+c.opts.clientCertPass
	}
	key, leaf, chain, err := openPKCS12(der, password)
	switch {
	case errors.Is(err, errPKCS12Slow):
		return nil, fileError{fmt.Errorf("--client-cert %s: the PKCS#12 file did not open within %s: it must claim an iteration count far beyond what any real tool writes", path, pkcs12OpenLimit)}
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		hint := ""
		if !c.opts.set["client-cert-password-env"] {
			hint = "; give its password with --client-cert-password-env VAR"
		}
		return nil, fileError{fmt.Errorf("--client-cert %s: PKCS#12 file, and %s does not open it%s", path, source, hint)}
	case err != nil:
		return nil, fileError{fmt.Errorf("--client-cert %s: neither PEM nor a PKCS#12 file this tool reads: %w", path, err)}
	}
	// As tls.X509KeyPair checks for PEM: the key must be the certificate's.
	signer, ok := key.(crypto.Signer)
	if pub, isComparable := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !isComparable || !pub.Equal(signer.Public()) {
		return nil, fileError{fmt.Errorf("--client-cert %s: the private key in the PKCS#12 file is not the key of its certificate", path)}
	}
	cert := tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}
	for _, ca := range chain {
		cert.Certificate = append(cert.Certificate, ca.Raw)
	}
	return []tls.Certificate{cert}, nil
}

// pkcs12OpenLimit bounds the time openPKCS12 may take. A PKCS#12 file
// names its own iteration counts, for its MAC and for each encrypted
// part, and go-pkcs12 accepts any count: a file that claims 2^31
// iterations keeps a core busy for about four minutes. Real files open in
// milliseconds (OpenSSL writes 2048 iterations; a million take about
// 0.1 s here), so 10 s is a generous bound.
var pkcs12OpenLimit = 10 * time.Second

// errPKCS12Slow is openPKCS12's answer when the bound is reached.
var errPKCS12Slow = errors.New("the PKCS#12 file did not open in time")

// openPKCS12 decodes a PKCS#12 file as pkcs12.DecodeChain does, but gives
// up after pkcs12OpenLimit with errPKCS12Slow. go-pkcs12 cannot be
// interrupted, so its work goes on in the background until the command
// exits, which it then does at once.
func openPKCS12(der []byte, password string) (key any, leaf *x509.Certificate, chain []*x509.Certificate, err error) {
	type opened struct {
		key   any
		leaf  *x509.Certificate
		chain []*x509.Certificate
		err   error
	}
	done := make(chan opened, 1)
	go func() {
		key, leaf, chain, err := pkcs12.DecodeChain(der, password)
		done <- opened{key, leaf, chain, err}
	}()
	timer := time.NewTimer(pkcs12OpenLimit)
	defer timer.Stop()
	select {
	case o := <-done:
		return o.key, o.leaf, o.chain, o.err
	case <-timer.C:
		return nil, nil, nil, errPKCS12Slow
	}
}

// fetchProxy checks --proxy: nil without it (the environment's
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY then apply, as net/http reads
// them), else an http:// URL, which is how Burp, mitmproxy and squid
// listen, or a socks5:// or socks5h:// one, which is how ssh -D, Tor and
// microsocks listen. Unlike the environment's, it is used for every host,
// 127.0.0.1 and localhost included.
//
// Go's SOCKS client sends the host name to the proxy for both SOCKS
// schemes, so the proxy resolves it (curl's socks5:// resolves locally):
// an internal name that only the far side of an ssh -D tunnel knows works
// either way. https:// proxies are refused: Go would offer them the
// --client-cert meant for the server, and --insecure would also skip the
// proxy's certificate.
func (c *cli) fetchProxy() (*url.URL, error) {
	if c.opts.proxy == "" {
		return nil, badEnvProxy()
	}
	const want = "want http://HOST:PORT, as Burp, mitmproxy and squid listen, or socks5://HOST:PORT, as ssh -D listens (other kinds: set HTTPS_PROXY instead)"
	u, err := url.Parse(c.opts.proxy)
	if err != nil {
		return nil, usagef("--proxy: %s", want) // not echoed: it may hold a password
	}
	switch {
	case u.Host == "":
		return nil, usagef("--proxy %s: %s", u.Redacted(), want)
	case u.Scheme == "http", u.Scheme == "socks5", u.Scheme == "socks5h":
		if _, ok := u.User.Password(); ok {
			c.warnf("--proxy puts its password on the command line, where other users can see it (ps, shell history); prefer HTTPS_PROXY or HTTP_PROXY in the environment (a socks5:// URL works there too)")
		}
		return u, nil
	}
	return nil, usagef("--proxy %s: %s", u.Redacted(), want)
}

// badEnvProxy refuses a proxy variable that net/http would read but
// cannot use: it then sends the request directly, around the proxy the
// user meant, without a word (an interception proxy misses it, and a
// proxy kept for privacy is bypassed). Like net/http, it reads
// HTTPS_PROXY, then https_proxy, and HTTP_PROXY, then http_proxy, and
// reads a value without a scheme as http://. The value is not echoed: it
// may hold a password.
func badEnvProxy() error {
	for _, names := range [][2]string{{"HTTPS_PROXY", "https_proxy"}, {"HTTP_PROXY", "http_proxy"}} {
		name, value := names[0], os.Getenv(names[0])
		if value == "" {
			name, value = names[1], os.Getenv(names[1])
		}
		if value == "" {
			continue
		}
		u, err := url.Parse(value)
		if err != nil || u.Scheme == "" || u.Host == "" {
			u, err = url.Parse("http://" + value)
		}
		if err != nil || u.Host == "" {
			return usagef("%s is set but is not a proxy URL that Go can use, so the request would go around the proxy, directly: fix it (http://HOST:PORT or socks5://HOST:PORT, a password percent-encoded) or unset it", name)
		}
	}
	return nil
}

// fetchFlagsUnused refuses the flags that only mean something with --url.
func (c *cli) fetchFlagsUnused() error {
	for _, f := range []string{"data", "request", "header", "timeout", "insecure", "client-cert", "client-key", "client-cert-password-env", "proxy"} {
		if c.opts.set[f] {
			return usagef("--%s needs --url", f)
		}
	}
	return nil
}

// fetchOptions configure fetch.
type fetchOptions struct {
	timeout  time.Duration
	insecure bool
	certs    []tls.Certificate // offered to servers that ask for a client certificate
	proxy    *url.URL          // carries every request; nil: the environment's settings
	// firstHostOnly names the request headers the user set, which go to
	// the first request's host (and its subdomains) only.
	firstHostOnly []string
}

// userHeaderNames returns the names of the --header headers that may
// carry credentials: all but Host, User-Agent, Content-Type and Accept*.
func (c *cli) userHeaderNames() []string {
	var names []string
	for _, h := range c.opts.headers {
		name, _, _ := strings.Cut(h, ":")
		name = http.CanonicalHeaderKey(strings.TrimSpace(name))
		switch {
		case name == "Host", name == "User-Agent", name == "Content-Type", strings.HasPrefix(name, "Accept"):
		default:
			names = append(names, name)
		}
	}
	return names
}

// fetch sends req, follows up to maxRedirects http and https redirects,
// and returns every response, in order. A cookie jar carries the cookies
// set along the way to the next hops, as a browser does.
//
// On a redirect that leaves the first site (see leavesFirstSite: another
// host, a downgrade to http, another port) it drops the headers
// o.firstHostOnly names and says so in warnings, and drops Referer; it
// refuses to send the request body there (a 307 or 308 after a --data
// POST), since a login form would go where the user did not send it, and
// refuses to follow it at all with a client certificate, which the TLS
// layer would present to any server. curl sends headers and body unless
// told otherwise; a tool that is handed credentials should not. With
// o.insecure, an https hop to another host is not verified either, and
// warnings says so once for each such host.
func fetch(req *http.Request, o fetchOptions) (hops []cliinput.Response, warnings []string, err error) {
	timeout, insecure, certs, proxy := o.timeout, o.insecure, o.certs, o.proxy
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if proxy != nil {
		tr.Proxy = http.ProxyURL(proxy)
	}
	tr.MaxResponseHeaderBytes = maxResponseHeaders
	tr.DisableCompression = true
	if insecure || len(certs) > 0 {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure, Certificates: certs}
	}
	defer tr.CloseIdleConnections()
	// With the public suffix list, as in browsers: a hop cannot set a
	// cookie for all of co.uk or github.io, for the next hops to receive.
	jar, err := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	if err != nil {
		return nil, nil, err
	}
	var refused error
	last := req // the request in flight, for errors: a redirect changes it
	client := &http.Client{
		Transport: tr,
		Jar:       jar,
		Timeout:   timeout,
		CheckRedirect: func(next *http.Request, via []*http.Request) error {
			hops = append(hops, readHop(next.Response))
			switch {
			case next.URL.Scheme != "http" && next.URL.Scheme != "https":
				refused = fmt.Errorf("%w: %s redirects to %s: only http and https redirects are followed", errFetch, cliinput.Describe(hops, len(hops)-1), next.URL.Redacted())
			case len(via) > maxRedirects:
				refused = fmt.Errorf("%w: more than %d redirects, the last from %s", errFetch, maxRedirects, cliinput.Describe(hops, len(hops)-1))
			default:
				browserRedirect(next, via[len(via)-1], via[0])
				if insecure && next.URL.Scheme == "https" && next.URL.Host != via[0].URL.Host {
					if w := fmt.Sprintf("--insecure: the TLS certificate of %s, where a redirect leads, is not verified either", next.URL.Host); !slices.Contains(warnings, w) {
						warnings = append(warnings, w)
					}
				}
				if why := leavesFirstSite(via[0].URL, next.URL); why != "" {
					to := next.URL.Scheme + "://" + next.URL.Host
					if next.Body != nil && next.Body != http.NoBody {
						refused = fmt.Errorf("%w: %s redirects the request with its body to %s (%s): the body is not sent there; fetch that URL yourself if you trust it", errFetch, cliinput.Describe(hops, len(hops)-1), to, why)
						return refused
					}
					if len(certs) > 0 {
						refused = fmt.Errorf("%w: %s redirects to %s (%s): --client-cert is only presented to the first URL's site; fetch that URL yourself if you trust it", errFetch, cliinput.Describe(hops, len(hops)-1), to, why)
						return refused
					}
					for _, name := range o.firstHostOnly {
						// Go copies the first request's headers onto every
						// hop, so this runs on each hop that leaves; one
						// warning per header and target. Go has already
						// removed Cookie and Authorization when the host
						// changes, without a word: warn for them too.
						next.Header.Del(name)
						if w := fmt.Sprintf("--header %s was not sent to %s (%s)", name, to, why); !slices.Contains(warnings, w) {
							warnings = append(warnings, w)
						}
					}
					// Go sets Referer to the previous URL, query included: a
					// token in the first URL would reach the other site.
					next.Header.Del("Referer")
				}
				last = next
				return nil
			}
			return refused
		},
	}
	resp, err := client.Do(req)
	if refused != nil {
		return nil, warnings, refused
	}
	if err != nil {
		timedOut := isTimeout(err)
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without net/http's `Get "URL":`, which shows a password as ***
		}
		target := last.Method + " " + last.URL.Redacted()
		if timedOut {
			return nil, warnings, fmt.Errorf("%w: %s: no complete response within --timeout %s", errFetch, target, timeout)
		}
		return nil, warnings, fmt.Errorf("%w: %s: %w", errFetch, target, err)
	}
	// The body is not needed: close it unread.
	resp.Body.Close()
	return append(hops, readHop(resp)), warnings, nil
}

// isTimeout reports whether err, or an error it wraps, is a timeout.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// browserRedirect makes the next hop of a redirect what a browser sends
// (the Fetch standard's redirect rules) where Go's client differs. Go turns
// every method but GET and HEAD into GET on a 301, 302 or 303, and once a
// hop has dropped the body it never sends it again; browsers turn only a
// POST into GET on a 301 or 302, every method but HEAD on a 303, and keep
// the body while the method is kept. So a PUT or DELETE answered 301 or
// 302 goes on as it was, with the body of first, the request as given.
func browserRedirect(next, prev, first *http.Request) {
	method := prev.Method
	switch code := next.Response.StatusCode; {
	case (code == http.StatusMovedPermanently || code == http.StatusFound) && method == http.MethodPost,
		code == http.StatusSeeOther && method != http.MethodHead:
		method = http.MethodGet
	}
	next.Method = method
	if method == http.MethodGet || method == http.MethodHead || first.GetBody == nil || (next.Body != nil && next.Body != http.NoBody) {
		return
	}
	body, err := first.GetBody()
	if err != nil {
		return
	}
	next.Body, next.GetBody, next.ContentLength = body, first.GetBody, first.ContentLength
	if ct := first.Header.Get("Content-Type"); ct != "" {
		next.Header.Set("Content-Type", ct)
	}
}

// readHop records the request, status and Set-Cookie headers of resp.
func readHop(resp *http.Response) cliinput.Response {
	return cliinput.Response{
		Method:    resp.Request.Method,
		URL:       resp.Request.URL.Redacted(),
		Status:    printable(resp.Status), // the server's text: no escapes reach the terminal
		SetCookie: resp.Header.Values("Set-Cookie"),
	}
}

// fetchHint suggests a way around a failed --url request, or returns
// the zero hint.
func (c *cli) fetchHint(err error) hint {
	insecure, clientCert := c.opts.insecure, c.opts.set["client-cert"]
	proxy, _ := url.Parse(c.opts.proxy)
	msg := err.Error()
	switch {
	case proxy != nil && strings.HasPrefix(proxy.Scheme, "socks5") && strings.Contains(msg, "socks connect"):
		return socksHint(msg, proxy.User != nil)
	case strings.Contains(msg, "proxyconnect") && strings.Contains(msg, "connection refused"):
		if c.opts.proxy == "" {
			return hint{hintProxyNotListening, "nothing listens at the proxy address that HTTPS_PROXY or HTTP_PROXY names (Go reads both, and ALL_PROXY not at all): start the proxy, fix the variable, or unset it"}
		}
		return hint{hintProxyNotListening, "nothing listens at the --proxy address " + proxy.Host + ": start the proxy (or the ssh -D tunnel), or check its port"}
	case strings.Contains(msg, "Proxy Authentication Required"):
		// The proxy's 407: a response for http URLs, an error for https.
		return hint{hintProxyAuth, "the proxy wants a user name and password: give them as --proxy http://USER:PASSWORD@HOST:PORT (a wrong one gets 407 again)"}
	case proxy != nil && proxy.User != nil && (strings.Contains(msg, "(401 Unauthorized") || strings.HasSuffix(msg, ": Unauthorized")):
		// tinyproxy answers a wrong password with 401, not 407: for an
		// https URL the tunnel fails with it, for an http one it looks
		// like the server's.
		return hint{hintProxyAuth, "if the proxy refused the user name and password of --proxy (tinyproxy answers a wrong one with 401, not 407), check them; otherwise the server wants a login: --header 'Authorization: ...'"}
	}
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && !insecure {
		return hint{hintUntrustedCert, "the server's certificate is not trusted: for a local development certificate, add --insecure (the TLS connection is then not authenticated)"}
	}
	switch remoteAlert(err) {
	case "tls: certificate required", "tls: bad certificate", "tls: unknown certificate authority":
		if !clientCert {
			return hint{hintClientCertRequired, "the server asks for a client certificate (mutual TLS): give it with --client-cert, and its key with --client-key"}
		}
		return hint{hintClientCertRefused, "the server did not accept the client certificate of --client-cert: it is not signed by a CA the server names (Go then sends none), or the server refused it; check that it is the certificate the server trusts, and not expired"}
	case "tls: handshake failure":
		// What Go's TLS 1.2 server sends without a client certificate,
		// among other causes.
		if !clientCert {
			return hint{hintClientCertRequired, "the TLS handshake failed: if the server wants a client certificate (mutual TLS), give it with --client-cert and --client-key"}
		}
	}
	return hint{}
}

// socksHint explains a failure that Go's SOCKS client reports as "socks
// connect tcp PROXY->TARGET: ...": the reply codes of RFC 1928 and the
// user name and password exchange of RFC 1929.
func socksHint(msg string, withUser bool) hint {
	switch {
	case strings.Contains(msg, "no acceptable authentication methods") && !withUser:
		return hint{hintSOCKSAuth, "the SOCKS proxy wants a user name and password: give them as --proxy socks5://USER:PASSWORD@HOST:PORT"}
	case strings.Contains(msg, "no acceptable authentication methods"):
		return hint{hintSOCKSAuth, "the SOCKS proxy accepts neither no authentication nor a user name and password (RFC 1929), the two methods Go offers"}
	case strings.Contains(msg, "username/password authentication failed"):
		return hint{hintSOCKSAuth, "the SOCKS proxy refused the user name and password of --proxy: check them"}
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "host unreachable"),
		strings.Contains(msg, "network unreachable"), strings.Contains(msg, "TTL expired"),
		strings.Contains(msg, "general SOCKS server failure"):
		return hint{hintSOCKSUnreachable, "the SOCKS proxy could not connect to the server: the proxy resolves the host name and connects from its side (with ssh -D, from the SSH server), so the URL must be reachable from there"}
	case strings.Contains(msg, "connection not allowed by ruleset"):
		return hint{hintSOCKSRuleset, "the SOCKS proxy's rules do not allow a connection to this host and port"}
	}
	return hint{}
}

// remoteAlert returns the text of the TLS alert the server sent, as in
// "tls: certificate required", or "" when err is not one. crypto/tls gives
// a remote alert as a *net.OpError whose Op is "remote error" and whose
// Err is of an unexported type, so its text is what can be compared.
func remoteAlert(err error) string {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return ""
	}
	return op.Err.Error()
}

// urlErrorText is the reason of a URL parsing error without the URL, which
// *url.Error quotes whole, password included.
func urlErrorText(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// leavesFirstSite says why a redirect from first to next leaves the site
// the user named, or returns "" when it stays: the same host name or a
// subdomain of it (the rule Go applies to Cookie and Authorization), over
// the same scheme or an upgrade from http to https, on the same port (the
// default ports of http and https count as one on an upgrade). curl drops
// credentials on a change of scheme or port too (CVE-2022-27774); a
// downgrade would send them in cleartext, and another port is another
// service.
func leavesFirstSite(first, next *url.URL) string {
	f, n := strings.ToLower(first.Hostname()), strings.ToLower(next.Hostname())
	if n != f && !strings.HasSuffix(n, "."+f) {
		return "not " + first.Hostname() + " or a subdomain of it"
	}
	if first.Scheme == "https" && next.Scheme == "http" {
		return "a downgrade from https to http"
	}
	fp, np := portOf(first), portOf(next)
	upgrade := first.Scheme == "http" && next.Scheme == "https" && fp == "80" && np == "443"
	if fp != np && !upgrade {
		return "port " + np + ", not " + fp
	}
	return ""
}

// portOf returns u's port, or its scheme's default port.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// redactedURL is raw, a URL without its scheme, with a password in it
// replaced as url.URL.Redacted does.
func redactedURL(raw string) string {
	u, err := url.Parse("http://" + raw)
	if err != nil {
		return "URL"
	}
	return strings.TrimPrefix(u.Redacted(), "http://")
}

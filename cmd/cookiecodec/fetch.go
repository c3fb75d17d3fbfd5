package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/cliinput"
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

// errDeleted: the last Set-Cookie of the wanted name deletes the cookie.
var errDeleted = errors.New("cookie deleted")

// hop is one response of a --url exchange.
type hop struct {
	method  string // the request's method: GET, or POST for --data
	url     string // the request's URL, without a password
	status  string // "302 Found"
	cookies []setCookie
	skipped int // Set-Cookie headers without a name=value pair
}

// setCookie is one cookie a response set.
type setCookie struct {
	cliinput.Cookie
	deleted string // why the header deletes the cookie, or ""
}

// hopText describes hop i of hops for the header block and messages.
func hopText(hops []hop, i int) string {
	return fmt.Sprintf("%s %s (%s, response %d of %d)", hops[i].method, hops[i].url, hops[i].status, i+1, len(hops))
}

// fetchCookie GETs --url, following redirects, and picks the cookie NAME
// from the Set-Cookie headers of every response. It returns the input and
// where the cookie came from.
func (c *cli) fetchCookie() (cliinput.Input, string, error) {
	req, err := c.fetchRequest()
	if err != nil {
		return cliinput.Input{}, "", err
	}
	if c.opts.insecure {
		c.warnf("--insecure: the TLS certificate of %s is not verified: anyone on the network path can pose as the server and read the headers sent", req.URL.Host)
	}
	hops, err := fetch(req, c.opts.timeout, c.opts.insecure)
	if err != nil {
		return cliinput.Input{}, "", err
	}
	return pickSetCookie(hops, c.opts.name)
}

// fetchRequest checks --url, --header and --timeout and builds the
// request.
func (c *cli) fetchRequest() (*http.Request, error) {
	if len(c.args) > 0 {
		return nil, usagef("give the cookie as INPUT or fetch it with --url, not both")
	}
	u, err := url.Parse(c.opts.url)
	if err != nil {
		return nil, usagef("--url: %v", err)
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
		return nil, usagef("--url: %v", err)
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
// POST of --data, read from a file when it starts with '@'. A
// *strings.Reader body lets the client send it again on a 307 or 308.
func (c *cli) fetchBody() (string, io.Reader, error) {
	if !c.opts.set["data"] {
		return http.MethodGet, nil, nil
	}
	data := c.opts.data
	if path, ok := strings.CutPrefix(data, "@"); ok {
		b, err := readSecretFile("--data", path, "--data sends a form, not a file upload")
		if err != nil {
			return "", nil, err
		}
		data = string(b)
	}
	return http.MethodPost, strings.NewReader(data), nil
}

// fetchFlagsUnused refuses the flags that only mean something with --url.
func (c *cli) fetchFlagsUnused() error {
	for _, f := range []string{"data", "header", "timeout", "insecure"} {
		if c.opts.set[f] {
			return usagef("--%s needs --url", f)
		}
	}
	return nil
}

// fetch sends req, follows up to maxRedirects http and https redirects,
// and returns every response, in order. A cookie jar carries the cookies
// set along the way to the next hops, as a browser does.
func fetch(req *http.Request, timeout time.Duration, insecure bool) ([]hop, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxResponseHeaderBytes = maxResponseHeaders
	tr.DisableCompression = true
	if insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	defer tr.CloseIdleConnections()
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	var hops []hop
	var refused error
	client := &http.Client{
		Transport: tr,
		Jar:       jar,
		Timeout:   timeout,
		CheckRedirect: func(next *http.Request, via []*http.Request) error {
			hops = append(hops, readHop(next.Response))
			switch {
			case next.URL.Scheme != "http" && next.URL.Scheme != "https":
				refused = fmt.Errorf("%w: %s redirects to %s: only http and https redirects are followed", errFetch, hopText(hops, len(hops)-1), next.URL.Redacted())
			case len(via) > maxRedirects:
				refused = fmt.Errorf("%w: more than %d redirects, the last from %s", errFetch, maxRedirects, hopText(hops, len(hops)-1))
			default:
				return nil
			}
			return refused
		},
	}
	resp, err := client.Do(req)
	if refused != nil {
		return nil, refused
	}
	if err != nil {
		timedOut := isTimeout(err)
		target := req.URL.Redacted()
		var ue *url.Error
		if errors.As(err, &ue) {
			// Without net/http's `Get "URL":`. Its URL shows a password
			// as ***; Redacted, as everywhere else here, as xxxxx.
			target, err = ue.URL, ue.Err
			if u, perr := url.Parse(ue.URL); perr == nil {
				target = u.Redacted()
			}
		}
		if timedOut {
			return nil, fmt.Errorf("%w: %s %s: no complete response within --timeout %s", errFetch, req.Method, target, timeout)
		}
		return nil, fmt.Errorf("%w: %s %s: %w", errFetch, req.Method, target, err)
	}
	// The body is not needed: close it unread.
	resp.Body.Close()
	return append(hops, readHop(resp)), nil
}

// isTimeout reports whether err, or an error it wraps, is a timeout.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// readHop records the URL, status and Set-Cookie headers of resp. The
// cookies are read by cliinput, as pasted Set-Cookie lines are; whether a
// header deletes its cookie, by net/http's parser of the attributes.
func readHop(resp *http.Response) hop {
	h := hop{method: resp.Request.Method, url: resp.Request.URL.Redacted(), status: resp.Status}
	now := time.Now()
	for _, v := range resp.Header.Values("Set-Cookie") {
		ck, err := cliinput.SetCookiePair(v)
		if err != nil {
			h.skipped++
			continue
		}
		h.cookies = append(h.cookies, setCookie{Cookie: ck, deleted: deletion(v, now)})
	}
	return h
}

// deletion says why the Set-Cookie header value v deletes its cookie at
// now: Max-Age zero or negative, or, without Max-Age, an Expires in the
// past. It returns "" when v does not delete the cookie, or when net/http
// cannot read v.
func deletion(v string, now time.Time) string {
	hc, err := http.ParseSetCookie(v)
	switch {
	case err != nil:
		return ""
	case hc.MaxAge < 0:
		return "Max-Age=0"
	case hc.MaxAge == 0 && !hc.Expires.IsZero() && !hc.Expires.After(now):
		return "Expires " + hc.Expires.UTC().Format(time.RFC1123) + ", in the past"
	}
	return ""
}

// pickSetCookie picks the cookie name from the responses: the last
// Set-Cookie of that name across the hops, in order, as a browser keeps
// it. A chunked session is joined from the cookies of the same response.
func pickSetCookie(hops []hop, name string) (cliinput.Input, string, error) {
	if name == "" {
		name = "session"
	}
	in := cliinput.Input{Form: cliinput.FormSetCookieHeader, Name: name}
	at, idx := -1, -1
	for h := range hops {
		for i, sc := range hops[h].cookies {
			if sc.Name == name {
				at, idx = h, i
			}
		}
	}
	if at < 0 {
		in.Cookies = setNames(hops)
		return in, "", notSetError(hops, name, in.Cookies)
	}
	from := hopText(hops, at)
	sc := hops[at].cookies[idx]
	if sc.deleted != "" {
		return in, from, fmt.Errorf("%w: the Set-Cookie header of %s deletes cookie %q (%s): there is no session to show", errDeleted, from, name, sc.deleted)
	}
	// Chunks of a chunked session: the other live cookies of the response;
	// an earlier Set-Cookie of the same name in it is overridden.
	for i, o := range hops[at].cookies {
		if o.deleted == "" && (o.Name != name || i == idx) {
			in.Cookies = append(in.Cookies, o.Cookie)
		}
	}
	in.NameFromInput = true
	v, chunked, err := cliinput.ReassembleChunks(in.Cookies, name)
	if err != nil {
		return in, from, err
	}
	in.Value, in.Chunked = sc.Value, chunked
	if chunked {
		in.Value = v
	}
	if in.Value == "" {
		return in, from, fmt.Errorf("%w: the Set-Cookie header of %s sets cookie %q to the empty value", cliinput.ErrEmpty, from, name)
	}
	return in, from, nil
}

// setNames lists the cookies the responses set, one per name, in order of
// first appearance.
func setNames(hops []hop) []cliinput.Cookie {
	var out []cliinput.Cookie
	seen := map[string]bool{}
	for _, h := range hops {
		for _, sc := range h.cookies {
			if !seen[sc.Name] {
				seen[sc.Name] = true
				out = append(out, sc.Cookie)
			}
		}
	}
	return out
}

// notSetError says that no response set the cookie name, which cookies
// were set, and by which responses.
func notSetError(hops []hop, name string, set []cliinput.Cookie) error {
	var statuses []string
	skipped := 0
	for i := range hops {
		statuses = append(statuses, hopText(hops, i))
		skipped += hops[i].skipped
	}
	msg := "no cookie was set"
	if len(set) > 0 {
		quoted := make([]string, len(set))
		for i, ck := range set {
			quoted[i] = fmt.Sprintf("%q", ck.Name)
		}
		msg = "the cookies set were " + strings.Join(quoted, ", ")
	}
	if skipped > 0 {
		msg += fmt.Sprintf(" (%d Set-Cookie headers without a name=value pair were ignored)", skipped)
	}
	return fmt.Errorf("%w: no response set cookie %q; %s; responses: %s", cliinput.ErrNotFound, name, msg, strings.Join(statuses, "; "))
}

// fetchHint suggests a way around a failed --url request.
func fetchHint(err error, insecure bool) string {
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && !insecure {
		return "the server's certificate is not trusted: for a local development certificate, add --insecure (the TLS connection is then not authenticated)"
	}
	return ""
}

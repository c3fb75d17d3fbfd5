package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/cliinput"
	"github.com/cookiecodec/cookiecodec/internal/pyliteral"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// common reads --now and --max-age. Without --max-age, maxAge is
// codec.NoMaxAge: each format then applies its own default.
func (c *cli) common() (now time.Time, maxAge time.Duration, err error) {
	now, err = parseNow(c.opts.now)
	if err != nil {
		return
	}
	maxAge = codec.NoMaxAge
	if c.opts.set["max-age"] {
		maxAge, err = parseMaxAge(c.opts.maxAge)
	}
	return
}

// flaskMaxAge is maxAge when --max-age was given, else Flask's default
// (31 days).
func (c *cli) flaskMaxAge(maxAge time.Duration) time.Duration {
	if !c.opts.set["max-age"] {
		return codec.DefaultFlaskMaxAge
	}
	return maxAge
}

// encodingHints explains an unrecognised value that is a cookie once
// URL-decoded (as some tools copy cookies).
func encodingHints(r *result, v string) {
	if !strings.Contains(v, "%") {
		return
	}
	if u, err := url.PathUnescape(v); err == nil && u != v {
		if f := detectFormat(u); f != "" {
			r.hint(hintURLEncoded, "the value is URL-encoded (%%XX escapes): decoded, it is a %s cookie; pass the decoded value", f)
		}
	}
}

// inputFailure reports an INPUT that could not be parsed: exit 1 with a
// result (for --json), or a usage error for too many arguments. failed,
// when not nil, adds hints about in before the result is emitted, or
// returns another result, which is emitted as a success instead.
func (c *cli) inputFailure(r *result, in cliinput.Input, err error, now time.Time, failed func(cliinput.Input) *result) (int, error) {
	var ue usageError
	if errors.As(err, &ue) {
		return 0, err
	}
	r.setError(err)
	h := c.fetchHint(err)
	r.add(h)
	if errors.Is(err, cliinput.ErrChunks) {
		// Only the cookiesession middleware splits sessions into chunks.
		r.Format, r.unread = formatNative, true
		// The first cookie of the name starts a chunked session whose
		// other chunks are missing or unreadable: say how to give them.
		for _, ck := range in.Cookies {
			if ck.Name == in.Name {
				if lc := loneChunk(cliinput.Input{Name: ck.Name, Value: ck.Value}, in.Name); lc != nil {
					r.hint(hintLoneChunk, "%s", lc.advice())
				}
				break
			}
		}
	}
	if lc := laterChunksOnly(in.Cookies, in.Name); lc != nil && errors.Is(err, cliinput.ErrNotFound) {
		r.setError(lc)
		r.Format, r.unread = formatNative, true
		r.hint(hintLoneChunk, "%s", lc.advice())
	} else if errors.Is(err, cliinput.ErrNotFound) {
		r.add(c.notFoundHint(in, h.text != ""))
	}
	if failed != nil {
		if ok := failed(in); ok != nil {
			return c.emit(ok, now, exitOK), nil
		}
	}
	return c.emit(r, now, c.failCode(err)), nil
}

// notFoundHint explains an input without a cookie of the wanted name
// (cliinput.ErrNotFound), or returns the zero hint: which cookie to pick
// with --name, naming it when only one of them looks like a session
// cookie (an app with its own SESSION_COOKIE_NAME), or, for a --url fetch
// that set no cookie at all and has no fetch hint (fetchHinted false),
// what to check.
func (c *cli) notFoundHint(in cliinput.Input, fetchHinted bool) hint {
	switch {
	case len(in.Cookies) == 1:
		return newHint(hintPickName, "the input holds one cookie: to take it, give --name %s", shellArg(in.Cookies[0].Name))
	case len(in.Cookies) > 1:
		var names []string
		format := ""
		for _, ck := range in.Cookies {
			if f := sessionFormat(ck.Value); f != "" && !slices.Contains(names, ck.Name) {
				names, format = append(names, ck.Name), f
			}
		}
		if len(names) == 1 {
			return newHint(hintPickName, "pick the cookie with --name NAME: of these cookies, only %q looks like a session cookie (%s): to take it, give --name %s", names[0], format, shellArg(names[0]))
		}
		if len(names) == 0 && c.opts.url == "" {
			return hint{hintHTTPOnly, "none of these cookies looks like a session cookie: " + httpOnlyAdvice}
		}
		return hint{hintPickName, "pick the cookie with --name NAME"}
	case c.opts.url != "" && !fetchHinted:
		if sent, ok := c.requestCookieNames(); ok {
			return requestCookieHint(c.verb, in.Name, sent)
		}
		return hint{hintCheckURL, "check the URL and the statuses; a page that wants a login first gets what it needs with --header 'Cookie: ...' or --header 'Authorization: ...'"}
	}
	return hint{}
}

// requestCookieNames returns the names of the cookies of the Cookie
// headers given with --header, and whether any Cookie header was given.
func (c *cli) requestCookieNames() ([]string, bool) {
	var names []string
	given := false
	for _, h := range c.opts.headers {
		name, value, _ := strings.Cut(h, ":")
		if !strings.EqualFold(strings.TrimSpace(name), "Cookie") {
			continue
		}
		given = true
		for part := range strings.SplitSeq(value, ";") {
			if n, _, ok := strings.Cut(part, "="); ok && strings.TrimSpace(n) != "" {
				names = append(names, strings.TrimSpace(n))
			}
		}
	}
	return names, given
}

// requestCookieHint explains a --url fetch whose responses set no cookie
// although a Cookie header was sent with --header (godev D7): --url
// decodes only what the responses set, so the cookie sent was not
// decoded; given as INPUT, it is. The cookie's value is not quoted: it
// may be a credential.
func requestCookieHint(verb, name string, sent []string) hint {
	command := "cookiecodec " + verb
	if verb == "verify" {
		command += " [key flags]"
	}
	how := fmt.Sprintf("to %s the cookie you sent, give the header as INPUT instead of --url: %s 'Cookie: ...'", verb, command)
	if slices.Contains(sent, name) {
		return newHint(hintRequestCookieNotRead, "the request's own Cookie header (--header) holds %q, but --url decodes only the cookies the responses set, and none set one, so it was not decoded: %s", name, how)
	}
	return newHint(hintRequestCookieNotRead, "--url decodes only the cookies the responses set, and none set one; the Cookie header sent with --header was not decoded: %s; or check the URL and the statuses", how)
}

// httpOnlyAdvice explains a session cookie missing from what a page's
// script sees.
const httpOnlyAdvice = "a session cookie is HttpOnly (Flask's is by default), so document.cookie and JavaScript never show it: copy it from DevTools > Application > Cookies, or from a request's Cookie header in the Network tab"

// sessionFormat returns the format of a cookie value that looks like a
// whole session cookie: a native envelope, gorilla's layout, or a Flask
// cookie with a timestamp, a signature of a digest's length and a payload
// that decodes. "" for anything else (a JWT, a CSRF token, a theme name).
func sessionFormat(v string) string {
	if len(v) > maxVerifySize {
		return ""
	}
	if _, err := codec.Inspect(v); err == nil {
		return formatNative
	}
	if looksGorilla(v) {
		return formatGorilla
	}
	fp, err := splitFlask(v)
	if err != nil || !fp.tsOK {
		return ""
	}
	if _, ok := digestBySigLen[len(fp.sigSeg)]; !ok {
		return ""
	}
	if _, err := flaskPayload(fp.payloadSeg); err != nil {
		return ""
	}
	return formatFlask
}

// readAndDetect reads the cookie of decode and verify and resolves its
// format, recording both in r. When done is set the command is over: code
// and err are what it returns (an input or detection failure already
// emitted, or a usage error). failed, when not nil, is called on such a
// failure before the result is emitted, to add hints or to return a result
// that replaces it as a success (verify tries the other cookies of the
// same name: an empty or malformed first one can shadow a valid second).
//
// Without --now, *now is set to the time the input was read, so that the
// cookie is judged when it arrived, not when the command started: a fetch
// with --url or a slow pipe can straddle a second boundary, and a cookie a
// server signed after the boundary, with Flask's whole-second timestamp,
// would otherwise look one second in the future, which Flask refuses.
func (c *cli) readAndDetect(r *result, now *time.Time, failed func(cliinput.Input) *result) (in cliinput.Input, format string, code int, done bool, err error) {
	in, err = c.readCookie()
	if c.opts.now == "" {
		*now = time.Now()
	}
	r.Source = c.source
	if err != nil {
		code, err = c.inputFailure(r, in, err, *now, failed)
		return in, "", code, true, err
	}
	r.name, r.input = in.Name, inputText(in, c.source, "")
	if in.Note != "" {
		r.hint(hintDeletionOtherScope, "%s", in.Note)
	}
	if lc := loneChunk(in, c.opts.name); lc != nil {
		r.setError(lc)
		r.Format, r.unread = formatNative, true
		r.hint(hintLoneChunk, "%s", lc.advice())
		return in, "", c.emit(r, *now, exitFailed), true, nil
	}
	format, detected, err := c.resolveFormat(in.Value, formatFlask, formatNative, formatGorilla)
	foreign := false
	if c.opts.format == "auto" {
		if ferr := foreignToken(in); ferr != nil {
			err, foreign = ferr, true
		}
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return in, "", 0, true, err
		}
		lone := in.Form == cliinput.FormPair && !c.opts.set["name"] && in.Name != c.opts.name
		if lone && !foreign && detected {
			// A lone cookie of another name that fits no format is, like
			// several such cookies in a header, no session: not_found.
			err = fmt.Errorf("%w: the only cookie given, %q, is not %q and is no session cookie (%s)", cliinput.ErrNotFound, in.Name, c.opts.name, strings.TrimPrefix(err.Error(), "codec: "))
		}
		r.setError(err)
		if !foreign { // foreignToken's error says it all
			encodingHints(r, in.Value)
		}
		if lone {
			r.hint(hintHTTPOnly, "the only cookie given is %q, not %q: %s", in.Name, c.opts.name, httpOnlyAdvice)
		}
		if failed != nil {
			if ok := failed(in); ok != nil {
				return in, "", c.emit(ok, *now, exitOK), true, nil
			}
		}
		return in, "", c.emit(r, *now, exitFailed), true, nil
	}
	r.Format, r.detected = format, detected
	return in, format, 0, false, nil
}

func (c *cli) decode() (int, error) {
	now, maxAge, err := c.common()
	if err != nil {
		return 0, err
	}
	r := &result{Verified: boolPtr(false)}
	in, format, code, done, err := c.readAndDetect(r, &now, nil)
	if done {
		return code, err
	}
	if in.DuplicateChunks > 0 {
		r.hint(hintDuplicateChunks, "%d chunk cookies repeat a chunk: the first copy of each was joined, which is what the cookiecodec middleware tries first; verify, with the key, tries the other ways as the middleware does", in.DuplicateChunks)
	}
	tooManyChunksHint(r, in)
	cookieHeaderHint(r, in)
	switch format {
	case formatFlask:
		code = c.decodeFlask(r, in.Value, now, c.flaskMaxAge(maxAge))
		lifetimeHint(r, in, c.flaskMaxAge(maxAge), now)
	case formatNative:
		code = c.decodeNative(r, in.Value, now)
	case formatGorilla:
		code = c.decodeGorilla(r, in.Value, now)
	}
	if code != exitOK {
		formatMismatchHint(r, in.Value, format)
	}
	return c.emit(r, now, code), nil
}

func (c *cli) verify() (int, error) {
	now, maxAge, err := c.common()
	if err != nil {
		return 0, err
	}
	ks, err := c.loadKeys()
	if err != nil {
		return 0, err
	}
	r := &result{Valid: boolPtr(false)}
	in, format, code, done, err := c.readAndDetect(r, &now, func(in cliinput.Input) *result {
		if in.Duplicates == 0 {
			return nil
		}
		duplicatesHint(r, in)
		return c.tryDuplicates(r, in, firstCookieAttempts(in), ks, now, maxAge)
	})
	if done {
		return code, err
	}
	if in.Duplicates > 0 {
		duplicatesHint(r, in)
	}
	tooManyChunksHint(r, in)
	cookieHeaderHint(r, in)
	base := r.clone()
	code, err = c.verifyAs(r, in, format, ks, now, maxAge)
	if err != nil {
		return 0, err
	}
	if format == formatFlask {
		lifetimeHint(r, in, c.flaskMaxAge(maxAge), now)
	}
	attempts := 1 // decodes the middleware has spent on the first cookie
	if code != exitOK && in.DuplicateChunks > 0 {
		r2, tried := c.tryChunkCombinations(base, in, format, ks, now, maxAge)
		if r2 != nil {
			return c.emit(r2, now, exitOK), nil
		}
		attempts = tried
		r.hint(hintDuplicateChunks, "%d chunk cookies repeat a chunk, and no way of joining them (the cookiecodec middleware tries up to %d) verifies", in.DuplicateChunks, cliinput.MiddlewareMaxDecodes)
	}
	if code != exitOK {
		formatMismatchHint(r, in.Value, format)
		mixedChunksHint(r, in)
	}
	if code != exitOK && in.Duplicates > 0 {
		if r2 := c.tryDuplicates(r, in, attempts, ks, now, maxAge); r2 != nil {
			return c.emit(r2, now, exitOK), nil
		}
	}
	return c.emit(r, now, code), nil
}

// verifyAs verifies in.Value as a cookie of format, recording the outcome
// in r.
func (c *cli) verifyAs(r *result, in cliinput.Input, format string, ks keySet, now time.Time, maxAge time.Duration) (int, error) {
	if format != formatGorilla && len(ks.gorillaFallbacks) > 0 {
		r.hint(hintFallbackFlagsIgnored, "--fallback-hash-key-file and --fallback-block-key-file are for gorilla cookies: give an older key of this %s cookie with --fallback-key-file or --fallback-key-env", format)
	}
	switch format {
	case formatFlask:
		return c.verifyFlask(r, in.Value, ks, now, c.flaskMaxAge(maxAge))
	case formatNative:
		return c.verifyNative(r, in, ks, now)
	case formatGorilla:
		return c.verifyGorilla(r, in, ks, now, maxAge)
	}
	return exitFailed, nil
}

// firstCookieAttempts is how many decodes the middleware spends on the
// first cookie of the name when it cannot be read at all: none for an
// empty cookie, which it skips, and one for any other (an unreadable chunk
// header or missing chunks cost an attempt too). in.Value cannot tell: it
// is empty whenever reading failed.
func firstCookieAttempts(in cliinput.Input) int {
	for _, ck := range in.Cookies {
		if ck.Name == in.Name {
			if ck.Value == "" {
				return 0
			}
			return 1
		}
	}
	return 0
}

// tryChunkCombinations verifies the other ways of joining a chunked
// session whose chunks were given more than once, in the order the
// cookiecodec middleware tries them, and returns the result of the first
// that verifies, or nil and how many ways there were. base is the result
// as it was before the first way (the first copy of each chunk) was
// verified. The middleware accepts the session when any of these ways
// verifies, so verify does too.
func (c *cli) tryChunkCombinations(base *result, in cliinput.Input, format string, ks keySet, now time.Time, maxAge time.Duration) (*result, int) {
	combos, err := cliinput.ChunkCombinations(in.Cookies, in.Name)
	if err != nil {
		return nil, 1
	}
	for i, combo := range combos {
		if i == 0 {
			continue // the first copies: already verified
		}
		r := base.clone()
		other := in
		other.Value = combo.Value
		if code, err := c.verifyAs(r, other, format, ks, now, maxAge); err != nil || code != exitOK {
			continue
		}
		r.input = inputText(in, c.source, combo.String())
		r.hint(hintChunksOtherJoin, "the first copy of each chunk does not verify; joined with %s (way %d of the up to %d the cookiecodec middleware tries, in this order) the session does, so the middleware accepts it. The other copies are leftovers from another path or domain, or planted by a sibling subdomain (cookie tossing)", combo, i+1, cliinput.MiddlewareMaxDecodes)
		return r, i + 1
	}
	return nil, len(combos)
}

// lifetimeHint compares the lifetime the Set-Cookie header of the input
// gave a Flask cookie (Max-Age, else Expires less the issue time) with
// the max-age used to judge it, and hints when it is shorter: Flask sets
// Expires to the issue time plus PERMANENT_SESSION_LIFETIME and rejects
// an older cookie, so that lifetime is probably the app's. The max-age is
// not changed: the Set-Cookie is the browser's rule, and only suggests
// the app's check (a session that is not permanent has no Expires; apps
// may check otherwise). A difference of 2 seconds or less is rounding.
func lifetimeHint(r *result, in cliinput.Input, maxAge time.Duration, now time.Time) {
	if r.issued.IsZero() {
		return
	}
	var lifetime time.Duration
	what := ""
	switch {
	case in.SetCookieMaxAge > 0:
		lifetime = time.Duration(in.SetCookieMaxAge) * time.Second
		what = fmt.Sprintf("Max-Age=%d (%s)", in.SetCookieMaxAge, formatDuration(lifetime))
	case !in.SetCookieExpires.IsZero():
		// Expires has whole seconds, the issue time too, and the two
		// come from clock readings a moment apart: within 2s of whole
		// minutes, it is whole minutes.
		lifetime = in.SetCookieExpires.Sub(r.issued).Round(time.Second)
		if m := lifetime.Round(time.Minute); m > 0 && (lifetime-m).Abs() <= 2*time.Second {
			lifetime = m
		}
		what = fmt.Sprintf("Expires %s after the cookie was issued", formatDuration(lifetime))
	default:
		return
	}
	if lifetime <= 0 || maxAge != codec.NoMaxAge && lifetime >= maxAge-2*time.Second {
		return
	}
	used := "no max-age (--max-age none)"
	if maxAge != codec.NoMaxAge {
		used = "the max-age " + formatDuration(maxAge) + " used here"
	}
	h := fmt.Sprintf("the Set-Cookie sets %s: the app's lifetime (Flask: PERMANENT_SESSION_LIFETIME) is probably %s, shorter than %s; try --max-age %s", what, formatDuration(lifetime), used, formatDuration(lifetime))
	if end := r.issued.Add(lifetime); !end.After(now) {
		h += fmt.Sprintf(" (by that lifetime, the cookie expired %s ago, and the app rejects it)", formatDuration(now.Sub(end)))
	}
	r.hint(hintSetCookieLifetime, "%s", h)
}

// mixedChunksHint explains a chunked session whose joined value does not
// verify: the usual cause is not the key but a chunk from another write
// of the session (two responses in parallel, or a stale chunk kept on
// another path), since each response rewrites every chunk.
func mixedChunksHint(r *result, in cliinput.Input) {
	if !in.Chunked || r.Error == nil || r.Error.Kind != "signature" {
		return
	}
	r.hint(hintMixedChunks, "reassembled from %d chunks: one of them may come from another response (two requests in parallel, or a stale chunk on another Path or domain), and such a mix never verifies; check that one response set all the chunks (the Set-Cookie lines of a single response, or a fresh Cookie header) before suspecting the key", in.Chunks)
}

// formatMismatchHint explains a failure under a --format that the cookie
// does not look like: detection would have picked another format.
func formatMismatchHint(r *result, value, format string) {
	if d := detectFormat(value); d != "" && d != format {
		r.hint(hintFormatMismatch, "the cookie looks like a %s cookie, not %s: drop --format (auto detects the format) or give --format %s", d, format, d)
	}
}

// tooManyChunksHint warns that the cookiecodec middleware would refuse a
// session spread over more cookies than it ever reads, which the CLI
// shows anyway.
func tooManyChunksHint(r *result, in cliinput.Input) {
	if in.Chunks > cliinput.MiddlewareMaxChunks {
		r.hint(hintTooManyChunks, "the session spans %d cookies: the cookiecodec middleware reads at most WithMaxChunks of them (at most %d) and refuses it before decoding", in.Chunks, cliinput.MiddlewareMaxChunks)
	}
}

// proxyCookieHeaderLimit is the longest Cookie header that nginx, Apache
// httpd and Varnish all pass with their default settings, measured by
// cookiesession's TestNginx (8,181 bytes pass, 8,183 do not), TestApache
// and TestVarnish (both pass 8,183 bytes over HTTP/1.1) and
// TestApacheHTTP2 (8,182 bytes pass, 8,183 get 431).
const proxyCookieHeaderLimit = 8181

// cookieHeaderHint warns when the cookies of header input, sent back as
// a browser sends them, make a Cookie header that common reverse proxies
// refuse with their defaults: a cause of 400 Bad Request that never
// reaches the app. A Cookie header is counted as given; of Set-Cookie
// lines, only the last of each name counts, as a browser keeps only that.
func cookieHeaderHint(r *result, in cliinput.Input) {
	if in.Form != cliinput.FormCookieHeader && in.Form != cliinput.FormSetCookieHeader {
		return
	}
	last := map[string]int{}
	for i, ck := range in.Cookies {
		last[ck.Name] = i
	}
	size := 0
	for i, ck := range in.Cookies {
		if ck.Value == "" {
			continue // a deletion, or no cookie
		}
		if in.Form == cliinput.FormSetCookieHeader && last[ck.Name] != i {
			continue // set again by a later line
		}
		if size > 0 {
			size += len("; ")
		}
		size += len(ck.Name) + 1 + len(ck.Value)
	}
	if size > proxyCookieHeaderLimit {
		r.hint(hintHeaderTooLarge, "these cookies make a Cookie header of %d bytes: with their default settings, nginx answers 400 Bad Request to one over %d bytes, Apache httpd to one over 8182 (431, over HTTP/2) or 8183 (over HTTP/1.1), and Varnish over HTTP/1.1 to one over 8183, before the app sees the request; curl (7.88) sends at most about 8 KB of cookies from a jar (-b FILE) and drops the rest, saying so only with -v, so a curl test sends part of them (see \"Behind a reverse proxy\" in cookiecodec's README)", size, proxyCookieHeaderLimit)
	}
}

// duplicatesHint says that the header holds more than one cookie of the
// name and that the first was checked.
func duplicatesHint(r *result, in cliinput.Input) {
	r.hint(hintDuplicateCookies, "the header holds %d cookies named %q; the first was checked (as Flask and Werkzeug do): a second one may be a cookie set for a parent domain", in.Duplicates+1, in.Name)
}

// tryDuplicates verifies the other cookies of the header that carry the
// wanted name, in header order. Which one an app reads depends on its
// format's reader:
//
//   - the cookiecodec middleware, which reads native cookies, decodes every
//     cookie of its name in header order, at most 8 in all, and takes the
//     first that verifies: a valid native cookie within those 8 is the
//     middleware's verdict, so tryDuplicates returns its result, which
//     verify reports as valid. attempts is how many decodes the middleware
//     spent on the first cookie (0 for an empty one, which it skips); a
//     later cookie that starts a chunked session costs a decode for each
//     way of joining its chunks that is tried;
//   - Flask, and net/http's r.Cookie (gorilla/sessions), read only the
//     first: a valid later cookie of those formats is only a hint on r. A
//     cookie set for a parent domain (or by an attacker, "cookie tossing")
//     can shadow the app's own, since browsers send both.
func (c *cli) tryDuplicates(r *result, in cliinput.Input, attempts int, ks keySet, now time.Time, maxAge time.Duration) *result {
	seen := 0
	for i, ck := range in.Cookies {
		if ck.Name != in.Name {
			continue
		}
		seen++
		if seen == 1 || ck.Value == "" {
			continue // the first was verified; empty cookies are skipped
		}
		for _, cand := range duplicateCandidates(in, i) {
			attempts++
			format := detectFormat(cand.Value)
			if c.opts.format != "auto" {
				format = c.opts.format
			}
			alt := &result{Valid: boolPtr(false), Format: format, detected: c.opts.format == "auto", Source: r.Source, name: in.Name}
			code, err := c.verifyAs(alt, cand.Input, format, ks, now, maxAge)
			if err != nil || code != exitOK {
				continue
			}
			if format == formatNative && attempts <= cliinput.MiddlewareMaxDecodes {
				alt.input = inputText(cand.Input, c.source, cand.joined) + fmt.Sprintf(" (cookie %d of the %d with this name)", seen, in.Duplicates+1)
				alt.hint(hintLaterCookieValid, "the first cookie named %q does not verify, cookie %d of the %d does: the cookiecodec middleware tries them in header order, up to %d decodes, and accepts it (Flask and net/http's r.Cookie read only the first). The others are leftovers from another path or domain, or were planted by a sibling subdomain (cookie tossing)", in.Name, seen, in.Duplicates+1, cliinput.MiddlewareMaxDecodes)
				return alt
			}
			if format == formatNative {
				r.hint(hintShadowedCookie, "cookie %d of the %d named %q in the header is valid, but the cookiecodec middleware stops after %d decodes and rejects the session: the cookies before it are leftovers or planted (cookie tossing)", seen, in.Duplicates+1, in.Name, cliinput.MiddlewareMaxDecodes)
				return nil
			}
			middleware := "tries each in header order and would accept it"
			if attempts > cliinput.MiddlewareMaxDecodes {
				middleware = fmt.Sprintf("tries them in header order, but stops after %d decodes", cliinput.MiddlewareMaxDecodes)
			}
			r.hint(hintShadowedCookie, "cookie %d of the %d named %q in the header is valid: the first one shadows it (a cookie set for a parent domain, or tossed by an attacker). Flask, and net/http's r.Cookie, read only the first and reject the session; the cookiecodec middleware (in Flask mode, or with a Legacy reader) %s", seen, in.Duplicates+1, in.Name, middleware)
			return nil
		}
	}
	return nil
}

// duplicateCandidates returns the values the cookiecodec middleware decodes
// for cookie i of in.Cookies, a later cookie of the wanted name: its value,
// or, when it starts a chunked session, the ways of joining it with the
// request's chunk cookies (a malformed chunk header is one candidate, which
// fails to verify, as the middleware counts it as one decode).
func duplicateCandidates(in cliinput.Input, i int) []candidate {
	ck := in.Cookies[i]
	plain := []candidate{{Input: cliinput.Input{Form: in.Form, Name: in.Name, NameFromInput: in.NameFromInput, Value: ck.Value, Cookies: in.Cookies}}}
	if !strings.HasPrefix(ck.Value, "~") {
		return plain
	}
	// This cookie first, without the other cookies of the name, so that
	// the chunk layout reads it as the session's first part.
	cookies := []cliinput.Cookie{ck}
	for j, o := range in.Cookies {
		if o.Name != in.Name && j != i {
			cookies = append(cookies, o)
		}
	}
	combos, err := cliinput.ChunkCombinations(cookies, in.Name)
	if err != nil || len(combos) == 0 {
		return plain
	}
	chunks, repeats := cliinput.CountChunks(cookies, in.Name)
	out := make([]candidate, len(combos))
	for k, combo := range combos {
		out[k].Input = cliinput.Input{Form: in.Form, Name: in.Name, NameFromInput: in.NameFromInput, Value: combo.Value, Cookies: cookies,
			Chunked: true, Chunks: chunks, DuplicateChunks: repeats}
		if repeats > 0 {
			out[k].joined = combo.String()
		}
	}
	return out
}

// candidate is a value the middleware decodes; joined says which copies of
// repeated chunks it joins ("" when none repeat).
type candidate struct {
	cliinput.Input
	joined string
}

func (c *cli) sign() (int, error) {
	now, maxAge, err := c.common()
	if err != nil {
		return 0, err
	}
	ks, err := c.loadKeys()
	if err != nil {
		return 0, err
	}
	what := "JSON"
	if c.opts.pythonIn {
		what = "Python literal"
	}
	text, err := c.readText(what)
	if err != nil {
		return 0, err
	}
	if text, err = c.sessionText(text); err != nil {
		return 0, err
	}
	format := c.opts.format
	if format == "auto" {
		if format, err = c.signFormat(ks); err != nil {
			return 0, err
		}
	}
	r := &result{Format: format, name: c.opts.name}
	var code int
	switch format {
	case formatFlask:
		code, err = c.signFlask(r, []byte(text), ks, now, c.flaskMaxAge(maxAge))
	case formatNative:
		code, err = c.signNative(r, []byte(text), ks, now)
	case formatGorilla:
		code, err = c.signGorilla(r, []byte(text), ks, now)
	default:
		return 0, usagef("--format %q: want auto, flask, native or gorilla", c.opts.format)
	}
	if err != nil {
		return 0, err
	}
	if !c.opts.json {
		// Human output of sign is the cookie alone, for scripts.
		fmt.Fprintln(c.stdout, r.Cookie)
		for _, h := range r.Hints {
			c.hintf("%s", h)
		}
		return code, nil
	}
	return c.emit(r, now, code), nil
}

// sessionText returns the tagged JSON that sign signs: text itself, or
// with --python the session the Python literal text spells, in Flask's
// tagged JSON. Text that is not JSON but reads as a Python literal is
// refused with the advice to add --python.
func (c *cli) sessionText(text string) (string, error) {
	if !c.opts.pythonIn {
		if !json.Valid([]byte(text)) {
			if _, err := pyliteral.Value(text); err == nil {
				return "", errors.New("the session to sign is a Python literal, as flask-unsign takes it, not JSON: add --python to sign it")
			}
		}
		if esc, at, found := loneSurrogate([]byte(text)); found {
			return "", fmt.Errorf("the JSON to sign holds %s at byte %d, half of a UTF-16 surrogate pair: Python keeps such a character in a str, but a Go string cannot hold it, so the cookie would carry U+FFFD instead; sign refuses rather than sign another session", esc, at)
		}
		return text, nil
	}
	v, err := pyliteral.Value(text)
	if err != nil {
		return "", fmt.Errorf("the Python literal to sign: %w", err)
	}
	data, err := serializer.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("the Python literal to sign: %w", err)
	}
	return string(data), nil
}

// signFormat picks the format of sign --format auto: gorilla with
// --hash-key-file, native when the key parses as a native key, else Flask.
// A key that starts like a native key but does not parse (cut short, or
// edited) is an error, not a Flask secret: signing a Flask cookie with
// that text would hide the mistake.
func (c *cli) signFormat(ks keySet) (string, error) {
	if ks.hashKey != nil {
		return formatGorilla, nil
	}
	if ks.hasPrimary {
		var err error
		if isKeyRingText(ks.primary) {
			_, err = codec.ParseKeyRing(string(ks.primary)) // signs with its first key
		} else {
			_, err = codec.ParseKey(string(ks.primary))
		}
		if err == nil {
			return formatNative, nil
		}
		if strings.HasPrefix(string(ks.primary), "cookiecodec-key-") {
			return "", usagef("the key looks like a native key but does not parse (%s): check the key file, or give --format flask to use its text as a Flask secret", userText(err.Error()))
		}
	}
	return formatFlask, nil
}

func (c *cli) keygen() (int, error) {
	if len(c.args) > 0 {
		return 0, usagef("keygen takes no arguments")
	}
	k, err := codec.GenerateKey()
	if err != nil {
		return 0, err
	}
	if c.opts.json {
		c.printJSON(&keygenReport{Key: k.Text(), KeyID: k.ID()})
		return exitOK, nil
	}
	fmt.Fprintln(c.stdout, k.Text())
	return exitOK, nil
}

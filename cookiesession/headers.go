package cookiesession

import (
	"net/http"
	"strings"
)

// needVary reports whether the Vary header lines lack Cookie (and *).
func needVary(lines []string) bool {
	for _, line := range lines {
		for tok := range strings.SplitSeq(line, ",") {
			tok = strings.TrimSpace(tok)
			if tok == "*" || strings.EqualFold(tok, "Cookie") {
				return false
			}
		}
	}
	return true
}

// cachePolicyDefault is the Cache-Control of a response that sets or
// deletes the session cookie when the handler chose none.
const cachePolicyDefault = `private, no-cache="Set-Cookie"`

// dropTargetedCachePolicies removes the cache policies addressed to shared
// caches alone: CDN-Cache-Control and the other targeted fields of RFC 9213
// (NAME-Cache-Control), and Surrogate-Control. A CDN that honours one of
// them ignores Cache-Control, and with it the private policy that keeps the
// cookie out of shared caches.
func dropTargetedCachePolicies(h http.Header) {
	const suffix = "-Cache-Control"
	for k := range h {
		if len(k) > len(suffix) && strings.EqualFold(k[len(k)-len(suffix):], suffix) || strings.EqualFold(k, "Surrogate-Control") {
			delete(h, k)
		}
	}
}

// applyCachePolicy keeps shared caches from storing a response that sets or
// deletes the session cookie, so that no proxy or CDN can hand one user's
// cookie to another (the failure behind Flask CVE-2023-30861):
//
//   - no Cache-Control: it becomes `private, no-cache="Set-Cookie"`
//     (shared caches must not store the response; a browser may, but must
//     revalidate before reusing the Set-Cookie);
//   - Cache-Control with no-store or private (unqualified): left alone;
//   - any other Cache-Control: "public" and "s-maxage" are removed, the
//     other directives kept, and `private, no-cache="Set-Cookie"` put in
//     front. A handler that wants a page stored by shared caches must not
//     touch the session on it.
func applyCachePolicy(h http.Header) {
	lines := h["Cache-Control"]
	if len(lines) == 0 {
		h["Cache-Control"] = []string{cachePolicyDefault}
		return
	}
	var keep []string
	for _, line := range lines {
		for tok := range strings.SplitSeq(line, ",") {
			tok = strings.TrimSpace(tok)
			name, _, qualified := strings.Cut(tok, "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store":
				return
			case "private":
				// private="field" lets shared caches store the response
				// without the named fields: Set-Cookie would be stored.
				if !qualified {
					return
				}
			case "public", "s-maxage", "":
				continue
			}
			keep = append(keep, tok)
		}
	}
	h["Cache-Control"] = []string{strings.Join(append([]string{cachePolicyDefault}, keep...), ", ")}
}

package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/internal/pyliteral"
)

// knownSalts are the default salts people use with itsdangerous-style
// signers, tried when a signature does not verify:
//
//   - "cookie-session": Flask's session interface;
//   - "itsdangerous.Signer": itsdangerous' Signer default;
//   - "itsdangerous": the default of itsdangerous' Serializer classes
//     (URLSafeTimedSerializer and friends);
//   - "django.core.signing": django.core.signing.dumps/loads;
//   - "django.core.signing.Signer" / "django.core.signing.TimestampSigner":
//     Django's Signer classes without a salt (module + class name);
//   - "django.contrib.sessions.backends.signed_cookies": Django's
//     signed-cookie session backend;
//   - "" : no salt at all.
var knownSalts = []string{
	"cookie-session",
	"itsdangerous.Signer",
	"itsdangerous",
	"django.core.signing",
	"django.core.signing.Signer",
	"django.core.signing.TimestampSigner",
	"django.contrib.sessions.backends.signed_cookies",
	"",
}

var allDerivations = []codec.Derivation{codec.DeriveHMAC, codec.DeriveDjangoConcat, codec.DeriveConcat, codec.DeriveNone}

// keyCandidate is one key to try, with what it changes from the keys the
// user gave.
type keyCandidate struct {
	key    []byte
	label  string   // "" for a key as given
	source string   // "the primary key", "fallback key 2"
	index  int      // 0 primary, i fallback
	code   hintCode // with a label: the hint code of the mistake it undoes
}

// pythonKeyAdvice says how to write the bytes of a Python literal key to a
// key file, which is used as its exact bytes.
const pythonKeyAdvice = `a key file is used as its exact bytes: write the value itself, e.g. /usr/bin/python3 -c "import sys; sys.stdout.buffer.write(b'...')" > key, with a str literal encoded as UTF-8`

// pythonKey reads a key copied from a Flask app's config as Python
// source: a str or bytes literal ('dev', b'\xd2U...'), alone or as the
// right side of an assignment (SECRET_KEY = b'...', app.secret_key =
// '...', app.config['SECRET_KEY'] = '...'). It returns the key the
// literal stands for, as itsdangerous would use it (a str as UTF-8).
func pythonKey(k []byte) ([]byte, bool) {
	text := bytes.TrimSpace(k)
	if v, ok := pyliteral.Bytes(text); ok {
		return v, true
	}
	if _, rhs, found := bytes.Cut(text, []byte("=")); found {
		return pyliteral.Bytes(rhs)
	}
	return nil, false
}

// keyCandidates lists every given key as is, then the variants a mistake
// could explain: a key ending in a newline (or spaces), one starting with
// a UTF-8 byte order mark, each line of a multi-line key, each word of a
// key of several words (a Flask key rotation written as a native key
// ring, "NEW OLD"), and a key written as the Python literal of a Flask
// config (see pythonKey). The advice in each label fits where the key came
// from: a key file or an environment variable.
func keyCandidates(ks keySet) []keyCandidate {
	var out []keyCandidate
	all := append([][]byte{ks.primary}, ks.fallbacks...)
	for i, k := range all {
		src := "the primary key"
		if i > 0 {
			src = fmt.Sprintf("fallback key %d", i)
		}
		out = append(out, keyCandidate{key: k, source: src, index: i})
	}
	for i, k := range all {
		src := out[i].source
		origin := ks.primarySource
		if i > 0 && i-1 < len(ks.fallbackSources) {
			origin = ks.fallbackSources[i-1]
		}
		env := strings.Contains(origin, "-env ")
		newline, literal, lines := "a key file is used as its exact bytes: write it with printf '%s', not echo", pythonKeyAdvice, "a key file holds one key"
		if env {
			variable := origin[strings.Index(origin, "-env ")+len("-env "):]
			newline = "the variable " + variable + " is used as its exact bytes: store the secret without the newline (a CI secret pasted with one, or a value read from a file)"
			literal = "the variable " + variable + " is used as its exact bytes, quotes included (docker --env-file and some .env loaders keep them): set it to the value alone"
			lines = "the variable " + variable + " holds one Flask key: give an older one with --fallback-key-env"
		}
		if t := bytes.TrimRight(k, "\r\n"); len(t) != len(k) {
			out = append(out, keyCandidate{key: t, label: "without the trailing newline of " + src + " (" + newline + ")", source: src, index: i, code: hintKeyTrailingNewline})
		}
		if t := bytes.TrimSpace(k); len(t) != len(k) && !bytes.Equal(t, bytes.TrimRight(k, "\r\n")) {
			out = append(out, keyCandidate{key: t, label: "with the surrounding whitespace of " + src + " removed", source: src, index: i, code: hintKeyWhitespace})
		}
		if t, ok := bytes.CutPrefix(k, []byte("\xef\xbb\xbf")); ok {
			out = append(out, keyCandidate{key: bytes.TrimRight(t, "\r\n"), label: "without the UTF-8 byte order mark (and line end) an editor put in " + src, source: src, index: i, code: hintKeyBOM})
		}
		if v, ok := pythonKey(k); ok {
			out = append(out, keyCandidate{key: v, label: "reading " + src + " as the Python literal it is written as (" + literal + ")", source: src, index: i, code: hintKeyPythonLiteral})
		}
		if ls := bytes.Split(bytes.TrimRight(k, "\r\n"), []byte("\n")); len(ls) > 1 {
			for j, l := range ls {
				out = append(out, keyCandidate{key: bytes.TrimRight(l, "\r"), label: fmt.Sprintf("using only line %d of %s (%s)", j+1, src, lines), source: src, index: i, code: hintKeyOneLine})
			}
		} else if words := bytes.Fields(k); len(words) > 1 && len(words) <= 8 {
			for j, w := range words {
				out = append(out, keyCandidate{key: w, label: fmt.Sprintf("using only word %d of %s (a Flask key is one secret, not a key ring: give an older one with --fallback-key-file or --fallback-key-env)", j+1, src), source: src, index: i, code: hintKeyOneWord})
			}
		}
	}
	return out
}

// paramCandidate is a Params variant with the number of flags it changes.
type paramCandidate struct {
	p       codec.Params
	changes []string
}

// paramCandidates lists parameter variants, fewest changes first: the
// digest the signature length implies, every known salt and every key
// derivation.
func paramCandidates(p codec.Params, sigLen int) []paramCandidate {
	digests := []codec.Digest{p.Digest}
	if d, ok := digestBySigLen[sigLen]; ok && d != p.Digest {
		digests = []codec.Digest{d}
	}
	salts := append([]string{p.Salt}, knownSalts...)
	derivs := append([]codec.Derivation{p.Derivation}, allDerivations...)
	seen := map[codec.Params]bool{}
	var out []paramCandidate
	for _, d := range digests {
		for _, s := range salts {
			for _, kd := range derivs {
				q := codec.Params{Salt: s, Derivation: kd, Digest: d, Separator: p.Separator}
				if seen[q] {
					continue
				}
				seen[q] = true
				var ch []string
				if s != p.Salt {
					ch = append(ch, fmt.Sprintf("--salt %s", shellQuote(s)))
				}
				if kd != p.Derivation {
					ch = append(ch, "--key-derivation "+string(kd))
				}
				if d != p.Digest {
					ch = append(ch, "--digest "+string(d))
				}
				out = append(out, paramCandidate{p: q, changes: ch})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].changes) < len(out[j].changes) })
	return out
}

// shellQuote quotes s for a shell command line.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// flaskSignatureHints explains a Flask signature failure: it reports the
// first cheap variant of the configuration that verifies the cookie, or
// says that none did. Only the keys the user gave are tried, so this is a
// few hundred HMACs, not a search.
func flaskSignatureHints(r *result, value string, p codec.Params, ks keySet, now time.Time, maxAge time.Duration) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return
	}
	sig := value[i+1:]
	if d, ok := digestBySigLen[len(sig)]; ok && d != p.Digest {
		r.hint(hintDigestMismatch, "the signature is %d characters long, the length of a %s HMAC, not %s: try --digest %s", len(sig), d, p.Digest, d)
	} else if !ok {
		if canon, ok := canonicalSig(sig); ok && canon != sig {
			if s, err := codec.NewSigner(p, ks.primary, ks.fallbacks...); err == nil {
				if _, err := s.Unsign(value[:i] + "." + canon); err == nil {
					r.hint(hintLenientBase64, "the signature matches once its spelling is made canonical (it has '=' padding, '+' or '/', or junk characters): Python's lenient base64 accepts it, this tool does not on purpose")
					return
				}
			}
		}
		r.hint(hintSignatureLength, "the signature is %d characters long, which no itsdangerous digest produces: the cookie is truncated or was altered", len(sig))
		return
	}
	if canon, ok := canonicalSig(sig); ok && canon != sig {
		if s, err := codec.NewSigner(p, ks.primary, ks.fallbacks...); err == nil {
			if _, err := s.Unsign(value[:i] + "." + canon); err == nil {
				r.hint(hintLenientBase64, "the signature matches once it is spelled canonically (%s): Python's lenient base64 accepts it, this tool does not on purpose", sigSpelling(sig))
				return
			}
		}
	}
	keys := keyCandidates(ks)
	params := paramCandidates(p, len(sig))
	tried := 0
	for _, pc := range params {
		parsed, err := codec.ParseSigned(value, pc.p)
		if err != nil {
			continue
		}
		chk, err := codec.NewChecker(pc.p, parsed)
		if err != nil {
			continue
		}
		for _, kc := range keys {
			tried++
			if !chk.Check(kc.key) {
				continue
			}
			var parts []string
			if len(pc.changes) > 0 {
				parts = append(parts, "with "+strings.Join(pc.changes, " and "))
			}
			if kc.label != "" {
				parts = append(parts, kc.label)
			} else if kc.index > 0 || len(ks.fallbacks) > 0 {
				parts = append(parts, "using "+kc.source)
			}
			msg := "signature matches " + strings.Join(parts, ", ")
			if !parsed.HasTimestamp {
				r.hint(hintUntimed, "%s, but the cookie has no timestamp: an untimed itsdangerous serializer made it (URLSafeSerializer, or a plain Signer), not Flask's timed session serializer, and Flask would not open it as a session; verify checks timed cookies only and refuses it even with those flags (\"timestamp missing\"), and decode shows what it holds", msg)
				return
			}
			if parsed.TimestampOK {
				msg += fmt.Sprintf(" (issued %s, %s)", timeText(time.Unix(int64(min(parsed.Timestamp, 1<<40)), 0)), ageVerdict(parsed.Timestamp, now, maxAge))
			}
			r.hint(variantCode(p, pc.p, kc), "%s", msg)
			return
		}
	}
	if tried == 0 {
		r.hint(hintNoncanonical, "the signature segment is not canonical base64url: %s; the cookie was altered, or mangled on the way (URL-encoded? cut? re-encoded?)", sigSpelling(sig))
		return
	}
	r.hint(hintNoVariantMatched, "no variant matched (%d tried: the digest the signature length implies, %d known default salts, 4 key derivations, key files without their trailing newline or read as a Python literal): the cookie was signed with another key, or altered, or the app uses a salt of its own (a custom SecureCookieSessionInterface.salt): give it with --salt", tried, len(knownSalts))
}

// variantCode is the hint code of a variant that verifies a Flask cookie
// that p did not: the parameter it changes (the salt before the key
// derivation before the digest), else the key mistake it undoes (kc's
// code), else a fallback key.
func variantCode(p, q codec.Params, kc keyCandidate) hintCode {
	switch {
	case q.Salt != p.Salt:
		return hintSaltMismatch
	case q.Derivation != p.Derivation:
		return hintKeyDerivationMismatch
	case q.Digest != p.Digest:
		return hintDigestMismatch
	case kc.label != "":
		return kc.code
	}
	return hintFallbackKey
}

// ageVerdict says whether a timestamp would pass the max-age check now.
func ageVerdict(ts uint64, now time.Time, maxAge time.Duration) string {
	err := codec.CheckAge(ts, now, maxAge, 0)
	if err == nil {
		return "within max-age"
	}
	if fe, ok := err.(*codec.FutureError); ok {
		return "in the future by " + formatDuration(fe.Ahead())
	}
	if ee, ok := err.(*codec.ExpiredError); ok {
		return "expired " + formatDuration(ee.Now.Sub(ee.At)+time.Second) + " ago"
	}
	return err.Error()
}

// sigSpelling says why a signature segment is not canonical unpadded
// base64url, the only spelling this tool accepts: characters outside the
// alphabet (checked first), a length no base64 text has (4n+1), or a last
// character whose unused low bits are set (2 bits after 4n+3 characters,
// 4 after 4n+2). It describes a canonical segment as such.
func sigSpelling(sig string) string {
	if i := strings.IndexFunc(sig, func(r rune) bool { return !isBase64URL(r) }); i >= 0 {
		return fmt.Sprintf("character %d is %q; only A-Z a-z 0-9 - _ are allowed (no '+' '/' or '=' padding)", i+1, []rune(sig[i:])[0])
	}
	if len(sig)%4 == 1 {
		return fmt.Sprintf("it is %d characters long, a length no base64 text has (one character too many, or cut)", len(sig))
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(sig); err != nil {
		return fmt.Sprintf("its last character %q sets unused low bits, which canonical base64url keeps zero", sig[len(sig)-1])
	}
	return "it is canonical"
}

// isBase64URL reports whether r is in the base64url alphabet.
func isBase64URL(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// canonicalSig re-spells a signature segment as canonical unpadded
// base64url, reading it as Python would ('=' dropped, '+' '/' mapped, slack
// bits ignored). ok is false when even Python could not read it.
func canonicalSig(sig string) (string, bool) {
	cleaned := strings.Map(func(r rune) rune {
		switch {
		case r == '+':
			return '-'
		case r == '/':
			return '_'
		case isBase64URL(r):
			return r
		}
		return -1
	}, sig)
	raw, err := base64.RawURLEncoding.DecodeString(cleaned)
	if err != nil {
		return "", false
	}
	return base64.RawURLEncoding.EncodeToString(raw), true
}

// macVerified reports whether err, from a codec's DecodeSession, comes
// after the MAC or tag verified: none, an expiry, or a bad payload. Any
// other error (a bad MAC, a malformed or oversized value) says nothing
// about the name and purpose tried, so the hints that search for the
// cookie's real name and purpose count only these as a match.
func macVerified(err error) bool {
	return err == nil || errors.Is(err, codec.ErrExpired) || errors.Is(err, codec.ErrFuture) || errors.Is(err, codec.ErrPayload)
}

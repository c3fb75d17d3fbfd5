package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cookiecodec/cookiecodec/internal/pyliteral"
)

// Suggestions for command lines that are not cookiecodec's: typos, and
// the flags of flask-unsign, the tool most people know, so that its
// users get the equivalent command instead of a bare usage error.

var commands = []string{"decode", "verify", "sign", "keygen", "audit"}

// flaskUnsignModes maps flask-unsign's mode flags to our commands.
// --unsign becomes verify instead of audit when --secret names the secret
// to check.
var flaskUnsignModes = map[string]string{
	"-d": "decode", "--decode": "decode",
	"-u": "audit", "--unsign": "audit",
	"-s": "sign", "--sign": "sign",
}

// fetchOnlyFlags need --url: without flask-unsign's --server they are
// left out of a translation.
var fetchOnlyFlags = []string{"--insecure", "--proxy", "--header"}

// flaskUnsignCommand translates a flask-unsign command line (args
// without the program name) into cookiecodec's. It returns "" when args
// name no flask-unsign mode. The secret is never copied into the
// command: it is read from the environment variable SECRET instead
// (notes says so), since key material is never printed. Every flag of
// the translation is one the command takes (flask-unsign flags that
// have no place in it are left out, and notes say why), so that the
// command runs as printed.
func flaskUnsignCommand(args []string) (command string, notes []string) {
	verb, legacy, secret, server, noLiteralEval := "", false, false, false, false
	var out [][]string // flags with their values, in order
	var positional []string
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(args[i], "=")
		// next returns the flag's value, from "--flag=value" or the next
		// argument.
		next := func() (string, bool) {
			if hasValue {
				return value, true
			}
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
				return args[i], true
			}
			return "", false
		}
		if v, ok := flaskUnsignModes[name]; ok {
			verb = v
			continue
		}
		switch name {
		case "-c", "--cookie":
			if v, ok := next(); ok {
				positional = append(positional, v)
			}
		case "-S", "--secret":
			if _, ok := next(); ok {
				secret = true
				out = append(out, []string{"--key-env", "SECRET"})
			}
		case "--salt":
			if v, ok := next(); ok && v != "cookie-session" {
				out = append(out, []string{"--salt", shellArg(v)})
			}
		case "-w", "--wordlist":
			if v, ok := next(); ok {
				out = append(out, []string{"--wordlist", shellArg(v)})
			}
		case "-t", "--threads":
			if v, ok := next(); ok {
				out = append(out, []string{"--workers", shellArg(v)})
			}
		case "--server":
			if v, ok := next(); ok {
				server = true
				out = append(out, []string{"--url", shellArg(withoutPassword(v))})
			}
		case "--cookie-name":
			if v, ok := next(); ok {
				out = append(out, []string{"--name", shellArg(v)})
			}
		case "-U", "--user-agent":
			if v, ok := next(); ok {
				out = append(out, []string{"--header", shellArg("User-Agent: " + v)})
			}
		case "-i", "-k", "--insecure":
			out = append(out, []string{"--insecure"})
		case "-p", "--proxy":
			if v, ok := next(); ok {
				out = append(out, []string{"--proxy", shellArg(withoutPassword(v))})
			}
		case "-o", "--output":
			if v, ok := next(); ok {
				positional = append(positional, "> "+shellArg(v))
			}
		case "-l", "--legacy":
			legacy = true
		case "-nE", "--no-literal-eval":
			noLiteralEval = true
		case "-C", "--chunk-size":
			next()
		case "-q", "--quiet", "--stfu":
		}
	}
	if verb == "" {
		return "", nil
	}
	if verb == "audit" && secret {
		// flask-unsign --unsign --secret S checks whether S signed the
		// cookie: that is verify with the key.
		verb = "verify"
	}
	if verb == "sign" && !secret {
		// flask-unsign needs --secret to sign too.
		secret = true
		out = append(out, []string{"--key-env", "SECRET"})
	}
	fs, _ := newFlagSet(verb)
	cmd := []string{"cookiecodec", verb}
	if verb == "audit" {
		cmd = append(cmd, "--reveal") // flask-unsign prints the secret it finds
	}
	dropped := map[string]bool{}
	for _, f := range out {
		flag := f[0]
		switch {
		case fs.Lookup(strings.TrimPrefix(flag, "--")) == nil:
		case slices.Contains(fetchOnlyFlags, flag) && !server:
		default:
			cmd = append(cmd, f...)
			continue
		}
		if dropped[flag] {
			continue
		}
		dropped[flag] = true
		notes = append(notes, droppedFlagNote(verb, flag))
	}
	for _, p := range positional {
		switch {
		case strings.HasPrefix(p, "> "):
			cmd = append(cmd, p)
		case verb == "sign" && !json.Valid([]byte(p)):
			// flask-unsign evaluates a Python literal, as sign --python does.
			if _, err := pyliteral.Value(p); err == nil {
				cmd = append(cmd, "--python", shellArg(p))
			} else {
				cmd = append(cmd, "--python", "SESSION")
				notes = append(notes, fmt.Sprintf("the session is not a Python literal that Flask can write (%v)", err))
			}
		default:
			cmd = append(cmd, shellArg(p))
		}
	}
	if secret && !dropped["--key-env"] {
		notes = append(notes, "the secret is read from the environment variable SECRET (or --key-file PATH; --secret works but warns, since other users can see command lines)")
	}
	switch verb {
	case "audit":
		if noLiteralEval {
			notes = append(notes, literalEvalNote)
		}
		notes = append(notes, "audit tries its built-in list of known secrets, and with --wordlist the file's lines too; --reveal prints the secret found, as flask-unsign does (without it, only its entry and first and last character)")
	case "verify":
		notes = append(notes, "verify checks the cookie with that one secret, as flask-unsign's --unsign --secret does, and says why it fails (expiry, salt, digest, key derivation, a trailing newline in the key); exit 0 when it signed the cookie")
	}
	if legacy {
		notes = append(notes, legacyHint(verb))
	}
	return strings.Join(cmd, " "), notes
}

// droppedFlagNote says why a translated flag was left out of verb's
// command.
func droppedFlagNote(verb, flag string) string {
	switch {
	case slices.Contains(fetchOnlyFlags, flag) && verb != "sign":
		return fmt.Sprintf("%s is left out: it applies to fetching with --url URL (flask-unsign's --server)", flag)
	case flag == "--salt" && verb == "decode":
		return "--salt is left out: decode does not check the signature, so the salt does not matter (verify and audit take --salt)"
	case (flag == "--wordlist" || flag == "--workers") && verb == "verify":
		return fmt.Sprintf("%s is left out: with --secret, flask-unsign checks that one secret, and so does verify (audit --wordlist tries a list)", flag)
	case flag == "--key-env":
		return fmt.Sprintf("the secret is left out: %s needs no key", verb)
	}
	return fmt.Sprintf("%s is left out: %s takes no such flag", flag, verb)
}

// foreignVerbs answers the verbs of other tools, whose nearest command
// by spelling would mislead: flask-unsign's "unsign" cracks or checks a
// secret, which is audit's or verify's work, while "sign" forges.
var foreignVerbs = map[string]string{
	"unsign":     unsignHint,
	"crack":      unsignHint,
	"brute":      unsignHint,
	"bruteforce": unsignHint,
}

const unsignHint = `to look for the secret, as flask-unsign's unsign does: "cookiecodec audit [--wordlist PATH] COOKIE"; to check a secret you know: "cookiecodec verify --key-env VAR COOKIE" ("sign" makes a cookie)`

// suggestCommand returns the command closest to verb, or "".
func suggestCommand(verb string) string {
	return closest(strings.TrimLeft(verb, "-"), commands)
}

// foreignFlags explains flags other tools have, by the name given.
var foreignFlags = map[string]string{
	"c": "give the cookie as the argument, or on standard input", "cookie": "give the cookie as the argument, or on standard input",
	"server": "--url URL fetches the cookie from a server", "cookie-name": "--name NAME picks the cookie",
	"threads": "--workers N", "t": "--workers N",
	"k": "--insecure skips TLS verification", "i": "--insecure skips TLS verification",
	"user-agent": "--header 'User-Agent: ...'", "U": "--header 'User-Agent: ...'",
	"proxy": "--proxy URL is for fetching with --url: decode, verify and audit", "p": "--proxy URL",
	"no-literal-eval": "not needed: " + literalEvalNote, "nE": "not needed: " + literalEvalNote,
}

// literalEvalNote answers flask-unsign's --no-literal-eval.
const literalEvalNote = "audit tries every wordlist line both as raw bytes and, when it is a Python literal, as its value"

// curlFlags explains curl's short flags, typed out of habit with --url.
var curlFlags = map[string]string{
	"X": "--request METHOD (curl's -X), with --url",
	"H": "--header 'Name: value' (curl's -H), with --url",
	"d": "--data BODY (curl's -d), with --url; flask-unsign's -d is the decode command",
	"L": "not needed: --url follows up to 10 redirects",
	"x": "--proxy URL (curl's -x), with --url",
	"E": "--client-cert PATH (curl's -E), with --url",
	"m": "--timeout DURATION (curl's -m), with --url",
	"b": "--header 'Cookie: ...' (curl's -b), with --url",
}

// keyFlags are what people type for a key: other tools' names and ours,
// for the commands that take none.
var keyFlags = []string{"S", "key", "secret", "secret-key", "secret_key", "password",
	"key-file", "key-env", "fallback-key-file", "fallback-key-env", "hash-key-file", "block-key-file",
	"fallback-hash-key-file", "fallback-block-key-file"}

// flagHint explains an unknown flag name (without dashes) given to verb,
// whose flags are known: a reader's flag given to sign, another tool's
// flag, a key flag where verb takes no key, the wordlist outside audit,
// or a near miss. It returns "" when
// it has nothing to say.
func flagHint(verb, name string, known []string) string {
	takesKeys := slices.Contains(known, "key-file")
	switch {
	case strings.HasPrefix(name, "fallback-") && slices.Contains(keyFlags, name) && verb == "sign":
		return "fallback keys only verify: sign signs with the primary key (--key-file, --key-env or --secret), as apps do"
	case name == "skew" && verb == "sign":
		return "--skew is a reader's allowance for clocks that run ahead (verify --skew); to sign at another time, give --timestamp"
	case slices.Contains(keyFlags, name) && takesKeys:
		return "give the key with --key-file PATH, --key-env VAR or --secret TEXT (which warns)"
	case slices.Contains(keyFlags, name) && verb == "audit":
		return "audit looks for the key; to check a key you know: cookiecodec verify --key-env VAR"
	case slices.Contains(keyFlags, name):
		return fmt.Sprintf("%s takes no key; to check one: cookiecodec verify --key-env VAR", verb)
	case (name == "wordlist" || name == "w") && verb != "audit":
		return "wordlists are audit's: cookiecodec audit --wordlist PATH"
	case name == "w":
		return "--wordlist PATH"
	case (name == "c" || name == "cookie") && verb == "sign":
		return "give the session (JSON, or a Python literal with --python) as the argument, or on standard input"
	case curlFlags[name] != "" && slices.Contains(known, "url"):
		return curlFlags[name]
	case name == "legacy" || name == "l":
		return legacyHint(verb)
	}
	if h, ok := foreignFlags[name]; ok {
		return h
	}
	if s := closest(name, known); s != "" {
		return fmt.Sprintf("did you mean --%s?", s)
	}
	return ""
}

// closest returns the candidate nearest to s, or "" when none is near: a
// candidate within two edits (typos such as --nmae), else one that differs
// from s by one whole word of its dash-separated words (--fallback-env or
// --fallback-key-var for --fallback-key-env), which two edits cannot reach
// once words are longer than two letters. Ties go to the fewer edits, then
// to the first candidate. Names of one or two letters match nothing: every
// short name is near them.
func closest(s string, candidates []string) string {
	if len(s) < 3 {
		return ""
	}
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" {
		return best
	}
	bestD = -1
	for _, c := range candidates {
		if !oneWordApart(s, c) {
			continue
		}
		if d := editDistance(s, c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// oneWordApart reports whether the dash-separated words of a and b differ
// by one word put in, left out or replaced, with at least one word in
// common that is not a single letter.
func oneWordApart(a, b string) bool {
	wa, wb := strings.Split(a, "-"), strings.Split(b, "-")
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	shared := func(x, y []string) bool {
		for i := range x {
			if len(x[i]) > 1 && x[i] == y[i] {
				return true
			}
		}
		return false
	}
	switch len(wb) - len(wa) {
	case 0: // one word replaced
		diff := 0
		for i := range wa {
			if wa[i] != wb[i] {
				diff++
			}
		}
		return diff == 1 && shared(wa, wb)
	case 1: // one word put in
		for i := range wb {
			if slices.Equal(wa, slices.Concat(wb[:i], wb[i+1:])) {
				return shared(wa, slices.Concat(wb[:i], wb[i+1:]))
			}
		}
	}
	return false
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// legacyHint replaces flask-unsign's --legacy (itsdangerous < 1.0, whose
// timestamps count from 2011-01-01) for verb.
func legacyHint(verb string) string {
	if verb == "sign" {
		return "for itsdangerous < 1.0, give --timestamp in seconds since 2011-01-01: $(( $(date +%s) - 1293840000 ))"
	}
	return "there is no --legacy: verify reads timestamps from 1970 only, so a cookie of itsdangerous < 1.0 (2011 epoch) fails as long expired, with a hint that gives its real issue time; --max-age none checks its signature without the age"
}

// shellArg quotes s for a POSIX shell unless it needs no quoting.
func shellArg(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+=,-") == "" {
		return s
	}
	if strings.Contains(s, "'") && !strings.ContainsAny(s, "\"$`\\!\n") {
		// A Python literal reads better in double quotes, as
		// flask-unsign's README writes it, and nothing in s is special
		// there.
		return `"` + s + `"`
	}
	return shellQuote(s)
}

// withoutPassword replaces the password of a URL with PASSWORD, so that
// the suggested command can be shown without echoing it; a URL that does
// not parse becomes URL, since it may hold one.
func withoutPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "URL"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "PASSWORD")
	}
	return u.String()
}

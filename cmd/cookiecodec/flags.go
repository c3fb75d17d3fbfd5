package main

import (
	"flag"
	"fmt"
	"strings"
	"time"
)

// options holds every flag of every command; each command's FlagSet
// registers only the ones it takes.
type options struct {
	set map[string]bool // flags given on the command line

	format string
	name   string

	keyFile      string
	fallbacks    []fallbackFlag // --fallback-key-file and --fallback-key-env, in command-line order
	keyEnv       string
	secret       string
	hashKeyFile  string
	blockKeyFile string
	// fallbackHashKeyFiles and fallbackBlockKeyFiles are the old gorilla
	// key pairs, paired by position.
	fallbackHashKeyFiles  stringList
	fallbackBlockKeyFiles stringList

	salt       string
	digest     string
	derivation string
	maxAge     string

	purpose string
	skew    string

	now       string
	json      bool
	redact    bool
	tagged    bool
	pythonOut bool // decode, verify --python: print the session as a Python literal
	pythonIn  bool // sign --python: read the session as one

	timestamp string
	compress  string
	lifetime  string
	idle      string

	lines string // decode, verify, audit: a file of INPUTs, one per line ("-": standard input)

	wordlist string
	workers  int
	reveal   bool // audit: print the secret found
	partial  bool // verify: show the entries of an authentic gorilla gob session that decode

	quiet bool // decode, verify, audit: the exit status only (see runQuiet)

	url      string
	data     string
	method   string
	headers  stringList
	timeout  time.Duration
	insecure bool

	clientCert     string
	clientKey      string
	clientCertPass string
	proxy          string
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// fallbackFlag is one fallback key given on the command line: flag is
// "--fallback-key-file" (arg a path) or "--fallback-key-env" (arg the name
// of an environment variable).
type fallbackFlag struct{ flag, arg string }

// fallbackList is a repeatable fallback key flag. Both flags append to the
// same list, so that "fallback key N" counts in command-line order whichever
// flag gave it.
type fallbackList struct {
	flag string
	list *[]fallbackFlag
}

func (l fallbackList) String() string {
	if l.list == nil {
		return ""
	}
	var args []string
	for _, f := range *l.list {
		if f.flag == l.flag {
			args = append(args, f.arg)
		}
	}
	return strings.Join(args, ",")
}

func (l fallbackList) Set(s string) error {
	*l.list = append(*l.list, fallbackFlag{l.flag, s})
	return nil
}

// Flag groups, so that each command registers what it uses.
const (
	gInput    = 1 << iota // --format, --name
	gKeys                 // --key-file, --fallback-key-file and --fallback-key-env (not sign), --key-env, --secret, gorilla keys (fallback pairs not sign)
	gFlask                // --salt, --digest, --key-derivation
	gMaxAge               // --max-age
	gNative               // --purpose, --skew (not sign)
	gTime                 // --now
	gOutput               // --json
	gRedact               // --redact, --tagged, --python (output)
	gSign                 // --timestamp, --compress
	gLifetime             // --lifetime, --idle
	gAudit                // --wordlist, --workers
	gFetch                // --url, --data, --request, --header, --timeout, --insecure, --client-cert, --client-key, --client-cert-password-env, --proxy
)

var verbGroups = map[string]int{
	"decode": gInput | gFetch | gMaxAge | gNative | gTime | gOutput | gRedact,
	"verify": gInput | gFetch | gKeys | gFlask | gMaxAge | gNative | gLifetime | gTime | gOutput | gRedact,
	"sign":   gInput | gKeys | gFlask | gMaxAge | gNative | gLifetime | gTime | gOutput | gSign,
	"keygen": gOutput,
	"audit":  gInput | gFetch | gFlask | gOutput | gAudit,
}

var verbSynopsis = map[string]string{
	"decode": "decode [flags] [INPUT | - | --url URL]\n\nShow what a cookie holds WITHOUT verifying it. The output is marked UNVERIFIED:\nanyone can forge what it shows.\n\n" + fetchHelp,
	"verify": "verify [flags] [INPUT | - | --url URL]\n\nVerify a cookie with keys and print its contents only when it is valid. When it\nis not, say why, and try cheap variants of the configuration (digests, key\nderivations, default salts, a key file's trailing newline, a key file\nwritten as a Python literal, the 2011 epoch of itsdangerous < 1.0, fallback\nkeys) to hint at what would have matched.\nExit 0 valid, 1 rejected, 2 usage error, 3 could not check (a key file, --url).\n\n" + fetchHelp,
	"sign":   "sign [flags] [JSON | -]\n\nMake a cookie from tagged JSON (plain JSON is tagged JSON; Flask's tags such as\n{\" t\": [...]} for tuples are understood), or with --python from a Python\nliteral. Prints the cookie value. A Flask session (the default --salt) must be a\ndict: Flask answers most other values with HTTP 500; another --salt signs any\nvalue.",
	"keygen": "keygen [flags]\n\nPrint a new native key (text, one line) for --key-file. Treat it like a password.",
	"audit":  "audit [flags] [INPUT | - | --url URL]\n\nCheck whether a Flask or itsdangerous cookie is signed with a publicly known or\nweak secret from a built-in list (framework docs and examples, dev, secret,\nchangeme, ...) and, with --wordlist, from a file of lines, each tried as its\nraw bytes and, when it is a Python string or bytes literal (the format of\nflask-unsign's wordlists), as the value it spells. A match is shown only as its\nentry number and first and last character, unless --reveal is given. The digest is read from the\nsignature's length unless --digest is given; the built-in list is also tried\nwith the usual salts and key derivations unless --salt or --key-derivation is\ngiven. Runs on all cores; progress goes to stderr.\nExit 0 no match, 1 a weak secret was found, 2 usage error, 3 the audit could not\nrun (unreadable INPUT or wordlist, a failed --url, not a Flask cookie).\n\n" + fetchHelp,
}

// fetchHelp explains --url in the help of decode, verify and audit.
const fetchHelp = `With --url URL the cookie is fetched instead of read: one GET, or a POST of
--data (a login form), or the --request method (PUT, DELETE, ...), with the
--header lines, following up to 10 redirects to http and https URLs only, with
the cookies set along the way sent on the next hops as a browser does.
The cookie NAME is the last one set across all the responses; a chunked
session is joined from the response that set it. A Set-Cookie that deletes
the cookie is reported, not decoded. Response bodies are not read. A failed
request exits 3 (could not check). --insecure skips TLS verification and warns;
--proxy sends the requests through an HTTP proxy such as Burp or mitmproxy, or
a SOCKS5 proxy such as ssh -D.`

// quietUsage is the help of --quiet (and -q).
const quietUsage = "print nothing on stdout, nor the verdict and hints on stderr: the exit status is the result; errors that stop the check (exit 2 and 3) still go to stderr, and so do warnings"

// flagAliases are the short names of flags, listed with the long name in
// the help rather than on their own.
var flagAliases = map[string]string{"quiet": "q"}

// formatUsage is the help of --format: what auto does differs by command.
var formatUsage = map[string]string{
	"decode": "cookie format; auto detects it and says what it found",
	"verify": "cookie format; auto detects it and says what it found",
	"sign":   "format of the cookie to make; auto picks gorilla with --hash-key-file, native when the key is a native key (keygen output), else flask",
	"audit":  "cookie format; audit checks Flask cookies only, and auto refuses a cookie that looks native or gorilla",
}

// nameUsage is the help of --name: decode and audit only pick the cookie
// by it, verify also checks the name native and gorilla cookies bind,
// sign binds it.
var nameUsage = map[string]string{
	"decode": "cookie name: picks the cookie out of a header or --url's responses",
	"verify": "cookie name: picks the cookie out of a header or --url's responses; native and gorilla cookies must be bound to it",
	"sign":   "name of the cookie to make: bound in native and gorilla cookies (a Flask cookie only counts it in the 4 KB limit)",
	"audit":  "cookie name: picks the cookie out of a header or --url's responses",
}

// maxAgeUsage is the help of --max-age, whose default depends on the
// cookie's format.
var maxAgeUsage = map[string]string{
	"decode": "max-age for the shown expiry of a Flask cookie: seconds, a duration such as 31d or 12h30m, or none (default 31d, as in Flask)",
	"verify": "oldest cookie accepted: seconds, a duration such as 31d or 12h30m, or none (default: Flask 31d, gorilla 30d, as in each; native cookies use --lifetime and --idle)",
	"sign":   "max-age for the shown expiry of a Flask cookie: seconds, a duration such as 31d or 12h30m, or none (default 31d, as in Flask)",
}

// newFlagSet returns the FlagSet of verb and the options it fills.
func newFlagSet(verb string) (*flag.FlagSet, *options) {
	o := &options{set: map[string]bool{}}
	fs := flag.NewFlagSet("cookiecodec "+verb, flag.ContinueOnError)
	fs.SetOutput(discard{})
	g := verbGroups[verb]
	if g&gInput != 0 {
		fs.StringVar(&o.format, "format", "auto", formatUsage[verb])
		fs.StringVar(&o.name, "name", "session", nameUsage[verb])
	}
	if g&gFetch != 0 {
		fs.StringVar(&o.url, "url", "", "GET this http or https URL and take the cookie NAME from its Set-Cookie headers, following up to 10 redirects (instead of INPUT)")
		fs.StringVar(&o.data, "data", "", "with --url: POST this body instead of a GET, form-encoded unless --header sets Content-Type; @PATH reads it from a file (keeps a password out of the shell history); redirects 301 to 303 are then followed with GET, as browsers do")
		fs.StringVar(&o.method, "request", "", "with --url: send this method instead of GET (or POST with --data), such as PUT, PATCH or DELETE, with the --data body if given; a 301 or 302 keeps it, a 303 turns it into GET, as browsers do")
		fs.Var(&o.headers, "header", "with --url: send this request header, \"Name: value\"; repeat for more (a redirect that leaves the site drops it, with a warning, unless it is Host, User-Agent, Content-Type or Accept*)")
		fs.DurationVar(&o.timeout, "timeout", defaultFetchTimeout, "with --url: give up on the whole exchange, redirects included, after this long")
		fs.BoolVar(&o.insecure, "insecure", false, "with --url: do not verify the TLS certificate of the server, nor of any host a redirect leads to (local development certificates; warns, naming each host)")
		fs.StringVar(&o.clientCert, "client-cert", "", "with --url: present this client certificate to a server that asks for one (mutual TLS): PEM, with its private key from --client-key or from this file when it holds both; or a PKCS#12 file (.p12, .pfx: certificate, chain and key, as browsers export them)")
		fs.StringVar(&o.clientKey, "client-key", "", "with --url: the private key (PEM) of a PEM --client-cert")
		fs.StringVar(&o.proxy, "proxy", "", "with --url: send the requests through this proxy, for every host, 127.0.0.1 included: http://HOST:PORT, an HTTP proxy such as Burp or mitmproxy, or socks5://HOST:PORT (or socks5h://; either way the proxy resolves the host name), a SOCKS5 proxy such as ssh -D; user:password@ before the host authenticates. Without it HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply, as in Go, and never to 127.0.0.1 or localhost")
		fs.StringVar(&o.clientCertPass, "client-cert-password-env", "", "with a PKCS#12 --client-cert: read its password from this environment variable (none: the file has an empty password)")
	}
	if verb == "decode" || verb == "verify" {
		fs.StringVar(&o.lines, "lines", "", "read many INPUTs from this file (- for standard input), one per line, and print one result per line (JSON with --json), numbered; keys are read once; blank lines are skipped; exit 0 only when every line is valid (decode: readable)")
	}
	if verb == "audit" {
		fs.StringVar(&o.lines, "lines", "", "audit many cookies from this file (- for standard input), one per line, and print one result per line (JSON with --json), numbered; blank lines are skipped; exit 1 when any line is signed with a weak secret, else 3 when any could not be audited, else 0")
	}
	if g&gKeys != 0 {
		fs.StringVar(&o.keyFile, "key-file", "", "primary key file, used as its exact bytes (native: keygen output); - reads standard input, when INPUT does not come from there")
		if verb != "sign" { // fallback keys never sign
			fs.Var(fallbackList{"--fallback-key-file", &o.fallbacks}, "fallback-key-file", "fallback key file (an old key the app still accepts), only verifies; repeat for more; - reads standard input, as for --key-file")
			fs.Var(fallbackList{"--fallback-key-env", &o.fallbacks}, "fallback-key-env", "read a fallback key from this environment variable, as --key-env reads the primary; only verifies; repeat for more")
		}
		fs.StringVar(&o.keyEnv, "key-env", "", "read the primary key from this environment variable")
		fs.StringVar(&o.secret, "secret", "", "primary key as text (warns: other users can see command lines; prefer --key-file)")
		fs.StringVar(&o.hashKeyFile, "hash-key-file", "", "gorilla/securecookie hash key file, exact bytes (default: the --key-file key)")
		fs.StringVar(&o.blockKeyFile, "block-key-file", "", "gorilla/securecookie block key file (16, 24 or 32 bytes), if the app encrypted")
		if verb != "sign" {
			fs.Var(&o.fallbackHashKeyFiles, "fallback-hash-key-file", "gorilla: hash key file of an older key pair the app still accepts (NewCookieStore(hash, block, oldHash, oldBlock)), only verifies; repeat for more, in the app's order")
			fs.Var(&o.fallbackBlockKeyFiles, "fallback-block-key-file", "gorilla: block key file of an older key pair: the Nth goes with the Nth --fallback-hash-key-file, and a hash key without one only signed (give such pairs last)")
		}
	}
	if g&gFlask != 0 {
		fs.StringVar(&o.salt, "salt", "cookie-session", "Flask/itsdangerous salt")
		digestUsage := "Flask/itsdangerous HMAC digest"
		if verb == "audit" {
			digestUsage = "Flask/itsdangerous HMAC digest (default: the one whose length the signature has, sha1 when none has it)"
		}
		fs.StringVar(&o.digest, "digest", "sha1", digestUsage)
		fs.StringVar(&o.derivation, "key-derivation", "hmac", "Flask/itsdangerous key derivation")
	}
	if g&gMaxAge != 0 {
		fs.StringVar(&o.maxAge, "max-age", "", maxAgeUsage[verb])
	}
	if g&gNative != 0 {
		fs.StringVar(&o.purpose, "purpose", "", "native: purpose bound into the cookie (default \"session\")")
		if verb != "sign" { // skew is a reader's allowance
			fs.StringVar(&o.skew, "skew", "", "allowed clock skew for future timestamps (default: Flask 0s as in Flask, native and gorilla 60s)")
		}
	}
	if g&gTime != 0 {
		usage := "fix the clock, for reproducible checks (default: the current time)"
		if verb == "decode" || verb == "verify" {
			usage = "fix the clock, for reproducible checks (default: the current time, read once the cookie has arrived)"
		}
		fs.StringVar(&o.now, "now", "", usage)
	}
	if g&gOutput != 0 {
		usage := "print exactly one JSON object on stdout"
		if verb == "decode" || verb == "verify" {
			usage += " (with --lines, one per line)"
		}
		fs.BoolVar(&o.json, "json", false, usage)
	}
	if verb == "decode" || verb == "verify" || verb == "audit" {
		fs.BoolVar(&o.quiet, "quiet", false, quietUsage)
		fs.BoolVar(&o.quiet, "q", false, quietUsage)
	}
	if g&gRedact != 0 {
		fs.BoolVar(&o.tagged, "tagged", false, "print only the session, as the tagged JSON sign reads (indented), so that decode or verify, an edit, and sign make the cookie again; errors and hints still go to stderr")
		fs.BoolVar(&o.pythonOut, "python", false, "print only the session, as a Python literal ({'user': 'admin', 'ids': (1, 2)}), the way flask-unsign and Python write it, so that an edit and sign --python make the cookie again; a session holding Markup, a UUID, a datetime, NaN or half of a surrogate pair has no such literal here: use --tagged")
		fs.BoolVar(&o.redact, "redact", false, "hide payload values, keep keys and types")
	}
	if verb == "verify" {
		fs.BoolVar(&o.partial, "partial", false, "gorilla: when the MAC is valid but some entries hold values of the app's own types (gob), show the entries readable without those types and name the others; the verdict stays rejected (error payload, exit 1), and --json marks the payload \"partial\"")
	}
	if g&gSign != 0 {
		fs.StringVar(&o.timestamp, "timestamp", "", "Flask: signing time (default: --now, or the current time)")
		fs.StringVar(&o.compress, "compress", "auto", "Flask compression; auto is Flask's rule: compress when it saves 2 bytes or more")
		fs.BoolVar(&o.pythonIn, "python", false, "read the session as a Python literal, as flask-unsign's --cookie takes it and Python's repr() prints it: {'user': 'admin', 'ids': (1, 2), 'ok': True}; tuples and bytes become Flask's tags")
	}
	if g&gLifetime != 0 {
		fs.StringVar(&o.lifetime, "lifetime", "", "native: absolute lifetime from creation (default 30d, the codec's; the cookiesession middleware's default is 7d)")
		fs.StringVar(&o.idle, "idle", "", "native: idle timeout from the last issue (default none, the codec's; the cookiesession middleware's default is 24h)")
	}
	if g&gAudit != 0 {
		fs.StringVar(&o.wordlist, "wordlist", "", "also try every line of this file (- for standard input, when the cookie is INPUT or --url), as raw bytes (numeric and non-UTF-8 lines are fine) and also, as flask-unsign reads lines, as the value it spells when it is a Python string or bytes literal ('secret', b'\\xd2U'), or else without surrounding white space")
		fs.IntVar(&o.workers, "workers", 0, "parallel workers, at most 1024 (default: all cores)")
		fs.BoolVar(&o.reveal, "reveal", false, "print the secret found, as the Python literal a Flask config would hold ('...' for UTF-8 text, b'...' for other bytes), with a hint that writes it to a key file, and in --json as \"secret\" (that literal), \"secret_text\" (UTF-8 text only) and \"secret_hex\"; without it the report shows only the entry and the first and last character, so that it can go into logs and CI output")
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: cookiecodec %s\n\nFlags:\n", verbSynopsis[verb])
		printFlags(fs)
	}
	return fs, o
}

// flagArgs names the argument of each flag in the help text.
var flagArgs = map[string]string{
	"format":                   "auto|flask|native|gorilla",
	"name":                     "NAME",
	"key-file":                 "PATH",
	"fallback-key-file":        "PATH",
	"fallback-key-env":         "VAR",
	"key-env":                  "VAR",
	"secret":                   "TEXT",
	"hash-key-file":            "PATH",
	"block-key-file":           "PATH",
	"fallback-hash-key-file":   "PATH",
	"fallback-block-key-file":  "PATH",
	"salt":                     "SALT",
	"digest":                   "sha1|sha224|sha256|sha384|sha512|md5",
	"key-derivation":           "hmac|django-concat|concat|none",
	"max-age":                  "SECONDS|DURATION|none",
	"purpose":                  "PURPOSE",
	"skew":                     "DURATION",
	"now":                      "UNIX|RFC3339",
	"timestamp":                "UNIX",
	"compress":                 "auto|always|never",
	"lifetime":                 "DURATION",
	"idle":                     "DURATION",
	"wordlist":                 "PATH",
	"lines":                    "PATH|-",
	"workers":                  "N",
	"url":                      "URL",
	"header":                   "'Name: value'",
	"data":                     "BODY",
	"request":                  "METHOD",
	"client-cert":              "PATH",
	"client-key":               "PATH",
	"client-cert-password-env": "VAR",
	"timeout":                  "DURATION",
	"proxy":                    "URL",
}

// defaultInUsage lists the flags ("cookiecodec VERB --flag") whose usage
// text states the default, because the flag's zero value is not it:
// audit reads the digest from the signature's length.
var defaultInUsage = map[string]bool{"cookiecodec audit --digest": true}

// printFlags lists the flags of fs GNU-style ("--name VALUE"), which is
// how the documentation writes them; the flag package accepts both one and
// two dashes.
func printFlags(fs *flag.FlagSet) {
	w := fs.Output()
	fs.VisitAll(func(f *flag.Flag) {
		if isAlias(f.Name) {
			return
		}
		_, usage := flag.UnquoteUsage(f)
		arg := flagArgs[f.Name]
		if f.Name == "format" && fs.Name() == "cookiecodec audit" {
			arg = "auto|flask"
		}
		head := "  --" + f.Name
		if short, ok := flagAliases[f.Name]; ok {
			head = "  -" + short + ", --" + f.Name
		}
		if arg != "" {
			head += " " + arg
		}
		fmt.Fprintf(w, "%s\n      %s", head, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && !defaultInUsage[fs.Name()+" --"+f.Name] {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// isAlias reports whether name is the short name of another flag.
func isAlias(name string) bool {
	for _, short := range flagAliases {
		if short == name {
			return true
		}
	}
	return false
}

// discard swallows the flag package's own messages; run reports errors in
// the "cookiecodec: error: ..." form.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

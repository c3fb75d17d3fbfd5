package readmecheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// docs are the Markdown files whose examples are checked, relative to the
// repository root, in the order their blocks are read and run: the
// command manual's examples use files that earlier ones write. Every
// Markdown file of the repository with a fenced block is here or in
// unchecked (TestEveryDocChecked).
var docs = []string{
	"README.md",
	"cmd/cookiecodec/README.md",
	"cookiesession/PROXIES.md",
	"docs/flask.md",
	"docs/migrating.md",
	"docs/native.md",
	"docs/serializer.md",
	"docs/recipes.md",
	"cmd/sessiondemo/README.md",
	"bench/README.md",
	"CONTRIBUTING.md",
}

// unchecked lists the Markdown files with fenced blocks whose blocks are
// not checked here, with the reason. A Markdown file with blocks that is
// in neither docs nor unchecked fails TestEveryDocChecked.
var unchecked = map[string]string{
	"codec/FORMAT.md":  "the format's byte layouts and grammars, not Go code or commands; the vectors and codec/native_spec_test.go check the spec",
	"bench/RESULTS.md": "written by go run ./bench/cmd/report: benchstat output and the commands that made it",
	"fuzz/README.md":   "go test and fuzzing commands that run for minutes; no Go blocks and no cookiecodec command lines",
}

// repoRoot is the repository root, seen from this package's directory.
const repoRoot = "../.."

// block is one fenced code block of one of the docs.
type block struct {
	file string // the doc, as in docs
	lang string // the fence's info string: "go", "sh", "" ...
	line int    // line of the opening fence, counted from 1
	text string // the lines between the fences, each ending in "\n"
}

// at returns "file:line" for a line of the block's doc, for messages.
func (b block) at(line int) string { return fmt.Sprintf("%s:%d", b.file, line) }

// name is the block's subtest name: its doc and line, without slashes.
func (b block) name() string {
	return strings.ReplaceAll(b.file, "/", "_") + ":" + fmt.Sprint(b.line)
}

// key is the block's first line without surrounding white space: the
// tables below are keyed by it.
func (b block) key() string {
	first, _, _ := strings.Cut(b.text, "\n")
	return strings.TrimSpace(first)
}

// parseBlocks returns the fenced blocks of the Markdown text of file, in
// order. Fences start at the beginning of a line; the docs have no
// indented ones.
func parseBlocks(file, md string) ([]block, error) {
	var (
		blocks []block
		cur    *block
	)
	for i, l := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &block{file: file, lang: strings.TrimSpace(strings.TrimPrefix(l, "```")), line: i + 1}
		case cur != nil && strings.TrimRight(l, " ") == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += l + "\n"
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("block opened on line %d is never closed", cur.line)
	}
	return blocks, nil
}

// docBlocks returns the blocks of every doc, in the order of docs.
func docBlocks(t *testing.T) []block {
	t.Helper()
	var all []block
	for _, file := range docs {
		md, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := parseBlocks(file, string(md))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		all = append(all, blocks...)
	}
	return all
}

// goWrap says how a Go fragment of a doc is made a compilable file:
//
//	package p
//	import (imports)
//	decls
//	func example() { block; uses }
type goWrap struct {
	// file marks a block that is a whole Go file (package main and its
	// imports, as the README's quick start): it is compiled as it is, and
	// the other fields must be empty.
	file    bool
	imports []string
	decls   string // package-level stand-ins for names the block takes as given
	uses    string // statements using names the block declares but leaves unused
}

// goBlocks has one entry for every ```go block, keyed by its first line.
var goBlocks = map[string]goWrap{
	// README.md, Quick start: a whole main.go, compiled as it is.
	"package main": {file: true},
	// README.md, Using the session.
	"s := sessions.Session(r)": {
		imports: []string{"fmt", "net/http", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var (
	sessions *cookiesession.Manager
	w        http.ResponseWriter
	r        *http.Request
)

type Prefs struct {
	Theme string ` + "`json:\"theme\"`" + `
}`,
		uses: "_, _ = prefs, ok",
	},
	// README.md, Login and logout.
	`mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {`: {
		imports: []string{"crypto/rand", "errors", "net/http", "time", "github.com/cookiecodec/cookiecodec/codec", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var (
	mux      = http.NewServeMux()
	sessions *cookiesession.Manager
)

// users stands in for the app's user store.
var users interface {
	CheckPassword(user, password string) (string, bool)
}

// loggedOut stands in for a store of destroyed session ids, each kept
// until the given time.
var loggedOut interface {
	Add(id codec.SessionID, until time.Time)
}`,
	},
	// README.md, Routers and your own middleware.
	"// requireLogin sends visitors who are not signed in to the login page.": {
		imports: []string{"net/http", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var (
	mux          = http.NewServeMux()
	sessions     *cookiesession.Manager
	accountPages http.Handler
)`,
		uses: "_ = handler",
	},
	// docs/recipes.md, WebSockets: committing into gorilla/websocket's 101 response.
	"h := http.Header{}": {
		imports: []string{"net/http", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var (
	sessions *cookiesession.Manager
	w        http.ResponseWriter
	r        *http.Request
	upgrader wsUpgrader
)

// wsUpgrader stands in for gorilla/websocket's Upgrader (same method
// signature), which is not a dependency of this module.
type wsUpgrader struct{}

type wsConn struct{}

func (wsUpgrader) Upgrade(w http.ResponseWriter, r *http.Request, responseHeader http.Header) (*wsConn, error) {
	return nil, nil
}`,
		uses: "_, _ = conn, err",
	},
	// docs/flask.md: the middleware in Flask mode.
	`c, _ := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte(os.Getenv("FLASK_SECRET_KEY"))})`: {
		imports: []string{"os", "github.com/cookiecodec/cookiecodec/codec", "github.com/cookiecodec/cookiecodec/cookiesession"},
		uses:    "_ = sessions",
	},
	// docs/recipes.md, Single-page apps and JSON APIs.
	"// An API's session helpers: 401 with the reason, and JSON commit errors.": {
		imports: []string{"encoding/json", "errors", "net/http", "github.com/cookiecodec/cookiecodec/codec", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls:   `var sessions *cookiesession.Manager`,
		uses:    "_, _ = requireUser, commitError",
	},
	// docs/recipes.md, htmx.
	"// An htmx login: 204 and HX-Redirect, so that the next full page shows the flash.": {
		imports: []string{"net/http", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls:   `var sessions *cookiesession.Manager`,
		uses:    "_ = login",
	},
	// docs/recipes.md, Remember me.
	"// The remember-me cookie: 90 days, no idle timeout, only the user id.": {
		imports: []string{"net/http", "time", "github.com/cookiecodec/cookiecodec/codec", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var (
	ring     *codec.KeyRing
	sessions *cookiesession.Manager
)`,
		uses: "_, _ = err, signIn",
	},
	// README.md, Log out everywhere.
	"sessions, err := cookiesession.NewNative(ring, cookiesession.WithValidate(": {
		imports: []string{"errors", "net/http", "time", "github.com/cookiecodec/cookiecodec/codec", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var ring *codec.KeyRing

// users stands in for the app's user store.
var users interface {
	SessionsValidAfter(user string) (time.Time, bool)
}

// loggedOut stands in for a store of destroyed session ids.
var loggedOut interface {
	Has(id codec.SessionID) bool
}`,
		uses: "_, _ = sessions, err",
	},
	// docs/native.md: make a key.
	"key, _ := codec.GenerateKey()": {
		imports: []string{"fmt", "github.com/cookiecodec/cookiecodec/codec"},
	},
	// docs/native.md: at start-up.
	`ring, err := codec.ParseKeyRing(os.Getenv("SESSION_KEYS")) // primary first; each key exactly 32 bytes`: {
		imports: []string{"os", "time", "github.com/cookiecodec/cookiecodec/codec"},
		uses:    "_, _, _ = value, meta, err",
	},
	// docs/migrating.md: moving from gorilla/sessions.
	"migration, err := codec.NewGorillaMigration(codec.GorillaOptions{": {
		imports: []string{"log", "github.com/cookiecodec/cookiecodec/codec", "github.com/gorilla/securecookie", "github.com/gorilla/sessions"},
		decls: `var (
	oldHashKey, oldBlockKey []byte
	native                  *codec.Native
	store                   *sessions.CookieStore
)`,
	},
	// docs/migrating.md: the bridge release.
	"store.Codecs = append(securecookie.CodecsFromPairs(hashKey, blockKey, oldHashKey, oldBlockKey), native)": {
		imports: []string{"github.com/cookiecodec/cookiecodec/codec", "github.com/gorilla/securecookie", "github.com/gorilla/sessions"},
		decls: `var (
	hashKey, blockKey, oldHashKey, oldBlockKey []byte
	native                                     *codec.Native
	store                                      *sessions.CookieStore
)`,
	},
	// docs/migrating.md: moving from gorilla/sessions, with cookiesession.
	"// The gorilla store's keys and MaxAge, as the app passed them:": {
		imports: []string{"log", "time", "github.com/cookiecodec/cookiecodec/codec", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var (
	hashKey, blockKey, oldHashKey, oldBlockKey []byte
	ring                                       *codec.KeyRing
)`,
		uses: "_ = appSessions",
	},
	// README.md, Testing your handlers.
	"// In a test: a request carrying the session of a signed-in user.": {
		imports: []string{"net/http", "net/http/httptest", "testing", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls: `var (
	t             *testing.T
	sessions      *cookiesession.Manager
	accountHandler func(http.ResponseWriter, *http.Request)
)`,
	},
	// docs/migrating.md: moving from Flask.
	"// Flask's settings, as the app had them.": {
		imports: []string{"log", "os", "time", "github.com/cookiecodec/cookiecodec/codec", "github.com/cookiecodec/cookiecodec/cookiesession"},
		decls:   `var ring *codec.KeyRing`,
		uses:    "_ = sessions",
	},
	// docs/flask.md: the Flask codec.
	"f, err := codec.NewFlask(codec.FlaskOptions{": {
		imports: []string{"errors", "log", "net/http", "os", "github.com/cookiecodec/cookiecodec/codec", "github.com/gorilla/securecookie", "github.com/gorilla/sessions"},
		decls:   "var cookie *http.Cookie",
	},
	// docs/serializer.md.
	"text, err := serializer.Marshal(map[string]any{": {
		imports: []string{"time", "github.com/cookiecodec/cookiecodec/serializer"},
		decls: `var (
	mySession struct {
		UserID int ` + "`json:\"user_id\"`" + `
	}
	s string
)`,
		uses: "_, _ = v, err",
	},
}

// cliCheck says how a block of cookiecodec command lines is checked.
type cliCheck struct {
	// setup is shell code run before each command of the block.
	setup string
	// replace maps text of the doc's commands to what is run instead.
	replace map[string]string
	// masks match output that differs on every run; in the doc and in
	// the output alike, each match is replaced by the first submatch (or
	// nothing) followed by "<varies>".
	masks []*regexp.Regexp
	// want gives, for a command (counted from 0) whose output the doc
	// does not show, what it must print instead of nothing; sh runs shell
	// code in the same directory and environment and returns its output,
	// out is what the command printed.
	want map[int]func(sh func(string) string, out string) string
	// synopsis marks a block of usage lines (no "$ "): each must be a line
	// of "cookiecodec --help".
	synopsis bool
	// excerpt marks a block that is not run: it repeats command lines
	// that a block run elsewhere shows (a summary quoting the manual).
	// Each "$ " line must be the command of such a block, word for word,
	// and output shown under it must be the output shown there.
	excerpt bool
}

// signCart makes the cookie of the second sign example (secret "dev",
// timestamp 1700000000), whose session the manual edits as $COOKIE.
const signCart = `echo '{"cart": {" t": ["sku-1", 2]}, "token": {" b": "3q2+7w=="}, "n": 3}' | cookiecodec sign --key-file secret.key --now 1700000000`

// samePayload is a want function for a sign command that stamps the
// current time: it must make a cookie with the payload of $COOKIE.
func samePayload(sh func(string) string, out string) string {
	cookie := sh(`printf '%s\n' "$COOKIE"`)
	want, _, _ := strings.Cut(cookie, ".")
	if got, _, _ := strings.Cut(out, "."); got == want && strings.Count(out, ".") == 2 {
		return out
	}
	return "a cookie with the payload of $COOKIE, " + want + ".<timestamp>.<signature>\n"
}

// cliBlocks has one entry for every block of command lines that is run
// (or, for an excerpt, checked against one that is), keyed by its first
// line. All blocks but the README's excerpt are in the command's manual,
// cmd/cookiecodec/README.md.
var cliBlocks = map[string]cliCheck{
	// README.md, "The cookiecodec command": three commands of the manual,
	// without their output.
	"$ cookiecodec verify --key-file secret.key --now 1700003600 eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w": {excerpt: true},
	// The synopsis must match the CLI's own usage text.
	"cookiecodec decode [flags] [INPUT | -]   show the contents WITHOUT verifying (marked UNVERIFIED)": {synopsis: true},
	// Look inside a cookie.
	"$ cookiecodec decode --now 1700003600 'Cookie: theme=dark; session=eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w'": {},
	// Verify, for people and for scripts (writes secret.key for the blocks below).
	"$ printf '%s' dev > secret.key": {},
	// Why was it rejected?
	"$ echo dev > echoed.key        # echo adds a newline, which becomes part of the key": {},
	// A cookie of plain itsdangerous.
	"$ cookiecodec verify --json --secret changeme --max-age none eyJ1c2VyIjoiZXZlIn0.awJVQA.SB_y7Hc6eW8jfEtR3ZXYi6vehYE": {},
	// Sign.
	`$ echo '{"user": "alice", "_fresh": true}' | cookiecodec sign --key-file secret.key --now 1700000000`: {},
	// sign --python: "the same cookie as the second example".
	`$ cookiecodec sign --python --key-file secret.key --now 1700000000 "{'cart': ('sku-1', 2), 'token': b'\xde\xad\xbe\xef', 'n': 3}"`: {
		want: map[int]func(func(string) string, string) string{
			0: func(sh func(string) string, _ string) string { return sh(signCart) },
		},
	},
	// decode --tagged, edit, sign again: with no edit (EDITOR=true) the
	// payload comes back unchanged; the timestamp is the run's.
	`$ cookiecodec decode --tagged "$COOKIE" > session.json`: {
		setup: `export COOKIE="$(` + signCart + `)" EDITOR=true`,
		want:  map[int]func(func(string) string, string) string{2: samePayload},
	},
	// decode --python, sign --python.
	`$ cookiecodec decode --python "$COOKIE" > session.py`: {
		setup: `export COOKIE="$(` + signCart + `)"`,
		want:  map[int]func(func(string) string, string) string{2: samePayload},
	},
	// --redact: "..." stands for the cookie of the sign example.
	"$ ... | cookiecodec decode --now 1700003600 --redact": {
		setup:   `export COOKIE="$(` + signCart + `)"`,
		replace: map[string]string{"... |": `printf '%s\n' "$COOKIE" |`},
	},
	// Native cookies: keygen makes a random key, and each session gets a
	// random id; checked for shape only.
	"$ cookiecodec keygen > native.key": {
		masks: []*regexp.Regexp{
			regexp.MustCompile(`^(key id: +)[0-9a-f]{8}$`),
			regexp.MustCompile(`^(session id: +)[0-9a-f]{32}$`),
		},
	},
	// gorilla/securecookie: a random hash key, and gorilla stamps the
	// current time; the times are checked for shape only.
	"$ head -c 64 /dev/urandom > hash.key": {
		masks: []*regexp.Regexp{
			regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`),
			// The stamp is in whole seconds: verified within the next
			// second, the age is "now" or, across a second, "1s ago".
			regexp.MustCompile(`\((?:now|1s ago)\)`),
		},
	},
	// Audit.
	"$ cookiecodec audit eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w": {},
}

// skipped lists the blocks that are neither compiled nor run, keyed by
// their first line, with the reason. The proxy configurations are in
// cookiesession/PROXIES.md, the --url example in cmd/cookiecodec/README.md,
// the go install line in both READMEs, the demo's command lines in
// README.md, CONTRIBUTING.md and cmd/sessiondemo/README.md.
var skipped = map[string]string{
	"go get github.com/cookiecodec/cookiecodec@latest": "needs the network and a published release (README.md, Install)",

	`export SESSION_KEYS="$(go run github.com/cookiecodec/cookiecodec/cmd/cookiecodec@latest keygen)"`: "needs the network and a published release, and go run . starts the quick start's server",

	"proxy_buffer_size 96k;": "nginx configuration, not a command (cookiesession's TestNginx runs the same settings)",

	"global": "HAProxy configuration, not a command (cookiesession's TestHAProxy runs the same settings)",

	"# Apache: in the server config, or in the first VirtualHost listed for the": "Apache configuration, not a command (cookiesession's TestApache runs the same settings)",

	"# Varnish: varnishd parameters": "varnishd command lines with elided arguments (cookiesession's TestVarnish runs the same parameters)",

	"go run ./cmd/sessiondemo                 # http://127.0.0.1:8080, generated key (warns)": "starts the demo server",

	"go install github.com/cookiecodec/cookiecodec/cmd/cookiecodec@latest": "needs the network and a published release",

	"$ cookiecodec verify --key-file secret.key --url http://127.0.0.1:36821/login": "needs a live Flask server (cmd/cookiecodec/testdata/flasklogin.py, run by TestFetchFlask); its times are those of the run",

	"$ curl -s -c jar http://127.0.0.1:8080/ > form.html": "needs the demo server running (cmd/sessiondemo) for its CSRF-protected login; its key, times and ids are those of the run",

	"go run ./bench/cmd/report                 # ~7 min on 2 cores with the defaults: writes bench/RESULTS.md, bench/*.svg, bench/results.txt": "runs the benchmarks for minutes (bench/README.md)",

	"go run ./cmd/sessiondemo     # the demo app, the project's main program, on http://127.0.0.1:8080": "starts the demo server and runs the whole test suite (README.md and CONTRIBUTING.md)",

	"apt-get install -y python3-flask python3-cryptography chromium firefox-esr webkit2gtk-driver xvfb nginx haproxy apache2 varnish caddy trafficserver hitch openssl tinyproxy microsocks": "installs system packages as root (CONTRIBUTING.md)",

	"go test ./internal/readmecheck/": "these very checks (CONTRIBUTING.md)",
}

// coverage returns a message for every block of the docs that is neither
// checked nor skipped, and for every table entry that names no block of
// any doc.
func coverage(blocks []block) []string {
	var msgs []string
	seen := map[string]bool{}
	for _, b := range blocks {
		k := b.key()
		seen[k] = true
		_, isGo := goBlocks[k]
		_, isCLI := cliBlocks[k]
		_, isSkipped := skipped[k]
		switch {
		case b.lang == "go" && !isGo:
			msgs = append(msgs, fmt.Sprintf("%s: go block %q is not in goBlocks: say how to wrap it", b.at(b.line), k))
		case b.lang != "go" && (isGo || !isCLI && !isSkipped):
			msgs = append(msgs, fmt.Sprintf("%s: block %q is neither in cliBlocks nor in skipped (with a reason)", b.at(b.line), k))
		case isCLI && isSkipped:
			msgs = append(msgs, fmt.Sprintf("%s: block %q is both checked and skipped", b.at(b.line), k))
		}
	}
	for _, table := range []map[string]bool{keysOf(goBlocks), keysOf(cliBlocks), keysOf(skipped)} {
		for k := range table {
			if !seen[k] {
				msgs = append(msgs, fmt.Sprintf("no block of %s starts with %q: remove or update its entry", strings.Join(docs, ", "), k))
			}
		}
	}
	return msgs
}

func keysOf[V any](m map[string]V) map[string]bool {
	keys := map[string]bool{}
	for k := range m {
		keys[k] = true
	}
	return keys
}

// TestEveryBlockListed fails when a block of a doc is neither checked nor
// listed as skipped, or when an entry of the tables names no block.
func TestEveryBlockListed(t *testing.T) {
	blocks := docBlocks(t)
	for _, msg := range coverage(blocks) {
		t.Error(msg)
	}
	for _, file := range docs {
		var n, nGo, nCLI, nExcerpt, nSkipped int
		for _, b := range blocks {
			if b.file != file {
				continue
			}
			n++
			switch k := b.key(); {
			case b.lang == "go":
				nGo++
			case skipped[k] != "":
				nSkipped++
			case cliBlocks[k].excerpt:
				nExcerpt++
			default:
				nCLI++
			}
		}
		t.Logf("%s: %d blocks: %d Go blocks compiled, %d command blocks run, %d excerpts checked against them, %d skipped",
			file, n, nGo, nCLI, nExcerpt, nSkipped)
	}
}

// markdownWithBlocks returns the Markdown files of the repository, outside
// hidden and testdata directories, with the number of fenced blocks in
// each, relative to the repository root with "/" separators.
func markdownWithBlocks(t *testing.T) map[string]int {
	t.Helper()
	files := map[string]int{}
	err := filepath.WalkDir(repoRoot, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != repoRoot && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".md") {
			return nil
		}
		md, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(repoRoot, path)
		if err != nil {
			return err
		}
		blocks, err := parseBlocks(rel, string(md))
		if err != nil {
			return fmt.Errorf("%s: %v", rel, err)
		}
		files[filepath.ToSlash(rel)] = len(blocks)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// docCoverage returns a message for every Markdown file with blocks that
// is in neither docs nor unchecked, for every doc without blocks (its
// entry is stale: TestChecksCanFail needs blocks in each), and for every
// unchecked entry that names no file with blocks.
func docCoverage(files map[string]int) []string {
	var msgs []string
	for file, n := range files {
		_, skip := unchecked[file]
		if n > 0 && !slices.Contains(docs, file) && !skip {
			msgs = append(msgs, fmt.Sprintf("%s has %d fenced blocks but is not checked: add it to docs in readme_test.go (or to unchecked, with a reason)", file, n))
		}
	}
	for _, file := range docs {
		if files[file] == 0 {
			msgs = append(msgs, fmt.Sprintf("%s is in docs but has no fenced blocks (or is gone): remove it from docs", file))
		}
	}
	for file := range unchecked {
		if files[file] == 0 {
			msgs = append(msgs, fmt.Sprintf("%s is in unchecked but has no fenced blocks (or is gone): remove its entry", file))
		}
	}
	slices.Sort(msgs)
	return msgs
}

// TestEveryDocChecked fails when a Markdown file of the repository has
// fenced blocks and is neither in docs nor in unchecked, so that no
// example escapes the checks by living in a new file.
func TestEveryDocChecked(t *testing.T) {
	files := markdownWithBlocks(t)
	for _, msg := range docCoverage(files) {
		t.Error(msg)
	}
	t.Run("a new doc is noticed", func(t *testing.T) {
		extra := maps.Clone(files)
		extra["docs/new.md"] = 1
		if msgs := docCoverage(extra); len(msgs) != len(docCoverage(files))+1 {
			t.Errorf("a new Markdown file with a block went unnoticed: %q", msgs)
		}
	})
}

// wrapGo returns the file a Go block is compiled as, and the line of the
// file that holds the block's first line.
func wrapGo(b block, w goWrap) (src string, firstLine int) {
	if w.file {
		return b.text, 1
	}
	var sb strings.Builder
	sb.WriteString("package p\n\nimport (\n")
	for _, imp := range w.imports {
		fmt.Fprintf(&sb, "\t%q\n", imp)
	}
	sb.WriteString(")\n\n")
	if w.decls != "" {
		sb.WriteString(w.decls + "\n\n")
	}
	sb.WriteString("func example() {\n")
	firstLine = strings.Count(sb.String(), "\n") + 1
	sb.WriteString(b.text)
	if w.uses != "" {
		sb.WriteString(w.uses + "\n")
	}
	sb.WriteString("}\n")
	return sb.String(), firstLine
}

// buildGo compiles each source as a package of its own with one go build
// in a directory inside the module, and returns the compiler's messages
// for each source ("" when it compiled).
func buildGo(t *testing.T, srcs []string) []string {
	t.Helper()
	dir, err := os.MkdirTemp(".", ".build-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	args := []string{"build"}
	for i, src := range srcs {
		pkg := fmt.Sprintf("b%d", i)
		if err := os.Mkdir(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pkg, "block.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "./"+pkg)
	}
	cmd := goCommand(t.Context(), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	msgs := make([]string, len(srcs))
	if err == nil {
		return msgs
	}
	// Messages look like "b3/block.go:12:5: undefined: x", under a
	// "# .../b3" line.
	cur := -1
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "# ") {
			cur = -1
			for i := range srcs {
				if strings.HasSuffix(l, fmt.Sprintf("/b%d", i)) {
					cur = i
				}
			}
			continue
		}
		for i := range srcs {
			if strings.HasPrefix(l, fmt.Sprintf("b%d/", i)) {
				cur = i
			}
		}
		if cur >= 0 && l != "" {
			msgs[cur] += l + "\n"
		}
	}
	failed := false
	for _, m := range msgs {
		failed = failed || m != ""
	}
	if !failed {
		t.Fatalf("go build failed without naming a block: %v\n%s", err, out)
	}
	return msgs
}

// goCommand runs the go command at a low priority (through nice, where
// there is one), so that the checks do not crowd out other work.
func goCommand(ctx context.Context, args ...string) *exec.Cmd {
	if nice, err := exec.LookPath("nice"); err == nil {
		return exec.CommandContext(ctx, nice, append([]string{"-n", "10", "go"}, args...)...)
	}
	return exec.CommandContext(ctx, "go", args...)
}

// brokenGo is a README-like fragment that must not compile: the checks
// below expect go build to fail on it, so that a check that cannot fail
// does not go unnoticed.
var brokenGo = block{lang: "go", line: 0, text: "key, err := codec.ParseKey(\"x\")\nring, err := codec.NewKeyRingg(key)\n"}

// TestGoBlocks compiles every ```go block of the docs, wrapped by its
// goBlocks entry, and a broken one that must fail.
func TestGoBlocks(t *testing.T) {
	var (
		blocks []block
		srcs   []string
		starts []int
	)
	for _, b := range docBlocks(t) {
		w, ok := goBlocks[b.key()]
		if b.lang != "go" || !ok {
			continue // TestEveryBlockListed reports it
		}
		src, start := wrapGo(b, w)
		blocks, srcs, starts = append(blocks, b), append(srcs, src), append(starts, start)
	}
	broken, _ := wrapGo(brokenGo, goBlocks[`ring, err := codec.ParseKeyRing(os.Getenv("SESSION_KEYS")) // primary first; each key exactly 32 bytes`])
	msgs := buildGo(t, append(srcs, broken))
	for i, b := range blocks {
		t.Run(b.name(), func(t *testing.T) {
			if msgs[i] != "" {
				t.Errorf("%s: the go block does not compile (its first line is line %d of block.go, %s):\n%s\n%s",
					b.at(b.line), starts[i], b.at(b.line+1), msgs[i], srcs[i])
			}
		})
	}
	t.Run("broken block fails", func(t *testing.T) {
		if msgs[len(msgs)-1] == "" {
			t.Errorf("a block calling codec.NewKeyRingg compiled: the check cannot fail")
		} else if !strings.Contains(msgs[len(msgs)-1], "NewKeyRingg") {
			t.Errorf("the broken block failed for another reason:\n%s", msgs[len(msgs)-1])
		}
	})
}

// cli holds the cookiecodec command built for the tests.
var cli struct {
	once sync.Once
	dir  string // holds the binary "cookiecodec"
	err  error
}

// cliDir builds cmd/cookiecodec once and returns the directory that
// holds it.
func cliDir(t *testing.T) string {
	t.Helper()
	cli.once.Do(func() {
		cli.dir, cli.err = os.MkdirTemp("", "readmecheck-cli-")
		if cli.err != nil {
			return
		}
		cmd := goCommand(context.Background(), "build", "-o", filepath.Join(cli.dir, "cookiecodec"), "../../cmd/cookiecodec")
		if out, err := cmd.CombinedOutput(); err != nil {
			cli.err = fmt.Errorf("go build ./cmd/cookiecodec: %v\n%s", err, out)
		}
	})
	if cli.err != nil {
		t.Fatal(cli.err)
	}
	return cli.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cli.dir != "" {
		os.RemoveAll(cli.dir)
	}
	os.Exit(code)
}

// shell runs shell code in dir with the CLI first on PATH and returns
// stdout and stderr as one stream.
func shell(ctx context.Context, bin, dir, code string) (string, error) {
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-c", code)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		return out.String(), ctx.Err()
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return out.String(), err
	}
	return out.String(), nil // the exit status is not shown in the docs
}

// command is one "$ " line of a block and the output shown after it.
type command struct {
	line int // line in the block's doc
	cmd  string
	out  []string
}

// parseTranscript splits a block into its commands: a "$ " line, then the
// lines up to the next one, without trailing blank lines, are its output.
func parseTranscript(b block) []command {
	var cmds []command
	for i, l := range strings.Split(strings.TrimSuffix(b.text, "\n"), "\n") {
		if c, ok := strings.CutPrefix(l, "$ "); ok {
			cmds = append(cmds, command{line: b.line + 1 + i, cmd: c})
		} else if len(cmds) > 0 {
			cmds[len(cmds)-1].out = append(cmds[len(cmds)-1].out, l)
		}
	}
	for i := range cmds {
		for len(cmds[i].out) > 0 && strings.TrimSpace(cmds[i].out[len(cmds[i].out)-1]) == "" {
			cmds[i].out = cmds[i].out[:len(cmds[i].out)-1]
		}
	}
	return cmds
}

// mask applies the masks to each line.
func mask(lines []string, masks []*regexp.Regexp) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		for _, re := range masks {
			l = re.ReplaceAllStringFunc(l, func(m string) string {
				sub := re.FindStringSubmatch(m)
				if len(sub) > 1 {
					return sub[1] + "<varies>"
				}
				return "<varies>"
			})
		}
		out[i] = l
	}
	return out
}

// matchLines reports whether got matches want, where a want line "..."
// stands for any number of lines.
func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for i := 0; i <= len(got); i++ {
			if matchLines(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && want[0] == got[0] && matchLines(want[1:], got[1:])
}

func splitLines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// checkBlock runs a block of command lines in dir and returns a message
// for every difference from its doc.
func checkBlock(ctx context.Context, bin, dir string, b block, c cliCheck) []string {
	var msgs []string
	if c.synopsis {
		help, err := shell(ctx, bin, dir, "cookiecodec --help")
		if err != nil {
			return []string{err.Error()}
		}
		lines := map[string]bool{}
		for _, l := range splitLines(help) {
			lines[strings.TrimSpace(l)] = true
		}
		for i, l := range splitLines(b.text) {
			if !lines[strings.TrimSpace(l)] {
				msgs = append(msgs, fmt.Sprintf("%s: not a line of cookiecodec --help: %q\n--help prints:\n%s", b.at(b.line+1+i), l, help))
			}
		}
		return msgs
	}
	cmds := parseTranscript(b)
	if len(cmds) == 0 {
		return []string{fmt.Sprintf("%s: no \"$ \" command lines", b.at(b.line))}
	}
	sh := func(code string) string {
		out, err := shell(ctx, bin, dir, c.setup+"\n"+code)
		if err != nil {
			out += err.Error()
		}
		return out
	}
	for i, cmd := range cmds {
		run := cmd.cmd
		for from, to := range c.replace {
			run = strings.ReplaceAll(run, from, to)
		}
		out, err := shell(ctx, bin, dir, c.setup+"\n"+run)
		if err != nil {
			return append(msgs, fmt.Sprintf("%s: %s: %v", b.at(cmd.line), cmd.cmd, err))
		}
		want := cmd.out
		if f := c.want[i]; f != nil {
			if len(want) > 0 {
				msgs = append(msgs, fmt.Sprintf("%s: %s now shows this command's output: drop its want entry", b.at(cmd.line), b.file))
			}
			want = splitLines(f(sh, out))
		}
		got := mask(splitLines(out), c.masks)
		if !matchLines(mask(want, c.masks), got) {
			msgs = append(msgs, fmt.Sprintf("%s: $ %s\nprints:\n%s\n%s shows:\n%s",
				b.at(cmd.line), cmd.cmd, strings.Join(got, "\n"), b.file, strings.Join(want, "\n")))
		}
	}
	return msgs
}

// checkExcerpt checks an excerpt against the blocks of the docs that are
// run: each of its commands must be the command of one of them, word for
// word, and output shown under it must be what such a block shows.
func checkExcerpt(b block, blocks []block) []string {
	shown := map[string][][]string{} // command -> the outputs shown where it is run
	for _, o := range blocks {
		c, ok := cliBlocks[o.key()]
		if !ok || o.lang == "go" || c.excerpt || c.synopsis {
			continue
		}
		for _, cmd := range parseTranscript(o) {
			shown[cmd.cmd] = append(shown[cmd.cmd], cmd.out)
		}
	}
	cmds := parseTranscript(b)
	if len(cmds) == 0 {
		return []string{fmt.Sprintf("%s: no \"$ \" command lines", b.at(b.line))}
	}
	var msgs []string
	for _, cmd := range cmds {
		outs, ok := shown[cmd.cmd]
		if !ok {
			msgs = append(msgs, fmt.Sprintf("%s: $ %s\nis the command of no block that is run: copy it word for word from one", b.at(cmd.line), cmd.cmd))
			continue
		}
		if len(cmd.out) == 0 || slices.ContainsFunc(outs, func(out []string) bool { return slices.Equal(out, cmd.out) }) {
			continue
		}
		msgs = append(msgs, fmt.Sprintf("%s: $ %s\nshows:\n%s\nwhere it is run, the output shown is:\n%s",
			b.at(cmd.line), cmd.cmd, strings.Join(cmd.out, "\n"), strings.Join(outs[0], "\n")))
	}
	return msgs
}

// needBash skips the command checks where bash is missing, saying so;
// under CI=true a missing bash fails instead.
func needBash(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the docs' command lines need bash, and CI=true:", err)
		}
		t.Skip("the docs' command lines need bash:", err)
	}
}

// TestExcerptBlocks checks every excerpt against the blocks that are run.
func TestExcerptBlocks(t *testing.T) {
	blocks := docBlocks(t)
	for _, b := range blocks {
		if c, ok := cliBlocks[b.key()]; !ok || !c.excerpt || b.lang == "go" {
			continue
		}
		t.Run(b.name(), func(t *testing.T) {
			for _, msg := range checkExcerpt(b, blocks) {
				t.Error(msg)
			}
		})
	}
}

// TestCLIBlocks runs the docs' cookiecodec command lines, block after
// block in one directory and in the order of docs, and compares what they
// print with what the docs show. Excerpts are not run (TestExcerptBlocks).
func TestCLIBlocks(t *testing.T) {
	needBash(t)
	bin := cliDir(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for _, b := range docBlocks(t) {
		c, ok := cliBlocks[b.key()]
		if !ok || c.excerpt || b.lang == "go" {
			continue
		}
		t.Run(b.name(), func(t *testing.T) {
			for _, msg := range checkBlock(ctx, bin, dir, b, c) {
				t.Error(msg)
			}
		})
	}
}

// TestChecksCanFail feeds each check a block of the docs changed so that
// it is wrong, and expects the check to say so. (The Go check is shown to
// fail in TestGoBlocks, which compiles a broken block beside the docs'.)
func TestChecksCanFail(t *testing.T) {
	blocks := docBlocks(t)
	find := func(t *testing.T, key string) block {
		t.Helper()
		for _, b := range blocks {
			if b.key() == key {
				return b
			}
		}
		t.Fatalf("no block of the docs starts with %q", key)
		return block{}
	}
	changed := func(t *testing.T, b block, from, to string) block {
		t.Helper()
		if !strings.Contains(b.text, from) {
			t.Fatalf("%s: the block holds no %q to change", b.at(b.line), from)
		}
		b.text = strings.Replace(b.text, from, to, 1)
		return b
	}

	t.Run("unlisted block", func(t *testing.T) {
		// Compared with the docs' own messages, so that this shows the
		// check failing whatever state the docs are in.
		base := len(coverage(blocks))
		for _, file := range docs {
			extra := append(append([]block(nil), blocks...), block{file: file, lang: "sh", line: 9999, text: "$ cookiecodec decode new-example\n"})
			if msgs := coverage(extra); len(msgs) != base+1 || !strings.Contains(strings.Join(msgs, "\n"), file+":9999") {
				t.Errorf("a new block of %s went unnoticed: %q", file, msgs)
			}
		}
		extraGo := append(append([]block(nil), blocks...), block{file: docs[0], lang: "go", line: 9999, text: "fmt.Println(\"new example\")\n"})
		if msgs := coverage(extraGo); len(msgs) != base+1 {
			t.Errorf("a new go block went unnoticed: %q", msgs)
		}
		// A stale entry: the last block of each doc gone. (Not the first:
		// the manual's is the go install line, whose entry the README's
		// copy keeps in use.)
		for _, file := range docs {
			last := -1
			for i, b := range blocks {
				if b.file == file {
					last = i
				}
			}
			if last < 0 {
				t.Fatalf("%s has no blocks", file)
			}
			rest := slices.Delete(slices.Clone(blocks), last, last+1)
			if msgs := coverage(rest); len(msgs) != base+1 {
				t.Errorf("a stale table entry (the last block of %s removed) went unnoticed: %q", file, msgs)
			}
		}
	})

	t.Run("excerpt", func(t *testing.T) {
		const key = "$ cookiecodec verify --key-file secret.key --now 1700003600 eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
		for name, tc := range map[string]struct{ from, to string }{
			"command not run elsewhere": {from: "--now 1700003600 eyJ", to: "--now 1700003601 eyJ"},
			"output differs":            {from: "\n$ cookiecodec decode", to: "\nformat:     flask\n$ cookiecodec decode"},
		} {
			b := changed(t, find(t, key), tc.from, tc.to)
			if msgs := checkExcerpt(b, blocks); len(msgs) == 0 {
				t.Errorf("%s: the changed excerpt passed:\n%s", name, b.text)
			}
		}
	})

	needBash(t)
	bin := cliDir(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	if out, err := shell(ctx, bin, dir, "printf '%s' dev > secret.key"); err != nil || out != "" {
		t.Fatalf("writing secret.key: %v %s", err, out)
	}
	const decodeKey = "$ cookiecodec decode --now 1700003600 'Cookie: theme=dark; session=eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w'"
	for _, tc := range []struct {
		name     string
		key      string
		from, to string
		check    *cliCheck // the check to use instead of the block's own
	}{
		{name: "output differs", key: decodeKey, from: `"user": "alice"`, to: `"user": "bob"`},
		{name: "output missing", key: decodeKey, from: "compressed: no\n", to: ""},
		{name: "no output shown but some printed", key: decodeKey, from: "format:", to: "$ cookiecodec keygen\nformat:"},
		{name: "masked block, unmasked line differs", key: "$ cookiecodec keygen > native.key", from: "mode:       xchacha20poly1305", to: "mode:       aes256gcm"},
		{name: "masked block without its masks", key: "$ cookiecodec keygen > native.key", from: "purpose:    session", to: "purpose:    session", check: &cliCheck{}},
		{name: "elided output, rest differs", key: "$ ... | cookiecodec decode --now 1700003600 --redact", from: `"n": <int>`, to: `"n": <str>`},
		{name: "want entry differs", key: "$ cookiecodec sign --python --key-file secret.key --now 1700000000 \"{'cart': ('sku-1', 2), 'token': b'\\xde\\xad\\xbe\\xef', 'n': 3}\"", from: "'n': 3", to: "'n': 4"},
		{name: "synopsis line differs", key: "cookiecodec decode [flags] [INPUT | -]   show the contents WITHOUT verifying (marked UNVERIFIED)", from: "print a new native key", to: "print a new key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := changed(t, find(t, tc.key), tc.from, tc.to)
			c := cliBlocks[tc.key]
			if tc.check != nil {
				c = *tc.check
			}
			if msgs := checkBlock(ctx, bin, dir, b, c); len(msgs) == 0 {
				t.Errorf("the changed block passed:\n%s", b.text)
			}
		})
	}
}

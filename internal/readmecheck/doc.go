// Package readmecheck holds only tests: they keep the examples of the
// repository's docs true, so that they cannot silently rot. The docs are
// listed, in the order their blocks are run, in docs in readme_test.go:
// README.md, cmd/cookiecodec/README.md (the command's manual),
// cookiesession/PROXIES.md (the reverse-proxy measurements), the guides
// under docs/, the demo's and the benchmarks' READMEs and CONTRIBUTING.md.
// Every Markdown file of the repository with a fenced block must be
// listed there, or in unchecked with a reason (TestEveryDocChecked), so
// that an example moved to a new file is still checked.
//
// Every fenced block of the docs must be either checked or listed as
// skipped with a reason in readme_test.go. The three tables (goBlocks,
// cliBlocks, skipped) serve all the docs and are keyed by a block's first
// line, whichever doc it is in: two blocks with the same first line share
// an entry (the go install line of both READMEs). A block that is neither
// checked nor skipped, in any doc, fails TestEveryBlockListed, and so does
// a table entry whose block is gone from every doc. Messages name the doc
// and line ("cmd/cookiecodec/README.md:131: ..."); subtests are named by
// the doc, with "_" for "/", and the line.
//
// # Go blocks
//
// Every ```go block is compiled with go build against the module as it
// is. The blocks are fragments; each is wrapped by the rule of
// its entry in the goBlocks table, keyed by the block's first line: the
// block becomes the body of a function in a package of its own, with the
// imports the entry lists, package-level stand-ins for the names the
// fragment takes from its surroundings (a mux, a request, an app's user
// store, gorilla/websocket's Upgrader, which is not a dependency of this
// module), and "_ = x" uses of the names it declares for the reader and
// does not use itself. The packages are written to a directory whose name
// starts with "." inside this package's directory (so that ./... patterns
// never see it), built with one go build, and removed.
//
// # CLI blocks
//
// The blocks that show cookiecodec command lines ("$ " lines, each
// followed by the output it prints) are run with bash, with the CLI built
// once by go build, in one scratch directory shared by all of them, in
// the order of the docs and of the blocks in each (the manual's later
// blocks use the key files its earlier ones write), and
// stdout and stderr, as one stream, are compared with the doc line by
// line. A line "..." in the shown output stands for any lines. A command
// with no output shown must print nothing, unless its cliBlocks entry says
// what it prints instead. Output that differs on every run (random keys,
// session ids, times of the run) is masked by the entry's patterns, in
// the doc and in the output alike, and only its shape is checked. The
// usage synopsis (a block of "cookiecodec VERB ..." lines) must match the
// lines of "cookiecodec --help".
//
// An excerpt (a cliBlocks entry with excerpt set: the README's short
// "The cookiecodec command" section) is not run. TestExcerptBlocks checks
// that each of its "$ " lines is, word for word, the command of a block
// that is run, and that any output shown under it is the output shown
// there; so the summary cannot drift from the manual, whose examples are
// run.
//
// TestChecksCanFail feeds each check a copy of a block made wrong
// (a changed or missing output line, output where none is shown, an
// unlisted block in each doc, a stale table entry of each doc, an excerpt
// whose command or output is not the manual's) and expects a failure;
// TestGoBlocks compiles a broken block beside the docs' and expects go
// build to refuse it.
//
// Skipped, each with its reason in the skipped table: blocks that start a
// server (the demo), fetch from a live server or the network (--url, go
// install), run the test suite or the benchmarks, and proxy
// configurations, which are not commands.
package readmecheck

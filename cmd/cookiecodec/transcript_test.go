package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The files in testdata/curl are what curl 7.88 printed for a Flask 2.2.2
// app (secret "secret") at 2026-12-07 06:12:03 UTC: login-i.txt is
// curl -i -L of /login, which sets the session on a 302 and redirects to
// /; login-v.txt is curl -v -L's standard error for the same exchange;
// logout-i.txt is curl -i of /logout, which deletes the session.
const curlNow = "1796623923"

func readCurl(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "curl", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCurlTranscripts checks that a whole curl -v or curl -i transcript
// on standard input gives the session the server set, as README.md (in
// this directory) promises, and that a transcript whose response deletes
// it says so.
func TestCurlTranscripts(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	verbose := readCurl(t, "login-v.txt")
	for name, stdin := range map[string]string{
		"curl -i -L":           readCurl(t, "login-i.txt"),
		"curl -v -L":           verbose,
		"curl -v -L 2>&1":      verbose + "{'roles': ('admin', 'dev'), 'user': 'alice'}",
		"curl -v, CRLF":        strings.ReplaceAll(verbose, "\n", "\r\n"),
		"curl -v request only": strings.ReplaceAll(verbose, "< Set-Cookie:", "< X-Set:"),
	} {
		t.Run(name, func(t *testing.T) {
			cliCase{args: []string{"verify", "--key-file", kf, "--now", curlNow, "-"}, stdin: stdin, code: exitOK,
				stdout: []string{"VALID", `"user": "alice"`, `("admin", "dev")`}}.check(t)
		})
	}
	cliCase{args: []string{"decode", "--json", "--now", curlNow, "-"}, stdin: readCurl(t, "logout-i.txt"), code: exitFailed,
		stdout: []string{"cookie deleted: the Set-Cookie header of response in the transcript (302 FOUND, response 1 of 1) deletes cookie", "(Max-Age=0)"}}.check(t)
	cliCase{args: []string{"decode", "-"}, stdin: "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<p>hi</p>\n", code: exitFailed,
		stderr: []string{"the HTTP transcript holds no Set-Cookie or Cookie header"}}.check(t)
	// Lines that are neither headers nor a transcript are still refused.
	cliCase{args: []string{"decode", "-"}, stdin: "Cookie: a=1\nhello", code: exitFailed,
		stderr: []string{"line 2 is not a header line"}}.check(t)
}

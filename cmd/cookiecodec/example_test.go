package main

import (
	"os"
	"path/filepath"
	"strings"
)

// Decoding needs no key and says so.
func Example_decode() {
	run([]string{"decode", "--now", "1700003600",
		"session=eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"},
		strings.NewReader(""), os.Stdout, os.Stdout)
	// Output:
	// format:     flask (detected)
	// input:      name=value, cookie "session"
	// status:     UNVERIFIED (decode does not check the signature: anyone can forge this)
	// issued:     2023-11-14 22:13:20 UTC (1h ago)
	// expires:    2023-12-15 22:13:21 UTC (in 30d23h) [max-age 31d]
	// compressed: no
	// signature:  sha1 HMAC by its length (27 characters)
	//
	// {
	//   "_fresh": true,
	//   "user": "alice"
	// }
}

// A failed verification explains itself: here the key file was written
// with echo, so it ends in a newline that is part of the key.
func Example_verifyHint() {
	dir, _ := os.MkdirTemp("", "cookiecodec-example")
	defer os.RemoveAll(dir)
	key := filepath.Join(dir, "key")
	os.WriteFile(key, []byte("dev\n"), 0o600)
	code := run([]string{"verify", "--key-file", key, "--now", "1700003600",
		"eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"},
		strings.NewReader(""), os.Stdout, os.Stdout)
	os.Stdout.WriteString("exit " + string(rune('0'+code)) + "\n")
	// Output:
	// cookiecodec: error: codec: invalid signature
	// cookiecodec: hint: signature matches without the trailing newline of the primary key (a key file is used as its exact bytes: write it with printf '%s', not echo) (issued 2023-11-14 22:13:20 UTC, within max-age)
	// exit 1
}

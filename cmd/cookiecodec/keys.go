package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// maxKeyFile bounds a key file: 64 KiB is far more than any secret.
const maxKeyFile = 64 << 10

// keySet is the key material of one invocation. It is never printed.
type keySet struct {
	primary       []byte
	primarySource string // "--key-file", "--key-env VAR" or "--secret": for messages
	hasPrimary    bool
	fallbacks     [][]byte
	// fallbackSources names the flag of each fallback key, such as
	// "--fallback-key-env OLD_KEY": for messages.
	fallbackSources []string
	hashKey         []byte // gorilla
	blockKey        []byte // gorilla
	// gorillaFallbacks are the older gorilla key pairs, in the order
	// given (--fallback-hash-key-file, --fallback-block-key-file).
	gorillaFallbacks []gorillaPair
}

// gorillaPair is one gorilla/securecookie key pair: a hash key and, when
// the app encrypted, a block key (nil when it only signed).
type gorillaPair struct {
	hash, block []byte
	source      string // the flag that gave the hash key, for messages
}

// loadKeys reads the keys the flags name. At most one of --key-file,
// --key-env and --secret may give the primary key; an empty key, from any
// of them or from a key file of another flag, is a usage error naming its
// source. --secret warns on stderr. The key file is used as its exact bytes: a trailing newline is
// part of the key (verify hints when removing it would match).
func (c *cli) loadKeys() (keySet, error) {
	if c.keys != nil {
		return *c.keys, nil // --lines: read once
	}
	o := c.opts
	var ks keySet
	sources := 0
	if o.set["key-file"] {
		b, err := c.readKeyFile("--key-file", o.keyFile)
		if err != nil {
			return ks, err
		}
		ks.primary, ks.primarySource = b, "--key-file"
		sources++
	}
	if o.set["key-env"] {
		v, err := readKeyEnv("--key-env", o.keyEnv)
		if err != nil {
			return ks, err
		}
		ks.primary, ks.primarySource = v, "--key-env "+o.keyEnv
		sources++
	}
	if o.set["secret"] {
		c.warnf("--secret puts the key on the command line, where other users can see it (ps, shell history); prefer --key-file or --key-env")
		if o.secret == "" {
			return ks, usagef("--secret is empty; an empty key is no key (Flask has no session without one)")
		}
		ks.primary, ks.primarySource = []byte(o.secret), "--secret"
		sources++
	}
	if sources > 1 {
		return ks, usagef("give the primary key once: --key-file, --key-env or --secret")
	}
	ks.hasPrimary = sources == 1
	for _, f := range o.fallbacks {
		var b []byte
		var err error
		if f.flag == "--fallback-key-env" {
			b, err = readKeyEnv(f.flag, f.arg)
		} else {
			b, err = c.readKeyFile(f.flag, f.arg)
		}
		if err != nil {
			return ks, err
		}
		ks.fallbacks = append(ks.fallbacks, b)
		ks.fallbackSources = append(ks.fallbackSources, f.flag+" "+f.arg)
	}
	if o.set["hash-key-file"] {
		b, err := readKeyFile("--hash-key-file", o.hashKeyFile)
		if err != nil {
			return ks, err
		}
		ks.hashKey = b
	}
	if o.set["block-key-file"] {
		b, err := readKeyFile("--block-key-file", o.blockKeyFile)
		if err != nil {
			return ks, err
		}
		ks.blockKey = b
	}
	hashes, blocks := o.fallbackHashKeyFiles, o.fallbackBlockKeyFiles
	if len(blocks) > len(hashes) {
		return ks, usagef("%d --fallback-block-key-file for %d --fallback-hash-key-file: the Nth block key goes with the Nth hash key, and every pair has a hash key", len(blocks), len(hashes))
	}
	for i, path := range hashes {
		p := gorillaPair{source: "--fallback-hash-key-file " + path}
		var err error
		if p.hash, err = readKeyFile("--fallback-hash-key-file", path); err != nil {
			return ks, err
		}
		if i < len(blocks) {
			if p.block, err = readKeyFile("--fallback-block-key-file", blocks[i]); err != nil {
				return ks, err
			}
		}
		ks.gorillaFallbacks = append(ks.gorillaFallbacks, p)
	}
	return ks, nil
}

// readKeyEnv returns the value of the environment variable name as a key,
// for flagName (--key-env, --fallback-key-env): its exact bytes. A name
// that is empty or not set, and an empty value, are usage errors. Errors
// name the flag and the variable, never the value.
func readKeyEnv(flagName, name string) ([]byte, error) {
	if name == "" {
		return nil, usagef("%s needs the name of an environment variable", flagName)
	}
	v, ok := os.LookupEnv(name)
	if !ok {
		return nil, usagef("%s %s: the environment variable is not set", flagName, name)
	}
	if v == "" {
		return nil, usagef("%s %s: the environment variable is empty; an empty key is no key (Flask has no session without one)", flagName, name)
	}
	return []byte(v), nil
}

// readKeyFile is the package's readKeyFile, and reads standard input for
// the path "-": once, and only when INPUT (or the session to sign) does
// not come from there too. A terminal gets no prompt: the key is read as
// it is, a trailing newline included (verify hints when removing it would
// match).
func (c *cli) readKeyFile(flagName, path string) ([]byte, error) {
	if path != "-" {
		return readKeyFile(flagName, path)
	}
	if c.stdinUsed {
		return nil, usagef("%s -: standard input is read once, and another flag reads it already", flagName)
	}
	if c.inputOnStdin() {
		return nil, usagef("%s - reads the key on standard input, which INPUT reads too: give INPUT as an argument (or --url), or the key with --key-env", flagName)
	}
	c.stdinUsed = true
	b, err := readSecret(flagName, "-", c.stdin, "a key file holds one key")
	if err == nil && len(b) == 0 {
		return nil, usagef("%s -: standard input is empty; an empty key is no key (Flask has no session without one)", flagName)
	}
	return b, err
}

// inputOnStdin reports whether the command reads its INPUT (or, for
// sign, the session) on standard input: no --url, and no positional
// argument or "-".
func (c *cli) inputOnStdin() bool {
	if c.verb == "keygen" || c.opts.url != "" {
		return false
	}
	if c.opts.lines != "" {
		return c.opts.lines == "-"
	}
	return len(c.args) == 0 || c.args[0] == "-"
}

// readKeyFile returns the exact bytes of a key file, at most maxKeyFile.
// An empty file is a usage error: an empty key is no key (Flask opens no
// session without a secret), and signing or verifying with one would
// only hide a mistake. Errors name the flag and the path, never the
// content.
func readKeyFile(flagName, path string) ([]byte, error) {
	b, err := readSecretFile(flagName, path, "a key file holds one key")
	if err == nil && len(b) == 0 {
		return nil, usagef("%s %s: the file is empty; an empty key is no key (Flask has no session without one)", flagName, path)
	}
	return b, err
}

// readSecretFile returns the exact bytes of a file that may hold a secret,
// at most maxKeyFile; tooLarge ends the error for a larger one. Errors name
// the flag and the path, never the content.
func readSecretFile(flagName, path, tooLarge string) ([]byte, error) {
	if path == "" {
		return nil, usagef("%s needs a file name", flagName)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError{fmt.Errorf("%s: %w", flagName, err)}
	}
	defer f.Close()
	return readSecret(flagName, path, f, tooLarge)
}

// readSecret reads a secret for readSecretFile from r, the file path.
func readSecret(flagName, path string, r io.Reader, tooLarge string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxKeyFile+1))
	if err != nil {
		return nil, fileError{fmt.Errorf("%s %s: %w", flagName, path, err)}
	}
	if len(b) > maxKeyFile {
		return nil, fileError{fmt.Errorf("%s %s: larger than %d bytes; %s", flagName, path, maxKeyFile, tooLarge)}
	}
	return b, nil
}

// errFile marks a file that a flag names (a key file, --wordlist, --data
// @PATH, a client certificate) and that could not be read: the --json
// error kind "file", which says nothing about the cookie.
var errFile = errors.New("file")

// fileError is an error reading a file a flag names; its message is the
// wrapped error's, and it matches errFile.
type fileError struct{ err error }

func (e fileError) Error() string   { return e.err.Error() }
func (e fileError) Unwrap() []error { return []error{errFile, e.err} }

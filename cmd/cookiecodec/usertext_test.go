package main

import "testing"

// TestUserText checks that messages lose the library's package prefixes
// where they start a part of the message, and nothing else.
func TestUserText(t *testing.T) {
	for in, want := range map[string]string{
		"codec: invalid signature":                                 "invalid signature",
		"codec: bad payload: serializer: syntax error at offset 0": "bad payload: syntax error at offset 0",
		"--python: codec: malformed cookie":                        "--python: malformed cookie",
		"value \"xcodec: y\" kept: codecs: too":                    "value \"xcodec: y\" kept: codecs: too",
		"no prefix here":                                           "no prefix here",
	} {
		if got := userText(in); got != want {
			t.Errorf("userText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMessagesWithoutPackagePrefixes checks the command's own output: the
// error line, the --json message and the hints of a cookie whose payload is
// not JSON name no Go package, and error.kind still gives the class.
func TestMessagesWithoutPackagePrefixes(t *testing.T) {
	kf := writeFile(t, "k", []byte("secret"))
	other := signFlask(t, []byte("another secret"), `{"a":1}`)
	notJSON := "e25vdA.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w" // the payload is "{not"
	for _, tc := range []cliCase{
		{name: "decode", args: []string{"decode", notJSON}, code: exitFailed,
			stderr: []string{"cookiecodec: error: bad payload: syntax error"}, notStderr: []string{": codec: ", ": serializer: "}},
		{name: "decode --json", args: []string{"decode", "--json", notJSON}, code: exitFailed,
			stdout: []string{`"kind":"payload","message":"bad payload: syntax error`}, notStdout: []string{`"codec: `, "serializer: "}},
		{name: "verify", args: []string{"verify", "--key-file", kf, other}, code: exitFailed,
			stderr: []string{"cookiecodec: error: invalid signature"}, notStderr: []string{"error: codec: "}},
		{name: "verify --json", args: []string{"verify", "--json", "--key-file", kf, other}, code: exitFailed,
			stdout: []string{`"kind":"signature","message":"invalid signature"`}},
	} {
		tc.check(t)
	}
}

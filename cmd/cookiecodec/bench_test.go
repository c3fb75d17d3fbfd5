package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
)

// BenchmarkAuditCandidate measures one candidate secret of audit: derive
// the HMAC key and MAC the cookie (codec.Checker, Flask's parameters).
func BenchmarkAuditCandidate(b *testing.B) {
	p := codec.FlaskParams()
	ps, err := codec.ParseSigned(devCookie, p)
	if err != nil {
		b.Fatal(err)
	}
	chk, err := codec.NewChecker(p, ps)
	if err != nil {
		b.Fatal(err)
	}
	secret := []byte("not-the-secret")
	b.ReportAllocs()
	for b.Loop() {
		chk.Check(secret)
	}
}

// BenchmarkAuditWordlist runs the audit command over a 100 000-line
// wordlist that does not hold the secret, on all cores; candidates/s is
// the figure to quote.
func BenchmarkAuditWordlist(b *testing.B) {
	var wl bytes.Buffer
	const lines = 100000
	for i := range lines {
		fmt.Fprintf(&wl, "candidate-%d\n", i)
	}
	path := writeFileB(b, wl.Bytes())
	cookie := strings.TrimSpace(signForBench(b))
	b.ReportAllocs()
	for b.Loop() {
		code := run([]string{"audit", "--wordlist", path, cookie}, strings.NewReader(""), io.Discard, io.Discard)
		if code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(lines+len(builtinSecrets))*float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
}

func signForBench(b *testing.B) string {
	var out bytes.Buffer
	if run([]string{"sign", "--secret", "a-strong-random-secret-0123456789", `{"user":"alice"}`}, strings.NewReader(""), &out, io.Discard) != exitOK {
		b.Fatal("sign failed")
	}
	return out.String()
}

func writeFileB(b *testing.B, data []byte) string {
	p := b.TempDir() + "/words"
	if err := writeAll(p, data); err != nil {
		b.Fatal(err)
	}
	return p
}

func writeAll(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

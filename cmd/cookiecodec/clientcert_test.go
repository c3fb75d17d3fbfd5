package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/cookiecodec/cookiecodec/internal/localnet"
)

// testCert makes a certificate for cn, for client authentication, signed
// by parent's key (self-signed when parent is nil), and returns it with
// its key in PEM. It is a CA when self-signed or when cn ends in " CA"
// (an intermediate).
func testCert(t *testing.T, cn string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (cert *x509.Certificate, key *ecdsa.PrivateKey, certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if parent == nil || strings.HasSuffix(cn, " CA") {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key,
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

// mutualTLSServer starts a server that sets the dev cookie over TLS (up to
// maxVersion; 0 for Go's highest) to clients with a certificate signed by
// a CA in pool, and refuses the others, until the test ends.
func mutualTLSServer(t *testing.T, pool *x509.CertPool, maxVersion uint16) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(setCookies("", "session="+devCookie+"; Secure"))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MaxVersion: maxVersion}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TestFetchClientCert fetches from a server that requires a client
// certificate signed by its own CA (mutual TLS).
func TestFetchClientCert(t *testing.T) {
	ca, caKey, _, _ := testCert(t, "test CA", nil, nil)
	_, _, certPEM, keyPEM := testCert(t, "alice", ca, caKey)
	_, _, strangerPEM, strangerKeyPEM := testCert(t, "stranger", nil, nil)
	pool := x509.NewCertPool()
	pool.AddCert(ca)

	srv := mutualTLSServer(t, pool, 0)

	cert := writeFile(t, "alice.crt", certPEM)
	key := writeFile(t, "alice.key", keyPEM)
	both := writeFile(t, "alice.pem", append(append([]byte{}, certPEM...), keyPEM...))
	stranger := writeFile(t, "stranger.crt", strangerPEM)
	strangerKey := writeFile(t, "stranger.key", strangerKeyPEM)
	fetch := func(flags ...string) []string {
		return append(append([]string{"decode"}, flags...), "--now", devNow, "--insecure", "--url", srv.URL+"/")
	}
	tests := []cliCase{
		{name: "no certificate", args: fetch(), code: exitAuditFailed,
			stderr: []string{"fetch failed: GET " + srv.URL + "/", "hint: the server asks for a client certificate (mutual TLS): give it with --client-cert"}},
		{name: "certificate and key", args: fetch("--client-cert", cert, "--client-key", key), code: exitOK,
			stdout: []string{`"user": "alice"`, "from GET " + srv.URL + "/ (200 OK, response 1 of 1)"}},
		{name: "both in one file", args: fetch("--client-cert", both), code: exitOK,
			stdout: []string{`"user": "alice"`}},
		{name: "certificate the server does not trust", args: fetch("--client-cert", stranger, "--client-key", strangerKey), code: exitAuditFailed,
			stderr: []string{"fetch failed", "hint: the server did not accept the client certificate of --client-cert"}},
		{name: "key of another certificate", args: fetch("--client-cert", cert, "--client-key", strangerKey), code: exitAuditFailed,
			stderr: []string{"--client-cert " + cert + " with the key of --client-key " + strangerKey + ": tls: private key does not match public key"}},
		{name: "no key", args: fetch("--client-cert", cert), code: exitAuditFailed,
			stderr: []string{"--client-cert " + cert + " with the key of --client-cert " + cert + ": tls:"}},
		{name: "key without certificate", args: fetch("--client-key", key), code: exitUsage,
			stderr: []string{"--client-key needs --client-cert"}},
		{name: "certificate without url", args: []string{"decode", "--client-cert", cert, devCookie}, code: exitUsage,
			stderr: []string{"--client-cert needs --url"}},
	}
	// Go's TLS 1.2 server refuses with a less specific alert,
	// handshake_failure.
	srv12 := mutualTLSServer(t, pool, tls.VersionTLS12)
	tests = append(tests,
		cliCase{name: "TLS 1.2, no certificate", args: []string{"decode", "--insecure", "--url", srv12.URL + "/"}, code: exitAuditFailed,
			stderr: []string{"remote error: tls: handshake failure", "hint: the TLS handshake failed: if the server wants a client certificate (mutual TLS), give it with --client-cert"}},
		cliCase{name: "TLS 1.2, certificate and key", args: []string{"decode", "--now", devNow, "--client-cert", cert, "--client-key", key, "--insecure", "--url", srv12.URL + "/"}, code: exitOK,
			stdout: []string{`"user": "alice"`}},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := tt.check(t)
			if strings.Contains(stdout+stderr, "PRIVATE KEY") || strings.Contains(stdout+stderr, strings.Split(string(keyPEM), "\n")[1]) {
				t.Errorf("the output shows the private key:\n%s%s", stdout, stderr)
			}
		})
	}
}

// opensslPath is Debian's OpenSSL command, which makes the PKCS#12 files
// of TestFetchClientCertPKCS12 as other tools do.
const opensslPath = "/usr/bin/openssl"

// TestFetchClientCertPKCS12 fetches from a server that requires a client
// certificate, given with its intermediate CA as PKCS#12 files made by the
// real OpenSSL: its
// default (AES-256 and PBKDF2, as OpenSSL 3 and current browsers export),
// its -legacy format (3DES and RC2, as older tools export), and one with
// an empty password.
func TestFetchClientCertPKCS12(t *testing.T) {
	if _, err := os.Stat(opensslPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("OpenSSL is required in CI (%s): %v", opensslPath, err)
		}
		t.Skipf("OpenSSL not available (%s): %v", opensslPath, err)
	}
	// The server trusts the root only, so the client must send the
	// intermediate that signed its certificate: the PKCS#12 file's chain.
	root, rootKey, _, _ := testCert(t, "root CA", nil, nil)
	intermediate, intermediateKey, intermediatePEM, _ := testCert(t, "intermediate CA", root, rootKey)
	_, _, certPEM, keyPEM := testCert(t, "alice", intermediate, intermediateKey)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	srv := mutualTLSServer(t, pool, 0)

	const password = "correct horse"
	t.Setenv("P12_PASSWORD", password)
	t.Setenv("P12_WRONG", "battery staple")
	cert := writeFile(t, "alice.crt", certPEM)
	key := writeFile(t, "alice.key", keyPEM)
	chainFile := writeFile(t, "intermediate.crt", intermediatePEM)
	p12 := func(name string, extra ...string) string {
		out := filepath.Join(t.TempDir(), name)
		args := append([]string{"pkcs12", "-export", "-in", cert, "-inkey", key, "-certfile", chainFile, "-out", out}, extra...)
		cmd := exec.CommandContext(t.Context(), opensslPath, args...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return out
	}
	modern := p12("alice.p12", "-passout", "env:P12_PASSWORD")
	legacy := p12("alice-legacy.p12", "-legacy", "-passout", "env:P12_PASSWORD")
	open := p12("alice-open.p12", "-passout", "pass:")

	// OpenSSL refuses to pack a key with a certificate it does not match;
	// go-pkcs12's encoder does not check.
	leaf, _, _, _ := testCert(t, "alice", intermediate, intermediateKey)
	_, otherKey, _, _ := testCert(t, "mallory", intermediate, intermediateKey)
	mismatched, err := pkcs12.Modern.Encode(otherKey, leaf, nil, "")
	if err != nil {
		t.Fatal(err)
	}

	fetch := func(flags ...string) []string {
		return append(append([]string{"decode"}, flags...), "--now", devNow, "--insecure", "--url", srv.URL+"/")
	}
	tests := []cliCase{
		{name: "key of another certificate", args: fetch("--client-cert", writeFile(t, "mismatched.p12", mismatched)), code: exitAuditFailed,
			stderr: []string{"the private key in the PKCS#12 file is not the key of its certificate"}},
		{name: "OpenSSL's default format", args: fetch("--client-cert", modern, "--client-cert-password-env", "P12_PASSWORD"), code: exitOK,
			stdout: []string{`"user": "alice"`}},
		{name: "OpenSSL's legacy format", args: fetch("--client-cert", legacy, "--client-cert-password-env", "P12_PASSWORD"), code: exitOK,
			stdout: []string{`"user": "alice"`}},
		{name: "empty password", args: fetch("--client-cert", open), code: exitOK,
			stdout: []string{`"user": "alice"`}},
		{name: "wrong password", args: fetch("--client-cert", modern, "--client-cert-password-env", "P12_WRONG"), code: exitAuditFailed,
			stderr: []string{"--client-cert " + modern + ": PKCS#12 file, and the password of $P12_WRONG does not open it"}},
		{name: "password not given", args: fetch("--client-cert", modern), code: exitAuditFailed,
			stderr: []string{"an empty password does not open it; give its password with --client-cert-password-env VAR"}},
		{name: "password variable not set", args: fetch("--client-cert", modern, "--client-cert-password-env", "P12_UNSET"), code: exitUsage,
			stderr: []string{"--client-cert-password-env P12_UNSET: the environment variable is not set"}},
		{name: "key beside a PKCS#12 file", args: fetch("--client-cert", modern, "--client-key", key), code: exitUsage,
			stderr: []string{"--client-key: " + modern + " is not PEM, so it is read as PKCS#12, which holds its own key"}},
		{name: "password for a PEM certificate", args: fetch("--client-cert", cert, "--client-key", key, "--client-cert-password-env", "P12_PASSWORD"), code: exitUsage,
			stderr: []string{"--client-cert-password-env is for a PKCS#12 --client-cert; " + cert + " is PEM"}},
		{name: "password without certificate", args: fetch("--client-cert-password-env", "P12_PASSWORD"), code: exitUsage,
			stderr: []string{"--client-cert-password-env needs --client-cert"}},
		{name: "neither PEM nor PKCS#12", args: fetch("--client-cert", writeFile(t, "junk.p12", []byte("\x30\x03\x02\x01\x05"))), code: exitAuditFailed,
			stderr: []string{"neither PEM nor a PKCS#12 file this tool reads"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := tt.check(t)
			if strings.Contains(stdout+stderr, password) {
				t.Errorf("the output shows the password:\n%s%s", stdout, stderr)
			}
		})
	}
}

// TestClientCertPKCS12IterationBound: a PKCS#12 file names its own
// iteration counts, and go-pkcs12 runs whatever count it finds (2^31 keep
// a core busy for minutes). openPKCS12 gives up after pkcs12OpenLimit,
// lowered here. The slow file is a real one with its MAC's count raised
// to 2^24 (about 2 s of work, left to finish in the background); the
// same file with its own count still opens within the lowered bound.
func TestClientCertPKCS12IterationBound(t *testing.T) {
	limit := pkcs12OpenLimit
	pkcs12OpenLimit = 200 * time.Millisecond
	t.Cleanup(func() { pkcs12OpenLimit = limit })
	cert, key, _, _ := testCert(t, "alice", nil, nil)
	pfx, err := pkcs12.Modern.WithIterations(2048).Encode(key, cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  struct {
			Mac        asn1.RawValue
			MacSalt    []byte
			Iterations int
		}
	}
	if _, err := asn1.Unmarshal(pfx, &p); err != nil || p.MacData.Iterations != 2048 {
		t.Fatalf("the PKCS#12 file's MAC data: %d iterations, %v", p.MacData.Iterations, err)
	}
	p.MacData.Iterations = 1 << 24
	slow, err := asn1.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("P12_PASSWORD", "pw")
	url := "http://" + localnet.FreeAddr(t) + "/"
	args := func(file []byte) []string {
		return []string{"decode", "--client-cert", writeFile(t, "alice.p12", file), "--client-cert-password-env", "P12_PASSWORD", "--url", url}
	}
	start := time.Now()
	cliCase{args: args(slow), code: exitAuditFailed, stderr: []string{"the PKCS#12 file did not open within 200ms: it must claim an iteration count far beyond"}}.check(t)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the slow file took %s to refuse", d)
	}
	cliCase{args: args(pfx), code: exitAuditFailed, stderr: []string{"fetch failed"}, notStderr: []string{"PKCS#12"}}.check(t)
}

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// testCert makes a certificate for cn, for client authentication, signed
// by parent's key (self-signed when parent is nil), and returns it with
// its key in PEM.
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
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
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

// TestFetchClientCert fetches from a server that requires a client
// certificate signed by its own CA (mutual TLS).
func TestFetchClientCert(t *testing.T) {
	ca, caKey, _, _ := testCert(t, "test CA", nil, nil)
	_, _, certPEM, keyPEM := testCert(t, "alice", ca, caKey)
	_, _, strangerPEM, strangerKeyPEM := testCert(t, "stranger", nil, nil)
	pool := x509.NewCertPool()
	pool.AddCert(ca)

	srv := httptest.NewUnstartedServer(setCookies("", "session="+devCookie+"; Secure"))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()

	cert := writeFile(t, "alice.crt", certPEM)
	key := writeFile(t, "alice.key", keyPEM)
	both := writeFile(t, "alice.pem", append(append([]byte{}, certPEM...), keyPEM...))
	stranger := writeFile(t, "stranger.crt", strangerPEM)
	strangerKey := writeFile(t, "stranger.key", strangerKeyPEM)
	fetch := func(flags ...string) []string {
		return append(append([]string{"decode"}, flags...), "--now", devNow, "--insecure", "--url", srv.URL+"/")
	}
	tests := []cliCase{
		{name: "no certificate", args: fetch(), code: exitFailed,
			stderr: []string{"fetch failed: GET " + srv.URL + "/", "hint: the server asks for a client certificate (mutual TLS): give it with --client-cert"}},
		{name: "certificate and key", args: fetch("--client-cert", cert, "--client-key", key), code: exitOK,
			stdout: []string{`"user": "alice"`, "from GET " + srv.URL + "/ (200 OK, response 1 of 1)"}},
		{name: "both in one file", args: fetch("--client-cert", both), code: exitOK,
			stdout: []string{`"user": "alice"`}},
		{name: "certificate the server does not trust", args: fetch("--client-cert", stranger, "--client-key", strangerKey), code: exitFailed,
			stderr: []string{"fetch failed", "hint: the server did not accept the client certificate of --client-cert"}},
		{name: "key of another certificate", args: fetch("--client-cert", cert, "--client-key", strangerKey), code: exitFailed,
			stderr: []string{"--client-cert " + cert + " with the key of --client-key " + strangerKey + ": tls: private key does not match public key"}},
		{name: "no key", args: fetch("--client-cert", cert), code: exitFailed,
			stderr: []string{"--client-cert " + cert + " with the key of --client-cert " + cert + ": tls:"}},
		{name: "key without certificate", args: fetch("--client-key", key), code: exitUsage,
			stderr: []string{"--client-key needs --client-cert"}},
		{name: "certificate without url", args: []string{"decode", "--client-cert", cert, devCookie}, code: exitUsage,
			stderr: []string{"--client-cert needs --url"}},
	}
	// Go's TLS 1.2 server refuses with a less specific alert,
	// handshake_failure.
	srv12 := httptest.NewUnstartedServer(setCookies("", "session="+devCookie+"; Secure"))
	srv12.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MaxVersion: tls.VersionTLS12}
	srv12.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv12.StartTLS()
	defer srv12.Close()
	tests = append(tests,
		cliCase{name: "TLS 1.2, no certificate", args: []string{"decode", "--insecure", "--url", srv12.URL + "/"}, code: exitFailed,
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

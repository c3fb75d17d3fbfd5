package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
)

// TestCookiesessionChunks: a real cookiesession middleware on a 127.0.0.1
// server writes a session too large for one cookie as chunks; the Cookie
// header a browser would send back verifies with the CLI.
func TestCookiesessionChunks(t *testing.T) {
	keyFile, _ := newNativeKey(t)
	text, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	k, err := codec.ParseKey(string(text))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := codec.NewKeyRing(k)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := codec.NewNative(ring, codec.NativeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := cookiesession.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("0123456789abcdef", 400) // 6400 bytes: two or more chunks
	srv := httptest.NewServer(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := m.Session(r).Set("cart", big); err != nil {
			t.Error(err)
		}
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var pairs []string
	for _, c := range resp.Cookies() {
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	if len(pairs) < 2 {
		t.Fatalf("expected chunk cookies, got %d Set-Cookie headers", len(pairs))
	}
	header := "Cookie: " + strings.Join(pairs, "; ")
	code, stdout, stderr := runCLI(t, header, "verify", "--json", "--key-file", keyFile)
	out := jsonOut(t, stdout)
	p, _ := out["payload"].(map[string]any)
	if code != exitOK || p["cart"] != big {
		t.Fatalf("verify of %d chunks: exit %d %v %s", len(pairs), code, out["error"], stderr)
	}
	code, stdout, _ = runCLI(t, header, "decode", "--now", "2030-01-01T00:00:00Z")
	if code != exitOK || !strings.Contains(stdout, "reassembled from chunks") {
		t.Fatalf("decode of chunks: exit %d\n%s", code, stdout)
	}
}

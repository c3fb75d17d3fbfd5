package frameworks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	gorillaws "github.com/gorilla/websocket"

	"github.com/cookiecodec/cookiecodec/cookiesession"
)

// wsServer serves /read (the session's "ws" value) and upgrade at /ws, on a
// real 127.0.0.1 server behind the middleware.
func wsServer(t *testing.T, m *cookiesession.Manager, upgrade http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		v, _ := cookiesession.Get[string](m.Session(r), "ws")
		_, _ = io.WriteString(w, v)
	})
	mux.HandleFunc("/ws", upgrade)
	srv := httptest.NewServer(m.LoadAndSave(mux))
	t.Cleanup(srv.Close)
	return srv
}

func readSession(t *testing.T, client *http.Client, base string) string {
	t.Helper()
	resp, err := client.Get(base + "/read")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestCoderWebSocket upgrades with coder/websocket, which calls
// WriteHeader(101) before it hijacks: the middleware commits there, so a
// change made before the upgrade reaches the client in the 101 response.
func TestCoderWebSocket(t *testing.T) {
	a := newApp(t)
	srv := wsServer(t, a.m, func(w http.ResponseWriter, r *http.Request) {
		if err := a.m.Session(r).Set("ws", "coder"); err != nil {
			t.Error(err)
		}
		c, err := coderws.Accept(w, r, nil)
		if err != nil {
			t.Errorf("Accept: %v", err)
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		typ, msg, err := c.Read(ctx)
		if err == nil {
			err = c.Write(ctx, typ, msg)
		}
		if err != nil {
			t.Errorf("echo: %v", err)
			return
		}
		_ = c.Close(coderws.StatusNormalClosure, "")
	})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, resp, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", &coderws.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.CloseNow()
	if n := len(resp.Header.Values("Set-Cookie")); n != 1 {
		t.Errorf("101 response with %d Set-Cookie", n)
	}
	if err := c.Write(ctx, coderws.MessageText, []byte("ping")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != "ping" {
		t.Errorf("echo %q, %v", msg, err)
	}
	_ = c.Close(coderws.StatusNormalClosure, "")
	if got := readSession(t, client, srv.URL); got != "coder" {
		t.Errorf("session after the upgrade: ws=%q, want coder", got)
	}
}

// TestGorillaWebSocket upgrades with gorilla/websocket, which hijacks first
// and writes its own 101 response from the header it is given: with
// Session.Commit into that header the change made before the upgrade is
// saved, and without it the change is lost (as documented on Commit).
func TestGorillaWebSocket(t *testing.T) {
	for _, commit := range []bool{true, false} {
		a := newApp(t)
		var upgrader gorillaws.Upgrader
		srv := wsServer(t, a.m, func(w http.ResponseWriter, r *http.Request) {
			s := a.m.Session(r)
			if err := s.Set("ws", "gorilla"); err != nil {
				t.Error(err)
			}
			h := http.Header{}
			if commit {
				if err := s.Commit(h); err != nil {
					t.Errorf("Commit: %v", err)
				}
			}
			c, err := upgrader.Upgrade(w, r, h)
			if err != nil {
				t.Errorf("Upgrade: %v", err)
				return
			}
			defer c.Close()
			typ, msg, err := c.ReadMessage()
			if err == nil {
				err = c.WriteMessage(typ, msg)
			}
			if err != nil {
				t.Errorf("echo: %v", err)
			}
		})
		jar, _ := cookiejar.New(nil)
		dialer := gorillaws.Dialer{Jar: jar, HandshakeTimeout: 20 * time.Second}
		c, resp, err := dialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", nil)
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		if err := c.WriteMessage(gorillaws.TextMessage, []byte("ping")); err != nil {
			t.Fatal(err)
		}
		if _, msg, err := c.ReadMessage(); err != nil || string(msg) != "ping" {
			t.Errorf("echo %q, %v", msg, err)
		}
		c.Close()
		want, cookies := "", 0
		if commit {
			want, cookies = "gorilla", 1
		}
		if n := len(resp.Header.Values("Set-Cookie")); n != cookies {
			t.Errorf("commit %v: 101 response with %d Set-Cookie, want %d", commit, n, cookies)
		}
		client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
		if got := readSession(t, client, srv.URL); got != want {
			t.Errorf("commit %v: session after the upgrade: ws=%q, want %q", commit, got, want)
		}
	}
}

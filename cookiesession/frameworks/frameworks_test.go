package frameworks_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/mux"
	"github.com/labstack/echo/v4"
	echov5 "github.com/labstack/echo/v5"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
)

// app is what every framework's routes do, written once against
// net/http's types: each framework test calls these from its own handler
// style, so that a difference in outcome comes from the framework.
type app struct {
	m *cookiesession.Manager
	// release lets the streaming handler go on after its first event, once
	// the client has read that event (which proves the flush reached the
	// wire with the cookie in front of it).
	release chan struct{}
}

func newApp(t *testing.T) *app {
	t.Helper()
	key, err := codec.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := codec.NewKeyRing(key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.NewNative(ring, codec.NativeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The test servers speak plain HTTP, where a browser or cookie jar
	// would not send a Secure cookie back.
	m, err := cookiesession.New(c, cookiesession.WithSecure(false))
	if err != nil {
		t.Fatal(err)
	}
	return &app{m: m, release: make(chan struct{})}
}

func (a *app) login(r *http.Request) error {
	s := a.m.Session(r)
	user := r.URL.Query().Get("user")
	if err := s.Renew(); err != nil {
		return err
	}
	if err := s.Set("user", user); err != nil {
		return err
	}
	return s.AddFlash("welcome "+user, "info")
}

// me describes the session: the user, whether /stream stored its mark,
// and the flashes (which this takes out of the session).
func (a *app) me(r *http.Request) string {
	s := a.m.Session(r)
	user, _ := cookiesession.Get[string](s, "user")
	streamed, _ := cookiesession.Get[bool](s, "streamed")
	var flashes []string
	for _, f := range s.Flashes() {
		flashes = append(flashes, f.Category+":"+f.Message)
	}
	return fmt.Sprintf("user=%s streamed=%t flashes=%s", user, streamed, strings.Join(flashes, ","))
}

func (a *app) logout(r *http.Request) error { return a.m.Session(r).Destroy() }

// beginStream changes the session before the response starts, as a
// streaming handler must.
func (a *app) beginStream(r *http.Request) error { return a.m.Session(r).Set("streamed", true) }

// event returns the text of stream event i; before event 1 it waits until
// the client has read event 0.
func (a *app) event(i int) string {
	if i == 1 {
		select {
		case <-a.release:
		case <-time.After(10 * time.Second):
			return "timeout\n"
		}
	}
	return fmt.Sprintf("event %d\n", i)
}

const events = 3

// check runs the same conversation against every framework's server: a
// login with a flash, the flash shown once, a streamed response that
// changes the session, and a logout.
func check(t *testing.T, a *app, base string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s body: %v", path, err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d, body %q", path, resp.StatusCode, b)
		}
		return resp, string(b)
	}
	want := func(path, body string) {
		t.Helper()
		if _, got := get(path); got != body {
			t.Errorf("GET %s = %q, want %q", path, got, body)
		}
	}

	want("/me", "user= streamed=false flashes=")
	if resp, _ := get("/login?user=alice"); len(resp.Header.Values("Set-Cookie")) != 1 {
		t.Errorf("login set %d cookies", len(resp.Header.Values("Set-Cookie")))
	}
	want("/me", "user=alice streamed=false flashes=info:welcome alice")
	want("/me", "user=alice streamed=false flashes=")

	resp, err := client.Get(base + "/stream")
	if err != nil {
		t.Fatalf("GET /stream: %v", err)
	}
	if len(resp.Header.Values("Set-Cookie")) != 1 || resp.Header.Get("Vary") == "" {
		t.Errorf("stream headers: %v", resp.Header)
	}
	br := bufio.NewReader(resp.Body)
	first, err := br.ReadString('\n')
	if err != nil || first != "event 0\n" {
		t.Errorf("first streamed event %q, %v", first, err)
	}
	close(a.release) // event 0 reached the client before the handler wrote on
	rest, err := io.ReadAll(br)
	resp.Body.Close()
	if err != nil || string(rest) != "event 1\nevent 2\n" {
		t.Errorf("rest of the stream %q, %v", rest, err)
	}

	want("/me", "user=alice streamed=true flashes=")
	get("/logout")
	want("/me", "user= streamed=false flashes=")
}

// TestGin serves the app from gin behind the middleware, streaming with
// gin's Context.Stream (which calls CloseNotify and Flush on the writer).
func TestGin(t *testing.T) {
	gin.SetMode(gin.TestMode)
	a := newApp(t)
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/login", func(c *gin.Context) {
		if err := a.login(c.Request); err != nil {
			c.String(http.StatusInternalServerError, err.Error())
			return
		}
		c.String(http.StatusOK, "ok")
	})
	r.GET("/me", func(c *gin.Context) { c.String(http.StatusOK, a.me(c.Request)) })
	r.GET("/logout", func(c *gin.Context) {
		if err := a.logout(c.Request); err != nil {
			c.String(http.StatusInternalServerError, err.Error())
			return
		}
		c.Status(http.StatusOK)
	})
	r.GET("/stream", func(c *gin.Context) {
		if err := a.beginStream(c.Request); err != nil {
			c.String(http.StatusInternalServerError, err.Error())
			return
		}
		i := 0
		c.Stream(func(w io.Writer) bool {
			_, _ = io.WriteString(w, a.event(i))
			i++
			return i < events
		})
	})
	srv := httptest.NewServer(a.m.LoadAndSave(r))
	defer srv.Close()
	check(t, a, srv.URL)
}

// TestEcho serves the app from echo with the middleware added through
// echo.WrapMiddleware, streaming with echo's Response.Flush.
func TestEcho(t *testing.T) {
	a := newApp(t)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(echo.WrapMiddleware(a.m.LoadAndSave))
	e.GET("/login", func(c echo.Context) error {
		if err := a.login(c.Request()); err != nil {
			return err
		}
		return c.String(http.StatusOK, "ok")
	})
	e.GET("/me", func(c echo.Context) error { return c.String(http.StatusOK, a.me(c.Request())) })
	e.GET("/logout", func(c echo.Context) error {
		if err := a.logout(c.Request()); err != nil {
			return err
		}
		return c.NoContent(http.StatusOK)
	})
	e.GET("/stream", func(c echo.Context) error {
		if err := a.beginStream(c.Request()); err != nil {
			return err
		}
		res := c.Response()
		res.Header().Set(echo.HeaderContentType, echo.MIMETextPlain)
		res.WriteHeader(http.StatusOK)
		for i := range events {
			if _, err := io.WriteString(res, a.event(i)); err != nil {
				return err
			}
			res.Flush()
		}
		return nil
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	check(t, a, srv.URL)
}

// TestEchoV5 is TestEcho on echo v5, whose handlers take a *echo.Context
// and whose Response is a plain http.ResponseWriter.
func TestEchoV5(t *testing.T) {
	a := newApp(t)
	e := echov5.New()
	e.Use(echov5.WrapMiddleware(a.m.LoadAndSave))
	e.GET("/login", func(c *echov5.Context) error {
		if err := a.login(c.Request()); err != nil {
			return err
		}
		return c.String(http.StatusOK, "ok")
	})
	e.GET("/me", func(c *echov5.Context) error { return c.String(http.StatusOK, a.me(c.Request())) })
	e.GET("/logout", func(c *echov5.Context) error {
		if err := a.logout(c.Request()); err != nil {
			return err
		}
		return c.NoContent(http.StatusOK)
	})
	e.GET("/stream", func(c *echov5.Context) error {
		if err := a.beginStream(c.Request()); err != nil {
			return err
		}
		w := c.Response()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		for i := range events {
			if _, err := io.WriteString(w, a.event(i)); err != nil {
				return err
			}
			if err := http.NewResponseController(w).Flush(); err != nil {
				return err
			}
		}
		return nil
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	check(t, a, srv.URL)
}

// TestChi serves the app from chi, with chi's gzip middleware outside the
// session middleware and chi's request logger (which wraps the writer
// again) inside it.
func TestChi(t *testing.T) {
	a := newApp(t)
	r := chi.NewRouter()
	r.Use(middleware.Compress(5))
	r.Use(a.m.LoadAndSave)
	r.Use(middleware.RequestLogger(&middleware.DefaultLogFormatter{Logger: log.New(io.Discard, "", 0), NoColor: true}))
	netHTTPRoutes(a, r.Get)
	srv := httptest.NewServer(r)
	defer srv.Close()
	check(t, a, srv.URL)

	// The responses really went through gzip (Go's client asked for it
	// and undid it above), and the cookie was still set.
	req, _ := http.NewRequest("GET", srv.URL+"/login?user=bob", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	vary := strings.Join(resp.Header.Values("Vary"), ", ")
	if resp.Header.Get("Content-Encoding") != "gzip" || len(resp.Header.Values("Set-Cookie")) != 1 ||
		!strings.Contains(vary, "Accept-Encoding") || !strings.Contains(vary, "Cookie") {
		t.Errorf("gzip login: %v", resp.Header)
	}
}

// TestGorillaMux serves the app from gorilla/mux with the middleware added
// through Router.Use.
func TestGorillaMux(t *testing.T) {
	a := newApp(t)
	r := mux.NewRouter()
	r.Use(a.m.LoadAndSave)
	netHTTPRoutes(a, func(path string, h http.HandlerFunc) { r.HandleFunc(path, h).Methods("GET") })
	srv := httptest.NewServer(r)
	defer srv.Close()
	check(t, a, srv.URL)
}

// netHTTPRoutes adds the app's routes as plain net/http handlers.
func netHTTPRoutes(a *app, get func(path string, h http.HandlerFunc)) {
	fail := func(w http.ResponseWriter, err error) { http.Error(w, err.Error(), http.StatusInternalServerError) }
	get("/login", func(w http.ResponseWriter, r *http.Request) {
		if err := a.login(r); err != nil {
			fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8") // chi's gzip decides by it
		_, _ = io.WriteString(w, "ok")
	})
	get("/me", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, a.me(r)) })
	get("/logout", func(w http.ResponseWriter, r *http.Request) {
		if err := a.logout(r); err != nil {
			fail(w, err)
		}
	})
	get("/stream", func(w http.ResponseWriter, r *http.Request) {
		if err := a.beginStream(r); err != nil {
			fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		for i := range events {
			_, _ = io.WriteString(w, a.event(i))
			if err := http.NewResponseController(w).Flush(); err != nil {
				return
			}
		}
	})
}

// TestGinClientGone checks that gin's Context.Stream stops when the client
// goes away: the CloseNotify channel the middleware's writer passes on
// fires.
func TestGinClientGone(t *testing.T) {
	gin.SetMode(gin.TestMode)
	a := newApp(t)
	stopped := make(chan bool, 1)
	r := gin.New()
	r.GET("/forever", func(c *gin.Context) {
		_ = a.beginStream(c.Request)
		clientGone := c.Stream(func(w io.Writer) bool {
			_, _ = io.WriteString(w, "tick\n")
			time.Sleep(5 * time.Millisecond)
			return true
		})
		stopped <- clientGone
	})
	srv := httptest.NewServer(a.m.LoadAndSave(r))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/forever", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil || line != "tick\n" {
		t.Errorf("first tick %q, %v", line, err)
	}
	if len(resp.Header.Values("Set-Cookie")) != 1 {
		t.Errorf("stream headers: %v", resp.Header)
	}
	cancel()
	resp.Body.Close()
	select {
	case gone := <-stopped:
		if !gone {
			t.Error("Stream returned without seeing the client go")
		}
	case <-time.After(10 * time.Second):
		t.Error("gin's Stream did not stop after the client went away")
	}
}

package cookiesession_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/cookiesession"
)

// client sends requests to h with a cookie jar of its own.
type client struct {
	h       http.Handler
	cookies map[string]string
}

func (c *client) get(path string) string {
	req := httptest.NewRequest("GET", "https://example.com"+path, nil)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	for _, sc := range rec.Result().Cookies() {
		if sc.MaxAge < 0 {
			delete(c.cookies, sc.Name)
		} else {
			c.cookies[sc.Name] = sc.Value
		}
	}
	b, _ := io.ReadAll(rec.Body)
	return strings.TrimSpace(string(b))
}

func ExampleManager_LoadAndSave() {
	key, _ := codec.GenerateKey() // in production: codec.ParseKey(os.Getenv("SESSION_KEY"))
	ring, _ := codec.NewKeyRing(key)
	c, _ := codec.NewNative(ring, codec.NativeOptions{})
	sessions, _ := cookiesession.New(c)

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := sessions.Session(r)
		n, _ := cookiesession.Get[int](s, "visits")
		_ = s.Set("visits", n+1)
		fmt.Fprintf(w, "visit %d\n", n+1)
	})
	handler := sessions.LoadAndSave(mux)

	browser := &client{h: handler, cookies: map[string]string{}}
	fmt.Println(browser.get("/"))
	fmt.Println(browser.get("/"))
	fmt.Println(browser.get("/"))
	// Output:
	// visit 1
	// visit 2
	// visit 3
}

// Example_logOutEverywhere revokes every session of a user without
// storing sessions: the server keeps one time per user, and the validate
// hook refuses sessions created before it.
// NewNative builds the codec and the manager in one call; a lifetime
// longer than the codec's 30-day default is given once.
func ExampleNewNative() {
	key, _ := codec.GenerateKey()
	ring, _ := codec.NewKeyRing(key) // in production: codec.ParseKeyRing(os.Getenv("SESSION_KEYS"))
	sessions, err := cookiesession.NewNative(ring, cookiesession.WithLifetime(90*24*time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	handler := sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := sessions.Session(r)
		if r.URL.Path == "/login" {
			_ = s.Renew()
			_ = s.Set("user", "ada")
		}
		user, _ := cookiesession.Get[string](s, "user")
		fmt.Fprintf(w, "user %q\n", user)
	}))

	browser := &client{h: handler, cookies: map[string]string{}}
	fmt.Println(browser.get("/"))
	fmt.Println(browser.get("/login"))
	fmt.Println(browser.get("/"))
	// Output:
	// user ""
	// user "ada"
	// user "ada"
}

// A handler test that starts as a signed-in user: the manager mints the
// session's cookies, and the request carries them.
func ExampleManager_Cookies() {
	key, _ := codec.GenerateKey()
	ring, _ := codec.NewKeyRing(key)
	sessions, _ := cookiesession.NewNative(ring)
	account := sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, ok := cookiesession.Get[string](sessions.Session(r), "user")
		if !ok {
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "account of %s\n", user)
	}))

	cookies, err := sessions.Cookies(map[string]any{"user": "ada"})
	if err != nil {
		fmt.Println(err)
		return
	}
	req := httptest.NewRequest("GET", "/account", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	account.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 200 account of ada
}

func Example_logOutEverywhere() {
	now := time.Date(2024, 5, 1, 12, 0, 0, 250e6, time.UTC) // 12:00:00.25
	clock := func() time.Time { return now }

	var mu sync.Mutex
	validAfter := map[string]time.Time{} // user -> sessions created earlier are void

	key, _ := codec.DeriveKey([]byte("example secret, at least thirty-two bytes long"), "00000001")
	ring, _ := codec.NewKeyRing(key)
	c, _ := codec.NewNative(ring, codec.NativeOptions{Clock: clock})
	sessions, _ := cookiesession.New(c,
		cookiesession.WithClock(clock),
		cookiesession.WithValidate(func(r *http.Request, info cookiesession.Info, data map[string]any) error {
			user, _ := data["user"].(string)
			mu.Lock()
			defer mu.Unlock()
			if t, ok := validAfter[user]; ok && info.Created.Before(t) {
				return errors.New("session predates the user's last log-out-everywhere")
			}
			return nil
		}),
		cookiesession.WithErrorHook(func(r *http.Request, err error) {
			fmt.Println("refused:", errors.Is(err, cookiesession.ErrRejected))
		}),
	)

	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s := sessions.Session(r)
		_ = s.Renew()
		_ = s.Set("user", r.URL.Query().Get("user"))
	})
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		user, ok := cookiesession.Get[string](sessions.Session(r), "user")
		if !ok {
			user = "anonymous"
		}
		fmt.Fprintln(w, user)
	})
	mux.HandleFunc("/logout-everywhere", func(w http.ResponseWriter, r *http.Request) {
		s := sessions.Session(r)
		user, _ := cookiesession.Get[string](s, "user")
		mu.Lock()
		// Created, read from the cookie, has whole seconds: so must this.
		validAfter[user] = now.Truncate(time.Second)
		mu.Unlock()
		_ = s.Destroy()
	})
	h := sessions.LoadAndSave(mux)

	laptop := &client{h: h, cookies: map[string]string{}}
	phone := &client{h: h, cookies: map[string]string{}}
	laptop.get("/login?user=alice")
	phone.get("/login?user=alice")
	fmt.Println("phone:", phone.get("/whoami"))

	now = now.Add(time.Hour)
	laptop.get("/logout-everywhere")
	fmt.Println("phone:", phone.get("/whoami"))

	phone.get("/login?user=alice") // still sends the revoked cookie once
	fmt.Println("phone after a new login:", phone.get("/whoami"))

	now = now.Add(time.Hour)
	laptop.get("/login?user=alice")
	laptop.get("/logout-everywhere")
	now = now.Add(500 * time.Millisecond) // the same second
	laptop.get("/login?user=alice")
	fmt.Println("laptop, logged in again in the same second:", laptop.get("/whoami"))
	// Output:
	// phone: alice
	// refused: true
	// phone: anonymous
	// refused: true
	// phone after a new login: alice
	// laptop, logged in again in the same second: alice
}

// A WebSocket library that hijacks the connection and writes its own 101
// response (gorilla/websocket's Upgrader.Upgrade takes the header to send)
// gets the session's cookie from Session.Commit.
func ExampleSession_Commit() {
	key, _ := codec.GenerateKey()
	ring, _ := codec.NewKeyRing(key)
	c, _ := codec.NewNative(ring, codec.NativeOptions{})
	sessions, _ := cookiesession.New(c)

	handler := sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := sessions.Session(r)
		_ = s.Set("room", "lobby")
		h := http.Header{}
		if err := s.Commit(h); err != nil {
			http.Error(w, "session too large", http.StatusInternalServerError)
			return
		}
		// conn, err := upgrader.Upgrade(w, r, h)
		setCookie := h.Get("Set-Cookie")
		fmt.Println(setCookie[:strings.IndexByte(setCookie, '=')], h.Get("Vary"))
		fmt.Println(s.Set("late", true))
	}))
	handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "https://example.com/ws", nil))
	// Output:
	// session Cookie
	// cookiesession: session already committed (the response started, or Session.Commit ran): change the session before writing the response
}

// ExampleWithMaxCookieHeader keeps a session within what a proxy in front
// of the app accepts in a Cookie header: with their defaults, Apache httpd
// and Varnish refuse a Cookie header over about 8 KB, on every request,
// once the browser holds such cookies. A change that would outgrow the
// bound is not saved, so the handler can refuse it and keep the session.
func ExampleWithMaxCookieHeader() {
	key, _ := codec.GenerateKey()
	ring, _ := codec.NewKeyRing(key)
	c, _ := codec.NewNative(ring, codec.NativeOptions{})
	sessions, _ := cookiesession.New(c, cookiesession.WithMaxCookieHeader(7168))

	handler := sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := sessions.Session(r)
		notes, _ := cookiesession.Get[string](s, "notes")
		_ = s.Set("notes", notes+r.URL.Query().Get("add"))
		if err := s.Save(); errors.Is(err, cookiesession.ErrNotSaved) {
			_ = s.Set("notes", notes) // keep the session as it was
			fmt.Fprintf(w, "refused: %d bytes of notes kept\n", len(notes))
			return
		}
		fmt.Fprintf(w, "%d bytes of notes\n", len(notes)+len(r.URL.Query().Get("add")))
	}))

	browser := &client{h: handler, cookies: map[string]string{}}
	for i := range 3 {
		fmt.Println(browser.get("/?add=" + noteText(uint64(i), 2000)))
	}
	// Output:
	// 2000 bytes of notes
	// 4000 bytes of notes
	// refused: 4000 bytes of notes kept
}

// noteText returns n letters and digits, which compression barely
// shrinks, the same for the same seed on every run.
func noteText(seed uint64, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	r := rand.New(rand.NewPCG(seed, 0))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// Example_rememberMe keeps a user signed in for 90 days with a second
// cookie that holds only the user id, while the session itself ends after
// 24 hours away (README "Remember me").
func Example_rememberMe() {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	key, _ := codec.GenerateKey()
	ring, _ := codec.NewKeyRing(key)
	sessionCodec, _ := codec.NewNative(ring, codec.NativeOptions{Clock: clock})
	sessions, _ := cookiesession.New(sessionCodec, cookiesession.WithClock(clock))
	rememberCodec, _ := codec.NewNative(ring, codec.NativeOptions{Purpose: "remember-me", Lifetime: 90 * 24 * time.Hour, Clock: clock})
	remember, _ := cookiesession.New(rememberCodec, cookiesession.WithName("__Host-remember"),
		cookiesession.WithLifetime(90*24*time.Hour), cookiesession.WithIdleTimeout(0), cookiesession.WithClock(clock))

	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		_ = sessions.Session(r).Renew()
		_ = sessions.Session(r).Set("user", "ada")
		if r.URL.Query().Get("remember") == "1" {
			_ = remember.Session(r).Set("user", "ada")
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		user, _ := cookiesession.Get[string](sessions.Session(r), "user")
		fmt.Fprintf(w, "user %q\n", user)
	})
	signIn := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := sessions.Session(r)
			if _, ok := cookiesession.Get[string](s, "user"); !ok {
				if id, ok := cookiesession.Get[string](remember.Session(r), "user"); ok {
					_ = s.Renew()
					_ = s.Set("user", id)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	handler := sessions.LoadAndSave(remember.LoadAndSave(signIn(mux)))

	for _, path := range []string{"/login", "/login?remember=1"} {
		browser := &client{h: handler, cookies: map[string]string{}}
		browser.get(path)
		now = now.Add(3 * 24 * time.Hour) // three days away: the session's idle timeout passed
		fmt.Println(path+":", browser.get("/"))
	}
	// Output:
	// /login: user ""
	// /login?remember=1: user "ada"
}

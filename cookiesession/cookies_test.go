package cookiesession

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestManagerCookies checks that Manager.Cookies mints the cookies the
// middleware would set, chunks included, which the middleware then reads,
// and that a value or a session it cannot save gives an error and no
// cookie, without a report to the error hook.
func TestManagerCookies(t *testing.T) {
	clk := newClock()
	log := &errLog{}
	m := newNative(t, clk, log)
	show := func(w http.ResponseWriter, _ *http.Request, s *Session) {
		user, _ := Get[string](s, "user")
		note, _ := Get[string](s, "note")
		fmt.Fprintf(w, "%s %d", user, len(note))
	}
	replay := func(cookies []*http.Cookie) string {
		var pairs []string
		for _, c := range cookies {
			pairs = append(pairs, c.Name+"="+c.Value)
		}
		return do(t, m, show, pairs...).Body.String()
	}

	cookies, err := m.Cookies(map[string]any{"user": "ada"})
	if err != nil || len(cookies) != 1 {
		t.Fatalf("Cookies: %v, %v; want one cookie", cookies, err)
	}
	c := cookies[0]
	if c.Name != "session" || c.Path != "/" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge <= 0 {
		t.Errorf("cookie %+v; want the manager's name and attributes", c)
	}
	if got := replay(cookies); got != "ada 0" {
		t.Errorf("the middleware read %q from the minted cookie; want ada 0", got)
	}

	large := randomText(9000)
	cookies, err = m.Cookies(map[string]any{"user": "ada", "note": large})
	if err != nil || len(cookies) < 3 {
		t.Fatalf("a 9000-byte session: %d cookies, %v; want chunks", len(cookies), err)
	}
	if got := replay(cookies); got != "ada 9000" {
		t.Errorf("the middleware read %q from the minted chunks; want ada 9000", got)
	}

	for name, values := range map[string]map[string]any{
		"unsavable value": {"user": "ada", "ch": make(chan int)},
		"too large":       {"note": randomText(40000)},
	} {
		if cookies, err := m.Cookies(values); err == nil || cookies != nil {
			t.Errorf("%s: %d cookies, error %v; want an error and none", name, len(cookies), err)
		}
	}
	if cookies, err := m.Cookies(nil); err != nil || len(cookies) != 0 {
		t.Errorf("no values: %v, %v; want no cookie and no error", cookies, err)
	}
	if reports := log.take(); len(reports) != 0 {
		t.Errorf("the error hook heard %v; Cookies returns its errors instead", reports)
	}

	flask, err := NewFlask(flaskCodec(t, clk, "dev"), WithClock(clk.now))
	must(t, err)
	cookies, err = flask.Cookies(map[string]any{"user": "ada"})
	if err != nil || len(cookies) != 1 || !strings.HasPrefix(cookies[0].Value, "eyJ") {
		t.Errorf("Flask manager: %v, %v; want one Flask cookie", cookies, err)
	}
}

package cookiesession

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// TestFlashValues: a Flask app's flash(Markup(...)) reaches Go as markup,
// not as text a template escapes, and a flashed dict as its JSON text, not
// as Go's fmt output ("map[code:42]"); Go can queue markup for Flask
// (found by a Flask team sharing the session).
func TestFlashValues(t *testing.T) {
	clk := newClock()
	f := flaskCodec(t, clk, "dev")
	m, err := NewFlask(f, WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	fromFlask, _, err := f.EncodeSession("session", map[string]any{flashesKey: []any{
		serializer.Tuple{"success", serializer.Markup("<b>Saved</b>")},
		serializer.Tuple{"data", map[string]any{"code": 42}},
		serializer.Tuple{"message", "plain"},
	}}, codec.Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []Flash
	do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) { got = s.Flashes() }, "session="+fromFlask)
	if len(got) != 3 {
		t.Fatalf("flashes %v", got)
	}
	if v, ok := got[0].Value.(serializer.Markup); !ok || v != "<b>Saved</b>" || got[0].Message != "<b>Saved</b>" {
		t.Errorf("markup flash: %#v", got[0])
	}
	if got[1].Message != `{"code":42}` {
		t.Errorf("dict flash: Message %q, want its JSON text", got[1].Message)
	}
	if _, ok := got[1].Value.(map[string]any); !ok {
		t.Errorf("dict flash: Value %T", got[1].Value)
	}
	if got[2].Value != "plain" || got[2].Message != "plain" {
		t.Errorf("text flash: %#v", got[2])
	}

	rec := do(t, m, func(_ http.ResponseWriter, _ *http.Request, s *Session) {
		must(t, s.AddFlashValue(serializer.Markup("<i>done</i>"), "success"))
		if err := s.AddFlashValue(make(chan int), "bad"); err == nil {
			t.Error("AddFlashValue took a channel")
		}
	})
	cookies := cookiesOf(rec)
	if len(cookies) != 1 {
		t.Fatalf("cookies %v", cookies)
	}
	payload, _, _, err := f.Signer().UnsignPayload(strings.TrimPrefix(cookies[0], "session="), codec.PayloadLimits{})
	if err != nil {
		t.Fatal(err)
	}
	// Flask's own text for [("success", Markup("<i>done</i>"))].
	if want := `{"_flashes":[{" t":["success",{" m":"<i>done</i>"}]}]}`; string(payload) != want {
		t.Errorf("payload %s, want %s", payload, want)
	}
}

// TestFlashJSON: an API that hands flashes to a browser script gets
// lower-case members and no Value beside Message (a Go developer found
// {"Category","Message","Value"} in a gin JSON response).
func TestFlashJSON(t *testing.T) {
	b, err := json.Marshal([]Flash{{Category: "error", Message: "<b>no</b>", Value: serializer.Markup("<b>no</b>")}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"category":"error","message":"\u003cb\u003eno\u003c/b\u003e"}]`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
}

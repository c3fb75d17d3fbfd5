package pyflask

import (
	"encoding/json"
	"strings"
	"testing"
)

// The worked example of shared/spec/flask-session-format.md §6.
const (
	exampleText   = `{"_fresh":true,"user":"alice"}`
	exampleCookie = "eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
)

var devConfig = Config{SecretHex: "646576"} // "dev"

func TestSignMatchesSpecExample(t *testing.T) {
	o := Require(t)
	got, err := o.Sign(devConfig, exampleText, 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	if got != exampleCookie {
		t.Fatalf("Sign = %q, want %q", got, exampleCookie)
	}
}

func TestLoadsOutcomes(t *testing.T) {
	o := Require(t)
	maxAge := int64(2678400)
	cases := []struct {
		cookie string
		now    int64
		want   string
	}{
		{exampleCookie, 1700000000, "ok"},
		{exampleCookie, 1702678400, "ok"},
		{exampleCookie, 1702678401, "SignatureExpired"},
		{exampleCookie, 1699999999, "SignatureExpired"},
		{strings.Replace(exampleCookie, "QehH", "QehI", 1), 1700000000, "BadTimeSignature"},
		{"no-dot", 1700000000, "BadSignature"},
	}
	for _, c := range cases {
		r, err := o.Loads(devConfig, c.cookie, c.now, &maxAge)
		if err != nil {
			t.Fatal(err)
		}
		if r.Result != c.want {
			t.Errorf("Loads(%q at %d) = %s (%s), want %s", c.cookie, c.now, r.Result, r.Message, c.want)
		}
		if c.want == "ok" && r.Text != exampleText {
			t.Errorf("Loads text = %q, want %q", r.Text, exampleText)
		}
	}
}

func TestRoundtripSortsAndTags(t *testing.T) {
	o := Require(t)
	v, err := o.Roundtrip(`{"z":{" t":[1,2.0]},"a":{" b":"AAE="}}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":{" b":"AAE="},"z":{" t":[1,2.0]}}`; v.Text != want {
		t.Fatalf("text = %s, want %s", v.Text, want)
	}
	var d struct {
		Type    string `json:"type"`
		Entries []struct {
			Key   string `json:"key"`
			Value struct {
				Type string `json:"type"`
			} `json:"value"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(v.Desc, &d); err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, e := range d.Entries {
		types[e.Key] = e.Value.Type
	}
	if d.Type != "dict" || types["a"] != "bytes" || types["z"] != "tuple" {
		t.Fatalf("desc = %s", v.Desc)
	}
}

func TestGenerateIsDeterministicAndStable(t *testing.T) {
	o := Require(t)
	a, err := o.Generate(7, 50)
	if err != nil {
		t.Fatal(err)
	}
	b, err := o.Generate(7, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 50 || len(b) != 50 {
		t.Fatalf("got %d and %d values, want 50", len(a), len(b))
	}
	for i := range a {
		if a[i].Text != b[i].Text {
			t.Fatalf("value %d differs between runs with the same seed", i)
		}
		if !strings.HasPrefix(a[i].Text, "{") {
			t.Fatalf("value %d is not a session dict: %.40s", i, a[i].Text)
		}
	}
}

func TestPythonErrorsBecomeGoErrors(t *testing.T) {
	o := Require(t)
	if _, err := o.Roundtrip(`{"unterminated`); err == nil || !strings.Contains(err.Error(), "python") {
		t.Fatalf("got %v, want an error from python", err)
	}
	// The process survives a failed request.
	if _, err := o.Roundtrip(`{}`); err != nil {
		t.Fatalf("after an error: %v", err)
	}
}

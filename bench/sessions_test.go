package bench

import (
	"encoding/json"
	"testing"
)

// wantS is the compact sorted JSON of S, copied from bench/sessions.md.
const wantS = `{"_fresh":true,"csrf_token":"9f86d081884c7d659a2feaa0c55ad015","login_time":"2024-05-01T12:34:56Z","prefs":{"lang":"en-US","theme":"dark","tz":"Europe/Berlin"},"remember":true,"roles":["admin","editor","viewer"],"user_id":12345,"username":"alice.example"}`

func TestSessionS(t *testing.T) {
	got, err := json.Marshal(S())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != wantS {
		t.Errorf("S as JSON:\n got %s\nwant %s", got, wantS)
	}
	if len(got) != 255 {
		t.Errorf("S is %d bytes as JSON, want 255", len(got))
	}
}

func TestSessionL(t *testing.T) {
	got, err := json.Marshal(L())
	if err != nil {
		t.Fatal(err)
	}
	// 3115 bytes is what Flask 2.2's session serializer produces for L.
	if len(got) != 3115 {
		t.Errorf("L is %d bytes as JSON, want 3115", len(got))
	}
	var back map[string]any
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	cart := back["cart"].([]any)
	if len(cart) != 40 {
		t.Fatalf("cart has %d items, want 40", len(cart))
	}
	last, _ := json.Marshal(cart[39])
	const wantLast = `{"id":40,"name":"Widget 39","price":"8.43","qty":5,"sku":"SKU-001273"}`
	if string(last) != wantLast {
		t.Errorf("cart[39] = %s, want %s", last, wantLast)
	}
}

func TestSessionsAreFresh(t *testing.T) {
	a := S()
	a["user_id"] = 1
	if S()["user_id"] != 12345 {
		t.Error("S shares state between calls")
	}
}

func TestPayloadExactSize(t *testing.T) {
	for n := 12; n <= 2000; n++ {
		b, err := json.Marshal(Payload(n))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != n {
			t.Fatalf("Payload(%d) is %d bytes as JSON", n, len(b))
		}
	}
	for _, n := range ScalingSizes {
		b, _ := json.Marshal(Payload(n))
		if len(b) != n {
			t.Errorf("Payload(%d) is %d bytes as JSON", n, len(b))
		}
	}
}

func TestPayloadTooSmallPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Payload(11) did not panic")
		}
	}()
	Payload(11)
}

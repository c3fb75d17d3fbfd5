package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

var allDerivations = []Derivation{DeriveHMAC, DeriveDjangoConcat, DeriveConcat, DeriveNone}
var allDigests = []Digest{SHA1, SHA224, SHA256, SHA384, SHA512, MD5}

// TestDeriveKeyWorkedValues checks the spec's worked values (§3.3) for
// secret "dev" and salt "cookie-session".
func TestDeriveKeyWorkedValues(t *testing.T) {
	want := map[Derivation]string{
		DeriveHMAC:         "4d50ad79847b366eb85f0c79d35a580ff1348d10",
		DeriveDjangoConcat: "d9942232041cee53f9b61cc75ed68e4a46fb3293",
		DeriveConcat:       "0f21dc74339b34f1db3ce2f42fd7f1b6aec4cfb8",
		DeriveNone:         "646576",
	}
	for d, w := range want {
		p := Params{Salt: FlaskSalt, Derivation: d, Digest: SHA1}
		if got := hex.EncodeToString(p.DeriveKey([]byte("dev"))); got != w {
			t.Errorf("%s: got %s, want %s", d, got, w)
		}
	}
}

// TestWorkedExample reproduces the spec's §6 cookie.
func TestWorkedExample(t *testing.T) {
	s, err := NewSigner(FlaskParams(), []byte("dev"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.SignPayload([]byte(`{"_fresh":true,"user":"alice"}`), time.Unix(1700000000, 0), CompressWhenSmaller())
	if err != nil {
		t.Fatal(err)
	}
	const want = "eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestNewSignerRejectsBadParams(t *testing.T) {
	for _, p := range []Params{
		{Derivation: "pbkdf2"},
		{Digest: "sha3"},
		{Separator: 'a'},
		{Separator: '-'},
	} {
		if _, err := NewSigner(p, []byte("k")); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

func TestB64DecodeCanonicalOnly(t *testing.T) {
	for n := range 40 {
		src := bytes.Repeat([]byte{0xa5, 0x3c, 0xff}, 14)[:n]
		enc := b64.EncodeToString(src)
		got, ok := appendB64Decode(nil, enc)
		if !ok || !bytes.Equal(got, src) {
			t.Fatalf("n=%d: round trip failed: %x %v", n, got, ok)
		}
	}
	// A bad byte is caught wherever it is, in the 8-character steps, the
	// 4-character step and the tail, and what dst held is kept.
	enc := b64.EncodeToString(bytes.Repeat([]byte{0xa5, 0x3c, 0xff}, 10)) // 40 characters
	for n := 2; n <= len(enc); n++ {
		if n%4 == 1 {
			continue
		}
		for pos := range n {
			for _, junk := range []byte{'=', '+', '/', '.', 0x80, 0} {
				bad := enc[:pos] + string(junk) + enc[pos+1:n]
				got, ok := appendB64Decode([]byte("keep"), bad)
				if ok || string(got[:4]) != "keep" {
					t.Fatalf("%q: ok=%v, dst %q", bad, ok, got)
				}
			}
		}
		got, ok := appendB64Decode([]byte("keep"), enc[:n])
		want, err := base64.RawURLEncoding.Strict().DecodeString(enc[:n])
		if ok != (err == nil) || (ok && string(got) != "keep"+string(want)) {
			t.Fatalf("%q: got %x %v, stdlib %x %v", enc[:n], got, ok, want, err)
		}
	}
	const sig = "Rl84msmJJQIGmLND_MhcjopYmaA"
	for _, bad := range []string{
		sig + "=", sig + "==", // padding
		sig[:26] + "B",                    // slack bits set
		strings.Replace(sig, "_", "/", 1), // standard alphabet
		"Rl84msmJJQ!GmLND_MhcjopYmaA",     // junk
		"Rl84 msmJJQIGmLND_MhcjopYmaA"[:27],
		"A", "AAAAA", // impossible lengths
	} {
		if _, ok := appendB64Decode(nil, bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	// Go's own strict decoder agrees on every 2- and 3-character tail.
	for i := range 64 * 64 {
		s := "AAAA" + string(alphabet64[i/64]) + string(alphabet64[i%64])
		_, ok := appendB64Decode(nil, s)
		_, err := base64.RawURLEncoding.Strict().DecodeString(s)
		if ok != (err == nil) {
			t.Fatalf("%q: ours %v, stdlib strict %v", s, ok, err)
		}
	}
}

const alphabet64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func TestTimestampEncoding(t *testing.T) {
	cases := map[uint64]string{0: "", 1: "AQ", 255: "_w", 256: "AQA", 1700000000: "ZVPxAA", 1 << 32: "AQAAAAA", 1<<64 - 1: "__________8"}
	for ts, want := range cases {
		if got := string(appendTimestamp(nil, ts)); got != want {
			t.Errorf("%d: got %q, want %q", ts, got, want)
		}
		back, ok := parseTimestamp(want)
		if !ok || back != ts {
			t.Errorf("%q: parsed %d %v", want, back, ok)
		}
	}
	// Leading zero bytes are accepted, as itsdangerous does.
	if ts, ok := parseTimestamp("AAAAAGVT8QA"); !ok || ts != 1700000000 {
		t.Errorf("leading zeros: %d %v", ts, ok)
	}
	for _, bad := range []string{"AAAAAAAAAAAA", "ZVPxAA==", "ZVPx!A", "A"} {
		if _, ok := parseTimestamp(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckAge(t *testing.T) {
	const ts = 1700000000
	day := 24 * time.Hour
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	for _, c := range []struct {
		now          time.Time
		maxAge, skew time.Duration
		want         error
	}{
		{at(ts), day, 0, nil},
		{at(ts + 86400), day, 0, nil}, // age == max_age passes
		{at(ts + 86401), day, 0, ErrExpired},
		{at(ts - 1), day, 0, ErrFuture}, // no skew: one second ahead is refused
		{at(ts - 1), NoMaxAge, 0, nil},  // no age check at all
		{at(ts - 30), day, 30 * time.Second, nil},
		{at(ts - 31), day, 30 * time.Second, ErrFuture},
		{time.Unix(ts+86400, 999999999), day, 0, nil}, // sub-seconds truncated like int(time.time())
		{at(ts + 5), 5*time.Second + 900*time.Millisecond, 0, nil},
		{at(ts + 6), 5*time.Second + 900*time.Millisecond, 0, ErrExpired},
	} {
		err := CheckAge(ts, c.now, c.maxAge, c.skew)
		if !errors.Is(err, c.want) || (err == nil) != (c.want == nil) {
			t.Errorf("now=%v maxAge=%v skew=%v: got %v, want %v", c.now.Unix(), c.maxAge, c.skew, err, c.want)
		}
	}
	var ee *ExpiredError
	if err := CheckAge(ts, at(ts+3*86400), day, 0); !errors.As(err, &ee) || !ee.At.Equal(at(ts+86401)) || ee.Reason != "max-age" {
		t.Errorf("ExpiredError: %#v", err)
	}
	var fe *FutureError
	if err := CheckAge(ts, at(ts-100), day, 10*time.Second); !errors.As(err, &fe) || !fe.At.Equal(at(ts)) || fe.Skew != 10*time.Second {
		t.Errorf("FutureError: %#v", err)
	}
	// A timestamp beyond int64 is in the future, never a panic.
	if err := CheckAge(1<<64-1, at(ts), day, 0); !errors.Is(err, ErrFuture) {
		t.Errorf("huge timestamp: %v", err)
	}
	// A cookie signed in the next whole second, 0.3 s after now, is refused
	// as Flask refuses it, and is reported as 1 s ahead, never "0s".
	err := CheckAge(ts, at(ts-1).Add(700*time.Millisecond), day, 0)
	if !errors.As(err, &fe) || fe.Ahead() != time.Second || !strings.Contains(err.Error(), "issued 1s after now") {
		t.Errorf("sub-second future: %v (ahead %v)", err, fe.Ahead())
	}
}

// TestFutureErrorAhead: Ahead rounds up to whole seconds and keeps whole
// seconds as they are.
func TestFutureErrorAhead(t *testing.T) {
	now := time.Unix(1000, 0)
	for _, c := range []struct {
		at   time.Time
		want time.Duration
	}{
		{now.Add(time.Second), time.Second},
		{now.Add(300 * time.Millisecond), time.Second},
		{now.Add(60*time.Second + time.Nanosecond), 61 * time.Second},
		{now.Add(90 * time.Second), 90 * time.Second},
	} {
		if got := (&FutureError{At: c.at, Now: now}).Ahead(); got != c.want {
			t.Errorf("At now+%v: Ahead %v, want %v", c.at.Sub(now), got, c.want)
		}
	}
}

// TestSignerAllParams signs and verifies under every derivation, digest,
// separator and a fallback key, and checks that only the primary signs.
func TestSignerAllParams(t *testing.T) {
	issued := time.Unix(1700000123, 0)
	for _, d := range allDerivations {
		for _, h := range allDigests {
			for _, sep := range []byte{'.', ':', '|'} {
				p := Params{Salt: "s" + string(sep), Derivation: d, Digest: h, Separator: sep}
				old, err := NewSigner(p, []byte("old"))
				if err != nil {
					t.Fatal(err)
				}
				cur, err := NewSigner(p, []byte("new"), []byte("older"), []byte("old"))
				if err != nil {
					t.Fatal(err)
				}
				signedOld, _ := old.Sign("payload", issued)
				signedCur, _ := cur.Sign("payload", issued)
				if signedOld == signedCur {
					t.Fatalf("%v: primary key not used", p)
				}
				if got := len(signedCur) - strings.LastIndexByte(signedCur, sep) - 1; got != b64.EncodedLen(h.Size()) {
					t.Errorf("%v: signature length %d", p, got)
				}
				for signed, idx := range map[string]int{signedOld: 2, signedCur: 0} {
					u, err := cur.Unsign(signed)
					if err != nil || u.Value != "payload" || u.KeyIndex != idx || !u.Issued().Equal(issued) {
						t.Errorf("%v: Unsign(%s) = %+v, %v; want key %d", p, signed, u, err, idx)
					}
				}
				if _, err := old.Unsign(signedCur); !errors.Is(err, ErrSignature) {
					t.Errorf("%v: old signer accepted the new cookie: %v", p, err)
				}
			}
		}
	}
}

func TestUnsignErrorOrder(t *testing.T) {
	s, _ := NewSigner(FlaskParams(), []byte("k"))
	plain, _ := NewSigner(FlaskParams(), []byte("k"))
	good, _ := s.Sign("eyJhIjoxfQ", time.Unix(1700000000, 0))
	// A signature over "value" alone (itsdangerous' plain Signer).
	var mac [64]byte
	m := plain.keys[0].appendMAC(mac[:0], "eyJhIjoxfQ")
	noTimestamp := "eyJhIjoxfQ." + b64.EncodeToString(m)
	// A valid signature over a timestamp that is 9 bytes long.
	m = plain.keys[0].appendMAC(mac[:0], "eyJhIjoxfQ.AQAAAAAAAAAAAA")
	longTimestamp := "eyJhIjoxfQ.AQAAAAAAAAAAAA." + b64.EncodeToString(m)
	for _, c := range []struct {
		in   string
		want error
	}{
		{"", ErrMalformed},
		{"no-separator", ErrMalformed},
		{good[:strings.LastIndexByte(good, '.')], ErrSignature}, // cut to payload.timestamp
		{"a.b", ErrSignature},
		{noTimestamp, ErrMalformed},
		{longTimestamp, ErrMalformed},
		{good + "x", ErrSignature},
		{"x" + good, ErrSignature},
		{good, nil},
	} {
		_, err := s.Unsign(c.in)
		if !errors.Is(err, c.want) || (err == nil) != (c.want == nil) {
			t.Errorf("%q: got %v, want %v", c.in, err, c.want)
		}
	}
}

// TestEverySingleByteChange flips, deletes and duplicates each byte of a
// compressed cookie: nothing but the original verifies.
func TestEverySingleByteChange(t *testing.T) {
	s, _ := NewSigner(FlaskParams(), []byte("k"))
	data := []byte(strings.Repeat(`{"cart":["sku-0","sku-1","sku-2"]}`, 3))
	good, err := s.SignPayload(data, time.Unix(1700000000, 0), CompressWhenSmaller())
	if err != nil || good[0] != '.' {
		t.Fatalf("%s %v", good, err)
	}
	for i := range len(good) {
		for _, bad := range []string{
			good[:i] + string(good[i]^1) + good[i+1:],
			good[:i] + good[i+1:],
			good[:i] + good[i:i+1] + good[i:],
		} {
			if _, _, _, err := s.UnsignPayload(bad, PayloadLimits{}); err == nil {
				t.Fatalf("changed cookie %q verified", bad)
			}
		}
	}
}

func TestSignBefore1970(t *testing.T) {
	s, _ := NewSigner(FlaskParams(), []byte("k"))
	if _, err := s.Sign("x", time.Unix(-1, 0)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v", err)
	}
}

func TestCheckerAgreesWithSigner(t *testing.T) {
	long := bytes.Repeat([]byte("L"), 300) // longer than any hash block: hashed first
	for _, d := range allDerivations {
		for _, h := range allDigests {
			p := Params{Salt: "checker", Derivation: d, Digest: h}
			for _, secret := range [][]byte{[]byte("right"), long, {}} {
				s, _ := NewSigner(p, secret)
				cookie, _ := s.SignPayload([]byte(`{"a":1}`), time.Unix(1700000000, 0), CompressNever())
				parsed, err := ParseSigned(cookie, p)
				if err != nil {
					t.Fatal(err)
				}
				c, err := NewChecker(p, parsed)
				if err != nil {
					t.Fatal(err)
				}
				if !c.Check(secret) {
					t.Errorf("%s/%s: right secret (len %d) rejected", d, h, len(secret))
				}
				if c.Check([]byte("wrong")) {
					t.Errorf("%s/%s: wrong secret accepted", d, h)
				}
				if !parsed.HasTimestamp || !parsed.TimestampOK || parsed.Timestamp != 1700000000 || parsed.Payload != "eyJhIjoxfQ" {
					t.Errorf("parsed %+v", parsed)
				}
			}
		}
	}
}

func TestParseSignedErrors(t *testing.T) {
	if _, err := ParseSigned("abc", FlaskParams()); !errors.Is(err, ErrMalformed) {
		t.Errorf("no separator: %v", err)
	}
	if _, err := ParseSigned("a.b.c", FlaskParams()); !errors.Is(err, ErrSignature) {
		t.Errorf("short signature: %v", err)
	}
}

func TestCheckerAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	p := FlaskParams()
	s, _ := NewSigner(p, []byte("secret"))
	cookie, _ := s.Sign("eyJhIjoxfQ", time.Unix(1700000000, 0))
	parsed, _ := ParseSigned(cookie, p)
	c, _ := NewChecker(p, parsed)
	c.Check([]byte("warm-up"))
	cand := []byte("candidate")
	if n := testing.AllocsPerRun(100, func() { c.Check(cand) }); n != 0 {
		t.Errorf("Check allocates %v times", n)
	}
}

func TestParsedDecodePayload(t *testing.T) {
	s, _ := NewSigner(FlaskParams(), []byte("k"))
	text := []byte(strings.Repeat(`{"cart":["sku-1","sku-2"]}`, 4))
	for _, c := range []Compression{CompressNever(), CompressAlways()} {
		cookie, _ := s.SignPayload(text, time.Unix(1700000000, 0), c)
		p, err := ParseSigned(cookie, FlaskParams())
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.DecodePayload(0)
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("%v: %q %v", c, got, err)
		}
		if _, err := p.DecodePayload(10); c == CompressAlways() && !errors.Is(err, ErrTooLarge) {
			t.Errorf("limit: %v", err)
		}
	}
}

func TestDigestOf(t *testing.T) {
	for _, h := range allDigests {
		s, _ := NewSigner(Params{Digest: h, Separator: ':'}, []byte("k"))
		signed, _ := s.Sign("v", time.Unix(1700000000, 0))
		if got, ok := DigestOf(signed, ':'); !ok || got != h {
			t.Errorf("%s: got %s %v", h, got, ok)
		}
	}
	if _, ok := DigestOf("a.b.abc", 0); ok {
		t.Error("3-character signature matched a digest")
	}
	if _, ok := DigestOf("nosep", 0); ok {
		t.Error("no separator matched")
	}
}

package codec

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/pyflask"
	"github.com/cookiecodec/cookiecodec/serializer"
)

// diffCase is one random configuration of the differential test.
type diffCase struct {
	py     pyflask.Config
	opts   FlaskOptions
	now    int64 // the shared clock, Unix seconds
	maxAge int64
}

func randomDiffCase(r *rand.Rand) *diffCase {
	c := &diffCase{}
	secret := randomSecret(r)
	var fallbacks [][]byte
	for range r.IntN(3) {
		fallbacks = append(fallbacks, randomSecret(r))
	}
	salts := []string{FlaskSalt, "my-app-salt", "ünïcode-sält", "x", "salt with spaces", "itsdangerous"}
	c.opts = FlaskOptions{
		SecretKey:     secret,
		FallbackKeys:  fallbacks,
		Salt:          salts[r.IntN(len(salts))],
		KeyDerivation: allDerivations[r.IntN(len(allDerivations))],
		Digest:        allDigests[r.IntN(len(allDigests))],
		MaxCookieSize: -1, // random sessions may exceed a browser's limit
		Clock:         func() time.Time { return time.Unix(c.now, 0) },
	}
	switch r.IntN(4) {
	case 0:
		c.opts.Compression = CompressNever()
	case 1:
		c.opts.Compression = CompressAlways()
	case 2:
		c.opts.Compression = CompressAbove(r.IntN(200))
	} // else Flask's rule
	c.maxAge = 1 + r.Int64N(10_000_000)
	c.opts.MaxAge = time.Duration(c.maxAge) * time.Second
	c.py = pyflask.Config{
		SecretHex:     hex.EncodeToString(secret),
		Salt:          c.opts.Salt,
		KeyDerivation: string(c.opts.KeyDerivation),
		Digest:        string(c.opts.Digest),
	}
	for _, f := range fallbacks {
		c.py.FallbackHex = append(c.py.FallbackHex, hex.EncodeToString(f))
	}
	return c
}

func randomSecret(r *rand.Rand) []byte {
	n := 1 + r.IntN(40)
	if r.IntN(8) == 0 {
		n = 129 + r.IntN(200) // longer than every hash block: HMAC hashes it first
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// tamper changes one character of cookie to another base64url character,
// never the last character of the signature (whose slack bits Python
// ignores; see TestVectorsSignerChecks for that deliberate difference).
func tamper(r *rand.Rand, cookie string) string {
	for {
		i := r.IntN(len(cookie) - 1)
		if cookie[i] == '.' {
			continue
		}
		c := alphabet64[r.IntN(64)]
		if c == cookie[i] {
			continue
		}
		return cookie[:i] + string(c) + cookie[i+1:]
	}
}

// sameOutcome fails unless Go's error and Python's result are the same
// itsdangerous outcome (see sentinelFor for the correspondence).
func sameOutcome(t *testing.T, label string, py pyflask.LoadResult, goErr error) bool {
	t.Helper()
	want := sentinelFor(py.Result, py.Message)
	if (want == nil) != (goErr == nil) || (want != nil && !errors.Is(goErr, want)) {
		t.Errorf("%s: python %s %q, go %v", label, py.Result, py.Message, goErr)
		return false
	}
	return true
}

// TestDifferentialFlask signs random sessions under random configurations
// in both directions with the real itsdangerous/Flask and compares every
// outcome, including tampered, expired, future, wrong-key and fallback-key
// cases.
func TestDifferentialFlask(t *testing.T) {
	o := pyflask.Require(t)
	const n = 520
	values, err := o.Generate(20261122, n)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	counts := map[string]int{}
	for i, val := range values {
		c := randomDiffCase(r)
		label := fmt.Sprintf("case %d (%s/%s salt %q, %d fallbacks, %v)", i, c.opts.KeyDerivation, c.opts.Digest, c.opts.Salt, len(c.opts.FallbackKeys), c.opts.Compression)
		f, err := NewFlask(c.opts)
		if err != nil {
			t.Fatal(err)
		}
		ts := 1_000_000_000 + r.Int64N(1_000_000_000)
		c.now = ts + r.Int64N(c.maxAge+1)
		maxAge := c.maxAge

		// Python signs, Go verifies and decodes to the same value.
		pyCookie, err := o.Sign(c.py, val.Text, ts)
		if err != nil {
			t.Fatalf("%s: python sign: %v", label, err)
		}
		pyLoad, err := o.Loads(c.py, pyCookie, c.now, &maxAge)
		if err != nil || pyLoad.Result != "ok" {
			t.Fatalf("%s: python loads its own cookie: %+v %v", label, pyLoad, err)
		}
		v, m, err := f.DecodeSession("session", pyCookie, 0)
		if err != nil {
			t.Errorf("%s: go decode of python cookie: %v", label, err)
			continue
		}
		counts["python->go"]++
		if m.KeyIndex != 0 || m.Issued.Unix() != ts || m.Format != "flask" {
			t.Errorf("%s: meta %+v", label, m)
		}
		text, err := serializer.Marshal(v)
		if err != nil || string(text) != pyLoad.Text {
			t.Errorf("%s: go value re-encodes as %s (%v), python as %s", label, text, err, pyLoad.Text)
		}

		// Go signs at the same time, Python loads the same value.
		c.now = ts
		goCookie, gm, err := f.EncodeSession("session", v, Meta{}, 0)
		if err != nil {
			t.Fatalf("%s: go encode: %v", label, err)
		}
		c.now = ts + r.Int64N(c.maxAge+1)
		if !gm.Compressed && pyCookie[0] != '.' {
			counts["byte-identical"]++
			if goCookie != pyCookie {
				t.Errorf("%s: uncompressed cookies differ:\n go %s\n py %s", label, goCookie, pyCookie)
			}
		}
		goLoad, err := o.Loads(c.py, goCookie, c.now, &maxAge)
		if err != nil || goLoad.Result != "ok" || goLoad.Text != pyLoad.Text {
			t.Errorf("%s: python loads go cookie %s: %+v %v; want text %s", label, goCookie, goLoad, err, pyLoad.Text)
			continue
		}
		counts["go->python"]++

		// Rejections, the same on both sides.
		switch i % 5 {
		case 0: // tampered, in both directions
			bad := tamper(r, pyCookie)
			res, _ := o.Loads(c.py, bad, c.now, &maxAge)
			_, _, gerr := f.DecodeSession("session", bad, 0)
			sameOutcome(t, label+" tampered python cookie "+bad, res, gerr)
			bad = tamper(r, goCookie)
			res, _ = o.Loads(c.py, bad, c.now, &maxAge)
			_, _, gerr = f.DecodeSession("session", bad, 0)
			if sameOutcome(t, label+" tampered go cookie "+bad, res, gerr) {
				counts["tampered"] += 2
			}
		case 1: // expired by one second; exactly max-age still valid
			for _, now := range []int64{ts + maxAge + 1, ts + maxAge} {
				c.now = now
				res, _ := o.Loads(c.py, goCookie, now, &maxAge)
				_, _, gerr := f.DecodeSession("session", goCookie, 0)
				if sameOutcome(t, label+" expiry boundary", res, gerr) {
					counts["expired/boundary"]++
				}
			}
		case 2: // one second in the future
			c.now = ts - 1
			res, _ := o.Loads(c.py, goCookie, c.now, &maxAge)
			_, _, gerr := f.DecodeSession("session", pyCookie, 0)
			if sameOutcome(t, label+" future", res, gerr) && errors.Is(gerr, ErrFuture) {
				counts["future"]++
			}
		case 3: // wrong key on both sides
			other := c.py
			other.SecretHex = hex.EncodeToString(append([]byte("x"), c.opts.SecretKey...))
			other.FallbackHex = nil
			res, _ := o.Loads(other, goCookie, c.now, &maxAge)
			wrongOpts := c.opts
			wrongOpts.SecretKey = append([]byte("x"), c.opts.SecretKey...)
			wrongOpts.FallbackKeys = nil
			wrong, _ := NewFlask(wrongOpts)
			_, _, gerr := wrong.DecodeSession("session", pyCookie, 0)
			if sameOutcome(t, label+" wrong key", res, gerr) && errors.Is(gerr, ErrSignature) {
				counts["wrong key"]++
			}
		case 4: // rotation: the old primary becomes the last fallback
			newKey := append([]byte("rotated-"), c.opts.SecretKey...)
			rot := c.py
			rot.SecretHex = hex.EncodeToString(newKey)
			rot.FallbackHex = append(append([]string(nil), c.py.FallbackHex...), c.py.SecretHex)
			res, _ := o.Loads(rot, goCookie, c.now, &maxAge)
			rotOpts := c.opts
			rotOpts.SecretKey = newKey
			rotOpts.FallbackKeys = append(append([][]byte(nil), c.opts.FallbackKeys...), c.opts.SecretKey)
			g, _ := NewFlask(rotOpts)
			_, rm, gerr := g.DecodeSession("session", pyCookie, 0)
			if sameOutcome(t, label+" fallback", res, gerr) && rm.KeyIndex == len(rotOpts.FallbackKeys) {
				counts["fallback"]++
			} else if gerr == nil {
				t.Errorf("%s: fallback KeyIndex %d, want %d", label, rm.KeyIndex, len(rotOpts.FallbackKeys))
			}
			// The rotated codec signs with the new key only.
			c.now = ts
			fresh, _, _ := g.EncodeSession("session", v, Meta{}, 0)
			res, _ = o.Loads(c.py, fresh, ts, &maxAge)
			if res.Result == "ok" {
				t.Errorf("%s: cookie from the rotated codec verifies under the old key", label)
			}
		}
	}
	t.Logf("differential counts: %v", counts)
	if counts["python->go"] < 500 || counts["go->python"] < 500 {
		t.Errorf("too few successful cases: %v", counts)
	}
	for _, k := range []string{"byte-identical", "tampered", "expired/boundary", "future", "wrong key", "fallback"} {
		if counts[k] < 50 {
			t.Errorf("only %d %s cases", counts[k], k)
		}
	}
}

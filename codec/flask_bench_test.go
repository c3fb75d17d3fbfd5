package codec

import (
	"testing"
	"time"
)

// Benchmarks of the Flask codec on sessions S and L of
// shared/bench/sessions.md (sessionS and sessionL are shared with the
// native benchmarks), with compression off and with Flask's rule. Python's
// own figures come from bench/python/flask_timeit.py; compare ratios from
// one run.

var flaskBenchPolicies = []struct {
	name string
	c    Compression
}{{"nocompress", CompressNever()}, {"flaskrule", CompressWhenSmaller()}}

func newBenchFlask(b *testing.B, c Compression) *Flask {
	f, err := NewFlask(FlaskOptions{
		SecretKey:     []byte("benchmark-secret-key"),
		Compression:   c,
		MaxCookieSize: 1 << 16,
		Clock:         func() time.Time { return time.Unix(1700000000, 0) },
	})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

func BenchmarkFlaskEncode(b *testing.B) {
	for _, p := range flaskBenchPolicies {
		for _, s := range benchSessions {
			b.Run(p.name+"/"+s.name, func(b *testing.B) {
				f := newBenchFlask(b, p.c)
				v := s.value()
				c, _, err := f.EncodeSession("session", v, Meta{}, 0)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(c)))
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := f.EncodeSession("session", v, Meta{}, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkFlaskDecode(b *testing.B) {
	for _, p := range flaskBenchPolicies {
		for _, s := range benchSessions {
			b.Run(p.name+"/"+s.name, func(b *testing.B) {
				f := newBenchFlask(b, p.c)
				c, _, err := f.EncodeSession("session", s.value(), Meta{}, 0)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(c)))
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := f.DecodeSession("session", c, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkFlaskVerify measures verification alone (length, MAC, time):
// what a rejected or a merely checked cookie costs. It allocates nothing.
func BenchmarkFlaskVerify(b *testing.B) {
	f := newBenchFlask(b, CompressNever())
	c, _, _ := f.EncodeSession("session", sessionS(), Meta{}, 0)
	b.SetBytes(int64(len(c)))
	b.ReportAllocs()
	for b.Loop() {
		u, err := f.signer.Unsign(c)
		if err != nil {
			b.Fatal(err)
		}
		if err := CheckAge(u.Timestamp, time.Unix(1700000001, 0), DefaultFlaskMaxAge, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlaskCheckSecret measures one candidate secret of an audit
// brute force against a parsed cookie.
func BenchmarkFlaskCheckSecret(b *testing.B) {
	f := newBenchFlask(b, CompressNever())
	c, _, _ := f.EncodeSession("session", sessionS(), Meta{}, 0)
	parsed, err := ParseSigned(c, FlaskParams())
	if err != nil {
		b.Fatal(err)
	}
	ch, _ := NewChecker(FlaskParams(), parsed)
	cand := []byte("not-the-secret")
	b.ReportAllocs()
	for b.Loop() {
		if ch.Check(cand) {
			b.Fatal("matched")
		}
	}
}

// TestFlaskVerifyAllocatesNothing pins the claim that verification
// allocates nothing and decoding allocates only the value.
func TestFlaskVerifyAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts rely on sync.Pool, which the race detector randomizes")
	}
	f, _ := NewFlask(FlaskOptions{SecretKey: []byte("k"), Clock: func() time.Time { return time.Unix(1700000000, 0) }})
	c, _, _ := f.EncodeSession("session", map[string]any{"user": "alice", "n": int64(1)}, Meta{}, 0)
	f.signer.Unsign(c)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := f.signer.Unsign(c); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Unsign allocates %v times", n)
	}
	bad := tamperFirst(c)
	if n := testing.AllocsPerRun(100, func() { f.DecodeSession("session", bad, 0) }); n != 0 {
		t.Errorf("rejecting a tampered cookie allocates %v times", n)
	}
}

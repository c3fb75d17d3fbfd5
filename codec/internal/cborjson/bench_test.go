package cborjson

import (
	"testing"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// sessionS is session S of shared/bench/sessions.md.
var sessionS = map[string]any{"user_id": 12345, "username": "alice.example", "roles": []any{"admin", "editor", "viewer"},
	"csrf_token": "9f86d081884c7d659a2feaa0c55ad015", "login_time": "2024-05-01T12:34:56Z", "remember": true,
	"prefs": map[string]any{"theme": "dark", "lang": "en-US", "tz": "Europe/Berlin"}, "_fresh": true}

func BenchmarkFromJSON(b *testing.B) {
	text, _ := serializer.Marshal(sessionS)
	buf := make([]byte, 0, 512)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		buf, _ = FromJSON(buf[:0], text, testLimits)
	}
}

func BenchmarkToJSON(b *testing.B) {
	text, _ := serializer.Marshal(sessionS)
	bin, _ := FromJSON(nil, text, testLimits)
	buf := make([]byte, 0, 512)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		buf, _ = ToJSON(buf[:0], bin, testLimits)
	}
}

package codec_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cookiecodec/cookiecodec/codec"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// fixed is the clock of the examples.
func fixed() time.Time { return time.Unix(1700000000, 0) }

// A Flask app with SECRET_KEY = "dev" reads this cookie as
// {"user": "alice", "_fresh": True}, and the Go side reads Flask's cookies.
func ExampleNewFlask() {
	f, err := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("dev"), Clock: fixed})
	if err != nil {
		panic(err)
	}
	cookie, _, err := f.EncodeSession("session", map[string]any{"user": "alice", "_fresh": true}, codec.Meta{}, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(cookie)

	v, m, err := f.DecodeSession("session", cookie, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.(map[string]any)["user"], m.Format, m.Issued.UTC().Format(time.RFC3339))
	// Output:
	// eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w
	// alice flask 2023-11-14T22:13:20Z
}

// After a key rotation the old key becomes a fallback: its cookies still
// verify, report which key matched, and are re-issued under the new key.
func ExampleFlask_DecodeSession_rotation() {
	old, _ := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("key-2024"), Clock: fixed})
	cookie, _, _ := old.EncodeSession("session", map[string]any{"user": "alice"}, codec.Meta{}, 0)

	f, _ := codec.NewFlask(codec.FlaskOptions{
		SecretKey:    []byte("key-2025"),
		FallbackKeys: [][]byte{[]byte("key-2024")},
		Clock:        fixed,
	})
	v, m, err := f.DecodeSession("session", cookie, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println("verified with fallback:", m.VerifiedWithFallback(), "index", m.KeyIndex, "key", m.KeyID)
	if m.VerifiedWithFallback() {
		fresh, _, _ := f.EncodeSession("session", v, codec.Meta{}, 0)
		_, m, _ = f.DecodeSession("session", fresh, 0)
		fmt.Println("re-issued under the primary:", m.KeyIndex == 0, "key", m.KeyID)
	}
	// Output:
	// verified with fallback: true index 1 key flask FallbackKeys[0]
	// re-issued under the primary: true key flask SecretKey
}

// Expired and future cookies carry the times, so a tool can say how long ago.
func ExampleExpiredError() {
	f, _ := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("dev"), Clock: fixed})
	cookie, _, _ := f.EncodeSession("session", map[string]any{"user": "alice"}, codec.Meta{}, 0)

	later, _ := codec.NewFlask(codec.FlaskOptions{
		SecretKey: []byte("dev"),
		Clock:     func() time.Time { return fixed().Add(34 * 24 * time.Hour) },
	})
	_, _, err := later.DecodeSession("session", cookie, 0)
	var ee *codec.ExpiredError
	if errors.As(err, &ee) {
		fmt.Println(errors.Is(err, codec.ErrExpired), ee.Now.Sub(ee.At).Round(time.Hour))
	}
	fmt.Println(err)
	// Output:
	// true 72h0m0s
	// codec: expired: max-age limit passed 71h59m59s ago
}

// A Checker tries candidate secrets against one cookie without parsing it
// again, as a weak-secret audit does.
func ExampleChecker() {
	cookie := "eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w"
	parsed, err := codec.ParseSigned(cookie, codec.FlaskParams())
	if err != nil {
		panic(err)
	}
	c, _ := codec.NewChecker(codec.FlaskParams(), parsed)
	for _, guess := range []string{"secret", "changeme", "dev"} {
		if c.Check([]byte(guess)) {
			fmt.Printf("SECRET_KEY is %q\n", guess)
		}
	}
	// Output:
	// SECRET_KEY is "dev"
}

// The Flask codec is a securecookie.Codec, so gorilla/sessions can read and
// write a Flask app's session cookie.
func ExampleFlask_Encode() {
	f, _ := codec.NewFlask(codec.FlaskOptions{SecretKey: []byte("dev"), Clock: fixed})
	store := sessions.NewCookieStore()
	store.Codecs = []securecookie.Codec{f}

	// What store.Save does with session.Values:
	cookie, _ := securecookie.EncodeMulti("session", map[any]any{"user": "alice", "_fresh": true}, store.Codecs...)
	fmt.Println(cookie)
	values := map[any]any{}
	err := securecookie.DecodeMulti("session", cookie, &values, store.Codecs...)
	fmt.Println(values["user"], err)
	// Output:
	// eyJfZnJlc2giOnRydWUsInVzZXIiOiJhbGljZSJ9.ZVPxAA.QehH-05txOR6UWU1Sr2AbjfnV0w
	// alice <nil>
}

// Any itsdangerous URLSafeTimedSerializer configuration works at the byte
// level: here django-concat and SHA-256 with a custom salt, as a Python
// service might use for password-reset links. The token is the one real
// itsdangerous 2.1 makes for the same settings and time.
func ExampleSigner() {
	p := codec.Params{Salt: "reset-password", Derivation: codec.DeriveDjangoConcat, Digest: codec.SHA256}
	s, err := codec.NewSigner(p, []byte("secret"))
	if err != nil {
		panic(err)
	}
	token, _ := s.SignPayload([]byte(`"user@example.com"`), fixed(), codec.CompressNever())
	fmt.Println(token)

	data, _, u, err := s.UnsignPayload(token, codec.PayloadLimits{})
	if err == nil {
		err = codec.CheckAge(u.Timestamp, fixed().Add(time.Hour), 2*time.Hour, 0)
	}
	fmt.Println(string(data), err)
	// Output:
	// InVzZXJAZXhhbXBsZS5jb20i.ZVPxAA.xmNP0hPcx30MeROy8-7FYEB4OF2MEkB8v8ODcj0xbjs
	// "user@example.com" <nil>
}

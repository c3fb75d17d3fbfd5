package codec

import (
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// decimal is an app's own type with a Flask tag of its own, " dc", as a
// Flask app registers a JSONTag for decimal.Decimal.
type decimal string

type decimalTag struct{}

func (decimalTag) Key() string                { return " dc" }
func (decimalTag) Check(v any) bool           { _, ok := v.(decimal); return ok }
func (decimalTag) ToJSON(v any) (any, error)  { return string(v.(decimal)), nil }
func (decimalTag) ToValue(j any) (any, error) { s, _ := j.(string); return decimal(s), nil }

func serializerWith(t *testing.T, nativeTime bool, tags ...serializer.Tag) *serializer.Serializer {
	t.Helper()
	s := &serializer.Serializer{NativeTime: nativeTime}
	for _, tag := range tags {
		if err := s.Register(tag); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestReaderTagsMustMatch: a reader of another format (a Legacy reader of
// NewNative, an AlsoRead reader of NewFlask) whose serializer knows a user
// tag that the re-issuing serializer lacks is refused at construction. Left
// alone, the tagged value is read as the app's type from the old cookie,
// re-issued as a plain string, and read back as a string: its type changes
// between two requests. With the tag on both, it survives the migration.
func TestReaderTagsMustMatch(t *testing.T) {
	clock := func() time.Time { return t0 }
	flask, err := NewFlask(FlaskOptions{SecretKey: []byte("the old flask secret"), Clock: clock, Serializer: serializerWith(t, false, decimalTag{})})
	if err != nil {
		t.Fatal(err)
	}
	old, _, err := flask.EncodeSession("session", map[string]any{"price": decimal("10.50")}, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := NewKeyRing(fixedKey(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	legacy := NativeOptions{Clock: clock, Legacy: []LegacyReader{flask}, LegacyUntil: t0.Add(time.Hour)}

	_, err = NewNative(ring, legacy)
	if err == nil || !strings.Contains(err.Error(), `NativeOptions.Legacy[0] (*codec.Flask) reads the user tag " dc", which NativeOptions.Serializer lacks`) {
		t.Fatalf("NewNative with a Legacy reader's tag missing: %v", err)
	}
	legacy.Serializer = serializerWith(t, true, decimalTag{})
	n, err := NewNative(ring, legacy)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := n.DecodeSession("session", old, 0)
	if err != nil {
		t.Fatal(err)
	}
	reissued, _, err := n.EncodeSession("session", v, Meta{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err = n.DecodeSession("session", reissued, 0)
	if got := v.(map[string]any)["price"]; err != nil || got != decimal("10.50") {
		t.Fatalf("after the re-issue: %#v, %v; want decimal(\"10.50\")", got, err)
	}

	// The other way: NewFlask reading native cookies whose tag it lacks.
	_, err = NewFlask(FlaskOptions{SecretKey: []byte("k"), AlsoRead: []LegacyReader{n}})
	if err == nil || !strings.Contains(err.Error(), `FlaskOptions.AlsoRead[0] (*codec.Native) reads the user tag " dc", which FlaskOptions.Serializer lacks`) {
		t.Fatalf("NewFlask with an AlsoRead reader's tag missing: %v", err)
	}
	if _, err := NewFlask(FlaskOptions{SecretKey: []byte("k"), AlsoRead: []LegacyReader{n}, Serializer: serializerWith(t, false, decimalTag{})}); err != nil {
		t.Fatalf("NewFlask with the tag on both: %v", err)
	}
	// A writer that knows more tags than the reader is fine.
	if _, err := NewNative(ring, NativeOptions{Clock: clock, Legacy: []LegacyReader{mustFlask(t)}, LegacyUntil: t0.Add(time.Hour), Serializer: serializerWith(t, true, decimalTag{})}); err != nil {
		t.Fatalf("writer with an extra tag: %v", err)
	}
}

func mustFlask(t *testing.T) *Flask {
	t.Helper()
	f, err := NewFlask(FlaskOptions{SecretKey: []byte("k")})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

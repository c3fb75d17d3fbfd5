package serializer

import "fmt"

// Default limits. A zero field of [Serializer] means the default.
const (
	// DefaultMaxDepth is the deepest nesting of arrays and objects accepted
	// when decoding and written when encoding. Flask's tags count: a tuple
	// is two levels ({" t": [...]}). CPython stops near 1000 levels with a
	// RecursionError; 256 keeps the Go stack small and is far beyond any
	// real session.
	DefaultMaxDepth = 256

	// DefaultMaxInput is the longest input Unmarshal accepts, in bytes.
	// A browser keeps at most 4 KiB per cookie; 1 MiB leaves room for
	// decompressed and chunked payloads while bounding the work.
	DefaultMaxInput = 1 << 20

	// DefaultMaxNumberDigits is the most digits a number literal may have,
	// when decoding and when encoding a *big.Int. It equals CPython's
	// int_max_str_digits (3.11+), so Flask refuses the same integers.
	DefaultMaxNumberDigits = 4300
)

// NativeTimeKey is the tag key of the native-precision time tag that
// [Serializer.NativeTime] turns on. It differs from every key Flask
// registers, so Flask never reads it as a datetime.
const NativeTimeKey = " dn"

// Serializer converts values to and from Flask's tagged JSON. The zero value
// is ready to use and is exactly Flask's TaggedJSONSerializer inside a
// request; [Marshal] and [Unmarshal] use such a zero Serializer.
//
// Set the fields and call [Serializer.Register] before the first use; after
// that a Serializer is safe for concurrent use and must not be changed.
type Serializer struct {
	// MaxDepth limits nesting; 0 means DefaultMaxDepth.
	MaxDepth int
	// MaxInput limits the input of Unmarshal in bytes; 0 means
	// DefaultMaxInput.
	MaxInput int
	// MaxNumberDigits limits number literals; 0 means
	// DefaultMaxNumberDigits.
	MaxNumberDigits int

	// NativeTime makes time.Time values encode with the tag NativeTimeKey
	// as RFC 3339 text with nanoseconds and the zone offset, so both
	// survive (Flask's " d" keeps whole seconds in UTC). With NativeTime,
	// decoding accepts both tags; without it, an object keyed NativeTimeKey
	// is a plain map, as in Flask. Flask cannot read the native tag as a
	// time: use it only for the native envelope. The default is false.
	NativeTime bool

	tags []Tag // user tags in registration order
}

// Tag is a user tag, like a Flask JSONTag subclass registered with
// TaggedJSONSerializer.register.
//
// When encoding, a value that no built-in tag matches is offered to the user
// tags in registration order; the first whose Check returns true writes
// {Key(): ToJSON(v)}. The result of ToJSON is encoded like any value, with
// the built-in tags and, for the values inside it, the user tags (Flask's
// tags call serializer.tag on their items by hand); the result itself is
// not offered to the user tags again. Built-in tags come first, as in Flask:
// map[string]any, []any, Tuple, []byte, Markup, UUID and time.Time never
// reach a user tag.
//
// When decoding, every object with exactly one key equal to Key() is replaced
// by ToValue of its (already decoded) content; ToValue's errors are reported
// wrapped in [ErrBadTag]. Like every registered key, Key() also triggers the
// " di" escape of one-key maps.
type Tag interface {
	// Key is the tag key, such as " p"; Flask's keys start with a space.
	Key() string
	// Check reports whether the tag writes v.
	Check(v any) bool
	// ToJSON returns the content written under Key for v.
	ToJSON(v any) (any, error)
	// ToValue returns the value for decoded content j.
	ToValue(j any) (any, error)
}

// builtinKeys are the keys Flask registers, in its order, plus the native
// time key, which is reserved whatever the setting.
var builtinKeys = []string{" di", " t", " b", " m", " u", " d", NativeTimeKey}

// Register adds a user tag after the existing ones (Flask's register with
// index=None). The key must be non-empty and not yet registered: the Flask
// keys and NativeTimeKey are always taken.
func (s *Serializer) Register(t Tag) error {
	k := t.Key()
	if k == "" {
		return fmt.Errorf("serializer: tag key must not be empty")
	}
	for _, b := range builtinKeys {
		if k == b {
			return fmt.Errorf("serializer: tag key %q is already registered", k)
		}
	}
	for _, u := range s.tags {
		if u.Key() == k {
			return fmt.Errorf("serializer: tag key %q is already registered", k)
		}
	}
	s.tags = append(s.tags, t)
	return nil
}

// TagKeys returns the keys of the user tags registered with
// [Serializer.Register], in registration order (nil when there are none).
// The built-in tags are not listed.
func (s *Serializer) TagKeys() []string {
	var keys []string
	for _, t := range s.tags {
		keys = append(keys, t.Key())
	}
	return keys
}

// isTagKey reports whether k is a registered tag key, which makes a one-key
// map need the " di" escape and a one-key object be untagged.
func (s *Serializer) isTagKey(k string) bool {
	if len(k) >= 2 && len(k) <= 3 && k[0] == ' ' {
		switch k {
		case " di", " t", " b", " m", " u", " d":
			return true
		case NativeTimeKey:
			return s.NativeTime
		}
	}
	for _, t := range s.tags {
		if t.Key() == k {
			return true
		}
	}
	return false
}

func (s *Serializer) userTag(k string) Tag {
	for _, t := range s.tags {
		if t.Key() == k {
			return t
		}
	}
	return nil
}

func (s *Serializer) maxDepth() int {
	if s.MaxDepth > 0 {
		return s.MaxDepth
	}
	return DefaultMaxDepth
}

func (s *Serializer) maxInput() int {
	if s.MaxInput > 0 {
		return s.MaxInput
	}
	return DefaultMaxInput
}

func (s *Serializer) maxDigits() int {
	if s.MaxNumberDigits > 0 {
		return s.MaxNumberDigits
	}
	return DefaultMaxNumberDigits
}

// flask is the zero Serializer behind the package-level functions.
var flask = &Serializer{}

// Marshal returns the tagged JSON text of v exactly as Flask writes it inside
// a request. See [Serializer.Marshal].
func Marshal(v any) ([]byte, error) { return flask.Marshal(v) }

// AppendMarshal appends the tagged JSON text of v to dst. See
// [Serializer.AppendMarshal].
func AppendMarshal(dst []byte, v any) ([]byte, error) { return flask.AppendMarshal(dst, v) }

// Unmarshal decodes Flask's tagged JSON text. See [Serializer.Unmarshal].
func Unmarshal(data []byte) (any, error) { return flask.Unmarshal(data) }

// UnmarshalString decodes Flask's tagged JSON text held in a string, without
// copying it. See [Serializer.UnmarshalString].
func UnmarshalString(text string) (any, error) { return flask.UnmarshalString(text) }

// UnmarshalInto decodes Flask's tagged JSON text into dst. See
// [Serializer.UnmarshalInto].
func UnmarshalInto(data []byte, dst any) error { return flask.UnmarshalInto(data, dst) }

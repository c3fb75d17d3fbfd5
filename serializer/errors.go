package serializer

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// Sentinel errors. Every error returned by this package wraps exactly one of
// them, so callers branch with [errors.Is].
var (
	// ErrSyntax: the input is not JSON as Python's json.loads accepts it
	// (including invalid UTF-8, raw control characters in strings and
	// trailing data). Errors that wrap it are *[SyntaxError].
	ErrSyntax = errors.New("serializer: syntax error")

	// ErrTooDeep: arrays and objects nest deeper than the configured
	// MaxDepth, when decoding or encoding (a cyclic value is reported this
	// way too). Errors that wrap it are *[LimitError].
	ErrTooDeep = errors.New("serializer: nesting too deep")

	// ErrTooLarge: the input is longer than MaxInput or a number literal is
	// longer than MaxNumberDigits. Errors that wrap it are *[LimitError].
	ErrTooLarge = errors.New("serializer: too large")

	// ErrUnsupportedType: a value cannot be written as Flask's tagged JSON
	// (a channel, a map with non-string keys, a time outside years
	// 1..9999, ...). Errors that wrap it are *[UnsupportedTypeError].
	ErrUnsupportedType = errors.New("serializer: unsupported type")

	// ErrBadTag: a tagged object (" t", " b", " u", ...) has content its tag
	// rejects. Errors that wrap it are *[TagError].
	ErrBadTag = errors.New("serializer: bad tag")

	// ErrTypeMismatch: [UnmarshalInto] cannot store a decoded value in the
	// destination's type. Errors that wrap it are *[TypeMismatchError].
	ErrTypeMismatch = errors.New("serializer: type mismatch")
)

// SyntaxError reports malformed input at a byte offset. It wraps [ErrSyntax].
type SyntaxError struct {
	Offset int    // byte offset in the input where the problem was found
	Msg    string // what was wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v: %s at offset %d", ErrSyntax, e.Msg, e.Offset)
}

func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// LimitError reports a configured limit that the input or value exceeds. It
// wraps [ErrTooDeep] (What == "depth") or [ErrTooLarge].
type LimitError struct {
	What   string // "depth", "input size" or "number length"
	Limit  int    // the configured limit
	Offset int    // byte offset in the input, or -1 when encoding
}

func (e *LimitError) Error() string {
	where := ""
	if e.Offset >= 0 {
		where = " at offset " + strconv.Itoa(e.Offset)
	}
	return fmt.Sprintf("%v: %s exceeds the limit of %d%s", e.Unwrap(), e.What, e.Limit, where)
}

func (e *LimitError) Unwrap() error {
	if e.What == "depth" {
		return ErrTooDeep
	}
	return ErrTooLarge
}

// UnsupportedTypeError reports a value that cannot be encoded, with the path
// to it in the encoded value, such as "$.cart[3].price". It wraps
// [ErrUnsupportedType].
type UnsupportedTypeError struct {
	Type   reflect.Type // the offending type; nil when unknown
	Path   string       // where it is, "$" for the top level
	Reason string       // empty, or why a value of a supported type was refused
}

func (e *UnsupportedTypeError) Error() string {
	msg := fmt.Sprintf("%v %v at %s", ErrUnsupportedType, e.Type, e.Path)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

func (e *UnsupportedTypeError) Unwrap() error { return ErrUnsupportedType }

// TagError reports a tagged object whose content the tag rejects. It wraps
// [ErrBadTag].
type TagError struct {
	Key    string // the tag key, such as " b"
	Offset int    // byte offset of the end of the tagged object in the input
	Err    error  // the reason
}

func (e *TagError) Error() string {
	return fmt.Sprintf("%v: %q at offset %d: %v", ErrBadTag, e.Key, e.Offset, e.Err)
}

// Unwrap returns [ErrBadTag] and the reason.
func (e *TagError) Unwrap() []error { return []error{ErrBadTag, e.Err} }

// TypeMismatchError reports a decoded value that [UnmarshalInto] cannot store
// in the destination. It wraps [ErrTypeMismatch], and Err when set.
type TypeMismatchError struct {
	Value string       // the decoded value's kind, such as "string" or "tuple"
	Type  reflect.Type // the destination type
	Path  string       // where in the decoded value, such as "$.roles[0]"
	Err   error        // nil, or the error of the destination's UnmarshalJSON or UnmarshalText
}

func (e *TypeMismatchError) Error() string {
	msg := fmt.Sprintf("%v: cannot store %s in %v at %s", ErrTypeMismatch, e.Value, e.Type, e.Path)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns [ErrTypeMismatch], and Err when it is set.
func (e *TypeMismatchError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrTypeMismatch, e.Err}
	}
	return []error{ErrTypeMismatch}
}

// pathSeg is one step of a path, built only while an error unwinds.
func keySeg(key string) string {
	if isIdent(key) {
		return "." + key
	}
	return "[" + strconv.Quote(key) + "]"
}

func indexSeg(i int) string { return "[" + strconv.Itoa(i) + "]" }

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// prependPath adds seg in front of the path of an encode or into error.
func prependPath(err error, seg string) error {
	switch e := err.(type) {
	case *UnsupportedTypeError:
		e.Path = "$" + seg + e.Path[1:]
	case *TypeMismatchError:
		e.Path = "$" + seg + e.Path[1:]
	}
	return err
}

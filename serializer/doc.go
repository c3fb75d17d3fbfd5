// Package serializer converts Go values to and from the tagged JSON of
// Flask's session serializer (flask.json.tag.TaggedJSONSerializer), byte for
// byte.
//
// Start with [Marshal] and [Unmarshal], or [UnmarshalInto] to decode into a
// struct. [UnmarshalString] decodes text that is already in a string without
// copying it; the decoded strings then keep that string alive. A [Serializer] changes the limits, adds user tags with
// [Serializer.Register], or keeps full time precision with
// [Serializer.NativeTime].
//
// # Value model
//
// Decoding returns map[string]any, []any, string, bool, nil, int64 (a
// *big.Int when the integer does not fit, as Python ints are unbounded),
// float64 (NaN and ±Inf included), and for Flask's tags:
//
//	" t"  Tuple       {" t": [items]}
//	" b"  []byte      {" b": "standard padded base64"}
//	" m"  Markup      {" m": "text"}
//	" u"  UUID        {" u": "32 lowercase hex digits"}
//	" d"  time.Time   {" d": "Thu, 29 Feb 2024 23:59:58 GMT"}
//	" di" escape      {" di": {" t__": v}} is the map {" t": v}
//
// Encoding accepts those types and also the other integer kinds, float32
// (shortest float32 digits), pointers, []string, map[string]string, any
// slice or array, maps whose keys are strings, integers or
// encoding.TextMarshalers (as encoding/json writes them), named types of
// these kinds, structs,
// and types with their own JSON or text methods (see below). A nil slice is
// written [] and a nil map {}.
//
// # Go types, as encoding/json treats them
//
// Structs are objects with encoding/json's field rules: json tag names
// (a name encoding/json would not accept falls back to the Go name), "-",
// omitempty, and omitzero (which asks the type's IsZero method when it
// has one); the fields of untagged embedded structs are promoted, and of
// the fields of one JSON name the least deep wins, or the one tagged
// field among those, else none. A type with a MarshalJSON method is
// written as the value its JSON text holds (so in this format: sorted
// keys, Flask's tags), one with a MarshalText method as a string, and a
// json.Number as its number; [UnmarshalInto] calls UnmarshalJSON (null
// included) and UnmarshalText back, the latter from a string only, so a
// number or bytes never skip the type's own checks. These are checked
// against encoding/json itself on about 200 cases (jsonparity_test.go).
// The deliberate differences:
//
//   - Flask's tags: []byte, time.Time, [UUID], [Tuple] and [Markup] are
//     written with their tags, not as encoding/json writes them, and
//     time.Time, *big.Int and the tag types keep their own rules when
//     read back, whatever methods they have.
//   - A map key of a string kind is used as it is, without its
//     TextUnmarshaler, which encoding/json calls. Integer and
//     TextMarshaler keys are written and read back as encoding/json does
//     (Python's json.dumps writes a dict's int keys as the same strings,
//     and they come back to Python as str).
//   - encoding/json's ",string" option is ignored: such a field is written
//     as its plain value (a number stays a number, as Flask would store
//     it) and read back from one.
//   - A MarshalJSON or MarshalText method with a pointer receiver is called
//     on a copy when the value is not addressable, where encoding/json
//     skips it (it writes a big.Int field of a struct passed by value as
//     {}).
//   - An unexported embedded struct with a json name is skipped, where
//     encoding/json writes it: reflect cannot hand out its value.
//   - MarshalJSON's text is read with this package's limits and tags: text
//     nested deeper than MaxDepth or longer than MaxInput, or an object
//     that looks like a Flask tag with bad content ({" t": 1}), is an
//     error; NaN is accepted, as Python writes it. A json.Number must be a
//     JSON number and is written in this package's spelling of the value it
//     parses to (1E+2 is 100.0, 1e999 is Infinity, as Python reads them),
//     within the digit limit.
//   - [UnmarshalInto] replaces what the destination holds (a map, a slice,
//     the value of an interface) instead of merging into it, and an array
//     must have the length of the list; encoding/json merges maps, decodes
//     into the pointer an interface holds, and pads or truncates arrays.
//
// UnmarshalJSON gets text written again from the parsed value, not a slice
// of the input as encoding/json passes. So a type whose UnmarshalJSON calls
// [UnmarshalInto] on values that do the same costs, at each level, about
// 2.5 times the bytes below it in allocations: 60 KB under 127 such levels
// (the most MaxDepth allows, as each level is an object and a list)
// allocates about 20 MB, freed as the calls return. The work is bounded by
// MaxInput times MaxDepth; this package's own types never nest this way.
//
// Other types (channels, functions, complex numbers, maps with other keys)
// give [ErrUnsupportedType] with the path to the value, such as
// $.cart[3].price. So does a struct that has fields but exports none (an
// error value, a type with only private state, without a MarshalJSON or
// MarshalText): encoding/json writes it as {}, and it would come back
// empty, so it is refused with a reason instead. A struct whose fields
// are all tagged `json:"-"` is written as {}, as asked. The fast path for the value model uses no reflection.
//
// # Format
//
// The text is what Flask writes inside a request: keys sorted by code point at
// every level, "," and ":" without spaces, ASCII only (lowercase \uXXXX,
// surrogate pairs above U+FFFF, DEL escaped; "/", "<", ">", "&" not escaped),
// Python float repr (1.0, 1e+16, 1e-05, -0.0, NaN, Infinity, -Infinity) and
// integers of any size. Tags are tried in Flask's order; a map with exactly
// one key that is a tag key is escaped with " di".
//
// A time.Time is written as Flask writes a datetime: converted to UTC, whole
// seconds (sub-seconds truncated), years 1..9999 only. It comes back in UTC,
// or with the numeric offset the text names.
//
// # Decisions on Python quirks
//
// Decoding accepts everything Flask writes and what Python's json.loads
// accepts, with these deliberate differences, each to keep hostile or
// corrupted input from turning into surprising values:
//
//   - " d" text that is not an HTTP date is an error ([ErrBadTag]); Flask
//     silently returns None. Only the layout Flask writes is read (weekday
//     optional, one space between fields, zone GMT, UT, UTC, Z or ±hhmm);
//     Python's email parser also takes two-digit years and looser spacing.
//     The year must have four digits and is taken literally: Python reads
//     years 0000-0099 as two-digit years (0001 is 2001), which breaks its
//     own round trip; here 0001 is year 1.
//   - " b" must be standard base64 with correct padding; Python's
//     non-validating b64decode drops characters outside the alphabet. Line
//     breaks are ignored and non-canonical trailing bits accepted, as in
//     Python.
//   - " di" content must be an object with exactly one key ending in "__";
//     Python strips the last two characters of the first key whatever they
//     are and drops other keys.
//   - " t" content must be an array (Python takes any iterable: a string
//     becomes a tuple of characters, an object the tuple of its keys);
//     " m", " u", " d" and " b" content must be strings (Python's Markup
//     takes any value).
//   - " u" accepts 32 hex digits in either case, the dashed form, braces
//     and a urn:uuid: prefix, as documented for Python's uuid.UUID.
//   - A lone surrogate escape such as \ud800, which Python keeps in its str,
//     decodes to U+FFFD, since a Go string holds UTF-8. When encoding,
//     invalid UTF-8 in a Go string is written as \ufffd.
//
// # Limits
//
// Hostile input gets an error, never a panic, and bounded work: input
// longer than [DefaultMaxInput] (1 MiB) is refused before parsing, nesting
// deeper than [DefaultMaxDepth] (256) gives [ErrTooDeep] (also when encoding,
// which stops cyclic values), and number literals with more than
// [DefaultMaxNumberDigits] (4300, CPython's own int_max_str_digits) digits
// give [ErrTooLarge]. Decoding is linear in the input and recursion is
// bounded by the depth limit. Every limit is a [Serializer] field.
//
// Two limits are stricter than Flask's: CPython accepts nesting up to its
// recursion limit (about 1000 levels), and it applies the digit limit to
// integers only, where here it also applies to the digits of a float
// literal.
//
// # Native time
//
// Flask's " d" drops sub-seconds and the zone offset. [Serializer.NativeTime]
// writes time.Time with the tag [NativeTimeKey] (" dn") as RFC 3339 text with
// nanoseconds and offset. Flask does not know that key, so it must only be
// used where Go reads the value back (the native envelope). The text is
// read by the exact grammar of codec/FORMAT.md (YYYY-MM-DDTHH:MM:SS, an
// optional fraction, Z or ±hh:mm; years 0001..9999, offsets under 24 h),
// which is narrower than time.Parse. A time whose offset that cannot hold
// (seconds in it, as in the local mean time of old dates, or 24 h or more),
// or whose local year is outside 0001..9999, is written in UTC: the
// instant survives, the offset does not.
package serializer

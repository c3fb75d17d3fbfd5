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
// slice, array or string-keyed map, named types of these kinds, and structs
// (as objects keyed by json-style field names, with omitempty and omitzero).
// encoding/json's ",string" option is not supported, and ignored: such a
// field is written as its plain value (a number stays a number, as Flask
// would store it) and read back from one. A nil slice is written [] and a
// nil map {}. Other types give
// [ErrUnsupportedType] with the path to the value, such as $.cart[3].price.
// The fast path for the value model uses no reflection.
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
// used where Go reads the value back (the native envelope).
package serializer

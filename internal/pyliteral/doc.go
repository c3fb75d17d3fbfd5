// Package pyliteral reads and writes Python literals the way flask-unsign
// does, with ast.literal_eval and repr(): [Bytes] reads a wordlist line
// ('secret', b'\xd2U') as the secret it spells, for the CLI's audit;
// [Value] reads a session ({'user': 'admin', 'ids': (1, 2)}) into the
// value model of package serializer, for sign --python; and [Format]
// writes such a value back as a literal, for decode --python.
//
// All three are checked against Debian's python3 (and Flask's session
// serializer) by differential tests; each doc comment lists the few forms
// Python reads or writes and this package deliberately does not.
package pyliteral

// Package pyliteral reads Python literals the way flask-unsign does, with
// ast.literal_eval: [Bytes] reads a wordlist line ('secret', b'\xd2U') as
// the secret it spells, for the CLI's audit, and [Value] reads a session
// ({'user': 'admin', 'ids': (1, 2)}) into the value model of package
// serializer, for sign --python.
//
// Both are checked against Debian's python3 (and, for Value, Flask's
// session serializer) by differential tests; each doc comment lists the
// few forms Python reads and this package deliberately does not.
package pyliteral

package main

// schemaVersion is the "schema_version" member of every JSON object the
// command prints. It changes only if a member changes meaning or goes
// away (members are otherwise only added), so that a consumer can detect
// such a change; see "JSON output" in the README.
const schemaVersion = 1

// jsonSchema is embedded first in every --json object type, so that
// "schema_version" leads the object (after "line" with --lines).
// printJSON takes only types that embed it, and sets the version.
type jsonSchema struct {
	SchemaVersion int `json:"schema_version"`
}

// setSchema sets the version; it makes a type embedding jsonSchema a
// versioned value that printJSON accepts.
func (s *jsonSchema) setSchema() { s.SchemaVersion = schemaVersion }

// versioned is a --json object: a pointer to a type that embeds
// jsonSchema.
type versioned interface{ setSchema() }

// keygenReport is the --json object of keygen: the key made.
type keygenReport struct {
	jsonSchema
	Key   string `json:"key"`
	KeyID string `json:"key_id"`
}

// keygenFailure is the --json object of a keygen that failed.
type keygenFailure struct {
	jsonSchema
	Error    *resultError `json:"error"`
	hintList              // "hints" and "hint_codes"
}

// Package flaskvectors loads the Flask test vectors
// (shared/vectors/flask/public.json, made by the real Flask 2.2.2) and
// converts their typed value descriptions to and from the values of package
// serializer.
//
// Start with [Load] in a test, then [Value] to turn a vector's
// payload_description into a Go value and [Describe] or [Equal] to compare.
package flaskvectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is the whole vector file.
type File struct {
	Meta    Meta     `json:"meta"`
	Vectors []Vector `json:"vectors"`
}

// Meta describes how the vectors were made; Schema explains every field.
type Meta struct {
	Generator     string            `json:"generator"`
	Set           string            `json:"set"`
	Seed          int64             `json:"seed"`
	RandomCount   int               `json:"random_count"`
	Count         int               `json:"count"`
	Groups        map[string]int    `json:"groups"`
	Versions      map[string]string `json:"versions"`
	FlaskDefaults FlaskDefaults     `json:"flask_defaults"`
	Notes         []string          `json:"notes"`
	Schema        map[string]string `json:"schema"`
}

// FlaskDefaults are Flask's session settings the vectors assume.
type FlaskDefaults struct {
	CookieName    string `json:"cookie_name"`
	Salt          string `json:"salt"`
	KeyDerivation string `json:"key_derivation"`
	Digest        string `json:"digest"`
	MaxAge        int64  `json:"max_age"`
	MaxCookieSize int    `json:"max_cookie_size"`
}

// Key is a secret key as text (nil when not valid UTF-8) and exact bytes.
type Key struct {
	Text *string `json:"text"`
	Hex  string  `json:"hex"`
}

// Segments are the three dot-separated parts of a cookie.
type Segments struct {
	Payload   string `json:"payload"`
	Timestamp string `json:"timestamp"`
	Signature string `json:"signature"`
}

// Check is one extra outcome of loads at a clock and max_age.
type Check struct {
	Now     int64  `json:"now"`
	MaxAge  *int64 `json:"max_age"` // nil: no age check
	Result  string `json:"result"`  // "ok" or the itsdangerous exception class
	Message string `json:"message,omitempty"`
}

// OpenSession is what Flask's open_session did with the cookie.
type OpenSession struct {
	// Result is "loaded", "rejected_new_empty_session" or "exception".
	Result    string `json:"result"`
	Session   *Desc  `json:"session,omitempty"`   // when loaded
	Because   string `json:"because,omitempty"`   // when rejected
	Exception string `json:"exception,omitempty"` // when exception
	Message   string `json:"message,omitempty"`
	HTTP      int    `json:"http,omitempty"`
}

// Vector is one test vector. Pointer fields are nil when the file has null
// or leaves the field out; the meta.schema text explains each.
type Vector struct {
	Name               string       `json:"name"`
	Group              string       `json:"group"` // positive, negative, quirk, random
	Description        string       `json:"description"`
	Notes              string       `json:"notes,omitempty"`
	SecretKey          *string      `json:"secret_key"`
	SecretKeyHex       string       `json:"secret_key_hex"`
	FallbackKeys       []Key        `json:"fallback_keys,omitempty"`
	Salt               string       `json:"salt"`
	KeyDerivation      string       `json:"key_derivation"`
	Digest             string       `json:"digest"`
	Timestamp          *int64       `json:"timestamp"`
	JSONMode           string       `json:"json_mode,omitempty"` // flask_request, no_app_context, or empty
	PayloadTaggedJSON  *string      `json:"payload_tagged_json"`
	PayloadDescription *Desc        `json:"payload_description"`
	DecodedDescription *Desc        `json:"decoded_description,omitempty"`
	Compressed         *bool        `json:"compressed,omitempty"`
	Segments           *Segments    `json:"segments,omitempty"`
	SignedText         string       `json:"signed_text,omitempty"`
	DerivedKeyHex      string       `json:"derived_key_hex"`
	SignedWithKeyHex   string       `json:"signed_with_key_hex,omitempty"`
	Cookie             string       `json:"cookie"`
	MaxAge             *int64       `json:"max_age"`
	ValidAtTime        *int64       `json:"valid_at_time,omitempty"`
	ExpiredAtTime      *int64       `json:"expired_at_time,omitempty"`
	VerifyAtTime       *int64       `json:"verify_at_time,omitempty"`
	Expect             string       `json:"expect"`
	Checks             []Check      `json:"checks"`
	FlaskOpenSession   *OpenSession `json:"flask_open_session,omitempty"`
	SetCookieHeaders   []string     `json:"set_cookie_headers,omitempty"`
	Vary               string       `json:"vary,omitempty"`
	WerkzeugWarnings   []string     `json:"werkzeug_warnings,omitempty"`
	EncodeExpectation  string       `json:"encode_expectation"` // byte_exact, byte_exact_requires_zlib_deflate, decode_only
	PythonRepr         string       `json:"python_repr,omitempty"`
}

// Decoded returns the description of what Python's loads gave back:
// DecodedDescription when the vector has one (lossy types), else
// PayloadDescription.
func (v *Vector) Decoded() *Desc {
	if v.DecodedDescription != nil {
		return v.DecodedDescription
	}
	return v.PayloadDescription
}

// RelPath is the vector file's path relative to the module root.
const RelPath = "../shared/vectors/flask/public.json"

// Path finds the vector file: from the working directory it walks up to the
// directory holding go.mod and joins [RelPath].
func Path() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(RelPath)), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("flaskvectors: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Load reads and decodes the vector file found by [Path].
func Load() (*File, error) {
	p, err := Path()
	if err != nil {
		return nil, err
	}
	return LoadFile(p)
}

// LoadFile reads and decodes the vector file at path.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("flaskvectors: %w", err)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("flaskvectors: %s: %w", path, err)
	}
	if len(f.Vectors) == 0 {
		return nil, fmt.Errorf("flaskvectors: %s holds no vectors", path)
	}
	return &f, nil
}

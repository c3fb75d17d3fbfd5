package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cookiecodec/cookiecodec/internal/gobscan"
	"github.com/cookiecodec/cookiecodec/serializer"
	"github.com/gorilla/securecookie"
)

// DefaultGorillaMaxAge is the default MaxAge of [GorillaOptions]: 30 days,
// the default of gorilla/sessions' CookieStore.
const DefaultGorillaMaxAge = 30 * 24 * time.Hour

// GorillaOptions describes how an application configured
// github.com/gorilla/securecookie (directly or through gorilla/sessions)
// before moving to the native format.
type GorillaOptions struct {
	// KeyPairs are the hash and block keys exactly as passed to
	// sessions.NewCookieStore or securecookie.CodecsFromPairs: hash key,
	// block key, hash key, block key, ... A nil block key means the app only
	// signed. At least one hash key is required.
	KeyPairs [][]byte

	// JSON reports that the app used securecookie.JSONEncoder. The default
	// is gorilla's default GobEncoder; gob values of custom types decode
	// only if the app still registers them with gob.Register, time.Time
	// included. []interface{}, in which gorilla/sessions keeps flashes and
	// which it registers itself, is registered by [NewGorillaMigration].
	JSON bool

	// MaxAge is the oldest cookie accepted, measured from gorilla's
	// timestamp (its last save). The default is [DefaultGorillaMaxAge];
	// negative means no limit. Give the store's MaxAge: package
	// cookiesession holds gorilla cookies to it instead of its own idle
	// timeout and lifetime, which start when the cookie is re-issued.
	MaxAge time.Duration

	// Skew is how far in the future gorilla's timestamp may lie (gorilla
	// itself accepts any future timestamp; this reader does not). The
	// default is [DefaultSkew]; negative means none.
	Skew time.Duration

	// Clock returns the current time; nil means time.Now.
	Clock Clock

	// FlashKeys are the keys under which the app queued flashes with
	// gorilla's AddFlash(value, key). [GorillaMigration.DecodeSession]
	// turns their text messages into flashes of that category (the key),
	// as it turns those of gorilla's default key "_flash" into flashes of
	// Flask's default category "message", so that Flashes("warning") finds
	// them once migrated. Messages that are not text stay under their key.
	// The default is none: nothing in a cookie says which keys hold
	// flashes.
	FlashKeys []string
}

// GorillaMigration reads cookies made by github.com/gorilla/securecookie
// with an application's old keys, so that they can be re-issued in the
// native format and nobody is logged out by the switch. It wraps
// securecookie itself (same MAC, decryption and serialization code), and
// adds what gorilla lacks: a future-timestamp check and typed errors.
//
// Use it as a Legacy reader of [NativeOptions]: a cookie it accepts is
// reported with Meta.Format "gorilla", a non-zero KeyIndex and KeyID
// "gorilla pair N", so package cookiesession re-issues it natively. The
// timestamp is checked before the payload is parsed. With gorilla/sessions, put it
// after the native codec:
//
//	store.Codecs = []securecookie.Codec{native, migration}
//
// gorilla/sessions tries the codecs in order on Decode and seals with the
// first one that can encode; GorillaMigration never encodes, so the next
// Save writes a native cookie.
type GorillaMigration struct {
	codecs    []*securecookie.SecureCookie
	maxAge    time.Duration
	skew      time.Duration
	clock     Clock
	json      bool
	flashKeys []string
}

// decodeGorillaGob decodes a verified gob payload into dst as securecookie's
// GobEncoder would, but with gobscan.Decode: the stream is checked first,
// and gob's panics recovered.
//
// encoding/gob sizes a map by the count the data claims before it reads an
// entry, so a 51-byte value claiming 2^24 entries allocates 1.3 GB and 2^30
// exhausts memory; gobscan refuses every count the stream does not hold,
// in maps nested at any depth and inside types the app registered. gob
// also panics (hash of unhashable type) on a map key of a slice or map
// type. The value has passed the MAC by then, so both matter once an old
// hash key has leaked. gobscan refuses two rare shapes that gob reads,
// both inside a struct of a registered type (see its doc); such a cookie
// fails with ErrPayload and its user logs in again. It cannot see
// everything gob will do: gob's reading depends on the app's registered
// types too, and a stream crafted with the key can still give two fields
// of one local struct type two wire types, which gob reads alike (see
// gobscan's doc). Whoever holds an old key can forge any session through
// this reader anyway: retire the gorilla keys once the migration is over.
func decodeGorillaGob(raw []byte, dst any) error {
	return gobscan.Decode(raw, dst)
}

var registerGorillaOnce sync.Once

// registerGorillaGobTypes registers with encoding/gob the type that
// gorilla/sessions registers in its own init: []interface{}, in which it
// keeps flashes. An app that no longer imports gorilla/sessions would
// otherwise fail on every session that ever held a flash ("gob: name not
// registered for interface"). It is registered under gob's default name,
// as gorilla/sessions does; should the app have registered it under
// another name, gob's panic is recovered and the app's name stands.
func registerGorillaGobTypes() {
	registerGorillaOnce.Do(func() {
		defer func() { _ = recover() }()
		gob.Register([]any{})
	})
}

// gorillaJSON parses the JSON of gorilla cookies made with JSONEncoder.
var gorillaJSON = &serializer.Serializer{}

// errGorillaEncode is returned by GorillaMigration.Encode.
var errGorillaEncode = errors.New("codec: the gorilla migration reader only decodes; encode with the native codec")

// NewGorillaMigration returns a reader of gorilla/securecookie cookies made
// with the given keys.
func NewGorillaMigration(opts GorillaOptions) (*GorillaMigration, error) {
	if len(opts.KeyPairs) == 0 || len(opts.KeyPairs[0]) == 0 {
		return nil, fmt.Errorf("%w: gorilla migration needs the app's hash key", ErrInvalidKey)
	}
	g := &GorillaMigration{maxAge: opts.MaxAge, skew: opts.Skew, clock: opts.Clock, json: opts.JSON, flashKeys: slices.Clone(opts.FlashKeys)}
	if !opts.JSON {
		registerGorillaGobTypes()
	}
	if g.maxAge == 0 {
		g.maxAge = DefaultGorillaMaxAge
	}
	switch {
	case g.skew == 0:
		g.skew = DefaultSkew
	case g.skew < 0:
		g.skew = 0
	}
	for i := 0; i < len(opts.KeyPairs); i += 2 {
		var block []byte
		if i+1 < len(opts.KeyPairs) {
			block = opts.KeyPairs[i+1]
		}
		if len(opts.KeyPairs[i]) == 0 {
			return nil, fmt.Errorf("%w: gorilla hash key %d is empty", ErrInvalidKey, i/2)
		}
		s := securecookie.New(opts.KeyPairs[i], block)
		// Age is checked here, with the injectable clock; gorilla's own check
		// uses time.Now and ignores future timestamps.
		s.MaxAge(0)
		// The caller's size limit is checked before gorilla runs.
		s.MaxLength(0)
		// securecookie checks the MAC, decrypts and deserializes in one
		// call; NopEncoder hands the decrypted payload back as it is, so
		// that its timestamp is checked before any of it is parsed.
		s.SetSerializer(securecookie.NopEncoder{})
		// Surface a bad block key now rather than on every cookie.
		if _, err := s.Encode("probe", []byte{}); err != nil {
			return nil, fmt.Errorf("%w: gorilla key pair %d: %v", ErrInvalidKey, i/2, err)
		}
		g.codecs = append(g.codecs, s)
	}
	return g, nil
}

// Encode implements securecookie.Codec by always failing: the migration
// reader never writes old-format cookies.
func (g *GorillaMigration) Encode(name string, value any) (string, error) {
	return "", errGorillaEncode
}

// Decode implements securecookie.Codec: it verifies value with the old keys
// (first key pair first) and checks its age. Into gorilla/sessions'
// *map[interface{}]interface{} (which it replaces) or an *any it stores the
// values as [GorillaMigration.DecodeSession] gives them, in the value
// model of package serializer (an int as int64, a struct as a map), so
// that a gorilla/sessions app whose store reads native cookies too sees
// the same types before and after the re-issue; gorilla's flashes stay
// where gorilla keeps them. Any other dst is filled as securecookie would.
// Errors wrap this package's sentinels.
func (g *GorillaMigration) Decode(name, value string, dst any) error {
	raw, _, err := g.verify(name, value, 0)
	if err != nil {
		return err
	}
	switch d := dst.(type) {
	case *map[any]any:
		v, err := g.sessionValues(raw)
		if err != nil {
			return err
		}
		out := make(map[any]any, len(v))
		for k, x := range v {
			out[k] = x
		}
		*d = out
		return nil
	case *any:
		v, err := g.sessionValues(raw)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	if g.json {
		err = json.NewDecoder(bytes.NewReader(raw)).Decode(dst)
	} else {
		err = decodeGorillaGob(raw, dst)
	}
	if err != nil {
		return gorillaPayloadError(err)
	}
	return nil
}

// gorillaValues converts decoded gob values to this package's value model,
// as the native codec's default serializer writes and reads them.
var gorillaValues = &serializer.Serializer{NativeTime: true}

// DecodeSession implements [LegacyReader]. The value is a map[string]any
// in the value model of package serializer, as the native cookie that
// replaces it will give it back: a JSON payload is parsed by the
// serializer, and gob values are written and read once by it, so an int
// comes back as int64, a []string as []any and a struct as a map (by its
// json tags) already in the request that migrates the cookie, not only in
// the next. A map[interface{}]interface{} nested in it becomes a
// map[string]any; gob maps with non-string keys, and values the serializer
// cannot write, are rejected with ErrPayload. gorilla's flashes become
// flashes as package cookiesession and Flask keep them (a "_flashes" list
// of (category, message) tuples): the text messages under "_flash" with
// category "message", and those under [GorillaOptions.FlashKeys] with
// their key as category. Meta has Format "gorilla",
// Issued and Created set to gorilla's timestamp (gorilla keeps no
// creation time), and KeyID "gorilla pair N" for the key pair (1-based,
// in KeyPairs order) that verified the cookie.
func (g *GorillaMigration) DecodeSession(name, value string, maxSize int) (any, Meta, error) {
	raw, m, err := g.verify(name, value, maxSize)
	if err != nil {
		return nil, Meta{}, err
	}
	v, err := g.sessionValues(raw)
	if err != nil {
		return nil, Meta{}, err
	}
	adoptGorillaFlashes(v, gorillaFlashKey, "message")
	for _, key := range g.flashKeys {
		adoptGorillaFlashes(v, key, key)
	}
	return v, m, nil
}

// sessionValues parses a verified gorilla/sessions payload into the value
// model.
func (g *GorillaMigration) sessionValues(raw []byte) (map[string]any, error) {
	var v any
	var err error
	if g.json {
		v, err = gorillaJSON.Unmarshal(raw)
	} else {
		v, err = gobSessionValues(raw)
	}
	if err != nil {
		return nil, gorillaPayloadError(err)
	}
	values, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: gorilla: session is a %T, not a map", ErrPayload, v)
	}
	return values, nil
}

// gorillaPayloadError wraps a failure to parse a verified payload. When gob
// met a type name the app has not registered, it says how to register it:
// gob names a type by its package path ("main.Prefs"), so a type that moved
// to another package, or a test binary of package main, needs
// gob.RegisterName with the old name.
func gorillaPayloadError(err error) error {
	const unregistered = "name not registered for interface: "
	if _, name, ok := strings.Cut(err.Error(), unregistered); ok {
		return fmt.Errorf("%w: gorilla: %w (register the type as the old app did, gob.Register(T{}); if the type moved to another package, or this is a test binary, use gob.RegisterName(%s, T{}) with the old name)", ErrPayload, err, name)
	}
	return fmt.Errorf("%w: gorilla: %w", ErrPayload, err)
}

// Where gorilla/sessions and Flask keep flashes.
const (
	gorillaFlashKey = "_flash"
	flashesKey      = "_flashes"
)

// adoptGorillaFlashes moves the text messages gorilla/sessions queued under
// key to the "_flashes" list, with the given category, after any already
// queued. Messages that are not text stay under key, which is removed when
// none stay. When the app itself keeps a value under "_flashes" that is
// not a list, nothing moves: the app's value is kept, and so are its
// flashes, under key.
func adoptGorillaFlashes(values map[string]any, key, category string) {
	queued, ok := values[key].([]any)
	if !ok {
		return
	}
	var list, rest []any
	if old, ok := values[flashesKey]; ok {
		oldList, isList := old.([]any)
		if !isList {
			return
		}
		list = slices.Clip(oldList)
	}
	for _, f := range queued {
		if text, ok := f.(string); ok {
			list = append(list, serializer.Tuple{category, text})
		} else {
			rest = append(rest, f)
		}
	}
	if len(list) > 0 {
		values[flashesKey] = list
	}
	if len(rest) > 0 {
		values[key] = rest
	} else {
		delete(values, key)
	}
}

// gobSessionValues decodes a gorilla/sessions gob payload (a
// map[interface{}]interface{}) into the value model.
func gobSessionValues(raw []byte) (any, error) {
	var values map[any]any
	if err := decodeGorillaGob(raw, &values); err != nil {
		return nil, err
	}
	// Maps of gorilla's session type nested in it, with string keys, are
	// string-keyed maps too.
	keyed, err := stringKeyed(values, 0)
	if err != nil {
		return nil, err
	}
	text, err := gorillaValues.Marshal(keyed)
	if err != nil {
		return nil, err
	}
	return gorillaValues.Unmarshal(text)
}

// verify checks value's size, MAC (with each key pair in turn) and
// timestamp, and returns the decrypted payload, not yet parsed.
func (g *GorillaMigration) verify(name, value string, maxSize int) ([]byte, Meta, error) {
	limit := maxSize
	if limit <= 0 {
		limit = DefaultMaxCookieSize
	}
	if size := len(name) + len(value); size > limit {
		return nil, Meta{}, &TooLargeError{What: "cookie", Size: size, Limit: limit}
	}
	// gorilla's layout: base64url(padded) of "timestamp|base64(value)|mac".
	rawValue, err := base64.URLEncoding.DecodeString(value)
	if err != nil || bytes.Count(rawValue, []byte("|")) < 2 {
		return nil, Meta{}, fmt.Errorf("%w: not a gorilla securecookie value", ErrMalformed)
	}
	var payload []byte
	pair := -1
	for i, s := range g.codecs {
		verr := s.Decode(name, value, &payload)
		if verr == nil {
			pair = i
			break
		}
		if !errors.Is(verr, securecookie.ErrMacInvalid) {
			// The MAC verified with this key; the failure is in the content.
			return nil, Meta{}, fmt.Errorf("%w: gorilla: %v", ErrPayload, verr)
		}
	}
	if pair < 0 {
		return nil, Meta{}, ErrSignature
	}
	// Verified: the timestamp is authentic.
	tsText, _, _ := bytes.Cut(rawValue, []byte("|"))
	ts, err := strconv.ParseInt(string(tsText), 10, 64)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("%w: gorilla timestamp %q", ErrMalformed, tsText)
	}
	issued := time.Unix(ts, 0)
	now := g.clock.now()
	if issued.After(now.Add(g.skew)) {
		return nil, Meta{}, &FutureError{At: issued, Now: now, Skew: g.skew}
	}
	if g.maxAge > 0 {
		if at := issued.Add(g.maxAge); !now.Before(at) {
			return nil, Meta{}, &ExpiredError{Reason: "max-age", At: at, Now: now}
		}
	}
	return payload, Meta{Format: "gorilla", Issued: issued, Created: issued, KeyID: fmt.Sprintf("gorilla pair %d", pair+1)}, nil
}

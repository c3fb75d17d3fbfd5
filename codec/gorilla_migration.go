package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
	// only if the app still registers them with gob.Register.
	JSON bool

	// MaxAge is the oldest cookie accepted, measured from gorilla's
	// timestamp. The default is [DefaultGorillaMaxAge]; negative means no
	// limit.
	MaxAge time.Duration

	// Skew is how far in the future gorilla's timestamp may lie (gorilla
	// itself accepts any future timestamp; this reader does not). The
	// default is [DefaultSkew]; negative means none.
	Skew time.Duration

	// Clock returns the current time; nil means time.Now.
	Clock Clock
}

// GorillaMigration reads cookies made by github.com/gorilla/securecookie
// with an application's old keys, so that they can be re-issued in the
// native format and nobody is logged out by the switch. It wraps
// securecookie itself (same MAC, decryption and serialization code), and
// adds what gorilla lacks: a future-timestamp check and typed errors.
//
// Use it as a Legacy reader of [NativeOptions]: a cookie it accepts is
// reported with Meta.Format "gorilla" and a non-zero KeyIndex, so
// package cookiesession re-issues it natively. With gorilla/sessions, put it
// after the native codec:
//
//	store.Codecs = []securecookie.Codec{native, migration}
//
// gorilla/sessions tries the codecs in order on Decode and seals with the
// first one that can encode; GorillaMigration never encodes, so the next
// Save writes a native cookie.
type GorillaMigration struct {
	codecs []*securecookie.SecureCookie
	maxAge time.Duration
	skew   time.Duration
	clock  Clock
	json   bool
}

// gorillaGob is securecookie's GobEncoder, except that it decodes with
// gobscan.Decode: the stream is checked first, and gob's panics recovered.
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
type gorillaGob struct{ securecookie.GobEncoder }

// Deserialize decodes src into dst with encoding/gob, as GobEncoder does,
// once gobscan.Check accepts it.
func (gorillaGob) Deserialize(src []byte, dst any) error {
	return gobscan.Decode(src, dst)
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
	g := &GorillaMigration{maxAge: opts.MaxAge, skew: opts.Skew, clock: opts.Clock, json: opts.JSON}
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
		if opts.JSON {
			s.SetSerializer(securecookie.JSONEncoder{})
		} else {
			s.SetSerializer(gorillaGob{})
		}
		// Surface a bad block key now rather than on every cookie.
		if _, err := s.Encode("probe", map[string]string{}); err != nil {
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
// (first key pair first), checks its age and decodes it into dst like
// securecookie does. Errors wrap this package's sentinels.
func (g *GorillaMigration) Decode(name, value string, dst any) error {
	_, err := g.decode(name, value, 0, dst)
	return err
}

// DecodeSession implements [LegacyReader]. The value is a map[string]any
// (gob maps with non-string keys are rejected with ErrPayload); JSON
// payloads are parsed by package serializer, so integers are int64 as in
// native cookies. Meta has Format "gorilla", and Issued and Created set to
// gorilla's timestamp.
func (g *GorillaMigration) DecodeSession(name, value string, maxSize int) (any, Meta, error) {
	var v any
	var err error
	var issued time.Time
	if g.json {
		// Take the JSON text and parse it with the serializer, so that
		// integers come back as int64 (as from native cookies) rather than
		// encoding/json's float64.
		var raw json.RawMessage
		issued, err = g.decode(name, value, maxSize, &raw)
		if err == nil {
			if v, err = gorillaJSON.Unmarshal(raw); err != nil {
				err = fmt.Errorf("%w: gorilla: %w", ErrPayload, err)
			}
		}
	} else {
		var m map[any]any
		issued, err = g.decode(name, value, maxSize, &m)
		if err == nil {
			v, err = nativeStringKeyed(m)
		}
	}
	if err != nil {
		return nil, Meta{}, err
	}
	return v, Meta{Format: "gorilla", Issued: issued, Created: issued}, nil
}

func (g *GorillaMigration) decode(name, value string, maxSize int, dst any) (time.Time, error) {
	limit := maxSize
	if limit <= 0 {
		limit = DefaultMaxCookieSize
	}
	if size := len(name) + len(value); size > limit {
		return time.Time{}, &TooLargeError{What: "cookie", Size: size, Limit: limit}
	}
	// gorilla's layout: base64url(padded) of "timestamp|base64(value)|mac".
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil || bytes.Count(raw, []byte("|")) < 2 {
		return time.Time{}, fmt.Errorf("%w: not a gorilla securecookie value", ErrMalformed)
	}
	var verr error
	for _, s := range g.codecs {
		if verr = s.Decode(name, value, dst); verr == nil {
			break
		}
		if !errors.Is(verr, securecookie.ErrMacInvalid) {
			// The MAC verified with this key; the failure is in the content.
			return time.Time{}, fmt.Errorf("%w: gorilla: %v", ErrPayload, verr)
		}
	}
	if verr != nil {
		return time.Time{}, ErrSignature
	}
	// Verified: the timestamp is authentic.
	tsText, _, _ := bytes.Cut(raw, []byte("|"))
	ts, err := strconv.ParseInt(string(tsText), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: gorilla timestamp %q", ErrMalformed, tsText)
	}
	issued := time.Unix(ts, 0)
	now := g.clock.now()
	if issued.After(now.Add(g.skew)) {
		return time.Time{}, &FutureError{At: issued, Now: now, Skew: g.skew}
	}
	if g.maxAge > 0 {
		if at := issued.Add(g.maxAge); !now.Before(at) {
			return time.Time{}, &ExpiredError{Reason: "max-age", At: at, Now: now}
		}
	}
	return issued, nil
}

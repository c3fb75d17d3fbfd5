package codec

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/cborjson"
	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// DecodeSession verifies the cookie value for the cookie called name and
// returns its payload. The checks run in this order, each before any work
// the next one needs (codec/FORMAT.md lists them with their reasons):
//
//  1. size: len(name)+len(value) <= maxSize (0: MaxCookieSize), else
//     *TooLargeError, before any base64 or crypto;
//  2. base64url without padding, canonical, else ErrMalformed;
//  3. envelope: version, mode equal to the codec's mode, known flags,
//     lengths, else ErrMalformed;
//  4. key id in the ring and not retired, else ErrUnknownKey;
//  5. tag over header, purpose, name and body, else ErrSignature;
//  6. times: created-at not after issued-at (ErrMalformed), issued-at not
//     beyond now+Skew (*FutureError), then absolute lifetime, idle timeout
//     and expires-at (*ExpiredError with Reason "absolute", "idle",
//     "expires"), each expired when now >= the deadline;
//  7. padding and decompression (ErrMalformed, ErrPayload, *TooLargeError);
//  8. payload: the binary form converted to tagged JSON and parsed
//     (ErrPayload).
//
// A cookie that fails step 2 or 3 is offered to the Legacy readers, if any,
// before LegacyUntil.
func (n *Native) DecodeSession(name, value string, maxSize int) (any, Meta, error) {
	buf := nativeBufs.Get().(*nativeBuf)
	defer putNativeBuf(buf)
	payload, meta, err := n.open(buf, name, value, maxSize)
	if err != nil {
		var nn notNativeError
		if errors.As(err, &nn) && len(n.legacy) > 0 {
			if now := n.clock.now(); !now.Before(n.legacyUntil) {
				detail := strings.TrimPrefix(err.Error(), ErrMalformed.Error()+": ")
				return nil, Meta{}, fmt.Errorf("%w at LegacyUntil, %s (%s)", ErrLegacyClosed, n.legacyUntil.UTC().Format(time.RFC3339), detail)
			}
			return n.decodeLegacy(name, value, maxSize, err)
		}
		return nil, Meta{}, err
	}
	v, err := n.decodePayload(buf, payload)
	if err != nil {
		return nil, Meta{}, err
	}
	return v, meta, nil
}

// decodePayload returns the value of a verified binary payload: directly
// for plain values with the default serializer, else by parsing its tagged
// JSON text (the same value either way).
func (n *Native) decodePayload(buf *nativeBuf, payload []byte) (any, error) {
	if n.direct {
		if v, ok := cborjson.DecodeValue(payload, n.payloadLim); ok {
			return v, nil
		}
	}
	text, err := n.payloadText(buf, payload)
	if err != nil {
		return nil, err
	}
	v, err := n.ser.Unmarshal(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPayload, err)
	}
	return v, nil
}

// payloadText converts a verified binary payload to the tagged JSON text the
// serializer reads, in buf.text.
func (n *Native) payloadText(buf *nativeBuf, payload []byte) ([]byte, error) {
	text, err := cborjson.ToJSON(buf.text[:0], payload, n.payloadLim)
	buf.text = text[:0]
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPayload, err)
	}
	return text, nil
}

// notNativeError is an ErrMalformed error of checks 2 and 3: the cookie is
// not a native cookie of this codec's mode, so the Legacy readers may try
// it. A cookie that authenticated and then failed is never shown to them.
type notNativeError struct{ error }

func (e notNativeError) Unwrap() error { return e.error }

func (n *Native) decodeLegacy(name, value string, maxSize int, nativeErr error) (any, Meta, error) {
	firstErr := nativeErr
	for i, r := range n.legacy {
		v, m, err := r.DecodeSession(name, value, maxSize)
		if err == nil {
			m.KeyIndex = n.ring.Len() + i
			return v, m, nil
		}
		if firstErr == nativeErr && !errors.Is(err, ErrMalformed) {
			firstErr = err
		}
	}
	return nil, Meta{}, firstErr
}

// open runs checks 1 to 7 and returns the plaintext payload, which aliases
// buf.
func (n *Native) open(buf *nativeBuf, name, value string, maxSize int) ([]byte, Meta, error) {
	limit := n.limit(maxSize)
	if size := len(name) + len(value); size > limit {
		return nil, Meta{}, &TooLargeError{What: "cookie", Size: size, Limit: limit}
	}
	if len(name) > envelope.MaxName {
		return nil, Meta{}, &TooLargeError{What: "cookie name", Size: len(name), Limit: envelope.MaxName}
	}
	if value == "" {
		return nil, Meta{}, notNativeError{fmt.Errorf("%w: empty cookie", ErrMalformed)}
	}
	// Canonical base64url only: no padding, no line breaks, zero trailing
	// bits, so that every change to the text changes the bytes.
	raw, ok := envelope.AppendDecode(buf.env[:0], value)
	buf.env = raw
	if !ok {
		return nil, Meta{}, notNativeError{fmt.Errorf("%w: not unpadded base64url", ErrMalformed)}
	}
	env, err := envelope.Parse(raw)
	if err != nil {
		return nil, Meta{}, notNativeError{fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	h := env.Header
	if h.Mode != n.wireMode {
		return nil, Meta{}, notNativeError{fmt.Errorf("%w: cookie mode %v, codec mode %v", ErrMalformed, h.Mode, n.wireMode)}
	}
	k := n.keys[h.KeyID]
	if k == nil {
		return nil, Meta{}, fmt.Errorf("%w: key id %s", ErrUnknownKey, formatKeyID(h.KeyID))
	}
	if n.ring.keys[k.index].retired.Load() {
		// Said apart from a key never configured: after a leak that is
		// expected, while an unknown id is a misconfigured server.
		return nil, Meta{}, fmt.Errorf("%w: key id %s", ErrRetiredKey, formatKeyID(h.KeyID))
	}
	buf.ad = envelope.AppendAssociatedData(buf.ad[:0], env.Raw, n.purpose, name)
	body, ok := k.sealer.open(env.Nonce, env.Body, env.Tag, buf.ad)
	if !ok {
		return nil, Meta{}, ErrSignature
	}
	now := n.clock.now()
	if err := n.checkTimes(h, now); err != nil {
		return nil, Meta{}, err
	}
	if h.Flags&envelope.FlagPadded != 0 {
		if body, ok = envelope.Unpad(body); !ok {
			return nil, Meta{}, fmt.Errorf("%w: bad padding", ErrMalformed)
		}
	}
	compressed := h.Flags&envelope.FlagCompressed != 0
	if compressed {
		body, err = zlibDecompress(buf.aux[:0], body, n.maxDecomp, false)
		if err != nil {
			return nil, Meta{}, err
		}
		buf.aux = body
	}
	return body, Meta{
		Format:     "native",
		SessionID:  h.SessionID,
		Created:    nativeTime(h.Created),
		Issued:     nativeTime(h.Issued),
		Expires:    nativeTime(h.Expires),
		KeyID:      k.idText,
		KeyIndex:   k.index,
		Compressed: compressed,
	}, nil
}

// checkTimes is step 6 of DecodeSession.
func (n *Native) checkTimes(h envelope.Header, now time.Time) error {
	if h.Created > h.Issued {
		return fmt.Errorf("%w: created-at after issued-at", ErrMalformed)
	}
	issued := nativeTime(h.Issued)
	if issued.After(now.Add(n.skew)) {
		return &FutureError{At: issued, Now: now, Skew: n.skew}
	}
	if at := nativeTime(nativeAddSeconds(h.Created, n.lifetime)); !now.Before(at) {
		return &ExpiredError{Reason: "absolute", At: at, Now: now}
	}
	if n.idle > 0 {
		if at := nativeTime(nativeAddSeconds(h.Issued, n.idle)); !now.Before(at) {
			return &ExpiredError{Reason: "idle", At: at, Now: now}
		}
	}
	if at := nativeTime(h.Expires); !now.Before(at) {
		return &ExpiredError{Reason: "expires", At: at, Now: now, Created: nativeTime(h.Created), Issued: issued}
	}
	return nil
}

// Decode implements securecookie.Codec for gorilla/sessions. dst may be a
// *map[interface{}]interface{} (gorilla/sessions' session.Values), a
// *map[string]any, an *any, or any pointer the serializer can fill.
// Errors are those of [Native.DecodeSession].
func (n *Native) Decode(name, value string, dst any) error {
	buf := nativeBufs.Get().(*nativeBuf)
	defer putNativeBuf(buf)
	payload, _, err := n.open(buf, name, value, 0)
	if err != nil {
		return err
	}
	switch d := dst.(type) {
	case *map[any]any:
		v, err := n.decodePayload(buf, payload)
		if err != nil {
			return err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%w: payload is %T, not a map", ErrPayload, v)
		}
		out := make(map[any]any, len(m))
		for k, v := range m {
			out[k] = v
		}
		*d = out
		return nil
	case *any:
		v, err := n.decodePayload(buf, payload)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	text, err := n.payloadText(buf, payload)
	if err != nil {
		return err
	}
	if err := n.ser.UnmarshalInto(text, dst); err != nil {
		return fmt.Errorf("%w: %w", ErrPayload, err)
	}
	return nil
}

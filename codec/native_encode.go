package codec

import (
	"fmt"

	"github.com/cookiecodec/cookiecodec/codec/internal/cborjson"
	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// EncodeSession serializes value (tagged JSON, converted to the compact
// binary payload of codec/FORMAT.md) and seals it under the primary key for the
// cookie called name. From m it takes SessionID (zero: a fresh random id),
// Created (zero: now; later than now: now) and Expires (zero: derived);
// Issued is always now.
// Expires is never later than Created+Lifetime nor, with an idle timeout,
// Issued+IdleTimeout. A session whose absolute lifetime has already passed
// is not re-sealed: that returns an *ExpiredError with Reason "absolute".
// To refresh a session, pass the Meta that DecodeSession returned with
// Expires set to zero (or to the new expiry): a non-zero Expires is an upper
// bound, so passing the old one keeps the old expiry.
//
// maxSize bounds len(name)+len(result); 0 means the codec's MaxCookieSize.
// The returned Meta is what DecodeSession reports for the result.
func (n *Native) EncodeSession(name string, value any, m Meta, maxSize int) (string, Meta, error) {
	if len(name) > envelope.MaxName {
		return "", Meta{}, fmt.Errorf("codec: cookie name is %d bytes, at most %d", len(name), envelope.MaxName)
	}
	now := n.clock.now()
	issued, ok := nativeSeconds(now)
	if !ok {
		return "", Meta{}, errNativeTimeRange
	}
	created := issued
	if !m.Created.IsZero() {
		if created, ok = nativeSeconds(m.Created); !ok {
			return "", Meta{}, errNativeTimeRange
		}
		// A session decoded on a server whose clock runs ahead (within the
		// skew) claims a creation time after this server's now. Clamping to
		// now never lengthens the absolute lifetime.
		created = min(created, issued)
	}
	expires := nativeAddSeconds(created, n.lifetime)
	if expires <= issued {
		return "", Meta{}, &ExpiredError{Reason: "absolute", At: nativeTime(expires), Now: now}
	}
	if n.idle > 0 {
		expires = min(expires, nativeAddSeconds(issued, n.idle))
	}
	if !m.Expires.IsZero() {
		e, ok := nativeSeconds(m.Expires)
		if !ok && m.Expires.Unix() < 0 {
			return "", Meta{}, errNativeTimeRange
		}
		if ok {
			expires = min(expires, e)
		}
		if expires <= issued {
			return "", Meta{}, &ExpiredError{Reason: "expires", At: nativeTime(expires), Now: now}
		}
	}
	h := envelope.Header{
		Mode:      n.wireMode,
		KeyID:     n.primary.id,
		SessionID: m.SessionID,
		Created:   created,
		Issued:    issued,
		Expires:   expires,
	}
	buf := nativeBufs.Get().(*nativeBuf)
	defer putNativeBuf(buf)
	ns := n.wireMode.NonceSize()
	start := envelope.HeaderSize + ns
	env, err := n.appendPayload(buf, buf.env[:start], value)
	if err != nil {
		buf.env = env[:0]
		return "", Meta{}, err
	}
	if z, compressed := n.compression.apply(fastDeflater, buf.aux, env[start:]); compressed {
		buf.aux = z
		env = append(env[:start], z...)
		h.Flags |= envelope.FlagCompressed
	}
	if n.padding > 0 {
		env = envelope.Pad(env, start, n.padding)
		h.Flags |= envelope.FlagPadded
	}
	env, h, err = n.sealEnvelope(buf, env, h, m.SessionID.IsZero(), name)
	if err != nil {
		return "", Meta{}, err
	}
	buf.env = env

	limit := n.limit(maxSize)
	if size := len(name) + envelope.EncodedLen(len(env)); size > limit {
		return "", Meta{}, &TooLargeError{What: "cookie", Size: size, Limit: limit}
	}
	buf.aux = envelope.AppendEncode(buf.aux[:0], env)
	out := string(buf.aux)
	return out, Meta{
		Format:     "native",
		SessionID:  h.SessionID,
		Created:    nativeTime(created),
		Issued:     nativeTime(issued),
		Expires:    nativeTime(expires),
		KeyID:      n.primary.idText,
		KeyIndex:   0,
		Compressed: h.Flags&envelope.FlagCompressed != 0,
	}, nil
}

// Encode implements securecookie.Codec for gorilla/sessions: it encodes
// value as a new session (fresh session id, created now). gorilla/sessions
// passes session.Values, a map[interface{}]interface{}; its keys must be
// strings. Every Encode starts the absolute lifetime anew, as gorilla's own
// timestamps do; use [Native.EncodeSession] to keep a session's identity.
func (n *Native) Encode(name string, value any) (string, error) {
	if m, ok := value.(map[any]any); ok {
		sm, err := nativeStringKeyed(m)
		if err != nil {
			return "", err
		}
		value = sm
	}
	s, _, err := n.EncodeSession(name, value, Meta{}, 0)
	return s, err
}

// appendPayload appends the binary payload of value to env: directly for
// plain values with the default serializer, else through the serializer's
// tagged JSON text (the same bytes either way).
func (n *Native) appendPayload(buf *nativeBuf, env []byte, value any) ([]byte, error) {
	if n.direct {
		if out, ok := buf.enc.AppendValue(env, value, n.payloadLim.MaxDepth); ok {
			return out, nil
		}
	}
	text, err := n.ser.AppendMarshal(buf.text[:0], value)
	buf.text = text[:0]
	if err != nil {
		return env, fmt.Errorf("%w: %w", ErrPayload, err)
	}
	out, err := cborjson.FromJSON(env, text, n.payloadLim)
	if err != nil {
		return env, fmt.Errorf("%w: %w", ErrPayload, err)
	}
	return out, nil
}

// nativeStringKeyed converts a gorilla/sessions value map to a string-keyed
// map. A map with keys that are not strings is refused, naming the least
// of them (leastNonStringKey), so the error does not change from run to
// run.
func nativeStringKeyed(m map[any]any) (map[string]any, error) {
	if k, found := leastNonStringKey(m); found {
		return nil, fmt.Errorf("%w: session key %v of type %T is not a string", ErrPayload, k, k)
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k.(string)] = v // all are, as leastNonStringKey found none
	}
	return out, nil
}

// sealEnvelope completes an envelope whose payload (compressed and padded as
// h.Flags say) starts after the header and nonce space: it writes the
// header, draws the nonce (and, if newSession, the session id) and seals.
// It returns the sealed envelope and the header with its session id.
func (n *Native) sealEnvelope(buf *nativeBuf, env []byte, h envelope.Header, newSession bool, name string) ([]byte, envelope.Header, error) {
	start := envelope.HeaderSize + n.wireMode.NonceSize()
	if tag := n.wireMode.TagSize(); cap(env)-len(env) < tag {
		env = append(env, make([]byte, tag)...)[:len(env)]
	}
	envelope.AppendHeader(env[:0], h)
	// One read fills the nonce and, for a new session, the session id just
	// before it.
	random := env[envelope.HeaderSize:start]
	if newSession {
		random = env[envelope.SessionIDOffset:start]
	}
	if err := n.readRand(random); err != nil {
		buf.env = env[:0]
		return nil, h, fmt.Errorf("codec: random: %w", err)
	}
	copy(h.SessionID[:], env[envelope.SessionIDOffset:envelope.HeaderSize])
	nonce := env[envelope.HeaderSize:start]
	buf.ad = envelope.AppendAssociatedData(buf.ad[:0], env[:envelope.HeaderSize], n.purpose, name)
	sealed := n.primary.sealer.seal(env[start:], nonce, buf.ad)
	env = env[:start+len(sealed)]
	buf.env = env
	return env, h, nil
}

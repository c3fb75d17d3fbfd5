package codec

import (
	"fmt"
	"time"

	"github.com/cookiecodec/cookiecodec/codec/internal/envelope"
)

// Header is the UNVERIFIED header of a native cookie, as reported by
// [Inspect]. Nothing in it has been authenticated: anyone can make a cookie
// with any header. Use it to explain a cookie (which key, which mode, how
// old), never to decide anything.
type Header struct {
	// Verified is always false: Inspect does not check the tag. It is here so
	// that printed and JSON forms say so.
	Verified bool `json:"verified"`

	Version    int       `json:"version"`
	Mode       string    `json:"mode"` // "xchacha20poly1305", "aes256gcm", "hmacsha256"
	KeyID      string    `json:"key_id"`
	SessionID  SessionID `json:"-"`
	Session    string    `json:"session_id"` // SessionID as hex
	Created    time.Time `json:"created"`
	Issued     time.Time `json:"issued"`
	Expires    time.Time `json:"expires"`
	Compressed bool      `json:"compressed"`
	Padded     bool      `json:"padded"`

	// Sizes in bytes: the cookie text, the decoded envelope and its parts.
	CookieSize int `json:"cookie_size"`
	Size       int `json:"size"`
	HeaderSize int `json:"header_size"`
	NonceSize  int `json:"nonce_size"`
	BodySize   int `json:"body_size"`
	TagSize    int `json:"tag_size"`
}

// Inspect decodes the header of a native cookie value WITHOUT verifying it:
// no key is needed and none is used. It checks only the structure (size at
// most 64 KiB, base64url, version, mode, flags, lengths) and returns
// ErrTooLarge or ErrMalformed otherwise. The payload is not returned: in
// the encrypting modes it is ciphertext, and in the sign-only mode reading it
// before verification invites trusting it.
func Inspect(cookie string) (Header, error) {
	const maxInspect = 64 << 10
	if len(cookie) > maxInspect {
		return Header{}, &TooLargeError{What: "cookie", Size: len(cookie), Limit: maxInspect}
	}
	raw, ok := envelope.AppendDecode(nil, cookie)
	if !ok {
		return Header{}, fmt.Errorf("%w: not unpadded base64url", ErrMalformed)
	}
	env, err := envelope.Parse(raw)
	if err != nil {
		return Header{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	h := env.Header
	return Header{
		Version:    envelope.Version,
		Mode:       h.Mode.String(),
		KeyID:      formatKeyID(h.KeyID),
		SessionID:  h.SessionID,
		Session:    SessionID(h.SessionID).String(),
		Created:    nativeTime(h.Created).UTC(),
		Issued:     nativeTime(h.Issued).UTC(),
		Expires:    nativeTime(h.Expires).UTC(),
		Compressed: h.Flags&envelope.FlagCompressed != 0,
		Padded:     h.Flags&envelope.FlagPadded != 0,
		CookieSize: len(cookie),
		Size:       len(raw),
		HeaderSize: envelope.HeaderSize,
		NonceSize:  len(env.Nonce),
		BodySize:   len(env.Body),
		TagSize:    len(env.Tag),
	}, nil
}

// String summarizes h on one line, starting with "unverified".
func (h Header) String() string {
	flags := ""
	if h.Compressed {
		flags += " compressed"
	}
	if h.Padded {
		flags += " padded"
	}
	return fmt.Sprintf("unverified native v%d %s key %s session %s created %s issued %s expires %s%s, %d bytes",
		h.Version, h.Mode, h.KeyID, h.Session,
		h.Created.Format(time.RFC3339), h.Issued.Format(time.RFC3339), h.Expires.Format(time.RFC3339), flags, h.CookieSize)
}

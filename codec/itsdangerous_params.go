package codec

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
)

// Derivation names how itsdangerous turns a secret key into the HMAC key
// (itsdangerous Signer.key_derivation). H is the configured [Digest].
type Derivation string

const (
	// DeriveHMAC derives HMAC_H(key=secret, msg=salt). Flask's choice.
	DeriveHMAC Derivation = "hmac"
	// DeriveDjangoConcat derives H(salt || "signer" || secret), the
	// itsdangerous default.
	DeriveDjangoConcat Derivation = "django-concat"
	// DeriveConcat derives H(salt || secret): salt first, a plain hash.
	DeriveConcat Derivation = "concat"
	// DeriveNone uses the secret unchanged and ignores the salt.
	DeriveNone Derivation = "none"
)

// Digest names the hash function of the HMAC (itsdangerous
// Signer.digest_method).
type Digest string

// The digests itsdangerous users pick. SHA1 is Flask's (and itsdangerous')
// default; MD5 and SHA-1 are still sound inside HMAC but offer no margin, so
// new deployments that do not need Flask compatibility should use the
// native format instead.
const (
	SHA1   Digest = "sha1"
	SHA224 Digest = "sha224"
	SHA256 Digest = "sha256"
	SHA384 Digest = "sha384"
	SHA512 Digest = "sha512"
	MD5    Digest = "md5"
)

// Size returns the MAC length in bytes, or 0 for an unknown digest.
func (d Digest) Size() int {
	switch d {
	case SHA1:
		return sha1.Size
	case SHA224:
		return sha256.Size224
	case SHA256:
		return sha256.Size
	case SHA384:
		return sha512.Size384
	case SHA512:
		return sha512.Size
	case MD5:
		return md5.Size
	}
	return 0
}

// newHash returns the constructor of d, or nil when d is unknown.
func (d Digest) newHash() func() hash.Hash {
	switch d {
	case SHA1:
		return sha1.New
	case SHA224:
		return sha256.New224
	case SHA256:
		return sha256.New
	case SHA384:
		return sha512.New384
	case SHA512:
		return sha512.New
	case MD5:
		return md5.New
	}
	return nil
}

// Params are the itsdangerous signer parameters other than the keys: they
// describe a signature scheme. The zero value is not Flask's configuration;
// use [FlaskParams] for that.
type Params struct {
	// Salt is mixed into the key derivation as UTF-8 bytes. It is used
	// literally: the empty string is the empty salt (itsdangerous' own
	// defaults "itsdangerous.Signer" and "itsdangerous" are not applied).
	Salt string
	// Derivation is the key derivation. The empty value means [DeriveHMAC].
	Derivation Derivation
	// Digest is the HMAC hash. The empty value means [SHA1].
	Digest Digest
	// Separator splits payload, timestamp and signature. Zero means '.'.
	// It must not be a base64url character ('A'-'Z', 'a'-'z', '0'-'9',
	// '-', '_'), as itsdangerous requires.
	Separator byte
}

// FlaskSalt is the salt of Flask's session cookie.
const FlaskSalt = "cookie-session"

// FlaskParams returns Flask's session signer parameters: salt
// "cookie-session", [DeriveHMAC], [SHA1], separator '.'.
func FlaskParams() Params {
	return Params{Salt: FlaskSalt, Derivation: DeriveHMAC, Digest: SHA1, Separator: '.'}
}

// normalize fills the defaults and validates p.
func (p Params) normalize() (Params, error) {
	if p.Derivation == "" {
		p.Derivation = DeriveHMAC
	}
	if p.Digest == "" {
		p.Digest = SHA1
	}
	if p.Separator == 0 {
		p.Separator = '.'
	}
	switch p.Derivation {
	case DeriveHMAC, DeriveDjangoConcat, DeriveConcat, DeriveNone:
	default:
		return p, fmt.Errorf("codec: unknown key derivation %q", p.Derivation)
	}
	if p.Digest.Size() == 0 {
		return p, fmt.Errorf("codec: unknown digest %q", p.Digest)
	}
	if isB64URL(p.Separator) {
		return p, fmt.Errorf("codec: separator %q is a base64url character", p.Separator)
	}
	return p, nil
}

// DeriveKey returns the HMAC key that p derives from secret, as
// itsdangerous' Signer.derive_key does. It panics if p is invalid (see
// [NewSigner] for the validating constructor).
func (p Params) DeriveKey(secret []byte) []byte {
	p, err := p.normalize()
	if err != nil {
		panic(err)
	}
	return p.deriveKey(secret)
}

func (p Params) deriveKey(secret []byte) []byte {
	newHash := p.Digest.newHash()
	switch p.Derivation {
	case DeriveHMAC:
		m := hmac.New(newHash, secret)
		m.Write([]byte(p.Salt))
		return m.Sum(nil)
	case DeriveDjangoConcat:
		h := newHash()
		h.Write([]byte(p.Salt))
		h.Write([]byte("signer"))
		h.Write(secret)
		return h.Sum(nil)
	case DeriveConcat:
		h := newHash()
		h.Write([]byte(p.Salt))
		h.Write(secret)
		return h.Sum(nil)
	default: // DeriveNone
		return append([]byte(nil), secret...)
	}
}

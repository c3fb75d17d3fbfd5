// Package codec turns session values into cookie values and back: signing,
// sealing, keys, time and size limits, for two formats.
//
// Start with [NewNative] for new applications, which get an encrypted,
// versioned envelope, and with [NewFlask] to read and write the session
// cookie of a Flask app (or anything built on itsdangerous). Both implement
// [SessionCodec], which package cookiesession uses, and gorilla's
// securecookie.Codec, so either can be a gorilla/sessions CookieStore's
// Codecs. Every decoding error wraps one of the sentinels in errors.go.
//
// # Flask format
//
// A Flask session cookie is signed, not encrypted:
//
//	[.]B64URL(zlib?(TAGGED_JSON)) "." B64URL(timestamp) "." B64URL(HMAC)
//
// [Flask] reproduces Flask's SecureCookieSessionInterface: itsdangerous'
// URLSafeTimedSerializer with salt "cookie-session", the "hmac" key
// derivation, SHA-1, the tagged JSON of package serializer, and zlib when it
// saves at least 2 bytes. [FlaskOptions] can change each part as a Flask
// subclass can; its zero values are Flask's. Uncompressed cookies are
// byte-identical to Flask's; compressed ones differ in their deflate bytes
// (Go's compress/zlib is not C zlib) and Flask reads them.
//
// Below it, [Signer] is itsdangerous' TimestampSigner for any [Params]
// (derivations hmac, django-concat, concat and none; digests sha1, sha224,
// sha256, sha384, sha512 and md5; any salt and separator), with
// [Signer.SignPayload] and [Signer.UnsignPayload] adding the URL-safe
// serializer's base64url and '.'-marked zlib. [ParseSigned] and [Checker]
// test candidate secrets against one cookie at two HMACs per guess without
// allocating, for audits.
//
// # Key rotation
//
// One primary key signs; fallback keys only verify (Flask 3.1's
// SECRET_KEY_FALLBACKS). [Meta].KeyIndex says which key verified a cookie, so
// the caller re-issues cookies that a fallback verified. Nothing is ever
// signed with a fallback, which avoids Flask 3.1.0's GHSA-4grg-w6v8-c28g.
// With more than one server, add a new key everywhere as a fallback before
// any server signs with it (see [KeyRing]); a server that re-issues
// cookies under a key the others lack logs their users out.
//
// # Errors
//
// Decoding checks, in this order: the length (before any base64 or crypto),
// the signature, the time, then the payload. itsdangerous' exceptions map to
// the sentinels as follows; the first four make Flask start a new empty
// session, the payload error makes it answer HTTP 500.
//
//	no separator at all (BadSignature "No '.' found")    ErrMalformed
//	signature does not match any key (BadSignature,      ErrSignature
//	  BadTimeSignature "does not match")
//	good signature, no or bad timestamp                  ErrMalformed
//	  (BadTimeSignature "timestamp missing", "Malformed timestamp")
//	age > max-age (SignatureExpired)                     *ExpiredError, ErrExpired
//	timestamp after now + skew (SignatureExpired "< 0")  *FutureError, ErrFuture
//	good signature, payload not base64/zlib/JSON         ErrPayload
//	  or bad tag content (BadPayload)
//	cookie or inflated payload over the limit            *TooLargeError, ErrTooLarge
//	  (Flask has no limit)
//
// # Security
//
// Anyone can read a Flask cookie; it only proves that the holder of the key
// wrote it and when. The MAC is checked in constant time before the payload
// is touched, so payload decoding only ever sees data signed with a
// configured key. Limits bound the work an attacker can cause: the cookie
// value (default [DefaultMaxCookieSize], 4096 bytes, checked first), the
// inflated payload (default [DefaultMaxDecompressed], 64 KiB, enforced while
// inflating, so a zlib bomb costs at most that), and the serializer's depth,
// input and number-length limits. SHA-1 and MD5 are kept because Flask and
// existing itsdangerous deployments use them; inside HMAC they are not
// broken, but new applications should use the native format.
//
// # Deliberate differences from Flask
//
// Each was decided on purpose; the quirk vectors of the public Flask vector
// set pin them in tests.
//
//   - Signature spelling: Python decodes the signature segment leniently; it
//     accepts '=' padding, the '+' and '/' alphabet, non-zero unused bits in
//     the last character, and junk characters in groups that keep the length
//     arithmetic valid. We accept only the canonical spelling itsdangerous
//     itself writes and answer anything else with ErrSignature. Every MAC
//     then has exactly one accepted cookie text (so cookies can be compared,
//     deduplicated or deny-listed as strings), and the only visible effect
//     is that a hand-edited cookie gets a new session, as Flask does for any
//     bad signature. The payload and timestamp segments are covered by the
//     MAC as text, so only a non-itsdangerous signer could produce
//     non-canonical spellings there; we decode them strictly too.
//   - Timestamp 0 is the empty segment ("payload..signature") and is
//     accepted, as in Python; with any max-age such a cookie has expired.
//   - Size limits: Flask writes and reads cookies of any size and inflates
//     payloads without bound. We refuse to write or read a cookie value over
//     MaxCookieSize and to inflate past MaxDecompressed, with
//     *TooLargeError; browsers drop such cookies silently anyway.
//   - Clock skew: Flask refuses a cookie signed one second ahead of its
//     clock. The default skew is 0 for parity; FlaskOptions.Skew allows more.
//   - Compression: the zlib bytes come from Go's deflate, so near the
//     2-byte threshold the compress/no-compress decision can differ from
//     Flask's; both sides read either form.
//   - The empty salt cannot be chosen through FlaskOptions (empty means
//     Flask's salt); a [Signer] with [Params] takes any salt literally.
//   - A bad payload under a good signature is an ErrPayload error, not a
//     crash; Flask answers it with HTTP 500.
//
// The serializer's own decisions (datetime years below 100, unparseable
// datetimes, and so on) are documented in package serializer.
//
// # Native format
//
// The native envelope (versioned, key ids, cookie-name binding, expiry
// inside, AEAD or HMAC) is specified byte by byte in FORMAT.md, next to this
// file; start with [NewNative] and [NewKeyRing].
//
// Its security decisions, with the reasons FORMAT.md gives at length:
//
//   - XChaCha20-Poly1305 by default: its 192-bit random nonces never
//     collide in practice, where AES-256-GCM's 96-bit ones reach NIST's
//     2^-32 collision bound near 2^32 cookies per key ([AES256GCM] says
//     when to rotate). [HMACSHA256] signs without hiding the payload.
//   - The mode comes from [NativeOptions], never from the cookie: a cookie
//     of another mode is ErrMalformed, so no one can pick a weaker one.
//   - 256-bit keys with key ids, and an HKDF-SHA256 subkey per key, mode and
//     purpose; the cookie name and the purpose are in the associated data,
//     so a cookie opens only under the name and purpose it was made for.
//   - Checks run cheapest first and nothing is parsed before the tag
//     verifies: the size (default [DefaultMaxCookieSize], 4096 bytes, the
//     per-cookie size every browser must support), canonical base64, the
//     header, the key id (ErrUnknownKey for unknown and retired keys, no
//     trial decryption), the tag (in constant time), the times, then
//     padding, zlib (at most [DefaultMaxDecompressed], 64 KiB, stopped
//     while inflating) and the payload with the serializer's limits.
//   - Expiry lives inside the envelope (absolute lifetime, default
//     [DefaultLifetime]; optional idle timeout; the writer's expires-at),
//     so a stolen cookie stops working even if the browser keeps it. Only
//     issued-at gets a clock-skew allowance ([DefaultSkew], 60 s), so that
//     a server whose clock runs ahead cannot stretch the idle timeout.
//   - No compression when encrypting by default (CRIME/BREACH).
//   - [NativeOptions].Legacy readers accept cookies of an older format
//     (Flask, gorilla) and so also everyone who can forge them, for
//     example with a leaked or weak old secret: keep them only for the
//     migration window, not as a permanent fallback. [NativeOptions].LegacyUntil
//     is required with them and ends that window by itself; it may be at
//     most [MaxLegacyWindow] (400 days) ahead, and the old cookies that
//     still arrive after it fail with [ErrLegacyClosed].
//   - [FlaskOptions].AlsoRead is the reverse, for the first step of a move
//     over several instances: a Flask codec that also reads the native
//     format. It needs no end date, since only the new keys can make what
//     it reads.
package codec

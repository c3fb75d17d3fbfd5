#!/usr/bin/python3
"""Independent reader of the cookiecodec native envelope, version 1.

Written from codec/FORMAT.md alone (no Go source of package codec was read),
to show that the specification is complete enough to implement the format.
Section names in the comments ("§Header", "§Decoding check 5", ...) refer to
the headings of FORMAT.md.

Usage:  /usr/bin/python3 reader.py VECTOR_DIR

Every regular file of VECTOR_DIR is a test vector (§Test vectors); the
reader is configured from the file alone, opens its cookie and compares the
outcome with expect / reason / key-index / payload-hex / payload-json. One
PASS/FAIL line per vector, then "N passed, M failed"; exit status 0 only if
every vector passes.

Requires the standard library and python3-cryptography (Debian, 38).
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import math
import os
import re
import struct
import sys
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


# ---------------------------------------------------------------------------
# Outcomes (§Decoding: "The error names are those of package codec"; the
# vectors spell them as in §Test vectors: success, signature, unknown key,
# malformed, expired, future, payload, too large).
# ---------------------------------------------------------------------------

class Reject(Exception):
    """A decoding failure: kind is the vector's `expect` word."""

    def __init__(self, kind, detail, reason=None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.reason = reason  # only for "expired": absolute, idle, expires


def malformed(detail):
    return Reject("malformed", detail)


def bad_payload(detail):
    return Reject("payload", detail)


# ---------------------------------------------------------------------------
# Constants (§Header, §Keys, §Payload, §Test vectors)
# ---------------------------------------------------------------------------

VERSION = 1
HEADER_LEN = 35
MODES = {  # mode byte -> (vector name, nonce length, tag length)
    1: ("xchacha20poly1305", 24, 16),
    2: ("aes256gcm", 12, 16),
    3: ("hmacsha256", 0, 32),
}
MODE_BY_NAME = {name: byte for byte, (name, _, _) in MODES.items()}
FLAG_COMPRESSED = 0x01
FLAG_PADDED = 0x02
KNOWN_FLAGS = FLAG_COMPRESSED | FLAG_PADDED

DEFAULT_PURPOSE = "session"     # §Associated data: empty purpose = "session"
MAX_COOKIE = 4096               # §Test vectors: default limits
MAX_NAME = 65535                # §Decoding check 1
MAX_INFLATED = 65536            # §Payload step 1 / §Test vectors
MAX_DEPTH = 256                 # §Payload: nesting depth
MAX_JSON_TEXT = 1 << 20         # §Payload: JSON text 1 MiB
MAX_BIGNUM_BYTES = 1786         # §Payload: bignums of at most 1786 bytes
MAX_DIGITS = 4300               # §Payload / §Decoding check 8

KEY_PREFIX = "cookiecodec-key-1."


# ---------------------------------------------------------------------------
# Keys (§Keys, §Keys/Subkeys)
# ---------------------------------------------------------------------------

def b64url_decode_canonical(text):
    """Unpadded, canonical base64url (RFC 4648 §5) as §Decoding check 2
    requires: only A-Z a-z 0-9 - _, no '=', no white space, a length other
    than 4k+1, and zero trailing bits. Returns None if not canonical."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        return None
    padded = text + "=" * (-len(text) % 4)
    data = base64.urlsafe_b64decode(padded)
    # Zero trailing bits: re-encoding must give back exactly the text.
    if base64.urlsafe_b64encode(data).decode("ascii").rstrip("=") != text:
        return None
    return data


def parse_key(text):
    """Parses 'cookiecodec-key-1.<8 hex>.<base64url of 32 bytes>'.
    The reference parser ignores surrounding white space and accepts
    upper-case hex in the id (§Keys). Returns (key_id, material)."""
    text = text.strip()
    if not text.startswith(KEY_PREFIX):
        raise ValueError("key: wrong prefix")
    parts = text[len(KEY_PREFIX):].split(".")
    if len(parts) != 2 or not re.fullmatch(r"[0-9A-Fa-f]{8}", parts[0]):
        raise ValueError("key: id is not 8 hex digits")
    material = b64url_decode_canonical(parts[1])
    if material is None or len(material) != 32:
        raise ValueError("key: material is not 32 bytes of unpadded base64url")
    return int(parts[0], 16), material


def hkdf_sha256(ikm, salt, info, length=32):
    return HKDF(algorithm=hashes.SHA256(), length=length,
                salt=salt, info=info).derive(ikm)


def derive_subkey(material, mode, key_id, purpose):
    """§Keys/Subkeys: HKDF-SHA256(material, salt empty, info =
    "cookiecodec native v1 subkey" || 0x00 || mode || key id (4) || purpose)."""
    info = (b"cookiecodec native v1 subkey" + b"\x00" + bytes([mode])
            + struct.pack(">I", key_id) + purpose.encode("utf-8"))
    # An empty salt in RFC 5869 means HashLen zero bytes; pass them explicitly.
    return hkdf_sha256(material, b"\x00" * 32, info)


# ---------------------------------------------------------------------------
# XChaCha20-Poly1305 (§Header mode 1). The cryptography package has no
# XChaCha, so: subkey' = HChaCha20(key, nonce[0:16]); then the IETF
# ChaCha20-Poly1305 with subkey' and nonce 0x00000000 || nonce[16:24]
# (draft-irtf-cfrg-xchacha §2.3).
# ---------------------------------------------------------------------------

def _rotl32(v, n):
    return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))


def _quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl32(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl32(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl32(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl32(s[b] ^ s[c], 7)


def hchacha20(key, nonce16):
    """HChaCha20 (draft-irtf-cfrg-xchacha §2.2): the ChaCha20 state with the
    16-byte nonce in place of counter and nonce, 20 rounds, no final addition,
    output words 0..3 and 12..15."""
    assert len(key) == 32 and len(nonce16) == 16
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key))
    state += list(struct.unpack("<4I", nonce16))
    for _ in range(10):  # 10 double rounds
        _quarter_round(state, 0, 4, 8, 12)
        _quarter_round(state, 1, 5, 9, 13)
        _quarter_round(state, 2, 6, 10, 14)
        _quarter_round(state, 3, 7, 11, 15)
        _quarter_round(state, 0, 5, 10, 15)
        _quarter_round(state, 1, 6, 11, 12)
        _quarter_round(state, 2, 7, 8, 13)
        _quarter_round(state, 3, 4, 9, 14)
    return struct.pack("<8I", *(state[0:4] + state[12:16]))


def xchacha20poly1305_open(key, nonce24, body_and_tag, ad):
    sub = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(sub).decrypt(b"\x00" * 4 + nonce24[16:], body_and_tag, ad)


# ---------------------------------------------------------------------------
# The reader's configuration (§Test vectors: every field of a vector file)
# ---------------------------------------------------------------------------

class Reader:
    def __init__(self, mode, keys, retired, purpose, lifetime, idle, skew):
        self.mode = mode
        self.purpose = purpose or DEFAULT_PURPOSE  # §Associated data
        if len(self.purpose.encode("utf-8")) > 255:
            raise ValueError("purpose longer than 255 bytes")
        self.lifetime = lifetime
        self.idle = idle          # 0 means no idle timeout (§Test vectors)
        self.skew = skew
        # The ring: index 0 the primary key, i the i-th fallback (§Decoding,
        # last paragraph). Subkeys are derived once here (§Keys/Subkeys).
        self.ring = {}
        for index, (key_id, material) in enumerate(keys):
            if key_id in self.ring:
                raise ValueError("two keys with id %08x in the ring" % key_id)
            self.ring[key_id] = (index, derive_subkey(material, mode, key_id, self.purpose))
        self.retired = set(retired)

    # §Decoding: the checks, in order. Returns (key_index, payload bytes,
    # payload JSON text) or raises Reject.
    def open(self, name, value, now):
        name_b = name.encode("utf-8")
        value_b = value.encode("utf-8")

        # Check 1: sizes, before base64 or crypto.
        if len(name_b) + len(value_b) > MAX_COOKIE or len(name_b) > MAX_NAME:
            raise Reject("too large", "name + value is %d bytes" % (len(name_b) + len(value_b)))

        # Check 2: non-empty, canonical unpadded base64url.
        if value == "":
            raise malformed("empty value")
        env = b64url_decode_canonical(value)
        if env is None:
            raise malformed("not canonical unpadded base64url")

        # Check 3: version, mode (= configured), flags, minimum length.
        if len(env) < 1 or env[0] != VERSION:
            raise malformed("version is not 1")
        if len(env) < 2 or env[1] not in MODES:
            raise malformed("undefined mode")
        if env[1] != self.mode:
            raise malformed("mode %d is not the configured mode %d" % (env[1], self.mode))
        if len(env) < 3 or env[2] & ~KNOWN_FLAGS:
            raise malformed("unknown flag bits")
        _, nonce_len, tag_len = MODES[self.mode]
        if len(env) < HEADER_LEN + nonce_len + tag_len:
            raise malformed("envelope shorter than header + nonce + tag")

        # §Header: fixed offsets, big-endian.
        header = env[:HEADER_LEN]
        flags = header[2]
        key_id, created, issued, expires = struct.unpack(">IIII", header[3:19])
        nonce = env[HEADER_LEN:HEADER_LEN + nonce_len]
        rest = env[HEADER_LEN + nonce_len:]

        # Check 4: key id in the ring and not retired.
        if key_id not in self.ring or key_id in self.retired:
            raise Reject("unknown key", "key id %08x" % key_id)
        key_index, subkey = self.ring[key_id]

        # Check 5: the tag over the associated data (§Associated data) with
        # the reader's own name and purpose.
        purpose_b = self.purpose.encode("utf-8")
        ad = (header + bytes([len(purpose_b)]) + purpose_b
              + struct.pack(">H", len(name_b)) + name_b)
        payload = self._authenticate(subkey, nonce, rest, tag_len, ad)

        # Check 6: times, computed with unbounded integers (no overflow) and
        # the clock rounded down to whole seconds (§Times).
        now_s = math.floor(now)
        if created > issued:
            raise malformed("created-at after issued-at")  # 6a
        if issued > now_s + self.skew:
            raise Reject("future", "issued-at beyond now + skew")  # 6b
        if not now_s < created + self.lifetime:
            raise Reject("expired", "absolute lifetime", "absolute")  # 6c
        if self.idle and not now_s < issued + self.idle:
            raise Reject("expired", "idle timeout", "idle")  # 6d
        if not now_s < expires:
            raise Reject("expired", "expires-at reached", "expires")  # 6e

        # Check 7: undo padding, then compression (§Payload, "opposite order").
        if flags & FLAG_PADDED:
            payload = unpad(payload)
        if flags & FLAG_COMPRESSED:
            payload = inflate(payload, MAX_INFLATED)

        # Check 8: binary form -> JSON text -> tagged JSON.
        text = binary_to_json(payload)
        parse_tagged_json(text)
        return key_index, payload, text

    def _authenticate(self, subkey, nonce, rest, tag_len, ad):
        if self.mode == 3:
            # HMAC mode: tag = HMAC-SHA256(subkey, ad || body), body = payload.
            body, tag = rest[:-tag_len], rest[-tag_len:]
            want = hmac.new(subkey, ad + body, hashlib.sha256).digest()
            if not hmac.compare_digest(want, tag):
                raise Reject("signature", "HMAC does not verify")
            return body
        try:
            if self.mode == 1:
                return xchacha20poly1305_open(subkey, nonce, rest, ad)
            return AESGCM(subkey).decrypt(nonce, rest, ad)
        except InvalidTag:
            raise Reject("signature", "AEAD tag does not verify") from None


# ---------------------------------------------------------------------------
# Check 7 (§Payload, steps 2 and 1)
# ---------------------------------------------------------------------------

def unpad(data):
    """ISO/IEC 7816-4: strip trailing 0x00 bytes and one 0x80; anything
    else is malformed. The bucket size is not checked."""
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise malformed("padding has no 0x80 marker")
    return stripped[:-1]


def inflate(data, limit):
    """A zlib stream (RFC 1950): no preset dictionary, correct Adler-32, not
    truncated, nothing after it; stop as soon as the output passes limit."""
    if len(data) >= 2 and data[1] & 0x20:
        raise bad_payload("zlib stream with a preset dictionary")
    d = zlib.decompressobj()
    try:
        # Ask for at most limit + 1 bytes: one more than allowed proves the
        # stream is too large without inflating the rest of a bomb.
        out = d.decompress(data, limit + 1)
    except zlib.error as e:
        raise bad_payload("not a valid zlib stream: %s" % e) from None
    if len(out) > limit:
        raise Reject("too large", "inflates beyond %d bytes" % limit)
    if not d.eof:
        # All the input was consumed (the output limit was not reached) but
        # the stream did not end: truncated.
        raise bad_payload("truncated zlib stream")
    if d.unused_data or d.unconsumed_tail:
        raise bad_payload("data after the end of the zlib stream")
    return out


# ---------------------------------------------------------------------------
# Check 8: the binary form (a strict subset of CBOR, §Payload) to JSON text
# written as Python's json.dumps(separators=(",", ":")) does.
# ---------------------------------------------------------------------------

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r",
                  "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def json_string(s):
    """§Payload, last bullet: the short escapes; other characters below
    U+0020, U+007F and non-ASCII as \\uXXXX (lower-case hex, surrogate pairs
    above U+FFFF); the rest of ASCII as itself."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        elif c <= 0xFFFF:
            out.append("\\u%04x" % c)
        else:
            c -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF)))
    out.append('"')
    return "".join(out)


def json_float(f):
    """§Payload: Python's repr for finite floats; NaN, Infinity, -Infinity."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    return repr(f)


def decimal(n):
    """An integer in decimal, refusing more than MAX_DIGITS digits (§Payload:
    "4300 decimal digits"; the sign is not counted)."""
    # Cheap upper bound first so that no huge conversion is attempted.
    if abs(n).bit_length() > MAX_DIGITS * 3.33 + 8:
        raise bad_payload("number with more than %d digits" % MAX_DIGITS)
    old = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    try:
        if old is not None:
            sys.set_int_max_str_digits(0)
        text = str(n)
    finally:
        if old is not None:
            sys.set_int_max_str_digits(old)
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise bad_payload("number with more than %d digits" % MAX_DIGITS)
    return text


class _Binary:
    """A cursor over the payload bytes that reads one item at a time and
    appends its JSON text to out."""

    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.out = []
        self.size = 0

    def emit(self, text):
        self.size += len(text)
        if self.size > MAX_JSON_TEXT:
            raise bad_payload("JSON text longer than 1 MiB")
        self.out.append(text)

    def take(self, n):
        if n > len(self.data) - self.pos:
            raise bad_payload("truncated binary payload")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def head(self):
        """Reads a head: (major type, additional info, argument). Rejects
        reserved (28-30) and indefinite (31) lengths and non-shortest
        arguments ("Every head ... uses the shortest form")."""
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            return major, info, None  # simple values and floats: see item()
        if info < 24:
            return major, info, info
        if info == 31:
            raise bad_payload("indefinite length")
        if info > 27:
            raise bad_payload("reserved additional information %d" % info)
        width = 1 << (info - 24)            # 1, 2, 4 or 8 bytes
        arg = int.from_bytes(self.take(width), "big")
        minimum = 24 if width == 1 else 1 << (8 * (width // 2))
        if arg < minimum:
            raise bad_payload("head longer than needed")
        return major, info, arg

    def text_string(self, arg):
        raw = self.take(arg)
        try:
            return raw.decode("utf-8")  # strict: rejects surrogates, overlong
        except UnicodeDecodeError:
            raise bad_payload("invalid UTF-8 in a text string") from None

    def item(self, depth):
        major, info, arg = self.head()
        if major == 0:                      # unsigned integer
            self.emit(str(arg))
        elif major == 1:                    # negative integer -1-arg
            self.emit(str(-1 - arg))
        elif major == 2:
            raise bad_payload("byte string outside a bignum")
        elif major == 3:
            self.emit(json_string(self.text_string(arg)))
        elif major == 4:                    # array
            if depth + 1 > MAX_DEPTH:
                raise bad_payload("nesting deeper than %d" % MAX_DEPTH)
            self.emit("[")
            for i in range(arg):
                if i:
                    self.emit(",")
                self.item(depth + 1)
            self.emit("]")
        elif major == 5:                    # map, keys are text strings
            if depth + 1 > MAX_DEPTH:
                raise bad_payload("nesting deeper than %d" % MAX_DEPTH)
            self.emit("{")
            for i in range(arg):
                if i:
                    self.emit(",")
                kmajor, _, karg = self.head()
                if kmajor != 3:
                    raise bad_payload("map key is not a text string")
                self.emit(json_string(self.text_string(karg)))
                self.emit(":")
                self.item(depth + 1)
            self.emit("}")
        elif major == 6:                    # tags: only bignums 2 and 3
            if arg not in (2, 3):
                raise bad_payload("tag %d" % arg)
            bmajor, _, blen = self.head()
            if bmajor != 2:
                raise bad_payload("bignum tag around something else than a byte string")
            if blen > MAX_BIGNUM_BYTES:
                raise bad_payload("bignum longer than %d bytes" % MAX_BIGNUM_BYTES)
            raw = self.take(blen)
            if raw[:1] == b"\x00":
                raise bad_payload("bignum with a leading zero byte")
            n = int.from_bytes(raw, "big")
            if n < 1 << 64:
                raise bad_payload("bignum that fits in 64 bits")
            # RFC 8949 §3.4.3: tag 3 is the value -1 - n.
            self.emit(decimal(n if arg == 2 else -1 - n))
        else:                               # major 7
            if info == 20:
                self.emit("false")
            elif info == 21:
                self.emit("true")
            elif info == 22:
                self.emit("null")
            elif info == 27:
                raw = self.take(8)
                f = struct.unpack(">d", raw)[0]
                if math.isnan(f) and raw != b"\x7f\xf8\x00\x00\x00\x00\x00\x00":
                    raise bad_payload("NaN other than 0x7ff8000000000000")
                self.emit(json_float(f))
            elif info in (25, 26):
                raise bad_payload("float16 or float32")
            elif info == 31:
                raise bad_payload("break outside an indefinite item")
            else:
                raise bad_payload("simple value other than false, true, null")


def binary_to_json(data):
    """§Payload: exactly one item, nothing after it."""
    cur = _Binary(data)
    cur.item(0)
    if cur.pos != len(data):
        raise bad_payload("data after the item")
    return "".join(cur.out)


# ---------------------------------------------------------------------------
# Tagged JSON (§Payload: Flask's TaggedJSONSerializer tags plus " dn").
# When this reader was first written, FORMAT.md named the tags but did not
# say what makes a tagged value invalid, and the checks were this reader's
# own choices. FORMAT.md (§Payload) now lists the rules, and these follow it:
#   " t"  an array            " m"  a string
#   " b"  padded standard base64, line breaks ignored
#   " u"  32 hex digits or the 8-4-4-4-12 dashed form, bare, in braces or
#         after "urn:uuid:" (see _UUID; uuid.UUID() alone takes more)
#   " d"  Flask's HTTP date layout (see _HTTP_DATE)
#   " dn" RFC 3339 date-time: upper-case T and Z, a fraction ("." or ",",
#         then 1 or more digits), a real calendar date from year 0001,
#         seconds 00-59, an offset of hh <= 23 and mm <= 59
#   " di" an object with exactly one key, which ends in "__"
# Keys that look like tags but are not in this list (" x") stay objects.
# ---------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([.,]\d+)?(Z|[+-](\d{2}):(\d{2}))\Z")

# §Payload, " u": one of four spellings, hex in either case.
_UUID = re.compile(
    r"(?:urn:uuid:)?(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})\Z"
    r"|\{(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})\}\Z")

# §Payload, " d": optional weekday and comma (space after it optional), day
# of 1-2 digits, month name, 4-digit year, HH:MM:SS, zone; one space between.
_HTTP_DATE = re.compile(
    r"(?:(?:sun|mon|tue|wed|thu|fri|sat), ?)?(\d{1,2}) "
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) (\d{4}) "
    r"(\d{2}):(\d{2}):(\d{2}) (?:gmt|utc|ut|Z|[+-](\d{2})(\d{2}))\Z",
    re.IGNORECASE)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def _http_date_ok(text):
    m = _HTTP_DATE.match(text)
    if not m or text.endswith("z"):  # the zone Z is upper case only
        return False
    day, month, year = int(m.group(1)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(3))
    hour, minute, second = int(m.group(4)), int(m.group(5)), int(m.group(6))
    if m.group(7) is not None and (int(m.group(7)) > 23 or int(m.group(8)) > 59):
        return False
    if year < 1 or hour > 23 or minute > 59 or second > 59:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _untag(key, value):
    if key == " t":                     # tuple: a JSON array
        if not isinstance(value, list):
            raise bad_payload('" t" value is not an array')
    elif key == " b":                   # bytes: standard base64
        if not isinstance(value, str):
            raise bad_payload('" b" value is not a string')
        try:
            base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
        except (binascii.Error, ValueError):
            raise bad_payload('" b" value is not base64') from None
    elif key == " m":                   # Markup: a string
        if not isinstance(value, str):
            raise bad_payload('" m" value is not a string')
    elif key == " u":                   # UUID
        if not isinstance(value, str):
            raise bad_payload('" u" value is not a string')
        if not _UUID.match(value):
            raise bad_payload('" u" value is not a UUID') from None
    elif key == " d":                   # HTTP date
        if not isinstance(value, str) or not _http_date_ok(value):
            raise bad_payload('" d" value is not an HTTP date')
    elif key == " dn":                  # RFC 3339 with nanoseconds
        m = isinstance(value, str) and _RFC3339.match(value)
        if not m:
            raise bad_payload('" dn" value is not RFC 3339 text')
        if m.group(3) is not None and (int(m.group(3)) > 23 or int(m.group(4)) > 59):
            raise bad_payload('" dn" value has an offset out of range')
        if value.startswith("0000"):
            raise bad_payload('" dn" value is in year 0000')
        try:
            datetime.datetime.fromisoformat(re.sub(r"[.,]\d+", "", value).replace("Z", "+00:00"))
        except ValueError:
            raise bad_payload('" dn" value is not a valid time') from None
    elif key == " di":                  # a dict whose one key looked like a tag
        if not isinstance(value, dict) or len(value) != 1 or not next(iter(value)).endswith("__"):
            raise bad_payload('" di" value is not a one-key object whose key ends in "__"')
    return TaggedValue(key, value)


class TaggedValue:
    """A checked tagged value; this reader does not need the Python type."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value


TAGS = (" t", " b", " m", " u", " d", " dn", " di")


def _object_hook(pairs):
    # Python's dict semantics: the last repeated key wins, but every value,
    # overwritten or not, has already been checked by the hook of its own
    # object (json.loads calls the hook on each object as it is parsed).
    obj = dict(pairs)
    if len(obj) == 1:
        (key, value), = obj.items()
        if key in TAGS:
            return _untag(key, value)
    return obj


def parse_tagged_json(text):
    if len(text.encode("utf-8")) > MAX_JSON_TEXT:
        raise bad_payload("JSON text longer than 1 MiB")
    try:
        # A Reject raised by the hook propagates unchanged (it is not a
        # ValueError). Python's own int limit (4300 digits) also applies.
        return json.loads(text, object_pairs_hook=_object_hook)
    except (ValueError, RecursionError) as e:
        raise bad_payload("JSON text does not parse: %s" % e) from None


# ---------------------------------------------------------------------------
# Vector files (§Test vectors)
# ---------------------------------------------------------------------------

def parse_vector(path):
    fields = {}
    fallbacks = []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if not line:
                continue
            name, sep, value = line.partition(": ")
            if not sep:
                if line.endswith(":"):       # "cookie:" with an empty value
                    name, value = line[:-1], ""
                else:
                    raise ValueError("line without 'field: value': %r" % line[:40])
            if name == "fallback":
                fallbacks.append(value)
            elif name in fields:
                raise ValueError("repeated field %s" % name)
            else:
                fields[name] = value
    fields["fallback"] = fallbacks
    return fields


def parse_now(text):
    """RFC 3339 time as Unix seconds (a float keeps any fraction)."""
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError("now has no offset")
    return t.timestamp()


def run_vector(path):
    """Returns (ok, note): note is the difference on FAIL, or on PASS the
    reader's own reason for a rejection (so a reviewer sees that each
    vector is refused for the intended reason, not by accident)."""
    v = parse_vector(path)
    keys = [parse_key(v["key"])] + [parse_key(k) for k in v["fallback"]]
    retired = [int(r, 16) for r in v.get("retired", "").split()]
    reader = Reader(mode=MODE_BY_NAME[v["mode"]], keys=keys, retired=retired,
                    purpose=v.get("purpose", ""), lifetime=int(v["lifetime"]),
                    idle=int(v["idle"]), skew=int(v["skew"]))
    try:
        key_index, payload, text = reader.open(v["name"], v["cookie"], parse_now(v["now"]))
    except Reject as r:
        got = r.kind
        if got != v["expect"]:
            return False, "expected %s, got %s (%s)" % (v["expect"], got, r.detail)
        if got == "expired" and r.reason != v.get("reason"):
            return False, "expected reason %s, got %s" % (v.get("reason"), r.reason)
        return True, "%s: %s" % (got, r.detail)
    if v["expect"] != "success":
        return False, "expected %s, got success" % v["expect"]
    problems = []
    if str(key_index) != v.get("key-index"):
        problems.append("key-index %s, want %s" % (key_index, v.get("key-index")))
    if payload.hex() != v.get("payload-hex"):
        problems.append("payload-hex %s, want %s" % (payload.hex(), v.get("payload-hex")))
    if "payload-json" in v and text != v["payload-json"]:
        problems.append("payload-json %s, want %s" % (text, v["payload-json"]))
    if problems:
        return False, "; ".join(problems)
    return True, "success, key-index %d, %d payload bytes" % (key_index, len(payload))


def main(argv):
    if len(argv) != 2:
        print("usage: %s VECTOR_DIR" % argv[0], file=sys.stderr)
        return 2
    directory = argv[1]
    names = sorted(n for n in os.listdir(directory)
                   if os.path.isfile(os.path.join(directory, n)))
    passed = failed = 0
    for name in names:
        try:
            ok, note = run_vector(os.path.join(directory, name))
        except Exception as e:  # a broken vector or reader bug is a failure
            ok, note = False, "error: %s: %s" % (type(e).__name__, e)
        if ok:
            passed += 1
            print("PASS %s (%s)" % (name, note))
        else:
            failed += 1
            print("FAIL %s: %s" % (name, note))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Oracle: real Flask / itsdangerous behind a JSON-lines protocol.

Run by the Go package internal/pyflask with Debian's /usr/bin/python3. Each
request is one JSON object on a line of stdin; each response is one JSON
object on a line of stdout. Values cross the boundary as tagged-JSON text
(what Flask itself writes) or as "typed descriptions", the schema of
shared/vectors/flask/public.json.
"""
import base64
import datetime
import hashlib
import json
import math
import random
import struct
import sys
import traceback
import uuid

from flask import Flask
from flask.sessions import session_json_serializer
from itsdangerous import (BadData, BadPayload, BadSignature, BadTimeSignature,
                          SignatureExpired, TimestampSigner,
                          URLSafeTimedSerializer)
from markupsafe import Markup

app = Flask("oracle")
# Inside a request context Flask's JSON provider sorts keys, exactly as when
# it saves a real session.
_ctx = app.test_request_context()
_ctx.push()


class FixedClockSigner(TimestampSigner):
    """TimestampSigner whose clock is set per request."""
    now = 0

    def get_timestamp(self):
        return FixedClockSigner.now


def describe(v):
    if v is None:
        return {"type": "null"}
    if isinstance(v, bool):
        return {"type": "bool", "value": v}
    if isinstance(v, int):
        return {"type": "int", "value": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"type": "float", "value": "NaN"}
        if math.isinf(v):
            return {"type": "float", "value": "Infinity" if v > 0 else "-Infinity"}
        return {"type": "float", "value": repr(v)}
    if hasattr(v, "__html__"):
        return {"type": "markup", "value": str(v.__html__())}
    if isinstance(v, str):
        return {"type": "str", "value": v}
    if isinstance(v, bytes):
        return {"type": "bytes", "b64": base64.b64encode(v).decode()}
    if isinstance(v, tuple):
        return {"type": "tuple", "items": [describe(x) for x in v]}
    if isinstance(v, list):
        return {"type": "list", "items": [describe(x) for x in v]}
    if isinstance(v, dict):
        return {"type": "dict", "entries": [{"key": k, "value": describe(x)} for k, x in v.items()]}
    if isinstance(v, uuid.UUID):
        return {"type": "uuid", "value": str(v)}
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            return {"type": "datetime", "value": v.isoformat() + "Z", "naive": True}
        s = v.isoformat()
        if s.endswith("+00:00"):
            s = s[:-6] + "Z"
        return {"type": "datetime", "value": s, "naive": False}
    if isinstance(v, datetime.date):
        return {"type": "date", "value": v.isoformat()}
    raise TypeError("cannot describe %r" % type(v))


def serializer(cfg):
    keys = [bytes.fromhex(h) for h in cfg.get("fallback_hex") or []]
    keys.append(bytes.fromhex(cfg["secret_hex"]))
    return URLSafeTimedSerializer(
        keys,
        salt=cfg.get("salt", "cookie-session"),
        serializer=session_json_serializer,
        signer=FixedClockSigner,
        signer_kwargs={
            "key_derivation": cfg.get("key_derivation", "hmac"),
            "digest_method": getattr(hashlib, cfg.get("digest", "sha1")),
        },
    )


# ---- random values (for the Python -> Go direction) ----------------------

_TAG_KEYS = [" t", " b", " m", " u", " d", " di"]
_SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.5, 0.1, 1e16, 1e15, 1e-4, 1e-5, 1e22,
                   5e-324, 1.7976931348623157e308, 2.2250738585072014e-308,
                   float("nan"), float("inf"), float("-inf"), 123456789.125,
                   0.30000000000000004, 9007199254740993.0]
_SPECIAL_INTS = [0, 1, -1, 2**31, 2**53 + 1, 2**63 - 1, -2**63, 2**63, -2**63 - 1,
                 2**64, 10**30, -(10**40)]
_ALPHABET = ("abcXYZ019 _-./\\\"'<>&\x00\x01\x1f\x7f\x80\xff\u00e9\u2028\u2029"
             "\u4e2d\ud7ff\ue000\ufffd\U0001F600\U00010000\U0010FFFF")


def rand_str(r, n=None):
    n = r.randint(0, 12) if n is None else n
    return "".join(r.choice(_ALPHABET) for _ in range(n))


def rand_float(r):
    if r.random() < 0.4:
        return r.choice(_SPECIAL_FLOATS)
    while True:
        f = struct.unpack("<d", r.getrandbits(64).to_bytes(8, "little"))[0]
        if not math.isnan(f):
            return f


def rand_datetime(r):
    secs = r.randint(-2208988800, 253402300799)  # years 1900 .. 9999
    dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs,
                                                             microseconds=r.choice([0, r.randint(0, 999999)]))
    kind = r.randint(0, 2)
    if kind == 0:
        return dt  # naive
    if kind == 1:
        return dt.replace(tzinfo=datetime.timezone.utc)
    off = datetime.timedelta(minutes=r.randint(-14 * 60, 14 * 60))
    return dt.replace(tzinfo=datetime.timezone(off))


def rand_scalar(r):
    k = r.randint(0, 11)
    if k == 0:
        return None
    if k == 1:
        return r.random() < 0.5
    if k == 2:
        return r.randint(-1000, 1000)
    if k == 3:
        return r.choice(_SPECIAL_INTS) if r.random() < 0.5 else r.getrandbits(r.randint(1, 200)) * r.choice([1, -1])
    if k == 4:
        return rand_float(r)
    if k in (5, 6):
        return rand_str(r)
    if k == 7:
        return bytes(r.getrandbits(8) for _ in range(r.randint(0, 20)))
    if k == 8:
        return Markup(rand_str(r))
    if k == 9:
        return uuid.UUID(int=r.getrandbits(128))
    return rand_datetime(r)


def rand_value(r, depth):
    if depth <= 0 or r.random() < 0.45:
        return rand_scalar(r)
    k = r.randint(0, 3)
    n = r.randint(0, 5)
    if k == 0:
        return [rand_value(r, depth - 1) for _ in range(n)]
    if k == 1:
        return tuple(rand_value(r, depth - 1) for _ in range(n))
    if k == 2 and r.random() < 0.3:
        return {r.choice(_TAG_KEYS): rand_value(r, depth - 1)}  # needs the " di" escape
    return {rand_str(r): rand_value(r, depth - 1) for _ in range(n)}


def rand_session(r):
    if r.random() < 0.1:
        return {r.choice(_TAG_KEYS): rand_value(r, 3)}
    return {rand_str(r, r.randint(1, 10)): rand_value(r, 4) for _ in range(r.randint(0, 8))}


# ---- operations ----------------------------------------------------------

def op_roundtrip(req):
    """Tagged text -> Python value -> tagged text, as Flask would."""
    v = session_json_serializer.loads(req["text"])
    return {"text": session_json_serializer.dumps(v), "desc": describe(v)}


def op_generate(req):
    """Random values made in Python: their text and what loads gives back."""
    r = random.Random(req.get("seed", 0))
    out = []
    for _ in range(req.get("count", 1)):
        v = rand_session(r) if req.get("sessions", True) else rand_value(r, 4)
        text = session_json_serializer.dumps(v)
        back = session_json_serializer.loads(text)
        out.append({"text": text, "desc": describe(back)})
    return {"values": out}


def op_sign(req):
    """Sign tagged text with a URLSafeTimedSerializer at a fixed clock."""
    s = serializer(req["config"])
    FixedClockSigner.now = req["timestamp"]
    v = session_json_serializer.loads(req["text"])
    return {"cookie": s.dumps(v)}


def op_loads(req):
    """Load a cookie at a fixed clock and report the outcome class."""
    s = serializer(req["config"])
    FixedClockSigner.now = req["now"]
    try:
        v = s.loads(req["cookie"], max_age=req.get("max_age"))
    except SignatureExpired as e:
        return {"result": "SignatureExpired", "message": str(e)}
    except BadTimeSignature as e:
        return {"result": "BadTimeSignature", "message": str(e)}
    except BadSignature as e:
        return {"result": "BadSignature", "message": str(e)}
    except BadPayload as e:
        return {"result": "BadPayload", "message": str(e)}
    except BadData as e:
        return {"result": "BadData", "message": str(e)}
    return {"result": "ok", "text": session_json_serializer.dumps(v), "desc": describe(v)}


OPS = {
    "roundtrip": op_roundtrip,
    "generate": op_generate,
    "sign": op_sign,
    "loads": op_loads,
}


def handle(req):
    try:
        if req.get("op") == "batch":
            return {"results": [handle(x) for x in req["requests"]]}
        fn = OPS.get(req.get("op"))
        if fn is None:
            return {"error": "unknown op %r" % req.get("op")}
        return fn(req)
    except Exception as e:  # reported to Go, which decides what it means
        return {"error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc(limit=3)}


def main():
    sys.setrecursionlimit(10000)
    for line in sys.stdin:
        if not line.strip():
            continue
        resp = handle(json.loads(line))
        sys.stdout.write(json.dumps(resp) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

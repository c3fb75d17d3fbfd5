#!/usr/bin/python3
"""Time real Flask's session cookie encode and decode with timeit.

Part of cookiecodec's benchmarks: bench/cmd/report runs this script with
Debian's /usr/bin/python3 (Flask 2.2) and merges its output, which is in the
format of `go test -bench`, with the Go benchmarks before running benchstat.

Measured, for every session in the --sessions file (a JSON object mapping a
session name to its value):

  BenchmarkPythonFlask/<name>/{encode,decode}
      Flask's own session serializer (SecureCookieSessionInterface
      .get_signing_serializer: URLSafeTimedSerializer, salt "cookie-session",
      key_derivation "hmac", SHA-1, TaggedJSONSerializer, keys sorted inside
      an app context) with zlib compression switched off, so that the payload
      is always base64 of the JSON: the peer of cookiecodec's Flask codec in
      its uncompressed mode.
  BenchmarkPythonFlaskZlib/<name>/{encode,decode}
      The same serializer exactly as Flask ships it: compressed whenever zlib
      saves at least two bytes (S and L both compress).

decode is loads(cookie, max_age=31 days), as Flask's open_session does.
Each benchmark prints --count lines; each line times a loop sized to take
about --min-time seconds. Encode lines carry the cookie length as the metric
cookie-bytes, like the Go benchmarks.
"""

import argparse
import hashlib
import json
import os
import platform
import sys
import timeit

import flask
from flask.sessions import SecureCookieSessionInterface, session_json_serializer
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.timed import TimedSerializer

SECRET_KEY = "cookiecodec benchmark key, not a secret"
MAX_AGE = 31 * 24 * 3600


class UncompressedSerializer(URLSafeTimedSerializer):
    """Flask's session serializer without its zlib step.

    The payload is base64url of the JSON, which is what Flask emits whenever
    compression would not save two bytes.
    """

    def dump_payload(self, obj):
        # TimedSerializer.dump_payload is the JSON step alone; the
        # URLSafeSerializerMixin step (compress, then base64) is skipped.
        return base64_encode(TimedSerializer.dump_payload(self, obj))


def serializers(app):
    flask_own = SecureCookieSessionInterface().get_signing_serializer(app)
    uncompressed = UncompressedSerializer(
        app.secret_key,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    return [("PythonFlask", uncompressed), ("PythonFlaskZlib", flask_own)]


def measure(fn, min_time, count):
    """Return count (iterations, seconds) pairs, each loop ~min_time long."""
    timer = timeit.Timer(fn)
    n, t = timer.autorange()  # at least 0.2 s
    n = max(1, int(n * min_time / t))
    return [(n, timer.timeit(n)) for _ in range(count)]


def line(name, procs, n, seconds, extra=""):
    return "%s-%d\t%d\t%.1f ns/op%s" % (name, procs, n, seconds / n * 1e9, extra)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", required=True, help="JSON file: {name: session}")
    ap.add_argument("--count", type=int, default=6, help="lines per benchmark")
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds per line")
    ap.add_argument("--procs", type=int, default=os.cpu_count(), help="-N suffix of names")
    ap.add_argument("--filter", default="", help="only benchmarks whose name contains this")
    args = ap.parse_args()

    with open(args.sessions) as f:
        sessions = json.load(f)

    app = flask.Flask("cookiecodec_bench")
    app.secret_key = SECRET_KEY
    out = sys.stdout
    out.write("goos: %s\n" % platform.system().lower())
    out.write("goarch: %s\n" % platform.machine())
    out.write("pkg: python %s, flask %s\n" % (platform.python_version(), flask.__version__))
    with app.app_context():  # Flask sorts keys in an app context, as in requests
        for subject, ser in serializers(app):
            for name, value in sessions.items():
                cookie = ser.dumps(value)
                if ser.loads(cookie, max_age=MAX_AGE) != value:
                    sys.exit("flask_timeit: %s round trip changed %s" % (subject, name))
                if subject == "PythonFlask" and cookie.startswith("."):
                    sys.exit("flask_timeit: uncompressed serializer compressed %s" % name)
                base = "Benchmark%s/%s/" % (subject, name)
                if args.filter not in base:
                    continue
                extra = "\t%d cookie-bytes" % len(cookie)
                for n, t in measure(lambda: ser.dumps(value), args.min_time, args.count):
                    out.write(line(base + "encode", args.procs, n, t, extra) + "\n")
                for n, t in measure(lambda: ser.loads(cookie, max_age=MAX_AGE), args.min_time, args.count):
                    out.write(line(base + "decode", args.procs, n, t) + "\n")
                out.flush()


if __name__ == "__main__":
    main()

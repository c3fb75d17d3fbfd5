"""A small real Flask app for cookiesession's interop test.

Usage: /usr/bin/python3 flaskapp.py SECRET_KEY
Binds 127.0.0.1 on a free port, prints "port N" on stdout, then serves.
Its cookie settings match a Go manager built with NewFlask's defaults:
Secure, HttpOnly, SameSite=Lax, 31-day lifetime.
"""
import sys

from flask import Flask, flash, get_flashed_messages, jsonify, request, session
from werkzeug.serving import make_server

app = Flask(__name__)
app.config.update(
    SECRET_KEY=sys.argv[1],
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_SAMESITE="Lax",
)


@app.route("/login")
def login():
    session["user"] = request.args["user"]
    session.permanent = True
    flash("welcome " + request.args["user"], "info")
    return "ok"


@app.route("/show")
def show():
    return jsonify(
        user=session.get("user"),
        permanent=session.permanent,
        counter=session.get("counter"),
        flashes=[list(f) for f in session.get("_flashes", [])],
        keys=sorted(session.keys()),
        notes_len=len(session.get("notes", "")),
    )


@app.route("/flashes")
def flashes():
    return jsonify([list(f) for f in get_flashed_messages(with_categories=True)])


@app.route("/incr")
def incr():
    session["counter"] = session.get("counter", 0) + 1
    return "ok"


@app.route("/bulk")
def bulk():
    # Repetitive text: Flask compresses the payload (a leading "." in the cookie).
    session["notes"] = "remember the milk. " * 40
    return "ok"


@app.route("/logout")
def logout():
    session.clear()
    return "ok"


if __name__ == "__main__":
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print("port", server.server_port, flush=True)
    server.serve_forever()

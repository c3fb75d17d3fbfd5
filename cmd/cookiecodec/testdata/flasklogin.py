"""A small real Flask app for cookiecodec's --url test (fetch_flask_test.go).

Usage: /usr/bin/python3 flasklogin.py SECRET_KEY
Binds 127.0.0.1 on a free port, prints "port N" on stdout, then serves:
  /login   sets session values and redirects to /home (the cookie is on the 302)
  /home    200 when the session came back (the client's cookie jar), else 401
  /logout  clears the session (Flask deletes the cookie) and redirects to /home
"""
import sys

from flask import Flask, redirect, session
from werkzeug.serving import make_server

app = Flask(__name__)
app.config.update(SECRET_KEY=sys.argv[1])


@app.route("/login")
def login():
    session["user"] = "alice"
    session["roles"] = ("admin", "dev")
    session["n"] = 3
    return redirect("/home")


@app.route("/home")
def home():
    if "user" not in session:
        return "who are you?", 401
    return "hello " + session["user"]


@app.route("/logout")
def logout():
    session.clear()
    return redirect("/home")


if __name__ == "__main__":
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print("port", server.server_port, flush=True)
    server.serve_forever()

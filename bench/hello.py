"""The yardstick of `make bench-catalog`: a bare Flask hello-world app, with nothing of Malpro
(no extensions, hooks, session, templates or database). The benchmark serves it with the same
gunicorn settings as Malpro, in its own processes, in the same run; Malpro's pages are reported
as a share of its requests/s."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"

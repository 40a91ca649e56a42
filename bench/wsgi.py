"""The application as the benchmark serves it: the real app from create_app(), plus one trivial
endpoint that only exists here. Its requests per second, measured by the same server in the
same run, is what the catalogue pages are compared with (the ratio cancels out the machine)."""
from malpro import create_app

app = create_app()


@app.get("/_bench/trivial")
def trivial():
    return "ok"

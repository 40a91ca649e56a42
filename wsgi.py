"""WSGI entry point: `gunicorn wsgi:app`."""
from malpro import create_app

app = create_app()

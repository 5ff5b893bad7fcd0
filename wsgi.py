"""WSGI entry point: `gunicorn -w 1 --threads 100 -b HOST:PORT wsgi:app` and `flask --app wsgi ...`."""

from jit import create_app
from jit.extensions import socketio

app = create_app()

__all__ = ["app", "socketio"]

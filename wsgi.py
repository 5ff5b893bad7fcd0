"""WSGI entry point: `gunicorn -w 1 --threads 100 -b HOST:PORT wsgi:app` and `flask --app wsgi ...`."""

import gc

from jit import create_app
from jit.extensions import socketio

app = create_app()
# What the app holds now (modules, mappers, forms, catalogues) lives as long as the process: frozen
# out of the cyclic collector, a full collection scans a request's objects, not the whole app again
# (at ten times the demo it paused a page ~100 ms every few requests, most of a page's p95).
gc.collect()
gc.freeze()

__all__ = ["app", "socketio"]

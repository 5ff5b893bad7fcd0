"""Request bodies: how large each may be, and uploads streamed straight into the content store.

Only the endpoints marked `@accepts_upload` take bodies up to JIT_MAX_UPLOAD_BYTES; every other
request body (JSON, a page's form, anything sent where no upload is expected) is capped at
JIT_MAX_JSON_BYTES. The cap is the request's `max_content_length`, known as soon as the URL is
matched, so it holds before anything reads the body: a declared length over it is refused with 413
without reading a byte, and a body of unknown length (chunked) is read only up to it.

Uploads stream into the store: the request's file parts are written, hashed as they arrive, into
temporary files of the store, so a file is written once (no spooling copy) and memory does not grow
with its size. A part past JIT_MAX_UPLOAD_BYTES ends the request with 413; a part never committed
(the request failed, or was cut off) is deleted with the request.

A body that ends before its declared Content-Length is a cut-off transfer: reading it raises
ClientDisconnected (400) whatever the WSGI server, so that a partial body is never taken for a
whole one (gunicorn, for one, just ends the input early)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream

from jit.storage import CHUNK_SIZE, ContentStore, FileTooLarge, IncomingFile

_UPLOAD_MARK = "_jit_accepts_upload"
log = logging.getLogger(__name__)


def accepts_upload(view):
    """Mark a view that takes a file upload: its request body may be as large as
    JIT_MAX_UPLOAD_BYTES (plus the multipart framing) instead of JIT_MAX_JSON_BYTES. Put it right
    under the route decorator."""
    setattr(view, _UPLOAD_MARK, True)
    return view


def body_limit(endpoint: str | None) -> int:
    """The largest request body `endpoint` accepts (the small cap when no endpoint matched)."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    if view is not None and getattr(view, _UPLOAD_MARK, False):
        return current_app.config["MAX_CONTENT_LENGTH"]
    return current_app.config["JIT_MAX_JSON_BYTES"]


def init_app(app: Flask) -> None:
    """Install the request class, and refuse a declared length over the cap before any other
    request hook runs (signing in, CSRF, rate limits): first registered, first run."""
    app.request_class = StreamingRequest
    app.before_request(refuse_oversized_body)


def remove_upload_leftovers(app: Flask) -> None:
    """At start-up, delete what killed processes left in the store's incoming folder: temporary
    files of uploads that no live process is writing and that have not changed for some minutes.
    Other processes may share the store and be receiving files right now (gunicorn workers, other
    hosts, a command): their files are locked by their writers and are never touched (see
    ContentStore.remove_leftovers). A store that cannot be read does not stop the start."""
    store = ContentStore(Path(app.config["JIT_EVIDENCE_DIR"]))
    try:
        removed = store.remove_leftovers()
    except OSError as error:
        log.warning("could not clean up the incoming folder of the file store %s: %s", store.incoming_folder, error)
        return
    if removed:
        log.warning("removed %d leftover temporary file(s) of interrupted uploads from %s: %s", len(removed),
                    store.incoming_folder, ", ".join(path.name for path in removed))


def refuse_oversized_body() -> None:
    declared, limit = request.content_length, request.max_content_length
    if declared is not None and limit is not None and declared > limit:
        raise RequestEntityTooLarge()


class _IncomingPart(IncomingFile):
    def write(self, chunk) -> int:
        try:
            return super().write(chunk)
        except FileTooLarge:
            raise RequestEntityTooLarge() from None


class _LargeReadsFormDataParser(FormDataParser):
    """The multipart parser asks for 64 KiB at a time. A WSGI server that received a larger block
    then keeps the rest by copying it into a new buffer on every read, which cost more than the
    parsing itself. Reading the body through a buffer of the store's chunk size asks the server
    for whole blocks only."""

    def parse(self, stream, mimetype, content_length, options=None):
        return super().parse(io.BufferedReader(stream, CHUNK_SIZE), mimetype, content_length, options)


class _CappedStream(LimitedStream):
    """A body of unknown length (chunked) read at most up to `limit`: reaching the limit with more
    still coming is 413, rather than a body quietly cut at the limit."""

    def __init__(self, stream, limit: int):
        super().__init__(stream, limit, is_max=True)

    def on_exhausted(self) -> None:
        try:
            more = self._stream.read(1)
        except (OSError, ValueError):
            raise ClientDisconnected() from None
        if more:
            raise RequestEntityTooLarge()

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted:
            self.on_exhausted()
        return data


class StreamingRequest(Request):
    form_data_parser_class = _LargeReadsFormDataParser

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        return body_limit(self.endpoint)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @cached_property
    def stream(self):
        """The body, guarded: never read past its declared length or `max_content_length` (a
        declared length over the cap is refused before reading), a chunked body past the cap is
        413, and a body ending short of its declared length raises ClientDisconnected. Werkzeug
        guards the same way unless the server terminates the input itself (`wsgi.input_terminated`,
        as gunicorn does): then it checks neither the declared length nor a chunked body's size,
        and a cut-off body looks like a complete, shorter one."""
        if self.shallow:
            raise RuntimeError("This request was created with 'shallow=True': its body cannot be read.")
        declared, limit = self.content_length, self.max_content_length  # no declared length if chunked
        if declared is not None and limit is not None and declared > limit:
            raise RequestEntityTooLarge()
        if not self.environ.get("wsgi.input_terminated"):
            return get_input_stream(self.environ, max_content_length=limit)
        received = self.environ["wsgi.input"]
        if declared is not None:
            return LimitedStream(received, declared)
        return _CappedStream(received, limit) if limit is not None else received

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        part = _IncomingPart(ContentStore(Path(current_app.config["JIT_EVIDENCE_DIR"])),
                             current_app.config["JIT_MAX_UPLOAD_BYTES"])
        self.__dict__.setdefault("_incoming_parts", []).append(part)
        return part

    def close(self) -> None:
        super().close()
        for part in self.__dict__.get("_incoming_parts", ()):
            part.close()

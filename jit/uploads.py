"""Uploads stream straight into the content store: the request's file parts are written, hashed
as they arrive, into temporary files of the store, so a file is written once (no spooling copy)
and memory does not grow with its size. A part past JIT_MAX_UPLOAD_BYTES ends the request with
413; a part never committed (the request failed, or was cut off) is deleted with the request."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from jit.storage import CHUNK_SIZE, ContentStore, FileTooLarge, IncomingFile


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


class StreamingRequest(Request):
    form_data_parser_class = _LargeReadsFormDataParser

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        part = _IncomingPart(ContentStore(Path(current_app.config["JIT_EVIDENCE_DIR"])),
                             current_app.config["JIT_MAX_UPLOAD_BYTES"])
        self.__dict__.setdefault("_incoming_parts", []).append(part)
        return part

    def close(self) -> None:
        super().close()
        for part in self.__dict__.get("_incoming_parts", ()):
            part.close()

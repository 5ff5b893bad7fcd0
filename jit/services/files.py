"""Uploaded files for every area: a safe name, the content store, the size limit."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import ClientDisconnected

from jit.services.errors import IncompleteUpload, Invalid, TooLarge
from jit.storage import ContentStore, FileIncomplete, FileTooLarge, IncomingFile, StoredFile


def content_store() -> ContentStore:
    return ContentStore(Path(current_app.config["JIT_EVIDENCE_DIR"]))


def store_upload(filename: str | None, stream: BinaryIO, *, declared_size: int | None = None
                 ) -> tuple[str, StoredFile]:
    """Keep an uploaded file under its SHA-256; returns its cleaned name (no path) and what was stored.
    Over JIT_MAX_UPLOAD_BYTES nothing is kept (TooLarge, 413). A file that arrives incomplete is
    refused and nothing is kept (IncompleteUpload): the sender went away mid-transfer, or sent
    other than the `declared_size` bytes it announced."""
    name = "".join(ch for ch in Path((filename or "").replace("\\", "/")).name if ch.isprintable()).strip()[:255]
    if name in ("", ".", ".."):
        raise Invalid(fields={"file": _l("Choose a file.")})
    try:
        if isinstance(stream, IncomingFile):  # already streamed into the store while it arrived
            return name, stream.commit()
        return name, content_store().put_stream(stream, limit=current_app.config["JIT_MAX_UPLOAD_BYTES"],
                                                expected_size=declared_size)
    except FileTooLarge:
        raise TooLarge() from None
    except (FileIncomplete, ClientDisconnected):
        raise IncompleteUpload() from None

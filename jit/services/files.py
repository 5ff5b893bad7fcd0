"""Uploaded files for every area: a safe name, the content store, the size limit."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from jit.services.errors import Invalid, TooLarge
from jit.storage import ContentStore, FileTooLarge, IncomingFile, StoredFile


def content_store() -> ContentStore:
    return ContentStore(Path(current_app.config["JIT_EVIDENCE_DIR"]))


def store_upload(filename: str | None, stream: BinaryIO) -> tuple[str, StoredFile]:
    """Keep an uploaded file under its SHA-256; returns its cleaned name (no path) and what was stored.
    Over JIT_MAX_UPLOAD_BYTES nothing is kept (TooLarge, 413)."""
    name = "".join(ch for ch in Path((filename or "").replace("\\", "/")).name if ch.isprintable()).strip()[:255]
    if name in ("", ".", ".."):
        raise Invalid(fields={"file": _l("Choose a file.")})
    try:
        if isinstance(stream, IncomingFile):  # already streamed into the store while it arrived
            return name, stream.commit()
        return name, content_store().put_stream(stream, limit=current_app.config["JIT_MAX_UPLOAD_BYTES"])
    except FileTooLarge:
        raise TooLarge() from None

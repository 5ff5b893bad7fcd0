"""A content-addressed file store: files are streamed to disk in chunks while SHA-256 is computed,
written to a temporary file and renamed into place only when complete, and kept under their hash.
Memory does not grow with file size; a failed or over-long upload leaves nothing behind. Pure: no
Flask, no database."""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024


class FileTooLarge(Exception):
    """The stream went past the size limit; nothing was kept."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


class ContentStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def put_stream(self, stream: BinaryIO, *, limit: int) -> StoredFile:
        """Store what `stream` yields, up to `limit` bytes; raise FileTooLarge past it."""
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        handle, temporary = tempfile.mkstemp(dir=incoming)
        try:
            with os.fdopen(handle, "wb") as target:
                while chunk := stream.read(CHUNK_SIZE):
                    size += len(chunk)
                    if size > limit:
                        raise FileTooLarge(f"more than {limit} bytes")
                    digest.update(chunk)
                    target.write(chunk)
                target.flush()
                os.fsync(target.fileno())
            final = self.path(digest.hexdigest())
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)  # atomic: readers see the whole file or none
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return StoredFile(sha256=digest.hexdigest(), size=size)

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def rehash(self, sha256: str) -> str:
        """The SHA-256 of what is stored now under `sha256` (equal unless the file was altered)."""
        digest = hashlib.sha256()
        with self.open(sha256) as stored:
            while chunk := stored.read(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest()


def digest_header(sha256: str) -> str:
    """The HTTP `Digest` header value (RFC 3230) for a file stored under `sha256`."""
    return "sha-256=" + base64.b64encode(bytes.fromhex(sha256)).decode()

"""A content-addressed file store: files are streamed to disk in chunks while SHA-256 is computed,
written to a temporary file and renamed into place only when complete, and kept under their hash.
Memory does not grow with file size; a failed or over-long upload leaves nothing behind. Pure: no
Flask, no database."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import queue
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024
# Written data is pushed to disk every so often, so that the fsync before the rename has little left to do.
SYNC_EVERY = 64 * CHUNK_SIZE


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
        with self.incoming(limit=limit) as incoming, _BackgroundWriter(incoming) as writer:
            while chunk := stream.read(CHUNK_SIZE):
                writer.put(chunk)
            writer.finish()
            return incoming.commit()

    def incoming(self, *, limit: int) -> IncomingFile:
        """A file being received: write to it, then `commit` it into place (or `discard` it)."""
        return IncomingFile(self, limit)

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def rehash(self, sha256: str) -> str:
        """The SHA-256 of what is stored now under `sha256` (equal unless the file was altered)."""
        digest = hashlib.sha256()
        with self.open(sha256) as stored:
            while chunk := stored.read(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest()


class _BackgroundWriter:
    """Hashes and writes chunks in a second thread while the caller reads the next one: hashing,
    writing and socket reads all release the GIL, so an upload goes faster than doing them in turn.
    At most a few chunks wait in between, so memory stays bounded."""

    def __init__(self, target: IncomingFile):
        self.target = target
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="content-store-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None:  # after a failure, keep draining so that `put` never blocks
                try:
                    self.target.write(chunk)
                except BaseException as failure:  # handed to the reading thread, raised there
                    self.error = failure

    def _raise_failure(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, chunk: bytes) -> None:
        self._raise_failure()
        self.chunks.put(chunk)

    def finish(self) -> None:
        """Wait until every chunk is written; raise what the writing thread met."""
        if self.thread.is_alive():
            self.chunks.put(None)
            self.thread.join()
        self._raise_failure()

    def __enter__(self) -> _BackgroundWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.thread.is_alive():
            self.chunks.put(None)
            self.thread.join()


class IncomingFile(io.RawIOBase):
    """A writable temporary file in the store that hashes what is written as it is written, so an
    upload can stream straight into it in one pass (an upload parser may use it as the file part's
    container). Readable after `seek(0)`; `commit` renames it into place under its hash; closing
    an uncommitted one deletes it."""

    def __init__(self, store: ContentStore, limit: int):
        super().__init__()
        self.store, self.limit = store, limit
        folder = store.root / "incoming"
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder)
        self.temporary = Path(name)
        self.file = os.fdopen(handle, "w+b")
        self.digest, self.size, self.unsynced = hashlib.sha256(), 0, 0
        self.stored: StoredFile | None = None

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        if self.stored is not None:
            raise ValueError("the file is already committed")
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise FileTooLarge(f"more than {self.limit} bytes")
        self.digest.update(chunk)
        written = self.file.write(chunk)
        self.unsynced += written
        if self.unsynced >= SYNC_EVERY:
            self.file.flush()
            os.fdatasync(self.file.fileno())
            self.unsynced = 0
        return written

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def readinto(self, buffer) -> int:
        return self.file.readinto(buffer)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()

    def commit(self) -> StoredFile:
        """Make the file durable and move it to its content address (once; later calls repeat the answer)."""
        if self.stored is None:
            if self.file.closed:
                raise ValueError("the file was discarded")
            self.file.flush()
            os.fsync(self.file.fileno())
            sha256 = self.digest.hexdigest()
            final = self.store.path(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.temporary, final)  # atomic: readers see the whole file or none
            self.stored = StoredFile(sha256=sha256, size=self.size)
        return self.stored

    def discard(self) -> None:
        self.file.close()
        if self.stored is None:
            self.temporary.unlink(missing_ok=True)

    def close(self) -> None:
        if not self.closed:
            self.discard()
        super().close()

    def __exit__(self, *exc_info) -> None:
        self.close()


def digest_header(sha256: str) -> str:
    """The HTTP `Digest` header value (RFC 3230) for a file stored under `sha256`."""
    return "sha-256=" + base64.b64encode(bytes.fromhex(sha256)).decode()

"""A content-addressed file store: files are streamed to disk in chunks while SHA-256 is computed,
written to a temporary file and renamed into place only when complete, and kept under their hash.
Memory does not grow with file size; a failed or over-long upload leaves nothing behind. Pure: no
Flask, no database."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import io
import os
import queue
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024
# Written data is pushed to disk every so often, so that the fsync before the rename has little left to do.
SYNC_EVERY = 64 * CHUNK_SIZE
# Files being received live in this folder of the store until they are complete.
INCOMING = "incoming"
# A temporary file nobody is writing is removed at start-up only once it has not changed for this
# long (see ContentStore.remove_leftovers).
LEFTOVER_AGE_SECONDS = 10 * 60


class FileTooLarge(Exception):
    """The stream went past the size limit; nothing was kept."""


class FileIncomplete(Exception):
    """The stream ended before the size its sender declared; nothing was kept."""


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

    def put_stream(self, stream: BinaryIO, *, limit: int, expected_size: int | None = None) -> StoredFile:
        """Store what `stream` yields, up to `limit` bytes; raise FileTooLarge past it. With
        `expected_size` (the length its sender declared), a stream that ends short of it is a
        cut-off transfer, not a smaller file: FileIncomplete, and nothing is kept."""
        with self.incoming(limit=limit) as incoming:
            while chunk := stream.read(CHUNK_SIZE):
                incoming.write(chunk)
            if expected_size is not None and incoming.size != expected_size:
                raise FileIncomplete(f"{incoming.size} of the {expected_size} bytes declared")
            return incoming.commit()

    def incoming(self, *, limit: int) -> IncomingFile:
        """A file being received: write to it, then `commit` it into place (or `discard` it)."""
        return IncomingFile(self, limit)

    @property
    def incoming_folder(self) -> Path:
        return self.root / INCOMING

    def leftovers(self, *, older_than: float = 0) -> list[Path]:
        """Temporary files that no live process is writing, unchanged for `older_than` seconds: what
        is left of uploads whose process was killed before it could delete them (a crash, an OOM
        kill, `kill -9`; an upload that merely failed deletes its own file)."""
        found = []
        for path in self._incoming_files(older_than):
            with _unless_written(path) as unheld:
                if unheld:
                    found.append(path)
        return found

    def remove_leftovers(self, *, older_than: float = LEFTOVER_AGE_SECONDS) -> list[Path]:
        """Delete the leftovers of killed uploads (see `leftovers`); returns what was deleted.

        Several processes share a store (gunicorn workers, other hosts on a shared volume, a CLI
        command), and one of them starting must not delete a file another is receiving right now.
        Every writer holds an exclusive `flock` on its temporary file for as long as it lives, and
        the kernel releases it when the process dies, however it dies: a file whose lock can be
        taken has no live writer. The lock is taken an instant after the file is created, so a file
        must also be some minutes old: a new one may not be locked yet. A stalled but live upload
        keeps its lock, so it is kept however old it is."""
        removed = []
        for path in self._incoming_files(older_than):
            with _unless_written(path) as unheld:
                if unheld:  # deleted while holding the lock: no writer can be in between
                    path.unlink(missing_ok=True)
                    removed.append(path)
        return removed

    def _incoming_files(self, older_than: float) -> list[Path]:
        folder = self.incoming_folder
        if not folder.is_dir():
            return []
        now, found = time.time(), []
        for path in sorted(folder.iterdir()):
            with contextlib.suppress(FileNotFoundError):  # committed or discarded meanwhile
                if path.is_file() and now - path.stat().st_mtime >= older_than:
                    found.append(path)
        return found

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def rehash(self, sha256: str) -> str:
        """The SHA-256 of what is stored now under `sha256` (equal unless the file was altered)."""
        digest = hashlib.sha256()
        with self.open(sha256) as stored:
            while chunk := stored.read(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest()


@contextlib.contextmanager
def _unless_written(path: Path) -> Iterator[bool]:
    """Whether no process holds the writer's lock on `path`; if none, the lock is held by the
    caller until the block ends (False also when the file is gone)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:  # gone meanwhile (committed or discarded), or not a plain file of ours
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            unheld = True
        except BlockingIOError:  # a live process is writing it
            unheld = False
        yield unheld
    finally:
        os.close(handle)  # releases the lock


class _BackgroundWriter:
    """Runs `write` on each chunk in a second thread while the caller receives the next one: hashing,
    writing and socket reads all release the GIL, so an upload goes faster than doing them in turn.
    Small chunks are gathered into CHUNK_SIZE blocks (one hand-over per block, not per 64 KiB piece
    of a multipart body), and at most a few blocks wait in between, so memory stays bounded."""

    def __init__(self, write):
        self.write = write
        self.pending = bytearray()
        self.blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="content-store-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (block := self.blocks.get()) is not None:
            if self.error is None:  # after a failure, keep draining so that `put` never blocks
                try:
                    self.write(block)
                except BaseException as failure:  # handed to the receiving thread, raised there
                    self.error = failure

    def _raise_failure(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, chunk) -> None:
        self._raise_failure()
        if not self.pending and len(chunk) >= CHUNK_SIZE:
            self.blocks.put(bytes(chunk))
            return
        self.pending += chunk
        if len(self.pending) >= CHUNK_SIZE:
            self.blocks.put(bytes(self.pending))
            self.pending.clear()

    def _end(self) -> None:
        if self.thread.is_alive():
            self.blocks.put(None)
            self.thread.join()

    def stop(self) -> None:
        """Write what is still pending, end the thread, and raise what it met."""
        if self.pending and self.error is None:
            self.blocks.put(bytes(self.pending))
        self.pending.clear()
        self._end()
        self._raise_failure()

    def abandon(self) -> None:
        """End the thread without writing what is pending: the file is being discarded."""
        self.pending.clear()
        self._end()


class IncomingFile(io.RawIOBase):
    """A writable temporary file in the store that hashes what is written as it is written, so an
    upload can stream straight into it in one pass (an upload parser may use it as the file part's
    container). Writes are handed to a background writer; reading, seeking and committing first
    wait for it. Readable after `seek(0)`; `commit` renames it into place under its hash; closing
    an uncommitted one deletes it. While it is open the file holds an exclusive `flock`, which
    tells other processes of the store that it is being written (ContentStore.remove_leftovers)."""

    def __init__(self, store: ContentStore, limit: int):
        super().__init__()
        self.store, self.limit = store, limit
        folder = store.incoming_folder
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder)
        self.temporary = Path(name)
        self.file = os.fdopen(handle, "w+b")
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new, unique file: nobody else holds it
        self.digest, self.size, self.unsynced = hashlib.sha256(), 0, 0
        self.stored: StoredFile | None = None
        self.writer: _BackgroundWriter | None = None

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        """Counted against the limit here, at once (past it, nothing is kept); hashed and written
        in the background."""
        if self.stored is not None or self.file.closed:
            raise ValueError("the file is already committed or discarded")
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise FileTooLarge(f"more than {self.limit} bytes")
        if self.writer is None:
            self.writer = _BackgroundWriter(self._write_now)
        try:
            self.writer.put(chunk)
        except BaseException:
            self.discard()
            raise
        return len(chunk)

    def _write_now(self, block: bytes) -> None:
        self.digest.update(block)
        self.unsynced += self.file.write(block)
        if self.unsynced >= SYNC_EVERY:
            self.file.flush()
            os.fdatasync(self.file.fileno())
            self.unsynced = 0

    def _settle(self) -> None:
        """Wait until everything written so far is on its way to disk (the writer ends; a later
        write starts another)."""
        writer, self.writer = self.writer, None
        if writer is not None:
            try:
                writer.stop()
            except BaseException:
                self.discard()
                raise

    def read(self, size: int = -1) -> bytes:
        self._settle()
        return self.file.read(size)

    def readinto(self, buffer) -> int:
        self._settle()
        return self.file.readinto(buffer)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._settle()
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        self._settle()
        return self.file.tell()

    def commit(self) -> StoredFile:
        """Make the file durable and move it to its content address (once; later calls repeat the answer)."""
        if self.stored is None:
            self._settle()
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
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.abandon()
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

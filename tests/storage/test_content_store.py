"""The content-addressed store: whole files or nothing, under their SHA-256."""

from __future__ import annotations

import hashlib
import io

import pytest

from jit import storage
from jit.storage import ContentStore, FileTooLarge


class CutOff(io.RawIOBase):
    """A client that disconnects after sending some of the body."""

    def __init__(self, sent: bytes):
        self.sent = io.BytesIO(sent)

    def read(self, size=-1):
        chunk = self.sent.read(size)
        if not chunk:
            raise ConnectionResetError("client went away")
        return chunk


def _files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_stores_under_the_hash_and_reads_back(tmp_path):
    store = ContentStore(tmp_path)
    content = b"\x00\x01" * 3_000_000  # several chunks
    stored = store.put_stream(io.BytesIO(content), limit=10**8)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    with store.open(stored.sha256) as back:
        assert back.read() == content
    assert store.rehash(stored.sha256) == stored.sha256
    assert _files(tmp_path) == [store.path(stored.sha256)]


def test_the_same_content_is_kept_once(tmp_path):
    store = ContentStore(tmp_path)
    first = store.put_stream(io.BytesIO(b"same"), limit=100)
    second = store.put_stream(io.BytesIO(b"same"), limit=100)
    assert first == second
    assert len(_files(tmp_path)) == 1


def test_over_the_limit_keeps_nothing(tmp_path):
    store = ContentStore(tmp_path)
    with pytest.raises(FileTooLarge):
        store.put_stream(io.BytesIO(b"x" * 101), limit=100)
    assert _files(tmp_path) == []


def test_a_long_upload_past_the_limit_stops_reading_soon_and_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "SYNC_EVERY", storage.CHUNK_SIZE)  # the periodic flush runs too
    store = ContentStore(tmp_path)
    body = io.BytesIO(b"z" * (50 * storage.CHUNK_SIZE))
    with pytest.raises(FileTooLarge):
        store.put_stream(body, limit=3 * storage.CHUNK_SIZE)
    # the writing thread failed at the fourth chunk; reading stopped a few chunks later, not at the end
    assert body.tell() < 12 * storage.CHUNK_SIZE
    assert _files(tmp_path) == []


def test_a_cut_off_upload_keeps_nothing(tmp_path):
    store = ContentStore(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.put_stream(CutOff(b"y" * 5000), limit=10**6)
    assert _files(tmp_path) == []


def test_an_altered_file_no_longer_matches_its_name(tmp_path):
    store = ContentStore(tmp_path)
    stored = store.put_stream(io.BytesIO(b"original"), limit=100)
    store.path(stored.sha256).write_bytes(b"tampered")
    assert store.rehash(stored.sha256) != stored.sha256


def test_names_must_be_digests(tmp_path):
    with pytest.raises(ValueError):
        ContentStore(tmp_path).path("../../etc/passwd")


def test_small_pieces_are_gathered_and_read_back_whole(tmp_path):
    # A multipart parser hands the part over in 64 KiB pieces (and odd-sized last ones).
    content = bytes(range(256)) * 20_000
    with ContentStore(tmp_path).incoming(limit=10**8) as incoming:
        for start in range(0, len(content), 65_536 + 7):
            incoming.write(memoryview(content)[start:start + 65_536 + 7])
        incoming.seek(0)
        assert incoming.read() == content
        stored = incoming.commit()
    assert stored == storage.StoredFile(sha256=hashlib.sha256(content).hexdigest(), size=len(content))


def test_a_disk_failure_in_the_writing_thread_reaches_the_uploader_and_keeps_nothing(tmp_path, monkeypatch):
    def disk_full(self, block):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.IncomingFile, "_write_now", disk_full)
    store = ContentStore(tmp_path)
    with pytest.raises(OSError, match="No space left"):
        store.put_stream(io.BytesIO(b"w" * (20 * storage.CHUNK_SIZE)), limit=10**9)
    assert _files(tmp_path) == []

"""Signed checkpoints and the signing key file."""

from __future__ import annotations

import hashlib
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from jit import ledger

NAME = "audit"
SIZE = 7
ROOT = hashlib.sha256(b"a root").hexdigest()
SIGNED_AT = "2025-11-11T09:30:00+00:00"


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def test_message_bytes_follow_the_contract():
    message = ledger.checkpoint_message("группа-12", 1024, "ab" * 32, SIGNED_AT)
    expected = (
        b"jit-ledger-checkpoint/v1\n"
        + "группа-12".encode()
        + b"\n1024\n"
        + b"ab" * 32
        + b"\n2025-11-11T09:30:00+00:00\n"
    )
    assert message == expected


@pytest.mark.parametrize(
    ("name", "size", "root", "signed_at"),
    [
        ("two\nlines", SIZE, ROOT, SIGNED_AT),
        (NAME, SIZE, ROOT, SIGNED_AT + "\n"),
        (NAME, -1, ROOT, SIGNED_AT),
        (NAME, True, ROOT, SIGNED_AT),
        (NAME, SIZE, ROOT.upper(), SIGNED_AT),
        (NAME, SIZE, ROOT[:-2], SIGNED_AT),
    ],
)
def test_message_refuses_ambiguous_fields(name, size, root, signed_at):
    with pytest.raises(ValueError):
        ledger.checkpoint_message(name, size, root, signed_at)


def test_sign_verify_round_trip(key):
    signature = ledger.sign_checkpoint(key, NAME, SIZE, ROOT, SIGNED_AT)
    assert len(signature) == 128 and signature == signature.lower()
    assert ledger.verify_checkpoint(key.public_key(), NAME, SIZE, ROOT, SIGNED_AT, signature)
    raw = bytes.fromhex(ledger.public_key_hex(key))
    assert ledger.verify_checkpoint(raw, NAME, SIZE, ROOT, SIGNED_AT, signature)
    # Anyone with the raw public key and the contract's message can check it without this package.
    Ed25519PublicKey.from_public_bytes(raw).verify(
        bytes.fromhex(signature),
        f"jit-ledger-checkpoint/v1\n{NAME}\n{SIZE}\n{ROOT}\n{SIGNED_AT}\n".encode(),
    )


def test_public_key_hex_is_the_raw_key(key):
    assert ledger.public_key_hex(key) == key.public_key().public_bytes_raw().hex()
    assert len(ledger.public_key_hex(key)) == 64


def test_verification_fails_on_any_change(key):
    signature = ledger.sign_checkpoint(key, NAME, SIZE, ROOT, SIGNED_AT)
    other_root = hashlib.sha256(b"another root").hexdigest()
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    stranger = Ed25519PrivateKey.generate().public_key()
    for public_key, name, size, root, signed_at, sig in [
        (key.public_key(), NAME, SIZE + 1, ROOT, SIGNED_AT, signature),
        (key.public_key(), NAME, SIZE, other_root, SIGNED_AT, signature),
        (key.public_key(), NAME, SIZE, ROOT, "2025-11-11T09:30:01+00:00", signature),
        (key.public_key(), "evidence-1", SIZE, ROOT, SIGNED_AT, signature),
        (key.public_key(), NAME, SIZE, ROOT, SIGNED_AT, flipped),
        (stranger, NAME, SIZE, ROOT, SIGNED_AT, signature),
        (key.public_key(), NAME, SIZE, ROOT, SIGNED_AT, signature[:-2]),
        (key.public_key(), NAME, SIZE, ROOT, SIGNED_AT, "not hex"),
        (key.public_key(), NAME, SIZE, ROOT.upper(), SIGNED_AT, signature),
        (b"\x00" * 31, NAME, SIZE, ROOT, SIGNED_AT, signature),
    ]:
        assert not ledger.verify_checkpoint(public_key, name, size, root, signed_at, sig)


def test_signing_key_is_created_private_and_reloaded(tmp_path):
    path = tmp_path / "keys" / "ledger.pem"
    created = ledger.load_or_create_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    loaded = ledger.load_or_create_signing_key(path)
    assert ledger.public_key_hex(loaded) == ledger.public_key_hex(created)
    signature = ledger.sign_checkpoint(created, NAME, SIZE, ROOT, SIGNED_AT)
    assert ledger.verify_checkpoint(loaded.public_key(), NAME, SIZE, ROOT, SIGNED_AT, signature)


def test_signing_key_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "rsa.pem"
    rsa = generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(rsa.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    with pytest.raises(ValueError):
        ledger.load_or_create_signing_key(path)

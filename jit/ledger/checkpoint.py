"""Ed25519-signed checkpoints: a ledger's name, size and root hash at a moment.

The signing key lives in a file outside the database, so whoever can rewrite the database still
cannot sign a rewritten history.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import re
import tempfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_HEADER = "jit-ledger-checkpoint/v1"
_ROOT_HEX = re.compile(r"[0-9a-f]{64}")


def checkpoint_message(ledger_name: str, tree_size: int, root_hash_hex: str, signed_at: str) -> bytes:
    """The bytes a checkpoint signs. Fields are newline-terminated, so none may contain a newline."""
    if "\n" in ledger_name or "\n" in signed_at:
        raise ValueError("a checkpoint's ledger name and time may not contain a newline")
    if type(tree_size) is not int or tree_size < 0:
        raise ValueError(f"tree size {tree_size!r} is not a non-negative integer")
    if not _ROOT_HEX.fullmatch(root_hash_hex):
        raise ValueError("the root hash must be 64 lower-case hex digits")
    return f"{_HEADER}\n{ledger_name}\n{tree_size}\n{root_hash_hex}\n{signed_at}\n".encode()


def sign_checkpoint(
    private_key: Ed25519PrivateKey, ledger_name: str, tree_size: int, root_hash_hex: str, signed_at: str
) -> str:
    """The hex Ed25519 signature of the checkpoint."""
    return private_key.sign(checkpoint_message(ledger_name, tree_size, root_hash_hex, signed_at)).hex()


def verify_checkpoint(
    public_key: Ed25519PublicKey | bytes,
    ledger_name: str,
    tree_size: int,
    root_hash_hex: str,
    signed_at: str,
    signature_hex: str,
) -> bool:
    """Whether `signature_hex` signs this checkpoint; `public_key` may be the raw 32 bytes.

    Malformed input (a bad key, bad hex, an unsignable field) is a failed verification, not an error.
    """
    try:
        if isinstance(public_key, bytes):
            public_key = Ed25519PublicKey.from_public_bytes(public_key)
        message = checkpoint_message(ledger_name, tree_size, root_hash_hex, signed_at)
        public_key.verify(bytes.fromhex(signature_hex), message)
    except (ValueError, InvalidSignature):
        return False
    return True


def public_key_hex(private_key: Ed25519PrivateKey) -> str:
    """The raw 32-byte public key, in hex: what a checkpoint records and a verifier is given."""
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_or_create_signing_key(path: pathlib.Path) -> Ed25519PrivateKey:
    """Load the PEM (PKCS8) Ed25519 key at `path`, first creating it, readable by the owner only, if missing.

    A new key is written to a private temporary file and hard-linked into place, so processes
    starting together all end up with the one key that won, never a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
        temporary = pathlib.Path(name)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds a {type(key).__name__}, not an Ed25519 private key")
    return key

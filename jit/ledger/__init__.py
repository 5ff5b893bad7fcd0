"""Tamper-evident ledgers: an RFC 9162 (Certificate Transparency v2) Merkle tree of canonical JSON
entries, with inclusion and consistency proofs, and Ed25519-signed checkpoints of its size and
root. The package is pure - only the standard library and `cryptography`, no Flask, no database,
no other `jit` module - so that anyone holding the entries, a proof or a checkpoint can check it
with this code alone; the tree's perfect-subtree hashes are kept wherever a `NodeStore` puts them.
"""

from jit.ledger.checkpoint import (
    checkpoint_message,
    load_or_create_signing_key,
    public_key_hex,
    sign_checkpoint,
    verify_checkpoint,
)
from jit.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MemoryNodeStore,
    NodeStore,
    append_leaf,
    canonical,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    root_hash,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MemoryNodeStore",
    "NodeStore",
    "append_leaf",
    "canonical",
    "checkpoint_message",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "load_or_create_signing_key",
    "merkle_root",
    "node_hash",
    "public_key_hex",
    "root_hash",
    "sign_checkpoint",
    "subtree_hash",
    "verify_checkpoint",
    "verify_consistency",
    "verify_inclusion",
]

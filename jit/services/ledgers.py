"""Ledgers kept in the database: the audit trail and each group's evidence log.

The tree arithmetic is `jit.ledger` (pure); here the perfect-subtree hashes live in
`ledger_nodes`, the size in `ledger_heads`, signed checkpoints in `ledger_checkpoints`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from jit import ledger
from jit.extensions import db
from jit.models import LedgerCheckpoint, LedgerHead, LedgerNode
from jit.models.types import utcnow
from jit.services.errors import NotFound

_NODES = LedgerNode.__table__
_HEADS = LedgerHead.__table__
# Built once: appends sit on the path of every audited request, so they speak Core SQL with
# ready-made statements instead of paying the ORM's unit of work and statement building each time.
_NODE_LOOKUP = select(_NODES.c.hash).where(
    _NODES.c.ledger == bindparam("ledger"), _NODES.c.level == bindparam("level"), _NODES.c.idx == bindparam("idx")
)
_NODE_INSERT = insert(_NODES)


def _head_increment(dialect_insert):
    """One statement that creates the head with the ledger's first entry or moves it on by one.

    An upsert, not an update followed by an insert: two transactions appending a new ledger's
    first entries would both find no head and both insert it, and one would die on the key.
    Here the second waits on the first's row and then increments it."""
    statement = dialect_insert(_HEADS).values(ledger=bindparam("name"), size=1)
    return statement.on_conflict_do_update(
        index_elements=[_HEADS.c.ledger], set_={"size": _HEADS.c.size + 1}
    ).returning(_HEADS.c.size)


_HEAD_INCREMENT = {"postgresql": _head_increment(postgresql.insert), "sqlite": _head_increment(sqlite.insert)}


class DatabaseNodeStore:
    """`jit.ledger.NodeStore` over the ledger_nodes rows of one ledger, inside the session's
    transaction, read through a small cache; `put` collects rows that `write` inserts at once."""

    def __init__(self, name: str):
        self.name = name
        self._cache: dict[tuple[int, int], bytes] = {}
        self._pending: list[dict] = []

    def get(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._cache:
            digest = db.session.connection().execute(
                _NODE_LOOKUP, {"ledger": self.name, "level": level, "idx": index}
            ).scalar()
            if digest is None:
                raise LookupError(f"ledger {self.name}: no node at level {level}, index {index}")
            self._cache[key] = bytes.fromhex(digest)
        return self._cache[key]

    def put(self, level: int, index: int, digest: bytes) -> None:
        self._pending.append({"ledger": self.name, "level": level, "idx": index, "hash": digest.hex()})
        self._cache[(level, index)] = digest

    def write(self) -> None:
        if self._pending:
            db.session.connection().execute(_NODE_INSERT, self._pending)
            self._pending = []


def _signing_key():
    return ledger.load_or_create_signing_key(Path(current_app.config["JIT_LEDGER_KEY_FILE"]))


def size(name: str) -> int:
    return db.session.scalar(select(LedgerHead.size).where(LedgerHead.ledger == name)) or 0


def append(name: str, entry: dict) -> tuple[int, bytes]:
    """Add `entry` as the next leaf inside the caller's transaction; returns (leaf index, leaf hash).

    Incrementing the head row first serialises concurrent appends to one ledger.
    """
    connection = db.session.connection()
    new_size = connection.execute(_HEAD_INCREMENT[connection.dialect.name], {"name": name}).scalar_one()
    leaf = ledger.leaf_hash(ledger.canonical(entry))
    store = DatabaseNodeStore(name)
    ledger.append_leaf(store, new_size - 1, leaf)
    store.write()
    return new_size - 1, leaf


def root(name: str, tree_size: int | None = None) -> bytes:
    tree_size = size(name) if tree_size is None else tree_size
    return ledger.root_hash(DatabaseNodeStore(name), tree_size)


def sign_checkpoint(name: str) -> LedgerCheckpoint:
    """Sign the ledger's current size and root with the key kept outside the database."""
    key = _signing_key()
    tree_size = size(name)
    root_hex = root(name, tree_size).hex()
    signed_at = utcnow().replace(microsecond=0).isoformat()
    checkpoint = LedgerCheckpoint(
        ledger=name, tree_size=tree_size, root_hash=root_hex, signed_at=signed_at,
        signature=ledger.sign_checkpoint(key, name, tree_size, root_hex, signed_at),
        public_key=ledger.public_key_hex(key),
    )
    db.session.add(checkpoint)
    return checkpoint


def inclusion_proof(name: str, leaf_index: int, tree_size: int) -> list[bytes]:
    return ledger.inclusion_proof(DatabaseNodeStore(name), leaf_index, tree_size)


def consistency_proof(name: str, first: int, second: int) -> list[bytes]:
    return ledger.consistency_proof(DatabaseNodeStore(name), first, second)


@dataclass
class Verification:
    ok: bool
    checked: int
    problem: str | None = None
    first_broken_index: int | None = None


# Stored leaves are read this many at a time while verifying (one query per batch, not per leaf).
VERIFY_BATCH = 5000


def stored_leaves(name: str, start: int, end: int) -> dict[int, bytes]:
    """The leaf hashes the tree holds for leaves [start, end)."""
    rows = db.session.connection().execute(select(_NODES.c.idx, _NODES.c.hash).where(
        _NODES.c.ledger == name, _NODES.c.level == 0, _NODES.c.idx >= start, _NODES.c.idx < end))
    return {index: bytes.fromhex(digest) for index, digest in rows}


def leaves_at(name: str, indexes: list[int]) -> dict[int, bytes]:
    """The leaf hashes the tree holds at these leaf indexes (one query per 500)."""
    found: dict[int, bytes] = {}
    for start in range(0, len(indexes), 500):
        rows = db.session.connection().execute(select(_NODES.c.idx, _NODES.c.hash).where(
            _NODES.c.ledger == name, _NODES.c.level == 0, _NODES.c.idx.in_(indexes[start:start + 500])))
        found.update({index: bytes.fromhex(digest) for index, digest in rows})
    return found


def verify(name: str, entries: Iterable[tuple[int, dict, str]]) -> Verification:
    """Recompute the ledger from its stored entries (leaf index, entry, recorded leaf hash), in order.

    Finds: an entry edited after the fact (its hash no longer matches the stored tree), a
    missing or reordered entry (a gap or a different leaf at that position), a tampered tree
    (the root differs from what was signed), and a checkpoint whose signature does not verify.
    The recomputed tree is kept in memory, so each checkpoint's root costs O(log n).
    """
    tree = ledger.MemoryNodeStore()
    count = 0
    entries = iter(entries)
    while batch := list(itertools.islice(entries, VERIFY_BATCH)):
        stored = stored_leaves(name, count, count + len(batch))
        for leaf_index, entry, recorded in batch:
            if leaf_index != count:
                return Verification(False, count, f"entry {count} is missing", count)
            leaf = ledger.leaf_hash(ledger.canonical(entry))
            if leaf.hex() != recorded or stored.get(leaf_index) != leaf:
                return Verification(False, leaf_index, f"entry {leaf_index} does not match its recorded hash",
                                    leaf_index)
            ledger.append_leaf(tree, count, leaf)
            count += 1
    if count != size(name):
        return Verification(False, count, f"the ledger holds {size(name)} leaves, {count} entries found", count)
    public_key = ledger.public_key_hex(_signing_key())
    for checkpoint in db.session.scalars(select(LedgerCheckpoint).where(LedgerCheckpoint.ledger == name)
                                         .order_by(LedgerCheckpoint.id)):
        signed = checkpoint.public_key == public_key and ledger.verify_checkpoint(
            bytes.fromhex(checkpoint.public_key), name, checkpoint.tree_size, checkpoint.root_hash,
            checkpoint.signed_at, checkpoint.signature)
        if (not signed or checkpoint.tree_size > count
                or ledger.root_hash(tree, checkpoint.tree_size).hex() != checkpoint.root_hash):
            return Verification(False, count,
                                f"checkpoint of size {checkpoint.tree_size} signed at {checkpoint.signed_at} "
                                "does not match the entries", min(checkpoint.tree_size, count))
    return Verification(True, count)


def latest_checkpoint(name: str) -> LedgerCheckpoint:
    """The last signed checkpoint if it covers the whole ledger, else a new one."""
    last = db.session.scalars(select(LedgerCheckpoint).where(LedgerCheckpoint.ledger == name)
                              .order_by(LedgerCheckpoint.id.desc()).limit(1)).first()
    if last is not None and last.tree_size == size(name):
        return last
    return sign_checkpoint(name)


# A proof that cannot exist (a tree larger than the ledger, a leaf outside its tree, a tree shrinking)
# is not found, like any other missing thing: the sizes are well-formed, there is just no such proof.
def _check_tree_size(name: str, tree_size: int, field: str) -> None:
    current = size(name)
    if not 0 <= tree_size <= current:
        raise NotFound(fields={field: _l("The ledger has %(size)s entries.", size=current)})


def inclusion_answer(name: str, leaf_index: int, tree_size: int) -> dict:
    """The inclusion proof of one leaf, as the API serves it (no such proof: NotFound)."""
    _check_tree_size(name, tree_size, "tree_size")
    if not 0 <= leaf_index < tree_size:
        raise NotFound(fields={"leaf_index": _l("Must be below tree_size.")})
    store = DatabaseNodeStore(name)
    path = ledger.inclusion_proof(store, leaf_index, tree_size)
    return {"leaf_index": leaf_index, "tree_size": tree_size, "leaf_hash": store.get(0, leaf_index).hex(),
            "path": [digest.hex() for digest in path]}


def consistency_answer(name: str, first: int, second: int) -> dict:
    """The consistency proof between two sizes, as the API serves it (no such proof: NotFound)."""
    _check_tree_size(name, second, "second")
    if first > second:
        raise NotFound(fields={"first": _l("Must not exceed second.")})
    path = consistency_proof(name, first, second)
    return {"first": first, "second": second, "path": [digest.hex() for digest in path]}

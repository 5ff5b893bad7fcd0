"""RFC 9162 (Certificate Transparency v2) Merkle trees over a store of perfect subtree hashes.

Only the hashes of complete perfect subtrees are stored, keyed by (level, index); they never change
once written. Any other subtree of a tree - the root, a proof's siblings - is rebuilt from at most
one stored node per set bit of its size, so no operation reads more than O(log^2 n) nodes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The Merkle Tree Hash of the empty list (RFC 9162 section 2.1.1)."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def canonical(entry: object) -> bytes:
    """The bytes a ledger entry is hashed as: compact, key-sorted UTF-8 JSON.

    Only JSON's exact types are allowed (floats are refused: their text is not canonical), so the
    same entry gives the same bytes in any implementation of the contract.
    """
    _check_json_value(entry, set())
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _check_json_value(value: object, open_containers: set[int]) -> None:
    if value is None or type(value) in (str, int, bool):
        return
    if type(value) not in (list, dict):
        raise ValueError(f"a ledger entry may not hold a {type(value).__name__}")
    if id(value) in open_containers:
        raise ValueError("a ledger entry may not contain itself")
    open_containers.add(id(value))
    if isinstance(value, dict):
        for key, item in value.items():
            if type(key) is not str:
                raise ValueError(f"a ledger entry's keys must be strings, not {type(key).__name__}")
            _check_json_value(item, open_containers)
    else:
        for item in value:
            _check_json_value(item, open_containers)
    open_containers.discard(id(value))


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly less than n (n >= 2): where RFC 9162 splits a list."""
    return 1 << ((n - 1).bit_length() - 1)


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, straight from the recursive definition (for holders of every entry)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(merkle_root(leaf_hashes[:k]), merkle_root(leaf_hashes[k:]))


class NodeStore(Protocol):
    """Hashes of perfect subtrees: (level, index) covers leaves [index * 2**level, (index + 1) * 2**level)."""

    def get(self, level: int, index: int) -> bytes: ...

    def put(self, level: int, index: int, digest: bytes) -> None: ...


class MemoryNodeStore:
    """A `NodeStore` in a dict; `get` raises KeyError for a node never put."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        return self.nodes[level, index]

    def put(self, level: int, index: int, digest: bytes) -> None:
        self.nodes[level, index] = digest


def append_leaf(store: NodeStore, tree_size: int, leaf: bytes) -> list[tuple[int, int, bytes]]:
    """Store `leaf` as leaf number `tree_size` and every perfect subtree it completes.

    Returns the (level, index, digest) written, leaf first, so a caller can persist them together.
    """
    if tree_size < 0:
        raise ValueError(f"tree size {tree_size} is negative")
    if len(leaf) != HASH_SIZE:
        raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf)}")
    written = [(0, tree_size, leaf)]
    level, index, digest = 0, tree_size, leaf
    # An odd index is a right child: with it its parent's subtree is complete.
    while index & 1:
        digest = node_hash(store.get(level, index - 1), digest)
        level, index = level + 1, index >> 1
        written.append((level, index, digest))
    for level, index, digest in written:
        store.put(level, index, digest)
    return written


def subtree_hash(store: NodeStore, start: int, end: int) -> bytes:
    """MTH of leaves [start, end), which must be a subtree of some Merkle tree.

    That is, `start` is a multiple of the smallest power of two >= end - start: every range a root
    or proof needs is of this kind, and only such a range is made of stored perfect subtrees (one
    per set bit of its size, largest first), so it costs at most log2(n) + 1 reads.
    """
    size = end - start
    if start < 0 or size < 0:
        raise ValueError(f"[{start}, {end}) is not a range of leaves")
    if size == 0:
        return EMPTY_ROOT
    if start % (1 << (size - 1).bit_length()):
        raise ValueError(f"[{start}, {end}) is not a subtree of a Merkle tree")
    parts = []
    position = start
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            parts.append(store.get(level, position >> level))
            position += 1 << level
    digest = parts.pop()
    while parts:
        digest = node_hash(parts.pop(), digest)
    return digest


def root_hash(store: NodeStore, tree_size: int) -> bytes:
    return subtree_hash(store, 0, tree_size)


def inclusion_proof(store: NodeStore, leaf_index: int, tree_size: int) -> list[bytes]:
    """PATH(leaf_index, D[tree_size]) of RFC 9162 section 2.1.3.1, nearest sibling first."""
    if not 0 <= leaf_index < tree_size:
        raise ValueError(f"leaf {leaf_index} is not in a tree of {tree_size} leaves")
    siblings = []
    start, end = 0, tree_size
    while end - start > 1:
        middle = start + _split(end - start)
        if leaf_index < middle:
            siblings.append(subtree_hash(store, middle, end))
            end = middle
        else:
            siblings.append(subtree_hash(store, start, middle))
            start = middle
    siblings.reverse()
    return siblings


def consistency_proof(store: NodeStore, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 section 2.1.4.1; empty when first is 0 or second."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from a tree of {first} leaves to one of {second}")
    if first in (0, second):
        return []
    outer = []
    start, end = 0, second
    whole_old_subtree = True  # SUBPROOF's flag b: the range ends where the old tree ends
    while first != end:
        middle = start + _split(end - start)
        if first <= middle:
            outer.append(subtree_hash(store, middle, end))
            end = middle
        else:
            outer.append(subtree_hash(store, start, middle))
            start = middle
            whole_old_subtree = False
    # With b still true the old tree is itself a subtree of the new one: the verifier knows its hash.
    proof = [] if whole_old_subtree else [subtree_hash(store, start, end)]
    proof.extend(reversed(outer))
    return proof


def verify_inclusion(leaf_hash: bytes, leaf_index: int, tree_size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: does `proof` place `leaf_hash` at `leaf_index` under `root`?"""
    if not 0 <= leaf_index < tree_size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn = leaf_index, tree_size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2: is the tree of `first_root` a prefix of the tree of `second_root`?

    The cases the RFC leaves out take an empty proof: equal sizes need equal roots, and size 0
    needs the empty tree's root (every tree extends it).
    """
    if not 0 <= first <= second or any(len(c) != HASH_SIZE for c in proof):
        return False
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0

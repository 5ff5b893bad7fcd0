"""The Merkle tree against known answers and against a reference written here from RFC 9162's definitions."""

from __future__ import annotations

import hashlib
import math

import pytest

from jit import ledger

# A reference implementation, straight from the recursive definitions of RFC 9162 section 2.1,
# over a plain list of leaf hashes. It shares no code with the package.


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def ref_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = ref_split(len(d))
    return ref_node(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = ref_split(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_path_length(m: int, n: int) -> int:
    if n == 1:
        return 0
    k = ref_split(n)
    return 1 + (ref_path_length(m, k) if m < k else ref_path_length(m - k, n - k))


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = ref_split(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


# Reference verifiers: walk the same recursions backwards, rebuilding the roots from a proof.


def ref_root_from_path(leaf: bytes, m: int, n: int, path: list[bytes]) -> bytes | None:
    if n == 1:
        return leaf if not path else None
    if not path:
        return None
    k = ref_split(n)
    if m < k:
        inner = ref_root_from_path(leaf, m, k, path[:-1])
        return None if inner is None else ref_node(inner, path[-1])
    inner = ref_root_from_path(leaf, m - k, n - k, path[:-1])
    return None if inner is None else ref_node(path[-1], inner)


def ref_roots_from_subproof(
    m: int, n: int, b: bool, proof: list[bytes], first_root: bytes
) -> tuple[bytes, bytes] | None:
    """(old subtree hash, new subtree hash) that `proof` claims for SUBPROOF(m, D[n], b)."""
    if m == n:
        if b:
            return (first_root, first_root) if not proof else None
        return (proof[0], proof[0]) if len(proof) == 1 else None
    if not proof:
        return None
    k = ref_split(n)
    if m <= k:
        inner = ref_roots_from_subproof(m, k, b, proof[:-1], first_root)
        return None if inner is None else (inner[0], ref_node(inner[1], proof[-1]))
    inner = ref_roots_from_subproof(m - k, n - k, False, proof[:-1], first_root)
    return None if inner is None else (ref_node(proof[-1], inner[0]), ref_node(proof[-1], inner[1]))


def ref_verify_consistency(m: int, n: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> bool:
    roots = ref_roots_from_subproof(m, n, True, proof, first_root)
    return roots == (first_root, second_root)


def leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(b"\x00" + f"entry {i}".encode()).digest() for i in range(n)]


def build(n: int) -> ledger.MemoryNodeStore:
    store = ledger.MemoryNodeStore()
    for size, leaf in enumerate(leaves(n)):
        ledger.append_leaf(store, size, leaf)
    return store


def flip(digest: bytes, bit: int) -> bytes:
    return digest[: bit // 8] + bytes([digest[bit // 8] ^ (1 << bit % 8)]) + digest[bit // 8 + 1 :]


MAX_SIZE = 70


@pytest.fixture(scope="module")
def store() -> ledger.MemoryNodeStore:
    """One store of MAX_SIZE leaves: every smaller tree is a prefix of it."""
    return build(MAX_SIZE)


@pytest.fixture(scope="module")
def data() -> list[bytes]:
    return leaves(MAX_SIZE)


# Known answers, computed with hashlib directly.


def test_leaf_and_node_hashes_are_domain_separated_sha256():
    assert ledger.leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert ledger.leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    left, right = hashlib.sha256(b"l").digest(), hashlib.sha256(b"r").digest()
    assert ledger.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


def test_empty_tree_root_is_sha256_of_nothing():
    expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert ledger.merkle_root([]).hex() == expected
    assert ledger.root_hash(ledger.MemoryNodeStore(), 0).hex() == expected
    assert ledger.EMPTY_ROOT.hex() == expected


def test_small_roots_by_hand():
    a, b, c = (hashlib.sha256(b"\x00" + x).digest() for x in (b"a", b"b", b"c"))
    ab = hashlib.sha256(b"\x01" + a + b).digest()
    abc = hashlib.sha256(b"\x01" + ab + c).digest()
    store = ledger.MemoryNodeStore()
    for size, leaf in enumerate((a, b, c)):
        ledger.append_leaf(store, size, leaf)
    assert ledger.root_hash(store, 1) == ledger.merkle_root([a]) == a
    assert ledger.root_hash(store, 2) == ledger.merkle_root([a, b]) == ab
    assert ledger.root_hash(store, 3) == ledger.merkle_root([a, b, c]) == abc


def test_canonical_bytes_are_sorted_compact_utf8():
    entry = {"событие": "вход", "actor": {"name": "Алесь", "id": 7}, "ok": True, "note": None, "tags": ["а", 1]}
    expected = '{"actor":{"id":7,"name":"Алесь"},"note":null,"ok":true,"tags":["а",1],"событие":"вход"}'
    assert ledger.canonical(entry) == expected.encode("utf-8")
    assert ledger.leaf_hash(ledger.canonical(entry)) == hashlib.sha256(b"\x00" + expected.encode()).digest()


@pytest.mark.parametrize(
    "entry",
    [
        {"amount": 1.5},
        {"amount": 1.0},
        1.0,
        {"nested": [{"deep": float("nan")}]},
        {1: "integer key"},
        {"tuple": (1, 2)},
        {"bytes": b"x"},
        {"set": {1}},
    ],
)
def test_canonical_refuses_what_json_cannot_say_canonically(entry):
    with pytest.raises(ValueError):
        ledger.canonical(entry)


def test_canonical_refuses_a_self_containing_entry():
    entry: dict = {}
    entry["self"] = entry
    with pytest.raises(ValueError):
        ledger.canonical(entry)


# The 7-leaf example of RFC 6962 section 2.1.3 (kept in RFC 9162 section 2.1.5).


def test_rfc_seven_leaf_example():
    a, b, c, d, e, f, j = (ledger.leaf_hash(f"d{i}".encode()) for i in range(7))
    g, h, i = ref_node(a, b), ref_node(c, d), ref_node(e, f)
    k, l = ref_node(g, h), ref_node(i, j)  # noqa: E741 - the RFC's name
    root = ref_node(k, l)
    store = ledger.MemoryNodeStore()
    for size, leaf in enumerate((a, b, c, d, e, f, j)):
        ledger.append_leaf(store, size, leaf)
    assert ledger.root_hash(store, 7) == root
    assert ledger.inclusion_proof(store, 0, 7) == [b, h, l]
    assert ledger.inclusion_proof(store, 3, 7) == [c, g, l]
    assert ledger.inclusion_proof(store, 4, 7) == [f, j, k]
    assert ledger.inclusion_proof(store, 6, 7) == [i, k]
    assert ledger.consistency_proof(store, 3, 7) == [c, d, g, l]
    assert ledger.consistency_proof(store, 4, 7) == [l]
    assert ledger.consistency_proof(store, 6, 7) == [i, j, k]
    assert ledger.verify_consistency(3, 7, ref_node(g, c), root, [c, d, g, l])
    assert ledger.verify_consistency(4, 7, k, root, [l])
    assert ledger.verify_consistency(6, 7, ref_node(k, i), root, [i, j, k])


# The store-based code against the reference, for every size, index and pair up to MAX_SIZE.


def test_roots_match_the_reference(store, data):
    for n in range(MAX_SIZE + 1):
        assert ledger.root_hash(store, n) == ref_mth(data[:n]) == ledger.merkle_root(data[:n]), n


def test_inclusion_proofs_match_the_reference_and_verify(store, data):
    for n in range(1, MAX_SIZE + 1):
        root = ref_mth(data[:n])
        for m in range(n):
            proof = ledger.inclusion_proof(store, m, n)
            assert proof == ref_path(m, data[:n]), (m, n)
            assert ledger.verify_inclusion(data[m], m, n, proof, root), (m, n)


def test_consistency_proofs_match_the_reference_and_verify(store, data):
    for n in range(1, MAX_SIZE + 1):
        second_root = ref_mth(data[:n])
        for m in range(n + 1):
            proof = ledger.consistency_proof(store, m, n)
            expected = [] if m in (0, n) else ref_proof(m, data[:n])
            assert proof == expected, (m, n)
            assert ledger.verify_consistency(m, n, ref_mth(data[:m]), second_root, proof), (m, n)


# Tampering: every change to a proof or its claims fails, as the reference verifiers agree.


def test_tampered_inclusion_proofs_fail(store, data):
    for n in range(1, 34):
        root = ref_mth(data[:n])
        for m in range(n):
            proof = ledger.inclusion_proof(store, m, n)
            for position in range(len(proof)):
                for bit in (0, 255):
                    bad = [*proof]
                    bad[position] = flip(bad[position], bit)
                    assert not ledger.verify_inclusion(data[m], m, n, bad, root)
            assert not ledger.verify_inclusion(flip(data[m], 7), m, n, proof, root)
            assert not ledger.verify_inclusion(data[m], m, n, proof, flip(root, 100))
            if proof:
                assert not ledger.verify_inclusion(data[m], m, n, proof[:-1], root)
                assert not ledger.verify_inclusion(data[m], m, n, proof[1:], root)
            assert not ledger.verify_inclusion(data[m], m, n, [*proof, root], root)
            assert not ledger.verify_inclusion(data[m], m, n, [data[m], *proof], root)
            for other in range(n):
                if other != m:
                    assert not ledger.verify_inclusion(data[m], other, n, proof, root), (m, other, n)
            assert not ledger.verify_inclusion(data[m], m, m, proof, root)
            assert not ledger.verify_inclusion(data[m], -1, n, proof, root)


def test_inclusion_with_a_wrong_size_fails_unless_the_proof_has_the_same_shape(store, data):
    """The size is bound by the (signed) root: a size whose path has the same shape is not caught."""
    wrong_sizes_caught = 0
    for n in range(1, 34):
        root = ref_mth(data[:n])
        for m in range(n):
            proof = ledger.inclusion_proof(store, m, n)
            for wrong in range(m + 1, MAX_SIZE + 1):
                if wrong == n:
                    continue
                verified = ledger.verify_inclusion(data[m], m, wrong, proof, root)
                assert verified == (ref_root_from_path(data[m], m, wrong, proof) == root), (m, n, wrong)
                wrong_sizes_caught += not verified
                if ref_path_length(m, wrong) != len(proof):
                    assert not verified, (m, n, wrong)
    assert wrong_sizes_caught > 0


def test_tampered_consistency_proofs_fail(store, data):
    for n in range(1, 34):
        second_root = ref_mth(data[:n])
        for m in range(n + 1):
            first_root = ref_mth(data[:m])
            proof = ledger.consistency_proof(store, m, n)
            for position in range(len(proof)):
                for bit in (0, 255):
                    bad = [*proof]
                    bad[position] = flip(bad[position], bit)
                    assert not ledger.verify_consistency(m, n, first_root, second_root, bad), (m, n, position)
            assert not ledger.verify_consistency(m, n, flip(first_root, 3), second_root, proof), (m, n)
            if m > 0:  # every tree extends the empty one: with m == 0 there is nothing to check the new root by
                assert not ledger.verify_consistency(m, n, first_root, flip(second_root, 3), proof), (m, n)
            if proof:
                assert not ledger.verify_consistency(m, n, first_root, second_root, proof[:-1]), (m, n)
                assert not ledger.verify_consistency(m, n, first_root, second_root, proof[1:]), (m, n)
            assert not ledger.verify_consistency(m, n, first_root, second_root, [*proof, second_root]), (m, n)
            assert not ledger.verify_consistency(m, n, first_root, second_root, [first_root, *proof]), (m, n)
            if 0 < m < n:
                assert not ledger.verify_consistency(n, m, second_root, first_root, proof), (m, n)


def test_consistency_with_wrong_sizes_agrees_with_the_reference(store, data):
    caught = 0
    for n in range(2, 34):
        second_root = ref_mth(data[:n])
        for m in range(1, n):
            first_root = ref_mth(data[:m])
            proof = ledger.consistency_proof(store, m, n)
            claims = [(wrong, n) for wrong in range(1, n) if wrong != m]
            claims += [(m, wrong) for wrong in range(m + 1, 40) if wrong != n]
            for first, second in claims:
                verified = ledger.verify_consistency(first, second, first_root, second_root, proof)
                expected = ref_verify_consistency(first, second, first_root, second_root, proof)
                assert verified == expected, (m, n, first, second)
                caught += not verified
    assert caught > 0


def test_consistency_edge_cases():
    root = ref_mth(leaves(5))
    assert ledger.verify_consistency(0, 5, ledger.EMPTY_ROOT, root, [])
    assert not ledger.verify_consistency(0, 5, root, root, [])
    assert not ledger.verify_consistency(0, 5, ledger.EMPTY_ROOT, root, [root])
    assert ledger.verify_consistency(5, 5, root, root, [])
    assert not ledger.verify_consistency(5, 5, root, flip(root, 0), [])
    assert not ledger.verify_consistency(5, 5, root, root, [root])
    assert not ledger.verify_consistency(3, 5, root, root, [])
    assert ledger.verify_consistency(0, 0, ledger.EMPTY_ROOT, ledger.EMPTY_ROOT, [])


# Appending and reading the store.


def test_append_leaf_writes_each_perfect_subtree_it_completes():
    data = leaves(8)
    store = ledger.MemoryNodeStore()
    written = [
        [(level, index) for level, index, _ in ledger.append_leaf(store, size, leaf)] for size, leaf in enumerate(data)
    ]
    assert written == [
        [(0, 0)],
        [(0, 1), (1, 0)],
        [(0, 2)],
        [(0, 3), (1, 1), (2, 0)],
        [(0, 4)],
        [(0, 5), (1, 2)],
        [(0, 6)],
        [(0, 7), (1, 3), (2, 1), (3, 0)],
    ]
    assert len(store.nodes) == 15
    assert store.get(2, 0) == ref_mth(data[:4])
    assert store.get(2, 1) == ref_mth(data[4:])
    assert store.get(3, 0) == ref_mth(data)
    last = ledger.append_leaf(ledger.MemoryNodeStore(), 0, data[0])
    assert last == [(0, 0, data[0])]


def test_append_leaf_returns_what_it_stored():
    store = build(11)
    written = ledger.append_leaf(store, 11, leaves(12)[11])
    assert [(level, index) for level, index, _ in written] == [(0, 11), (1, 5), (2, 2)]
    for level, index, digest in written:
        assert store.get(level, index) == digest


def test_append_leaf_refuses_bad_arguments():
    with pytest.raises(ValueError):
        ledger.append_leaf(ledger.MemoryNodeStore(), -1, leaves(1)[0])
    with pytest.raises(ValueError):
        ledger.append_leaf(ledger.MemoryNodeStore(), 0, b"short")


class CountingStore(ledger.MemoryNodeStore):
    def __init__(self) -> None:
        super().__init__()
        self.gets = 0

    def get(self, level: int, index: int) -> bytes:
        self.gets += 1
        return super().get(level, index)


def test_reads_stay_logarithmic_at_100_000_leaves():
    n = 100_000
    store = CountingStore()
    for size in range(n):
        # Any 32 bytes do: only the number of reads is measured here.
        ledger.append_leaf(store, size, size.to_bytes(32, "big"))
    bound = 2 * math.log2(n) ** 2
    for start, end in [(0, n), (0, n - 1), (65_536, n), (98_304, 99_999), (0, 65_536)]:
        store.gets = 0
        ledger.subtree_hash(store, start, end)
        assert store.gets <= bound, (start, end, store.gets)
    for call in (
        lambda: ledger.root_hash(store, n),
        lambda: ledger.inclusion_proof(store, 77_777, n),
        lambda: ledger.inclusion_proof(store, n - 1, n),
        lambda: ledger.consistency_proof(store, 54_321, n),
        lambda: ledger.consistency_proof(store, 1, n),
    ):
        store.gets = 0
        call()
        assert store.gets <= bound, store.gets
    store.gets = 0
    assert ledger.subtree_hash(store, 0, 65_536) == store.get(16, 0)
    assert store.gets == 2


def test_subtree_hash_refuses_ranges_that_are_not_subtrees(store):
    for start, end in [(1, 3), (2, 5), (4, 9), (3, 2), (-1, 1)]:
        with pytest.raises(ValueError):
            ledger.subtree_hash(store, start, end)
    assert ledger.subtree_hash(store, 4, 4) == ledger.EMPTY_ROOT
    assert ledger.subtree_hash(store, 8, 13) == ref_mth(leaves(13)[8:])


def test_proofs_refuse_out_of_range_arguments(store):
    for leaf_index, tree_size in [(0, 0), (5, 5), (6, 5), (-1, 5)]:
        with pytest.raises(ValueError):
            ledger.inclusion_proof(store, leaf_index, tree_size)
    for first, second in [(6, 5), (-1, 5), (1, 0)]:
        with pytest.raises(ValueError):
            ledger.consistency_proof(store, first, second)
    with pytest.raises(ValueError):
        ledger.root_hash(store, -1)


def test_verifiers_refuse_malformed_proof_elements(store, data):
    proof = ledger.inclusion_proof(store, 2, 9)
    root = ref_mth(data[:9])
    assert ledger.verify_inclusion(data[2], 2, 9, proof, root)
    assert not ledger.verify_inclusion(data[2], 2, 9, [*proof[:-1], proof[-1] + b"\x00"], root)
    consistency = ledger.consistency_proof(store, 3, 9)
    assert not ledger.verify_consistency(3, 9, ref_mth(data[:3]), root, [*consistency[:-1], b""])

#!/usr/bin/env python3
"""Check a JIT evidence export bundle without the platform.

    python3 verify_bundle.py [BUNDLE_DIR_OR_ZIP] [--public-key HEX]

Needs Python 3.9+ and `pip install cryptography`, nothing else: this file is copied into every
bundle, so it must never import the platform. It checks the Ed25519-signed checkpoint, every
custody event against the signed RFC 9162 Merkle root, each item's unbroken sequence of events,
and every file's SHA-256. Exit status 0: all holds; 1: something does not, and why is printed.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import pathlib
import re
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SHOWN_PROBLEMS = 20  # enough to see the pattern; a re-rooted tree would otherwise print every leaf
HEX64 = re.compile(r"[0-9a-f]{64}")


class Broken(Exception):
    """The bundle fails a check; args[0] lists the reasons."""


# The ledger's hashing, as in the platform's API.md "Ledger format" and RFC 9162 section 2.1.


def leaf_hash(entry: object) -> bytes:
    data = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    if len(leaves) <= 1:
        return leaves[0] if leaves else hashlib.sha256(b"").digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)  # largest power of two below the count
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


# Words for the values the bundle records as codes, English / Russian: the bundle is bilingual, and
# this file (copied into it) must say them without the platform. The report (bundle.py) uses them too.
WORDS = {
    "kind": {
        "document": "document / документ", "device": "device / устройство",
        "digital_copy": "digital copy / цифровая копия", "statement": "statement / показания",
        "object": "object / предмет",
    },
    "status": {
        "held": "held / на хранении", "sealed": "sealed / опечатан",
        "handed_over": "handed over outside the group / передан за пределы группы",
        "returned": "returned / возвращён", "disposed": "disposed of / уничтожен",
    },
    "event": {
        "registered": "registered / зарегистрировано", "file_attached": "file attached / файл приложен",
        "transferred": "transferred / передано", "examined": "examined / исследовано",
        "hash_verified": "hash verified / хэш проверен", "sealed": "sealed / опечатано",
        "returned": "returned / возвращено", "disposed": "disposed / уничтожено",
        "correction": "correction / исправление", "consent_recorded": "consent recorded / согласие внесено",
    },
}


def in_words(table: str, value: object) -> str:
    return WORDS[table].get(str(value), str(value))


def utc(text: object) -> str:
    """An ISO time as `2025-11-11 09:30 UTC`; anything else as it is."""
    try:
        moment = datetime.datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def size_in_words(size: object) -> str:
    if not isinstance(size, int):
        return str(size)
    shown, unit = float(size), 0
    while shown >= 1024 and unit < 3:
        shown, unit = shown / 1024, unit + 1
    units = ("bytes / байт", "KB / КБ", "MB / МБ", "GB / ГБ")
    return f"{size} {units[0]}" if unit == 0 else f"{shown:.1f} {units[unit]} ({size} bytes / байт)"


def consent_in_words(consent: dict) -> str:
    """Which party consented, when, by what document and for what use, English / Russian."""
    party, dated, reference = consent.get("party"), consent.get("dated"), quoted(consent.get("reference"))
    use = quoted(consent.get("scope")) if consent.get("scope") else None
    english = f"{party} consented on {dated} ({reference})" + (f" to the use {use}" if use else "")
    russian = f"{party} дала согласие {dated} ({reference})" + (f" на использование {use}" if use else "")
    return f"{english} / {russian}"


def packed(entries: list[dict | None]) -> list[tuple[int, dict]]:
    """(leaf index, entry) of the events the bundle holds; None stands for an event of an item left
    out of it, present by its leaf hash only."""
    return [(i, entry) for i, entry in enumerate(entries) if entry is not None]


def describe(entry: dict) -> str:
    if not entry:
        return "an event of an item not in this bundle / событие предмета вне пакета"
    return f"{entry.get('evidence_number')} event {entry.get('seq')} ({entry.get('type')})"


def quoted(text: object) -> str:
    # File names come from users: JSON quoting keeps newlines and terminal escapes harmless.
    return json.dumps(text, ensure_ascii=False)


# Each check returns the problems it finds; the export writer runs the same checks before writing.


def check_checkpoint(checkpoint: dict, key_file: str, expected_key: str | None) -> list[str]:
    key, size, root = checkpoint["public_key"], checkpoint["tree_size"], checkpoint["root_hash"]
    if type(size) is not int or size < 0 or not HEX64.fullmatch(root):
        return ["checkpoint.json: tree_size or root_hash is malformed"]
    problems = []
    if expected_key is not None and key != expected_key.lower():
        problems.append(f"the checkpoint is signed with key {key}, not the expected key {expected_key}")
    if key_file.strip() != key:
        problems.append("public_key.txt differs from the key in checkpoint.json")
    message = f"jit-ledger-checkpoint/v1\n{checkpoint['ledger']}\n{size}\n{root}\n{checkpoint['signed_at']}\n"
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key)).verify(
            bytes.fromhex(checkpoint["signature"]), message.encode("utf-8")
        )
    except (ValueError, InvalidSignature):
        problems.append("checkpoint.json: the signature does not verify: the checkpoint was changed after signing")
    return problems


def check_leaves(checkpoint: dict, records: list[dict], proofs: list[dict]) -> list[str]:
    size, root = checkpoint["tree_size"], bytes.fromhex(checkpoint["root_hash"])
    indexes = [record["leaf_index"] for record in records]
    missing = sorted(set(range(size)) - set(indexes))
    if missing:
        return [f"ledger/entries.json: leaf {i} is missing: an event was removed" for i in missing]
    if indexes != list(range(size)):
        return [f"ledger/entries.json: leaf indexes are not exactly 0..{size - 1} in order: events were added or moved"]
    # Which leaf hashes the signed tree holds where, by the proofs that verify against its root.
    signed: dict[bytes, list[int]] = {}
    for proof in proofs:
        leaf, path = bytes.fromhex(proof["leaf_hash"]), [bytes.fromhex(p) for p in proof["path"]]
        if proof["tree_size"] == size and verify_inclusion(leaf, proof["leaf_index"], size, path, root):
            signed.setdefault(leaf, []).append(proof["leaf_index"])
    problems, leaves = [], []
    for i, record in enumerate(records):
        # An event of an item left out of the bundle is there by its hash only: it still proves the root.
        leaves.append(leaf_hash(record["entry"]) if "entry" in record else bytes.fromhex(record["leaf_hash"]))
        places = signed.get(leaves[-1], [])
        if places and i not in places:
            problems.append(
                f"leaf {i} ({describe(record.get('entry', {}))}) is the event signed as leaf {places[0]}: "
                "events were reordered"
            )
        elif not places:
            problems.append(
                f"leaf {i} ({describe(record.get('entry', {}))}) was changed: it has no valid inclusion proof "
                "under the signed root"
            )
    if merkle_root(leaves) != root:
        problems.append("the root hash recomputed from all events differs from the signed root")
    return problems


def check_chains(entries: list[dict]) -> list[str]:
    """Each item's events carry seq 1, 2, 3... in ledger order."""
    problems, last_seq = [], {}
    for i, entry in packed(entries):
        expected = last_seq.get(entry["evidence_id"], 0) + 1
        if entry["seq"] != expected:
            problems.append(
                f"leaf {i} ({describe(entry)}): seq {entry['seq']} where {expected} was expected: "
                "an event of this item is missing or out of order"
            )
        # Continue from the seq found, so one gap is reported once, not at every later event.
        last_seq[entry["evidence_id"]] = entry["seq"] if type(entry["seq"]) is int else expected
    return problems


# What items.json shows of a consent, and the entry of a `consent_recorded` event holds.
CONSENT_FIELDS = ("party", "reference", "dated", "scope")


def _person_id(person: object) -> object:
    return person.get("id") if isinstance(person, dict) else person


def _consents_in_ledger(entries: list[dict]) -> dict[object, list[tuple[int, dict]]]:
    found: dict[object, list[tuple[int, dict]]] = {}
    for i, entry in packed(entries):
        if entry.get("type") == "consent_recorded" and isinstance(entry.get("consent"), dict):
            consent = {key: entry["consent"].get(key) for key in CONSENT_FIELDS}
            found.setdefault(entry["evidence_id"], []).append((i, consent))
    return found


def check_items(entries: list[dict], items: list[dict]) -> list[str]:
    """items.json must list exactly the ledger's items, with their numbers and current files, each
    as its `registered` event recorded it, its files as their `file_attached` events recorded them
    and, where the ledger records consents, exactly the consents it records."""
    last = {entry["evidence_id"]: (i, entry) for i, entry in packed(entries)}
    registered = {entry["evidence_id"]: (i, entry) for i, entry in packed(entries)
                  if entry.get("type") == "registered" and isinstance(entry.get("item"), dict)}
    attached: dict[object, list[tuple]] = {}
    for _, entry in packed(entries):
        if entry.get("file"):
            file = entry["file"]
            attached.setdefault(entry["evidence_id"], []).append((file["name"], file["size"], file["sha256"]))
    ledgered = _consents_in_ledger(entries)
    problems = []
    for item in items:
        label = f"items.json: item {item['number']} (id {item['id']})"
        if item["id"] not in last:
            problems.append(f"{label} has no custody events in the ledger")
            continue
        i, entry = last[item["id"]]
        if item["number"] != entry["evidence_number"]:
            problems.append(f"{label} is numbered {entry['evidence_number']} in the ledger")
        if {file["sha256"] for file in item["files"]} != set(entry["sha256s"]):
            problems.append(f"{label}: its files differ from those its last event, leaf {i}, records")
        if item["id"] in registered:
            i, entry = registered[item["id"]]
            for key, recorded in entry["item"].items():
                if key in item and _person_id(item[key]) != _person_id(recorded):
                    problems.append(f"{label}: its {key} differs from its registration, leaf {i}")
        shown = sorted((file["name"], file["size"], file["sha256"]) for file in item["files"])
        if shown != sorted(attached.get(item["id"], [])):
            problems.append(f"{label}: its files' names, sizes or hashes differ from those its file_attached "
                            "events record")
        if ledgered:  # a ledger that records consents records every one
            shown = sorted(json.dumps([c.get(key) for key in CONSENT_FIELDS]) for c in item.get("consents", []))
            recorded = sorted(json.dumps([c[key] for key in CONSENT_FIELDS]) for _, c in ledgered.get(item["id"], []))
            if shown != recorded:
                problems.append(f"{label}: its consents differ from those its consent_recorded events record")
    for evidence_id in sorted(last.keys() - {item["id"] for item in items}, key=str):
        problems.append(f"items.json lacks item {last[evidence_id][1]['evidence_number']} (id {evidence_id})")
    return problems


def unsigned_consents(entries: list[dict], items: list[dict]) -> list[str]:
    """Consents items.json lists that the ledger does not record: only a bundle exported before the
    platform kept consents in its ledger has them (where the ledger records any consent, they fail
    `check_items`), and the signature does not cover them."""
    if _consents_in_ledger(entries):
        return []
    return [f"items.json: item {item['number']}: consent {quoted(consent.get('reference'))} is not in the ledger "
            "(an export made before consents were ledgered): the signature does not cover it"
            for item in items for consent in item.get("consents", [])]


def named_files(entries: list[dict], items: list[dict]) -> list[tuple[str, int | None, str]]:
    """(sha256, size if stated, who names it) for every file the events and items refer to."""
    named: list[tuple[str, int | None, str]] = []
    for i, entry in packed(entries):
        where = f"leaf {i} ({describe(entry)})"
        named += [(sha, None, where) for sha in entry["sha256s"]]
        if entry.get("file"):
            named.append((entry["file"]["sha256"], entry["file"]["size"], where))
    for item in items:
        for file in item["files"]:
            named.append(
                (file["sha256"], file["size"], f"items.json item {item['number']} file {quoted(file['name'])}")
            )
    return named


def check_files(found: dict[str, tuple[str, int]], entries: list[dict], items: list[dict]) -> list[str]:
    """`found` maps each name under files/ to the (sha256, size) of its content."""
    names: dict[str, set[str]] = {}
    for file in [e["file"] for _, e in packed(entries) if e.get("file")] + [f for item in items for f in item["files"]]:
        names.setdefault(file["sha256"], set()).add(quoted(file["name"]))
    problems = []
    for name, (digest, _) in sorted(found.items()):
        if digest != name:
            label = ", ".join(sorted(names.get(name, ())))
            problems.append(f"files/{name} ({label}) hashes to {digest}: its content was changed")
    named, missing = named_files(entries, items), set()
    for sha, size, where in named:
        if sha not in found and sha not in missing:
            missing.add(sha)
            problems.append(f"files/{sha}, named by {where}, is missing")
        elif sha in found and size is not None and size != found[sha][1]:
            problems.append(f"files/{sha} is {found[sha][1]} bytes, but {where} says {size}")
    for name in sorted(found.keys() - {sha for sha, _, _ in named}):
        problems.append(f"files/{name} is named by no custody event or item")
    return problems


def hash_file(path: pathlib.Path | zipfile.Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):  # streamed: evidence files may be gigabytes
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def verify(bundle: pathlib.Path | zipfile.Path, expected_key: str | None = None) -> str:
    """The summary of a bundle that passes every check; raises Broken otherwise."""

    def read_json(name: str) -> list | dict:
        return json.loads((bundle / name).read_text(encoding="utf-8"))

    def stage(problems: list[str]) -> None:
        if problems:  # later checks would only repeat the damage found here
            raise Broken(problems)

    checkpoint = read_json("checkpoint.json")
    stage(check_checkpoint(checkpoint, (bundle / "public_key.txt").read_text(encoding="utf-8"), expected_key))
    records = read_json("ledger/entries.json")
    stage(check_leaves(checkpoint, records, read_json("ledger/inclusion.json")))
    entries, items = [record.get("entry") for record in records], read_json("items.json")
    stage(check_chains(entries) + check_items(entries, items))
    folder = bundle / "files"
    found = {path.name: hash_file(path) for path in (folder.iterdir() if folder.exists() else [])}
    stage(check_files(found, entries, items))
    unsigned = unsigned_consents(entries, items)
    key_note = (
        "it is the expected key / это ожидаемый ключ"
        if expected_key
        else "compare it with the key the platform publishes / сверьте его с ключом, опубликованным платформой"
    )
    withheld = read_json("withheld.json") if (bundle / "withheld.json").exists() else []
    hidden = sum(entry is None for entry in entries)
    return "\n".join(
        [
            "OK: the bundle verifies / Пакет прошёл проверку",
            f"  ledger / журнал:            {checkpoint['ledger']}",
            f"  items / предметы:           {len(items)}",
            f"  events / события:           {len(entries) - hidden}",
            *([f"  events of items not in this bundle, by hash only / события других предметов, только хэш: {hidden}"]
              if hidden else []),
            f"  files / файлы:              {len(found)} ({sum(size for _, size in found.values())} bytes / байт)",
            f"  tree size / размер дерева:  {checkpoint['tree_size']}",
            f"  root / корень:              {checkpoint['root_hash']}",
            f"  signed at / подписано:      {checkpoint['signed_at']} ({utc(checkpoint['signed_at'])})",
            f"  public key / открытый ключ: {checkpoint['public_key']}",
            f"    ({key_note})",
            *(f"  note / примечание: {note}" for note in unsigned),
            *items_in_words(items),
            *(f"  withheld / не выгружен: {quoted(item.get('number'))}: {item.get('reason')}" for item in withheld),
        ]
    )


def items_in_words(items: list[dict]) -> list[str]:
    lines = ["", "Items / Предметы:"]
    for item in items:
        case = item.get("case_number") or item.get("case_id")
        lines.append(f"  {item['number']} {quoted(item.get('title'))}: {in_words('kind', item.get('kind'))}, "
                     f"case / дело {case}, {in_words('status', item.get('status'))}")
        lines += [f"    file / файл {quoted(file['name'])}, {size_in_words(file['size'])}, SHA-256 {file['sha256']}"
                  for file in item["files"]]
        lines += [f"    consent / согласие: {consent_in_words(consent)}" for consent in item.get("consents", [])]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a JIT evidence export bundle.")
    parser.add_argument(
        "bundle",
        nargs="?",
        type=pathlib.Path,
        default=pathlib.Path(__file__).resolve().parent,
        help="the unzipped bundle folder or the zip (default: this script's folder)",
    )
    parser.add_argument(
        "--public-key", help="the platform's published key (hex): the checkpoint must be signed with it"
    )
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(errors="backslashreplace")  # a console without Cyrillic must not crash the report
    try:
        print(verify(args.bundle if args.bundle.is_dir() else zipfile.Path(args.bundle), args.public_key))
        return 0
    except Broken as error:
        problems = error.args[0]
    except (OSError, ValueError, LookupError, TypeError, AttributeError, zipfile.BadZipFile) as error:
        problems = [f"the bundle is malformed or incomplete: {type(error).__name__}: {error}"]
    print("FAILED: the bundle does not verify / ОШИБКА: пакет не прошёл проверку")
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  - {problem}")
    if len(problems) > SHOWN_PROBLEMS:
        print(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")
    return 1


if __name__ == "__main__":
    sys.exit(main())

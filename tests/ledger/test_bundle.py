"""The evidence export bundle, checked by its own verifier in a separate process without the project."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jit import ledger
from jit.ledger import verify_bundle
from jit.ledger.bundle import write_bundle

GID = 7
LEDGER = f"evidence/{GID}"
SIGNED_AT = "2025-11-12T08:00:00+00:00"
GENERATED_AT = "2025-11-12T08:05:00+00:00"
EVIL_NAME = "../../<script>alert(1)</script>.txt"
USERS = {
    "aliya": {"id": 1, "username": "aliya", "full_name": "Алия Нурланова"},
    "sergei": {"id": 2, "username": "sergei", "full_name": "Сергей Иванов"},
    "dana": {"id": 3, "username": "dana", "full_name": "Dana Seitkali"},
}


def sign(entries: list[dict], key: Ed25519PrivateKey) -> dict:
    root = ledger.merkle_root([ledger.leaf_hash(ledger.canonical(entry)) for entry in entries]).hex()
    return {
        "ledger": LEDGER,
        "tree_size": len(entries),
        "root_hash": root,
        "signed_at": SIGNED_AT,
        "signature": ledger.sign_checkpoint(key, LEDGER, len(entries), root, SIGNED_AT),
        "public_key": ledger.public_key_hex(key),
    }


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    """Three items, fourteen custody events across two teams, five stored files (one content twice)."""
    store = tmp_path_factory.mktemp("storage")
    entries: list[dict] = []
    items: dict[int, dict] = {}
    files = {}

    def event(eid: int, kind: str, actor: str, **fields) -> None:
        item = items[eid]
        entries.append(
            {
                "v": 1,
                "ledger": LEDGER,
                "group_id": GID,
                "evidence_id": eid,
                "evidence_number": item["number"],
                "seq": sum(entry["evidence_id"] == eid for entry in entries) + 1,
                "type": kind,
                "actor": USERS[actor],
                "from": None,
                "to": None,
                "at": f"2025-11-11T{9 + len(entries):02d}:30:00+00:00",
                "time_zone": "Asia/Almaty",
                "place": "Астана, ДП МВД",
                "note": "",
                "sha256s": sorted(file["sha256"] for file in item["files"]),
                "file": None,
                "refers_to": None,
                "instruction_id": None,
                "verified": None,
                "item": None,
                **fields,
            }
        )

    def register(eid: int, number: str, kind: str, title: str, actor: str, party: str) -> None:
        record = {
            "number": number,
            "case_id": 11,
            "kind": kind,
            "title": title,
            "description": f"{title}: изъято при обыске",
            "obtained_at": "2025-11-10T15:00:00+00:00",
            "obtained_place": "Алматы, ул. Абая 1",
            "obtained_under": "постановление № 45",
            "obtained_by": USERS[actor],
            "originating_party": party,
            "team_id": 1 if party == "KZ" else 2,
            "use_conditions": "",
        }
        items[eid] = {"id": eid, **record, "case_number": "KZ 257500031000412", "custodian": USERS[actor],
                      "status": "held", "files": []}
        event(eid, "registered", actor, item=record)

    def attach(eid: int, actor: str, name: str, content: bytes) -> None:
        sha = hashlib.sha256(content).hexdigest()
        files[sha] = store / sha
        files[sha].write_bytes(content)
        file = {"name": name, "size": len(content), "sha256": sha}
        items[eid]["files"].append({"id": sum(len(i["files"]) for i in items.values()) + 1, **file})
        event(eid, "file_attached", actor, file=file)

    interview = "Протокол допроса свидетеля".encode() * 100
    register(1, "KZ-0001", "digital_copy", "Image of a seized phone", "aliya", "KZ")
    attach(1, "aliya", "phone-image.bin", bytes(range(256)) * 10_000)  # 2.5 MB: several copy chunks
    register(2, "BY-0001", "document", "Банковские выписки", "sergei", "BY")
    attach(2, "sergei", "statement.csv", b"date,amount\n2025-01-01,100\n")
    attach(1, "aliya", EVIL_NAME, b"<script>alert(1)</script>")
    register(3, "KZ-0002", "statement", "Interview record", "dana", "KZ")
    attach(3, "dana", "протокол допроса.pdf", interview)
    attach(3, "dana", "empty.bin", b"")
    event(1, "transferred", "aliya", to=USERS["sergei"], place="Астана → Минск", instruction_id=4)
    items[1]["custodian"] = USERS["sergei"]
    event(2, "examined", "sergei", place="Минск", note="Проведено исследование")
    event(2, "correction", "sergei", refers_to=2, note="Уточнено имя файла")
    event(1, "hash_verified", "sergei", verified=True)
    attach(2, "sergei", "копия протокола.pdf", interview)  # the same content as KZ-0002's: stored once
    event(3, "sealed", "dana")
    key = Ed25519PrivateKey.generate()
    return {
        "checkpoint": sign(entries, key),
        "entries": entries,
        "items": list(items.values()),
        "files": files,
        "key": key,
    }


@pytest.fixture(scope="module")
def bundle_zip(history, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "bundle.zip"
    with path.open("wb") as target:
        write_bundle(
            target,
            checkpoint=history["checkpoint"],
            entries=history["entries"],
            items=history["items"],
            files=history["files"],
            generated_at=GENERATED_AT,
        )
    return path


@pytest.fixture
def bundle(bundle_zip, tmp_path):
    """A fresh unzipped copy, outside the project, for one test to tamper with."""
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(bundle_zip) as archive:
        archive.extractall(folder)
    return folder


def run(folder, *argv: str) -> subprocess.CompletedProcess:
    # No PYTHONPATH, no user site, cwd outside the project: only the interpreter's own packages.
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONNOUSERSITE": "1"}
    return subprocess.run(
        [sys.executable, *argv], cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def verify(folder, *args: str) -> tuple[int, str]:
    result = run(folder, "verify_bundle.py", *args)
    return result.returncode, result.stdout + result.stderr


def load(folder, name: str):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def save(folder, name: str, value) -> None:
    (folder / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def edit_entries(folder, change) -> None:
    records = load(folder, "ledger/entries.json")
    change(records)
    save(folder, "ledger/entries.json", records)


def resign(folder, key: Ed25519PrivateKey) -> None:
    """What a forger with the database and a key of their own would do: rebuild tree, proofs and checkpoint."""
    entries = [record["entry"] for record in load(folder, "ledger/entries.json")]
    store = ledger.MemoryNodeStore()
    for i, entry in enumerate(entries):
        ledger.append_leaf(store, i, ledger.leaf_hash(ledger.canonical(entry)))
    n = len(entries)
    proofs = [
        {
            "leaf_index": i,
            "tree_size": n,
            "leaf_hash": store.get(0, i).hex(),
            "path": [p.hex() for p in ledger.inclusion_proof(store, i, n)],
        }
        for i in range(n)
    ]
    save(folder, "checkpoint.json", sign(entries, key))
    save(folder, "ledger/inclusion.json", proofs)
    (folder / "public_key.txt").write_text(ledger.public_key_hex(key))


def test_the_verifier_process_cannot_import_the_project(bundle):
    probe = run(bundle, "-c", "import importlib.util, sys; print(importlib.util.find_spec('jit'), sys.path)")
    assert probe.returncode == 0 and probe.stdout.startswith("None "), probe.stdout + probe.stderr


def test_good_bundle_verifies(history, bundle, bundle_zip):
    key = history["checkpoint"]["public_key"]
    code, out = verify(bundle)
    assert code == 0, out
    assert "OK: the bundle verifies" in out
    for line in [LEDGER, "items / предметы:           3", "events / события:           14", f"открытый ключ: {key}"]:
        assert line in out
    assert "files / файлы:              5 (" in out  # five distinct contents among six attachments
    # The zip itself, and with the published key given.
    code, out = verify(bundle, str(bundle_zip), "--public-key", key.upper())
    assert code == 0, out
    assert "it is the expected key" in out


def test_bundle_layout(history, bundle_zip, bundle):
    with zipfile.ZipFile(bundle_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    shas = sorted(history["files"])
    assert sorted(infos) == sorted(
        [
            "README.txt",
            "verify_bundle.py",
            "checkpoint.json",
            "public_key.txt",
            "ledger/entries.json",
            "ledger/inclusion.json",
            "items.json",
            "report.html",
            *[f"files/{sha}" for sha in shas],
        ]
    )
    assert {infos[f"files/{sha}"].compress_type for sha in shas} == {zipfile.ZIP_STORED}
    assert infos["ledger/entries.json"].compress_type == zipfile.ZIP_DEFLATED
    readme = (bundle / "README.txt").read_text(encoding="utf-8")
    assert "python3 verify_bundle.py" in readme and "pip install cryptography" in readme
    assert "КАК ПРОВЕРИТЬ" in readme and history["checkpoint"]["public_key"] in readme
    assert load(bundle, "checkpoint.json") == history["checkpoint"]
    assert load(bundle, "items.json") == history["items"]
    assert [r["entry"] for r in load(bundle, "ledger/entries.json")] == history["entries"]


def test_report_escapes_what_users_typed(bundle):
    report = (bundle / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in report
    assert "../../&lt;script&gt;alert(1)&lt;/script&gt;.txt" in report
    assert "протокол допроса.pdf" in report and "Алия Нурланова (aliya)" in report
    assert "transferred / передано" in report and "Image of a seized phone" in report


def test_report_and_verifier_say_things_in_words(history, bundle):
    report = (bundle / "report.html").read_text(encoding="utf-8")
    assert "<tr><td>Case / Дело</td><td>KZ 257500031000412</td></tr>" in report
    assert "<td>digital copy / цифровая копия</td>" in report and "digital_copy" not in report
    assert "<td>held / на хранении</td>" in report
    assert "<td>Obtained at / Когда получено</td><td>2025-11-10 15:00 UTC</td>" in report
    assert "2025-11-11 10:30 UTC (local zone / часовой пояс: Asia/Almaty)" in report
    sha = hashlib.sha256(b"date,amount\n2025-01-01,100\n").hexdigest()
    assert f"<td>statement.csv</td><td>27 bytes / байт</td><td><code>{sha}</code></td>" in report
    assert "<td>Consents / Согласия</td><td>none / нет</td>" in report and "[]" not in report
    assert "Signed at / Подписано</td><td>2025-11-12 08:00 UTC" in report
    code, out = verify(bundle)
    assert code == 0, out
    assert 'KZ-0001 "Image of a seized phone": digital copy / цифровая копия, case / дело KZ 257500031000412, ' \
        "held / на хранении" in out
    assert f'file / файл "statement.csv", 27 bytes / байт, SHA-256 {sha}' in out
    assert '"phone-image.bin", 2.4 MB / МБ (2560000 bytes / байт)' in out


def test_a_bundle_of_some_items_verifies_holding_the_others_by_hash_only(history, tmp_path):
    """Items left out (not chosen, or withheld under their use conditions) keep their events' content in
    the group: the bundle holds those leaves by hash, the signed root still verifies and the report and
    the verifier name the withheld items."""
    path = tmp_path / "some.zip"
    reason = "use conditions are set / установлены условия использования"
    with path.open("wb") as target:
        write_bundle(target, checkpoint=history["checkpoint"], entries=history["entries"],
                     items=[history["items"][0], history["items"][2]], files=history["files"],
                     generated_at=GENERATED_AT, left_out={2}, withheld=[{"number": "BY-0001", "reason": reason}])
    folder = tmp_path / "some"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
        names = archive.namelist()
    records = load(folder, "ledger/entries.json")
    hidden = [r for r in records if "entry" not in r]
    assert [r["leaf_index"] for r in hidden] == [i for i, e in enumerate(history["entries"]) if e["evidence_id"] == 2]
    assert "Банковские выписки" not in json.dumps(records, ensure_ascii=False)
    assert "files/" + hashlib.sha256(b"date,amount\n2025-01-01,100\n").hexdigest() not in names
    code, out = verify(folder)
    assert code == 0, out
    assert "items / предметы:           2" in out and "by hash only / события других предметов, только хэш: 5" in out
    assert f'withheld / не выгружен: "BY-0001": {reason}' in out
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert f"<tr><td>BY-0001</td><td>{reason}</td></tr>" in report and "<h2>BY-0001" not in report

    hidden[0]["leaf_hash"] = "0" * 64  # a hash-only leaf changed still fails
    save(folder, "ledger/entries.json", records)
    code, out = verify(folder)
    assert code == 1 and "(an event of an item not in this bundle / событие предмета вне пакета) was changed" in out


def test_changed_byte_in_a_file_fails_naming_it(history, bundle):
    sha = next(sha for sha, path in history["files"].items() if path.stat().st_size > 2_000_000)
    path = bundle / "files" / sha
    content = bytearray(path.read_bytes())
    content[1_500_000] ^= 1
    path.write_bytes(content)
    code, out = verify(bundle)
    assert code == 1
    assert f'files/{sha} ("phone-image.bin") hashes to ' in out and "its content was changed" in out


def test_removed_file_fails(history, bundle):
    sha = hashlib.sha256(b"").hexdigest()
    (bundle / "files" / sha).unlink()
    code, out = verify(bundle)
    assert code == 1
    assert f"files/{sha}, named by leaf 7 (KZ-0002 event 3 (file_attached)), is missing" in out


def test_edited_event_fails_naming_its_leaf(bundle):
    edit_entries(bundle, lambda records: records[8]["entry"].update(to=USERS["dana"]))
    code, out = verify(bundle)
    assert code == 1
    assert "leaf 8 (KZ-0001 event 4 (transferred)) was changed" in out
    assert "leaf 7" not in out  # the other events still verify


def test_removed_event_fails(bundle):
    edit_entries(bundle, lambda records: records.pop(10))
    code, out = verify(bundle)
    assert code == 1
    assert "leaf 10 is missing: an event was removed" in out


def swap_events_9_and_10(records):
    records[9]["entry"], records[10]["entry"] = records[10]["entry"], records[9]["entry"]


def test_reordered_events_fail(bundle):
    edit_entries(bundle, swap_events_9_and_10)
    code, out = verify(bundle)
    assert code == 1
    assert "leaf 9 (BY-0001 event 4 (correction)) is the event signed as leaf 10: events were reordered" in out


def test_reordered_and_resigned_events_fail_on_the_chain(bundle):
    edit_entries(bundle, swap_events_9_and_10)
    resign(bundle, Ed25519PrivateKey.generate())
    code, out = verify(bundle)
    assert code == 1
    assert "leaf 9 (BY-0001 event 4 (correction)): seq 4 where 3 was expected" in out


def test_checkpoint_signed_by_another_key_fails_against_the_published_one(history, bundle):
    edit_entries(bundle, lambda records: records[8]["entry"].update(note="never transferred"))
    stranger = Ed25519PrivateKey.generate()
    resign(bundle, stranger)
    # Self-consistent, so only the key gives it away: the summary shows it for comparison...
    code, out = verify(bundle)
    assert code == 0 and f"открытый ключ: {ledger.public_key_hex(stranger)}" in out
    # ...and given the published key, the verifier refuses it.
    code, out = verify(bundle, "--public-key", history["checkpoint"]["public_key"])
    assert code == 1
    assert f"signed with key {ledger.public_key_hex(stranger)}, not the expected key" in out


def test_tampered_checkpoint_root_fails(bundle):
    checkpoint = load(bundle, "checkpoint.json")
    checkpoint["root_hash"] = hashlib.sha256(b"another history").hexdigest()
    save(bundle, "checkpoint.json", checkpoint)
    code, out = verify(bundle)
    assert code == 1
    assert "checkpoint.json: the signature does not verify" in out


def test_items_disagreeing_with_the_ledger_fail(bundle):
    items = load(bundle, "items.json")
    items[1]["number"] = "BY-0099"
    save(bundle, "items.json", items)
    code, out = verify(bundle)
    assert code == 1
    assert "items.json: item BY-0099 (id 2) is numbered BY-0001 in the ledger" in out


def test_malformed_bundle_fails_without_a_traceback(bundle):
    (bundle / "ledger" / "inclusion.json").write_text("[{", encoding="utf-8")
    code, out = verify(bundle)
    assert code == 1
    assert "the bundle is malformed or incomplete: JSONDecodeError" in out and "Traceback" not in out


def test_write_bundle_refuses_what_would_not_verify(history, tmp_path):
    def write(**changes):
        arguments = {key: history[key] for key in ("checkpoint", "entries", "items", "files")} | changes
        with (tmp_path / "refused.zip").open("wb") as target:
            write_bundle(target, generated_at=GENERATED_AT, **arguments)

    entries = history["entries"]
    with pytest.raises(ValueError, match="13 entries for a checkpoint of 14 leaves"):
        write(entries=entries[:-1])
    with pytest.raises(ValueError, match="do not give the checkpoint's root hash"):
        write(entries=[*entries[:-1], {**entries[-1], "note": "edited"}])
    with pytest.raises(ValueError, match="the signature does not verify"):
        write(checkpoint={**history["checkpoint"], "signed_at": "2026-01-01T00:00:00+00:00"})
    swapped = [*entries[:9], entries[10], entries[9], *entries[11:]]
    with pytest.raises(ValueError, match="seq 4 where 3 was expected"):
        write(entries=swapped, checkpoint=sign(swapped, history["key"]))
    with pytest.raises(ValueError, match=r"items\.json lacks item KZ-0002"):
        write(items=history["items"][:2])
    sha = hashlib.sha256(b"").hexdigest()
    with pytest.raises(ValueError, match=f"no stored content for {sha}"):
        write(files={k: v for k, v in history["files"].items() if k != sha})
    changed = tmp_path / "changed"
    changed.write_bytes(b"x")
    with pytest.raises(ValueError, match=f"files/{sha} .* hashes to .*: its content was changed"):
        write(files={**history["files"], sha: changed})


@pytest.mark.parametrize("size", [*range(1, 18), 31, 32, 33, 64, 100])
def test_verifier_hashing_matches_the_ledger_package(size):
    leaves = [hashlib.sha256(str(i).encode()).digest() for i in range(size)]
    store = ledger.MemoryNodeStore()
    for i, leaf in enumerate(leaves):
        ledger.append_leaf(store, i, leaf)
    root = ledger.root_hash(store, size)
    assert verify_bundle.merkle_root(leaves) == ledger.merkle_root(leaves) == root
    entry = {"b": "Ä", "a": [1, None, True]}
    assert verify_bundle.leaf_hash(entry) == ledger.leaf_hash(ledger.canonical(entry))
    for i in range(size):
        path = ledger.inclusion_proof(store, i, size)
        assert verify_bundle.verify_inclusion(leaves[i], i, size, path, root)
        for index, tree_size, proof, leaf in [
            ((i + 1) % size, size, path, leaves[i]),
            (i, size + 1, path, leaves[i]),
            (i, size, [*path, root], leaves[i]),
            (i, size, path[:-1], leaves[i]),
            (i, size, path, root if size > 1 else b"\x00" * 32),
        ]:
            expected = ledger.verify_inclusion(leaf, index, tree_size, proof, root)
            assert verify_bundle.verify_inclusion(leaf, index, tree_size, proof, root) is expected


def test_verifier_is_python_3_9_with_only_stdlib_and_cryptography():
    tree = ast.parse(pathlib.Path(verify_bundle.__file__).read_text(encoding="utf-8"), feature_version=(3, 9))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} - sys.stdlib_module_names == {"cryptography"}


def test_items_disagreeing_with_their_registration_or_file_names_fail(bundle):
    """items.json shows the items as the platform did: each must be what its signed entries record."""
    items = load(bundle, "items.json")
    items[0]["title"] = "Something else"
    items[2]["files"][0]["name"] = "innocent.txt"
    save(bundle, "items.json", items)
    code, out = verify(bundle)
    assert code == 1
    assert "items.json: item KZ-0001 (id 1): its title differs from its registration, leaf 0" in out
    assert "items.json: item KZ-0002 (id 3): its files' names, sizes or hashes differ" in out


def test_consents_of_a_bundle_made_before_the_ledger_held_them_verify_as_notes(bundle):
    items = load(bundle, "items.json")
    items[0]["consents"] = [{"party": "KZ", "reference": "Письмо № 1", "dated": "2025-11-10", "scope": ""}]
    save(bundle, "items.json", items)
    code, out = verify(bundle)
    assert code == 0, out
    assert 'note / примечание: items.json: item KZ-0001: consent "Письмо № 1" is not in the ledger' in out


def test_consents_the_ledger_records_must_be_those_items_json_shows(history, tmp_path):
    consent = {"party": "KZ", "reference": "Письмо № 1", "dated": "2025-11-10", "scope": "Для суда"}
    last = [entry for entry in history["entries"] if entry["evidence_id"] == 1][-1]
    entries = [*history["entries"], {
        **last, "seq": last["seq"] + 1, "type": "consent_recorded", "actor": USERS["aliya"], "from": last["to"],
        "at": "2025-11-11T23:30:00+00:00", "note": "", "verified": None, "instruction_id": None,
        "consent": {**consent, "recorded_at": "2025-11-11T23:30:00+00:00"}}]
    items = [{**history["items"][0], "consents": [consent]}, *history["items"][1:]]
    path = tmp_path / "bundle.zip"
    with path.open("wb") as target:
        write_bundle(target, checkpoint=sign(entries, history["key"]), entries=entries, items=items,
                     files=history["files"], generated_at=GENERATED_AT)
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    code, out = verify(folder)
    assert code == 0 and "note" not in out, out
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "consent recorded / согласие внесено" in report
    words = "KZ consented on 2025-11-10 (&quot;Письмо № 1&quot;) to the use &quot;Для суда&quot; / KZ дала согласие"
    assert f"<td>Consents / Согласия</td><td>{words}" in report

    for change in (lambda its: its[0]["consents"][0].update(reference="Письмо № 2"),
                   lambda its: its[0]["consents"].clear(),
                   lambda its: its[1].update(consents=[consent])):
        changed = json.loads(json.dumps(items))
        change(changed)
        save(folder, "items.json", changed)
        code, out = verify(folder)
        assert code == 1, out
        assert "its consents differ from those its consent_recorded events record" in out

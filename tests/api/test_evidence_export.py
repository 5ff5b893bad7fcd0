"""The evidence export bundle through the API: it downloads, unzips, and its own verifier passes in a
separate process without the project; AGR-USE keeps it in the group; outsiders cannot tell it exists."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent
from jit.models.types import utcnow
from tests.evidence_support import custody, evidence_group, register, upload

IMAGE = bytes(range(256)) * 40
STATEMENT = "Выписка по счёту KZ12 3456 7890\n".encode() * 30


@pytest.fixture
def app(make_app, tmp_path):
    """Files of each test in a store of their own (a test alters a stored file)."""
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def export(cast, gid: int, who: str = "kz_member", **chosen):
    return cast.api.get(f"/api/v1/groups/{gid}/evidence/export", query_string=chosen,
                        headers={**cast.headers[who], "Accept-Language": "en"})


def unzipped(data: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    return folder


def run_verifier(folder: Path, *args: str) -> subprocess.CompletedProcess:
    # No PYTHONPATH, no user site, cwd outside the project: only the interpreter's own packages.
    return subprocess.run([sys.executable, "verify_bundle.py", *args], cwd=folder, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "PYTHONNOUSERSITE": "1"}, timeout=120, check=False)


def history(cast, setting) -> dict:
    """A Kazakh image handed to the Belarusian head and a Belarusian statement: (item ids by party)."""
    kz = register(cast, setting).get_json()["id"]
    assert upload(cast, kz, IMAGE, name="../образ диска.bin").status_code == 201
    assert custody(cast, kz, "kz_member", type="transferred", to_user_id=cast.ids["by_head"],
                   place="Астана → Минск").status_code == 201
    by = register(cast, setting, who="by_head", party="BY", title="Банковские выписки", kind="document").get_json()
    assert upload(cast, by["id"], STATEMENT, name="выписка.csv", who="by_head").status_code == 201
    return {"KZ": kz, "BY": by["id"]}


def test_the_bundle_downloads_and_verifies_without_the_project(cast, setting, tmp_path):
    gid = setting["gid"]
    ids = history(cast, setting)
    response = export(cast, gid)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    code = cast.api.get(f"/api/v1/groups/{gid}", headers=cast.headers["kz_member"]).get_json()["code"]
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename=evidence-{code}-{utcnow().date().isoformat()}.zip"
    key = cast.api.get(f"/api/v1/groups/{gid}/ledger/checkpoint", headers=cast.headers["kz_member"]).get_json()
    folder = unzipped(response.data, tmp_path / "bundle")

    verified = run_verifier(folder, "--public-key", key["public_key"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"ledger / журнал:            evidence/{gid}" in verified.stdout
    assert "items / предметы:           2" in verified.stdout and "events / события:           5" in verified.stdout
    assert "it is the expected key" in verified.stdout

    checkpoint = json.loads((folder / "checkpoint.json").read_text(encoding="utf-8"))
    assert (checkpoint["ledger"], checkpoint["tree_size"]) == (f"evidence/{gid}", 5)
    items = json.loads((folder / "items.json").read_text(encoding="utf-8"))
    assert [(i["id"], i["number"], i["status"]) for i in items] == [(ids["KZ"], "KZ-0001", "held"),
                                                                    (ids["BY"], "BY-0001", "held")]
    assert items[0]["custodian"]["id"] == cast.ids["by_head"]
    assert items[0]["files"][0]["name"] == "образ диска.bin"  # no path from the uploaded name
    entries = [record["entry"] for record in json.loads((folder / "ledger/entries.json").read_text("utf-8"))]
    assert [(e["evidence_number"], e["type"]) for e in entries] == [
        ("KZ-0001", "registered"), ("KZ-0001", "file_attached"), ("KZ-0001", "transferred"),
        ("BY-0001", "registered"), ("BY-0001", "file_attached")]
    api_entries = cast.api.get(f"/api/v1/groups/{gid}/ledger/entries", headers=cast.headers["by_head"]).get_json()
    assert entries == [record["entry"] for record in api_entries["items"]]
    for content in (IMAGE, STATEMENT):
        assert (folder / "files" / hashlib.sha256(content).hexdigest()).read_bytes() == content
    # The zip was an anonymous temporary file: nothing of it is left in the store.
    assert list((Path(cast.app.config["JIT_EVIDENCE_DIR"]) / "exports").iterdir()) == []

    # A changed byte in a file fails the verifier, naming the file.
    image = folder / "files" / hashlib.sha256(IMAGE).hexdigest()
    changed = bytearray(image.read_bytes())
    changed[1000] ^= 1
    image.write_bytes(changed)
    tampered = run_verifier(folder, "--public-key", key["public_key"])
    assert tampered.returncode == 1
    assert f'files/{image.name} ("образ диска.bin") hashes to ' in tampered.stdout


def test_observers_of_the_group_export_too_and_outsiders_cannot_tell_it_exists(cast, setting):
    history(cast, setting)
    legal = export(cast, setting["gid"], "by_legal")
    assert legal.status_code == 200 and zipfile.ZipFile(io.BytesIO(legal.data)).testzip() is None
    for gid in (setting["gid"], 99999):
        refused = export(cast, gid, "outsider")
        assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "not_found"


def last_export_audit(cast) -> AuditEvent:
    with cast.app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.operation == "evidence.export")
                                  .order_by(AuditEvent.id.desc())).first()


def test_use_conditions_without_consent_withhold_only_that_item(cast, setting, tmp_path):
    """AGR-USE keeps an item in the group: the others are exported, the item named with its reason."""
    history(cast, setting)
    conditions = "Только для уголовного дела № 257500031000412"
    held = register(cast, setting, use_conditions=conditions).get_json()
    exported = export(cast, setting["gid"], "by_head")
    assert exported.status_code == 200, exported.get_data(as_text=True)[:500]
    assert json.loads(exported.headers["X-Withheld-Items"]) == ["KZ-0002"]
    folder = unzipped(exported.data, tmp_path / "bundle")
    items = json.loads((folder / "items.json").read_text(encoding="utf-8"))
    assert [item["number"] for item in items] == ["KZ-0001", "BY-0001"]
    reason = (f"use conditions are set ({conditions}) and no consent of KZ is on file (AGR-USE) / установлены "
              f"условия использования ({conditions}), а согласия стороны KZ нет (AGR-USE)")
    assert json.loads((folder / "withheld.json").read_text(encoding="utf-8")) == [
        {"number": "KZ-0002", "reason": reason}]
    assert f"<tr><td>KZ-0002</td><td>{reason}</td></tr>" in (folder / "report.html").read_text(encoding="utf-8")
    verified = run_verifier(folder)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert 'withheld / не выгружен: "KZ-0002"' in verified.stdout
    audited = last_export_audit(cast)
    assert (audited.outcome, audited.details["withheld"]) == ("ok", "KZ-0002")

    # Chosen alone, the item is refused, named with its conditions.
    refused = export(cast, setting["gid"], "by_head", item_ids=held["id"])
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["message"] == ("Export of the evidence refused under rule AGR-USE: KZ-0002 (KZ): use conditions "
                                "are set and no consent of the originating party is on file.")
    assert error["fields"] == {"KZ-0002": conditions}
    audited = last_export_audit(cast)
    assert (audited.outcome, audited.group_id, audited.details["rule"], audited.details["items"]) == (
        "error", setting["gid"], "AGR-USE", "KZ-0002")

    consent = cast.api.post(f"/api/v1/evidence/{held['id']}/consents", json={
        "reference": "Письмо МВД РК № 12-3/456", "dated": "2025-11-20", "scope": "Для суда"},
        headers=cast.headers["kz_head"])
    assert consent.status_code == 201, consent.get_json()
    exported = export(cast, setting["gid"], "by_head")
    assert exported.status_code == 200 and json.loads(exported.headers["X-Withheld-Items"]) == []
    items = json.loads(zipfile.ZipFile(io.BytesIO(exported.data)).read("items.json"))
    assert items[-1]["consents"] == [{"party": "KZ", "reference": "Письмо МВД РК № 12-3/456", "dated": "2025-11-20",
                                      "scope": "Для суда"}]
    report = zipfile.ZipFile(io.BytesIO(exported.data)).read("report.html").decode("utf-8")
    assert "KZ consented on 2025-11-20 (&quot;Письмо МВД РК № 12-3/456&quot;) to the use &quot;Для суда&quot;" in report


def test_one_case_or_chosen_items_export_only_those(cast, setting, tmp_path):
    ids = history(cast, setting)
    by_case = export(cast, setting["gid"], case_id=setting["cases"]["BY"])
    assert by_case.status_code == 200, by_case.get_data(as_text=True)[:500]
    folder = unzipped(by_case.data, tmp_path / "case")
    assert [i["number"] for i in json.loads((folder / "items.json").read_text("utf-8"))] == ["BY-0001"]
    records = json.loads((folder / "ledger/entries.json").read_text("utf-8"))
    assert [record.get("entry", {}).get("evidence_number") for record in records] == [None, None, None,
                                                                                      "BY-0001", "BY-0001"]
    assert not (folder / "files" / hashlib.sha256(IMAGE).hexdigest()).exists()
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "<tr><td>Case / Дело</td><td>BY № 20251640012</td></tr>" in report and "выписка.csv" in report
    assert run_verifier(folder).returncode == 0

    chosen = export(cast, setting["gid"], item_ids=[ids["KZ"]])
    folder = unzipped(chosen.data, tmp_path / "chosen")
    assert [i["number"] for i in json.loads((folder / "items.json").read_text("utf-8"))] == ["KZ-0001"]
    verified = run_verifier(folder)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert '"образ диска.bin"' in verified.stdout and "case / дело KZ № 257500031000412" in verified.stdout

    unknown = export(cast, setting["gid"], item_ids=[ids["KZ"], 99999])
    assert unknown.status_code == 404 and unknown.get_json()["error"]["fields"] == {"item_ids": "99999"}


def test_nothing_to_export_and_a_broken_store_are_refused(cast, setting):
    empty = export(cast, setting["gid"])
    assert empty.status_code == 409
    assert empty.get_json()["error"]["message"] == "No custody event has been recorded in this group yet."
    history(cast, setting)
    stored = Path(cast.app.config["JIT_EVIDENCE_DIR"])
    sha = hashlib.sha256(STATEMENT).hexdigest()
    (stored / sha[:2] / sha).write_bytes(b"altered in the store")
    broken = export(cast, setting["gid"])
    assert broken.status_code == 409
    error = broken.get_json()["error"]
    assert error["code"] == "evidence_broken"
    assert f"files/{sha} " in error["message"] and "its content was changed" in error["message"]
    assert list((stored / "exports").iterdir()) == []

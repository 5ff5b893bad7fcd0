"""Evidence through the API: registration, files, the chain of custody, AGR-USE and the ledger."""

from __future__ import annotations

import base64
import hashlib
import io
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from jit import ledger
from jit.extensions import db
from jit.models import AuditEvent, CustodyEvent, EvidenceFile
from jit.services import evidence, files
from tests.conftest import wait_until
from tests.evidence_support import custody, evidence_group, register, upload
from tests.groups_support import make_cast

CONTENT = "Выписка по счёту KZ12 3456 7890\n".encode() * 300


@pytest.fixture
def app(make_app, tmp_path):
    """Files of each test in a store of their own (tests count and alter stored files)."""
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def _error(response, status, code=None):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    if code:
        assert error["code"] == code
    return error


def _stored_files(app) -> list:
    root = Path(app.config["JIT_EVIDENCE_DIR"])
    return sorted(str(path) for path in root.rglob("*") if path.is_file())


def _events(cast, eid, who="kz_member") -> list[dict]:
    response = cast.api.get(f"/api/v1/evidence/{eid}/custody", headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_register_upload_transfer_across_the_border(cast, setting):
    first = register(cast, setting)
    assert first.status_code == 201, first.get_json()
    item = first.get_json()
    assert (item["number"], item["party"], item["team_id"]) == ("KZ-0001", "KZ", setting["teams"]["KZ"])
    assert (item["custodian"]["id"], item["status"], item["files"]) == (cast.ids["kz_member"], "held", [])
    assert item["obtained_at"] == "2025-11-11T08:30:00+00:00"
    assert register(cast, setting).get_json()["number"] == "KZ-0002"
    assert register(cast, setting, who="by_head", party="BY").get_json()["number"] == "BY-0001"

    stored = upload(cast, item["id"], CONTENT, name="выписка.csv")
    assert stored.status_code == 201, stored.get_json()
    digest = hashlib.sha256(CONTENT).hexdigest()
    assert {k: stored.get_json()[k] for k in ("name", "size", "sha256")} == {
        "name": "выписка.csv", "size": len(CONTENT), "sha256": digest}
    download = cast.api.get(f"/api/v1/evidence/{item['id']}/files/{stored.get_json()['id']}",
                            headers=cast.headers["by_head"])
    assert download.status_code == 200
    assert download.data == CONTENT
    assert download.headers["Digest"] == "sha-256=" + base64.b64encode(hashlib.sha256(CONTENT).digest()).decode()

    instruction = cast.api.post(f"/api/v1/groups/{setting['gid']}/instructions", json={
        "from_team_id": setting["teams"]["BY"], "to_team_id": setting["teams"]["KZ"],
        "case_id": setting["cases"]["BY"], "actions": ["Изъять образ диска"], "due_on": "2099-01-01",
        "body": "Прошу"}, headers=cast.headers["by_head"]).get_json()
    moved = custody(cast, item["id"], "kz_member", type="transferred", to_user_id=cast.ids["by_head"],
                    place="Астана → Минск, дипломатическая почта", note="Передано по поручению",
                    instruction_id=instruction["id"])
    assert moved.status_code == 201, moved.get_json()
    event = moved.get_json()
    assert (event["seq"], event["type"], event["from"]["id"], event["to"]["id"]) == (
        3, "transferred", cast.ids["kz_member"], cast.ids["by_head"])
    assert (event["sha256s"], event["instruction_id"]) == ([digest], instruction["id"])
    # The custodian is derived from the chain: the Kazakh member no longer holds the item.
    _error(custody(cast, item["id"], "kz_member", type="sealed", place="Астана"), 403)
    sealed = custody(cast, item["id"], "by_head", type="sealed", place="Минск", note="Опечатано печатью № 5")
    assert sealed.status_code == 201, sealed.get_json()
    _error(upload(cast, item["id"], b"late", who="by_head"), 409)
    examined = custody(cast, item["id"], "kz_member", type="examined", place="Минск", note="Осмотр упаковки")
    assert examined.status_code == 201
    read = cast.api.get(f"/api/v1/evidence/{item['id']}", headers=cast.headers["by_legal"]).get_json()
    assert (read["custodian"]["id"], read["status"], read["case_id"]) == (
        cast.ids["by_head"], "sealed", setting["cases"]["KZ"])
    assert [e["type"] for e in _events(cast, item["id"])] == [
        "registered", "file_attached", "transferred", "sealed", "examined"]
    assert [e["leaf_index"] for e in _events(cast, item["id"])] == [0, 3, 4, 5, 6]  # after KZ-0002 and BY-0001


def test_every_entry_has_the_contract_shape(cast, setting):
    item = register(cast, setting, use_conditions="Не использовать в иных делах без согласия").get_json()
    upload(cast, item["id"], b"")
    entries = cast.api.get(f"/api/v1/groups/{setting['gid']}/ledger/entries?start=0&end=10",
                           headers=cast.headers["kz_head"]).get_json()["items"]
    assert [e["leaf_index"] for e in entries] == [0, 1]
    registered, attached = (e["entry"] for e in entries)
    assert set(registered) == {"v", "ledger", "group_id", "evidence_id", "evidence_number", "seq", "type", "actor",
                               "from", "to", "at", "time_zone", "place", "note", "sha256s", "file", "refers_to",
                               "instruction_id", "verified", "item"}
    person = {"id": cast.ids["kz_member"], "username": cast.people["kz_member"].username,
              "full_name": cast.people["kz_member"].full_name}
    assert registered["ledger"] == f"evidence/{setting['gid']}"
    assert (registered["v"], registered["seq"], registered["type"], registered["from"], registered["to"]) == (
        1, 1, "registered", None, person)
    assert registered["item"]["use_conditions"] == "Не использовать в иных делах без согласия"
    assert registered["item"]["obtained_by"] == person
    assert registered["item"]["originating_party"] == "KZ"
    empty = hashlib.sha256(b"").hexdigest()
    assert attached["file"] == {"name": "образ.bin", "size": 0, "sha256": empty}
    assert (attached["sha256s"], attached["from"], attached["to"], attached["item"]) == ([empty], person, person, None)
    assert attached["at"].endswith("+00:00")


def test_ledger_proofs_verify_against_the_signed_checkpoint(cast, setting):
    for _ in range(3):
        eid = register(cast, setting).get_json()["id"]
        upload(cast, eid, CONTENT)
    gid, headers = setting["gid"], cast.headers["by_legal"]
    head = cast.api.get(f"/api/v1/groups/{gid}/ledger/checkpoint", headers=headers).get_json()
    assert head["tree_size"] == 6
    assert ledger.verify_checkpoint(bytes.fromhex(head["public_key"]), f"evidence/{gid}", head["tree_size"],
                                    head["root_hash"], head["signed_at"], head["signature"])
    # Unchanged ledger: the same signed head, not a new signature per request.
    assert cast.api.get(f"/api/v1/groups/{gid}/ledger/checkpoint", headers=headers).get_json() == head
    entries = cast.api.get(f"/api/v1/groups/{gid}/ledger/entries", headers=headers).get_json()["items"]
    for item in entries:
        proof = cast.api.get(f"/api/v1/groups/{gid}/ledger/inclusion?leaf_index={item['leaf_index']}&tree_size=6",
                             headers=headers).get_json()
        leaf = ledger.leaf_hash(ledger.canonical(item["entry"]))
        assert proof["leaf_hash"] == leaf.hex()
        assert ledger.verify_inclusion(leaf, item["leaf_index"], 6, [bytes.fromhex(p) for p in proof["path"]],
                                       bytes.fromhex(head["root_hash"]))
    old_root = ledger.merkle_root([ledger.leaf_hash(ledger.canonical(e["entry"])) for e in entries[:4]])
    proof = cast.api.get(f"/api/v1/groups/{gid}/ledger/consistency?first=4&second=6", headers=headers).get_json()
    assert ledger.verify_consistency(4, 6, old_root, bytes.fromhex(head["root_hash"]),
                                     [bytes.fromhex(p) for p in proof["path"]])
    # A proof that cannot exist is not found; `fields` says why (the sizes themselves are well-formed).
    _error(cast.api.get(f"/api/v1/groups/{gid}/ledger/inclusion?leaf_index=0&tree_size=7", headers=headers),
           404, "not_found")
    for path in ("ledger/checkpoint", "ledger/entries", "ledger/inclusion?leaf_index=0&tree_size=1",
                 "ledger/consistency?first=1&second=2", "evidence", "evidence/verification"):
        _error(cast.api.get(f"/api/v1/groups/{gid}/{path}", headers=cast.headers["outsider"]), 404, "not_found")


def test_bad_input_is_refused(cast, setting, make_app):
    item = register(cast, setting).get_json()
    eid = item["id"]
    assert _error(custody(cast, eid, "kz_member", type="transferred", to_user_id=cast.ids["outsider"]),
                  422, "invalid")["fields"]["to_user_id"]
    _error(custody(cast, eid, "kz_member", type="transferred", to_user_id=cast.ids["kz_member"]), 422)
    _error(custody(cast, eid, "kz_member", type="transferred"), 422)
    _error(custody(cast, eid, "kz_member", type="registered"), 422)
    _error(custody(cast, eid, "kz_member", type="examined", refers_to=1), 422)
    assert "refers_to" in _error(custody(cast, eid, "kz_member", type="correction", refers_to=5,
                                         note="x"), 422)["fields"]
    _error(custody(cast, eid, "kz_member", type="correction", refers_to=1), 422)  # says nothing
    corrected = custody(cast, eid, "kz_member", type="correction", refers_to=1,
                        note="Место изъятия: ул. Абая, 12, а не 10")
    assert (corrected.status_code, corrected.get_json()["refers_to"]) == (201, 1)
    _error(custody(cast, eid, "kz_member", type="examined", instruction_id=999999), 422)
    other_group_case = {"case_id": 999999}
    assert "case_id" in _error(register(cast, setting, **other_group_case), 422)["fields"]
    assert "obtained_at" in _error(register(cast, setting, obtained_at="2999-01-01T00:00:00+00:00"), 422)["fields"]
    assert "kind" in _error(register(cast, setting, kind="weapon"), 422)["fields"]
    # Observers read but do not record; the group head is not in a team, so registers nothing.
    assert cast.api.get(f"/api/v1/evidence/{eid}", headers=cast.headers["by_legal"]).status_code == 200
    _error(custody(cast, eid, "by_legal", type="examined"), 403)
    _error(register(cast, setting, who="creator"), 403)
    # Outsiders learn nothing, not even that the item exists.
    for path in (f"evidence/{eid}", f"evidence/{eid}/custody", f"evidence/{eid}/files/1"):
        _error(cast.api.get(f"/api/v1/{path}", headers=cast.headers["outsider"]), 404, "not_found")
    _error(custody(cast, eid, "outsider", type="examined"), 404)
    _error(upload(cast, eid, b"x", who="outsider"), 404)


def test_custody_events_cannot_be_edited_or_deleted_through_any_door(cast, setting):
    eid = register(cast, setting).get_json()["id"]
    headers = cast.headers["kz_member"]
    for method in ("put", "patch", "delete"):
        assert getattr(cast.api, method)(f"/api/v1/evidence/{eid}/custody", json={}, headers=headers).status_code == 405
        assert getattr(cast.api, method)(f"/api/v1/evidence/{eid}/custody/1", json={},
                                         headers=headers).status_code == 404
    changers = [name for name in dir(evidence) if name.split("_")[0] in ("update", "edit", "delete", "remove")]
    assert changers == []
    assert [e["type"] for e in _events(cast, eid)] == ["registered"]


def test_use_conditions_keep_an_item_in_the_group_until_consent(cast, setting):
    app = cast.app
    item = register(cast, setting, use_conditions="Только для уголовного дела № 257500031000412").get_json()
    assert item["may_leave_group"] is False
    refused = _error(custody(cast, item["id"], "kz_member", type="transferred", to_external="Суд г. Минска",
                             place="Минск"), 409, "conflict")
    assert "AGR-USE" in refused["message"]
    with app.app_context():
        audited = db.session.scalars(select(AuditEvent).where(
            AuditEvent.operation == "evidence.custody_record").order_by(AuditEvent.id.desc())).first()
        assert (audited.outcome, audited.details["code"], audited.object_id) == ("error", "conflict", str(item["id"]))
    # Inside the group it moves freely.
    assert custody(cast, item["id"], "kz_member", type="transferred", to_user_id=cast.ids["by_head"]).status_code == 201
    consent = {"reference": "Письмо МВД РК № 12-3/456", "dated": "2025-11-20", "scope": "Для суда"}
    _error(cast.api.post(f"/api/v1/evidence/{item['id']}/consents", json=consent, headers=cast.headers["by_head"]),
           403)
    recorded = cast.api.post(f"/api/v1/evidence/{item['id']}/consents", json=consent,
                             headers=cast.headers["kz_head"])
    assert recorded.status_code == 201, recorded.get_json()
    assert recorded.get_json()["party"] == "KZ"
    handed = custody(cast, item["id"], "by_head", type="transferred", to_external="Суд г. Минска", place="Минск")
    assert handed.status_code == 201, handed.get_json()
    assert (handed.get_json()["to"], handed.get_json()["to_external"]) == (None, "Суд г. Минска")
    read = cast.api.get(f"/api/v1/evidence/{item['id']}", headers=cast.headers["kz_head"]).get_json()
    assert (read["custodian"], read["status"], read["may_leave_group"]) == (None, "handed_over", True)
    # Nobody holds it inside the group now: only the group head can take it back.
    _error(custody(cast, item["id"], "by_head", type="transferred", to_user_id=cast.ids["kz_head"]), 403)
    back = custody(cast, item["id"], "creator", type="transferred", to_user_id=cast.ids["kz_head"])
    assert back.status_code == 201, back.get_json()


def test_files_empty_identical_and_awkward_names(cast, setting):
    app = cast.app
    eid = register(cast, setting).get_json()["id"]
    empty = upload(cast, eid, b"", name="пусто.txt").get_json()
    assert (empty["size"], empty["sha256"]) == (0, hashlib.sha256(b"").hexdigest())
    before = _stored_files(app)
    one = upload(cast, eid, CONTENT, name="../../etc/passwd").get_json()
    two = upload(cast, eid, CONTENT, name="..\\..\\Протокол <осмотра> & «выписка».txt").get_json()
    assert one["sha256"] == two["sha256"] and one["id"] != two["id"]
    assert len(_stored_files(app)) == len(before) + 1  # stored once
    # Names are data, never paths: no separator survives (the multipart quoting eats backslashes).
    assert one["name"] == "passwd"
    assert two["name"].endswith("Протокол <осмотра> & «выписка».txt")
    assert not {"/", "\\"} & set(two["name"])
    assert _error(upload(cast, eid, b"x", name=".."), 422)["fields"]["file"]
    events = _events(cast, eid)
    assert [e["type"] for e in events] == ["registered", "file_attached", "file_attached", "file_attached"]
    assert events[-1]["sha256s"] == sorted([one["sha256"], one["sha256"], empty["sha256"]])
    verified = cast.api.post(f"/api/v1/evidence/{eid}/verify", json={"place": "Алматы"},
                             headers=cast.headers["kz_head"])
    assert (verified.status_code, verified.get_json()["verified"]) == (201, True)
    with app.app_context():
        path = files.content_store().path(one["sha256"])
    path.write_bytes(b"X" + path.read_bytes()[1:])
    tampered = cast.api.post(f"/api/v1/evidence/{eid}/verify", json={}, headers=cast.headers["kz_head"]).get_json()
    assert (tampered["type"], tampered["verified"]) == ("hash_verified", False)
    report = cast.api.get(f"/api/v1/groups/{setting['gid']}/evidence/verification",
                          headers=cast.headers["kz_head"]).get_json()
    assert report["ok"] is False
    assert "passwd" in report["problem"] and one["sha256"] in report["problem"]


def test_a_raw_body_upload_streams_the_same_way(cast, setting):
    eid = register(cast, setting).get_json()["id"]
    url = f"/api/v1/evidence/{eid}/files/raw?name=../образ диска.E01&place=Алматы"
    stored = cast.api.post(url, data=CONTENT, content_type="application/octet-stream",
                           headers=cast.headers["kz_member"])
    assert stored.status_code == 201, stored.get_json()
    assert (stored.get_json()["name"], stored.get_json()["sha256"]) == (
        "образ диска.E01", hashlib.sha256(CONTENT).hexdigest())
    assert _events(cast, eid)[-1]["place"] == "Алматы"
    _error(cast.api.post(f"/api/v1/evidence/{eid}/files/raw", data=b"x", headers=cast.headers["kz_member"]), 422)


def test_register_lists_by_case_party_kind_and_custodian(cast, setting):
    kz = register(cast, setting).get_json()
    by = register(cast, setting, who="by_head", party="BY", kind="statement").get_json()
    custody(cast, kz["id"], "kz_member", type="transferred", to_user_id=cast.ids["by_head"])
    gid, headers = setting["gid"], cast.headers["by_legal"]

    def numbers(query: str) -> list[str]:
        response = cast.api.get(f"/api/v1/groups/{gid}/evidence?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [item["number"] for item in response.get_json()["items"]]

    assert numbers("") == ["KZ-0001", "BY-0001"]
    assert numbers("party=BY") == ["BY-0001"]
    assert numbers(f"case_id={setting['cases']['KZ']}") == ["KZ-0001"]
    assert numbers("kind=statement") == ["BY-0001"]
    assert numbers(f"custodian_id={cast.ids['by_head']}") == ["KZ-0001", "BY-0001"]
    assert numbers(f"custodian_id={cast.ids['kz_member']}") == []
    page = cast.api.get(f"/api/v1/groups/{gid}/evidence?limit=1", headers=headers).get_json()
    assert [i["number"] for i in page["items"]] == ["KZ-0001"] and page["next_cursor"]
    rest = cast.api.get(f"/api/v1/groups/{gid}/evidence?limit=1&cursor={page['next_cursor']}", headers=headers)
    assert [i["number"] for i in rest.get_json()["items"]] == ["BY-0001"]
    assert by["kind"] == "statement"
    _error(cast.api.get(f"/api/v1/groups/{gid}/evidence?kind=weapon", headers=headers), 422)


@pytest.fixture
def small_limit_cast(make_app, tmp_path):
    app = make_app(JIT_MAX_UPLOAD_BYTES=1000, MAX_CONTENT_LENGTH=1000 + 64 * 1024,
                   JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))
    return make_cast(app)


def _attached(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(EvidenceFile.id))) + db.session.scalar(
            select(func.count(CustodyEvent.id)).where(CustodyEvent.type == "file_attached"))


def test_uploads_over_the_limit_keep_nothing(small_limit_cast):
    cast = small_limit_cast
    setting = evidence_group(cast)
    eid = register(cast, setting).get_json()["id"]
    before = _stored_files(cast.app)
    # Over the per-file limit, the whole request still under MAX_CONTENT_LENGTH: found while streaming.
    _error(upload(cast, eid, b"x" * 1001), 413, "too_large")
    # Declared length over MAX_CONTENT_LENGTH: refused before the body is read, in the API's format.
    huge = cast.api.post(f"/api/v1/evidence/{eid}/files", input_stream=io.BytesIO(b""),
                         content_type="multipart/form-data; boundary=x", headers=cast.headers["kz_member"],
                         environ_overrides={"CONTENT_LENGTH": str(10**9)})
    _error(huge, 413, "too_large")
    # Length unknown (chunked): cut at the limit while streaming.
    body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n" + b"y" * 5000
    chunked = cast.api.post(f"/api/v1/evidence/{eid}/files", input_stream=io.BytesIO(body + b"\r\n--b--\r\n"),
                            content_type="multipart/form-data; boundary=b", headers=cast.headers["kz_member"],
                            environ_overrides={"wsgi.input_terminated": True})
    _error(chunked, 413, "too_large")
    assert upload(cast, eid, b"z" * 1000).status_code == 201  # at the limit exactly
    assert len(_stored_files(cast.app)) == len(before) + 1
    assert _attached(cast.app) == 2


def test_a_cut_off_upload_keeps_nothing(cast, setting, live_server):
    eid = register(cast, setting).get_json()["id"]
    before, attached = _stored_files(cast.app), _attached(cast.app)
    head = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n"
    incoming = Path(cast.app.config["JIT_EVIDENCE_DIR"]) / "incoming"
    address = urlsplit(live_server)
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(
            f"POST /api/v1/evidence/{eid}/files HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: {cast.headers['kz_member']['Authorization']}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000\r\n\r\n".encode()
            + head + b"q" * 3_000_000)  # more than the body is read in at a time (1 MiB)
        assert wait_until(lambda: list(incoming.glob("*")))  # the part is streaming into the store...
    assert wait_until(lambda: not list(incoming.glob("*")))  # ...and is gone once the client has gone
    assert _stored_files(cast.app) == before
    assert _attached(cast.app) == attached
    assert [e["type"] for e in _events(cast, eid)] == ["registered"]

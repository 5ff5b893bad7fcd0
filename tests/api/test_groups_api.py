"""Groups through the API: the whole lifecycle, need-to-know, and every refusal naming its reason."""

from __future__ import annotations

from datetime import timedelta

from tests.groups_support import TITLE, TODAY, activate, create_group, document_body, file_document, form_teams, move


def test_whole_lifecycle(client, cast):
    group = create_group(cast)
    assert (group["status"], group["version"], group["head"], group["teams"]) == ("draft", 1, None, [])
    assert group["code"].startswith(f"JIG-{TODAY.year}-")

    refused = move(cast, group, "requested")
    assert refused.status_code == 409
    assert list(refused.get_json()["error"]["fields"]) == ["creation_request"]

    group = activate(cast)
    assert group["status"] == "active"
    assert group["head"]["id"] == cast.ids["creator"]
    assert {team["party"]: team["national_head"]["id"] for team in group["teams"]} == {
        "BY": cast.ids["by_head"], "KZ": cast.ids["kz_head"]}

    group = move(cast, group, "suspended").get_json()
    group = move(cast, group, "active").get_json()
    no_decision = move(cast, group, "closed")
    assert (no_decision.status_code, list(no_decision.get_json()["error"]["fields"])) == (
        409, ["termination_decision"])
    client.post(f"/api/v1/groups/{group['id']}/documents", json=document_body(cast, "terminate", "BY"),
                headers=cast.headers["creator"])
    closed = move(cast, group, "closed")
    assert closed.get_json()["status"] == "closed"

    read_only = client.patch(f"/api/v1/groups/{group['id']}", json={"title": "X", "version": closed.get_json()[
        "version"]}, headers=cast.headers["creator"])
    assert (read_only.status_code, read_only.get_json()["error"]["code"]) == (409, "group_closed")
    timeline = client.get(f"/api/v1/groups/{group['id']}/timeline", headers=cast.headers["creator"]).get_json()
    moves = [(e["details"]["from"], e["details"]["to"]) for e in timeline["items"] if e["kind"] == "transitioned"]
    assert moves == [("draft", "requested"), ("requested", "active"), ("active", "suspended"),
                     ("suspended", "active"), ("active", "closed")]


def test_activation_lists_every_unmet_condition_in_both_languages(client, cast):
    group = create_group(cast, ends_on=None)
    client.post(f"/api/v1/groups/{group['id']}/documents", json=document_body(cast, None, "BY"),
                headers=cast.headers["creator"])
    group = move(cast, group, "requested").get_json()
    english = client.post(f"/api/v1/groups/{group['id']}/transitions", json={"to": "active", "version": group[
        "version"]}, headers={**cast.headers["creator"], "Accept-Language": "en"}).get_json()["error"]
    assert set(english["fields"]) == {"composition", "head", "term"}
    assert "At least two national teams" in english["message"]
    russian = client.post(f"/api/v1/groups/{group['id']}/transitions", json={"to": "active", "version": group[
        "version"]}, headers={**cast.headers["creator"], "Accept-Language": "ru"}).get_json()["error"]
    assert "Не назначен руководитель группы" in russian["message"]


def test_a_group_of_one_party_cannot_become_active(client, cast):
    group = create_group(cast)
    gid = group["id"]
    file_document(cast, gid, None, "BY")
    group = move(cast, group, "requested").get_json()
    client.post(f"/api/v1/groups/{gid}/teams", json={"party": "BY", "authority_id": cast.ids["ic_by"],
                                                     "national_head_id": cast.ids["by_head"]},
                headers=cast.headers["creator"])
    for decision, extra in (("create", {}), ("appoint_head", {"head_id": cast.ids["creator"]})):
        client.post(f"/api/v1/groups/{gid}/documents", json=document_body(cast, decision, "BY", **extra),
                    headers=cast.headers["creator"])
    group = client.get(f"/api/v1/groups/{gid}", headers=cast.headers["creator"]).get_json()
    assert list(move(cast, group, "active").get_json()["error"]["fields"]) == ["composition"]


def test_stale_version_is_a_conflict(client, cast):
    group = create_group(cast)
    changed = client.patch(f"/api/v1/groups/{group['id']}", json={"title": "Новое название", "version": 1},
                           headers=cast.headers["creator"])
    assert changed.get_json()["version"] == 2
    stale = client.patch(f"/api/v1/groups/{group['id']}", json={"title": "Другое", "version": 1},
                         headers=cast.headers["creator"])
    assert (stale.status_code, stale.get_json()["error"]["code"]) == (409, "conflict")
    assert move(cast, {**group, "version": 1}, "requested").status_code == 409


def test_decision_from_an_authority_not_central_is_refused_with_the_reason(client, cast):
    group = create_group(cast)
    form_teams(cast, group["id"])
    body = document_body(cast, "create", "KZ", authority_id=cast.ids["competent_kz"])
    english = {**cast.headers["creator"], "Accept-Language": "en"}
    response = client.post(f"/api/v1/groups/{group['id']}/documents", json=body, headers=english)
    assert response.status_code == 422
    assert "central competent authority" in response.get_json()["error"]["fields"]["authority_id"]
    before_listing = document_body(cast, None, "KZ", dated="2016-01-01")
    response = client.post(f"/api/v1/groups/{group['id']}/documents", json=before_listing, headers=english)
    assert "Art. 11 list on 2016-01-01" in response.get_json()["error"]["fields"]["authority_id"]


def test_membership_rules(client, cast):
    group = activate(cast)
    gid = group["id"]
    by_team, kz_team = (next(t["id"] for t in group["teams"] if t["party"] == p) for p in ("BY", "KZ"))
    # a national head adds to their own team, not to another's
    added = client.post(f"/api/v1/groups/{gid}/members", json={"user_id": cast.ids["kz_member"], "team_id": kz_team},
                        headers=cast.headers["kz_head"])
    assert added.status_code == 201
    other_team = client.post(f"/api/v1/groups/{gid}/members", json={"user_id": cast.ids["outsider"],
                                                                     "team_id": by_team},
                             headers=cast.headers["kz_head"])
    assert other_team.status_code == 403
    twice = client.post(f"/api/v1/groups/{gid}/members", json={"user_id": cast.ids["kz_member"], "team_id": by_team},
                        headers=cast.headers["creator"])
    assert (twice.status_code, list(twice.get_json()["error"]["fields"])) == (409, ["user_id"])
    last_head = client.delete(f"/api/v1/groups/{gid}/members/{cast.ids['kz_head']}", headers=cast.headers["creator"])
    assert (last_head.status_code, last_head.get_json()["error"]["code"]) == (409, "national_head_required")
    # removal ends access at once
    assert client.get(f"/api/v1/groups/{gid}", headers=cast.headers["kz_member"]).status_code == 200
    assert client.delete(f"/api/v1/groups/{gid}/members/{cast.ids['kz_member']}",
                         headers=cast.headers["kz_head"]).status_code == 204
    assert client.get(f"/api/v1/groups/{gid}", headers=cast.headers["kz_member"]).status_code == 404


def test_outsiders_learn_nothing(client, cast):
    group = activate(cast)
    gid = group["id"]
    outsider = cast.headers["outsider"]
    assert client.get("/api/v1/groups", headers=outsider).get_json()["items"] == []
    for method, path, body in [
        ("get", f"/api/v1/groups/{gid}", None), ("patch", f"/api/v1/groups/{gid}", {"title": "x", "version": 1}),
        ("post", f"/api/v1/groups/{gid}/members", {"user_id": cast.ids["outsider"], "team_id": 1}),
        ("delete", f"/api/v1/groups/{gid}/members/{cast.ids['by_head']}", None),
        ("post", f"/api/v1/groups/{gid}/transitions", {"to": "suspended", "version": group["version"]}),
        ("get", f"/api/v1/groups/{gid}/cases", None), ("get", f"/api/v1/groups/{gid}/timeline", None),
    ]:
        existing = getattr(client, method)(path, json=body, headers=outsider)
        missing = getattr(client, method)(path.replace(f"/groups/{gid}", "/groups/99999"), json=body,
                                          headers=outsider)
        assert existing.status_code == missing.status_code == 404, path
        assert existing.get_json() == missing.get_json()


def test_legal_officer_of_a_participating_party_reads_but_does_not_change(client, cast):
    group = activate(cast)
    legal = cast.headers["by_legal"]
    assert [g["id"] for g in client.get("/api/v1/groups", headers=legal).get_json()["items"]] == [group["id"]]
    assert client.get(f"/api/v1/groups/{group['id']}", headers=legal).status_code == 200
    response = client.post(f"/api/v1/groups/{group['id']}/transitions",
                           json={"to": "suspended", "version": group["version"]}, headers=legal)
    assert response.status_code == 403


def test_cases_and_cyrillic_round_trip(client, cast):
    group = activate(cast)
    case = {"party": "BY", "number": "№ 21-2025-000123", "opened_on": "2025-02-14",
            "articles": "ст. 212 ч. 4 УК Республики Беларусь", "summary": "Хищение путём модификации "
            "компьютерной информации", "handling_investigator_id": cast.ids["by_head"]}
    created = client.post(f"/api/v1/groups/{group['id']}/cases", json=case, headers=cast.headers["by_head"])
    assert created.status_code == 201
    listed = client.get(f"/api/v1/groups/{group['id']}/cases", headers=cast.headers["kz_head"]).get_json()["items"]
    assert [(c["number"], c["articles"], c["summary"]) for c in listed] == [
        (case["number"], case["articles"], case["summary"])]
    again = client.post(f"/api/v1/groups/{group['id']}/cases", json=case, headers=cast.headers["by_head"])
    assert again.status_code == 409
    wrong_team = client.post(f"/api/v1/groups/{group['id']}/cases", json={**case, "number": "2",
                                                                          "handling_investigator_id":
                                                                          cast.ids["kz_head"]},
                             headers=cast.headers["by_head"])
    assert list(wrong_team.get_json()["error"]["fields"]) == ["handling_investigator_id"]
    fetched = client.get(f"/api/v1/groups/{group['id']}", headers=cast.headers["kz_head"]).get_json()
    assert fetched["title"] == TITLE


def test_extension_moves_the_term_once_every_party_decided(client, cast):
    group = activate(cast)
    new_end = (TODAY + timedelta(days=365)).isoformat()
    client.post(f"/api/v1/groups/{group['id']}/documents", json=document_body(cast, "extend", "BY", new_end=new_end),
                headers=cast.headers["creator"])
    assert client.get(f"/api/v1/groups/{group['id']}", headers=cast.headers["creator"]).get_json()[
        "ends_on"] == group["ends_on"]
    client.post(f"/api/v1/groups/{group['id']}/documents", json=document_body(cast, "extend", "KZ", new_end=new_end),
                headers=cast.headers["creator"])
    assert client.get(f"/api/v1/groups/{group['id']}", headers=cast.headers["creator"]).get_json()[
        "ends_on"] == new_end
    timeline = client.get(f"/api/v1/groups/{group['id']}/timeline", headers=cast.headers["creator"]).get_json()
    [extension] = [e["details"] for e in timeline["items"] if e["kind"] == "term_extended"]
    assert extension == {"previous_end": group["ends_on"], "new_end": new_end}


def test_a_decision_file_is_stored_under_its_hash_and_served_with_a_digest(client, cast):
    import base64
    import hashlib
    import io

    group = create_group(cast)
    document = file_document(cast, group["id"], None, "BY")
    content = "Запрос о создании ССОГ, подписан".encode() * 1000
    url = f"/api/v1/documents/{document['id']}/file"
    response = client.post(url, data={"file": (io.BytesIO(content), "запрос.pdf")},
                           headers=cast.headers["creator"], content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    digest = hashlib.sha256(content).hexdigest()
    assert (response.get_json()["file_sha256"], response.get_json()["file_size"]) == (digest, len(content))
    download = client.get(url, headers=cast.headers["creator"])
    assert download.data == content
    assert download.headers["Digest"] == "sha-256=" + base64.b64encode(bytes.fromhex(digest)).decode()
    again = client.post(url, data={"file": (io.BytesIO(b"other"), "x.pdf")}, headers=cast.headers["creator"],
                        content_type="multipart/form-data")
    assert again.status_code == 409
    outsider = client.get(url, headers=cast.headers["outsider"])
    assert outsider.status_code == 404


def test_an_oversized_file_is_refused_and_nothing_is_kept(make_app, tmp_path):
    import io

    evidence = tmp_path / "files"
    app = make_app(JIT_MAX_UPLOAD_BYTES=1000, MAX_CONTENT_LENGTH=10_000, JIT_EVIDENCE_DIR=str(evidence))
    client = app.test_client()
    from tests.groups_support import make_cast

    cast = make_cast(app)
    group = create_group(cast)
    document = file_document(cast, group["id"], None, "BY")
    url = f"/api/v1/documents/{document['id']}/file"
    # Declared too long: refused before the body is read.
    huge = client.post(url, data={"file": (io.BytesIO(b"x" * 20_000), "big.pdf")}, headers=cast.headers["creator"],
                       content_type="multipart/form-data")
    assert (huge.status_code, huge.get_json()["error"]["code"]) == (413, "too_large")
    # Within the request limit but over the file limit: streamed, then refused, nothing kept.
    over = client.post(url, data={"file": (io.BytesIO(b"x" * 5_000), "big.pdf")}, headers=cast.headers["creator"],
                       content_type="multipart/form-data")
    assert (over.status_code, over.get_json()["error"]["code"]) == (413, "too_large")
    kept = [path for path in evidence.rglob("*") if path.is_file()] if evidence.exists() else []
    assert kept == []
    after = client.get(f"/api/v1/groups/{group['id']}/timeline", headers=cast.headers["creator"]).get_json()
    assert "document_file_attached" not in [event["kind"] for event in after["items"]]

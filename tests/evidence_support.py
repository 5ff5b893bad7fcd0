"""An active Belarus–Kazakhstan group with a case per party and a Kazakh member, for evidence tests
(built through the API, as tests/groups_support.py builds groups)."""

from __future__ import annotations

import io

from tests.groups_support import Cast, activate

OBTAINED = "2025-11-11T14:30:00+06:00"


def evidence_group(cast: Cast) -> dict:
    group = activate(cast)
    gid = group["id"]
    teams = {team["party"]: team["id"] for team in group["teams"]}
    response = cast.api.post(f"/api/v1/groups/{gid}/members", json={
        "user_id": cast.ids["kz_member"], "team_id": teams["KZ"], "role": "member"}, headers=cast.headers["kz_head"])
    assert response.status_code == 201, response.get_json()
    cases = {}
    for party, number, head in (("BY", "№ 20251640012", "by_head"), ("KZ", "№ 257500031000412", "kz_head")):
        response = cast.api.post(f"/api/v1/groups/{gid}/cases", json={
            "party": party, "number": number, "opened_on": "2025-03-12", "articles": "ч. 4 ст. 212 УК",
            "summary": "Хищения", "handling_investigator_id": cast.ids[head]}, headers=cast.headers[head])
        assert response.status_code == 201, response.get_json()
        cases[party] = response.get_json()["id"]
    return {"gid": gid, "teams": teams, "cases": cases}


def register(cast: Cast, setting: dict, who: str = "kz_member", party: str = "KZ", **overrides):
    body = {"case_id": setting["cases"][party], "title": "Образ диска сервера", "kind": "digital_copy",
            "description": "Побитовая копия диска, изъятого при обыске", "obtained_at": OBTAINED,
            "obtained_place": "г. Алматы, ул. Абая, 10", "obtained_under": "Протокол обыска № 17", **overrides}
    return cast.api.post(f"/api/v1/groups/{setting['gid']}/evidence", json=body, headers=cast.headers[who])


def upload(cast: Cast, eid: int, content: bytes, name: str = "образ.bin", who: str = "kz_member"):
    return cast.api.post(f"/api/v1/evidence/{eid}/files", data={"file": (io.BytesIO(content), name)},
                         headers=cast.headers[who], content_type="multipart/form-data")


def custody(cast: Cast, eid: int, who: str, **body):
    return cast.api.post(f"/api/v1/evidence/{eid}/custody", json=body, headers=cast.headers[who])

"""Building groups through the API for tests: the Belarus–Kazakhstan cast and the lifecycle steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jit.models import AuthorityKind
from jit.models.types import utcnow
from tests import factories
from tests.conftest import bearer

TODAY = utcnow().date()


@dataclass
class Cast:
    headers: dict
    ids: dict


def make_cast(app, client) -> Cast:
    """Belarus and Kazakhstan with central authorities, their people, and an outsider."""
    with app.app_context():
        ic_by = factories.create_authority("BY", AuthorityKind.CENTRAL, listed_on=date(2017, 3, 1))
        mvd_kz = factories.create_authority("KZ", AuthorityKind.CENTRAL, listed_on=date(2017, 5, 15))
        competent_kz = factories.create_authority("KZ", AuthorityKind.COMPETENT, listed_on=date(2017, 5, 15))
        people = {
            "creator": factories.create_user(authority=ic_by, full_name="Виктор Соколов"),
            "by_head": factories.create_user(authority=ic_by),
            "kz_head": factories.create_user(authority=mvd_kz),
            "kz_member": factories.create_user(authority=mvd_kz),
            "outsider": factories.create_user(authority=competent_kz),
            "by_legal": factories.create_user(authority=ic_by, roles=("legal_officer",)),
        }
        ids = {"ic_by": ic_by.id, "mvd_kz": mvd_kz.id, "competent_kz": competent_kz.id,
               **{name: user.id for name, user in people.items()}}
    return Cast(headers={name: bearer(client, user) for name, user in people.items()}, ids=ids)


def document_body(cast, decision, party, **extra):
    authority = cast.ids["ic_by"] if party == "BY" else cast.ids["mvd_kz"]
    return {"kind": "decision" if decision else "creation_request", "decision": decision, "party": party,
            "authority_id": authority, "reference": f"№ {party}-{decision or 'request'}-1",
            "dated": TODAY.isoformat(), "signed_by": "Председатель", **extra}


def create_group(client, cast, **fields):
    body = {"title": "ССОГ по делу о киберпреступной организации", "purpose": "Расследование преступлений с "
            "использованием ИКТ, совершённых на территории Беларуси и Казахстана", "place_of_activity": "Минск, Астана",
            "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=180)).isoformat(), **fields}
    response = client.post("/api/v1/groups", json=body, headers=cast.headers["creator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def move(client, cast, group, to, who="creator"):
    return client.post(f"/api/v1/groups/{group['id']}/transitions", json={"to": to, "version": group["version"]},
                       headers=cast.headers[who])


def form_teams(client, cast, gid):
    for party, authority, head in (("BY", "ic_by", "by_head"), ("KZ", "mvd_kz", "kz_head")):
        response = client.post(f"/api/v1/groups/{gid}/teams", json={
            "party": party, "authority_id": cast.ids[authority], "national_head_id": cast.ids[head]},
            headers=cast.headers["creator"])
        assert response.status_code == 201, response.get_json()


def file_document(client, cast, gid, decision, party, **extra) -> dict:
    response = client.post(f"/api/v1/groups/{gid}/documents", json=document_body(cast, decision, party, **extra),
                           headers=cast.headers["creator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def activate(client, cast):
    group = create_group(client, cast)
    gid = group["id"]
    file_document(client, cast, gid, None, "BY")
    group = move(client, cast, group, "requested").get_json()
    form_teams(client, cast, gid)
    for party in ("BY", "KZ"):
        file_document(client, cast, gid, "create", party)
        file_document(client, cast, gid, "appoint_head", party, head_id=cast.ids["creator"])
    group = client.get(f"/api/v1/groups/{gid}", headers=cast.headers["creator"]).get_json()
    response = move(client, cast, group, "active")
    assert response.status_code == 200, response.get_json()
    return response.get_json()



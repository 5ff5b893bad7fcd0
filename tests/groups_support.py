"""Building groups for tests, through the API as a client would: the Belarus–Kazakhstan cast and
the lifecycle steps. Bearer calls go through a client of their own (`cast.api`), since a signed-in
browser session on the same client would take precedence over the token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jit.models import AuthorityKind
from jit.models.types import utcnow
from tests import factories
from tests.conftest import bearer, sign_in_page

TODAY = utcnow().date()
TITLE = "ССОГ по делу о киберпреступной организации «Тень»"
PURPOSE = "Расследование преступлений с использованием ИКТ,\nсовершённых на территории Беларуси и Казахстана"


@dataclass
class Cast:
    app: object
    api: object
    people: dict
    headers: dict
    ids: dict

    def browser(self, name: str):
        """A test client signed in through the login page as `name`."""
        client = self.app.test_client()
        assert sign_in_page(client, self.people[name]).status_code == 302
        return client


def make_cast(app) -> Cast:
    """Belarus and Kazakhstan with central authorities, their people, and an outsider."""
    api = app.test_client()
    with app.app_context():
        ic_by = factories.create_authority("BY", AuthorityKind.CENTRAL, listed_on=date(2017, 3, 1))
        mvd_kz = factories.create_authority("KZ", AuthorityKind.CENTRAL, listed_on=date(2017, 5, 15))
        competent_kz = factories.create_authority("KZ", AuthorityKind.COMPETENT, listed_on=date(2017, 5, 15))
        people = {
            "creator": factories.create_user(authority=ic_by, full_name="Виктор Соколов"),
            "by_head": factories.create_user(authority=ic_by, full_name="Ольга Ковалёва"),
            "kz_head": factories.create_user(authority=mvd_kz, full_name="Айдос Сейткали"),
            "kz_member": factories.create_user(authority=mvd_kz),
            "outsider": factories.create_user(authority=competent_kz),
            "by_legal": factories.create_user(authority=ic_by, roles=("legal_officer",)),
        }
        ids = {"ic_by": ic_by.id, "mvd_kz": mvd_kz.id, "competent_kz": competent_kz.id,
               **{name: user.id for name, user in people.items()}}
    headers = {name: bearer(api, user) for name, user in people.items()}
    return Cast(app=app, api=api, people=people, headers=headers, ids=ids)


def document_body(cast: Cast, decision: str | None, party: str, **extra) -> dict:
    authority = cast.ids["ic_by"] if party == "BY" else cast.ids["mvd_kz"]
    return {"kind": "decision" if decision else "creation_request", "decision": decision, "party": party,
            "authority_id": authority, "reference": f"№ {party}-{decision or 'request'}-1",
            "dated": TODAY.isoformat(), "signed_by": "Председатель", **extra}


def create_group(cast: Cast, who: str = "creator", **fields) -> dict:
    body = {"title": TITLE, "purpose": PURPOSE, "place_of_activity": "Минск, Астана",
            "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=180)).isoformat(), **fields}
    response = cast.api.post("/api/v1/groups", json=body, headers=cast.headers[who])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def read_group(cast: Cast, gid: int) -> dict:
    return cast.api.get(f"/api/v1/groups/{gid}", headers=cast.headers["creator"]).get_json()


def move(cast: Cast, group: dict, to: str, who: str = "creator"):
    """Ask for a move with the version in `group` (which may be stale on purpose); the response."""
    return cast.api.post(f"/api/v1/groups/{group['id']}/transitions", json={"to": to, "version": group["version"]},
                         headers=cast.headers[who])


def advance(cast: Cast, gid: int, to: str) -> dict:
    """Move the group with its current version, expecting success."""
    response = move(cast, read_group(cast, gid), to)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def form_teams(cast: Cast, gid: int) -> None:
    for party, authority, head in (("BY", "ic_by", "by_head"), ("KZ", "mvd_kz", "kz_head")):
        response = cast.api.post(f"/api/v1/groups/{gid}/teams", json={
            "party": party, "authority_id": cast.ids[authority], "national_head_id": cast.ids[head]},
            headers=cast.headers["creator"])
        assert response.status_code == 201, response.get_json()


def file_document(cast: Cast, gid: int, decision: str | None, party: str, **extra) -> dict:
    response = cast.api.post(f"/api/v1/groups/{gid}/documents", json=document_body(cast, decision, party, **extra),
                             headers=cast.headers["creator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def activate(cast: Cast, **fields) -> dict:
    """A group taken from draft to active: request, both teams, both parties' decisions."""
    gid = create_group(cast, **fields)["id"]
    file_document(cast, gid, None, "BY")
    advance(cast, gid, "requested")
    form_teams(cast, gid)
    for party in ("BY", "KZ"):
        file_document(cast, gid, "create", party)
        file_document(cast, gid, "appoint_head", party, head_id=cast.ids["creator"])
    return advance(cast, gid, "active")


def activate_with_case(cast: Cast) -> tuple[dict, dict[str, int], int]:
    """An active group with a Belarusian case: (group, team ids by party, case id)."""
    group = activate(cast)
    case = cast.api.post(f"/api/v1/groups/{group['id']}/cases", json={
        "party": "BY", "number": "№ 20251640012", "opened_on": "2025-03-12", "articles": "ч. 4 ст. 212 УК",
        "summary": "Хищения путём модификации компьютерной информации",
        "handling_investigator_id": cast.ids["by_head"]}, headers=cast.headers["by_head"])
    assert case.status_code == 201, case.get_json()
    return group, {team["party"]: team["id"] for team in group["teams"]}, case.get_json()["id"]

"""The legal officer's dashboard called directly, as every door calls it: its findings, counts and
pages come from the query, and must be exactly what the rules find when run on every group and
request the caller may see; each filter, the paging, who sees what, and when a group's stored check
is dropped."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jit.compliance import engine
from jit.extensions import db
from jit.models import AuthorityKind, GroupCheck, JointGroup, LegalRequest, Task, User
from jit.services import compliance, legal_requests, scope, tasks
from jit.services.errors import Forbidden, Invalid
from tests import factories
from tests.groups_support import activate
from tests.service_support import person

OVERDUE_DUE = date(2025, 5, 1)


def _request(cast, **changes) -> LegalRequest:
    values = {"direction": "outgoing", "kind": "legal_assistance", "requesting_authority_id": cast.ids["ic_by"],
              "requested_party": "KZ", "requested_authority": "МВД Республики Казахстан", "case_number": "2025001",
              "persons": [{"name": "Иванов И.И."}], "confidential": True, "substance": "Допросить свидетеля",
              "sent_on": date(2025, 3, 1), "due_on": date(2099, 1, 1), **changes}
    return legal_requests.create_request(person(cast, "by_legal"), **values)


@pytest.fixture
def world(cast) -> dict:
    """An active BY–KZ group (with a second, draft group of the creator's), and a register with each
    kind of finding: overdue requests of several ages, one tied to the group, an incoming one lacking
    its Art. 7 contents, one under a bilateral treaty where Minsk applies, and one with no finding."""
    gid = activate(cast)["id"]
    with cast.app.app_context():
        for days in (30, 10, 20):
            _request(cast, due_on=OVERDUE_DUE + timedelta(days=days))
        _request(cast, due_on=OVERDUE_DUE, group_id=gid)
        _request(cast, direction="incoming", requesting_authority_id=cast.ids["mvd_kz"], requested_party="BY",
                 persons=[], substance="", confidential=None)
        _request(cast, requested_party="AM", instrument="bilateral", instrument_reason="Двусторонний договор")
        _request(cast)
    return {"gid": gid}


def _expected(cast, actor_name: str = "by_legal") -> list:
    """What the rules find, run in Python on every group and request the caller may see."""
    actor = person(cast, actor_name)
    today = scope.today()
    found = []
    for group in db.session.scalars(select(JointGroup).order_by(JointGroup.id)):
        if compliance.authz.can_view_group(actor, group):
            found += engine.check_group(group, today)
    return found + engine.check_requests(db.session.scalars(legal_requests.visible_requests(actor)), today)


def _every_page(cast, filters=None, limit: int = 3, actor_name: str = "by_legal") -> list:
    """The findings of every page, following the cursors."""
    listed, cursor = [], None
    while True:
        board = compliance.dashboard(person(cast, actor_name), filters, limit=limit, cursor=cursor)
        listed += board.page.items
        cursor = board.page.next_cursor
        if cursor is None:
            return listed


def _keys(findings) -> Counter:
    return Counter((item.rule, item.severity, item.object_type, str(item.object_id), item.group_id)
                   for item in findings)


def test_the_counts_are_what_the_rules_find_on_every_row(cast, world):
    with cast.app.app_context():
        expected = _expected(cast)
        board = compliance.dashboard(person(cast, "by_legal"))
        severities = Counter(item.severity for item in expected)
        assert (board.total.violations, board.total.warnings) == (severities["violation"], severities["warning"])
        assert {rule: count.total for rule, count in board.by_rule.items()} == Counter(item.rule for item in expected)
        assert {group_id: count.total for group_id, count in board.by_group.items()} == Counter(
            item.group_id for item in expected)
        assert board.by_rule["MLA-OVERDUE"].warnings == 4
        assert board.by_group[world["gid"]].rules["MLA-OVERDUE"] == 1  # the request tied to the group
        assert _keys(_every_page(cast)) == _keys(expected)


@pytest.mark.parametrize(("filters", "keeps"), [
    ({"rule": "MLA-OVERDUE"}, lambda item, gid: item.rule == "MLA-OVERDUE"),
    ({"rule": "AGR-PARTY"}, lambda item, gid: item.rule == "AGR-PARTY"),
    ({"severity": "violation"}, lambda item, gid: item.severity == "violation"),
    ({"severity": "warning"}, lambda item, gid: item.severity == "warning"),
    ({"confirmed_basis": True}, lambda item, gid: item.confirmed_basis),
    ({"confirmed_basis": False}, lambda item, gid: not item.confirmed_basis),
    ({"group_id": "world"}, lambda item, gid: item.group_id == gid),
    ({"party": "AM"}, lambda item, gid: item.object_type == "legal_request" and item.object_id in
     {request.id for request in db.session.scalars(select(LegalRequest).where(LegalRequest.requested_party == "AM"))}),
])
def test_each_filter_keeps_exactly_its_findings(cast, world, filters, keeps):
    with cast.app.app_context():
        filters = {name: world["gid"] if value == "world" else value for name, value in filters.items()}
        expected = [item for item in _expected(cast) if keeps(item, world["gid"])]
        assert expected, "the world has findings of each kind"
        board = compliance.dashboard(person(cast, "by_legal"), compliance.Filters(**filters))
        assert board.total.total == len(expected)
        assert _keys(_every_page(cast, compliance.Filters(**filters))) == _keys(expected)


def test_the_party_filter_takes_the_groups_where_the_party_works(cast, world):
    with cast.app.app_context():
        kazakh = _every_page(cast, compliance.Filters(party="KZ"), limit=50)
        assert {item.group_id for item in kazakh if item.object_type != "legal_request"} == {world["gid"]}
        assert _every_page(cast, compliance.Filters(party="TM")) == []


def test_pages_run_by_severity_then_age_without_repeats(cast, world):
    with cast.app.app_context():
        listed = _every_page(cast, limit=2)
        ranks = [(compliance.SEVERITY_RANK[item.severity], item.since or date.min) for item in listed]
        assert ranks == sorted(ranks)
        overdue = [item.since for item in listed if item.rule == "MLA-OVERDUE"]
        assert overdue == [OVERDUE_DUE + timedelta(days=days) for days in (0, 10, 20, 30)]
        assert len(_keys(listed)) == len(listed)
        for cursor in ("not-a-cursor", "WzEsMl0"):  # garbage, and a list of the wrong shape
            with pytest.raises(Invalid) as refused:
                compliance.dashboard(person(cast, "by_legal"), cursor=cursor)
            assert set(refused.value.fields) == {"cursor"}
        with pytest.raises(Invalid) as refused:
            compliance.dashboard(person(cast, "by_legal"), limit=0)
        assert set(refused.value.fields) == {"limit"}


def test_a_legal_officer_sees_only_the_groups_of_their_party_and_their_own_register(cast, world):
    with cast.app.app_context():
        armenian = factories.create_authority("AM", AuthorityKind.CENTRAL)
        stranger = db.session.get(User, factories.create_user(authority=armenian, roles=("legal_officer",)).id)
        board = compliance.dashboard(stranger)
        assert (board.groups, board.total.total, board.page.items) == ([], 0, [])
        with pytest.raises(Invalid) as refused:  # as unknown as a group that does not exist
            compliance.dashboard(stranger, compliance.Filters(group_id=world["gid"]))
        assert set(refused.value.fields) == {"group_id"}
        with pytest.raises(Invalid):
            compliance.dashboard(stranger, compliance.Filters(group_id=10**6))
        with pytest.raises(Forbidden):
            compliance.dashboard(person(cast, "creator"))
        with pytest.raises(Invalid) as refused:
            compliance.dashboard(person(cast, "by_legal"), compliance.Filters(rule="NO-SUCH", severity="grave",
                                                                              party="XX"))
        assert set(refused.value.fields) == {"rule", "severity", "party"}


def _checked() -> set[int]:
    return set(db.session.scalars(select(GroupCheck.group_id)))


def test_a_group_check_is_dropped_by_a_write_in_the_group_and_by_a_new_day(cast, world, monkeypatch):
    gid = world["gid"]
    with cast.app.app_context():
        other = JointGroup(code="JIG-X-1", title="Другая", purpose="—", place_of_activity="—",
                           created_by_id=cast.ids["creator"])
        db.session.add(other)
        db.session.commit()
        other_id = other.id
        compliance.dashboard(person(cast, "by_legal"))
        admin = db.session.get(User, factories.create_user(roles=("admin",)).id)
        compliance.dashboard(admin)
        assert _checked() == {gid, other_id}
        task = tasks.create_task(person(cast, "creator"), gid, title="Допросить", assignee_ids=[cast.ids["kz_head"]])
        assert _checked() == {other_id}  # the task is the group's; the other group keeps its check
        compliance.dashboard(admin)
        tasks.add_comment(person(cast, "creator"), task.id, "Срочно")  # a comment carries only its task's id
        assert _checked() == {other_id}
        compliance.dashboard(admin)
        before = compliance.dashboard(admin).by_rule

        tomorrow = scope.today() + timedelta(days=1)
        monkeypatch.setattr(scope, "today", lambda: tomorrow)
        compliance.dashboard(admin)
        assert set(db.session.scalars(select(GroupCheck.group_id).where(GroupCheck.checked_on == tomorrow))) == {
            gid, other_id}
        assert compliance.dashboard(admin).by_rule.keys() == before.keys()

        compliance.update_rule(admin, "AGR-PARTY", version=0, enabled=False)
        assert _checked() == set()  # a rule setting bears on every group
        assert "AGR-PARTY" not in compliance.dashboard(admin).by_rule
        assert db.session.get(Task, task.id) is not None

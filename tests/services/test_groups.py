"""The group service called directly, as every door calls it: who may see and change a group, the
lifecycle's moves and what each still lacks, composition, decisions, cases, and what each step records."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import GroupStatus, JointGroup, MemberRole
from jit.services import cases, group_documents, groups
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.groups_support import PURPOSE, TITLE, TODAY, activate
from tests.service_support import audited, person, timeline

END = TODAY + timedelta(days=180)
CASE = {"party": "BY", "number": "№ 20251640012", "opened_on": TODAY - timedelta(days=30),
        "articles": "ч. 4 ст. 212 УК", "summary": "Хищения путём модификации компьютерной информации"}


def _draft(actor, **fields) -> JointGroup:
    return groups.create_group(actor, **{"title": TITLE, "purpose": PURPOSE, "place_of_activity": "Минск, Астана",
                                         "starts_on": TODAY, "ends_on": END, **fields})


def _document(cast, gid: int, decision: str | None, party: str, **fields):
    values = {"kind": "decision" if decision else "creation_request", "decision": decision, "party": party,
              "authority_id": cast.ids["ic_by" if party == "BY" else "mvd_kz"], "reference": f"№ {party}-1",
              "dated": TODAY, "signed_by": "Председатель", **fields}
    return group_documents.add_document(person(cast, "creator"), gid, **values)


def _fields(refusal: pytest.ExceptionInfo) -> set[str]:
    return set(refusal.value.fields)


@pytest.fixture
def active(cast) -> tuple[int, dict[str, int]]:
    """An active BY–KZ group headed by its creator: (group id, team ids by party)."""
    group = activate(cast)
    return group["id"], {team["party"]: team["id"] for team in group["teams"]}


def test_investigators_draft_groups_numbered_by_year_and_the_draft_is_recorded(cast):
    """Only investigators and admins draft; a draft starts at version 1 with the next JIG-year code."""
    with cast.app.app_context():
        with pytest.raises(Forbidden):
            _draft(person(cast, "by_legal"))
        first, second = _draft(person(cast, "creator")), _draft(person(cast, "by_head"))
        assert (first.status, first.version, first.head_id, first.created_by_id) == (
            GroupStatus.DRAFT, 1, None, cast.ids["creator"])
        assert (first.code, second.code) == (f"JIG-{TODAY.year}-001", f"JIG-{TODAY.year}-002")
        assert timeline(first.id) == [("created", {"code": f"JIG-{TODAY.year}-001"})]
        assert [(outcome, details.get("code")) for outcome, details in audited("group.create")] == [
            ("denied", "forbidden"), ("ok", None), ("ok", None)]


def test_a_draft_names_every_field_that_is_wrong_and_keeps_nothing(cast):
    with cast.app.app_context():
        with pytest.raises(Invalid) as refused:
            _draft(person(cast, "creator"), title="   ", purpose="я" * 20_001, place_of_activity="", ends_on=TODAY)
        assert _fields(refused) == {"title", "purpose", "place_of_activity", "ends_on"}
        assert db.session.scalar(select(func.count()).select_from(JointGroup)) == 0
        assert _draft(person(cast, "creator"), title="Я" * 300).title == "Я" * 300


def test_an_outsider_gets_not_found_exactly_as_for_a_group_that_does_not_exist(cast, active):
    """Need-to-know: every read and change answers the same for a hidden group as for a missing one."""
    gid, teams = active
    calls = [
        lambda o, g: groups.get_group(o, g), lambda o, g: cases.list_cases(o, g),
        lambda o, g: groups.transition_options(o, g),
        lambda o, g: groups.update_group(o, g, version=1, title="x"),
        lambda o, g: groups.transition(o, g, to="suspended", version=1),
        lambda o, g: groups.add_member(o, g, user_id=cast.ids["outsider"], team_id=teams["KZ"], role="member"),
        lambda o, g: groups.remove_member(o, g, cast.ids["kz_head"]),
        lambda o, g: groups.add_team(o, g, party="AM", authority_id=cast.ids["ic_by"],
                                     national_head_id=cast.ids["outsider"]),
    ]
    with cast.app.app_context():
        outsider = person(cast, "outsider")
        version, reads = db.session.get(JointGroup, gid).version, len(audited("group.read"))
        for call in calls:
            with pytest.raises(NotFound) as hidden:
                call(outsider, gid)
            with pytest.raises(NotFound) as missing:
                call(outsider, 99_999)
            assert (str(hidden.value), hidden.value.fields) == (str(missing.value), missing.value.fields)
        assert groups.list_groups(outsider).items == []
        assert db.session.get(JointGroup, gid).version == version
        assert [(outcome, details["code"]) for outcome, details in audited("group.read")[reads:]] == [
            ("denied", "not_found")] * 2


def test_the_lifecycle_moves_only_as_it_allows_and_names_what_is_missing(cast):
    with cast.app.app_context():
        creator = person(cast, "creator")
        gid = _draft(creator).id
        with pytest.raises(Conflict) as skipping:
            groups.transition(creator, gid, to="active", version=1)
        assert (skipping.value.code, _fields(skipping)) == ("conflict", {"transition"})
        with pytest.raises(Conflict) as no_request:
            groups.transition(creator, gid, to="requested", version=1)
        assert _fields(no_request) == {"creation_request"}
        with pytest.raises(Invalid) as unknown:
            groups.transition(creator, gid, to="paused", version=1)
        assert _fields(unknown) == {"to"}
        with pytest.raises(Invalid) as unversioned:
            groups.transition(creator, gid, to="requested", version=None)
        assert _fields(unversioned) == {"version"}
        _document(cast, gid, None, "BY")
        moved = groups.transition(creator, gid, to="requested", version=1, reason="  Запрос подан  ")
        assert (moved.status, moved.version) == (GroupStatus.REQUESTED, 2)
        with pytest.raises(Conflict) as stale:
            groups.transition(creator, gid, to="active", version=1)
        assert stale.value.fields == {"version": "2"}
        assert timeline(gid)[-1] == ("transitioned", {"from": "draft", "to": "requested", "reason": "Запрос подан"})
        assert [(outcome, details.get("to"), details.get("code")) for outcome, details in
                audited("group.transition")] == [
            ("error", "active", "conflict"), ("error", "requested", "conflict"), ("error", None, "invalid"),
            ("error", None, "invalid"), ("ok", "requested", None), ("error", None, "conflict")]


def test_activation_lists_every_condition_the_agreement_still_asks_for(cast):
    with cast.app.app_context():
        creator = person(cast, "creator")
        gid = _draft(creator, ends_on=None).id
        _document(cast, gid, None, "BY")
        groups.transition(creator, gid, to="requested", version=1)
        groups.add_team(creator, gid, party="BY", authority_id=cast.ids["ic_by"], national_head_id=cast.ids["by_head"])
        group = db.session.get(JointGroup, gid)
        expected = ["composition", "creation_decision_BY", "head", "term"]
        assert [unmet.code for unmet in groups.unmet_conditions(group, GroupStatus.ACTIVE)] == expected
        assert {to: [u.code for u in unmet] for to, unmet in groups.transition_options(creator, gid).items()} == {
            GroupStatus.ACTIVE: expected}
        with pytest.raises(Conflict) as refused:
            groups.transition(creator, gid, to="active", version=db.session.get(JointGroup, gid).version)
        assert list(refused.value.fields) == expected
        assert db.session.get(JointGroup, gid).status == GroupStatus.REQUESTED


def test_a_party_joins_once_with_a_listed_authority_and_a_head_in_no_other_team(cast):
    with cast.app.app_context():
        creator = person(cast, "creator")
        gid = _draft(creator).id
        join = {"party": "KZ", "authority_id": cast.ids["mvd_kz"], "national_head_id": cast.ids["kz_head"]}
        for wrong, field in ((dict(party="XX"), "party"), (dict(authority_id=cast.ids["ic_by"]), "authority_id"),
                             (dict(national_head_id=99_999), "national_head_id")):
            with pytest.raises(Invalid) as refused:
                groups.add_team(creator, gid, **{**join, **wrong})
            assert _fields(refused) == {field}
        team = groups.add_team(creator, gid, **{**join, "party": "kz"})
        assert (team.party_code, [(m.user_id, m.role) for m in team.current_members]) == (
            "KZ", [(cast.ids["kz_head"], MemberRole.NATIONAL_HEAD)])
        with pytest.raises(Conflict) as again:
            groups.add_team(creator, gid, **join)
        assert _fields(again) == {"party"}
        with pytest.raises(Conflict) as taken:
            groups.add_team(creator, gid, party="BY", authority_id=cast.ids["ic_by"],
                            national_head_id=cast.ids["kz_head"])
        assert _fields(taken) == {"national_head_id"}
        with pytest.raises(Forbidden):  # a national head sees the group but does not manage it
            groups.add_team(person(cast, "kz_head"), gid, party="BY", authority_id=cast.ids["ic_by"],
                            national_head_id=cast.ids["by_head"])
        assert timeline(gid)[-1] == ("team_added", {"team_id": team.id, "party": "KZ",
                                                    "national_head_id": cast.ids["kz_head"]})


def test_a_member_belongs_to_one_team_and_a_national_head_adds_only_to_their_own(cast, active):
    gid, teams = active
    with cast.app.app_context():
        creator, kz_head = person(cast, "creator"), person(cast, "kz_head")
        member = {"user_id": cast.ids["kz_member"], "team_id": teams["KZ"], "role": "member"}
        with pytest.raises(Forbidden):
            groups.add_member(kz_head, gid, **{**member, "team_id": teams["BY"]})
        for wrong, field in ((dict(role="boss"), "role"), (dict(team_id=99_999), "team_id"),
                             (dict(user_id=99_999), "user_id")):
            with pytest.raises(Invalid) as refused:
                groups.add_member(creator, gid, **{**member, **wrong})
            assert _fields(refused) == {field}
        with pytest.raises(Conflict) as second_head:
            groups.add_member(kz_head, gid, **{**member, "role": "national_head"})
        assert _fields(second_head) == {"role"}
        added = groups.add_member(kz_head, gid, **member)
        assert (added.role, added.starts_on, added.ends_on, added.authorised_by_id) == (
            MemberRole.MEMBER, TODAY, None, cast.ids["kz_head"])
        with pytest.raises(Conflict) as twice:
            groups.add_member(creator, gid, **{**member, "team_id": teams["BY"]})
        assert _fields(twice) == {"user_id"}
        assert timeline(gid)[-1] == ("member.added", {"user_id": cast.ids["kz_member"], "team_id": teams["KZ"],
                                                      "role": "member"})


def test_removal_ends_access_at_once_but_never_takes_a_teams_last_national_head(cast, active):
    gid, teams = active
    with cast.app.app_context():
        creator, kz_head = person(cast, "creator"), person(cast, "kz_head")
        groups.add_member(kz_head, gid, user_id=cast.ids["kz_member"], team_id=teams["KZ"], role="member")
        with pytest.raises(Conflict) as last_head:
            groups.remove_member(creator, gid, cast.ids["kz_head"])
        assert last_head.value.code == "national_head_required"
        with pytest.raises(NotFound):
            groups.remove_member(creator, gid, cast.ids["outsider"])
        with pytest.raises(Forbidden):
            groups.remove_member(person(cast, "by_head"), gid, cast.ids["kz_member"])
        assert groups.get_group(person(cast, "kz_member"), gid).id == gid
        ended = groups.remove_member(kz_head, gid, cast.ids["kz_member"])
        assert ended.ends_on == TODAY
        with pytest.raises(NotFound):
            groups.get_group(person(cast, "kz_member"), gid)
        assert timeline(gid)[-1] == ("member.removed", {"user_id": cast.ids["kz_member"], "team_id": teams["KZ"]})


def test_edits_need_the_version_read_and_only_real_changes_count(cast):
    with cast.app.app_context():
        creator = person(cast, "creator")
        gid = _draft(creator).id
        with pytest.raises(Invalid) as unversioned:
            groups.update_group(creator, gid, version=None, title="Новое")
        assert _fields(unversioned) == {"version"}
        with pytest.raises(Invalid) as unknown:
            groups.update_group(creator, gid, version=1, colour="red", title=" ")
        assert _fields(unknown) == {"colour", "title"}
        with pytest.raises(Invalid) as backwards:
            groups.update_group(creator, gid, version=1, ends_on=TODAY - timedelta(days=1))
        assert _fields(backwards) == {"ends_on"}
        same = groups.update_group(creator, gid, version=1, title=f"  {TITLE} ", ends_on=END)
        assert (same.version, timeline(gid)[-1][0]) == (1, "created")
        changed = groups.update_group(creator, gid, version=1, title="ССОГ «Тень-2»", starts_on=TODAY)
        assert (changed.title, changed.version) == ("ССОГ «Тень-2»", 2)
        assert timeline(gid)[-1] == ("updated", {"fields": "title"})
        with pytest.raises(Conflict) as stale:
            groups.update_group(creator, gid, version=1, title="Другое")
        assert (stale.value.code, stale.value.fields) == ("conflict", {"version": "2"})
        assert db.session.get(JointGroup, gid).title == "ССОГ «Тень-2»"


def test_once_active_only_an_extension_every_party_decided_moves_the_term(cast, active):
    gid, _ = active
    with cast.app.app_context():
        group = db.session.get(JointGroup, gid)
        version, ends_on = group.version, group.ends_on
        with pytest.raises(Forbidden):
            groups.update_group(person(cast, "kz_head"), gid, version=version, title="Чужое")
        with pytest.raises(Invalid) as term:
            groups.update_group(person(cast, "creator"), gid, version=version, ends_on=ends_on + timedelta(days=1))
        assert _fields(term) == {"ends_on"}
        with pytest.raises(Invalid) as not_later:
            _document(cast, gid, "extend", "BY", new_end=ends_on)
        assert _fields(not_later) == {"new_end"}
        new_end = ends_on + timedelta(days=365)
        _document(cast, gid, "extend", "BY", new_end=new_end)
        assert db.session.get(JointGroup, gid).ends_on == ends_on
        _document(cast, gid, "extend", "KZ", new_end=new_end)
        assert db.session.get(JointGroup, gid).ends_on == new_end
        assert timeline(gid)[-1] == ("term_extended", {"previous_end": ends_on.isoformat(),
                                                       "new_end": new_end.isoformat()})


def test_a_document_names_each_wrong_field_and_only_a_participating_central_authority_decides(cast, active):
    gid, _ = active
    with cast.app.app_context():
        count = len(db.session.get(JointGroup, gid).documents)
        with pytest.raises(Invalid) as refused:
            _document(cast, gid, "dissolve", "BY", reference=" ", signed_by="", head_id=cast.ids["by_head"],
                      new_end=END, dated=TODAY + timedelta(days=1))
        assert _fields(refused) == {"decision", "reference", "signed_by", "head_id", "new_end", "dated"}
        with pytest.raises(Invalid) as request_decides:
            _document(cast, gid, "create", "BY", kind="creation_request")
        assert _fields(request_decides) == {"decision"}
        with pytest.raises(Invalid) as not_a_party:
            _document(cast, gid, "terminate", "AM")
        assert _fields(not_a_party) == {"party"}
        with pytest.raises(Invalid) as not_central:
            _document(cast, gid, "terminate", "KZ", authority_id=cast.ids["competent_kz"])
        assert _fields(not_central) == {"authority_id"}
        with pytest.raises(Invalid) as unlisted:
            _document(cast, gid, None, "KZ", dated=TODAY.replace(year=2016))
        assert _fields(unlisted) == {"authority_id"}
        assert len(db.session.get(JointGroup, gid).documents) == count


def test_a_case_joins_once_led_by_a_member_of_its_partys_team(cast, active):
    gid, _ = active
    with cast.app.app_context():
        by_head = person(cast, "by_head")
        case = {**CASE, "handling_investigator_id": cast.ids["by_head"]}
        with pytest.raises(Forbidden):
            cases.add_case(person(cast, "kz_head"), gid, **case)
        with pytest.raises(Invalid) as no_team:
            cases.add_case(by_head, gid, **{**case, "party": "AM"})
        assert _fields(no_team) == {"party"}
        with pytest.raises(Invalid) as refused:
            cases.add_case(by_head, gid, **{**case, "number": " ", "opened_on": TODAY + timedelta(days=1),
                                            "handling_investigator_id": cast.ids["kz_head"]})
        assert _fields(refused) == {"number", "opened_on", "handling_investigator_id"}
        added = cases.add_case(by_head, gid, **{**case, "party": "by"})
        assert [(c.party_code, c.number) for c in cases.list_cases(person(cast, "kz_head"), gid)] == [
            ("BY", CASE["number"])]
        with pytest.raises(Conflict) as again:
            cases.add_case(by_head, gid, **{**case, "number": f" {CASE['number']} "})
        assert _fields(again) == {"number"}
        assert timeline(gid)[-1] == ("case_added", {"case_id": added.id, "party": "BY", "number": CASE["number"]})


def test_a_documents_file_is_attached_once_and_read_only_by_who_sees_the_group(cast):
    with cast.app.app_context():
        creator = person(cast, "creator")
        gid = _draft(creator).id
        document_id = _document(cast, gid, None, "BY").id
        with pytest.raises(NotFound):
            group_documents.document_file(creator, document_id)
        content = "Запрос о создании ССОГ".encode()
        attached = group_documents.attach_document_file(creator, document_id, filename="запрос.pdf",
                                                        stream=io.BytesIO(content))
        assert attached.file_size == len(content)
        with pytest.raises(Conflict):
            group_documents.attach_document_file(creator, document_id, filename="x.pdf", stream=io.BytesIO(b"other"))
        with pytest.raises(NotFound):
            group_documents.document_file(person(cast, "outsider"), document_id)
        document, stream = group_documents.document_file(creator, document_id)
        with stream:
            assert (document.file_sha256, stream.read()) == (attached.file_sha256, content)
        assert timeline(gid)[-1] == ("document_file_attached", {"document_id": document_id,
                                                                "sha256": attached.file_sha256})

"""Whom a caller may choose in a group, per purpose and role (jit.services.people): the people the
writes would accept, found by any part of a name or username, Cyrillic or Latin, in any case."""

from __future__ import annotations

import pytest

from jit.extensions import db
from jit.models import Authority, AuthorityKind
from jit.services import channels, people
from jit.services.errors import Invalid, NotFound
from tests import factories
from tests.evidence_support import evidence_group
from tests.service_support import audited, person


@pytest.fixture
def gid(cast) -> int:
    """The active BY–KZ group (creator heads it; kz_member in the KZ team), a Kazakh not yet in it
    (a.nurlanov) and a Russian with no team in it."""
    gid = evidence_group(cast)["gid"]
    with cast.app.app_context():
        kz = db.session.get(Authority, cast.ids["mvd_kz"])
        cast.ids["nurlanov"] = factories.create_user(username="a.nurlanov", full_name="Арман Нурланов",
                                                     authority=kz).id
        cast.ids["russian"] = factories.create_user(authority=factories.create_authority("RU", AuthorityKind.CENTRAL),
                                                    full_name="Пётр Иванов").id
    return gid


def chosen(cast, who: str, gid: int, purpose: str, q: str = "", **extra) -> set[str]:
    ids = {user_id: name for name, user_id in cast.ids.items()}
    return {ids.get(c.user.id, c.user.username) for c in people.choosable(person(cast, who), gid, purpose=purpose,
                                                                           q=q, **extra)}


MEMBERS = {"by_head", "kz_head", "kz_member"}


@pytest.mark.parametrize(("who", "expected"), [
    ("creator", MEMBERS),  # the group head assigns any current member
    ("kz_head", {"kz_head", "kz_member"}),  # a national head their own team only
    ("kz_member", set()), ("by_legal", set()),  # may set no task: nobody to choose
])
def test_assignees_are_the_members_the_caller_may_assign(cast, gid, app_context, who, expected):
    assert chosen(cast, who, gid, "assignee") == expected


def test_outsiders_cannot_tell_the_group_exists(cast, gid, app_context):
    with pytest.raises(NotFound):
        people.choosable(person(cast, "outsider"), gid, purpose="assignee")


@pytest.mark.parametrize("q", ["айд", "АЙДОС", "сейтк", " Сейткали "])
def test_a_part_of_a_cyrillic_name_finds_the_person_in_any_case(cast, gid, app_context, q):
    assert chosen(cast, "creator", gid, "assignee", q) == {"kz_head"}


def test_a_part_of_a_latin_username_finds_a_person_to_add(cast, gid, app_context):
    [found] = people.choosable(person(cast, "kz_head"), gid, purpose="member", q="NURL")
    assert (found.user.username, found.team.party_code, found.authority.id) == ("a.nurlanov", "KZ",
                                                                                cast.ids["mvd_kz"])


def test_members_to_add_are_people_of_the_teams_parties_not_yet_in_the_group(cast, gid, app_context):
    assert chosen(cast, "creator", gid, "member") == {"creator", "by_legal", "outsider", "nurlanov"}
    assert chosen(cast, "kz_head", gid, "member") == {"outsider", "nurlanov"}  # their own team's party only
    assert chosen(cast, "kz_member", gid, "member") == set()


def test_a_new_teams_head_is_someone_of_a_party_without_a_team(cast, gid, app_context):
    assert chosen(cast, "creator", gid, "national_head") == {"russian"}
    assert chosen(cast, "by_head", gid, "national_head") == set()


def test_custody_passes_to_the_groups_people_only(cast, gid, app_context):
    assert chosen(cast, "kz_member", gid, "custodian") == MEMBERS | {"creator"}
    assert chosen(cast, "by_legal", gid, "custodian") == set()


def test_mentions_are_the_people_who_read_the_channel(cast, gid, app_context):
    assert chosen(cast, "kz_member", gid, "mention") == MEMBERS | {"creator"}
    kz_channel = next(c for c in channels.list_channels(person(cast, "kz_head"), gid) if c.name.endswith("KZ"))
    assert chosen(cast, "kz_member", gid, "mention", channel_id=kz_channel.id) == {"kz_head", "kz_member"}
    with pytest.raises(NotFound):  # a channel the caller cannot read does not exist for them
        people.choosable(person(cast, "by_head"), gid, purpose="mention", channel_id=kz_channel.id)


def test_an_unknown_purpose_is_a_field_error_and_each_answer_is_audited(cast, gid, app_context):
    with pytest.raises(Invalid) as refused:
        people.choosable(person(cast, "creator"), gid, purpose="friend")
    assert "purpose" in refused.value.fields
    people.choosable(person(cast, "creator"), gid, purpose="assignee", q="айд")
    assert [outcome for outcome, _ in audited("group.people")][-2:] == ["error", "ok"]

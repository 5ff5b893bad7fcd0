"""Whom a caller may choose in a group, by name (API.md "people"): the pickers of the pages and
the API's `GET /groups/{gid}/people` ask here, so that no form asks for a user's number and no
list offers someone the service would then refuse.

Each purpose draws its candidates from the same rules the writes enforce (`tasks`, `groups`,
`evidence`, `authz.can_read_channel`); a caller who may choose nobody for a purpose gets an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import Authority, Channel, GroupStatus, JointGroup, MemberRole, NationalTeam, User
from jit.services import authz, scope
from jit.services.audit import note, use_case
from jit.services.errors import Invalid, NotFound

PURPOSES = ("assignee", "member", "national_head", "custodian", "mention")
LIMIT = 50  # a picker shows the first matches; typing more narrows them


@dataclass(frozen=True)
class Candidate:
    user: User
    team: NationalTeam | None  # the team they are in, or (member) the team they would join

    @property
    def authority(self) -> Authority | None:
        return self.user.authority


def _members(group: JointGroup, *, team_id: int | None = None) -> list[Candidate]:
    return [Candidate(m.user, m.team) for m in scope.current_members(group).values()
            if team_id is None or m.team_id == team_id]


def _led_team_id(actor: User, group: JointGroup) -> int | None:
    membership = authz.current_membership(actor, group)
    return membership.team_id if membership is not None and membership.role == MemberRole.NATIONAL_HEAD else None


def _assignees(actor: User, group: JointGroup) -> list[Candidate]:
    """tasks.create_task: the group head assigns any current member, a national head their own team."""
    if authz.manages_group(actor, group):
        return _members(group)
    led = _led_team_id(actor, group)
    return [] if led is None else _members(group, team_id=led)


def _outside_users(group: JointGroup, parties: set[str]) -> list[User]:
    """Active users of those parties' authorities who are not in the group."""
    if not parties:
        return []
    inside = set(scope.current_members(group))
    users = db.session.scalars(select(User).join(User.authority).where(
        User.active.is_(True), Authority.party_code.in_(parties)).options(selectinload(User.authority)))
    return [user for user in users if user.id not in inside]


def _joiners(actor: User, group: JointGroup) -> list[Candidate]:
    """groups.add_member: the group head adds to any team, a national head to their own."""
    if group.status == GroupStatus.CLOSED:
        return []
    teams = {team.party_code: team for team in group.teams
             if authz.manages_group(actor, group) or team.id == _led_team_id(actor, group)}
    return [Candidate(user, teams[user.authority.party_code]) for user in _outside_users(group, set(teams))]


def _national_heads(actor: User, group: JointGroup) -> list[Candidate]:
    """groups.add_team: only the group head adds a team, for a party without one yet, led by someone
    not in the group; its candidates are that party's people (they have no team: `team` is None)."""
    if not authz.manages_group(actor, group) or group.status == GroupStatus.CLOSED:
        return []
    with_team = {team.party_code for team in group.teams}
    parties = set(db.session.scalars(select(Authority.party_code).distinct())) - with_team
    return [Candidate(user, None) for user in _outside_users(group, parties)]


def _custodians(actor: User, group: JointGroup) -> list[Candidate]:
    """evidence transfers: custody passes to a current member or the group head (access.in_group);
    only the group's own people record custody, observers choose nobody."""
    if actor.id != group.head_id and actor.id not in scope.current_members(group):
        return []
    candidates = _members(group)
    if group.head is not None and group.head_id not in scope.current_members(group):
        candidates.append(Candidate(group.head, None))
    return candidates


def _channel_readers(actor: User, group: JointGroup, channel_id: int | None) -> list[Candidate]:
    """Who can read the channel (the group's general one when none is named): the people a message there reaches."""
    channel = db.session.get(Channel, channel_id) if channel_id is not None else None
    if channel_id is not None and (channel is None or channel.group_id != group.id
                                   or not authz.can_read_channel(actor, channel)):
        raise NotFound()
    candidates = _members(group)
    manager = group.head or group.created_by
    if manager is not None and manager.id not in scope.current_members(group):
        candidates.append(Candidate(manager, None))
    if channel is None:
        return candidates if authz.current_membership(actor, group) or authz.manages_group(actor, group) else []
    return [c for c in candidates if authz.can_read_channel(c.user, channel)]


def matches(user: User, q: str) -> bool:
    """Any part of the full name or the username, case-insensitively in any script. Done in Python,
    not SQL: SQLite's lower() folds only ASCII, and a group's candidates are few (its members, or
    one party's users), so portable filtering costs nothing measurable."""
    needle = q.strip().casefold()
    return not needle or needle in user.full_name.casefold() or needle in user.username.casefold()


@use_case("group.people")
def choosable(actor: User | None, group_id: int, *, purpose: str, q: str = "",
              channel_id: int | None = None, limit: int | None = LIMIT) -> list[Candidate]:
    """The people the caller may choose in the group for `purpose` whose name or username contains
    `q`, by name (the first `limit`; None: all, for a page's plain list); outsiders get NotFound,
    like every group read."""
    actor, group = scope.load_visible(actor, group_id)
    if purpose not in PURPOSES:
        raise Invalid(fields={"purpose": _l("One of: %(values)s.", values=", ".join(PURPOSES))})
    if purpose == "mention":
        candidates = _channel_readers(actor, group, channel_id)
    else:
        candidates = {"assignee": _assignees, "member": _joiners, "national_head": _national_heads,
                      "custodian": _custodians}[purpose](actor, group)
    note(purpose=purpose)
    found = sorted((c for c in candidates if matches(c.user, q)), key=lambda c: (c.user.full_name, c.user.id))
    return found[:limit]

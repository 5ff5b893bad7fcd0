"""Who may do what. Every service function asks here; the doors never decide.

Platform-wide roles, group membership and team roles. Objects a caller may not know about are
refused as NotFound, not Forbidden, so that refusals leak no existence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Load, selectinload

from jit.models import Channel, ChannelKind, GroupStatus, JointGroup, MemberRole, Membership, NationalTeam, Role, User
from jit.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Inapplicable,
    NotFound,
    PasswordChangeRequired,
    SecondFactorRequired,
    Unauthenticated,
)


def require_user(actor: User | None, *, before_second_factor: bool = False,
                 before_password_change: bool = False) -> User:
    """The caller must be signed in with an active account, with a password of its own choosing,
    and, where the platform requires one, a second factor (`before_password_change` and
    `before_second_factor` let the few steps that set those up through)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        raise Unauthenticated()
    if actor.must_change_password and not before_password_change:
        raise PasswordChangeRequired()
    if current_app.config["JIT_REQUIRE_2FA"] and not actor.has_second_factor and not before_second_factor:
        raise SecondFactorRequired()
    return actor


def require_role(actor: User | None, role: Role) -> User:
    actor = require_user(actor)
    if not actor.has_role(role):
        raise Forbidden()
    return actor


# --- what a person may do now ------------------------------------------------------------
# Each use case asks a small refusal function ("why may this person not do it?", None: they may) and
# raises what it returns; the object's `allowed_actions` asks the same functions and lists the answers.

Refusal = DomainError | None
# An object's answer: each action the caller may take, with what it still lacks (empty: possible now).
Actions = dict[str, list[str]]


def refuse(*refusals: Refusal) -> None:
    """Raise the first refusal there is (the use case's side of a shared check)."""
    for refusal in refusals:
        if refusal is not None:
            raise refusal


def answer(checks: dict[str, Iterable[Refusal]]) -> Actions:
    """The listing side: an action refused as not the caller's (Forbidden, NotFound) or as not
    applying in the object's state (Inapplicable) is left out; one only blocked by an unmet
    condition (another Conflict) is listed with the conditions (each field's reason, or the message)."""
    actions: Actions = {}
    for action, refusals in checks.items():
        found = [refusal for refusal in refusals if refusal is not None]
        if any(not isinstance(refusal, Conflict) or isinstance(refusal, Inapplicable) for refusal in found):
            continue
        actions[action] = [str(why) for refusal in found for why in (refusal.fields.values() or [refusal.message])]
    return actions


def allowed_now(actions: Actions) -> list[str]:
    """What the caller may do now (the API's `allowed_actions`): the listed actions lacking nothing."""
    return sorted(action for action, unmet in actions.items() if not unmet)


# --- groups --------------------------------------------------------------------------------


def current_membership(user: User, group: JointGroup) -> Membership | None:
    for team in group.teams:
        for membership in team.current_members:
            if membership.user_id == user.id:
                return membership
    return None


def manages_group(user: User, group: JointGroup) -> bool:
    """The group head; before a head is appointed, whoever created the group."""
    return group.head_id == user.id if group.head_id is not None else group.created_by_id == user.id


def is_legal_observer(user: User, group: JointGroup) -> bool:
    """A legal officer of an authority of a participating party reads the group (read-only)."""
    return (user.has_role(Role.LEGAL_OFFICER) and user.authority is not None
            and user.authority.party_code in group.party_codes)


def can_view_group(user: User, group: JointGroup) -> bool:
    return (user.has_role(Role.ADMIN) or manages_group(user, group) or group.head_id == user.id
            or current_membership(user, group) is not None or is_legal_observer(user, group))


def _selectin_path(*relationships) -> Load:
    """Each relationship along the path loaded in one statement for all the rows it starts from
    (`selectinload(a, b)` alone would load `a` row by row)."""
    first, *rest = relationships
    return functools.reduce(Load.selectinload, rest, selectinload(first))


def group_access(*path) -> Load:
    """A loader option for what `can_view_group` reads of the groups at the end of `path` (the queried
    groups when none): their teams and memberships, in one statement each for every group loaded."""
    return _selectin_path(*path, JointGroup.teams, NationalTeam.memberships)


def require_group(actor: User | None, group: JointGroup | None) -> tuple[User, JointGroup]:
    """The caller may see this group, else NotFound: outsiders cannot learn that it exists."""
    actor = require_user(actor)
    if group is None or not can_view_group(actor, group):
        raise NotFound()
    return actor, group


def closed_refusal(group: JointGroup) -> Refusal:
    """A closed group's records never change again (so nothing that changes them is offered)."""
    if group.status == GroupStatus.CLOSED:
        return Inapplicable(_l("The group is closed: its records can no longer change (AGR-CLOSED)."),
                            code="group_closed")
    return None


def require_open(group: JointGroup) -> None:
    refuse(closed_refusal(group))


def manager_refusal(actor: User, group: JointGroup) -> Refusal:
    """Only the group head (or the creator, before a head is appointed) manages the group."""
    return None if manages_group(actor, group) else Forbidden(_l("Only the group head can do this."))


def require_group_manager(actor: User, group: JointGroup) -> None:
    refuse(manager_refusal(actor, group), closed_refusal(group))


def team_manager_refusal(actor: User, group: JointGroup, team: NationalTeam) -> Refusal:
    """The group head, or that team's own national head."""
    own_head = any(m.user_id == actor.id and m.role == MemberRole.NATIONAL_HEAD for m in team.current_members)
    if own_head or manages_group(actor, group):
        return None
    return Forbidden(_l("Only the group head or this team's national head can do this."))


def require_team_manager(actor: User, group: JointGroup, team: NationalTeam) -> None:
    refuse(team_manager_refusal(actor, group, team), closed_refusal(group))


# --- the legal-assistance register ---------------------------------------------------------


def keeps_register(user: User) -> bool:
    """Legal officers and investigators keep their own authority's register; admins every one."""
    return user.has_role(Role.ADMIN) or (
        user.authority_id is not None and (user.has_role(Role.LEGAL_OFFICER) or user.has_role(Role.INVESTIGATOR)))


def can_view_request(user: User, request) -> bool:
    return user.has_role(Role.ADMIN) or (keeps_register(user) and request.keeper_authority_id == user.authority_id)


def require_request(actor: User | None, request) -> tuple[User, object]:
    """The caller may see this register entry, else NotFound (another authority's entries do not exist for them)."""
    actor = require_user(actor)
    if request is None or not can_view_request(actor, request):
        raise NotFound()
    return actor, request


# --- channels ------------------------------------------------------------------------------


def channel_access(*path) -> tuple[Load, ...]:
    """Loader options for what `can_read_channel` reads of the channels at the end of `path` (the
    queried channels when none): their groups' composition and their chosen members."""
    return group_access(*path, Channel.group), _selectin_path(*path, Channel.members)


def can_read_channel(user: User, channel: Channel) -> bool:
    """Against the current composition: the general channel is every member's and the group
    head's, a team channel its team's only, a custom channel the group head's and the members
    they chose (while those are still in the group)."""
    group = channel.group
    membership = current_membership(user, group)
    if channel.kind == ChannelKind.TEAM:
        return membership is not None and membership.team_id == channel.team_id
    if manages_group(user, group):
        return True
    if channel.kind == ChannelKind.GENERAL:
        return membership is not None
    return membership is not None and any(member.user_id == user.id for member in channel.members)

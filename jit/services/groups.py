"""Groups under the 2015 Agreement: reading, creation, composition and the lifecycle
draft → requested → active ⇄ suspended → closed, with the agreement's conditions for each step.
The group's documents and decisions are in `group_documents`, its cases in `cases`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import (
    Authority,
    AuthorityKind,
    DecisionKind,
    DocumentKind,
    GroupDocument,
    GroupStatus,
    JointGroup,
    MemberRole,
    Membership,
    NationalTeam,
    Party,
    Role,
    User,
)
from jit.services import authz, channels, notifications, scope, values
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from jit.services.pagination import Page, paginate

# Which moves the lifecycle allows (DOMAIN.md "Group").
TRANSITIONS = {
    GroupStatus.DRAFT: {GroupStatus.REQUESTED},
    GroupStatus.REQUESTED: {GroupStatus.ACTIVE},
    GroupStatus.ACTIVE: {GroupStatus.SUSPENDED, GroupStatus.CLOSED},
    GroupStatus.SUSPENDED: {GroupStatus.ACTIVE, GroupStatus.CLOSED},
    GroupStatus.CLOSED: set(),
}
TEXT_LIMITS = {"title": 300, "place_of_activity": 300, "purpose": 20000}


def _check_text(fields: dict) -> dict:
    problems = {name: values.text_problem(fields[name], limit) for name, limit in TEXT_LIMITS.items()
                if name in fields}
    return {name: problem for name, problem in problems.items() if problem}


def _check_term(starts_on: date | None, ends_on: date | None) -> dict:
    if starts_on and ends_on and ends_on <= starts_on:
        return {"ends_on": _l("Must be after the start of the term.")}
    return {}


# --- reading -------------------------------------------------------------------------------

@use_case("group.list")
def list_groups(actor: User | None, *, limit: int | None = None, cursor: str | None = None) -> Page:
    """The groups the caller may see, newest first."""
    actor = authz.require_user(actor)
    note(object_type="group")
    # What a listed group shows (head, teams with their authority and current members), loaded
    # for the whole page at once.
    members = selectinload(JointGroup.teams).selectinload(NationalTeam.memberships).selectinload(Membership.user)
    stmt = select(JointGroup).options(selectinload(JointGroup.head), members,
                                      selectinload(JointGroup.teams).selectinload(NationalTeam.authority))
    if not actor.has_role(Role.ADMIN):
        member_of = select(Membership.group_id).where(Membership.user_id == actor.id, Membership.ends_on.is_(None))
        visible = [JointGroup.head_id == actor.id, JointGroup.created_by_id == actor.id, JointGroup.id.in_(member_of)]
        if actor.has_role(Role.LEGAL_OFFICER) and actor.authority is not None:
            visible.append(JointGroup.id.in_(
                select(NationalTeam.group_id).where(NationalTeam.party_code == actor.authority.party_code)))
        stmt = stmt.where(or_(*visible))
    return paginate(stmt, JointGroup.id, limit=limit, cursor=cursor, descending=True)


@use_case("group.read")
def get_group(actor: User | None, group_id: int) -> JointGroup:
    actor, group = scope.load_visible(actor, group_id)
    notifications.opened(actor, group)
    return group


# --- creating and editing ------------------------------------------------------------------

def _next_code() -> str:
    year = scope.today().year
    count = db.session.scalar(select(func.count()).select_from(JointGroup).where(
        JointGroup.code.startswith(f"JIG-{year}-")))
    return f"JIG-{year}-{count + 1:03d}"


@use_case("group.create")
def create_group(actor: User | None, *, title: str, purpose: str, place_of_activity: str,
                 starts_on: date | None = None, ends_on: date | None = None) -> JointGroup:
    """An investigator (or admin) drafts a group; they manage it until a head is appointed."""
    actor = authz.require_user(actor)
    if not (actor.has_role(Role.INVESTIGATOR) or actor.has_role(Role.ADMIN)):
        raise Forbidden(_l("Only investigators and administrators can draft a group."))
    problems = _check_text({"title": title, "purpose": purpose, "place_of_activity": place_of_activity})
    problems.update(_check_term(starts_on, ends_on))
    if problems:
        raise Invalid(fields=problems)
    group = JointGroup(code=_next_code(), title=title.strip(), purpose=purpose.strip(),
                       place_of_activity=place_of_activity.strip(), starts_on=starts_on, ends_on=ends_on,
                       status=GroupStatus.DRAFT, created_by_id=actor.id)
    db.session.add(group)
    db.session.flush()
    note(object_type="group", object_id=group.id, group_id=group.id)
    channels.open_general_channel(group, actor)
    scope.record(group, actor, "created", code=group.code)
    return group


@use_case("group.update")
def update_group(actor: User | None, group_id: int, *, version: int | None, **changes) -> JointGroup:
    """Edit the description; the term only before the group is active (then decisions move it)."""
    actor, group = scope.load_visible(actor, group_id)
    authz.require_group_manager(actor, group)
    scope.check_version(group, version, _l("group"))
    # Only what really changes counts (a form sends every field back as it was).
    changes = {name: value for name, value in changes.items()
               if getattr(group, name, object()) != (value.strip() if isinstance(value, str) else value)}
    allowed = {"title", "purpose", "place_of_activity", "starts_on", "ends_on"}
    unknown = set(changes) - allowed
    problems = {name: _l("Unknown field.") for name in unknown}
    problems.update(_check_text(changes))
    term_changes = {"starts_on", "ends_on"} & set(changes)
    if term_changes and group.status not in (GroupStatus.DRAFT, GroupStatus.REQUESTED):
        problems.update({name: _l("Once the group is active, only an extension decision moves its term.")
                         for name in term_changes})
    problems.update(_check_term(changes.get("starts_on", group.starts_on), changes.get("ends_on", group.ends_on)))
    if problems:
        raise Invalid(fields=problems)
    for name, value in changes.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    if changes:
        scope.record(group, actor, "updated", fields=",".join(sorted(changes)))
    return group


# --- composition ---------------------------------------------------------------------------

def active_user(user_id: int | None, field: str) -> User:
    """The user named in `field`, who must exist and be active."""
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise Invalid(fields={field: _l("No such active user.")})
    return user


def listed_authority(authority_id: int | None, party: str, on: date, field: str,
                     *, central: bool = False) -> Authority:
    """The authority must be on `party`'s Art. 11 list on the date, and central where required."""
    authority = db.session.get(Authority, authority_id) if authority_id is not None else None
    if authority is None or authority.party_code != party:
        raise Invalid(fields={field: _l("Not an authority of %(party)s.", party=party)})
    if not authority.is_listed_on(on):
        raise Invalid(fields={field: _l("Not on %(party)s's Art. 11 list on %(day)s.", party=party,
                                        day=on.isoformat())})
    if central and authority.kind != AuthorityKind.CENTRAL:
        raise Invalid(fields={field: _l("Not a central competent authority of %(party)s (Art. 11).",
                                        party=party)})
    return authority


@use_case("group.team_add")
def add_team(actor: User | None, group_id: int, *, party: str, authority_id: int,
             national_head_id: int) -> NationalTeam:
    """A party joins with a team of one of its competent authorities, led by its national head."""
    actor, group = scope.load_visible(actor, group_id)
    authz.require_group_manager(actor, group)
    party = (party or "").upper()
    if db.session.get(Party, party) is None:
        raise Invalid(fields={"party": _l("Not a party to the Agreement.")})
    if any(team.party_code == party for team in group.teams):
        raise Conflict(_l("%(party)s already has a national team in this group.", party=party),
                       fields={"party": _l("Already has a team.")})
    authority = listed_authority(authority_id, party, scope.today(), "authority_id")
    head = active_user(national_head_id, "national_head_id")
    if head.id in scope.current_members(group):
        raise Conflict(_l("This person is already in a team of this group."),
                       fields={"national_head_id": _l("Already in a team of this group.")})
    team = NationalTeam(group=group, party_code=party, authority=authority)
    db.session.add(team)
    db.session.add(Membership(group_id=group.id, team=team, user=head, role=MemberRole.NATIONAL_HEAD,
                              starts_on=scope.today(), authorised_by_id=actor.id))
    channels.open_team_channel(team, actor)
    db.session.flush()
    note(team_id=team.id, party=party)
    scope.record(group, actor, "team_added", team_id=team.id, party=party, national_head_id=head.id)
    return team


def _team(group: JointGroup, team_id: int | None) -> NationalTeam:
    team = next((team for team in group.teams if team.id == team_id), None)
    if team is None:
        raise Invalid(fields={"team_id": _l("Not a team of this group.")})
    return team


@use_case("member.add")
def add_member(actor: User | None, group_id: int, *, user_id: int, team_id: int, role: str) -> Membership:
    """The group head, or a national head for their own team, adds a member."""
    actor, group = scope.load_visible(actor, group_id)
    team = _team(group, team_id)
    authz.require_team_manager(actor, group, team)
    if role not in {r.value for r in MemberRole}:
        raise Invalid(fields={"role": _l("One of: %(roles)s.", roles=", ".join(r.value for r in MemberRole))})
    user = active_user(user_id, "user_id")
    if user.id in scope.current_members(group):
        raise Conflict(_l("This person is already in a team of this group; a member belongs to one team."),
                       fields={"user_id": _l("Already in a team of this group.")})
    if role == MemberRole.NATIONAL_HEAD and team.national_head is not None:
        raise Conflict(_l("The team already has a national head."), fields={"role": _l("The team has one.")})
    membership = Membership(group_id=group.id, team=team, user=user, role=MemberRole(role),
                            starts_on=scope.today(), authorised_by_id=actor.id)
    db.session.add(membership)
    db.session.flush()
    note(member_id=user.id, team_id=team.id)
    scope.record(group, actor, "member.added", user_id=user.id, team_id=team.id, role=role)
    notifications.tell("member.added", group, [user.id], actor=actor)
    return membership


def _removal_refusals(actor: User, group: JointGroup, membership: Membership) -> list[authz.Refusal]:
    national_head_kept = None
    if membership.role == MemberRole.NATIONAL_HEAD and group.status in (GroupStatus.ACTIVE, GroupStatus.SUSPENDED):
        national_head_kept = Conflict(_l("This is the team's national head: add the new national head before "
                                         "removing this one (every national team needs exactly one)."),
                                      code="national_head_required")
    return [authz.team_manager_refusal(actor, group, membership.team), authz.closed_refusal(group),
            national_head_kept]


@use_case("member.remove")
def remove_member(actor: User | None, group_id: int, user_id: int) -> Membership:
    """End a membership today; access ends at once. The last national head of a team in an
    active group cannot be removed: the agreement needs one per team (appoint another first)."""
    actor, group = scope.load_visible(actor, group_id)
    membership = scope.current_members(group).get(user_id)
    if membership is None:
        raise NotFound()
    authz.refuse(*_removal_refusals(actor, group, membership))
    membership.ends_on = scope.today()
    note(member_id=user_id, team_id=membership.team_id)
    channels.cut_lost_access(group, user_id)
    notifications.forget_group(user_id, group.id)
    notifications.tell("member.removed", group, [user_id], actor=actor)
    scope.record(group, actor, "member.removed", user_id=user_id, team_id=membership.team_id)
    return membership


# --- lifecycle -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Unmet:
    code: str
    message: str


def decisions(group: JointGroup, kind: DecisionKind) -> list[GroupDocument]:
    """The group's decisions of one kind, as filed (any party)."""
    return [doc for doc in group.documents if doc.decision == kind]


def pending_appointments(group: JointGroup) -> list[tuple[User, list[str]]]:
    """Each head appointment some parties decided and others not yet (it takes effect once all have,
    see group_documents): the person named and the parties whose matching decision is awaited."""
    named: dict[int, tuple[User, set[str]]] = {}
    for document in decisions(group, DecisionKind.APPOINT_HEAD):
        named.setdefault(document.head_id, (document.head, set()))[1].add(document.party_code)
    return [(person, sorted(set(group.party_codes) - parties)) for head_id, (person, parties) in named.items()
            if head_id != group.head_id and set(group.party_codes) - parties]


def unmet_conditions(group: JointGroup, to: GroupStatus) -> list[Unmet]:
    """Everything the agreement still asks for before `group` may move to `to` (empty: it may)."""
    if to not in TRANSITIONS[group.status]:
        return [Unmet("transition", str(_l("A %(from)s group cannot become %(to)s.",
                                           **{"from": group.status.value, "to": to.value})))]
    unmet: list[Unmet] = []
    if to == GroupStatus.REQUESTED and not any(d.kind == DocumentKind.CREATION_REQUEST for d in group.documents):
        unmet.append(Unmet("creation_request", str(_l("No creation request is on file."))))
    if to == GroupStatus.ACTIVE:
        unmet += _activation_gaps(group)
    if to == GroupStatus.CLOSED and not decisions(group, DecisionKind.TERMINATE):
        unmet.append(Unmet("termination_decision", str(_l("No termination decision is on file."))))
    return unmet


def _activation_gaps(group: JointGroup) -> list[Unmet]:
    gaps: list[Unmet] = []
    parties = group.party_codes
    if len(parties) < 2:
        gaps.append(Unmet("composition", str(_l(
            "At least two national teams from two different parties are needed (Art. 1); the group has %(n)s.",
            n=len(parties)))))
    decided = {doc.party_code for doc in decisions(group, DecisionKind.CREATE)}
    for party in parties:
        if party not in decided:
            gaps.append(Unmet(f"creation_decision_{party}", str(_l(
                "No creation decision of %(party)s's central competent authority is on file.", party=party))))
    if group.head_id is None:
        gaps.append(Unmet("head", str(_l("No group head is appointed."))))
    for team in group.teams:
        if team.national_head is None:
            gaps.append(Unmet(f"national_head_{team.party_code}", str(_l(
                "The %(party)s team has no national head.", party=team.party_code))))
    if group.starts_on is None or group.ends_on is None:
        gaps.append(Unmet("term", str(_l("The term (start and end) is not set."))))
    elif group.ends_on < scope.today():
        gaps.append(Unmet("term", str(_l("The term ended on %(day)s; an extension decision is needed.",
                                         day=group.ends_on.isoformat()))))
    return gaps


@use_case("group.transition_check")
def transition_options(actor: User | None, group_id: int) -> dict[GroupStatus, list[Unmet]]:
    """For the group page: each move the lifecycle allows from here, with what it still lacks."""
    _, group = scope.load_visible(actor, group_id)
    lifecycle_order = list(GroupStatus)
    return {to: unmet_conditions(group, to) for to in sorted(TRANSITIONS[group.status], key=lifecycle_order.index)}


def _move_refusal(group: JointGroup, to: GroupStatus) -> authz.Refusal:
    unmet = unmet_conditions(group, to)
    if not unmet:
        return None
    return Conflict(" ".join(item.message for item in unmet), fields={item.code: item.message for item in unmet},
                    code="conflict")


def removable_members(actor: User | None, group: JointGroup) -> dict[int, list[str]]:
    """For the group page: the current members `actor` may remove, by user id, with what blocks it."""
    actor, group = authz.require_group(actor, group)
    removable = {}
    for user_id, membership in scope.current_members(group).items():
        answer = authz.answer({"remove": _removal_refusals(actor, group, membership)})
        if "remove" in answer:
            removable[user_id] = answer["remove"]
    return removable


def allowed_actions(actor: User | None, group: JointGroup) -> authz.Actions:
    """What `actor` may do with the group now, each with what it still lacks (NotFound for an
    outsider): `edit`, `to:<status>` for each lifecycle move from here, `add_team`, `add_member`,
    `remove_member` (someone), `add_document`, `attach_file`, `add_case`, `add_channel`."""
    actor, group = authz.require_group(actor, group)
    manager = [authz.manager_refusal(actor, group), authz.closed_refusal(group)]
    teams = [authz.team_manager_refusal(actor, group, team) for team in group.teams]
    some_team = [None if None in teams else Forbidden(), authz.closed_refusal(group)]
    checks = {"edit": manager, "add_team": manager, "add_document": manager, "attach_file": manager,
              "add_channel": manager, "add_member": some_team, "add_case": some_team}
    for to in sorted(TRANSITIONS[group.status], key=list(GroupStatus).index):
        checks[f"to:{to.value}"] = [authz.manager_refusal(actor, group), _move_refusal(group, to)]
    actions = authz.answer(checks)
    removable = removable_members(actor, group)
    if removable:
        actions["remove_member"] = [] if any(not unmet for unmet in removable.values()) else \
            sorted({why for unmet in removable.values() for why in unmet})
    return actions


@use_case("group.transition")
def transition(actor: User | None, group_id: int, *, to: str, version: int | None,
               reason: str | None = None) -> JointGroup:
    actor, group = scope.load_visible(actor, group_id)
    authz.refuse(authz.manager_refusal(actor, group))
    scope.check_version(group, version, _l("group"))
    try:
        target = GroupStatus(to)
    except ValueError:
        raise Invalid(fields={"to": _l("One of: requested, active, suspended, closed.")}) from None
    note(to=target.value)
    authz.refuse(_move_refusal(group, target))
    previous, group.status = group.status, target
    notifications.tell("group.status", group, notifications.national_heads(group), actor=actor)
    scope.record(group, actor, "transitioned", **{"from": previous.value, "to": target.value,
                                                  "reason": (reason or "").strip()[:500] or None})
    return group

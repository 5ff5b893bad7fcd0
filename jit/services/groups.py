"""Groups under the 2015 Agreement: creation, composition, decisions, cases and the lifecycle
draft → requested → active ⇄ suspended → closed, with the agreement's conditions for each step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import (
    Authority,
    AuthorityKind,
    CriminalCase,
    DecisionKind,
    DocumentKind,
    GroupDocument,
    GroupEvent,
    GroupStatus,
    JointGroup,
    MemberRole,
    Membership,
    NationalTeam,
    Party,
    Role,
    User,
)
from jit.services import authz, channels, files, scope, values
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


def _record(group: JointGroup, actor: User | None, event: str, **details) -> None:
    """Add to the group's timeline and tell every member's open pages, after commit."""
    db.session.add(GroupEvent(group=group, actor_id=actor.id if actor else None, kind=event,
                              details={key: value for key, value in details.items() if value is not None}))
    scope.announce(group, event if "." in event else f"group.{event}", details,
             also={details["user_id"]} if details.get("user_id") else set())


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
    return scope.load_visible(actor, group_id)[1]


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
    _record(group, actor, "created", code=group.code)
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
        _record(group, actor, "updated", fields=",".join(sorted(changes)))
    return group


# --- composition ---------------------------------------------------------------------------

def _active_user(user_id: int | None, field: str) -> User:
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise Invalid(fields={field: _l("No such active user.")})
    return user


def _listed_authority(authority_id: int | None, party: str, on: date, field: str,
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
    authority = _listed_authority(authority_id, party, scope.today(), "authority_id")
    head = _active_user(national_head_id, "national_head_id")
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
    _record(group, actor, "team_added", team_id=team.id, party=party, national_head_id=head.id)
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
    user = _active_user(user_id, "user_id")
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
    _record(group, actor, "member.added", user_id=user.id, team_id=team.id, role=role)
    return membership


@use_case("member.remove")
def remove_member(actor: User | None, group_id: int, user_id: int) -> Membership:
    """End a membership today; access ends at once. The last national head of a team in an
    active group cannot be removed: the agreement needs one per team (appoint another first)."""
    actor, group = scope.load_visible(actor, group_id)
    membership = scope.current_members(group).get(user_id)
    if membership is None:
        raise NotFound()
    authz.require_team_manager(actor, group, membership.team)
    if membership.role == MemberRole.NATIONAL_HEAD and group.status in (GroupStatus.ACTIVE, GroupStatus.SUSPENDED):
        raise Conflict(_l("This is the team's national head: add the new national head before removing this one "
                          "(every national team needs exactly one)."), code="national_head_required")
    membership.ends_on = scope.today()
    note(member_id=user_id, team_id=membership.team_id)
    channels.cut_lost_access(group, user_id)
    _record(group, actor, "member.removed", user_id=user_id, team_id=membership.team_id)
    return membership


# --- documents -----------------------------------------------------------------------------

@use_case("group.document_add")
def add_document(actor: User | None, group_id: int, *, kind: str, decision: str | None, party: str,
                 authority_id: int, reference: str, dated: date, signed_by: str,
                 head_id: int | None = None, new_end: date | None = None) -> GroupDocument:
    """File a creation request or a decision; decisions take effect (head, term) as they are filed."""
    actor, group = scope.load_visible(actor, group_id)
    authz.require_group_manager(actor, group)
    party = (party or "").upper()
    problems = {}
    if kind not in {k.value for k in DocumentKind}:
        problems["kind"] = _l("creation_request or decision.")
    if kind == DocumentKind.DECISION and decision not in {d.value for d in DecisionKind}:
        problems["decision"] = _l("One of: %(kinds)s.", kinds=", ".join(d.value for d in DecisionKind))
    if kind == DocumentKind.CREATION_REQUEST and decision:
        problems["decision"] = _l("A creation request is not a decision.")
    for name, value in (("reference", reference), ("signed_by", signed_by)):
        if values.text_problem(value):
            problems[name] = values.REQUIRED
    if head_id is not None and decision != DecisionKind.APPOINT_HEAD:
        problems["head_id"] = _l("Only an appoint_head decision names a head.")
    if new_end is not None and decision != DecisionKind.EXTEND:
        problems["new_end"] = _l("Only an extend decision sets a new end.")
    if not isinstance(dated, date):
        problems["dated"] = values.REQUIRED
    elif dated > scope.today():
        problems["dated"] = _l("Cannot be in the future.")
    if problems:
        raise Invalid(fields=problems)
    is_decision = kind == DocumentKind.DECISION
    if is_decision and party not in group.party_codes:
        raise Invalid(fields={"party": _l("Only participating parties (with a national team) decide.")})
    authority = _listed_authority(authority_id, party, dated, "authority_id", central=is_decision)
    decision = DecisionKind(decision) if is_decision else None
    # Looked up before the document joins the group: a lookup flushes, and a half-built document must not.
    appointed = _active_user(head_id, "head_id").id if decision == DecisionKind.APPOINT_HEAD else None
    document = GroupDocument(group=group, kind=DocumentKind(kind), decision=decision, party_code=party,
                             authority=authority, reference=reference.strip(), dated=dated,
                             signed_by=signed_by.strip(), created_by_id=actor.id, head_id=appointed)
    if document.decision == DecisionKind.EXTEND:
        if not isinstance(new_end, date) or (group.ends_on and new_end <= group.ends_on):
            raise Invalid(fields={"new_end": _l("A date after the current end of the term.")})
        document.new_end = new_end
    db.session.add(document)
    db.session.flush()
    note(document_id=document.id, kind=kind, decision=decision)
    _record(group, actor, "document_added", document_id=document.id, kind=kind, decision=decision, party=party)
    _apply_decisions(group, actor)
    return document


def _decisions(group: JointGroup, kind: DecisionKind) -> list[GroupDocument]:
    return [doc for doc in group.documents if doc.decision == kind]


def _apply_decisions(group: JointGroup, actor: User) -> None:
    """A head appointment or a term extension takes effect once every participating party decided it."""
    parties = set(group.party_codes)
    appointments = _decisions(group, DecisionKind.APPOINT_HEAD)
    if appointments:
        latest = max(appointments, key=lambda doc: (doc.dated, doc.id))
        agreed = {doc.party_code for doc in appointments if doc.head_id == latest.head_id}
        if parties and parties <= agreed and group.head_id != latest.head_id:
            former_manager = group.head_id or group.created_by_id
            group.head_id = latest.head_id
            # The former head (or the creator, who managed until now) may read fewer channels.
            channels.cut_lost_access(group, former_manager)
            _record(group, actor, "head_appointed", head_id=latest.head_id)
    extensions = _decisions(group, DecisionKind.EXTEND)
    if extensions:
        target = max(doc.new_end for doc in extensions)
        agreed = {doc.party_code for doc in extensions if doc.new_end == target}
        if parties and parties <= agreed and (group.ends_on is None or target > group.ends_on):
            previous, group.ends_on = group.ends_on, target
            _record(group, actor, "term_extended", previous_end=previous.isoformat() if previous else None,
                    new_end=target.isoformat())


# --- lifecycle -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Unmet:
    code: str
    message: str


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
    if to == GroupStatus.CLOSED and not _decisions(group, DecisionKind.TERMINATE):
        unmet.append(Unmet("termination_decision", str(_l("No termination decision is on file."))))
    return unmet


def _activation_gaps(group: JointGroup) -> list[Unmet]:
    gaps: list[Unmet] = []
    parties = group.party_codes
    if len(parties) < 2:
        gaps.append(Unmet("composition", str(_l(
            "At least two national teams from two different parties are needed (Art. 1); the group has %(n)s.",
            n=len(parties)))))
    decided = {doc.party_code for doc in _decisions(group, DecisionKind.CREATE)}
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


@use_case("group.transition")
def transition(actor: User | None, group_id: int, *, to: str, version: int | None,
               reason: str | None = None) -> JointGroup:
    actor, group = scope.load_visible(actor, group_id)
    if not authz.manages_group(actor, group):
        raise Forbidden(_l("Only the group head can do this."))
    scope.check_version(group, version, _l("group"))
    try:
        target = GroupStatus(to)
    except ValueError:
        raise Invalid(fields={"to": _l("One of: requested, active, suspended, closed.")}) from None
    unmet = unmet_conditions(group, target)
    note(to=target.value)
    if unmet:
        raise Conflict(" ".join(item.message for item in unmet),
                       fields={item.code: item.message for item in unmet}, code="conflict")
    previous, group.status = group.status, target
    _record(group, actor, "transitioned", **{"from": previous.value, "to": target.value,
                                             "reason": (reason or "").strip()[:500] or None})
    return group


# --- cases ---------------------------------------------------------------------------------

@use_case("case.list")
def list_cases(actor: User | None, group_id: int) -> list[CriminalCase]:
    return list(scope.load_visible(actor, group_id)[1].cases)


@use_case("case.add")
def add_case(actor: User | None, group_id: int, *, party: str, number: str, opened_on: date, articles: str,
             summary: str, handling_investigator_id: int) -> CriminalCase:
    """A party's national case joins the group; its investigator must be in that party's team."""
    actor, group = scope.load_visible(actor, group_id)
    party = (party or "").upper()
    team = next((team for team in group.teams if team.party_code == party), None)
    if team is None:
        raise Invalid(fields={"party": _l("The party has no national team in this group.")})
    authz.require_team_manager(actor, group, team)
    problems = {name: values.REQUIRED for name, value in (("number", number), ("articles", articles),
                                                          ("summary", summary)) if values.text_problem(value)}
    if not isinstance(opened_on, date):
        problems["opened_on"] = values.REQUIRED
    elif opened_on > scope.today():
        problems["opened_on"] = _l("Cannot be in the future.")
    if not any(m.user_id == handling_investigator_id for m in team.current_members):
        problems["handling_investigator_id"] = _l("Must be a member of the %(party)s team.", party=party)
    if problems:
        raise Invalid(fields=problems)
    if any(case.party_code == party and case.number == number.strip() for case in group.cases):
        raise Conflict(_l("This case is already linked to the group."), fields={"number": _l("Already linked.")})
    case = CriminalCase(group=group, party_code=party, number=number.strip(), opened_on=opened_on,
                        articles=articles.strip(), summary=summary.strip(),
                        handling_investigator_id=handling_investigator_id)
    db.session.add(case)
    db.session.flush()
    note(case_id=case.id)
    _record(group, actor, "case_added", case_id=case.id, party=party, number=case.number)
    return case


# --- document files ------------------------------------------------------------------------

def _document(actor: User | None, document_id: int) -> tuple[User, GroupDocument]:
    document = db.session.get(GroupDocument, document_id)
    actor, _ = authz.require_group(actor, document.group if document else None)
    note(object_type="group_document", object_id=document.id, group_id=document.group_id)
    return actor, document


@use_case("group.document_file_attach")
def attach_document_file(actor: User | None, document_id: int, *, filename: str, stream: BinaryIO) -> GroupDocument:
    """Attach the signed document (once): streamed to the content store under its SHA-256."""
    actor, document = _document(actor, document_id)
    authz.require_group_manager(actor, document.group)
    if document.file_sha256 is not None:
        raise Conflict(_l("A file is already attached to this document."))
    name, stored = files.store_upload(filename, stream)
    document.file_name, document.file_sha256, document.file_size = name, stored.sha256, stored.size
    note(sha256=stored.sha256, size=stored.size)
    _record(document.group, actor, "document_file_attached", document_id=document.id, sha256=stored.sha256)
    return document


@use_case("group.document_file_read")
def document_file(actor: User | None, document_id: int) -> tuple[GroupDocument, BinaryIO]:
    """The attached file, for anyone who may see the group."""
    _, document = _document(actor, document_id)
    if document.file_sha256 is None:
        raise NotFound()
    return document, files.content_store().open(document.file_sha256)

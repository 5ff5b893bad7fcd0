"""Who may do what with the group's evidence: its people record it, observers read it; an item
leaves the group only with its originating party's consent (AGR-USE), which that party's national
head or their designee records; custody events are rate-limited per user; an item is loaded with
the caller's rights checked, and a change locks the group first."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import CustodyType, EvidenceItem, EvidenceStatus, JointGroup, MemberRole, User
from jit.services import authz, rate_limits, scope
from jit.services.audit import note
from jit.services.errors import Conflict, Forbidden, Inapplicable

# An item returned or disposed of is gone: only a correction can still be recorded.
GONE = frozenset({EvidenceStatus.RETURNED, EvidenceStatus.DISPOSED})


def in_group(user_id: int | None, group: JointGroup) -> bool:
    """A current member of one of the group's teams, or its head."""
    return user_id is not None and (user_id == group.head_id or user_id in scope.current_members(group))


def _member_refusal(actor: User, group: JointGroup) -> authz.Refusal:
    """Observers (legal officers, admins) read the evidence; only the group's people record it."""
    return None if in_group(actor.id, group) else Forbidden(_l("Only members of the group record evidence."))


def may_leave_group(item: EvidenceItem) -> bool:
    """AGR-USE: an item with use conditions leaves the group only with its originating party's consent."""
    return not item.use_conditions or any(c.party_code == item.party_code for c in item.consents)


def require_consent_to_leave(what, *items: EvidenceItem) -> None:
    """Refuse (409) taking `items` outside the group, by transfer or export, while AGR-USE forbids
    it for any of them; the refusal names each such item and its originating party."""
    held = [item for item in items if not may_leave_group(item)]
    if held:
        note(rule="AGR-USE", items=", ".join(item.number for item in held))
        raise Conflict(_l("%(what)s refused under rule AGR-USE: %(items)s: use conditions are set and no consent "
                          "of the originating party is on file.", what=what,
                          items=", ".join(f"{item.number} ({item.party_code})" for item in held)),
                       fields={item.number: item.use_conditions for item in held})


def _throttle(actor: User) -> None:
    """At most JIT_CUSTODY_RATE_LIMIT custody events per user (every process shares the count):
    429 `rate_limited` beyond it."""
    rate_limits.require("JIT_CUSTODY_RATE_LIMIT", "jit-custody", actor.id,
                        message=_l("You are recording custody events too fast. Wait a moment."))


def _heads_team(user_id: int | None, item: EvidenceItem) -> bool:
    """A current national head of the item's originating team."""
    return user_id is not None and any(m.user_id == user_id and m.role == MemberRole.NATIONAL_HEAD
                                       for m in item.team.current_members)


def consent_designee(item: EvidenceItem) -> User | None:
    """The member the originating team's national head designated to record its consent, while
    they are still in that team."""
    designee = item.consent_designee
    if designee is None or not any(m.user_id == designee.id for m in item.team.current_members):
        return None
    return designee


def _consent_refusal(user: User | None, item: EvidenceItem):
    """Why `user` may not record the originating party's consent to the item (None: they may).
    A consent is the originating party's (AGR-USE): its team's national head records it, or the
    member of that team the head designated for the item."""
    if not item.use_conditions:
        return Inapplicable(_l("The item has no use conditions: no consent is needed."), code="no_use_conditions")
    designee = consent_designee(item)
    if user is None or not (_heads_team(user.id, item) or (designee is not None and designee.id == user.id)):
        return Forbidden(_l("Only the national head of the %(party)s team, or the member they designate for "
                            "this item, records %(party)s's consent.", party=item.party_code))
    return None


def may_designate_consent_recorder(user: User | None, item: EvidenceItem) -> bool:
    """The originating team's national head designates who else records the consent, on an item
    with use conditions."""
    return user is not None and bool(item.use_conditions) and _heads_team(user.id, item)


def consent_recorder_choices(item: EvidenceItem) -> list[User]:
    """Whom the national head may designate: the originating team's current members (its heads
    record the consent anyway)."""
    return [m.user for m in item.team.current_members if m.role != MemberRole.NATIONAL_HEAD]


def _lock_group(group_id: int) -> None:
    """Serialise evidence writes within one group (a row lock on PostgreSQL; SQLite writers already
    queue up at BEGIN IMMEDIATE)."""
    db.session.execute(select(JointGroup.id).where(JointGroup.id == group_id).with_for_update())


def _load(actor: User | None, item_id: int, *, for_change: bool = False) -> tuple[User, EvidenceItem]:
    """The caller and the item if the caller may see its group (NotFound otherwise). For a change,
    the group is locked and the item re-read, so the custodian and status are the current ones."""
    actor, item = scope.load_in_group(actor, EvidenceItem, item_id, "evidence")
    if for_change:
        authz.refuse(*_change_refusals(actor, item))
        _lock_group(item.group_id)
        db.session.refresh(item)
    return actor, item


def _change_refusals(actor: User, item: EvidenceItem) -> list[authz.Refusal]:
    """What every change to an item asks: a member of the group, in a group that works now."""
    return [_member_refusal(actor, item.group), scope.unworkable_refusal(item.group)]


def _present_refusal(item: EvidenceItem, kind: CustodyType) -> authz.Refusal:
    if item.status in GONE and kind != CustodyType.CORRECTION:
        return Inapplicable(_l("The item was %(status)s: only a correction can still be recorded.",
                               status=item.status.value))
    return None


def _require_present(item: EvidenceItem, kind: CustodyType) -> None:
    authz.refuse(_present_refusal(item, kind))

"""Recording custody: the events a member records on an item (transfers, examinations, hash checks,
seals, returns, disposals, corrections), the originating party's consent, and who may record it."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from jit.extensions import db
from jit.models import CustodyEvent, CustodyType, EvidenceConsent, EvidenceItem, EvidenceStatus, Instruction, User
from jit.models.types import utcnow
from jit.services import authz, files, notifications
from jit.services import scope as group_scope  # a consent has a `scope` of its own
from jit.services import values as storable
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Inapplicable, Invalid
from jit.services.evidence.access import (
    _change_refusals,
    _consent_refusal,
    _heads_team,
    _load,
    _present_refusal,
    _require_present,
    _throttle,
    in_group,
    may_designate_consent_recorder,
    require_consent_to_leave,
)
from jit.services.evidence.chain import NOTE_LIMIT, PLACE_LIMIT, _append, _Change, _consent_record, _short
from jit.services.evidence.registration import _upload_refusals

# Moves of the item itself: only its current custodian (or the group head) makes them.
CUSTODIAL = frozenset({CustodyType.TRANSFERRED, CustodyType.SEALED, CustodyType.RETURNED, CustodyType.DISPOSED})
# What a member may record through the custody endpoint (registration and files have their own).
RECORDABLE = CUSTODIAL | {CustodyType.EXAMINED, CustodyType.HASH_VERIFIED, CustodyType.CORRECTION}


def _hashes_match(item: EvidenceItem) -> bool:
    store = files.content_store()
    for evidence_file in item.files:
        try:
            if store.rehash(evidence_file.sha256) != evidence_file.sha256:
                return False
        except FileNotFoundError:
            return False
    return True


def _transfer(item: EvidenceItem, change: _Change, to_user_id: int | None, to_external: str | None) -> None:
    """Fill in where a transfer takes the item: a member of the group, or a holder outside it (AGR-USE)."""
    external = (to_external or "").strip()
    if (to_user_id is None) == (not external):
        raise Invalid(fields={"to_user_id": _l("Name the member who receives the item, or the holder outside "
                                               "the group (to_external).")})
    if external:
        require_consent_to_leave(_l("Transfer outside the group"), item)
        change.to, change.to_external, change.status = None, _short(external, "to_external", PLACE_LIMIT), \
            EvidenceStatus.HANDED_OVER
        return
    if not in_group(to_user_id, item.group):
        raise Invalid(fields={"to_user_id": _l("Not a current member of the group.")})
    if to_user_id == item.custodian_id:
        raise Invalid(fields={"to_user_id": _l("Already the item's custodian.")})
    change.to = db.session.get(User, to_user_id)
    if item.status == EvidenceStatus.HANDED_OVER:
        change.status = EvidenceStatus.HELD


def _event_refusals(actor: User, item: EvidenceItem, kind: CustodyType) -> list[authz.Refusal]:
    """Who may record an event of `kind` on the item as it is (the caller is a member of a working group)."""
    custodial = kind in CUSTODIAL and actor.id not in (item.custodian_id, item.group.head_id)
    resealed = kind == CustodyType.SEALED and item.status == EvidenceStatus.SEALED
    return [_present_refusal(item, kind),
            Forbidden(_l("Only the item's current custodian or the group head can do this.")) if custodial else None,
            Inapplicable(_l("The item is already sealed.")) if resealed else None]


# The action names of the recordable events (API.md: verbs), in the order pages offer them.
EVENT_ACTIONS = {CustodyType.TRANSFERRED: "transfer", CustodyType.SEALED: "seal", CustodyType.EXAMINED: "examine",
                 CustodyType.HASH_VERIFIED: "verify_hashes", CustodyType.RETURNED: "return",
                 CustodyType.DISPOSED: "dispose", CustodyType.CORRECTION: "correct"}


def allowed_actions(actor: User | None, item: EvidenceItem) -> authz.Actions:
    """What `actor` may do with the item now, each with what it still lacks (NotFound for someone
    who may not see its group): the custody events (`transfer`, `seal`, `examine`, `verify_hashes`,
    `return`, `dispose`, `correct`), `upload` (a file), `record_consent`, `designate_consent_recorder`."""
    actor, _ = authz.require_group(actor, item.group)
    change = _change_refusals(actor, item)
    checks = {action: [*change, *_event_refusals(actor, item, kind)] for kind, action in EVENT_ACTIONS.items()}
    checks["upload"] = [*change, *_upload_refusals(item)]
    checks["record_consent"] = [*change, _consent_refusal(actor, item),
                                _present_refusal(item, CustodyType.CONSENT_RECORDED)]
    designates = may_designate_consent_recorder(actor, item)
    checks["designate_consent_recorder"] = [*change, None if designates else Forbidden()]
    return authz.answer(checks)


@use_case("evidence.custody_record")
def record_event(actor: User | None, item_id: int, *, event_type: str, place: str = "", note_text: str = "",
                 to_user_id: int | None = None, to_external: str | None = None, refers_to: int | None = None,
                 instruction_id: int | None = None) -> CustodyEvent:
    """Append one event to the item's chain. Moves of the item (transfer, seal, return, disposal) are
    its current custodian's or the group head's; examinations, checks and corrections any member's."""
    actor, item = _load(actor, item_id, for_change=True)
    try:
        kind = CustodyType(event_type)
    except ValueError:
        kind = None
    if kind not in RECORDABLE:
        raise Invalid(fields={"type": _l("One of: %(values)s.", values=", ".join(sorted(t.value for t in RECORDABLE)))})
    authz.refuse(*_event_refusals(actor, item, kind))
    _throttle(actor)
    change = _Change(place=_short(place, "place", PLACE_LIMIT), note=_short(note_text, "note", NOTE_LIMIT))
    if kind == CustodyType.CORRECTION:
        last = len(item.events)
        if refers_to is None or not 1 <= refers_to <= last:
            raise Invalid(fields={"refers_to": _l("The seq of an earlier event of this item (1–%(n)s).", n=last)})
        if not change.note:
            raise Invalid(fields={"note": _l("Say what is corrected.")})
        change.refers_to = refers_to
    elif refers_to is not None:
        raise Invalid(fields={"refers_to": _l("Only a correction refers to an earlier event.")})
    if instruction_id is not None:
        instruction = db.session.get(Instruction, instruction_id)
        if instruction is None or instruction.group_id != item.group_id:
            raise Invalid(fields={"instruction_id": _l("Not an instruction of this group.")})
        change.instruction_id = instruction_id
    if kind == CustodyType.TRANSFERRED:
        _transfer(item, change, to_user_id, to_external)
    elif to_user_id is not None or to_external:
        raise Invalid(fields={"to_user_id": _l("Only a transfer names a recipient.")})
    if kind == CustodyType.SEALED:
        change.status = EvidenceStatus.SEALED
    if kind in (CustodyType.RETURNED, CustodyType.DISPOSED):
        change.to, change.status = None, EvidenceStatus(kind.value)
    if kind == CustodyType.HASH_VERIFIED:
        change.verified = _hashes_match(item)
    event = _append(item, actor, kind, change)
    if kind == CustodyType.TRANSFERRED and isinstance(change.to, User):
        notifications.tell("evidence.handed_over", item, [change.to.id], actor=actor)
    if change.verified is False:
        notifications.tell("evidence.hash_failed", item, [item.custodian_id, item.group.head_id], actor=actor)
    return event


def verify_files(actor: User | None, item_id: int, *, place: str = "", note_text: str = "") -> CustodyEvent:
    """Re-hash the item's files now and record the result as a `hash_verified` event."""
    return record_event(actor, item_id, event_type=CustodyType.HASH_VERIFIED.value, place=place, note_text=note_text)


@use_case("evidence.consent_record")
def record_consent(actor: User | None, item_id: int, *, reference: str, dated: date,
                   scope: str = "") -> EvidenceConsent:
    """The originating party's consent to use the item beyond its use conditions (AGR-USE), recorded
    by its team's national head or the member the head designated for the item; the consent is an
    event of the item's chain, so the group's ledger holds it."""
    actor, item = _load(actor, item_id, for_change=True)
    refusal = _consent_refusal(actor, item)
    if refusal is not None:
        raise refusal
    _require_present(item, CustodyType.CONSENT_RECORDED)
    _throttle(actor)
    problems = {}
    if problem := storable.text_problem(reference, 120):
        problems["reference"] = problem
    if not isinstance(dated, date):
        problems["dated"] = _l("A date (YYYY-MM-DD).")
    elif dated > group_scope.today():
        problems["dated"] = _l("Cannot be in the future.")
    if problems:
        raise Invalid(fields=problems)
    recorded_at = utcnow()  # to the microsecond, like every hand-over's time compared with it (AGR-USE)
    consent = EvidenceConsent(item=item, party_code=item.party_code, reference=reference.strip(), dated=dated,
                              scope=_short(scope, "scope", NOTE_LIMIT), recorded_by_id=actor.id,
                              recorded_at=recorded_at)
    db.session.add(consent)
    db.session.flush()
    note(consent_id=consent.id, recorded_as="national_head" if _heads_team(actor.id, item) else "designee")
    _append(item, actor, CustodyType.CONSENT_RECORDED, _Change(consent=_consent_record(consent),
                                                     extra={"consent_id": consent.id}),
            at=recorded_at.replace(microsecond=0))
    notifications.tell("evidence.consent_recorded", item, [item.custodian_id, item.created_by_id], actor=actor)
    return consent


@use_case("evidence.consent_designate")
def designate_consent_recorder(actor: User | None, item_id: int, *, user_id: int | None) -> EvidenceItem:
    """The originating team's national head designates the member of that team who may also record
    its party's consent to the item (None: nobody but the head). Audited, with the one it replaces."""
    actor, item = _load(actor, item_id, for_change=True)
    if not may_designate_consent_recorder(actor, item):
        if not item.use_conditions:
            raise Conflict(_l("The item has no use conditions: no consent is needed."), code="no_use_conditions")
        raise Forbidden(_l("Only the national head of the %(party)s team designates who records its consent.",
                           party=item.party_code))
    if user_id is not None and not any(m.user_id == user_id for m in item.team.current_members):
        raise Invalid(fields={"user_id": _l("Not a current member of the %(party)s team.", party=item.party_code)})
    note(previous_designee_id=item.consent_designee_id, designee_id=user_id)
    item.consent_designee_id = user_id
    db.session.flush()
    db.session.refresh(item, ["consent_designee"])
    group_scope.announce(item.group, "evidence.consent_designated",
                         {"evidence_id": item.id, "number": item.number, "designee_id": user_id})
    return item

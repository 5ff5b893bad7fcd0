"""Evidence and its chain of custody (DOMAIN.md "Evidence item", "Custody event"; AGR-USE, AGR-CUSTODY).

Every custody event is appended, in the same transaction, to the group's ledger `evidence/<gid>`
(API.md "Ledger format") with the exact entry `_entry` builds; the current custodian is derived
from the events. Writes in one group are serialised by a lock on the group's row, so item numbers,
each item's `seq` and the ledger stay consistent under concurrent requests.

The ledger holds everything that bears on admissibility: the item as registered (its `registered`
entry), each file's name, size and hash (its `file_attached` entry) and each consent of the
originating party (a `consent_recorded` entry). Verification rebuilds what the pages and the API
show from those entries and compares every shown field with the rows, so that a row edited,
typed in or deleted behind the platform is reported, naming the item and the field.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from jit import ledger
from jit.extensions import db
from jit.ledger.bundle import write_bundle
from jit.models import (
    CriminalCase,
    CustodyEvent,
    CustodyType,
    EvidenceConsent,
    EvidenceFile,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    Instruction,
    JointGroup,
    MemberRole,
    User,
)
from jit.models.types import utcnow
from jit.services import authz, files, ledgers, rate_limits
from jit.services import scope as group_scope  # a consent has a `scope` of its own
from jit.services import values as storable
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from jit.services.pagination import Page, paginate

T = CustodyType
TEXT_LIMITS = {"title": 300, "obtained_place": 300, "obtained_under": 300, "description": 20000}
NOTE_LIMIT = 20000
PLACE_LIMIT = 300
# Moves of the item itself: only its current custodian (or the group head) makes them.
CUSTODIAL = frozenset({T.TRANSFERRED, T.SEALED, T.RETURNED, T.DISPOSED})
# What a member may record through the custody endpoint (registration and files have their own).
RECORDABLE = frozenset({T.TRANSFERRED, T.EXAMINED, T.HASH_VERIFIED, T.SEALED, T.RETURNED, T.DISPOSED,
                        T.CORRECTION})
# An item returned or disposed of is gone: only a correction can still be recorded.
GONE = frozenset({EvidenceStatus.RETURNED, EvidenceStatus.DISPOSED})


def ledger_name(group_id: int) -> str:
    return f"evidence/{group_id}"


def _person(user: User | None) -> dict | None:
    return None if user is None else {"id": user.id, "username": user.username, "full_name": user.full_name}


def _now() -> datetime:
    """The moment an event is recorded, as its ledger entry holds it (whole seconds, UTC)."""
    return utcnow().replace(microsecond=0)


# --- who may do what -----------------------------------------------------------------------

def in_group(user_id: int | None, group: JointGroup) -> bool:
    """A current member of one of the group's teams, or its head."""
    return user_id is not None and (user_id == group.head_id or user_id in group_scope.current_members(group))


def _require_member(actor: User, group: JointGroup) -> None:
    """Observers (legal officers, admins) read the evidence; only the group's people record it."""
    if not in_group(actor.id, group):
        raise Forbidden(_l("Only members of the group record evidence."))


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
        return Conflict(_l("The item has no use conditions: no consent is needed."), code="no_use_conditions")
    designee = consent_designee(item)
    if user is None or not (_heads_team(user.id, item) or (designee is not None and designee.id == user.id)):
        return Forbidden(_l("Only the national head of the %(party)s team, or the member they designate for "
                            "this item, records %(party)s's consent.", party=item.party_code))
    return None


def may_record_consent(user: User | None, item: EvidenceItem) -> bool:
    """Whether `user` may record the originating party's consent to the item (the page asks)."""
    return _consent_refusal(user, item) is None


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
    item = db.session.get(EvidenceItem, item_id)
    actor, _ = authz.require_group(actor, item.group if item else None)
    note(object_type="evidence", object_id=item.id, group_id=item.group_id)
    if for_change:
        _require_member(actor, item.group)
        group_scope.require_workable(item.group)
        _lock_group(item.group_id)
        db.session.refresh(item)
    return actor, item


# --- the chain -----------------------------------------------------------------------------

@dataclass
class _Change:
    """What a custody event records beyond its type; `to` is the custodian after it (unchanged by default)."""

    to: Any = ...
    to_external: str | None = None
    place: str = ""
    note: str = ""
    refers_to: int | None = None
    instruction_id: int | None = None
    file: EvidenceFile | None = None
    verified: bool | None = None
    registered: dict | None = None
    consent: dict | None = None
    status: EvidenceStatus | None = None
    extra: dict = field(default_factory=dict)


def _entry(item: EvidenceItem, seq: int, kind: CustodyType, actor: User, before: User | None,
           after: User | None, at: datetime, change: _Change) -> dict:
    """The ledger entry of one custody event: its bytes are the contract (API.md "Ledger format")."""
    note_text = change.note if change.to_external is None else f"to: {change.to_external}\n{change.note}".strip()
    return {
        "v": 1, "ledger": ledger_name(item.group_id), "group_id": item.group_id, "evidence_id": item.id,
        "evidence_number": item.number, "seq": seq, "type": kind.value, "actor": _person(actor),
        "from": _person(before), "to": _person(after), "at": at.isoformat(), "time_zone": actor.time_zone,
        "place": change.place, "note": note_text, "sha256s": sorted(f.sha256 for f in item.files),
        "file": None if change.file is None else {"name": change.file.name, "size": change.file.size,
                                                   "sha256": change.file.sha256},
        "refers_to": change.refers_to, "instruction_id": change.instruction_id, "verified": change.verified,
        "item": change.registered,
        # Only a consent's entry has the key: the entries of the other events keep their first form.
        **({} if change.consent is None else {"consent": change.consent}),
    }


def _append(item: EvidenceItem, actor: User, kind: CustodyType, change: _Change,
            at: datetime | None = None) -> CustodyEvent:
    """Record the next event of the item's chain and its ledger leaf, in the caller's transaction;
    `at` is the moment the rows it records (an item, a file, a consent) were given."""
    seq = (db.session.scalar(select(func.max(CustodyEvent.seq)).where(CustodyEvent.item_id == item.id)) or 0) + 1
    before = item.custodian
    after = before if change.to is ... else change.to
    at = at or _now()
    entry = _entry(item, seq, kind, actor, before, after, at, change)
    leaf_index, leaf = ledgers.append(ledger_name(item.group_id), entry)
    event = CustodyEvent(
        group_id=item.group_id, item_id=item.id, seq=seq, type=kind.value, actor_id=actor.id,
        from_user_id=before.id if before else None, to_user_id=after.id if after else None,
        to_external=change.to_external, at=at, time_zone=actor.time_zone, place=change.place, note=change.note,
        sha256s=entry["sha256s"], refers_to=change.refers_to, instruction_id=change.instruction_id,
        leaf_index=leaf_index, leaf_hash=leaf.hex(), entry=entry)
    db.session.add(event)
    item.custodian = after
    if change.status is not None:
        item.status = change.status
    db.session.flush()
    note(seq=seq, type=kind.value, leaf_index=leaf_index)
    topic = kind.value if kind in (T.REGISTERED, T.FILE_ATTACHED, T.CONSENT_RECORDED) else "custody"
    group_scope.announce(item.group, f"evidence.{topic}", {
        "evidence_id": item.id, "number": item.number, "seq": seq, "type": kind.value,
        "custodian_id": item.custodian_id, "status": item.status.value, **change.extra})
    return event


def _registration(item: EvidenceItem) -> dict:
    """What registering the item recorded: its `registered` ledger entry's `item`, and the export's."""
    return {
        "number": item.number, "case_id": item.case_id, "kind": item.kind.value, "title": item.title,
        "description": item.description, "obtained_at": item.obtained_at.isoformat(),
        "obtained_place": item.obtained_place, "obtained_under": item.obtained_under,
        "obtained_by": _person(item.obtained_by), "originating_party": item.party_code, "team_id": item.team_id,
        "use_conditions": item.use_conditions}


def _consent_record(consent: EvidenceConsent) -> dict:
    """What a `consent_recorded` entry holds of the consent (its recorder is the entry's actor)."""
    return {"party": consent.party_code, "reference": consent.reference, "dated": consent.dated.isoformat(),
            "scope": consent.scope, "recorded_at": consent.recorded_at.isoformat()}


# --- reading -------------------------------------------------------------------------------

@use_case("evidence.list")
def list_items(actor: User | None, group_id: int, *, case_id: int | None = None, party: str | None = None,
               kind: str | None = None, custodian_id: int | None = None, limit: int | None = None,
               cursor: str | None = None) -> Page:
    """The group's evidence register, in the order it was registered."""
    _, group = group_scope.load_visible(actor, group_id)
    stmt = select(EvidenceItem).where(EvidenceItem.group_id == group.id).options(
        selectinload(EvidenceItem.files), selectinload(EvidenceItem.custodian), selectinload(EvidenceItem.consents))
    if kind:
        if kind not in {k.value for k in EvidenceKind}:
            raise Invalid(fields={"kind": _l("Not a kind of evidence.")})
        stmt = stmt.where(EvidenceItem.kind == EvidenceKind(kind))
    if case_id is not None:
        stmt = stmt.where(EvidenceItem.case_id == case_id)
    if party:
        stmt = stmt.where(EvidenceItem.party_code == party.upper())
    if custodian_id is not None:
        stmt = stmt.where(EvidenceItem.custodian_id == custodian_id)
    return paginate(stmt, EvidenceItem.id, limit=limit, cursor=cursor)


@use_case("evidence.read")
def get_item(actor: User | None, item_id: int) -> EvidenceItem:
    return _load(actor, item_id)[1]


@use_case("evidence.custody_read")
def custody(actor: User | None, item_id: int) -> list[CustodyEvent]:
    """The item's chain of custody, oldest first."""
    return _load(actor, item_id)[1].events


@use_case("evidence.file_read")
def file_content(actor: User | None, item_id: int, file_id: int) -> tuple[EvidenceFile, BinaryIO]:
    """One of the item's files and its bytes, streamed from the store."""
    _, item = _load(actor, item_id)
    evidence_file = next((f for f in item.files if f.id == file_id), None)
    if evidence_file is None:
        raise NotFound()
    note(file_id=file_id, sha256=evidence_file.sha256)
    return evidence_file, files.content_store().open(evidence_file.sha256)


# --- registering and files -----------------------------------------------------------------

def _check_registration(group: JointGroup, values: dict) -> dict:
    problems = {name: problem for name, limit in TEXT_LIMITS.items()
                if (problem := storable.text_problem(values.get(name), limit, required=name != "description"))}
    if values.get("kind") not in {k.value for k in EvidenceKind}:
        problems["kind"] = _l("One of: %(values)s.", values=", ".join(k.value for k in EvidenceKind))
    case = db.session.get(CriminalCase, values.get("case_id")) if values.get("case_id") else None
    if case is None or case.group_id != group.id:
        problems["case_id"] = _l("Not a criminal case of this group.")
    obtained_at = values.get("obtained_at")
    if not isinstance(obtained_at, datetime) or obtained_at.tzinfo is None:
        problems["obtained_at"] = _l("A time with its offset, e.g. 2025-11-11T09:30:00+06:00.")
    elif obtained_at > utcnow():
        problems["obtained_at"] = _l("Cannot be in the future.")
    return problems


@use_case("evidence.register")
def register(actor: User | None, group_id: int, *, case_id: int, title: str, kind: str, obtained_at: datetime,
             obtained_place: str, obtained_under: str, description: str = "",
             use_conditions: str | None = None) -> EvidenceItem:
    """A member registers an item their team obtained; it is numbered per party within the group
    and the registering member becomes its first custodian."""
    actor, group = group_scope.load_visible(actor, group_id)
    membership = authz.current_membership(actor, group)
    if membership is None:
        raise Forbidden(_l("Only members of a national team register the evidence their team obtained."))
    group_scope.require_workable(group)
    _throttle(actor)
    values = {"case_id": case_id, "title": title, "kind": kind, "obtained_at": obtained_at,
              "obtained_place": obtained_place, "obtained_under": obtained_under, "description": description}
    problems = _check_registration(group, values)
    if problems:
        raise Invalid(fields=problems)
    _lock_group(group.id)
    party = membership.team.party_code
    count = db.session.scalar(select(func.count(EvidenceItem.id)).where(
        EvidenceItem.group_id == group.id, EvidenceItem.party_code == party))
    at = _now()
    item = EvidenceItem(
        group=group, case_id=case_id, number=f"{party}-{count + 1:04d}", kind=EvidenceKind(kind),
        title=title.strip(), description=(description or "").strip(), obtained_by_id=actor.id,
        obtained_at=obtained_at.astimezone(UTC).replace(microsecond=0),
        obtained_place=obtained_place.strip(), obtained_under=obtained_under.strip(), party_code=party,
        team_id=membership.team_id, use_conditions=(use_conditions or "").strip() or None, created_by_id=actor.id,
        created_at=at)
    db.session.add(item)
    db.session.flush()
    note(object_type="evidence", object_id=item.id, number=item.number)
    _append(item, actor, T.REGISTERED, _Change(to=actor, registered=_registration(item)), at=at)
    return item


@use_case("evidence.file_attach")
def attach_file(actor: User | None, item_id: int, *, filename: str | None, stream: BinaryIO,
                place: str = "", note_text: str = "", declared_size: int | None = None) -> EvidenceFile:
    """Store an uploaded file under its SHA-256 and record it in the chain (equal files are stored once).
    A file that arrives short of its `declared_size` (or cut off) is refused: nothing stored or recorded."""
    actor, item = _load(actor, item_id, for_change=True)
    _require_present(item, T.FILE_ATTACHED)
    if item.status == EvidenceStatus.SEALED:
        raise Conflict(_l("The item is sealed: files cannot be added to it."))
    change = _Change(place=_short(place, "place", PLACE_LIMIT), note=_short(note_text, "note", NOTE_LIMIT))
    _throttle(actor)  # before the body is read
    name, stored = files.store_upload(filename, stream, declared_size=declared_size)
    at = _now()
    change.file = EvidenceFile(name=name, size=stored.size, sha256=stored.sha256, uploaded_by_id=actor.id,
                               uploaded_at=at)
    item.files.append(change.file)
    db.session.flush()
    change.extra = {"file_id": change.file.id}
    _append(item, actor, T.FILE_ATTACHED, change, at=at)
    return change.file


def _short(text: str | None, name: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise Invalid(fields={name: storable.too_long(limit)})
    return text


def _require_present(item: EvidenceItem, kind: CustodyType) -> None:
    if item.status in GONE and kind != T.CORRECTION:
        raise Conflict(_l("The item was %(status)s: only a correction can still be recorded.",
                          status=item.status.value))


# --- custody -------------------------------------------------------------------------------

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


@use_case("evidence.custody_record")
def record_event(actor: User | None, item_id: int, *, type: str, place: str = "", note_text: str = "",
                 to_user_id: int | None = None, to_external: str | None = None, refers_to: int | None = None,
                 instruction_id: int | None = None) -> CustodyEvent:
    """Append one event to the item's chain. Moves of the item (transfer, seal, return, disposal) are
    its current custodian's or the group head's; examinations, checks and corrections any member's."""
    actor, item = _load(actor, item_id, for_change=True)
    try:
        kind = CustodyType(type)
    except ValueError:
        kind = None
    if kind not in RECORDABLE:
        raise Invalid(fields={"type": _l("One of: %(values)s.", values=", ".join(sorted(t.value for t in RECORDABLE)))})
    _require_present(item, kind)
    if kind in CUSTODIAL and actor.id not in (item.custodian_id, item.group.head_id):
        raise Forbidden(_l("Only the item's current custodian or the group head can do this."))
    _throttle(actor)
    change = _Change(place=_short(place, "place", PLACE_LIMIT), note=_short(note_text, "note", NOTE_LIMIT))
    if kind == T.CORRECTION:
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
    if kind == T.TRANSFERRED:
        _transfer(item, change, to_user_id, to_external)
    elif to_user_id is not None or to_external:
        raise Invalid(fields={"to_user_id": _l("Only a transfer names a recipient.")})
    if kind == T.SEALED:
        if item.status == EvidenceStatus.SEALED:
            raise Conflict(_l("The item is already sealed."))
        change.status = EvidenceStatus.SEALED
    if kind in (T.RETURNED, T.DISPOSED):
        change.to, change.status = None, EvidenceStatus(kind.value)
    if kind == T.HASH_VERIFIED:
        change.verified = _hashes_match(item)
    return _append(item, actor, kind, change)


def verify_files(actor: User | None, item_id: int, *, place: str = "", note_text: str = "") -> CustodyEvent:
    """Re-hash the item's files now and record the result as a `hash_verified` event."""
    return record_event(actor, item_id, type=T.HASH_VERIFIED.value, place=place, note_text=note_text)


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
    _require_present(item, T.CONSENT_RECORDED)
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
    _append(item, actor, T.CONSENT_RECORDED, _Change(consent=_consent_record(consent),
                                                     extra={"consent_id": consent.id}),
            at=recorded_at.replace(microsecond=0))
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


# --- the group's ledger --------------------------------------------------------------------

def _ledger_of(actor: User | None, group_id: int) -> str:
    group_scope.load_visible(actor, group_id)
    name = ledger_name(group_id)
    note(object_type="ledger", object_id=name)
    return name


@use_case("evidence.ledger_checkpoint")
def checkpoint(actor: User | None, group_id: int):
    """The signed head of the group's evidence ledger (a new signature only when it has grown)."""
    name = _ledger_of(actor, group_id)
    if ledgers.size(name) == 0:
        raise Conflict(_l("No custody event has been recorded in this group yet."))
    return ledgers.latest_checkpoint(name)


@use_case("evidence.ledger_entries")
def entries(actor: User | None, group_id: int, start: int, end: int | None) -> list[CustodyEvent]:
    """The exact entries the tree is built from, leaves start ≤ i < end (at most 500 at a time)."""
    _ledger_of(actor, group_id)
    end = start + 500 if end is None else end
    if not 0 <= start <= end or end - start > 500:
        raise Invalid(fields={"end": _l("From start, at most %(n)s entries.", n=500)})
    return list(db.session.scalars(select(CustodyEvent).where(
        CustodyEvent.group_id == group_id, CustodyEvent.leaf_index >= start, CustodyEvent.leaf_index < end)
        .order_by(CustodyEvent.leaf_index)))


@use_case("evidence.ledger_inclusion")
def inclusion(actor: User | None, group_id: int, leaf_index: int, tree_size: int) -> dict:
    return ledgers.inclusion_answer(_ledger_of(actor, group_id), leaf_index, tree_size)


@use_case("evidence.ledger_consistency")
def consistency(actor: User | None, group_id: int, first: int, second: int) -> dict:
    return ledgers.consistency_answer(_ledger_of(actor, group_id), first, second)


# --- the export bundle ---------------------------------------------------------------------

def _exported(item: EvidenceItem) -> dict:
    """An item as the bundle's items.json and report show it: as registered, and as it is now."""
    return {
        "id": item.id, **_registration(item), "custodian": _person(item.custodian), "status": item.status.value,
        "files": [{"id": f.id, "name": f.name, "size": f.size, "sha256": f.sha256} for f in item.files],
        "consents": [{"party": c.party_code, "reference": c.reference, "dated": c.dated.isoformat(),
                      "scope": c.scope} for c in item.consents]}


@use_case("evidence.export")
def export_bundle(actor: User | None, group_id: int) -> tuple[str, BinaryIO]:
    """The group's evidence as a bundle a court checks without the platform (`jit.ledger.bundle`):
    its file name and the finished zip, open for reading. Whoever may read the group's evidence and
    ledger exports it (its members, and the legal officers and admins who observe the group: the
    bundle holds nothing those reads do not), unless an item may not leave the group (AGR-USE).
    The zip is an anonymous temporary file, gone once closed: nothing half-written is served or kept."""
    _, group = group_scope.load_visible(actor, group_id)
    _lock_group(group_id)  # writers wait, so the ledger, the items and their files agree with each other
    items = db.session.scalars(select(EvidenceItem).where(EvidenceItem.group_id == group_id).options(
        selectinload(EvidenceItem.files), selectinload(EvidenceItem.custodian), selectinload(EvidenceItem.consents),
        selectinload(EvidenceItem.obtained_by)).order_by(EvidenceItem.id)).all()
    require_consent_to_leave(_l("Export of the evidence"), *items)
    signed = checkpoint(actor, group_id)
    entries = list(db.session.scalars(select(CustodyEvent.entry).where(CustodyEvent.group_id == group_id)
                                      .order_by(CustodyEvent.leaf_index)))
    store = files.content_store()
    folder = store.root / "exports"  # beside the files it copies, not in a possibly small /tmp
    folder.mkdir(parents=True, exist_ok=True)
    bundle = tempfile.TemporaryFile(dir=folder, suffix=".zip")  # noqa: SIM115 (the door's response closes it)
    try:
        write_bundle(bundle, checkpoint={
            "ledger": signed.ledger, "tree_size": signed.tree_size, "root_hash": signed.root_hash,
            "signed_at": signed.signed_at, "signature": signed.signature, "public_key": signed.public_key,
        }, entries=entries, items=[_exported(item) for item in items],
            files={f.sha256: store.path(f.sha256) for item in items for f in item.files},
            generated_at=utcnow().replace(microsecond=0).isoformat())
    except BaseException as failure:
        bundle.close()
        if isinstance(failure, ValueError | FileNotFoundError):  # the writer refuses what would not verify
            raise Conflict(_l("The stored evidence does not verify, so no bundle is made: %(problem)s",
                              problem=str(failure)), code="evidence_broken") from None
        raise
    bundle.seek(0)
    note(items=len(items), events=len(entries), tree_size=signed.tree_size)
    return f"evidence-{group.code}-{group_scope.today().isoformat()}.zip", bundle


# --- verification --------------------------------------------------------------------------

@dataclass
class Verification:
    ok: bool
    checked: int
    problem: str | None = None
    first_broken_index: int | None = None
    files_checked: int = 0


# Times the ledger holds beside a row's own: equal for rows written since consents were ledgered;
# an item's `created_at` and a file's `uploaded_at` written before then were taken a moment
# before their event's time, always within this.
_SLACK = timedelta(seconds=2)
# What an item's status is after an event of each type (transfers depend on where they go).
_STATUS_AFTER = {T.REGISTERED.value: EvidenceStatus.HELD.value, T.SEALED.value: EvidenceStatus.SEALED.value,
                 T.RETURNED.value: EvidenceStatus.RETURNED.value, T.DISPOSED.value: EvidenceStatus.DISPOSED.value}


def _near(moment: datetime | None, recorded) -> bool:
    try:
        return moment is not None and abs(moment - datetime.fromisoformat(recorded)) <= _SLACK
    except (TypeError, ValueError):
        return False


def _status_after(status: str | None, entry: dict) -> str | None:
    if entry["type"] == T.TRANSFERRED.value:
        if entry["to"] is None:
            return EvidenceStatus.HANDED_OVER.value
        return EvidenceStatus.HELD.value if status == EvidenceStatus.HANDED_OVER.value else status
    return _STATUS_AFTER.get(entry["type"], status)


@dataclass
class _Followed:
    """One item as its chain of custody, read from the ledger's entries, makes it."""

    seq: int = 0
    number: str | None = None
    custodian: int | None = None
    status: str | None = None
    sha256s: list = field(default_factory=list)
    registration: dict = field(default_factory=dict)
    registered_at: str | None = None
    files: list = field(default_factory=list)  # (seq, entry's file, actor id, at)
    consents: list = field(default_factory=list)  # (seq, entry's consent, actor id)


def _person_id(person) -> int | None:
    return person.get("id") if isinstance(person, dict) else None


class _Chains:
    """Follows every item's events in ledger order and says what does not add up: a row whose shown
    fields differ from its entry, a gap in an item's seq, a custodian that does not follow on; then,
    per item, every field the pages and the API show that differs from what the entries recorded
    (its registration, custodian, status, files and consents)."""

    def __init__(self, group_id: int):
        self.group_id = group_id
        self.items: dict[int, _Followed] = {}

    def problem(self, row) -> str | None:
        entry = row.entry
        followed = self.items.setdefault(row.item_id, _Followed())
        if not isinstance(entry, dict):
            return "its ledger entry is not an object"
        expected = {"ledger": ledger_name(self.group_id), "group_id": self.group_id, "evidence_id": row.item_id,
                    "seq": row.seq, "type": row.type, "refers_to": row.refers_to,
                    "instruction_id": row.instruction_id, "sha256s": row.sha256s,
                    "at": row.at.isoformat() if row.at else None, "time_zone": row.time_zone, "place": row.place}
        for key, value in expected.items():
            if entry.get(key) != value:
                return f"its {key} differs from the ledger entry"
        people = {"actor": row.actor_id, "from": row.from_user_id, "to": row.to_user_id}
        for key, user_id in people.items():
            if _person_id(entry.get(key)) != user_id:
                return f"its {key} differs from the ledger entry"
        # A hand-over outside the group keeps the holder in the entry's note ("to: ...").
        shown = row.note if row.to_external is None else f"to: {row.to_external}\n{row.note}".strip()
        if shown != entry.get("note"):
            external = row.to_external is not None or (row.type == T.TRANSFERRED.value and row.to_user_id is None)
            holder_line = (entry.get("note") or "").split("\n", 1)[0]
            if external and holder_line != f"to: {row.to_external}":
                return "its to_external differs from the ledger entry"
            return "its note differs from the ledger entry"
        if row.seq != followed.seq + 1 or (row.seq == 1) != (row.type == T.REGISTERED.value):
            return f"event {followed.seq + 1} of the item is missing"
        if row.seq > 1 and row.from_user_id != followed.custodian:
            return "its custodian before the event is not the one the chain left"
        if row.seq > 1 and entry.get("evidence_number") != followed.number:
            return "its evidence_number differs from the item's registration in the ledger"
        followed.seq, followed.custodian, followed.sha256s = row.seq, row.to_user_id, row.sha256s
        followed.status = _status_after(followed.status, entry)
        if row.type == T.REGISTERED.value:
            followed.number, followed.registered_at = entry.get("evidence_number"), entry["at"]
            followed.registration = entry.get("item") if isinstance(entry.get("item"), dict) else {}
        elif row.type == T.FILE_ATTACHED.value:
            followed.files.append((row.seq, entry.get("file") or {}, row.actor_id, entry["at"]))
        elif row.type == T.CONSENT_RECORDED.value:
            followed.consents.append((row.seq, entry.get("consent") or {}, row.actor_id))
        return None

    def item_problem(self, item: EvidenceItem) -> str | None:
        followed = self.items.get(item.id)
        if followed is None or followed.seq == 0:
            return "has no custody events"
        shown = _registration(item)
        for key, value in shown.items():
            recorded = followed.registration.get(key)
            if key == "obtained_by":  # a person: the id is the record, the name the registry's
                value, recorded = _person_id(value), _person_id(recorded)
            if value != recorded:
                return f"its {key} differs from its registration in the ledger (event 1)"
        if not _near(item.created_at, followed.registered_at):
            return "its created_at differs from its registration in the ledger (event 1)"
        if item.custodian_id != followed.custodian:
            return "its recorded custodian is not the one its custody chain ends with"
        if item.status.value != followed.status:
            return f"its status is {item.status.value}, but its custody chain leaves it {followed.status}"
        problem = self._files_problem(item, followed)
        if problem is None and sorted(f.sha256 for f in item.files) != sorted(followed.sha256s):
            problem = "its files are not the ones its custody chain records"
        return problem or self._consents_problem(item, followed)

    @staticmethod
    def _files_problem(item: EvidenceItem, followed: _Followed) -> str | None:
        """Each file row is the one its `file_attached` entry recorded, in the same order."""
        rows, recorded = list(item.files), followed.files
        shown = [(f.name, f.size, f.sha256) for f in rows]
        entries = [(file.get("name"), file.get("size"), file.get("sha256")) for _, file, _, _ in recorded]
        if len(rows) < len(recorded):
            seq, file, _, _ = next((r for r, key in zip(recorded, entries, strict=True) if key not in shown),
                                   recorded[len(rows)])
            return f"the file {file.get('name')!r} attached in event {seq} is missing"
        if len(rows) > len(recorded):
            extra = next((f for f, key in zip(rows, shown, strict=True) if key not in entries), rows[len(recorded)])
            return f"its file {extra.name!r} (id {extra.id}) is not recorded in its chain of custody"
        for evidence_file, (seq, file, actor_id, at) in zip(rows, recorded, strict=True):
            differs = [key for key in ("name", "size", "sha256") if getattr(evidence_file, key) != file.get(key)]
            if evidence_file.uploaded_by_id != actor_id:
                differs.append("uploaded_by")
            if not _near(evidence_file.uploaded_at, at):
                differs.append("uploaded_at")
            if differs:
                return (f"its file {evidence_file.name!r} (id {evidence_file.id}): its {differs[0]} differs from "
                        f"the one recorded in event {seq}")
        return None

    @staticmethod
    def _consents_problem(item: EvidenceItem, followed: _Followed) -> str | None:
        """Each consent row is the one its `consent_recorded` entry recorded, in the same order."""
        rows = [_consent_record(consent) | {"recorded_by": consent.recorded_by_id} for consent in item.consents]
        recorded = [(seq, {**consent, "recorded_by": actor_id}) for seq, consent, actor_id in followed.consents]
        if len(rows) < len(recorded):
            seq, entry = next(((seq, entry) for seq, entry in recorded if entry not in rows), recorded[len(rows)])
            return f"the consent {entry.get('reference')!r} recorded in event {seq} is missing"
        if len(rows) > len(recorded):
            extra = next((row for row in rows if row not in [entry for _, entry in recorded]), rows[len(recorded)])
            return f"its consent {extra['reference']!r} is not recorded in its chain of custody"
        for row, (seq, entry) in zip(rows, recorded, strict=True):
            for key, value in row.items():
                if entry.get(key) != value:
                    return f"its consent {entry.get('reference')!r} (event {seq}): its {key} differs from the ledger"
        return None


def _event_rows(group_id: int, item_id: int | None = None):
    table = CustodyEvent.__table__
    stmt = select(table.c.item_id, table.c.seq, table.c.type, table.c.actor_id, table.c.from_user_id,
                  table.c.to_user_id, table.c.to_external, table.c.at, table.c.time_zone, table.c.place,
                  table.c.note, table.c.refers_to, table.c.instruction_id, table.c.sha256s,
                  table.c.leaf_index, table.c.leaf_hash, table.c.entry).where(table.c.group_id == group_id)
    if item_id is not None:
        stmt = stmt.where(table.c.item_id == item_id)
    return db.session.execute(stmt.order_by(table.c.leaf_index).execution_options(yield_per=5000))


def _items_of(group_id: int) -> list[EvidenceItem]:
    return db.session.scalars(select(EvidenceItem).where(EvidenceItem.group_id == group_id).options(
        selectinload(EvidenceItem.files), selectinload(EvidenceItem.consents)).order_by(EvidenceItem.id)).all()


def verify_chains(group_id: int, *, with_files: bool = True) -> Verification:
    """Recompute the group's evidence ledger from the stored events, check every item's chain and
    every field shown of it against the ledger's entries, and (with_files) re-hash every stored
    file; name the first broken entry, or the item and the field."""
    chains = _Chains(group_id)
    broken: list[tuple[int, str]] = []
    numbers = dict(db.session.execute(select(EvidenceItem.id, EvidenceItem.number)
                                      .where(EvidenceItem.group_id == group_id)).all())

    def leaves():
        for row in _event_rows(group_id):
            problem = chains.problem(row)
            if problem and not broken:
                broken.append((row.leaf_index, f"entry {row.leaf_index} ({numbers.get(row.item_id, '?')} event "
                                               f"{row.seq}): {problem}"))
            yield row.leaf_index, row.entry, row.leaf_hash

    result = ledgers.verify(ledger_name(group_id), leaves())
    if broken and (result.ok or broken[0][0] < result.first_broken_index):
        return Verification(False, broken[0][0], broken[0][1], broken[0][0])
    if not result.ok:
        row = db.session.execute(select(CustodyEvent.item_id, CustodyEvent.seq).where(
            CustodyEvent.group_id == group_id, CustodyEvent.leaf_index == result.first_broken_index)).first()
        where = f" ({numbers.get(row.item_id, '?')} event {row.seq})" if row else ""
        return Verification(False, result.checked, result.problem + where, result.first_broken_index)
    items = _items_of(group_id)
    for item in items:
        problem = chains.item_problem(item)
        if problem:
            return Verification(False, result.checked, f"{item.number}: {problem}")
    missing = sorted(chains.items.keys() - {item.id for item in items})
    if missing:
        number = chains.items[missing[0]].number or f"id {missing[0]}"
        return Verification(False, result.checked, f"{number}: the item its chain of custody records is missing")
    checked_files = 0
    if with_files:
        store, seen = files.content_store(), set()
        for item in items:
            for evidence_file in item.files:
                if evidence_file.sha256 in seen:
                    continue
                seen.add(evidence_file.sha256)
                checked_files += 1
                try:
                    intact = store.rehash(evidence_file.sha256) == evidence_file.sha256
                except FileNotFoundError:
                    intact = False
                if not intact:
                    return Verification(False, result.checked, f"{item.number}: the stored bytes of file "
                                        f"{evidence_file.name!r} no longer hash to {evidence_file.sha256}",
                                        files_checked=checked_files)
    return Verification(True, result.checked, files_checked=checked_files)


def verify_item_chain(item: EvidenceItem) -> str | None:
    """Why the item does not verify (None: it does): each event's entry hashes to its leaf in the
    group's tree, the chain adds up, and every field shown of the item, its events, files and
    consents is the one the ledger holds. Files are re-hashed only on request."""
    chains = _Chains(item.group_id)
    rows = list(_event_rows(item.group_id, item.id))
    name = ledger_name(item.group_id)
    stored = ledgers.leaves_at(name, [row.leaf_index for row in rows])
    for row in rows:
        leaf = ledger.leaf_hash(ledger.canonical(row.entry))
        if leaf.hex() != row.leaf_hash or stored.get(row.leaf_index) != leaf:
            return f"event {row.seq} does not match its ledger leaf"
        problem = chains.problem(row)
        if problem:
            return f"event {row.seq}: {problem}"
    return chains.item_problem(item)


@use_case("evidence.verify_group")
def verify_group(actor: User | None, group_id: int) -> Verification:
    """Anyone who may see the group checks its whole evidence ledger, every chain and every file."""
    group_scope.load_visible(actor, group_id)
    return verify_chains(group_id)


def groups_with_evidence() -> list[int]:
    return list(db.session.scalars(select(EvidenceItem.group_id).distinct().order_by(EvidenceItem.group_id)))

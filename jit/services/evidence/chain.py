"""The chain of custody: every event of an item, numbered by its `seq`, is appended in the same
transaction to the group's ledger `evidence/<gid>` (API.md "Ledger format") with the exact entry
`_entry` builds; the current custodian is derived from the events."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from jit.extensions import db
from jit.models import CustodyEvent, CustodyType, EvidenceConsent, EvidenceFile, EvidenceItem, EvidenceStatus, User
from jit.models.types import utcnow
from jit.services import ledgers, scope
from jit.services import values as storable
from jit.services.audit import note
from jit.services.errors import Invalid

# What an event records of where it happened and why (every event has both).
NOTE_LIMIT = 20000
PLACE_LIMIT = 300
# Events announced under a topic of their own (`evidence.<type>`); the others as `evidence.custody`.
OWN_TOPIC = frozenset({CustodyType.REGISTERED, CustodyType.FILE_ATTACHED, CustodyType.CONSENT_RECORDED})


def ledger_name(group_id: int) -> str:
    return f"evidence/{group_id}"


def _now() -> datetime:
    """The moment an event is recorded, as its ledger entry holds it (whole seconds, UTC)."""
    return utcnow().replace(microsecond=0)


def _short(text: str | None, name: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise Invalid(fields={name: storable.too_long(limit)})
    return text


class Custodian(enum.Enum):
    """`_Change.to` for an event that leaves the item with its custodian (None is a change: nobody
    in the group holds the item after it)."""

    UNCHANGED = "unchanged"


@dataclass
class _Change:
    """What a custody event records beyond its type; `to` is the custodian after it."""

    to: User | Custodian | None = Custodian.UNCHANGED
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
        "evidence_number": item.number, "seq": seq, "type": kind.value, "actor": scope.person(actor),
        "from": scope.person(before), "to": scope.person(after), "at": at.isoformat(), "time_zone": actor.time_zone,
        "place": change.place, "note": note_text, "sha256s": sorted(f.sha256 for f in item.files),
        "file": None if change.file is None else {"name": change.file.name, "size": change.file.size,
                                                   "sha256": change.file.sha256},
        "refers_to": change.refers_to, "instruction_id": change.instruction_id, "verified": change.verified,
        "item": change.registered,
        # Only a consent's entry has the key (API.md "Ledger format" gives the other events' keys).
        **({} if change.consent is None else {"consent": change.consent}),
    }


def _append(item: EvidenceItem, actor: User, kind: CustodyType, change: _Change,
            at: datetime | None = None) -> CustodyEvent:
    """Record the next event of the item's chain and its ledger leaf, in the caller's transaction;
    `at` is the moment the rows it records (an item, a file, a consent) were given."""
    seq = (db.session.scalar(select(func.max(CustodyEvent.seq)).where(CustodyEvent.item_id == item.id)) or 0) + 1
    before = item.custodian
    after = before if change.to is Custodian.UNCHANGED else change.to
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
    topic = kind.value if kind in OWN_TOPIC else "custody"
    scope.announce(item.group, f"evidence.{topic}", {
        "evidence_id": item.id, "number": item.number, "seq": seq, "type": kind.value,
        "custodian_id": item.custodian_id, "status": item.status.value, **change.extra})
    return event


def _registration(item: EvidenceItem) -> dict:
    """What registering the item recorded: its `registered` ledger entry's `item`, and the export's."""
    return {
        "number": item.number, "case_id": item.case_id, "kind": item.kind.value, "title": item.title,
        "description": item.description, "obtained_at": item.obtained_at.isoformat(),
        "obtained_place": item.obtained_place, "obtained_under": item.obtained_under,
        "obtained_by": scope.person(item.obtained_by), "originating_party": item.party_code, "team_id": item.team_id,
        "use_conditions": item.use_conditions}


def _consent_record(consent: EvidenceConsent) -> dict:
    """What a `consent_recorded` entry holds of the consent (its recorder is the entry's actor)."""
    return {"party": consent.party_code, "reference": consent.reference, "dated": consent.dated.isoformat(),
            "scope": consent.scope, "recorded_at": consent.recorded_at.isoformat()}

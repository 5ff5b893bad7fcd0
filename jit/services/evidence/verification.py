"""Verification: the group's evidence ledger is recomputed from the stored events, every item's
chain is followed, and every field the pages and the API show is compared with what the ledger's
entries recorded, so that a row edited, typed in or deleted behind the platform is reported,
naming the item and the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit import ledger
from jit.extensions import db
from jit.models import CustodyEvent, CustodyType, EvidenceItem, EvidenceStatus, User
from jit.services import files, ledgers, scope
from jit.services.audit import use_case
from jit.services.evidence.chain import _consent_record, _registration, ledger_name


@dataclass
class Verification(ledgers.Verification):
    """A ledger's verification, and how many of the group's stored files were re-hashed."""

    files_checked: int = 0


# How far an item's `created_at` or a file's `uploaded_at` may lie from its event's time in the
# ledger: some stored rows took them a moment before their event was timed, never longer than this.
_SLACK = timedelta(seconds=2)
# What an item's status is after an event of each type (transfers depend on where they go).
_STATUS_AFTER = {CustodyType.REGISTERED.value: EvidenceStatus.HELD.value,
                 CustodyType.SEALED.value: EvidenceStatus.SEALED.value,
                 CustodyType.RETURNED.value: EvidenceStatus.RETURNED.value,
                 CustodyType.DISPOSED.value: EvidenceStatus.DISPOSED.value}


def _near(moment: datetime | None, recorded) -> bool:
    try:
        return moment is not None and abs(moment - datetime.fromisoformat(recorded)) <= _SLACK
    except (TypeError, ValueError):
        return False


def _status_after(status: str | None, entry: dict) -> str | None:
    if entry["type"] == CustodyType.TRANSFERRED.value:
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
            external = row.to_external is not None or (row.type == CustodyType.TRANSFERRED.value
                                                       and row.to_user_id is None)
            holder_line = (entry.get("note") or "").split("\n", 1)[0]
            if external and holder_line != f"to: {row.to_external}":
                return "its to_external differs from the ledger entry"
            return "its note differs from the ledger entry"
        if row.seq != followed.seq + 1 or (row.seq == 1) != (row.type == CustodyType.REGISTERED.value):
            return f"event {followed.seq + 1} of the item is missing"
        if row.seq > 1 and row.from_user_id != followed.custodian:
            return "its custodian before the event is not the one the chain left"
        if row.seq > 1 and entry.get("evidence_number") != followed.number:
            return "its evidence_number differs from the item's registration in the ledger"
        followed.seq, followed.custodian, followed.sha256s = row.seq, row.to_user_id, row.sha256s
        followed.status = _status_after(followed.status, entry)
        if row.type == CustodyType.REGISTERED.value:
            followed.number, followed.registered_at = entry.get("evidence_number"), entry["at"]
            followed.registration = entry.get("item") if isinstance(entry.get("item"), dict) else {}
        elif row.type == CustodyType.FILE_ATTACHED.value:
            followed.files.append((row.seq, entry.get("file") or {}, row.actor_id, entry["at"]))
        elif row.type == CustodyType.CONSENT_RECORDED.value:
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
    scope.load_visible(actor, group_id)
    return verify_chains(group_id)


def groups_with_evidence() -> list[int]:
    return list(db.session.scalars(select(EvidenceItem.group_id).distinct().order_by(EvidenceItem.group_id)))

"""Registering an item (numbered per party within the group, its registering member its first
custodian) and attaching its files, each stored under its SHA-256 and recorded in the chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import (
    CriminalCase,
    CustodyType,
    EvidenceFile,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    JointGroup,
    User,
)
from jit.models.types import utcnow
from jit.services import authz, files, scope
from jit.services import values as storable
from jit.services.audit import note, use_case
from jit.services.errors import Forbidden, Inapplicable, Invalid
from jit.services.evidence.access import _load, _lock_group, _present_refusal, _throttle
from jit.services.evidence.chain import NOTE_LIMIT, PLACE_LIMIT, _append, _Change, _now, _registration, _short

TEXT_LIMITS = {"title": 300, "obtained_place": 300, "obtained_under": 300, "description": 20000}


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
    actor, group = scope.load_visible(actor, group_id)
    membership = authz.current_membership(actor, group)
    if membership is None:
        raise Forbidden(_l("Only members of a national team register the evidence their team obtained."))
    scope.require_workable(group)
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
    _append(item, actor, CustodyType.REGISTERED, _Change(to=actor, registered=_registration(item)), at=at)
    return item


def _upload_refusals(item: EvidenceItem) -> list[authz.Refusal]:
    sealed = item.status == EvidenceStatus.SEALED
    return [_present_refusal(item, CustodyType.FILE_ATTACHED),
            Inapplicable(_l("The item is sealed: files cannot be added to it.")) if sealed else None]


@use_case("evidence.file_attach")
def attach_file(actor: User | None, item_id: int, *, filename: str | None, stream: BinaryIO,
                place: str = "", note_text: str = "", declared_size: int | None = None) -> EvidenceFile:
    """Store an uploaded file under its SHA-256 and record it in the chain (equal files are stored once).
    A file that arrives short of its `declared_size` (or cut off) is refused: nothing stored or recorded."""
    actor, item = _load(actor, item_id, for_change=True)
    authz.refuse(*_upload_refusals(item))
    change = _Change(place=_short(place, "place", PLACE_LIMIT), note=_short(note_text, "note", NOTE_LIMIT))
    _throttle(actor)  # before the body is read
    name, stored = files.store_upload(filename, stream, declared_size=declared_size)
    at = _now()
    change.file = EvidenceFile(name=name, size=stored.size, sha256=stored.sha256, uploaded_by_id=actor.id,
                               uploaded_at=at)
    item.files.append(change.file)
    db.session.flush()
    change.extra = {"file_id": change.file.id}
    _append(item, actor, CustodyType.FILE_ATTACHED, change, at=at)
    return change.file

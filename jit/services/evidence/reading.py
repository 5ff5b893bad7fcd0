"""Reading the group's evidence: its register, an item, its chain of custody and its files."""

from __future__ import annotations

from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit.models import CustodyEvent, EvidenceFile, EvidenceItem, EvidenceKind, User
from jit.services import files, notifications, scope
from jit.services.audit import note, use_case
from jit.services.errors import Invalid, NotFound
from jit.services.evidence.access import _load
from jit.services.pagination import Page, paginate


@use_case("evidence.list")
def list_items(actor: User | None, group_id: int, *, case_id: int | None = None, party: str | None = None,
               kind: str | None = None, custodian_id: int | None = None, limit: int | None = None,
               cursor: str | None = None) -> Page:
    """The group's evidence register, in the order it was registered."""
    _, group = scope.load_visible(actor, group_id)
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
    actor, item = _load(actor, item_id)
    notifications.opened(actor, item)
    return item


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

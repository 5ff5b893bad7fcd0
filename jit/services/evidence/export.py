"""The export bundle: the group's evidence, its ledger and its files in a zip a court checks without
the platform (`jit.ledger.bundle`)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.ledger.bundle import write_bundle
from jit.models import CustodyEvent, EvidenceItem, User
from jit.models.types import utcnow
from jit.services import files, scope
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, NotFound
from jit.services.evidence.access import _lock_group, may_leave_group, require_consent_to_leave
from jit.services.evidence.chain import _registration
from jit.services.evidence.ledger import checkpoint


def _exported(item: EvidenceItem) -> dict:
    """An item as the bundle's items.json and report show it: as registered, and as it is now."""
    return {
        "id": item.id, **_registration(item), "case_number": f"{item.case.party_code} {item.case.number}",
        "custodian": scope.person(item.custodian), "status": item.status.value,
        "files": [{"id": f.id, "name": f.name, "size": f.size, "sha256": f.sha256} for f in item.files],
        "consents": [{"party": c.party_code, "reference": c.reference, "dated": c.dated.isoformat(),
                      "scope": c.scope} for c in item.consents]}


def _withheld(item: EvidenceItem) -> dict:
    """A refused item as the bundle names it, the reason in both of its languages."""
    reason = _l("use conditions are set (%(conditions)s) and no consent of %(party)s is on file (AGR-USE)",
                conditions=item.use_conditions, party=item.party_code)
    in_both = []
    for locale in ("en", "ru"):
        with force_locale(locale):
            in_both.append(str(reason))
    return {"number": item.number, "reason": " / ".join(in_both)}


@dataclass
class Export:
    name: str
    bundle: BinaryIO  # the finished zip, open for reading
    withheld: list[str]  # the numbers of the items refused under AGR-USE


@use_case("evidence.export")
def export_bundle(actor: User | None, group_id: int, *, case_id: int | None = None,
                  item_ids: list[int] | None = None) -> Export:
    """The group's evidence, or one case's or the chosen items', as a bundle a court checks without the
    platform (`jit.ledger.bundle`). Whoever may read the group's evidence and ledger exports it (its
    members, and the legal officers and admins who observe the group: the bundle holds nothing those
    reads do not). An item that may not leave the group (AGR-USE) is withheld and named in the bundle;
    only when every chosen item is, the export is refused. The events of the items not exported are in
    the bundle by their hash only. The zip is an anonymous temporary file, gone once closed: nothing
    half-written is served or kept."""
    _, group = scope.load_visible(actor, group_id)
    _lock_group(group_id)  # writers wait, so the ledger, the items and their files agree with each other
    chosen = select(EvidenceItem).where(EvidenceItem.group_id == group_id)
    if case_id is not None:
        chosen = chosen.where(EvidenceItem.case_id == case_id)
    if item_ids is not None:
        chosen = chosen.where(EvidenceItem.id.in_(item_ids))
    items = db.session.scalars(chosen.options(
        selectinload(EvidenceItem.files), selectinload(EvidenceItem.custodian), selectinload(EvidenceItem.consents),
        selectinload(EvidenceItem.obtained_by), selectinload(EvidenceItem.case)).order_by(EvidenceItem.id)).all()
    if item_ids is not None and (unknown := set(item_ids) - {item.id for item in items}):
        raise NotFound(_l("No such evidence item in this group."),
                       fields={"item_ids": ", ".join(map(str, sorted(unknown)))})
    if (case_id is not None or item_ids is not None) and not items:
        raise Conflict(_l("No evidence item is chosen for the export."), code="nothing_chosen")
    held = [item for item in items if not may_leave_group(item)]
    if items and len(held) == len(items):
        require_consent_to_leave(_l("Export of the evidence"), *items)
    items = [item for item in items if may_leave_group(item)]
    signed = checkpoint(actor, group_id)
    entries = list(db.session.scalars(select(CustodyEvent.entry).where(CustodyEvent.group_id == group_id)
                                      .order_by(CustodyEvent.leaf_index)))
    exported = {item.id for item in items}
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
            generated_at=utcnow().replace(microsecond=0).isoformat(),
            left_out={entry["evidence_id"] for entry in entries} - exported,
            withheld=[_withheld(item) for item in held])
    except BaseException as failure:
        bundle.close()
        if isinstance(failure, ValueError | FileNotFoundError):  # the writer refuses what would not verify
            raise Conflict(_l("The stored evidence does not verify, so no bundle is made: %(problem)s",
                              problem=str(failure)), code="evidence_broken") from None
        raise
    bundle.seek(0)
    withheld = [item.number for item in held]
    note(items=len(items), events=len(entries), tree_size=signed.tree_size, withheld=", ".join(withheld))
    return Export(f"evidence-{group.code}-{scope.today().isoformat()}.zip", bundle, withheld)

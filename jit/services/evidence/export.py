"""The export bundle: the group's evidence, its ledger and its files in a zip a court checks without
the platform (`jit.ledger.bundle`)."""

from __future__ import annotations

import tempfile
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.ledger.bundle import write_bundle
from jit.models import CustodyEvent, EvidenceItem, User
from jit.models.types import utcnow
from jit.services import files, scope
from jit.services.audit import note, use_case
from jit.services.errors import Conflict
from jit.services.evidence.access import _lock_group, require_consent_to_leave
from jit.services.evidence.chain import _registration
from jit.services.evidence.ledger import checkpoint


def _exported(item: EvidenceItem) -> dict:
    """An item as the bundle's items.json and report show it: as registered, and as it is now."""
    return {
        "id": item.id, **_registration(item), "custodian": scope.person(item.custodian), "status": item.status.value,
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
    _, group = scope.load_visible(actor, group_id)
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
    return f"evidence-{group.code}-{scope.today().isoformat()}.zip", bundle

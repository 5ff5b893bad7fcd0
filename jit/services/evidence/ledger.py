"""The group's evidence ledger as its readers check it: the signed checkpoint, the entries the tree
is built from, and the inclusion and consistency proofs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import CustodyEvent, User
from jit.services import ledgers, scope
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Invalid
from jit.services.evidence.chain import ledger_name


def _ledger_of(actor: User | None, group_id: int) -> str:
    scope.load_visible(actor, group_id)
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

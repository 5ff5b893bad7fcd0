"""Suggested identifiers (issue 19, item 2): after a message, a task's description, an instruction's
results or an evidence item's description is committed, its text is read for values that pass their
kind's check (`jit.identifiers.extract`), and each new one is kept as a suggestion beside the record.

Nothing becomes an identifier by itself: a member of the group confirms a suggestion (which records it
through `identifiers.record_identifier`, on the record it was found in) or dismisses it. A suggestion
is shown to those who may read its record only (a team channel's message to that team).

The scan runs after the commit, in a transaction of its own, like `jit.notify`'s emissions: the
record is saved whatever the scan finds, and a scan that fails costs the writer nothing.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from jit.extensions import db
from jit.identifiers import masked
from jit.identifiers.extract import find_in_text
from jit.models import (
    EvidenceItem,
    Identifier,
    IdentifierSighting,
    IdentifierSuggestion,
    Instruction,
    InstructionResult,
    JointGroup,
    Message,
    SuggestionStatus,
    Task,
    User,
)
from jit.models.types import utcnow
from jit.services import identifiers, scope
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, NotFound
from jit.services.evidence.access import in_group

_PENDING = "jit_suggest_pending"  # session.info: {(record type, id)} whose text changed, to read after commit

# The written text whose change makes a record read again, and the record it belongs to.
_WATCHED = {Message: ("body", lambda message: ("message", message.id)),
            Task: ("description", lambda task: ("task", task.id)),
            EvidenceItem: ("description", lambda item: ("evidence", item.id)),
            InstructionResult: ("text", lambda result: ("instruction", result.instruction_id))}


def _party(user: User | None) -> str | None:
    return user.authority.party_code if user is not None and user.authority else None


def _text_and_region(record) -> tuple[str, str | None]:
    """The record's text, and the country its phone numbers without a code are read in (the writer's)."""
    if isinstance(record, Message):
        return record.body, _party(record.author)
    if isinstance(record, Task):
        return record.description, _party(record.created_by)
    if isinstance(record, Instruction):
        return "\n".join(result.text for result in record.results), record.to_team.party_code
    return record.description, record.party_code


@event.listens_for(Session, "after_flush")
def _note_written(session: Session, flush_context) -> None:
    for instance in (*session.new, *session.dirty):
        watched = _WATCHED.get(type(instance))
        if watched is None:
            continue
        attribute, record_key = watched
        if instance in session.new or inspect(instance).attrs[attribute].history.has_changes():
            session.info.setdefault(_PENDING, set()).add(record_key(instance))


@event.listens_for(Session, "after_commit")
def _scan_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the writer's transaction goes on
    records = session.info.pop(_PENDING, None)
    if records:
        # A fresh context and app context, as jit.notify's: a session of its own (the committing one
        # takes no SQL here) and no use case of the writer's to join.
        contextvars.Context().run(_scan_in_app, current_app._get_current_object(), records)


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back (a commit took them already)
        session.info.pop(_PENDING, None)


def _scan_in_app(app, records: set[tuple[str, int]]) -> None:
    with app.app_context():
        try:
            suggest_from(records=records)
        except Exception:
            # The record is committed; a scan that failed is logged (and audited as an error), not the writer's.
            app.logger.exception("suggesting identifiers from %s failed", sorted(records))


def _known(record_type: str, record_id: int) -> set[tuple[str, str]]:
    """(kind, normalised) already suggested for the record, or recorded on it."""
    suggested = db.session.execute(select(IdentifierSuggestion.kind, IdentifierSuggestion.normalized).where(
        IdentifierSuggestion.record_type == record_type, IdentifierSuggestion.record_id == record_id))
    recorded = db.session.execute(select(Identifier.kind, Identifier.normalized).join(Identifier.sightings).where(
        IdentifierSighting.record_type == record_type, IdentifierSighting.record_id == record_id))
    return {tuple(row) for row in (*suggested, *recorded)}


@use_case("identifier.suggest")
def suggest_from(*, records: set[tuple[str, int]]) -> list[IdentifierSuggestion]:
    """Suggest what the records' text holds and is neither suggested nor recorded on them yet."""
    made = []
    for record_type, record_id in sorted(records):
        record = identifiers.record_of(record_type, record_id)
        if record is None:
            continue
        text, region = _text_and_region(record)
        known = _known(record_type, record_id)
        for found in find_in_text(text, region=region):
            if (found.kind, found.normalized) not in known:
                made.append(IdentifierSuggestion(
                    group_id=identifiers.group_of(record), record_type=record_type, record_id=record_id,
                    kind=found.kind, value=found.value, normalized=found.normalized))
    db.session.add_all(made)
    db.session.flush()
    note(object_type="identifier_suggestion", object_id=",".join(str(each.id) for each in made) or None,
         records=len(records), suggested=len(made))
    return made


# --- reading and deciding -------------------------------------------------------------------

@dataclass
class SuggestionView:
    """A suggestion as one reader sees it: a card masked, with its record and what the reader may do."""

    suggestion: IdentifierSuggestion
    record_title: str
    value: str
    allowed_actions: list[str]

    @property
    def id(self) -> int:
        return self.suggestion.id

    @property
    def kind(self) -> str:
        return self.suggestion.kind

    @property
    def kind_name(self) -> str:
        return str(identifiers.KIND_NAMES[self.suggestion.kind])


def _may_decide(actor: User, group: JointGroup) -> bool:
    return in_group(actor.id, group) and scope.unworkable_refusal(group) is None


def _view(actor: User, suggestion: IdentifierSuggestion, may_decide: bool) -> SuggestionView | None:
    """None when the reader may not read the record it was found in (or the record is gone)."""
    record = identifiers.record_of(suggestion.record_type, suggestion.record_id)
    if record is None or not identifiers.readable(actor, record):
        return None
    pending = suggestion.status == SuggestionStatus.PENDING
    return SuggestionView(suggestion=suggestion, record_title=identifiers.title_of(record),
                          value=masked(suggestion.kind, suggestion.normalized),
                          allowed_actions=["confirm", "dismiss"] if pending and may_decide else [])


def _views(actor: User, group: JointGroup, found) -> list[SuggestionView]:
    may_decide = _may_decide(actor, group)
    return [view for suggestion in found if (view := _view(actor, suggestion, may_decide)) is not None]


def _pending_suggestions(*where, newest_first: bool):
    order = IdentifierSuggestion.id.desc() if newest_first else IdentifierSuggestion.id
    return db.session.scalars(select(IdentifierSuggestion).where(
        IdentifierSuggestion.status == SuggestionStatus.PENDING, *where).order_by(order))


@use_case("identifier.suggestions")
def list_suggestions(actor: User | None, group_id: int) -> list[SuggestionView]:
    """The group's pending suggestions the caller may read, newest first."""
    actor, group = scope.load_visible(actor, group_id)
    return _views(actor, group, _pending_suggestions(IdentifierSuggestion.group_id == group.id, newest_first=True))


@use_case("identifier.suggestions")
def suggestions_for(actor: User | None, record_type: str, record_id: int) -> list[SuggestionView]:
    """The pending suggestions found in one record (a task, an instruction, an item), for its page."""
    record = identifiers.record_of(record_type, record_id)
    actor, group = scope.load_visible(actor, identifiers.group_of(record) if record else 0)
    return _views(actor, group, _pending_suggestions(IdentifierSuggestion.record_type == record_type,
                                                     IdentifierSuggestion.record_id == record_id, newest_first=False))


def _load_pending(actor: User | None, suggestion_id: int) -> tuple[User, IdentifierSuggestion]:
    """The suggestion, if the caller may read its record (NotFound otherwise) and decide it."""
    actor, suggestion = scope.load_in_group(actor, IdentifierSuggestion, suggestion_id, "identifier_suggestion")
    if _view(actor, suggestion, may_decide=False) is None:
        raise NotFound()
    if not in_group(actor.id, suggestion.group):
        raise Forbidden(_l("Only members of the group confirm or dismiss suggested identifiers."))
    scope.require_workable(suggestion.group)
    if suggestion.status != SuggestionStatus.PENDING:
        raise Conflict(_l("The suggestion has been decided already."))
    return actor, suggestion


def _decided(actor: User, suggestion: IdentifierSuggestion, status: SuggestionStatus) -> None:
    suggestion.status, suggestion.decided_by_id, suggestion.decided_at = status, actor.id, utcnow()
    note(kind=suggestion.kind, decision=status.value)


@use_case("identifier.suggestion_confirm")
def confirm_suggestion(actor: User | None, suggestion_id: int, *, obtained_under: str, shareable: bool,
                       note: str | None = None) -> identifiers.IdentifierView:
    """Record the suggested value on the record it was found in, under `obtained_under` (as recording
    by hand asks); the suggestion then names the identifier."""
    actor, suggestion = _load_pending(actor, suggestion_id)
    recorded = identifiers.record_identifier(
        actor, suggestion.group_id, kind=suggestion.kind, value=suggestion.value, obtained_under=obtained_under,
        shareable=shareable, note=note, **{f"{suggestion.record_type}_id": suggestion.record_id})
    suggestion.identifier_id = recorded.id
    _decided(actor, suggestion, SuggestionStatus.CONFIRMED)
    return recorded


@use_case("identifier.suggestion_dismiss")
def dismiss_suggestion(actor: User | None, suggestion_id: int) -> SuggestionView:
    """Not an identifier (or not worth recording): it is not suggested for that record again."""
    actor, suggestion = _load_pending(actor, suggestion_id)
    _decided(actor, suggestion, SuggestionStatus.DISMISSED)
    return _view(actor, suggestion, may_decide=False)

"""The index is written in the record's own transaction, whichever use case writes the record.

After each flush, the indexed rows that were inserted, changed or deleted are noted on the session,
and so are the records renamed whose name other entries carry (a channel's in its messages'); just
before the commit those entries are rewritten from what the transaction now holds, so the commit
carries the record and its entry together and a rollback drops both. `rebuild` rewrites
everything in small batches (`flask jit search reindex`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.orm import Session

from jit.models import SearchEntry
from jit.search import index
from jit.search.documents import AFFECTS, BUILDERS, EMBEDDED

_PENDING = "jit_search_pending"  # session.info: {kind: {object ids}} to rewrite before the commit
_RENAMED = "jit_search_renamed"  # session.info: {(model, id)} renamed, whose name other entries carry
BATCH = 500


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(_PENDING, {})


def note_written(session: Session, kind: str, object_ids) -> None:
    """Records written around the ORM's unit of work (a bulk insert): indexed before the commit like the rest."""
    _pending(session).setdefault(kind, set()).update(object_ids)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, flush_context) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        affected = AFFECTS.get(type(instance))
        if affected is None:
            continue
        kind, attribute = affected
        object_id = getattr(instance, attribute)
        if object_id is not None:
            note_written(session, kind, [object_id])
    for instance in session.dirty:
        embedded = EMBEDDED.get(type(instance))
        # The attributes' history still holds the flushed change here.
        if embedded and any(inspect(instance).attrs[name].history.has_changes() for name in embedded.names):
            session.info.setdefault(_RENAMED, set()).add((type(instance), instance.id))


def _note_renamed(session: Session) -> None:
    """The entries carrying a renamed record's name, noted to be rewritten with the new name."""
    for model, record_id in session.info.pop(_RENAMED, ()):
        for kind, refers in EMBEDDED[model].entries:
            entry_model, _ = BUILDERS[kind]
            note_written(session, kind, session.scalars(select(entry_model.id).where(refers == record_id)))


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    session.flush()
    _note_renamed(session)
    # Rewriting may load rows that flush nothing new, but loop in case a builder's load did.
    while pending := session.info.pop(_PENDING, None):
        for kind, object_ids in pending.items():
            ids = sorted(object_ids)  # a renamed channel's messages may be many: in batches
            for start in range(0, len(ids), BATCH):
                index.replace(session, kind, ids[start:start + BATCH])


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, *args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_RENAMED, None)


Progress = Callable[[str, int, int], None]


def rebuild(session: Session, progress: Progress | None = None) -> dict[str, int]:
    """Rewrite every entry from the records, one short transaction per batch, so it can run while the
    platform serves (a write meanwhile rewrites its own entry in its transaction); entries of records
    that no longer exist are removed. Returns the entries written per kind."""
    written: dict[str, int] = {}
    for kind, (model, _) in BUILDERS.items():
        total = session.scalar(select(func.count()).select_from(model)) or 0
        done, written[kind], last_id = 0, 0, 0
        while ids := list(session.scalars(select(model.id).where(model.id > last_id).order_by(model.id).limit(BATCH))):
            written[kind] += index.replace(session, kind, ids)
            session.commit()
            session.expunge_all()
            done, last_id = done + len(ids), ids[-1]
            if progress:
                progress(kind, done, total)
        session.execute(delete(SearchEntry).where(SearchEntry.kind == kind,
                                                  SearchEntry.object_id.not_in(select(model.id)))
                        .execution_options(synchronize_session=False))
        session.commit()
        if progress and not total:
            progress(kind, 0, 0)
    return written

"""The index's two back ends behind one interface: writing entries and matching a query.

PostgreSQL: a GIN index on a stored tsvector of the terms, each prefixed by the entry's scope token
(`g7_допрос`: the terms are stemmed already, and taken as written), queried with a prefix tsquery of
each word in each of the caller's scopes and ranked by `ts_rank`. SQLite: the
FTS5 table `search_fts` over the terms and the scope token (kept in step with `search_entries` by
triggers), queried with prefix MATCH within the caller's scope and ranked by bm25.

Both match the same terms the same way, so they find the same records; an entry matching more of a
query's terms comes first on both, the back end's relevance only orders those matching as many.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    cast,
    column,
    delete,
    event,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from jit.models import SearchEntry
from jit.search.documents import BUILDERS
from jit.search.text import Query

FTS_TABLE = "search_fts"
GIN_INDEX = "ix_search_entries_terms"
_fts = table(FTS_TABLE, column("rowid"))


TERMS_VECTOR = "terms_vector"  # PostgreSQL's: the terms' tsvector, generated and stored
_terms_vector = literal_column(f"search_entries.{TERMS_VECTOR}")


def outside_models(name: str | None) -> bool:
    """Whether a table, column or index is the full-text index of one back end (SQLite's FTS5 table
    and its shadow tables, PostgreSQL's stored tsvector and its GIN index): the migrations make them,
    the models, which describe what both back ends share, do not."""
    return name is not None and (name in (FTS_TABLE, GIN_INDEX, TERMS_VECTOR) or name.startswith(f"{FTS_TABLE}_"))


def replace(session: Session, kind: str, object_ids: Iterable[int]) -> int:
    """Rewrite the entries of these records from what the database holds now; a record gone (or not
    to be found) loses its entry. Returns how many entries were written."""
    ids = sorted(set(object_ids))
    if not ids:
        return 0
    # The delete comes first: on SQLite it takes the write lock before the records are read.
    session.execute(delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.object_id.in_(ids))
                    .execution_options(synchronize_session=False))
    model, build = BUILDERS[kind]
    # Every row loaded for the batch is held until it is built, so the builders find the records and
    # what they refer to (a message's channel, a request's authority) in the identity map, which
    # keeps no row nothing else refers to: loaded once per batch, not once per entry.
    held: list = []

    def hold(_session: Session, instance) -> None:
        held.append(instance)

    event.listen(session, "loaded_as_persistent", hold)
    try:
        with session.no_autoflush:
            session.scalars(select(model).where(model.id.in_(ids))).all()  # one query for the batch
            rows = [row for row in (build(session, object_id) for object_id in ids) if row is not None]
    finally:
        event.remove(session, "loaded_as_persistent", hold)
    if rows:
        session.execute(insert(SearchEntry), rows)
    return len(rows)


def _fts5_term(term: tuple[str, ...]) -> str:
    # Terms are runs of letters or of digits (jit.search.text.WORD): nothing in them needs escaping.
    return "(" + " OR ".join(f'"{prefix}"*' for prefix in term) + ")"


def _tsquery_term(term: tuple[str, ...], scopes: Iterable[str]) -> str:
    # The stored vector's lexemes are the terms prefixed by their entry's scope token (`g7_допрос`).
    return "(" + " | ".join(f"'{scope}_{prefix}':*" for scope in scopes for prefix in term) + ")"


def _terms_matched(matches: list[ColumnElement]) -> ColumnElement | None:
    """How many of the terms an entry matches (None for one term: every match matches it)."""
    if len(matches) < 2:
        return None
    return reduce(operator.add, (case((match, 1), else_=0) for match in matches))


@dataclass(frozen=True)
class Matching:
    """The entries matching any term of a query (a select of SearchEntry the caller narrows further)
    and what orders them, higher first: how many of the terms each matches (a question's every word
    need not be in a record; None when the query has one term), and the relevance among equals."""

    stmt: Select
    terms_matched: ColumnElement | None
    relevance: ColumnElement


def matching(session: Session, query: Query, scopes: Iterable[str]) -> Matching:
    """`scopes`: the scope tokens (jit.search.documents.scope_token) of what the caller may read, which
    the full-text index looks in only. The caller still confines the entries to what it may read: the
    tokens spare the index the work on the others."""
    if session.get_bind().dialect.name == "postgresql":
        scopes = list(scopes)

        def tsquery(expression: str) -> ColumnElement:
            # Read as written (no text search configuration): the lexemes are made already.
            return cast(literal(expression), TSQUERY)

        any_term = tsquery(" | ".join(_tsquery_term(term, scopes) for term in query.terms))
        return Matching(select(SearchEntry).where(_terms_vector.op("@@")(any_term)),
                        _terms_matched([_terms_vector.op("@@")(tsquery(_tsquery_term(term, scopes)))
                                        for term in query.terms]),
                        func.ts_rank(_terms_vector, any_term))

    # Scope tokens are letters and digits (nothing to escape); a query's terms look in `terms` only.
    in_scope = " AND scope : (" + " OR ".join(f'"{token}"' for token in scopes) + ")"

    def fts_match(terms: str) -> ColumnElement:
        return literal_column(FTS_TABLE).op("MATCH")(literal(f"terms : ({terms}){in_scope}"))

    # One MATCH per term, each run once over the FTS index (not once per entry), then looked up by id.
    each_term = [SearchEntry.id.in_(select(_fts.c.rowid).where(fts_match(_fts5_term(term))).correlate(None))
                 for term in query.terms]
    # The scope column weighs nothing in the ranking (bm25's weight per column).
    return Matching(select(SearchEntry).join(_fts, _fts.c.rowid == SearchEntry.id)
                    .where(fts_match(" OR ".join(_fts5_term(term) for term in query.terms))),
                    _terms_matched(each_term), -func.bm25(literal_column(FTS_TABLE), 1.0, 0.0))

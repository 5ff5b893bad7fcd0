"""The index's two back ends behind one interface: writing entries and matching a query.

PostgreSQL: a GIN index on `to_tsvector('simple', terms)` (the terms are stemmed already; 'simple'
only splits them), queried with prefix `to_tsquery` and ranked by `ts_rank`. SQLite: the FTS5
table `search_fts` (kept in step with `search_entries` by triggers), queried with prefix MATCH and
ranked by bm25. Both match the same terms the same way, so they find the same records.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, column, delete, func, insert, literal_column, select, table, text
from sqlalchemy.orm import Session

from jit.models import SearchEntry
from jit.search.documents import BUILDERS
from jit.search.text import Query

FTS_TABLE = "search_fts"
GIN_INDEX = "ix_search_entries_terms"
_fts = table(FTS_TABLE, column("rowid"))


def outside_models(name: str | None) -> bool:
    """Whether a table or index is the full-text index of one back end (SQLite's FTS5 table and its
    shadow tables, PostgreSQL's GIN expression index): the migration makes them, the models, which
    describe what both back ends share, do not."""
    return name is not None and (name in (FTS_TABLE, GIN_INDEX) or name.startswith(f"{FTS_TABLE}_"))


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
    with session.no_autoflush:
        # One query for the batch, held here so the builders find the rows in the identity map (which keeps
        # no row nothing else refers to).
        _loaded = session.scalars(select(model).where(model.id.in_(ids))).all()
        rows = [row for row in (build(session, object_id) for object_id in ids) if row is not None]
    if rows:
        session.execute(insert(SearchEntry), rows)
    return len(rows)


def _fts5_expression(query: Query) -> str:
    # Terms are runs of letters or of digits (jit.search.text.WORD): nothing in them needs escaping.
    return " AND ".join("(" + " OR ".join(f'"{prefix}"*' for prefix in term) + ")" for term in query.terms)


def _tsquery_expression(query: Query) -> str:
    return " & ".join("(" + " | ".join(f"'{prefix}':*" for prefix in term) + ")" for term in query.terms)


def matching(session: Session, query: Query) -> tuple[Select, ColumnElement]:
    """The entries matching `query` (a select of SearchEntry the caller narrows further), and the
    relevance of each (higher is better)."""
    if session.get_bind().dialect.name == "postgresql":
        # Spelled as the GIN index is, so the planner uses it.
        vector = func.to_tsvector(literal_column("'simple'::regconfig"), SearchEntry.terms)
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), _tsquery_expression(query))
        return select(SearchEntry).where(vector.op("@@")(tsquery)), func.ts_rank(vector, tsquery)
    stmt = (select(SearchEntry).join(_fts, _fts.c.rowid == SearchEntry.id)
            .where(text(f"{FTS_TABLE} MATCH :search_expression").bindparams(search_expression=_fts5_expression(query))))
    return stmt, -func.bm25(literal_column(FTS_TABLE))

"""The search index: one row per searchable record, written in the record's transaction
(jit/search/sync.py). Derived data, rebuilt by `flask jit search reindex`; the full-text index over
`terms` is a GIN index on PostgreSQL and the FTS5 table `search_fts` on SQLite (migrations 0016_search,
0020_search_scope)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jit.extensions import db
from jit.models.types import UTCDateTime


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", name="uq_search_entries_kind_object"),
        Index("ix_search_entries_group_created", "group_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # jit.search.documents.KINDS
    object_id: Mapped[int] = mapped_column(Integer)
    # What need-to-know filters on (no foreign keys: the index follows the records, never holds them back).
    group_id: Mapped[int | None] = mapped_column(Integer)
    channel_id: Mapped[int | None] = mapped_column(Integer, index=True)
    keeper_authority_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The filters a person chooses besides the group.
    party_code: Mapped[str | None] = mapped_column(String(2))
    author_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # the searchable text as written, for the highlighted fragment
    terms: Mapped[str] = mapped_column(Text)  # jit.search.text.index_terms of title and body
    # Who may read it, as one token (jit.search.documents.scope_token): on SQLite a column of the
    # full-text index, so that a query ranks only what the caller may read.
    scope: Mapped[str] = mapped_column(String(24), server_default="")

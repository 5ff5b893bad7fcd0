"""Need-to-know inside the full-text index (issue 18): each entry's scope token
(jit.search.documents.scope_token) as a column; on SQLite also a column of `search_fts`, so a
query ranks only the entries the caller may read; on PostgreSQL the terms' tsvector stored
(generated from `terms`) and indexed, so a match is not parsed again from the text row by row.

Revision ID: 0020_search_scope
Revises: 0019_mail_refused
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020_search_scope'
down_revision = '0019_mail_refused'
branch_labels = None
depends_on = None

# The token of the entries already written (as scope_token computes it for new ones).
FILL_SCOPE = ("UPDATE search_entries SET scope = CASE kind WHEN 'message' THEN 'c' || channel_id "
              "WHEN 'request' THEN 'a' || keeper_authority_id WHEN 'person' THEN 'p' ELSE 'g' || group_id END")


def _sqlite_fts(columns: str, new_values: str, old_values: str) -> list[str]:
    """The FTS5 table over `columns` of search_entries and the triggers keeping it in step."""
    return [
        # External content: the text lives once, in search_entries; remove_diacritics 0 keeps й apart from и.
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_entries', content_rowid='id', "
        "tokenize=\"unicode61 remove_diacritics 0\", prefix='2 3 4')",
        "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new_values}); END",
        "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); END",
        "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new_values}); END",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


def _drop_sqlite_fts() -> None:
    for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE search_fts")


def upgrade():
    op.add_column('search_entries', sa.Column('scope', sa.String(length=24), server_default='', nullable=False))
    op.execute(FILL_SCOPE)
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_fts()
        for statement in _sqlite_fts("terms, scope", "new.terms, new.scope", "old.terms, old.scope"):
            op.execute(statement)
    else:
        op.execute("DROP INDEX ix_search_entries_terms")
        op.execute("ALTER TABLE search_entries ADD COLUMN terms_vector tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED")
        op.execute("CREATE INDEX ix_search_entries_terms ON search_entries USING gin (terms_vector)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_fts()
        for statement in _sqlite_fts("terms", "new.terms", "old.terms"):
            op.execute(statement)
    else:
        op.execute("DROP INDEX ix_search_entries_terms")
        op.execute("ALTER TABLE search_entries DROP COLUMN terms_vector")
        op.execute("CREATE INDEX ix_search_entries_terms ON search_entries USING gin (to_tsvector('simple', terms))")
    op.drop_column('search_entries', 'scope')

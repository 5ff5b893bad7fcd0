"""Need-to-know inside the full-text index (issue 18): each entry's scope token
(jit.search.documents.scope_token) as a column; on SQLite also a column of `search_fts`, so a
query ranks only the entries the caller may read; on PostgreSQL a stored tsvector of the terms
each prefixed by the scope token, indexed, for the same reason (a common word's prefix is looked up
among the caller's entries, not the whole index's), and so that nothing is parsed again row by row.

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


# The FTS5 table over the terms and the scope token, and the triggers keeping it in step; external
# content (the text lives once, in search_entries); remove_diacritics 0 keeps й apart from и.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms, scope, content='search_entries', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 0\", prefix='2 3 4')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, terms, scope) VALUES (new.id, new.terms, new.scope); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms, scope) VALUES ('delete', old.id, old.terms, old.scope); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms, scope) VALUES ('delete', old.id, old.terms, old.scope); "
    "INSERT INTO search_fts(rowid, terms, scope) VALUES (new.id, new.terms, new.scope); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
# As migration 0016_search made it: over the terms only.
SQLITE_FTS_BEFORE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_entries', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 0\", prefix='2 3 4')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
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
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute("DROP INDEX ix_search_entries_terms")
        # Each term prefixed by the scope token (`g7_допрос`), as written (the terms are made already):
        # a word's prefix is looked up among the entries of the caller's scopes only.
        op.execute("ALTER TABLE search_entries ADD COLUMN terms_vector tsvector GENERATED ALWAYS AS "
                   "(array_to_tsvector(string_to_array(regexp_replace(terms, '(\\S+)', scope || '_\\1', 'g'), ' '))) "
                   "STORED")
        op.execute("CREATE INDEX ix_search_entries_terms ON search_entries USING gin (terms_vector)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_fts()
        for statement in SQLITE_FTS_BEFORE:
            op.execute(statement)
    else:
        op.execute("DROP INDEX ix_search_entries_terms")
        op.execute("ALTER TABLE search_entries DROP COLUMN terms_vector")
        op.execute("CREATE INDEX ix_search_entries_terms ON search_entries USING gin (to_tsvector('simple', terms))")
    op.drop_column('search_entries', 'scope')

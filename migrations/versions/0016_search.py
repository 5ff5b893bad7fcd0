"""The search index (jit/models/search.py): one row per searchable record, and its full-text index
over the terms jit/search/text.py computes: on PostgreSQL a GIN index of `to_tsvector('simple', terms)`
(the terms are already stemmed, so both back ends find the same), on SQLite the FTS5 table
`search_fts` kept in step with the rows by triggers, inside the writing transaction.

The index starts empty: `flask jit search reindex` fills it from the records.

Revision ID: 0016_search
Revises: 0015_legal
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_search'
down_revision = '0015_legal'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    # External content: the text lives once, in search_entries; remove_diacritics 0 keeps й apart from и.
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_entries', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 0\", prefix='2 3 4')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
]


def upgrade():
    op.create_table(
        'search_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('channel_id', sa.Integer(), nullable=True),
        sa.Column('keeper_authority_id', sa.Integer(), nullable=True),
        sa.Column('party_code', sa.String(length=2), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('terms', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'object_id', name='uq_search_entries_kind_object'),
    )
    op.create_index('ix_search_entries_group_created', 'search_entries', ['group_id', 'created_at'])
    op.create_index('ix_search_entries_channel_id', 'search_entries', ['channel_id'])
    op.create_index('ix_search_entries_keeper_authority_id', 'search_entries', ['keeper_authority_id'])
    op.create_index('ix_search_entries_author_id', 'search_entries', ['author_id'])
    op.create_index('ix_search_entries_created_at', 'search_entries', ['created_at'])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute("CREATE INDEX ix_search_entries_terms ON search_entries "
                   "USING gin (to_tsvector('simple', terms))")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE search_fts")
    else:
        op.execute("DROP INDEX ix_search_entries_terms")
    op.drop_table('search_entries')

"""An instruction's short subject, shown in every list; existing instructions take their first
action as their subject (trimmed to the column's 200 characters).

Revision ID: 0013_instruction_subject
Revises: 0012_custody
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_instruction_subject'
down_revision = '0012_custody'
branch_labels = None
depends_on = None

SUBJECT_LIMIT = 200

instructions = sa.table("instructions", sa.column("id", sa.Integer), sa.column("actions", sa.JSON),
                        sa.column("subject", sa.String))


def upgrade():
    # In place, not a batch: on SQLite a batch copies `instructions` and drops the old table, which the
    # rows referring to it (documents, results, tasks) refuse; a NOT NULL column with a default is added as is.
    op.add_column('instructions', sa.Column('subject', sa.String(length=SUBJECT_LIMIT), server_default='',
                                            nullable=False))
    bind = op.get_bind()
    for row in bind.execute(sa.select(instructions.c.id, instructions.c.actions)).all():
        first = next((action.strip() for action in row.actions or [] if isinstance(action, str) and action.strip()), "")
        bind.execute(sa.update(instructions).where(instructions.c.id == row.id)
                     .values(subject=first[:SUBJECT_LIMIT]))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":  # in place, as it was added
        op.execute("ALTER TABLE instructions DROP COLUMN subject")
    else:
        op.drop_column('instructions', 'subject')

"""Instructions marked as needing a sanction of a prosecutor or court (AGR-INSTR-DECISIONS);
existing instructions are not.

Revision ID: 0008_instruction_sanction
Revises: 0007_legal
Create Date: 2026-11-27

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_instruction_sanction'
down_revision = '0007_legal'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instructions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_sanction', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('instructions', schema=None) as batch_op:
        batch_op.drop_column('needs_sanction')

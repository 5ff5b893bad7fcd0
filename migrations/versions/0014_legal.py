"""The compliance dashboard's stored group checks: each group's findings of the day, kept until
anything in the group is written (jit/services/compliance.py says when a check is dropped); and
whether each legal-assistance request has every Chisinau Art. 7 content (MLA-CONTENT), worked out
for the requests already registered.

Revision ID: 0014_legal
Revises: 0013_instruction_subject
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

from jit.compliance.requests import art7_gaps

# revision identifiers, used by Alembic.
revision = '0014_legal'
down_revision = '0013_instruction_subject'
branch_labels = None
depends_on = None


legal_requests = sa.table("legal_requests", *(sa.column(name) for name in (
    "id", "requesting_authority_id", "requested_authority", "case_number", "substance", "persons", "confidential")),
    sa.column("art7_complete", sa.Boolean))


def upgrade():
    # In place, not a batch (see 0013): a NOT NULL column with a default is added as is.
    op.add_column('legal_requests', sa.Column('art7_complete', sa.Boolean(), server_default=sa.true(),
                                              nullable=False))
    bind = op.get_bind()
    incomplete = [row.id for row in bind.execute(sa.select(legal_requests)).mappings()
                  if art7_gaps(dict(row))]
    for start in range(0, len(incomplete), 500):
        bind.execute(sa.update(legal_requests).where(legal_requests.c.id.in_(incomplete[start:start + 500]))
                     .values(art7_complete=False))
    op.create_table(
        'compliance_group_checks',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('checked_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id']),
        sa.PrimaryKeyConstraint('group_id'),
    )
    op.create_table(
        'compliance_group_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('severity', sa.String(length=16), nullable=False),
        sa.Column('confirmed_basis', sa.Boolean(), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.String(length=64), nullable=False),
        sa.Column('message', sa.JSON(), nullable=False),
        sa.Column('action', sa.JSON(), nullable=False),
        sa.Column('reference', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_compliance_group_findings_group_id', 'compliance_group_findings', ['group_id'])


def downgrade():
    if op.get_bind().dialect.name == "sqlite":  # in place, as it was added
        op.execute("ALTER TABLE legal_requests DROP COLUMN art7_complete")
    else:
        op.drop_column('legal_requests', 'art7_complete')
    op.drop_index('ix_compliance_group_findings_group_id', table_name='compliance_group_findings')
    op.drop_table('compliance_group_findings')
    op.drop_table('compliance_group_checks')

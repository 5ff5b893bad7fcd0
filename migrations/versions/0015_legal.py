"""The compliance dashboard's stored group checks: each group's findings of the day, kept until
anything in the group is written (jit/services/compliance.py says when a check is dropped); and
whether each legal-assistance request has every Chisinau Art. 7 content (MLA-CONTENT) and names the
fitting instrument (MLA-INSTRUMENT), worked out for the requests already registered.

Revision ID: 0015_legal
Revises: 0014_notify
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

from jit.compliance.requests import art7_gaps, fitting_instrument

# revision identifiers, used by Alembic.
revision = '0015_legal'
down_revision = '0014_notify'
branch_labels = None
depends_on = None


legal_requests = sa.table("legal_requests", *(sa.column(name) for name in (
    "id", "requesting_authority_id", "requested_authority", "case_number", "substance", "persons", "confidential",
    "requesting_party", "requested_party", "sent_on")), sa.column("instrument", sa.String),
    sa.column("art7_complete", sa.Boolean), sa.column("instrument_fits", sa.Boolean))
parties = sa.table("parties", sa.column("code"), sa.column("chisinau_in_force_on"))


def _set_false(bind, column: str, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        bind.execute(sa.update(legal_requests).where(legal_requests.c.id.in_(ids[start:start + 500]))
                     .values({column: False}))


def upgrade():
    # In place, not a batch (see 0013): a NOT NULL column with a default is added as is.
    for column in ('art7_complete', 'instrument_fits'):
        op.add_column('legal_requests', sa.Column(column, sa.Boolean(), server_default=sa.true(), nullable=False))
        op.create_index(f'ix_legal_requests_{column}', 'legal_requests', [column])
    op.create_index('ix_legal_requests_status_due_on', 'legal_requests', ['status', 'due_on'])
    op.create_index('ix_legal_requests_figures', 'legal_requests', [
        'keeper_authority_id', 'direction', 'sent_on', 'requested_party', 'requesting_party', 'status', 'due_on',
        'executed_on'])
    bind = op.get_bind()
    treaty = {row.code: row for row in bind.execute(sa.select(parties))}
    rows = bind.execute(sa.select(legal_requests)).all()
    _set_false(bind, 'art7_complete', [row.id for row in rows if art7_gaps(row._asdict())])
    _set_false(bind, 'instrument_fits', [
        row.id for row in rows
        if row.instrument != fitting_instrument(treaty[row.requesting_party], treaty[row.requested_party],
                                                row.sent_on).value])
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
    op.drop_index('ix_legal_requests_figures', table_name='legal_requests')
    op.drop_index('ix_legal_requests_status_due_on', table_name='legal_requests')
    for column in ('art7_complete', 'instrument_fits'):
        op.drop_index(f'ix_legal_requests_{column}', table_name='legal_requests')
        if op.get_bind().dialect.name == "sqlite":  # in place, as it was added
            op.execute(f"ALTER TABLE legal_requests DROP COLUMN {column}")
        else:
            op.drop_column('legal_requests', column)
    op.drop_index('ix_compliance_group_findings_group_id', table_name='compliance_group_findings')
    op.drop_table('compliance_group_findings')
    op.drop_table('compliance_group_checks')

"""Suggested identifiers (issue 19, item 2): values found in a record's text after it was saved, each
waiting for a member to confirm it (it is then recorded) or dismiss it.

Revision ID: 0021_identifier_suggestions
Revises: 0020_search_scope
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_identifier_suggestions'
down_revision = '0020_search_scope'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'identifier_suggestions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('record_type', sa.String(length=20), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('value', sa.String(length=300), nullable=False),
        sa.Column('normalized', sa.String(length=300), nullable=False),
        sa.Column('status', sa.Enum('pending', 'confirmed', 'dismissed', name='suggestion_status'), nullable=False),
        sa.Column('identifier_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'],
                                name=op.f('fk_identifier_suggestions_group_id_joint_groups')),
        sa.ForeignKeyConstraint(['identifier_id'], ['identifiers.id'],
                                name=op.f('fk_identifier_suggestions_identifier_id_identifiers')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_identifier_suggestions_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identifier_suggestions')),
        sa.UniqueConstraint('record_type', 'record_id', 'kind', 'normalized',
                            name=op.f('uq_identifier_suggestions_record_type')),
    )
    op.create_index(op.f('ix_identifier_suggestions_group_id'), 'identifier_suggestions', ['group_id'])


def downgrade():
    op.drop_table('identifier_suggestions')
    sa.Enum(name='suggestion_status').drop(op.get_bind(), checkfirst=True)

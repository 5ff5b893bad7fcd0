"""Identifiers (issue 19): one row per normalised value of a kind in a group, and one sighting per
record of the group it was found in (case, evidence item, instruction, task, message), with the value
as typed, the document it was obtained under, who recorded it, whether it may be shared (AGR-USE).

Revision ID: 0017_identifiers
Revises: 0016_search
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_identifiers'
down_revision = '0016_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'identifiers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('normalized', sa.String(length=300), nullable=False),
        sa.Column('match_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_identifiers_group_id_joint_groups')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identifiers')),
        sa.UniqueConstraint('group_id', 'kind', 'normalized', name=op.f('uq_identifiers_group_id')),
    )
    op.create_index(op.f('ix_identifiers_group_id'), 'identifiers', ['group_id'])
    op.create_index(op.f('ix_identifiers_match_hash'), 'identifiers', ['match_hash'])
    op.create_table(
        'identifier_sightings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('identifier_id', sa.Integer(), nullable=False),
        sa.Column('record_type', sa.String(length=20), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('value', sa.String(length=300), nullable=False),
        sa.Column('verified', sa.Boolean(), nullable=False),
        sa.Column('obtained_under', sa.String(length=300), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('shareable', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['criminal_cases.id'],
                                name=op.f('fk_identifier_sightings_case_id_criminal_cases')),
        sa.ForeignKeyConstraint(['identifier_id'], ['identifiers.id'],
                                name=op.f('fk_identifier_sightings_identifier_id_identifiers')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_identifier_sightings_recorded_by_id_users')),
        sa.ForeignKeyConstraint(['team_id'], ['national_teams.id'],
                                name=op.f('fk_identifier_sightings_team_id_national_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identifier_sightings')),
        sa.UniqueConstraint('identifier_id', 'record_type', 'record_id',
                            name=op.f('uq_identifier_sightings_identifier_id')),
    )
    op.create_index(op.f('ix_identifier_sightings_case_id'), 'identifier_sightings', ['case_id'])
    op.create_index(op.f('ix_identifier_sightings_identifier_id'), 'identifier_sightings', ['identifier_id'])


    op.create_table(
        'identifier_inquiries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('identifier_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('inquirer_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('held_identifier_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'disclosed', 'declined', name='inquiry_status'), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['identifier_id'], ['identifiers.id'],
                                name=op.f('fk_identifier_inquiries_identifier_id_identifiers')),
        sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'],
                                name=op.f('fk_identifier_inquiries_group_id_joint_groups')),
        sa.ForeignKeyConstraint(['case_id'], ['criminal_cases.id'],
                                name=op.f('fk_identifier_inquiries_case_id_criminal_cases')),
        sa.ForeignKeyConstraint(['inquirer_id'], ['users.id'], name=op.f('fk_identifier_inquiries_inquirer_id_users')),
        sa.ForeignKeyConstraint(['held_identifier_id'], ['identifiers.id'],
                                name=op.f('fk_identifier_inquiries_held_identifier_id_identifiers')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_identifier_inquiries_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identifier_inquiries')),
    )
    for column in ('identifier_id', 'group_id', 'inquirer_id', 'held_identifier_id'):
        op.create_index(op.f(f'ix_identifier_inquiries_{column}'), 'identifier_inquiries', [column])


def downgrade():
    op.drop_table('identifier_inquiries')
    sa.Enum(name='inquiry_status').drop(op.get_bind(), checkfirst=True)
    op.drop_table('identifier_sightings')
    op.drop_table('identifiers')

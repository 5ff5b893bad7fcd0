"""Joint groups, national teams, memberships, documents, criminal cases, the group timeline.

Revision ID: 0003_groups
Revises: 0002_audit_security
Create Date: 2026-11-26

"""
import sqlalchemy as sa
from alembic import op

ENUMS = ("group_status", "member_role", "document_kind", "decision_kind")


# revision identifiers, used by Alembic.
revision = '0003_groups'
down_revision = '0002_audit_security'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('joint_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('place_of_activity', sa.String(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'requested', 'active', 'suspended', 'closed', name='group_status'), nullable=False),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_joint_groups_created_by_id_users')),
    sa.ForeignKeyConstraint(['head_id'], ['users.id'], name=op.f('fk_joint_groups_head_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_joint_groups_code'))
    )
    op.create_table('criminal_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('party_code', sa.String(length=2), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('articles', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('handling_investigator_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_criminal_cases_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['handling_investigator_id'], ['users.id'], name=op.f('fk_criminal_cases_handling_investigator_id_users')),
    sa.ForeignKeyConstraint(['party_code'], ['parties.code'], name=op.f('fk_criminal_cases_party_code_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criminal_cases')),
    sa.UniqueConstraint('group_id', 'party_code', 'number', name=op.f('uq_criminal_cases_group_id'))
    )
    with op.batch_alter_table('criminal_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criminal_cases_group_id'), ['group_id'], unique=False)

    op.create_table('group_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('creation_request', 'decision', name='document_kind'), nullable=False),
    sa.Column('decision', sa.Enum('create', 'appoint_head', 'extend', 'change_composition', 'terminate', name='decision_kind'), nullable=True),
    sa.Column('party_code', sa.String(length=2), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('signed_by', sa.String(length=200), nullable=False),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('new_end', sa.Date(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_group_documents_authority_id_authorities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_group_documents_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_group_documents_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['head_id'], ['users.id'], name=op.f('fk_group_documents_head_id_users')),
    sa.ForeignKeyConstraint(['party_code'], ['parties.code'], name=op.f('fk_group_documents_party_code_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_documents'))
    )
    with op.batch_alter_table('group_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_documents_group_id'), ['group_id'], unique=False)

    op.create_table('group_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_group_events_actor_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_group_events_group_id_joint_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_events'))
    )
    with op.batch_alter_table('group_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_events_group_id'), ['group_id'], unique=False)

    op.create_table('national_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('party_code', sa.String(length=2), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_national_teams_authority_id_authorities')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_national_teams_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['party_code'], ['parties.code'], name=op.f('fk_national_teams_party_code_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_national_teams')),
    sa.UniqueConstraint('group_id', 'party_code', name=op.f('uq_national_teams_group_id'))
    )
    with op.batch_alter_table('national_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_national_teams_group_id'), ['group_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('national_head', 'member', 'specialist', name='member_role'), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('authorised_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authorised_by_id'], ['users.id'], name=op.f('fk_memberships_authorised_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_memberships_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['team_id'], ['national_teams.id'], name=op.f('fk_memberships_team_id_national_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # The timeline is append-only like the audit trail (jit_refuse_change comes from 0002).
        op.execute("CREATE TRIGGER group_events_append_only BEFORE UPDATE OR DELETE ON group_events "
                   "FOR EACH ROW EXECUTE FUNCTION jit_refuse_change()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS group_events_append_only ON group_events")
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_team_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_group_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('national_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_national_teams_group_id'))

    op.drop_table('national_teams')
    with op.batch_alter_table('group_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_events_group_id'))

    op.drop_table('group_events')
    with op.batch_alter_table('group_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_documents_group_id'))

    op.drop_table('group_documents')
    with op.batch_alter_table('criminal_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criminal_cases_group_id'))

    op.drop_table('criminal_cases')
    op.drop_table('joint_groups')
    for name in ENUMS:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)

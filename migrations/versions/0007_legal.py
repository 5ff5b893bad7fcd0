"""Legal work: the legal-assistance register, compliance rule settings, closure evaluations.

Revision ID: 0007_legal
Revises: 0004_instructions_tasks
Create Date: 2026-11-26

"""
import sqlalchemy as sa
from alembic import op

ENUMS = ("request_direction", "request_kind", "request_instrument", "request_status")


# revision identifiers, used by Alembic.
revision = '0007_legal'
down_revision = '0006_channels'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compliance_rule_settings',
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_compliance_rule_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('rule', name=op.f('pk_compliance_rule_settings'))
    )
    op.create_table('group_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('what_worked', sa.Text(), nullable=False),
    sa.Column('what_did_not', sa.Text(), nullable=False),
    sa.Column('persons_charged', sa.Integer(), nullable=False),
    sa.Column('assets_seized', sa.Text(), nullable=False),
    sa.Column('requests_avoided', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_group_evaluations_author_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_group_evaluations_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['team_id'], ['national_teams.id'], name=op.f('fk_group_evaluations_team_id_national_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_evaluations')),
    sa.UniqueConstraint('group_id', 'team_id', name=op.f('uq_group_evaluations_group_id'))
    )
    with op.batch_alter_table('group_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_evaluations_group_id'), ['group_id'], unique=False)

    op.create_table('legal_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keeper_authority_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('outgoing', 'incoming', name='request_direction'), nullable=False),
    sa.Column('kind', sa.Enum('legal_assistance', 'extradition', 'transfer_of_proceedings', 'service_of_documents', name='request_kind'), nullable=False),
    sa.Column('requesting_authority_id', sa.Integer(), nullable=False),
    sa.Column('requesting_party', sa.String(length=2), nullable=False),
    sa.Column('requested_party', sa.String(length=2), nullable=False),
    sa.Column('requested_authority', sa.String(length=300), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False),
    sa.Column('case_title', sa.String(length=300), nullable=False),
    sa.Column('persons', sa.JSON(), nullable=False),
    sa.Column('representatives', sa.Text(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=True),
    sa.Column('substance', sa.Text(), nullable=False),
    sa.Column('instrument', sa.Enum('chisinau', 'minsk', 'bilateral', name='request_instrument'), nullable=False),
    sa.Column('instrument_reason', sa.Text(), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('executed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('sent', 'received', 'in_progress', 'executed', 'partially_executed', 'refused', 'withdrawn', name='request_status'), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['criminal_cases.id'], name=op.f('fk_legal_requests_case_id_criminal_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_legal_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_legal_requests_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['keeper_authority_id'], ['authorities.id'], name=op.f('fk_legal_requests_keeper_authority_id_authorities')),
    sa.ForeignKeyConstraint(['requested_party'], ['parties.code'], name=op.f('fk_legal_requests_requested_party_parties')),
    sa.ForeignKeyConstraint(['requesting_authority_id'], ['authorities.id'], name=op.f('fk_legal_requests_requesting_authority_id_authorities')),
    sa.ForeignKeyConstraint(['requesting_party'], ['parties.code'], name=op.f('fk_legal_requests_requesting_party_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_requests'))
    )
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_requests_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_requests_keeper_authority_id'), ['keeper_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_requests_requested_party'), ['requested_party'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_requests_requesting_authority_id'), ['requesting_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_requests_sent_on'), ['sent_on'], unique=False)



def downgrade():
    with op.batch_alter_table('legal_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_requests_sent_on'))
        batch_op.drop_index(batch_op.f('ix_legal_requests_requesting_authority_id'))
        batch_op.drop_index(batch_op.f('ix_legal_requests_requested_party'))
        batch_op.drop_index(batch_op.f('ix_legal_requests_keeper_authority_id'))
        batch_op.drop_index(batch_op.f('ix_legal_requests_group_id'))

    op.drop_table('legal_requests')
    with op.batch_alter_table('group_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_evaluations_group_id'))

    op.drop_table('group_evaluations')
    op.drop_table('compliance_rule_settings')
    for name in ENUMS:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)

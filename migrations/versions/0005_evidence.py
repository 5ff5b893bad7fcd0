"""Evidence items, their files, custody events (append-only, each a leaf of the group's
evidence ledger) and the originating party's consents.

Revision ID: 0005_evidence
Revises: 0004_instructions_tasks
Create Date: 2026-11-26

"""
import sqlalchemy as sa
from alembic import op

ENUMS = ("evidence_kind", "evidence_status")
APPEND_ONLY_TABLES = ("custody_events",)


# revision identifiers, used by Alembic.
revision = '0005_evidence'
down_revision = '0004_instructions_tasks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('document', 'device', 'digital_copy', 'statement', 'object', name='evidence_kind'), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('obtained_by_id', sa.Integer(), nullable=False),
    sa.Column('obtained_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('obtained_place', sa.String(length=300), nullable=False),
    sa.Column('obtained_under', sa.String(length=300), nullable=False),
    sa.Column('party_code', sa.String(length=2), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('use_conditions', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('held', 'sealed', 'handed_over', 'returned', 'disposed', name='evidence_status'), nullable=False),
    sa.Column('custodian_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['criminal_cases.id'], name=op.f('fk_evidence_items_case_id_criminal_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_evidence_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['custodian_id'], ['users.id'], name=op.f('fk_evidence_items_custodian_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_evidence_items_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['obtained_by_id'], ['users.id'], name=op.f('fk_evidence_items_obtained_by_id_users')),
    sa.ForeignKeyConstraint(['party_code'], ['parties.code'], name=op.f('fk_evidence_items_party_code_parties')),
    sa.ForeignKeyConstraint(['team_id'], ['national_teams.id'], name=op.f('fk_evidence_items_team_id_national_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_items')),
    sa.UniqueConstraint('group_id', 'number', name=op.f('uq_evidence_items_group_id'))
    )
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_items_custodian_id'), ['custodian_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_items_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_items_team_id'), ['team_id'], unique=False)

    op.create_table('custody_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('to_external', sa.String(length=300), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sha256s', sa.JSON(), nullable=False),
    sa.Column('refers_to', sa.Integer(), nullable=True),
    sa.Column('instruction_id', sa.Integer(), nullable=True),
    sa.Column('leaf_index', sa.Integer(), nullable=False),
    sa.Column('leaf_hash', sa.String(length=64), nullable=False),
    sa.Column('entry', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_custody_events_actor_id_users')),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_custody_events_from_user_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_custody_events_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['instruction_id'], ['instructions.id'], name=op.f('fk_custody_events_instruction_id_instructions')),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_custody_events_item_id_evidence_items')),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_custody_events_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_events')),
    sa.UniqueConstraint('group_id', 'leaf_index', name=op.f('uq_custody_events_group_id')),
    sa.UniqueConstraint('item_id', 'seq', name=op.f('uq_custody_events_item_id'))
    )
    with op.batch_alter_table('custody_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_events_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_events_item_id'), ['item_id'], unique=False)

    op.create_table('evidence_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('party_code', sa.String(length=2), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_evidence_consents_item_id_evidence_items')),
    sa.ForeignKeyConstraint(['party_code'], ['parties.code'], name=op.f('fk_evidence_consents_party_code_parties')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_evidence_consents_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_consents'))
    )
    with op.batch_alter_table('evidence_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_consents_item_id'), ['item_id'], unique=False)

    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_evidence_files_item_id_evidence_items')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_sha256'), ['sha256'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # Custody events are append-only like the audit trail (jit_refuse_change comes from 0002).
        for table in APPEND_ONLY_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION jit_refuse_change()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_item_id'))

    op.drop_table('evidence_files')
    with op.batch_alter_table('evidence_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_consents_item_id'))

    op.drop_table('evidence_consents')
    with op.batch_alter_table('custody_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_events_item_id'))
        batch_op.drop_index(batch_op.f('ix_custody_events_group_id'))

    op.drop_table('custody_events')
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_items_team_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_items_group_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_items_custodian_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_items_case_id'))

    op.drop_table('evidence_items')
    for name in ENUMS:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)

"""Channels and messages: general and team channels for every group (those of existing groups
are opened here), custom channels, per-channel sequence numbers, edit history, read positions and
the sockets subscribed to each channel.

Revision ID: 0006_channels
Revises: 0004_instructions_tasks
Create Date: 2026-11-26

"""
import sqlalchemy as sa
from alembic import op

ENUMS = ("channel_kind", "message_revision_action")
APPEND_ONLY_TABLES = ("message_revisions",)


# revision identifiers, used by Alembic.
revision = '0006_channels'
down_revision = '0005_evidence'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('general', 'team', 'custom', name='channel_kind'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_channels_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_channels_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['team_id'], ['national_teams.id'], name=op.f('fk_channels_team_id_national_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
    sa.UniqueConstraint('team_id', name=op.f('uq_channels_team_id'))
    )
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channels_group_id'), ['group_id'], unique=False)

    op.create_table('channel_members',
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_channel_members_added_by_id_users')),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_members_channel_id_channels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_channel_members_user_id_users')),
    sa.PrimaryKeyConstraint('channel_id', 'user_id', name=op.f('pk_channel_members'))
    )
    with op.batch_alter_table('channel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_members_user_id'), ['user_id'], unique=False)

    op.create_table('channel_subscriptions',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('subscribed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_subscriptions_channel_id_channels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sid'], ['socket_connections.sid'], name=op.f('fk_channel_subscriptions_sid_socket_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sid', 'channel_id', name=op.f('pk_channel_subscriptions'))
    )
    with op.batch_alter_table('channel_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_subscriptions_channel_id'), ['channel_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('client_msg_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('link_type', sa.String(length=20), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users')),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_messages_channel_id_channels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('channel_id', 'author_id', 'client_msg_id', name='uq_messages_client_msg_id'),
    sa.UniqueConstraint('channel_id', 'seq', name='uq_messages_channel_seq')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_channel_id'), ['channel_id'], unique=False)

    op.create_table('read_positions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('last_read_seq', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_read_positions_channel_id_channels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_read_positions_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'channel_id', name=op.f('pk_read_positions'))
    )
    with op.batch_alter_table('read_positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_read_positions_channel_id'), ['channel_id'], unique=False)

    op.create_table('message_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('edit', 'delete', name='message_revision_action'), nullable=False),
    sa.Column('previous_body', sa.Text(), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name=op.f('fk_message_revisions_edited_by_id_users')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_revisions_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_revisions'))
    )
    with op.batch_alter_table('message_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_revisions_message_id'), ['message_id'], unique=False)

    # Groups created before channels existed get theirs now (new ones get them when created).
    op.execute("INSERT INTO channels (group_id, team_id, kind, name, created_by_id, created_at, last_seq) "
               "SELECT id, NULL, 'general', 'general', created_by_id, created_at, 0 FROM joint_groups")
    op.execute("INSERT INTO channels (group_id, team_id, kind, name, created_by_id, created_at, last_seq) "
               "SELECT group_id, id, 'team', 'team-' || party_code, NULL, created_at, 0 FROM national_teams")

    if op.get_bind().dialect.name == "postgresql":
        # Edit history is append-only like the audit trail (jit_refuse_change comes from 0002).
        for table in APPEND_ONLY_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION jit_refuse_change()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    with op.batch_alter_table('message_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_revisions_message_id'))

    op.drop_table('message_revisions')
    with op.batch_alter_table('read_positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_read_positions_channel_id'))

    op.drop_table('read_positions')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_channel_id'))

    op.drop_table('messages')
    with op.batch_alter_table('channel_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_subscriptions_channel_id'))

    op.drop_table('channel_subscriptions')
    with op.batch_alter_table('channel_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_members_user_id'))

    op.drop_table('channel_members')
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channels_group_id'))

    op.drop_table('channels')
    for name in ENUMS:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)

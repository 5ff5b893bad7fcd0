"""Browser sessions kept on the server (so that signing out ends every copy of a cookie), sockets
tied to them, and the second factor's secret kept on the server while it is being set up.
Sessions begun before this revision have no record: their users sign in again; sockets recorded
before it are dropped (their processes were stopped for the upgrade).

Revision ID: 0010_sessions
Revises: 0009_socket_servers
Create Date: 2026-12-03

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_sessions'
down_revision = '0009_socket_servers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.execute(sa.text('DELETE FROM channel_subscriptions'))
    op.execute(sa.text('DELETE FROM socket_connections'))
    with op.batch_alter_table('socket_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_socket_connections_session_key'))
        batch_op.drop_column('session_key')
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_socket_connections_session_id'), ['session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_socket_connections_session_id_user_sessions'), 'user_sessions',
                                    ['session_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_pending_secret', sa.String(length=64), nullable=True))


def downgrade():
    # In place, not a batch: on SQLite a batch copies `users` and drops the old table, which the
    # rows of every table referring to it refuse (SQLite 3.35+ drops a plain column itself).
    op.drop_column('users', 'totp_pending_secret')

    op.execute(sa.text('DELETE FROM channel_subscriptions'))
    op.execute(sa.text('DELETE FROM socket_connections'))
    with op.batch_alter_table('socket_connections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_socket_connections_session_id_user_sessions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_socket_connections_session_id'))
        batch_op.drop_column('session_id')
        batch_op.add_column(sa.Column('session_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_socket_connections_session_key'), ['session_key'], unique=False)

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')

"""The server processes holding sockets, each saying it is alive, so that the sockets of one that
stopped are forgotten; connections recorded before this revision are dropped (their processes
were stopped for the upgrade).

Revision ID: 0009_socket_servers
Revises: 0008_instruction_sanction
Create Date: 2026-11-26

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_socket_servers'
down_revision = '0008_instruction_sanction'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('socket_servers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_socket_servers'))
    )
    with op.batch_alter_table('socket_servers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_socket_servers_seen_at'), ['seen_at'], unique=False)

    op.execute(sa.text('DELETE FROM channel_subscriptions'))
    op.execute(sa.text('DELETE FROM socket_connections'))
    with op.batch_alter_table('socket_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('server_id', sa.String(length=32), nullable=False))
        batch_op.create_index(batch_op.f('ix_socket_connections_server_id'), ['server_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_socket_connections_server_id_socket_servers'), 'socket_servers',
                                    ['server_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('socket_connections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_socket_connections_server_id_socket_servers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_socket_connections_server_id'))
        batch_op.drop_column('server_id')

    with op.batch_alter_table('socket_servers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_socket_servers_seen_at'))

    op.drop_table('socket_servers')

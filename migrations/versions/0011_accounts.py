"""Accounts: sign-in failures counted per username and address instead of a lock on the account,
the addresses each account last signed in from, password history, and a forced change after an
admin's reset.

Revision ID: 0011_accounts
Revises: 0010_sessions
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_accounts'
down_revision = '0010_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username_key', sa.String(length=64), nullable=False),
    sa.Column('source_address', sa.String(length=64), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failures_failed_at'), ['failed_at'], unique=False)
        batch_op.create_index('ix_sign_in_failures_username_key_failed_at', ['username_key', 'failed_at'],
                              unique=False)

    op.create_table('known_sign_in_addresses',
    sa.Column('username_key', sa.String(length=64), nullable=False),
    sa.Column('source_address', sa.String(length=64), nullable=False),
    sa.Column('signed_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('username_key', 'source_address', name=op.f('pk_known_sign_in_addresses'))
    )

    op.create_table('previous_passwords',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_previous_passwords_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_previous_passwords'))
    )
    with op.batch_alter_table('previous_passwords', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_previous_passwords_user_id'), ['user_id'], unique=False)

    # In place, not a batch: on SQLite a batch copies `users` and drops the old table, which the
    # rows of every table referring to it refuse (SQLite 3.35+ adds and drops plain columns itself).
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('users', sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
    for column in ('locked_until', 'first_failed_login_at', 'failed_logins'):
        op.drop_column('users', column)


def downgrade():
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
    op.add_column('users', sa.Column('first_failed_login_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_column('users', 'password_changed_at')
    op.drop_column('users', 'must_change_password')

    with op.batch_alter_table('previous_passwords', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_previous_passwords_user_id'))
    op.drop_table('previous_passwords')
    op.drop_table('known_sign_in_addresses')
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_failures_username_key_failed_at')
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_failed_at'))
    op.drop_table('sign_in_failures')

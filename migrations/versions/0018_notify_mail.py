"""Notification e-mail (issue 17, items 4 and 5): each person's choices (address, which kinds are
mailed at once or in the daily digest, quiet hours) and the outbox the mail command sends from.

Revision ID: 0018_notify_mail
Revises: 0017_identifiers
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_notify_mail'
down_revision = '0017_identifiers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('email_kinds', sa.JSON(), nullable=False),
        sa.Column('quiet_from', sa.Time(), nullable=True),
        sa.Column('quiet_until', sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings')),
    )
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.Boolean(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_mail_outbox_recipient_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_mail_outbox_notification_id_notifications'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    )
    op.create_index('ix_mail_outbox_pending', 'mail_outbox', ['sent_at', 'due_at'])
    op.create_index(op.f('ix_mail_outbox_recipient_id'), 'mail_outbox', ['recipient_id'])
    op.create_index(op.f('ix_mail_outbox_notification_id'), 'mail_outbox', ['notification_id'])


def downgrade():
    op.drop_table('mail_outbox')
    op.drop_table('notification_settings')

"""Notifications: each person's inbox (recipient, kind, group, object, actor, the text's parameters,
when, read), with the indexes the inbox, its unread count and "opened the object" need, and a
unique key per recipient so that the scheduled reminders come once per event and threshold.

Revision ID: 0014_notify
Revises: 0013_instruction_subject
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_notify'
down_revision = '0013_instruction_subject'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('object_type', sa.String(length=20), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('dedup_key', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_notifications_group_id_joint_groups'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('recipient_id', 'dedup_key', name='uq_notifications_recipient_key'),
    )
    op.create_index('ix_notifications_recipient_id_id', 'notifications', ['recipient_id', 'id'])
    op.create_index('ix_notifications_recipient_unread', 'notifications', ['recipient_id', 'read_at'])
    op.create_index('ix_notifications_recipient_object', 'notifications',
                    ['recipient_id', 'object_type', 'object_id'])
    op.create_index(op.f('ix_notifications_group_id'), 'notifications', ['group_id'])


def downgrade():
    op.drop_table('notifications')

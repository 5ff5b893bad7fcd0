"""A refused address (issue 17): when the mail server refused a person's address for good, and its
answer, kept on their notification settings so that their settings page can say so and nothing more is
mailed to it until they give an address again.

Revision ID: 0019_mail_refused
Revises: 0018_notify_mail
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019_mail_refused'
down_revision = '0018_notify_mail'
branch_labels = None
depends_on = None


def upgrade():
    # Plain columns added in place (SQLite 3.35+), as the earlier migrations do.
    op.add_column('notification_settings', sa.Column('email_refused_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('notification_settings', sa.Column('email_refused', sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column('notification_settings', 'email_refused')
    op.drop_column('notification_settings', 'email_refused_at')

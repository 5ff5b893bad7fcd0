"""Registry (parties, authorities), users, roles, API tokens, socket connections; the CIS parties.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-26

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# The parties to the 2015 Agreement with the treaty dates known when this was written
# (DOMAIN.md); unknown dates stay NULL for an admin to enter. Frozen here on purpose: a
# migration must not depend on application code that changes later.
CIS_PARTIES = [
    ("AM", "Republic of Armenia", "Республика Армения", None, None),
    ("AZ", "Republic of Azerbaijan", "Азербайджанская Республика", None, None),
    ("BY", "Republic of Belarus", "Республика Беларусь", None, None),
    ("KZ", "Republic of Kazakhstan", "Республика Казахстан", None, None),
    ("KG", "Kyrgyz Republic", "Кыргызская Республика", None, None),
    ("MD", "Republic of Moldova", "Республика Молдова", None, None),
    # Chisinau Convention in force for Russia from 28 June 2023 (it replaces Minsk between its parties).
    ("RU", "Russian Federation", "Российская Федерация", None, date(2023, 6, 28)),
    ("TJ", "Republic of Tajikistan", "Республика Таджикистан", None, None),
    ("TM", "Turkmenistan", "Туркменистан", None, None),
    ("UZ", "Republic of Uzbekistan", "Республика Узбекистан", None, None),
]


# revision identifiers, used by Alembic.
revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parties',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('name_ru', sa.String(length=120), nullable=False),
    sa.Column('agreement_2015_in_force_on', sa.Date(), nullable=True),
    sa.Column('chisinau_in_force_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_parties'))
    )
    parties = sa.table(
        "parties",
        sa.column("code", sa.String),
        sa.column("name_en", sa.String),
        sa.column("name_ru", sa.String),
        sa.column("agreement_2015_in_force_on", sa.Date),
        sa.column("chisinau_in_force_on", sa.Date),
    )
    op.bulk_insert(
        parties,
        [
            {"code": code, "name_en": name_en, "name_ru": name_ru,
             "agreement_2015_in_force_on": agreement, "chisinau_in_force_on": chisinau}
            for code, name_en, name_ru, agreement, chisinau in CIS_PARTIES
        ],
    )
    op.create_table('authorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_code', sa.String(length=2), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('name_ru', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('central', 'competent', name='authority_kind'), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('delisted_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['party_code'], ['parties.code'], name=op.f('fk_authorities_party_code_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorities'))
    )
    with op.batch_alter_table('authorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorities_party_code'), ['party_code'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_users_authority_id_authorities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_authority_id'), ['authority_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'legal_officer', 'investigator', name='platform_role'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('socket_connections',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('connected_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_socket_connections_token_id_api_tokens'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_socket_connections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_socket_connections'))
    )
    with op.batch_alter_table('socket_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_socket_connections_token_id'), ['token_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_socket_connections_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('socket_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_socket_connections_user_id'))
        batch_op.drop_index(batch_op.f('ix_socket_connections_token_id'))

    op.drop_table('socket_connections')
    op.drop_table('user_roles')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_authority_id'))

    op.drop_table('users')
    with op.batch_alter_table('authorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorities_party_code'))

    op.drop_table('authorities')
    op.drop_table('parties')
    # PostgreSQL keeps enum types after their tables are gone.
    sa.Enum(name="platform_role").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="authority_kind").drop(op.get_bind(), checkfirst=True)

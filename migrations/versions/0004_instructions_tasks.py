"""Instructions between national teams (documents, results, timeline) and tasks (assignees,
comments, change history).

Revision ID: 0004_instructions_tasks
Revises: 0003_groups
Create Date: 2026-11-26

"""
import sqlalchemy as sa
from alembic import op

ENUMS = ("instruction_status", "task_status", "task_priority")
APPEND_ONLY_TABLES = ("instruction_events", "task_changes")


# revision identifiers, used by Alembic.
revision = '0004_instructions_tasks'
down_revision = '0003_groups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('instructions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('from_team_id', sa.Integer(), nullable=False),
    sa.Column('to_team_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'sent', 'accepted', 'in_progress', 'executed', 'partially_executed', 'refused', name='instruction_status'), nullable=False),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['criminal_cases.id'], name=op.f('fk_instructions_case_id_criminal_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_instructions_created_by_id_users')),
    sa.ForeignKeyConstraint(['from_team_id'], ['national_teams.id'], name=op.f('fk_instructions_from_team_id_national_teams')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_instructions_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['to_team_id'], ['national_teams.id'], name=op.f('fk_instructions_to_team_id_national_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instructions'))
    )
    with op.batch_alter_table('instructions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instructions_group_id'), ['group_id'], unique=False)

    op.create_table('instruction_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instruction_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('certified', sa.Boolean(), nullable=False),
    sa.Column('is_sanction', sa.Boolean(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_instruction_documents_added_by_id_users')),
    sa.ForeignKeyConstraint(['instruction_id'], ['instructions.id'], name=op.f('fk_instruction_documents_instruction_id_instructions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruction_documents'))
    )
    with op.batch_alter_table('instruction_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instruction_documents_instruction_id'), ['instruction_id'], unique=False)

    op.create_table('instruction_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instruction_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_instruction_events_actor_id_users')),
    sa.ForeignKeyConstraint(['instruction_id'], ['instructions.id'], name=op.f('fk_instruction_events_instruction_id_instructions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruction_events'))
    )
    with op.batch_alter_table('instruction_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instruction_events_instruction_id'), ['instruction_id'], unique=False)

    op.create_table('instruction_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instruction_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_instruction_results_added_by_id_users')),
    sa.ForeignKeyConstraint(['instruction_id'], ['instructions.id'], name=op.f('fk_instruction_results_instruction_id_instructions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruction_results'))
    )
    with op.batch_alter_table('instruction_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instruction_results_instruction_id'), ['instruction_id'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'in_progress', 'blocked', 'done', 'cancelled', name='task_status'), nullable=False),
    sa.Column('blocked_reason', sa.Text(), nullable=True),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='task_priority'), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('instruction_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['criminal_cases.id'], name=op.f('fk_tasks_case_id_criminal_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tasks_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['joint_groups.id'], name=op.f('fk_tasks_group_id_joint_groups')),
    sa.ForeignKeyConstraint(['instruction_id'], ['instructions.id'], name=op.f('fk_tasks_instruction_id_instructions')),
    sa.ForeignKeyConstraint(['team_id'], ['national_teams.id'], name=op.f('fk_tasks_team_id_national_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_instruction_id'), ['instruction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_team_id'), ['team_id'], unique=False)

    op.create_table('task_assignments',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_assignments_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_task_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('task_id', 'user_id', name=op.f('pk_task_assignments'))
    )
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('task_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old', sa.JSON(), nullable=False),
    sa.Column('new', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_task_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_changes_task_id_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_changes'))
    )
    with op.batch_alter_table('task_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_changes_task_id'), ['task_id'], unique=False)

    op.create_table('task_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_task_comments_author_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_comments_task_id_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_comments'))
    )
    with op.batch_alter_table('task_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_comments_task_id'), ['task_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # Timelines are append-only like the audit trail (jit_refuse_change comes from 0002).
        for table in APPEND_ONLY_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION jit_refuse_change()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    with op.batch_alter_table('task_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_comments_task_id'))

    op.drop_table('task_comments')
    with op.batch_alter_table('task_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_changes_task_id'))

    op.drop_table('task_changes')
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_assignments_user_id'))

    op.drop_table('task_assignments')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_team_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_status'))
        batch_op.drop_index(batch_op.f('ix_tasks_instruction_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_group_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_due_on'))

    op.drop_table('tasks')
    with op.batch_alter_table('instruction_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instruction_results_instruction_id'))

    op.drop_table('instruction_results')
    with op.batch_alter_table('instruction_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instruction_events_instruction_id'))

    op.drop_table('instruction_events')
    with op.batch_alter_table('instruction_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instruction_documents_instruction_id'))

    op.drop_table('instruction_documents')
    with op.batch_alter_table('instructions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instructions_group_id'))

    op.drop_table('instructions')
    for name in ENUMS:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)

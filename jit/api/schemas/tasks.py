"""Schemas of tasks, their comments and history (jit/api/tasks.py)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, PageArgsSchema, PersonSchema, allowed_actions, page_schema, text
from jit.models import TaskPriority, TaskStatus
from jit.services.tasks import COMMENT_LIMIT as TASK_COMMENT_LIMIT
from jit.services.tasks import TITLE_LIMIT as TASK_TITLE_LIMIT
from jit.services.tasks import is_unassigned


class TaskFilterSchema(PageArgsSchema):
    status = ma.fields.String(load_default=None, metadata={"enum": [s.value for s in TaskStatus]})
    team_id = Integer(load_default=None)
    assignee_id = Integer(load_default=None)
    case_id = Integer(load_default=None)
    overdue = ma.fields.Boolean(load_default=False, metadata={"description": "due before today and not finished"})


class TaskCreateSchema(ma.Schema):
    title = text(TASK_TITLE_LIMIT, required=True)
    description = ma.fields.String(load_default="")
    assignee_ids = ma.fields.List(Integer(), load_default=list)
    due_on = ma.fields.Date(allow_none=True, load_default=None)
    priority = ma.fields.String(load_default="normal", metadata={"enum": [p.value for p in TaskPriority]})
    instruction_id = Integer(allow_none=True, load_default=None)
    case_id = Integer(allow_none=True, load_default=None)
    allow_past_due = ma.fields.Boolean(load_default=False)


class TaskUpdateSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": [s.value for s in TaskStatus]})
    title = ma.fields.String()
    description = ma.fields.String()
    assignee_ids = ma.fields.List(Integer())
    due_on = ma.fields.Date()
    priority = ma.fields.String(metadata={"enum": [p.value for p in TaskPriority]})
    blocked_reason = ma.fields.String(metadata={"description": "required when the status becomes blocked"})
    allow_past_due = ma.fields.Boolean()
    version = Integer(required=True)


class TaskCommentSchema(ma.Schema):
    id = Integer()
    author = ma.fields.Nested(PersonSchema)
    body = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class TaskCommentCreateSchema(ma.Schema):
    body = text(TASK_COMMENT_LIMIT, required=True)


class TaskChangeSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    actor = ma.fields.Nested(PersonSchema, allow_none=True)
    field = ma.fields.String(metadata={"description": "the changed field, or `created`"})
    old = ma.fields.Dict(metadata={"description": "{field: value before}"})
    new = ma.fields.Dict(metadata={"description": "{field: value after}; all initial values for `created`"})


class TaskSummarySchema(ma.Schema):
    id = Integer()
    group_id = Integer()
    team_id = Integer(allow_none=True)
    title = ma.fields.String()
    description = ma.fields.String()
    status = ma.fields.Enum(TaskStatus, by_value=True)
    blocked_reason = ma.fields.String(allow_none=True)
    assignees = ma.fields.List(ma.fields.Nested(PersonSchema))
    unassigned = ma.fields.Function(is_unassigned, metadata={
        "description": "none of the assignees is still a current member of the group"})
    due_on = ma.fields.Date(allow_none=True)
    priority = ma.fields.Enum(TaskPriority, by_value=True)
    instruction_id = Integer(allow_none=True)
    case_id = Integer(allow_none=True)
    created_by = ma.fields.Nested(PersonSchema)
    created_at = ma.fields.AwareDateTime()
    version = Integer()


class TaskSchema(TaskSummarySchema):
    comments = ma.fields.List(ma.fields.Nested(TaskCommentSchema))
    history = ma.fields.List(ma.fields.Nested(TaskChangeSchema))
    allowed_actions = allowed_actions()


TaskPageSchema = page_schema(TaskSummarySchema, "TaskPage")

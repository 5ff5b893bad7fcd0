"""Tasks: /groups/{gid}/tasks and /tasks/{tid}, with comments and history (API.md "Instructions and tasks")."""

from __future__ import annotations

from jit.api.common import actor, answered, links, make_blueprint
from jit.api.errors import GROUP_NOT_FOUND, INVALID, ErrorSchema
from jit.api.schemas.tasks import (
    TaskCommentCreateSchema,
    TaskCommentSchema,
    TaskCreateSchema,
    TaskFilterSchema,
    TaskPageSchema,
    TaskSchema,
    TaskUpdateSchema,
)
from jit.services import tasks

blp = make_blueprint("api_tasks", __name__, "Tasks inside a group: assignees, workflow, comments, history.")
NOT_FOUND = {"schema": ErrorSchema, "description": "no such task, or not one the caller may know of"}
TASK_OPERATIONS = ("GET /tasks/{tid}", "PATCH /tasks/{tid}", "POST /tasks/{tid}/comments")


@blp.route("/groups/<int:gid>/tasks", methods=["GET"])
@blp.doc(**links(*TASK_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(TaskFilterSchema, location="query")
@blp.response(200, TaskPageSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(422, **INVALID)
def list_tasks(args, gid):
    """The group's tasks, oldest first, filtered by status, team, assignee, case, or overdue."""
    return tasks.list_tasks(actor(), gid, **args)


@blp.route("/groups/<int:gid>/tasks", methods=["POST"])
@blp.doc(**links(*TASK_OPERATIONS))
@blp.arguments(TaskCreateSchema)
@blp.response(201, TaskSchema)
@blp.alt_response(403, schema=ErrorSchema,
                  description="neither the group head nor a national head, or a national head assigning outside "
                              "their team")
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="the group is not active, or today is outside its term")
@blp.alt_response(422, **INVALID)
def create_task(body, gid):
    """Set a task for current members of the group (a national head: of their own team)."""
    return tasks.create_task(actor(), gid, **body)


@blp.route("/tasks/<int:tid>", methods=["GET"])
@blp.response(200, TaskSchema)
@blp.alt_response(404, **NOT_FOUND)
def get_task(tid):
    return answered(tasks.get_task(actor(), tid), tasks.allowed_actions)


@blp.route("/tasks/<int:tid>", methods=["PATCH"])
@blp.arguments(TaskUpdateSchema)
@blp.response(200, TaskSchema)
@blp.alt_response(403, schema=ErrorSchema,
                  description="not the group head, the task team's national head, or (status only) an assignee; "
                              "reopening a done or cancelled task: not the group head nor the one who closed it")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema,
                  description="stale version (`fields.version` is the current one), a move the workflow does not "
                              "allow, a final task, or a group that is not active")
@blp.alt_response(422, **INVALID)
def update_task(body, tid):
    """Change fields with the version read; each changed field is recorded in the history. A done or
    cancelled task changes only by being reopened (`status: open`), by the group head or whoever closed it."""
    return tasks.update_task(actor(), tid, **body)


@blp.route("/tasks/<int:tid>/comments", methods=["POST"])
@blp.arguments(TaskCommentCreateSchema)
@blp.response(201, TaskCommentSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not a member of the group nor its head (legal observers read)")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="the group is closed")
@blp.alt_response(422, **INVALID)
def add_comment(body, tid):
    return tasks.add_comment(actor(), tid, body["body"])

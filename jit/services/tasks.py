"""Tasks inside a group (DOMAIN.md "Task"): set by the group head, or by a national head for their
own team, assigned to current members; workflow open → in_progress → done | cancelled, blocked with
a reason; comments; one history row per changed field."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from jit.extensions import db
from jit.models import (
    CriminalCase,
    Instruction,
    JointGroup,
    MemberRole,
    Membership,
    Task,
    TaskAssignment,
    TaskChange,
    TaskComment,
    TaskPriority,
    TaskStatus,
    User,
)
from jit.services import authz, notifications, scope
from jit.services import values as storable
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Inapplicable, Invalid
from jit.services.pagination import Page, paginate

# Which moves the workflow allows. Done and cancelled are final: nothing else about the task changes,
# and only reopening (back to open) leaves them, by those who may reopen (`may_reopen`).
TRANSITIONS = {
    TaskStatus.OPEN: {TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.DONE, TaskStatus.CANCELLED, TaskStatus.BLOCKED},
    TaskStatus.BLOCKED: {TaskStatus.OPEN, TaskStatus.IN_PROGRESS},
    TaskStatus.DONE: {TaskStatus.OPEN},
    TaskStatus.CANCELLED: {TaskStatus.OPEN},
}
FINAL = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})
TITLE_LIMIT = 300
COMMENT_LIMIT = 10_000
# What the history compares and records, in this order.
FIELDS = ("status", "title", "description", "assignee_ids", "due_on", "priority", "blocked_reason")


def is_overdue(task: Task, today: date | None = None) -> bool:
    """Past its due date and not yet done or cancelled."""
    return task.due_on is not None and task.due_on < (today or scope.today()) and task.status not in FINAL


def is_unassigned(task: Task) -> bool:
    """None of the task's assignees is still a current member of its group (their work is kept)."""
    current = scope.current_members(task.group)
    return not any(assignment.user_id in current for assignment in task.assignments)


def _load(actor: User | None, task_id: int) -> tuple[User, Task]:
    """The caller and the task, if the caller may see its group (NotFound otherwise)."""
    return scope.load_in_group(actor, Task, task_id, "task")


def _led_team(actor: User, group: JointGroup) -> Membership | None:
    """The caller's membership if they are a national head in the group."""
    membership = authz.current_membership(actor, group)
    return membership if membership is not None and membership.role == MemberRole.NATIONAL_HEAD else None


def _check_assignees(group: JointGroup, assignee_ids: list[int], team_id: int | None) -> dict:
    """422 problems for the list; a national head (`team_id` set) is refused anyone outside their team."""
    if not assignee_ids:
        return {"assignee_ids": _l("Assign at least one member.")}
    members = scope.current_members(group)
    strangers = [user_id for user_id in assignee_ids if user_id not in members]
    if strangers:
        return {"assignee_ids": _l("Not current members of the group: %(ids)s.",
                                   ids=", ".join(str(user_id) for user_id in strangers))}
    if team_id is not None and any(members[user_id].team_id != team_id for user_id in assignee_ids):
        raise Forbidden(_l("A national head sets tasks only for members of their own team."),
                        fields={"assignee_ids": _l("Only members of your team.")})
    return {}


def _ids(values) -> list[int]:
    return sorted({int(value) for value in values or []})


def _check_fields(values: dict, *, allow_past_due: bool) -> dict:
    problems = {}
    if "title" in values and (problem := storable.text_problem(values["title"], TITLE_LIMIT)):
        problems["title"] = problem
    if "priority" in values and values["priority"] not in {p.value for p in TaskPriority}:
        problems["priority"] = _l("One of: %(values)s.", values=", ".join(p.value for p in TaskPriority))
    due_on = values.get("due_on")
    if due_on is not None and not isinstance(due_on, date):
        problems["due_on"] = _l("A date (YYYY-MM-DD).")
    elif due_on is not None and due_on < scope.today() and not allow_past_due:
        problems["due_on"] = _l("Before today; send allow_past_due to record it anyway.")
    return problems


def _check_links(group: JointGroup, *, case_id: int | None, instruction_id: int | None) -> dict:
    problems = {}
    if case_id is not None:
        case = db.session.get(CriminalCase, case_id)
        if case is None or case.group_id != group.id:
            problems["case_id"] = _l("Not a case of this group.")
    if instruction_id is not None:
        instruction = db.session.get(Instruction, instruction_id)
        if instruction is None or instruction.group_id != group.id:
            problems["instruction_id"] = _l("Not an instruction of this group.")
    return problems


def _snapshot(task: Task) -> dict[str, Any]:
    """The task's editable fields as JSON-safe values (what the history records)."""
    return {
        "status": task.status.value,
        "title": task.title,
        "description": task.description,
        "assignee_ids": sorted(assignment.user_id for assignment in task.assignments),
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "priority": task.priority.value,
        "blocked_reason": task.blocked_reason,
    }


def _json_safe(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- reading -------------------------------------------------------------------------------

def listed(group: JointGroup, *, status: str | None = None, team_id: int | None = None,
           assignee_id: int | None = None, case_id: int | None = None, overdue: bool = False) -> Select:
    """The group's tasks a list shows, filtered; the home page counts with the same query, so a
    number and the board it links to agree."""
    stmt = select(Task).where(Task.group_id == group.id)
    if status:
        if status not in {s.value for s in TaskStatus}:
            raise Invalid(fields={"status": _l("One of: %(values)s.", values=", ".join(s.value for s in TaskStatus))})
        stmt = stmt.where(Task.status == TaskStatus(status))
    if team_id is not None:
        stmt = stmt.where(Task.team_id == team_id)
    if assignee_id is not None:
        stmt = stmt.where(Task.assignments.any(TaskAssignment.user_id == assignee_id))
    if case_id is not None:
        stmt = stmt.where(Task.case_id == case_id)
    if overdue:
        stmt = stmt.where(Task.due_on < scope.today(), Task.status.not_in(FINAL))
    return stmt


@use_case("task.list")
def list_tasks(actor: User | None, group_id: int, *, status: str | None = None, team_id: int | None = None,
               assignee_id: int | None = None, case_id: int | None = None, overdue: bool = False,
               limit: int | None = None, cursor: str | None = None, newest_first: bool = False) -> Page:
    """The group's tasks, oldest first (or newest), for anyone who may see the group."""
    _, group = scope.load_visible(actor, group_id)
    stmt = listed(group, status=status, team_id=team_id, assignee_id=assignee_id, case_id=case_id,
                  overdue=overdue).options(
        selectinload(Task.assignments).selectinload(TaskAssignment.user), selectinload(Task.created_by))
    return paginate(stmt, Task.id, limit=limit, cursor=cursor, descending=newest_first)


@use_case("task.list")
def count_by_status(actor: User | None, group_id: int, **filters) -> dict[TaskStatus, int]:
    """How many of the group's tasks each status holds under `filters` (those of `listed`)."""
    _, group = scope.load_visible(actor, group_id)
    tasks = listed(group, **filters).subquery()
    counted = db.session.execute(select(tasks.c.status, func.count()).group_by(tasks.c.status))
    return {status: n for status, n in counted}


@use_case("task.read")
def get_task(actor: User | None, task_id: int) -> Task:
    actor, task = _load(actor, task_id)
    notifications.opened(actor, task)
    return task


def concerned(task: Task) -> set[int]:
    """Who hears of what happens to a task: its assignees and the one who set it."""
    return {assignment.user_id for assignment in task.assignments} | {task.created_by_id}


# --- creating and editing ------------------------------------------------------------------

def creation_refusals(actor: User, group: JointGroup) -> list[authz.Refusal]:
    """Who sets tasks in the group: its head, or a national head (for their own team), while it works."""
    sets_tasks = authz.manages_group(actor, group) or _led_team(actor, group) is not None
    return [None if sets_tasks else Forbidden(_l("Only the group head or a national head can set tasks.")),
            scope.unworkable_refusal(group)]


def board_actions(actor: User, group: JointGroup) -> authz.Actions:
    """What `actor` may do on the group's task board besides its tasks: `create` (set a task)."""
    return authz.answer({"create": creation_refusals(actor, group)})


@use_case("task.create")
def create_task(actor: User | None, group_id: int, *, title: str, description: str = "",
                assignee_ids: list[int], due_on: date | None = None, priority: str = "normal",
                instruction_id: int | None = None, case_id: int | None = None,
                allow_past_due: bool = False) -> Task:
    """The group head sets a task for any current member; a national head for their own team only."""
    actor, group = scope.load_visible(actor, group_id)
    authz.refuse(*creation_refusals(actor, group))
    team_id = None if authz.manages_group(actor, group) else _led_team(actor, group).team_id
    values = {"title": (title or "").strip(), "description": (description or "").strip(),
              "assignee_ids": _ids(assignee_ids), "due_on": due_on, "priority": priority}
    problems = _check_fields(values, allow_past_due=allow_past_due)
    problems.update(_check_links(group, case_id=case_id, instruction_id=instruction_id))
    problems.update(_check_assignees(group, values["assignee_ids"], team_id))
    if problems:
        raise Invalid(fields=problems)
    task = Task(group=group, team_id=team_id, title=values["title"], description=values["description"],
                status=TaskStatus.OPEN, priority=TaskPriority(priority), due_on=due_on,
                instruction_id=instruction_id, case_id=case_id, created_by_id=actor.id,
                assignments=[TaskAssignment(user_id=user_id) for user_id in values["assignee_ids"]])
    db.session.add(task)
    db.session.flush()
    created = {**_snapshot(task), "team_id": team_id, "case_id": case_id, "instruction_id": instruction_id}
    db.session.add(TaskChange(task=task, actor_id=actor.id, field="created", old={}, new=created))
    note(object_type="task", object_id=task.id, assignees=",".join(map(str, values["assignee_ids"])))
    notifications.tell("task.assigned", task, values["assignee_ids"], actor=actor)
    scope.announce(group, "task.created", {"task_id": task.id, "title": task.title, "status": task.status.value,
                                           "assignee_ids": values["assignee_ids"], "team_id": team_id})
    return task


def _editor(actor: User, task: Task) -> str | None:
    """How the caller may edit the task: as the group head, its team's national head, an assignee."""
    if authz.manages_group(actor, task.group):
        return "head"
    membership = authz.current_membership(actor, task.group)
    if membership is None:
        return None
    if membership.role == MemberRole.NATIONAL_HEAD and task.team_id is not None and membership.team_id == task.team_id:
        return "team_head"
    if any(assignment.user_id == actor.id for assignment in task.assignments):
        return "assignee"
    return None


def _closed_by(task: Task) -> int | None:
    """Who set the task done or cancelled: the actor of its last status change."""
    return next((change.actor_id for change in reversed(task.history) if change.field == "status"), None)


def may_reopen(actor: User, task: Task) -> bool:
    """A done or cancelled task is reopened by the group head, or by the member who closed it."""
    if task.status not in FINAL:
        return False
    if authz.manages_group(actor, task.group):
        return True
    return authz.current_membership(actor, task.group) is not None and _closed_by(task) == actor.id


def _workflow_from(task: Task) -> list[TaskStatus]:
    return [status for status in TaskStatus if status in TRANSITIONS[task.status]]


def _requested(**fields) -> dict[str, Any]:
    """What the caller sent, normalised; None means unchanged."""
    values = {name: value for name, value in fields.items() if value is not None}
    for name in ("title", "description", "blocked_reason"):
        if name in values:
            values[name] = values[name].strip()
    if "assignee_ids" in values:
        values["assignee_ids"] = _ids(values["assignee_ids"])
    if "status" in values and values["status"] not in {s.value for s in TaskStatus}:
        raise Invalid(fields={"status": _l("One of: %(values)s.", values=", ".join(s.value for s in TaskStatus))})
    return values


def _check_move(task: Task, target: TaskStatus) -> None:
    if target not in TRANSITIONS[task.status]:
        message = _l("A task that is %(status)s cannot become %(to)s directly.", status=task.status.value,
                     to=target.value)
        raise Conflict(message, fields={"status": message})


def _editor_refusal(editor: str | None) -> authz.Refusal:
    if editor is not None:
        return None
    return Forbidden(_l("Only the group head, the national head of the task's team or an assignee can "
                        "change the task."))


def _final_refusals(actor: User, task: Task, changes: dict[str, Any]) -> list[authz.Refusal]:
    """A done or cancelled task changes only by being reopened (back to open), and only by those who
    may reopen it."""
    if task.status not in FINAL:
        return []
    if changes != {"status": TaskStatus.OPEN.value}:
        message = _l("The task is %(status)s, which is final: it can only be reopened.", status=task.status.value)
        return [Inapplicable(message, fields={"status": message})]
    return [None if may_reopen(actor, task) else
            Forbidden(_l("Only the group head or the one who closed the task can reopen it."))]


def _move_refusals(actor: User, task: Task, editor: str | None, target: TaskStatus) -> list[authz.Refusal]:
    return [_editor_refusal(editor), *_final_refusals(actor, task, {"status": target.value})]


def _comment_refusals(actor: User, group: JointGroup) -> list[authz.Refusal]:
    member = authz.manages_group(actor, group) or authz.current_membership(actor, group) is not None
    return [None if member else Forbidden(_l("Only members of the group and its head can comment on its tasks.")),
            authz.closed_refusal(group)]


def allowed_actions(actor: User | None, task: Task) -> authz.Actions:
    """What `actor` may do with the task now, each with what it still lacks (NotFound for someone
    who may not see its group): `edit` (its fields: the group head and its team's national head),
    `to:<status>` for each move from here (they and its assignees), `comment`."""
    actor, group = authz.require_group(actor, task.group)
    editor = _editor(actor, task)
    workable = scope.unworkable_refusal(group)
    checks = {"edit": [_editor_refusal(editor), workable, *_final_refusals(actor, task, {"edit": True}),
                       None if editor in ("head", "team_head") else Forbidden()]}
    checks.update({f"to:{target.value}": [*_move_refusals(actor, task, editor, target), workable]
                   for target in _workflow_from(task)})
    checks["comment"] = _comment_refusals(actor, group)
    return authz.answer(checks)


@use_case("task.update")
def update_task(actor: User | None, task_id: int, *, version: int | None, status: str | None = None,
                title: str | None = None, description: str | None = None, assignee_ids: list[int] | None = None,
                due_on: date | None = None, priority: str | None = None, blocked_reason: str | None = None,
                allow_past_due: bool = False) -> Task:
    """Edit a task: the group head or the national head of its team edit everything (reassigning
    by the creation rules), an assignee moves its status. Only fields that really change count."""
    actor, task = _load(actor, task_id)
    group = task.group
    editor = _editor(actor, task)
    authz.refuse(_editor_refusal(editor), scope.unworkable_refusal(group))
    scope.check_version(task, version, _l("task"))
    before = _snapshot(task)
    requested = _requested(status=status, title=title, description=description, assignee_ids=assignee_ids,
                           due_on=due_on, priority=priority, blocked_reason=blocked_reason)
    changes = {name: value for name, value in requested.items() if before[name] != _json_safe(value)}
    if not changes:
        return task
    if editor == "assignee" and set(changes) - {"status", "blocked_reason"}:
        raise Forbidden(_l("An assignee can change only the status of the task."))
    authz.refuse(*_final_refusals(actor, task, changes))
    target = TaskStatus(changes.get("status", task.status))
    if "status" in changes:
        _check_move(task, target)
    problems = _check_fields(changes, allow_past_due=allow_past_due)
    if target == TaskStatus.BLOCKED and not requested.get("blocked_reason", task.blocked_reason):
        problems["blocked_reason"] = _l("Say why the task is blocked.")
    elif target != TaskStatus.BLOCKED and changes.get("blocked_reason"):
        problems["blocked_reason"] = _l("Only a blocked task has a reason.")
    if "assignee_ids" in changes:
        problems.update(_check_assignees(group, changes["assignee_ids"],
                                         task.team_id if editor == "team_head" else None))
    if problems:
        raise Invalid(fields=problems)
    if target != TaskStatus.BLOCKED and task.blocked_reason is not None:
        changes["blocked_reason"] = None  # leaving blocked clears the reason
    reopened = task.status in FINAL
    _apply(task, actor, before, changes)
    _tell_update(task, actor, before, changes)
    note(fields=",".join(sorted(changes)))
    if reopened:
        note(reopened=True)
    scope.announce(group, "task.updated", {"task_id": task.id, "fields": sorted(changes),
                                           "status": task.status.value, "version": task.version})
    return task


def _tell_update(task: Task, actor: User, before: dict[str, Any], changes: dict[str, Any]) -> None:
    """New assignees hear they were assigned, the others (those taken off included) that the assignees changed; everyone
    concerned that it was blocked, and why."""
    if "assignee_ids" in changes:
        added = set(changes["assignee_ids"]) - set(before["assignee_ids"])
        notifications.tell("task.assigned", task, added, actor=actor)
        notifications.tell("task.reassigned", task, (concerned(task) | set(before["assignee_ids"])) - added,
                           actor=actor)
    if changes.get("status") == TaskStatus.BLOCKED.value:
        notifications.tell("task.blocked", task, concerned(task), actor=actor, reason=task.blocked_reason)


def _apply(task: Task, actor: User, before: dict[str, Any], changes: dict[str, Any]) -> None:
    """Write the changes, one history row per field, and move the version (assignments alone would not)."""
    for name in FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name == "assignee_ids":
            kept = {assignment.user_id: assignment for assignment in task.assignments}
            task.assignments = [kept.get(user_id) or TaskAssignment(user_id=user_id) for user_id in value]
        elif name == "status":
            task.status = TaskStatus(value)
        elif name == "priority":
            task.priority = TaskPriority(value)
        else:
            setattr(task, name, value)
        db.session.add(TaskChange(task=task, actor_id=actor.id, field=name, old={name: before[name]},
                                  new={name: _json_safe(value)}))
    read_version = task.version
    task.version = read_version + 1
    try:
        db.session.flush()
    except StaleDataError:
        # Another writer committed the same version between our read and our write.
        db.session.rollback()
        current = db.session.scalar(select(Task.version).where(Task.id == task.id))
        raise scope.changed_meanwhile(_l("task"), current) from None


# --- comments ------------------------------------------------------------------------------

@use_case("task.comment")
def add_comment(actor: User | None, task_id: int, body: str) -> TaskComment:
    """Members and the group head comment; legal observers and admins read only."""
    actor, task = _load(actor, task_id)
    group = task.group
    authz.refuse(*_comment_refusals(actor, group))
    problem = storable.text_problem(body, COMMENT_LIMIT)
    if problem:
        raise Invalid(fields={"body": problem})
    body = body.strip()
    comment = TaskComment(task=task, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    note(comment_id=comment.id)
    notifications.tell("task.commented", task, concerned(task), actor=actor)
    scope.announce(group, "task.commented", {"task_id": task.id, "comment_id": comment.id,
                                             "author_id": actor.id})
    return comment


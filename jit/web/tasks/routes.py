"""Task pages: a group's task board (a column per status), setting a task, and the task's own page,
where it is edited, moved along its workflow, commented on, and its history read.

Thin, like every door: each action is one call of `jit.services.tasks`, which decides who may do
what (outsiders get its NotFound, the others its Forbidden) and what is valid (its field errors go
back on the forms). A stale version is never overwritten: the page answers 409 and shows the task
as it is now next to what the user sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.models import JointGroup, Task, TaskChange, TaskStatus
from jit.services import authz, group_view, tasks
from jit.services.errors import Conflict, DomainError, Invalid
from jit.web.common import (
    action_choice,
    actor,
    add_filters,
    badge_of,
    label_of,
    member_choices,
    unmet_of,
)
from jit.web.refusals import form_page, show_refusal
from jit.web.tasks.forms import (
    FIELD_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    BoardFilterForm,
    BoardMoveForm,
    CommentForm,
    EditForm,
    MoveForm,
    TaskForm,
    offer_task_choices,
)

bp = Blueprint("tasks", __name__)

STATUS_BADGES = {
    TaskStatus.OPEN.value: "text-bg-secondary",
    TaskStatus.IN_PROGRESS.value: "text-bg-primary",
    TaskStatus.BLOCKED.value: "text-bg-warning",
    TaskStatus.DONE.value: "text-bg-success",
    TaskStatus.CANCELLED.value: "text-bg-light border",
}
PRIORITY_BADGES = {"low": "text-bg-light border", "normal": "text-bg-secondary", "high": "text-bg-warning",
                   "urgent": "text-bg-danger"}
add_filters(bp, label_of, task_status_label=STATUS_LABELS, task_priority_label=PRIORITY_LABELS,
            task_field_label=FIELD_LABELS)
add_filters(bp, badge_of, task_status_badge=STATUS_BADGES, task_priority_badge=PRIORITY_BADGES)


def _detail_url(tid: int) -> str:
    return url_for(".detail", tid=tid)


def _shown(field: str, value) -> str:
    """A value of the history or the conflict table, as the reader understands it."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "status":
        return label_of(STATUS_LABELS, value)
    if field == "priority":
        return label_of(PRIORITY_LABELS, value)
    if field == "assignee_ids":
        return ", ".join(str(user_id) for user_id in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _history_rows(task: Task) -> list[dict]:
    rows = []
    for change in task.history:
        change: TaskChange
        if change.field == "created":
            old, new = "", _shown("status", change.new.get("status"))
        else:
            old, new = _shown(change.field, change.old.get(change.field)), _shown(change.field,
                                                                                 change.new.get(change.field))
        rows.append({"field": change.field, "old": old, "new": new, "actor": change.actor, "at": change.at})
    return rows


# --- the group's board ---------------------------------------------------------------------

@bp.route("/groups/<int:gid>/tasks")
@login_required
def board(gid: int):
    form = BoardFilterForm(request.args)

    def filters(group: JointGroup) -> dict:
        form.team.choices = [SelectChoice("", _("All teams")),
                             *(SelectChoice(team.id, team.party_code) for team in group.teams)]
        form.case.choices = [SelectChoice("", _("All cases")),
                             *(SelectChoice(case.id, f"{case.party_code} — {case.number}") for case in group.cases)]
        form.assignee.choices = member_choices(group, _("Anyone"))
        return {"team_id": form.team.data, "assignee_id": form.assignee.data, "case_id": form.case.data,
                "overdue": bool(form.overdue.data)} if form.validate() else {}

    column = next((status for status in TaskStatus if status.value == form.status.data), None)
    group, columns = group_view.task_board(actor(), gid, filters, status=column, cursor=request.args.get("cursor"))
    valid = not form.errors
    moves = {task.id: _moves(tasks.allowed_actions(actor(), task)) for column in columns for task in column.tasks}
    shown = {name: value for name, value in request.args.items() if name not in ("status", "cursor")}
    return render_template("tasks/board.html", group=group, form=form, columns=columns, single=column, shown=shown,
                           moves=moves, board_actions=tasks.board_actions(actor(), group),
                           is_overdue=tasks.is_overdue, is_unassigned=tasks.is_unassigned), 200 if valid else 422


def _moved(tid: int, gid: int, message: str, category: str, code: int, **answer):
    """The answer to a board move: JSON for the board's script, else back to the board with the message."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify(message=message, **answer), code
    flash(message, category)
    return redirect(url_for(".board", gid=gid) + f"#task-{tid}")


@bp.route("/tasks/<int:tid>/move", methods=["POST"])
@login_required
def board_move(tid: int):
    form = BoardMoveForm()
    form.validate()  # parses; the service says what is wrong with what was sent
    try:
        task = tasks.update_task(actor(), tid, version=form.version.data, status=form.status.data or None)
    except (Invalid, Conflict) as refusal:
        reasons = [str(why) for name, why in refusal.fields.items() if name != "version"]
        message = " ".join(dict.fromkeys([str(refusal.message), *reasons]))
        return _moved(tid, tasks.get_task(actor(), tid).group_id, message, "danger", refusal.status)
    message = _("The task is now %(status)s.", status=label_of(STATUS_LABELS, task.status))
    return _moved(tid, task.group_id, message, "success", 200, status=task.status.value, version=task.version)


@bp.route("/groups/<int:gid>/tasks/new", methods=["GET", "POST"])
@login_required
def new(gid: int):
    offered = group_view.people_form(actor(), gid, "assignee", with_instructions=True)
    group = offered.group
    form = offer_task_choices(TaskForm(), offered)
    status = None
    if form.validate_on_submit():
        try:
            task = tasks.create_task(actor(), gid, **form.task_fields())
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("Task no. %(id)s is set.", id=task.id), "success")
            return redirect(_detail_url(task.id))
    return form_page("tasks/new.html", form, status, group=group)


# --- one task ------------------------------------------------------------------------------

def _edit_form(task: Task) -> EditForm:
    return EditForm(formdata=None, version=task.version, title=task.title, description=task.description,
                    due_on=task.due_on, priority=task.priority.value)


def _move_form(task: Task) -> MoveForm:
    return MoveForm(formdata=None, version=task.version)


@dataclass(frozen=True)
class Moves:
    """The statuses the service lets the reader move a task to, each with what it still lacks; the
    ones possible now; and, when none is, every condition that blocks them."""

    unmet: dict[str, list[str]]
    possible: list[str]
    blocked: list[str]


def _moves(actions: authz.Actions) -> Moves:
    unmet = {action.removeprefix("to:"): why for action, why in actions.items() if action.startswith("to:")}
    possible = [to for to, why in unmet.items() if not why]
    return Moves(unmet, possible, [] if possible else unmet_of(unmet))


def _with_moves(form: MoveForm, moves: Moves) -> MoveForm:
    form.status.choices = [action_choice(to, STATUS_LABELS[to], f"to:{to}", unmet) for to, unmet in moves.unmet.items()]
    return form


def _stale(task: Task, sent: EditForm | MoveForm) -> list[dict]:
    """The fields of a stale submission: the task's value now next to the one the user sent."""
    if isinstance(sent, MoveForm):
        names = ("status", "blocked_reason")
    else:
        names = ("title", "description", "due_on", "priority")
    return [{"field": name, "now": _shown(name, getattr(task, name)), "sent": _shown(name, sent[name].data)}
            for name in names]


def _detail_page(tid: int, *, status: int = 200, refusal: DomainError | None = None,
                 edit_form: EditForm | None = None, move_form: MoveForm | None = None,
                 comment_form: CommentForm | None = None, stale: EditForm | MoveForm | None = None):
    task = tasks.get_task(actor(), tid)
    actions = tasks.allowed_actions(actor(), task)
    moves = _moves(actions)
    changed_meanwhile = isinstance(refusal, Conflict) and "version" in refusal.fields
    if changed_meanwhile:
        edit_form, move_form = None, None  # start again from the task as it is now
    on_forms = {name for form in (edit_form, move_form, comment_form) if form is not None for name in form._fields}
    details = [str(why) for name, why in (refusal.fields.items() if refusal else ())
               if name not in on_forms and name != "version" and str(why) != str(refusal.message)]
    return render_template(
        "tasks/detail.html", task=task, overdue=tasks.is_overdue(task), unassigned=tasks.is_unassigned(task),
        refusal=refusal, refusal_details=details, changed_meanwhile=changed_meanwhile,
        stale_rows=_stale(task, stale) if changed_meanwhile and stale is not None else [],
        edit_form=edit_form or _edit_form(task), move_form=_with_moves(move_form or _move_form(task), moves),
        comment_form=comment_form or CommentForm(formdata=None), history=_history_rows(task),
        final=task.status in tasks.FINAL, actions=actions,
        move_unmet=moves.blocked,
    ), status


def _put_on(form, refusal: DomainError) -> None:
    for name, why in refusal.fields.items():
        if name in form and name not in ("csrf_token", "version", "action"):
            form[name].errors = [*form[name].errors, str(why)]


@bp.route("/tasks/<int:tid>", methods=["GET", "POST"])
@login_required
def detail(tid: int):
    if request.method == "GET":
        return _detail_page(tid)
    moving = request.form.get("action") == "move"
    form = MoveForm() if moving else EditForm()
    if not form.validate_on_submit():
        if moving:
            return _detail_page(tid, status=422, move_form=form)
        return _detail_page(tid, status=422, edit_form=form)
    try:
        if moving:
            tasks.update_task(actor(), tid, version=form.version.data, status=form.status.data or None,
                              blocked_reason=form.blocked_reason.data or None)
        else:
            tasks.update_task(actor(), tid, version=form.version.data, title=form.title.data or "",
                              description=form.description.data or "", due_on=form.due_on.data,
                              priority=form.priority.data, allow_past_due=bool(form.allow_past_due.data))
    except (Invalid, Conflict) as refusal:
        _put_on(form, refusal)
        forms = {"move_form": form} if moving else {"edit_form": form}
        return _detail_page(tid, status=refusal.status, refusal=refusal, stale=form, **forms)
    flash(_("The task is updated."), "success")
    return redirect(_detail_url(tid))


@bp.route("/tasks/<int:tid>/comments", methods=["POST"])
@login_required
def comment(tid: int):
    form = CommentForm()
    if not form.validate_on_submit():
        return _detail_page(tid, status=422, comment_form=form)
    try:
        tasks.add_comment(actor(), tid, form.body.data or "")
    except (Invalid, Conflict) as refusal:
        _put_on(form, refusal)
        return _detail_page(tid, status=refusal.status, refusal=refusal, comment_form=form)
    flash(_("The comment is added."), "success")
    return redirect(_detail_url(tid) + "#comments")

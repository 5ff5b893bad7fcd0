"""Forms of the task pages. They only parse input (types, choices, lengths); whether a value is
acceptable is decided by `jit.services.tasks`, whose field errors the routes put back on these
forms. The field names are the service's parameter names, so that they line up."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from jit.models import TaskPriority, TaskStatus
from jit.services.tasks import COMMENT_LIMIT, TITLE_LIMIT
from jit.web.common import instruction_label, newlines, offer_people
from jit.web.forms import Form

STATUS_LABELS = {
    TaskStatus.OPEN.value: _l("open"),
    TaskStatus.IN_PROGRESS.value: _l("in progress"),
    TaskStatus.BLOCKED.value: _l("blocked"),
    TaskStatus.DONE.value: _l("done"),
    TaskStatus.CANCELLED.value: _l("cancelled"),
}
PRIORITY_LABELS = {
    TaskPriority.LOW.value: _l("low"),
    TaskPriority.NORMAL.value: _l("normal"),
    TaskPriority.HIGH.value: _l("high"),
    TaskPriority.URGENT.value: _l("urgent"),
}
# What each row of the history is about.
FIELD_LABELS = {
    "created": _l("Task set"),
    "status": _l("Status"),
    "title": _l("Title"),
    "description": _l("Description"),
    "assignee_ids": _l("Assignees"),
    "due_on": _l("Due date"),
    "priority": _l("Priority"),
    "blocked_reason": _l("Reason for blocking"),
}


def _optional_int(value):
    return None if value in (None, "") else int(value)


def _priority_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in PRIORITY_LABELS.items()]


class TaskForm(Form):
    title = StringField(_l("Title"), validators=[Length(max=TITLE_LIMIT)])
    description = TextAreaField(_l("Description"), render_kw={"rows": 5}, filters=[newlines])
    assignee_ids = SelectMultipleField(_l("Assignees"), coerce=int, validate_choice=False,
                                       description=_l("Type part of a name or username to find a member."))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    allow_past_due = BooleanField(_l("Record a due date in the past anyway"))
    priority = SelectField(_l("Priority"), choices=_priority_choices(), default=TaskPriority.NORMAL.value)
    case_id = SelectField(_l("Criminal case (optional)"), coerce=_optional_int)
    instruction_id = SelectField(_l("Instruction (optional)"), coerce=_optional_int, validate_choice=False,
                                 render_kw={"data-picker": "instruction"})
    submit = SubmitField(_l("Set the task"))

    def task_fields(self) -> dict:
        """What the form says, as the task use cases take it."""
        return {"title": self.title.data or "", "description": self.description.data or "",
                "assignee_ids": self.assignee_ids.data, "due_on": self.due_on.data, "priority": self.priority.data,
                "case_id": self.case_id.data, "instruction_id": self.instruction_id.data,
                "allow_past_due": bool(self.allow_past_due.data)}


def offer_task_choices(form: TaskForm, offered) -> TaskForm:
    """Fill a new task's choices from `offered` (`group_view.people_form` with the instructions):
    the group's cases, the people the caller may assign, the group's instructions."""
    group = offered.group
    form.case_id.choices = [SelectChoice("", _l("No case")),
                            *(SelectChoice(case.id, f"{case.party_code} — {case.number}") for case in group.cases)]
    offer_people(form.assignee_ids, offered, "assignee")
    form.instruction_id.choices = [SelectChoice("", _l("No instruction")),
                                   *(SelectChoice(i.id, instruction_label(i)) for i in offered.instructions)]
    return form


class EditForm(Form):
    """The task's own fields, edited on its page; `version` is the one the page showed."""

    action = HiddenField(default="edit", id="edit-action")
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()], id="edit-version")
    title = StringField(_l("Title"), id="edit-title", validators=[Length(max=TITLE_LIMIT)])
    description = TextAreaField(_l("Description"), id="edit-description", render_kw={"rows": 4},
                                filters=[newlines])
    due_on = DateField(_l("Due date"), id="edit-due_on", validators=[Optional()])
    allow_past_due = BooleanField(_l("Record a due date in the past anyway"), id="edit-allow_past_due")
    priority = SelectField(_l("Priority"), id="edit-priority", choices=_priority_choices())


class MoveForm(Form):
    """A move of the task's status; the choices are the moves its status allows."""

    action = HiddenField(default="move", id="move-action")
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()], id="move-version")
    status = SelectField(_l("New status"), id="move-status", validate_choice=False)
    blocked_reason = TextAreaField(_l("Reason for blocking"), id="move-blocked_reason", render_kw={"rows": 2},
                                   filters=[newlines], description=_l("Only when the task becomes blocked."))
    submit = SubmitField(_l("Change the status"), id="move-submit")


class BoardMoveForm(Form):
    """A card's move on the board: its target column and the version the board showed (the same post
    whether sent by the card's own button or by dragging the card)."""

    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    status = SelectField(_l("Move to"), validate_choice=False)


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), id="comment-body", render_kw={"rows": 3}, filters=[newlines],
                         validators=[Length(max=COMMENT_LIMIT)])


class BoardFilterForm(Form):
    """The board's filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    team = SelectField(_l("Team"), coerce=_optional_int, validators=[Optional()])
    assignee = SelectField(_l("Assignee"), coerce=_optional_int, validators=[Optional()],
                           render_kw={"data-picker": "person"})
    case = SelectField(_l("Criminal case"), coerce=_optional_int, validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    # One column alone, all its cards a page at a time (a link under the column), not a field of the form.
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[SelectChoice(""), *(SelectChoice(status.value) for status in TaskStatus)])

"""Forms of the instruction pages. They only parse input (types, choices, lengths); whether a value
is acceptable is decided by `jit.services.instructions`, whose field errors the routes put back on
these forms. The field names are the service's parameter names, so that they line up."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from jit.models import InstructionStatus
from jit.models.instruction import SUBJECT_LIMIT
from jit.services.instructions import BODY_LIMIT
from jit.web.common import newlines
from jit.web.forms import Form

STATUS_LABELS = {
    InstructionStatus.DRAFT.value: _l("draft"),
    InstructionStatus.SENT.value: _l("sent"),
    InstructionStatus.ACCEPTED.value: _l("accepted"),
    InstructionStatus.IN_PROGRESS.value: _l("in progress"),
    InstructionStatus.EXECUTED.value: _l("executed"),
    InstructionStatus.PARTIALLY_EXECUTED.value: _l("partially executed"),
    InstructionStatus.REFUSED.value: _l("refused"),
}
# The button that makes each move on the instruction's page.
MOVE_LABELS = {
    InstructionStatus.SENT.value: _l("Send to the requested team"),
    InstructionStatus.ACCEPTED.value: _l("Accept the instruction"),
    InstructionStatus.IN_PROGRESS.value: _l("Start execution"),
    InstructionStatus.EXECUTED.value: _l("Report as executed"),
    InstructionStatus.PARTIALLY_EXECUTED.value: _l("Report as partially executed"),
    InstructionStatus.REFUSED.value: _l("Refuse the instruction"),
}
EVENT_LABELS = {
    "created": _l("Instruction drafted"),
    "edited": _l("Subject changed"),
    "document_added": _l("Decision document attached"),
    "result_added": _l("Result reported"),
    InstructionStatus.SENT.value: _l("Sent"),
    InstructionStatus.ACCEPTED.value: _l("Accepted"),
    InstructionStatus.IN_PROGRESS.value: _l("Execution started"),
    InstructionStatus.EXECUTED.value: _l("Reported as executed"),
    InstructionStatus.PARTIALLY_EXECUTED.value: _l("Reported as partially executed"),
    InstructionStatus.REFUSED.value: _l("Refused"),
}


def action_lines(text: str | None) -> list[str]:
    """The actions textarea: one procedural action or measure per line, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def subject_field(**kwargs) -> StringField:
    return StringField(_l("Subject"), validators=[Length(max=SUBJECT_LIMIT)], render_kw={"required": True},
                       description=_l("A few words shown in every list, e.g. Interview of a witness in Almaty."),
                       **kwargs)


class InstructionForm(Form):
    subject = subject_field()
    from_team_id = SelectField(_l("From (requesting team)"), coerce=int,
                               description=_l("Your national team: you are its national head."))
    to_team_id = SelectField(_l("To (requested team)"), coerce=int,
                             description=_l("The team of the party on whose territory the actions are needed."))
    case_id = SelectField(_l("Criminal case"), coerce=int)
    actions = TextAreaField(_l("Procedural actions and measures"), render_kw={"rows": 5}, filters=[newlines],
                            description=_l("One action or operational-search measure per line."))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    body = TextAreaField(_l("Text of the instruction"), render_kw={"rows": 8}, filters=[newlines],
                         validators=[Length(max=BODY_LIMIT)])
    needs_sanction = BooleanField(_l("Needs a sanction of a prosecutor or court"),
                                  description=_l("Your party's law asks for one: the instruction is then sent only "
                                                 "with the certified sanction attached."))
    submit = SubmitField(_l("Draft the instruction"))


class StatusFilterForm(Form):
    """The list's filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("All statuses")), *(SelectChoice(value, label) for value, label in STATUS_LABELS.items())])
    to_team = SelectField(_l("Addressed to"), coerce=lambda value: None if value in (None, "") else int(value),
                          validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))


class MoveForm(Form):
    """One move of the instruction; the page shows one such form per move its status allows."""

    to = HiddenField()
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    reason = TextAreaField(_l("Reason for refusal"), render_kw={"rows": 3}, filters=[newlines],
                           validators=[Optional(), Length(max=BODY_LIMIT)])


class SubjectForm(Form):
    """A draft's subject, changed on the instruction's page."""

    subject = subject_field(id="edit-subject")
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    submit = SubmitField(_l("Save the subject"), id="subject-submit")


class DocumentForm(Form):
    title = StringField(_l("Title of the decision"), id="document-title", validators=[Length(max=300)],
                        description=_l("E.g. Decision to conduct an interview, № 12/345."))
    certified = BooleanField(_l("Duly certified copy"), id="document-certified")
    is_sanction = BooleanField(_l("Sanction of a prosecutor or court"), id="document-is_sanction")
    file = FileField(_l("File of the decision"), id="document-file", validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Attach the decision"), id="document-submit")


class ResultForm(Form):
    text = TextAreaField(_l("Result"), id="result-text", render_kw={"rows": 4}, filters=[newlines],
                         validators=[Length(max=BODY_LIMIT)],
                         description=_l("What was done and what it produced."))
    file = FileField(_l("File (optional)"), id="result-file", description=_l("A protocol, a report, a scan."))
    submit = SubmitField(_l("Report the result"), id="result-submit")

"""Forms of the group pages. They only parse input (types, choices, the lengths the columns hold);
whether a value is acceptable is decided by the group services (`groups`, `group_documents`, `cases`),
whose field errors the routes put back on these forms. The field names are the services' parameter
names, so that they line up."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from jit.models import DecisionKind, DocumentKind, GroupStatus, MemberRole
from jit.web.common import newlines
from jit.web.forms import Form

STATUS_LABELS = {
    GroupStatus.DRAFT.value: _l("draft"),
    GroupStatus.REQUESTED.value: _l("requested"),
    GroupStatus.ACTIVE.value: _l("active"),
    GroupStatus.SUSPENDED.value: _l("suspended"),
    GroupStatus.CLOSED.value: _l("closed"),
}
# The button that makes each move, in the lifecycle panel of the overview.
MOVE_LABELS = {
    GroupStatus.REQUESTED.value: _l("Mark as requested"),
    GroupStatus.ACTIVE.value: _l("Activate"),
    GroupStatus.SUSPENDED.value: _l("Suspend"),
    GroupStatus.CLOSED.value: _l("Close the group"),
}
MEMBER_ROLE_LABELS = {
    MemberRole.NATIONAL_HEAD.value: _l("national head"),
    MemberRole.MEMBER.value: _l("member"),
    MemberRole.SPECIALIST.value: _l("specialist (interpreter, expert)"),
}
DOCUMENT_KIND_LABELS = {
    DocumentKind.CREATION_REQUEST.value: _l("creation request"),
    DocumentKind.DECISION.value: _l("decision"),
}
DECISION_LABELS = {
    DecisionKind.CREATE.value: _l("to create the group"),
    DecisionKind.APPOINT_HEAD.value: _l("to appoint the group head"),
    DecisionKind.EXTEND.value: _l("to extend the term"),
    DecisionKind.CHANGE_COMPOSITION.value: _l("to change the composition"),
    DecisionKind.TERMINATE.value: _l("to terminate the group"),
}
EVENT_LABELS = {
    "created": _l("Group drafted"),
    "updated": _l("Description edited"),
    "team_added": _l("National team added"),
    "member.added": _l("Member added"),
    "member.removed": _l("Member removed"),
    "document_added": _l("Document filed"),
    "head_appointed": _l("Group head appointed"),
    "term_extended": _l("Term extended"),
    "transitioned": _l("Status changed"),
    "case_added": _l("Criminal case linked"),
    "identifier.inquiry_sent": _l("Match inquiry sent"),
    "identifier.inquiry_received": _l("Match inquiry received"),
    "identifier.inquiry_disclosed": _l("Match inquiry answered: disclosed"),
    "identifier.inquiry_declined": _l("Match inquiry answered: declined"),
}

def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _optional_str(value):
    return value or None


def _optional_int(value):
    return None if value in (None, "") else int(value)


def person_field(label, **kwargs) -> SelectField:
    """A person chosen by name from the people the route offers (`offer_people`); the service judges the choice."""
    return SelectField(label, coerce=_optional_int, validate_choice=False, validators=[Optional()],
                       render_kw={"data-picker": "person"}, **kwargs)


class GroupForm(Form):
    title = StringField(_l("Title"), validators=[Length(max=300)])
    purpose = TextAreaField(_l("Purpose"), render_kw={"rows": 5}, filters=[newlines],
                            description=_l("The crimes and the criminal cases the group is for."))
    place_of_activity = StringField(_l("Place of activity"), validators=[Length(max=300)])
    starts_on = DateField(_l("Start of the term"), validators=[Optional()])
    ends_on = DateField(_l("End of the term"), validators=[Optional()])


class GroupCreateForm(GroupForm):
    submit = SubmitField(_l("Draft the group"))


class GroupEditForm(GroupForm):
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    submit = SubmitField(_l("Save"))


class TeamForm(Form):
    party = SelectField(_l("Party"))
    authority_id = SelectField(_l("Authority"), coerce=int,
                               description=_l("A competent authority of that party, on its Art. 11 list."))
    national_head_id = person_field(_l("National head"),
                                    description=_l("A person of that party who is not yet in the group."))
    submit = SubmitField(_l("Add the team"))


class MemberForm(Form):
    team_id = SelectField(_l("National team"), coerce=int)
    user_id = person_field(_l("Person"), description=_l("Type part of the name or the username."))
    role = SelectField(_l("Role"), choices=_choices(MEMBER_ROLE_LABELS), default=MemberRole.MEMBER.value)
    submit = SubmitField(_l("Add the member"))


class DocumentForm(Form):
    kind = SelectField(_l("Kind"), choices=_choices(DOCUMENT_KIND_LABELS))
    decision = SelectField(_l("Decision"), coerce=_optional_str,
                           choices=[SelectChoice("", _l("— not a decision —")), *_choices(DECISION_LABELS)],
                           description=_l("For a decision only: what the central competent authority decided."))
    party = SelectField(_l("Party"))
    authority_id = SelectField(_l("Authority"), coerce=int,
                               description=_l("For a decision, the party's central competent authority."))
    reference = StringField(_l("Reference"), validators=[Length(max=120)],
                            description=_l("The document's number, e.g. № 12/345."))
    dated = DateField(_l("Dated"), validators=[Optional()])
    signed_by = StringField(_l("Signed by"), validators=[Length(max=200)])
    head_id = person_field(_l("Appointed head"), description=_l("Only for a decision to appoint the group head."))
    new_end = DateField(_l("New end of the term"), validators=[Optional()],
                        description=_l("Only for a decision to extend the term."))
    submit = SubmitField(_l("File the document"))


class CaseForm(Form):
    party = SelectField(_l("Party"))
    number = StringField(_l("Case number"), validators=[Length(max=64)])
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    articles = StringField(_l("Articles of the criminal code"), validators=[Length(max=300)])
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 4}, filters=[newlines])
    handling_investigator_id = person_field(_l("Handling investigator"),
                                            description=_l("A member of that party's national team."))
    submit = SubmitField(_l("Link the case"))


class TransitionForm(Form):
    """One move of the lifecycle; the overview shows one such form per allowed move."""

    to = HiddenField()
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    confirm = HiddenField()  # sent by the confirmation page or dialog of a move that cannot be undone


class DocumentFileForm(Form):
    file = FileField(_l("Signed document (file)"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Attach"))

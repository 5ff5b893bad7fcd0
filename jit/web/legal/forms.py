"""Forms of the legal pages: they parse input; `jit.services.legal_requests` and the compliance
service decide what is acceptable."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from jit.services.compliance import INSTRUMENT_NAMES
from jit.services.search import QUERY_LIMIT
from jit.web.common import newlines
from jit.web.forms import Form

DIRECTION_LABELS = {"outgoing": _l("outgoing"), "incoming": _l("incoming")}
STATUS_LABELS = {"sent": _l("sent"), "received": _l("received"), "in_progress": _l("in progress"),
                 "executed": _l("executed"), "partially_executed": _l("partially executed"),
                 "refused": _l("refused"), "withdrawn": _l("withdrawn")}
KIND_LABELS = {"legal_assistance": _l("legal assistance"), "extradition": _l("extradition"),
               "transfer_of_proceedings": _l("transfer of proceedings"),
               "service_of_documents": _l("service of documents")}
INSTRUMENT_LABELS = INSTRUMENT_NAMES


def _options(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _choices(labels: dict, everything: str) -> list[SelectChoice]:
    return [SelectChoice("", everything), *_options(labels)]


class RegisterFilterForm(Form):
    """The register's filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    direction = SelectField(_l("Direction"), validators=[Optional()],
                            choices=_choices(DIRECTION_LABELS, _l("Both directions")))
    status = SelectField(_l("Status"), validators=[Optional()], choices=_choices(STATUS_LABELS, _l("All statuses")))
    # The authorities and parties offered are the registry's (set by the route).
    requesting_authority_id = SelectField(_l("Requesting authority"), validators=[Optional()])
    party = SelectField(_l("Party"), validators=[Optional()])
    date_from = DateField(_l("Sent from"), validators=[Optional()])
    date_to = DateField(_l("Sent until"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    # Searches the register with the platform's search (case number, authorities, persons in any case ending).
    q = SearchField(_l("Search the register"), validators=[Optional(), Length(max=QUERY_LIMIT)])


class DashboardFilterForm(Form):
    """The dashboard's filter, a GET form; the groups and parties offered are the service's (set by the
    route), and the service refuses one the caller may not see."""

    class Meta:
        csrf = False

    rule = SelectField(_l("Rule"), validators=[Optional()])
    severity = SelectField(_l("Severity"), validators=[Optional()])
    group = SelectField(_l("Group"), validators=[Optional()], validate_choice=False)
    party = SelectField(_l("Party"), validators=[Optional()], validate_choice=False)
    basis = SelectField(_l("Basis"), validators=[Optional()],
                        choices=_choices({"confirmed": _l("confirmed"), "unconfirmed": _l("unconfirmed")},
                                         _l("Any basis")))


class StatisticsForm(Form):
    class Meta:
        csrf = False

    direction = SelectField(_l("Direction"), validators=[Optional()],
                            choices=_choices(DIRECTION_LABELS, _l("Both directions")))
    date_from = DateField(_l("Sent from"), validators=[Optional()])
    date_to = DateField(_l("Sent until"), validators=[Optional()])
    requesting_authority_id = SelectField(_l("Requesting authority"), validators=[Optional()])


# What a person line of the request form holds, in order (the API's keys); only the name is required.
PERSON_PARTS = ("name", "citizenship", "address", "procedural_status")


def person_lines(text: str | None) -> list[dict]:
    """The persons textarea: one person per line, "name; citizenship; address; procedural status",
    later parts optional; blank lines dropped. A line without a name stays, for the service to refuse."""
    persons = []
    for line in (text or "").splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split(";", len(PERSON_PARTS) - 1)]
            persons.append(dict(zip(PERSON_PARTS, parts + [""] * (len(PERSON_PARTS) - len(parts)), strict=True)))
    return persons


def _yes_no(value):
    """The confidentiality choice: yes, no, or not said (None, which Art. 7 does not allow outgoing)."""
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else value


class RequestForm(Form):
    """One legal-assistance request with the Chisinau Art. 7 contents. The choices of authorities and
    parties are the registry's, set by the route; what is missing is for the service to say."""

    direction = SelectField(_l("Direction"), choices=_options(DIRECTION_LABELS), default="outgoing")
    kind = SelectField(_l("Kind"), choices=_options(KIND_LABELS), default="legal_assistance")
    requesting_authority_id = SelectField(_l("Requesting institution"), validators=[Optional()],
                                          description=_l("For an outgoing request: your own authority."))
    requested_party = SelectField(_l("Requested party"), validators=[Optional()])
    requested_authority = StringField(_l("Requested institution"), validators=[Length(max=300)])
    case_number = StringField(_l("Case number"), validators=[Length(max=64)])
    case_title = StringField(_l("Case name"), validators=[Length(max=300)])
    persons = TextAreaField(_l("Persons concerned"), render_kw={"rows": 4},
                            description=_l("One person per line: name; citizenship; address; procedural status. "
                                           "Only the name is required, e.g. Ivanov I.I.; BY; Almaty; witness."))
    representatives = TextAreaField(_l("Representatives"), render_kw={"rows": 2}, filters=[newlines],
                                    validators=[Length(max=5000)])
    confidential = SelectField(_l("Receipt and content kept confidential"), coerce=_yes_no, validators=[Optional()],
                               choices=[SelectChoice("", _l("— not said —")), SelectChoice("yes", _l("yes")),
                                        SelectChoice("no", _l("no"))])
    substance = TextAreaField(_l("Substance of the request"), render_kw={"rows": 6}, filters=[newlines],
                              validators=[Length(max=20000)])
    sent_on = DateField(_l("Date sent"), validators=[Optional()])
    received_on = DateField(_l("Date received"), validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    instrument = SelectField(_l("Instrument"), validators=[Optional()], choices=_choices(
        INSTRUMENT_LABELS, _l("Chosen from the two parties' treaty dates")))
    instrument_reason = TextAreaField(_l("Reason for another instrument"), render_kw={"rows": 2},
                                      filters=[newlines], validators=[Length(max=2000)],
                                      description=_l("Needed when the instrument named is not the one the treaty "
                                                     "dates give."))
    submit = SubmitField(_l("Register the request"))


class ProgressForm(Form):
    """The progress of a registered request, with the version read."""

    status = SelectField(_l("Status"), choices=_options(STATUS_LABELS))
    received_on = DateField(_l("Date received"), validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    executed_on = DateField(_l("Date executed"), validators=[Optional()])
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    submit = SubmitField(_l("Save the progress"))


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("The columns of the export; UTF-8. Either every row is imported or none."))
    submit = SubmitField(_l("Import"))


class RuleForm(Form):
    """An admin's setting of one rule on an unconfirmed provision."""

    PARAMS = ("grace_days", "flag_unknown")  # every rule parameter there is (jit/compliance)

    enabled = BooleanField(_l("Checked"))
    grace_days = IntegerField(_l("Days of grace"), validators=[Optional(), NumberRange(min=0, max=365)])
    flag_unknown = BooleanField(_l("Warn where the date is not known"))
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    submit = SubmitField(_l("Save the rule"))


class EvaluationForm(Form):
    what_worked = TextAreaField(_l("What worked"), render_kw={"rows": 4}, validators=[Length(max=20000)])
    what_did_not = TextAreaField(_l("What did not work"), render_kw={"rows": 4}, validators=[Length(max=20000)])
    persons_charged = IntegerField(_l("Persons charged"), validators=[Optional(), NumberRange(min=0)])
    assets_seized = TextAreaField(_l("Assets seized"), render_kw={"rows": 2}, validators=[Length(max=2000)],
                                  description=_l("What and how much, e.g. 1.2 million BYN, three servers."))
    requests_avoided = IntegerField(_l("Legal-assistance requests avoided"),
                                    validators=[Optional(), NumberRange(min=0)],
                                    description=_l("How many formal requests the group's instructions replaced."))
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    submit = SubmitField(_l("Save the evaluation"))

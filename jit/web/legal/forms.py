"""Forms of the legal pages: they parse input; `jit.services.legal_requests` and the compliance
service decide what is acceptable."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

DIRECTION_LABELS = {"outgoing": _l("outgoing"), "incoming": _l("incoming")}
STATUS_LABELS = {"sent": _l("sent"), "received": _l("received"), "in_progress": _l("in progress"),
                 "executed": _l("executed"), "partially_executed": _l("partially executed"),
                 "refused": _l("refused"), "withdrawn": _l("withdrawn")}
KIND_LABELS = {"legal_assistance": _l("legal assistance"), "extradition": _l("extradition"),
               "transfer_of_proceedings": _l("transfer of proceedings"),
               "service_of_documents": _l("service of documents")}
INSTRUMENT_LABELS = {"chisinau": _l("Chisinau Convention 2002"), "minsk": _l("Minsk Convention 1993"),
                     "bilateral": _l("bilateral treaty")}


def _choices(labels: dict, everything: str) -> list[SelectChoice]:
    return [SelectChoice("", everything), *(SelectChoice(value, label) for value, label in labels.items())]


class RegisterFilterForm(FlaskForm):
    """The register's filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    direction = SelectField(_l("Direction"), validators=[Optional()],
                            choices=_choices(DIRECTION_LABELS, _l("Both directions")))
    status = SelectField(_l("Status"), validators=[Optional()], choices=_choices(STATUS_LABELS, _l("All statuses")))
    overdue = BooleanField(_l("Overdue only"))


class StatisticsForm(FlaskForm):
    class Meta:
        csrf = False

    direction = SelectField(_l("Direction"), validators=[Optional()],
                            choices=_choices(DIRECTION_LABELS, _l("Both directions")))
    date_from = DateField(_l("Sent from"), validators=[Optional()])
    date_to = DateField(_l("Sent until"), validators=[Optional()])
    requesting_authority_id = SelectField(_l("Requesting authority"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("The columns of the export; UTF-8. Either every row is imported or none."))
    submit = SubmitField(_l("Import"))


class RuleForm(FlaskForm):
    """An admin's setting of one rule on an unconfirmed provision."""

    PARAMS = ("grace_days", "flag_unknown")  # every rule parameter there is (jit/compliance)

    enabled = BooleanField(_l("Checked"))
    grace_days = IntegerField(_l("Days of grace"), validators=[Optional(), NumberRange(min=0, max=365)])
    flag_unknown = BooleanField(_l("Warn where the date is not known"))
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    submit = SubmitField(_l("Save the rule"))


class EvaluationForm(FlaskForm):
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

"""Forms of the identifier pages. They only parse input; whether a value is acceptable is decided by
`jit.services.identifiers`, whose field errors the routes put back on these forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from jit.services.identifiers import MAX_AT_ONCE, TEXT_LIMITS, kind_choices
from jit.web.common import newlines
from jit.web.forms import Form


def _kinds(blank) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(code, name) for code, name in kind_choices())]


class FilterForm(Form):
    """The register's filter: a GET form, so no CSRF token. The case choices are filled by the route."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()])
    case_id = SelectField(_l("Case"), coerce=lambda value: int(value) if value else None, validators=[Optional()])
    several_cases = BooleanField(_l("Seen in more than one case"))

    def fill(self) -> None:
        self.kind.choices = _kinds(_l("All kinds"))


class RecordForm(Form):
    """One kind, one record, one or more values (a line each)."""

    kind = SelectField(_l("Kind"))
    value = TextAreaField(_l("Values"), render_kw={"rows": 4}, filters=[newlines], description=_l(
        "One per line, in any usual format (at most %(n)s): +375 29 123-45-67, 8 029 1234567 and 80291234567 "
        "are one phone number.", n=MAX_AT_ONCE))
    record = SelectField(_l("Found in"))
    obtained_under = StringField(_l("Obtained under (document)"),
                                 validators=[Length(max=TEXT_LIMITS["obtained_under"])],
                                 description=_l("The protocol, statement or answer it comes from."))
    note = TextAreaField(_l("Note"), render_kw={"rows": 2}, filters=[newlines],
                         validators=[Length(max=TEXT_LIMITS["note"])])
    shareable = BooleanField(_l("May be shared outside the group"), description=_l(
        "Not for what was found in an evidence item whose use conditions stand without its party's consent "
        "(AGR-USE)."))
    unverified = BooleanField(_l("Record values that fail their check, marked unverified"))
    submit = SubmitField(_l("Record"))

    def fill(self, records: list[tuple[str, str, str]], search_url: str) -> None:
        """`records`: the latest of each kind (`identifiers.recordable`); the picker (static/js/people-picker.js)
        asks `search_url` for the others as one types."""
        self.kind.choices = _kinds(_l("— choose —"))
        self.record.choices = [SelectChoice("", _l("— choose —")),
                               *(SelectChoice(value, label, optgroup=group) for value, label, group in records)]
        self.record.render_kw = {"data-records-url": search_url}


class RecordSearchForm(Form):
    """Narrows the record form's "found in" list without JavaScript: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Records whose name contains"))


class InquiryForm(Form):
    """A match inquiry about one hit; the case choices are the group's, filled by the route."""

    match_id = HiddenField()
    case_id = SelectField(_l("Inquiring case"), coerce=lambda value: int(value) if value else None)
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2}, filters=[newlines],
                           validators=[Length(max=TEXT_LIMITS["note"])])
    submit = SubmitField(_l("Send a match inquiry"))


class DecisionForm(Form):
    reason = TextAreaField(_l("Reason (required to decline)"), render_kw={"rows": 2}, filters=[newlines],
                           validators=[Length(max=TEXT_LIMITS["note"])])
    disclose = SubmitField(_l("Disclose"))
    decline = SubmitField(_l("Decline"))

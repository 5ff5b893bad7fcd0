from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, SubmitField
from wtforms.validators import Optional

from jit.web.forms import Form


def _number_or_none(value):
    """A select's value: an id, or None for its "any" choice (anything else is the field's error)."""
    return None if value in (None, "") else int(value)


class AuditFilterForm(Form):
    """Filters read from the query string (a GET form: nothing to protect with CSRF). People and
    groups are chosen by name and code among those the caller may read (`page_views.audit_trail`)."""

    class Meta:
        csrf = False

    user_id = SelectField(_l("Person"), coerce=_number_or_none, validate_choice=True, validators=[Optional()],
                          render_kw={"data-picker": ""})
    group_id = SelectField(_l("Group"), coerce=_number_or_none, validators=[Optional()])
    operation = SelectField(_l("Operation"), validators=[Optional()], render_kw={"data-picker": ""})
    after = DateField(_l("From (UTC date)"), validators=[Optional()])
    before = DateField(_l("Before (UTC date)"), validators=[Optional()])
    views = BooleanField(_l("Also show page views and live-update connections"))
    submit = SubmitField(_l("Filter"))

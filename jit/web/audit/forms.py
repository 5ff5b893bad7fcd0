from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, SubmitField
from wtforms.validators import Optional

from jit.web.forms import Form


class AuditFilterForm(Form):
    """Filters read from the query string (a GET form: nothing to protect with CSRF)."""

    class Meta:
        csrf = False

    user_id = IntegerField(_l("User id"), validators=[Optional()])
    group_id = IntegerField(_l("Group id"), validators=[Optional()])
    operation = StringField(_l("Operation starts with"), validators=[Optional()])
    after = DateField(_l("From (UTC date)"), validators=[Optional()])
    before = DateField(_l("Before (UTC date)"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

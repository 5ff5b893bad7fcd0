from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from jit.web.forms import Form


class EnrolForm(Form):
    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Turn on the second factor"))

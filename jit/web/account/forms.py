from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from jit.web.forms import Form


class EnrolForm(Form):
    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Turn on the second factor"))


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200)],
        description=_l("At least 12 characters and not easy to guess: a few unrelated words work well."))
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])
    submit = SubmitField(_l("Change the password"))

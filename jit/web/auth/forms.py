from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length

from jit.web.forms import Form


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class SecondFactorForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("The 6 digits from your authenticator app, or a recovery code."))
    submit = SubmitField(_l("Confirm"))


class LanguageForm(Form):
    locale = HiddenField(validators=[AnyOf(["ru", "en"])])
    next = HiddenField()


class LogoutForm(Form):
    submit = SubmitField(_l("Sign out"))

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField, SubmitField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from jit.services import notification_settings
from jit.web.forms import Form
from jit.web.notifications.routes import KIND_LABELS


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


EMAIL_MODE_LABELS = {
    notification_settings.OFF: _l("Not mailed"),
    notification_settings.IMMEDIATE: _l("Mailed at once"),
    notification_settings.DIGEST: _l("In the daily digest"),
}


def kind_field(kind: str) -> str:
    """The form field of a notification kind ("task.assigned" -> "kind_task_assigned")."""
    return "kind_" + kind.replace(".", "_")


class NotificationPreferencesForm(Form):
    email = StringField(_l("E-mail address"),
                        validators=[Optional(), Length(max=notification_settings.EMAIL_MAX_LENGTH)])
    quiet_from = TimeField(_l("Quiet hours from"), validators=[Optional()])
    quiet_until = TimeField(_l("Quiet hours until"), validators=[Optional()])
    submit = SubmitField(_l("Save the settings"))

    def email_kinds(self) -> dict[str, str]:
        return {kind: self[kind_field(kind)].data for kind in KIND_LABELS}


# One choice per kind, in the inbox filter's order and words.
for _kind, _label in KIND_LABELS.items():
    setattr(NotificationPreferencesForm, kind_field(_kind), SelectField(
        _label, choices=[SelectChoice(mode, label) for mode, label in EMAIL_MODE_LABELS.items()],
        default=notification_settings.OFF))

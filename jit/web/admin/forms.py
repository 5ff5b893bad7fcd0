"""Forms of the administration pages. They only parse input (types, choices, lengths the columns
hold); what makes a value acceptable is decided by the services, whose field errors the routes put
back on these forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from jit.models import AuthorityKind, Role
from jit.web.common import ROLE_LABELS
from jit.web.forms import Form

KIND_LABELS = {
    AuthorityKind.CENTRAL.value: _l("central competent authority"),
    AuthorityKind.COMPETENT.value: _l("competent authority"),
}
KIND_CHOICES = [SelectChoice(kind, label) for kind, label in KIND_LABELS.items()]


def _optional_int(value):
    """A select's value: an id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, ROLE_LABELS.get(role.value, role.value)) for role in Role]


class CheckboxesField(SelectMultipleField):
    """Several choices as a group of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PartyForm(Form):
    agreement_2015_in_force_on = DateField(
        _l("2015 Agreement in force on"), validators=[Optional()],
        description=_l("Leave empty while the date is not known."),
    )
    chisinau_in_force_on = DateField(
        _l("Chisinau Convention in force on"), validators=[Optional()],
        description=_l("Leave empty while the date is not known."),
    )
    submit = SubmitField(_l("Save"))


class AuthorityFilterForm(Form):
    """The filter above the list of authorities (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    party = SelectField(_l("Party"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()],
                       choices=[SelectChoice("", _l("all kinds")), *KIND_CHOICES])


class AuthorityCreateForm(Form):
    party = SelectField(_l("Party"), validators=[InputRequired()])
    name_en = StringField(_l("Name in English"), validators=[Length(max=300)])
    name_ru = StringField(_l("Name in Russian"), validators=[Length(max=300)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, validators=[InputRequired()])
    listed_on = DateField(_l("Listed on"), validators=[InputRequired()],
                          description=_l("The date the party put it on its Art. 11 list."))
    submit = SubmitField(_l("Add the authority"))


class AuthorityEditForm(Form):
    name_en = StringField(_l("Name in English"), validators=[Length(max=300)])
    name_ru = StringField(_l("Name in Russian"), validators=[Length(max=300)])
    delisted_on = DateField(_l("Delisted on"), validators=[Optional()],
                            description=_l("Leave empty while the authority is on the list."))
    submit = SubmitField(_l("Save"))


class UserCreateForm(Form):
    username = StringField(_l("Username"), validators=[Length(max=64)])
    full_name = StringField(_l("Full name"), validators=[Length(max=200)])
    password = PasswordField(
        _l("Initial password"), validators=[Length(max=200)],
        description=_l("At least 12 characters and not easy to guess. Give it to the user over a safe channel."))
    roles = CheckboxesField(_l("Roles"))
    authority_id = SelectField(_l("Authority"), coerce=_optional_int, validators=[Optional()])
    time_zone = StringField(_l("Time zone"), default="UTC", validators=[Length(max=64)],
                            description=_l("A time zone name such as Europe/Minsk or UTC."))
    submit = SubmitField(_l("Create the account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()


class UserEditForm(Form):
    full_name = StringField(_l("Full name"), validators=[Length(max=200)])
    roles = CheckboxesField(_l("Roles"))
    authority_id = SelectField(_l("Authority"), coerce=_optional_int, validators=[Optional()])
    time_zone = StringField(_l("Time zone"), validators=[Length(max=64)],
                            description=_l("A time zone name such as Europe/Minsk or UTC."))
    active = BooleanField(_l("Active (may sign in)"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()


class ResetSecondFactorForm(Form):
    submit = SubmitField(_l("Reset second factor"))


class ResetPasswordForm(Form):
    submit = SubmitField(_l("Reset the password"))


class UnlockForm(Form):
    submit = SubmitField(_l("Clear failed sign-ins"))

"""Forms of the evidence pages. They only parse input (types, choices, lengths); whether a value is
acceptable is decided by `jit.services.evidence`, whose field errors the routes put back on these
forms. The field names are the service's parameter names, so that they line up."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from jit.models import CustodyType, EvidenceKind, EvidenceStatus
from jit.services.evidence import NOTE_LIMIT, PLACE_LIMIT, TEXT_LIMITS
from jit.web.common import newlines
from jit.web.forms import Form

KIND_LABELS = {
    EvidenceKind.DOCUMENT.value: _l("document"),
    EvidenceKind.DEVICE.value: _l("device"),
    EvidenceKind.DIGITAL_COPY.value: _l("digital copy"),
    EvidenceKind.STATEMENT.value: _l("statement"),
    EvidenceKind.OBJECT.value: _l("object"),
}
STATUS_LABELS = {
    EvidenceStatus.HELD.value: _l("held"),
    EvidenceStatus.SEALED.value: _l("sealed"),
    EvidenceStatus.HANDED_OVER.value: _l("handed over outside the group"),
    EvidenceStatus.RETURNED.value: _l("returned"),
    EvidenceStatus.DISPOSED.value: _l("disposed of"),
}
EVENT_LABELS = {
    CustodyType.REGISTERED.value: _l("Registered"),
    CustodyType.FILE_ATTACHED.value: _l("File attached"),
    CustodyType.TRANSFERRED.value: _l("Transferred"),
    CustodyType.EXAMINED.value: _l("Examined"),
    CustodyType.HASH_VERIFIED.value: _l("Hashes verified"),
    CustodyType.SEALED.value: _l("Sealed"),
    CustodyType.RETURNED.value: _l("Returned"),
    CustodyType.DISPOSED.value: _l("Disposed of"),
    CustodyType.CORRECTION.value: _l("Correction"),
    CustodyType.CONSENT_RECORDED.value: _l("Consent recorded"),
}
# What the custody event form records; transfers and hash checks have forms of their own.
RECORDED_HERE = (CustodyType.EXAMINED, CustodyType.SEALED, CustodyType.RETURNED, CustodyType.DISPOSED,
                 CustodyType.CORRECTION)


def _any(label) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class FilterForm(Form):
    """The register's filter: a GET form, so no CSRF token. Choices are filled by the route."""

    class Meta:
        csrf = False

    case_id = SelectField(_l("Case"), coerce=lambda value: int(value) if value else None, validators=[Optional()])
    party = SelectField(_l("Originating party"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()], choices=[
        *_any(_l("All kinds")), *(SelectChoice(value, label) for value, label in KIND_LABELS.items())])
    custodian_id = SelectField(_l("Custodian"), coerce=lambda value: int(value) if value else None,
                               validators=[Optional()])


class RegisterForm(Form):
    case_id = SelectField(_l("Criminal case"), coerce=int)
    title = StringField(_l("Title"), validators=[Length(max=TEXT_LIMITS["title"])],
                        description=_l("E.g. Disk image of the seized server, bank statements."))
    kind = SelectField(_l("Kind"), choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()])
    obtained_at = DateTimeLocalField(_l("Obtained at"), validators=[Optional()])
    obtained_place = StringField(_l("Obtained where"), validators=[Length(max=TEXT_LIMITS["obtained_place"])])
    obtained_under = StringField(_l("Obtained under"), validators=[Length(max=TEXT_LIMITS["obtained_under"])],
                                 description=_l("The protocol or decision, e.g. Search protocol № 17."))
    description = TextAreaField(_l("Description"), render_kw={"rows": 4}, filters=[newlines],
                                validators=[Length(max=TEXT_LIMITS["description"])])
    use_conditions = TextAreaField(_l("Use conditions (optional)"), render_kw={"rows": 2}, filters=[newlines],
                                   description=_l("Set by your party: the item then leaves the group only with "
                                                  "its consent (AGR-USE)."))
    submit = SubmitField(_l("Register the item"))


class _EventForm(Form):
    """Place and note of a custody event. The item's page shows several of these forms: all but the
    upload are made with a prefix ("transfer", "custody"), so their fields' names and ids differ."""

    place = StringField(_l("Place"), validators=[Length(max=PLACE_LIMIT)])
    note = TextAreaField(_l("Note"), render_kw={"rows": 2}, filters=[newlines], validators=[Length(max=NOTE_LIMIT)])


class UploadForm(_EventForm):
    file = FileField(_l("File to upload"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Upload the file"))


class TransferForm(_EventForm):
    # The choices are only offered: the service says who may receive the item and under what.
    to_user_id = SelectField(_l("To (member of the group)"), coerce=int, validate_choice=False)
    instruction_id = SelectField(_l("Under the instruction (optional)"), validate_choice=False,
                                 coerce=lambda value: int(value) if value else None)
    submit = SubmitField(_l("Transfer the item"))


class CustodyForm(_EventForm):
    type = SelectField(_l("Event"), choices=[SelectChoice(kind.value, EVENT_LABELS[kind.value])
                                             for kind in RECORDED_HERE])
    refers_to = SelectField(_l("Corrects the event (for a correction)"), validate_choice=False,
                            coerce=lambda value: int(value) if value else None)
    submit = SubmitField(_l("Record the event"))


class VerifyForm(Form):
    submit = SubmitField(_l("Verify now"))


class ConsentForm(Form):
    reference = StringField(_l("Consent reference"), validators=[Length(max=120)],
                            description=_l("E.g. Letter of the Ministry of Internal Affairs № 12-3/456."))
    dated = DateField(_l("Dated"), validators=[Optional()])
    scope = TextAreaField(_l("Scope (optional)"), render_kw={"rows": 2}, filters=[newlines],
                          validators=[Length(max=NOTE_LIMIT)])
    submit = SubmitField(_l("Record the consent"))


class DesigneeForm(Form):
    # The choices are only offered: the service says whom the national head may designate.
    user_id = SelectField(_l("Member who may also record the consent"), validate_choice=False,
                          coerce=lambda value: int(value) if value else None)
    submit = SubmitField(_l("Designate"))

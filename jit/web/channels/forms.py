"""Forms of the chat pages. They only parse input; what may be linked, and by whom, is decided by
`jit.services.channels`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from jit.web.forms import Form


class LinkForm(Form):
    """What a message points at: one of the group's instructions or evidence items, chosen by its
    subject or its number and title (the value is `<link type>:<id>`)."""

    target = SelectField(_l("Link the message to"), validate_choice=False)
    submit = SubmitField(_l("Link the message"))

    def chosen(self) -> tuple[str, int]:
        link_type, _, link_id = (self.target.data or "").partition(":")
        return link_type, int(link_id) if link_id.isdigit() else 0

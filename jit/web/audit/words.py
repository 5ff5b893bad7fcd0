"""An audit event's details as a reader says them: the value of a setting or a status by its label,
a yes or no, a record by its name."""

from __future__ import annotations

from flask_babel import gettext as _

from jit.services import operations
from jit.web.common import OUTCOME_LABELS, ROLE_LABELS, in_words
from jit.web.evidence import forms as evidence_forms
from jit.web.groups import forms as group_forms
from jit.web.instructions import forms as instruction_forms
from jit.web.legal import forms as legal_forms
from jit.web.tasks import forms as task_forms

# Every label the pages give an enum value; a value of two enums with the same spelling reads the same.
VALUE_LABELS = {
    **group_forms.STATUS_LABELS, **group_forms.MEMBER_ROLE_LABELS, **group_forms.DOCUMENT_KIND_LABELS,
    **group_forms.DECISION_LABELS, **instruction_forms.STATUS_LABELS, **task_forms.STATUS_LABELS,
    **task_forms.PRIORITY_LABELS, **evidence_forms.KIND_LABELS, **evidence_forms.STATUS_LABELS,
    **evidence_forms.EVENT_LABELS, **legal_forms.DIRECTION_LABELS, **legal_forms.STATUS_LABELS,
    **legal_forms.KIND_LABELS, **legal_forms.INSTRUMENT_LABELS, **ROLE_LABELS, **OUTCOME_LABELS,
}


def detail_value(key: str, value, names: dict) -> str:
    """One detail's value in words; records it refers to by name where the reader may see them."""
    refs = operations.references(key, value)
    if refs:
        return ", ".join(names.get(ref, _("not shown")) for ref in refs)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return in_words(value)
    # Several values are noted comma-separated (roles=",".join(roles)): each in words.
    return ", ".join(str(VALUE_LABELS.get(part, part)) for part in str(value).split(","))

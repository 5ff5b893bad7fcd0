"""The search page's form: a GET form (no CSRF token), every choice by name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from jit.search.documents import KINDS
from jit.services.search import QUERY_LIMIT
from jit.web.common import party_choices, person_label
from jit.web.forms import Form

KIND_LABELS = {
    "message": _l("Messages"), "task": _l("Tasks"), "comment": _l("Task comments"),
    "instruction": _l("Instructions"), "evidence": _l("Evidence"), "case": _l("Criminal cases"),
    "document": _l("Documents and decisions"), "request": _l("Legal-assistance requests"), "person": _l("People"),
}
ORDER_LABELS = {"best": _l("Best match first"), "newest": _l("Newest first")}


class SearchForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Search for"), validators=[Length(max=QUERY_LIMIT)])
    kind = SelectField(_l("Kind"), validators=[Optional()],
                       choices=[SelectChoice("", _l("All kinds")), *(SelectChoice(k, KIND_LABELS[k]) for k in KINDS)])
    group = SelectField(_l("Group"), validators=[Optional()], validate_choice=False)
    party = SelectField(_l("Party"), validators=[Optional()], validate_choice=False)
    author = SelectField(_l("Author"), validators=[Optional()], validate_choice=False)
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    order = SelectField(_l("Order"), choices=list(ORDER_LABELS.items()), default="best")

    def offer(self, choices) -> None:
        """The filters' choices: the groups, parties and people the caller may choose (jit.services.search)."""
        self.group.choices = [SelectChoice("", _l("All groups")),
                              *(SelectChoice(str(g.id), f"{g.code} — {g.title}") for g in choices.groups)]
        self.party.choices = [SelectChoice("", _l("All parties")), *party_choices(choices.parties)]
        self.author.choices = [SelectChoice("", _l("Anyone")),
                               *(SelectChoice(str(user.id), person_label(user)) for user in choices.people)]

"""The criminal cases linked to a group: each party's national case, handled by an investigator of
that party's team."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from jit.extensions import db
from jit.models import CriminalCase, User
from jit.services import authz, scope, values
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Invalid


@use_case("case.list")
def list_cases(actor: User | None, group_id: int) -> list[CriminalCase]:
    return list(scope.load_visible(actor, group_id)[1].cases)


@use_case("case.add")
def add_case(actor: User | None, group_id: int, *, party: str, number: str, opened_on: date, articles: str,
             summary: str, handling_investigator_id: int) -> CriminalCase:
    """A party's national case joins the group; its investigator must be in that party's team."""
    actor, group = scope.load_visible(actor, group_id)
    party = (party or "").upper()
    team = next((team for team in group.teams if team.party_code == party), None)
    if team is None:
        raise Invalid(fields={"party": _l("The party has no national team in this group.")})
    authz.require_team_manager(actor, group, team)
    problems = {name: values.REQUIRED for name, value in (("number", number), ("articles", articles),
                                                          ("summary", summary)) if values.text_problem(value)}
    if not isinstance(opened_on, date):
        problems["opened_on"] = values.REQUIRED
    elif opened_on > scope.today():
        problems["opened_on"] = _l("Cannot be in the future.")
    if not any(m.user_id == handling_investigator_id for m in team.current_members):
        problems["handling_investigator_id"] = _l("Must be a member of the %(party)s team.", party=party)
    if problems:
        raise Invalid(fields=problems)
    if any(case.party_code == party and case.number == number.strip() for case in group.cases):
        raise Conflict(_l("This case is already linked to the group."), fields={"number": _l("Already linked.")})
    case = CriminalCase(group=group, party_code=party, number=number.strip(), opened_on=opened_on,
                        articles=articles.strip(), summary=summary.strip(),
                        handling_investigator_id=handling_investigator_id)
    db.session.add(case)
    db.session.flush()
    note(case_id=case.id)
    scope.record(group, actor, "case_added", case_id=case.id, party=party, number=case.number)
    return case


"""Evaluation at closure (DOMAIN.md "Evaluation", EU JIT practice): each national head records what
worked, what did not and the results. It may be written once a termination decision is on file, and
is the one record that still changes after the group is closed. Closing does not wait for it (the
CIS text does not require it): the group page warns while any is missing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import DecisionKind, GroupEvaluation, GroupStatus, JointGroup, User
from jit.services import scope, values
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Invalid
from jit.services.instructions import is_national_head

TEXT_LIMIT = 20000


def is_due(group: JointGroup) -> bool:
    return group.status == GroupStatus.CLOSED or any(d.decision == DecisionKind.TERMINATE for d in group.documents)


def _by_team(group: JointGroup) -> dict[int, GroupEvaluation]:
    return {e.team_id: e for e in db.session.scalars(select(GroupEvaluation).where(
        GroupEvaluation.group_id == group.id))}


@use_case("evaluation.list")
def list_evaluations(actor: User | None, group_id: int) -> list[tuple]:
    """(team, its evaluation or None) for every team of the group."""
    _, group = scope.load_visible(actor, group_id)
    written = _by_team(group)
    return [(team, written.get(team.id)) for team in group.teams]


@use_case("evaluation.save")
def save_evaluation(actor: User | None, group_id: int, team_id: int, *, version: int | None = None,
                    what_worked: str, what_did_not: str, persons_charged: int | None = None,
                    assets_seized: str = "", requests_avoided: int | None = None) -> GroupEvaluation:
    actor, group = scope.load_visible(actor, group_id)
    team = next((team for team in group.teams if team.id == team_id), None)
    if team is None:
        raise Invalid(fields={"team_id": _l("Not a national team of this group.")})
    if not is_national_head(actor, team):
        raise Forbidden(_l("Only the team's national head evaluates the group for the team."))
    if not is_due(group):
        raise Conflict(_l("The evaluation is written at closure: once a termination decision is on file."),
                       code="evaluation_not_due")
    texts = {"what_worked": (what_worked, True), "what_did_not": (what_did_not, True),
             "assets_seized": (assets_seized, False)}
    problems = {name: problem for name, (value, required) in texts.items()
                if (problem := values.text_problem(value, TEXT_LIMIT, required=required))}
    problems.update({name: _l("A number of at least 0.") for name, value in (
        ("persons_charged", persons_charged), ("requests_avoided", requests_avoided))
        if value is not None and value < 0})
    if problems:
        raise Invalid(fields=problems)
    evaluation = _by_team(group).get(team.id)
    # No version sent means "there is none yet": stale once a national head has written one.
    if evaluation is not None and version != evaluation.version:
        raise scope.changed_meanwhile(_l("evaluation"), evaluation.version)
    if evaluation is None:
        evaluation = GroupEvaluation(group_id=group.id, team_id=team.id)
        db.session.add(evaluation)
    evaluation.author_id = actor.id
    evaluation.what_worked, evaluation.what_did_not = what_worked.strip(), what_did_not.strip()
    evaluation.persons_charged, evaluation.requests_avoided = persons_charged or 0, requests_avoided or 0
    evaluation.assets_seized = (assets_seized or "").strip()
    db.session.flush()
    note(object_type="evaluation", object_id=evaluation.id, team_id=team.id)
    scope.announce(group, "group.evaluation_saved", {"team_id": team.id})
    return evaluation

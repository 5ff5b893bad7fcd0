"""The evaluation service called directly, as every door calls it: each team's national head evaluates
once a termination decision is on file (and still after closing), with the version read to replace it."""

from __future__ import annotations

import pytest

from jit.extensions import db
from jit.models import GroupEvaluation, JointGroup
from jit.services import evaluations, group_documents, groups
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.groups_support import TODAY, activate
from tests.service_support import audited, person

EVALUATION = {"what_worked": " Прямой канал между руководителями ", "what_did_not": "Перевод документов",
              "persons_charged": 7, "assets_seized": "1,2 млн BYN", "requests_avoided": 41}


@pytest.fixture
def closing(cast) -> tuple[int, dict[str, int]]:
    """An active BY–KZ group: (group id, team ids by party)."""
    group = activate(cast)
    return group["id"], {team["party"]: team["id"] for team in group["teams"]}


def _terminate(cast, gid: int) -> None:
    group_documents.add_document(person(cast, "creator"), gid, kind="decision", decision="terminate", party="BY",
                                 authority_id=cast.ids["ic_by"], reference="№ BY-9", dated=TODAY,
                                 signed_by="Председатель")


def _save(cast, gid: int, team_id: int, who: str = "by_head", **changes) -> GroupEvaluation:
    return evaluations.save_evaluation(person(cast, who), gid, team_id, **{**EVALUATION, **changes})


def test_a_national_head_evaluates_once_termination_is_decided_and_still_after_closing(cast, closing):
    gid, teams = closing
    with cast.app.app_context():
        group = db.session.get(JointGroup, gid)
        assert evaluations.is_due(group) is False
        with pytest.raises(Conflict) as early:
            _save(cast, gid, teams["BY"])
        assert early.value.code == "evaluation_not_due"
        _terminate(cast, gid)
        assert evaluations.is_due(db.session.get(JointGroup, gid)) is True
        saved = _save(cast, gid, teams["BY"], persons_charged=None)
        assert (saved.author_id, saved.what_worked, saved.persons_charged, saved.requests_avoided, saved.version) == (
            cast.ids["by_head"], "Прямой канал между руководителями", 0, 41, 1)
        groups.transition(person(cast, "creator"), gid, to="closed", version=db.session.get(JointGroup, gid).version)
        late = _save(cast, gid, teams["KZ"], who="kz_head", persons_charged=3)
        assert (late.team_id, late.persons_charged) == (teams["KZ"], 3)
        listed = evaluations.list_evaluations(person(cast, "by_legal"), gid)
        assert [(team.party_code, evaluation.id if evaluation else None) for team, evaluation in listed] == [
            ("BY", saved.id), ("KZ", late.id)]
        assert [(outcome, details.get("code")) for outcome, details in audited("evaluation.save")] == [
            ("error", "evaluation_not_due"), ("ok", None), ("ok", None)]


def test_only_the_teams_national_head_evaluates_for_it(cast, closing):
    """Not the group head, not a legal observer, not another team's national head."""
    gid, teams = closing
    with cast.app.app_context():
        _terminate(cast, gid)
        for who, party in (("creator", "BY"), ("by_legal", "BY"), ("by_head", "KZ")):
            with pytest.raises(Forbidden):
                _save(cast, gid, teams[party], who=who)
        assert db.session.query(GroupEvaluation).count() == 0


def test_outsiders_get_not_found_and_bad_evaluations_name_each_field(cast, closing):
    gid, teams = closing
    with cast.app.app_context():
        _terminate(cast, gid)
        for group_id in (gid, 99_999):
            with pytest.raises(NotFound):
                evaluations.list_evaluations(person(cast, "outsider"), group_id)
            with pytest.raises(NotFound):
                _save(cast, group_id, teams["KZ"], who="outsider")
        with pytest.raises(Invalid) as refused:
            _save(cast, gid, teams["BY"], what_worked=" ", what_did_not="", assets_seized="я" * 20_001,
                  persons_charged=-1, requests_avoided=-2)
        assert set(refused.value.fields) == {"what_worked", "what_did_not", "assets_seized", "persons_charged",
                                             "requests_avoided"}
        with pytest.raises(Invalid) as foreign_team:
            _save(cast, gid, 99_999)
        assert set(foreign_team.value.fields) == {"team_id"}
        assert db.session.query(GroupEvaluation).count() == 0


def test_replacing_an_evaluation_needs_the_version_read(cast, closing):
    gid, teams = closing
    with cast.app.app_context():
        _terminate(cast, gid)
        _save(cast, gid, teams["BY"])
        for stale in (None, 2):
            with pytest.raises(Conflict) as refused:
                _save(cast, gid, teams["BY"], what_worked="Иное", version=stale)
            assert refused.value.fields == {"version": "1"}
        replaced = _save(cast, gid, teams["BY"], what_worked="Общий чат", version=1)
        assert (replaced.what_worked, replaced.version) == ("Общий чат", 2)
        assert db.session.query(GroupEvaluation).count() == 1

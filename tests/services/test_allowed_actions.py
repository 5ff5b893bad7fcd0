"""What each person may do with a group, an instruction, a task, an evidence item and a message, as
the services answer it (`allowed_actions`), checked against a known matrix per role and against
the use cases themselves: an action left out is one its use case refuses as not the caller's."""

from __future__ import annotations

import io

import pytest

from jit.extensions import db
from jit.models import EvidenceItem, JointGroup, Message, Task
from jit.services import authz, channels, evidence, group_documents, groups, instructions, tasks
from jit.services.errors import DomainError, Forbidden, NotFound
from tests.evidence_support import custody, evidence_group, register
from tests.groups_support import TODAY
from tests.service_support import person

ROLES = ("creator", "kz_head", "kz_member", "by_legal")  # group head, national head, member, legal officer


@pytest.fixture
def setting(cast) -> dict:
    return evidence_group(cast)


def _not_theirs(probe) -> bool:
    """Whether the use case refuses the caller as not theirs (a probe never succeeds: it sends
    something invalid once the rights are checked, or meets an unmet condition)."""
    try:
        probe()
    except Forbidden:
        return True
    except DomainError:
        return False
    raise AssertionError("a probe must not succeed")


def _answers(cast, answer, load) -> dict[str, dict]:
    with cast.app.app_context():
        return {role: answer(person(cast, role), load()) for role in ROLES}


def test_a_group_answers_each_role_from_the_rules_that_enforce_them(cast, setting):
    gid, teams = setting["gid"], setting["teams"]
    with cast.app.app_context():
        group = db.session.get(JointGroup, gid)
        answers = {role: groups.allowed_actions(person(cast, role), group) for role in ROLES}
        with pytest.raises(NotFound):
            groups.allowed_actions(person(cast, "outsider"), group)
    assert authz.allowed_now(answers["creator"]) == sorted(
        ["edit", "add_team", "add_document", "attach_file", "add_channel", "add_member", "add_case", "to:suspended",
         "remove_member"])
    assert answers["creator"]["to:closed"] == ["No termination decision is on file."]
    assert answers["kz_head"] == {"add_member": [], "add_case": [], "remove_member": []}
    assert answers["kz_member"] == answers["by_legal"] == {}
    with cast.app.app_context():
        removable = groups.removable_members(person(cast, "kz_head"), db.session.get(JointGroup, gid))
    assert removable[cast.ids["kz_member"]] == [] and "national head" in removable[cast.ids["kz_head"]][0]

    # Each action left out is refused by its use case as not the caller's, each listed one is not.
    def probes(actor):
        return {"edit": lambda: groups.update_group(actor, gid, version=None),
                "to:suspended": lambda: groups.transition(actor, gid, to="suspended", version=None),
                "add_member": lambda: groups.add_member(actor, gid, user_id=0, team_id=teams["KZ"], role="?"),
                "add_document": lambda: group_documents.add_document(
                    actor, gid, kind="?", decision=None, party="BY", authority_id=0, reference="", dated=None,
                    signed_by=""),
                "add_team": lambda: groups.add_team(actor, gid, party="??", authority_id=0, national_head_id=0),
                "remove_member": lambda: groups.remove_member(actor, gid, cast.ids["kz_head"])}
    with cast.app.app_context():
        for role in ROLES:
            for action, probe in probes(person(cast, role)).items():
                assert (action in answers[role]) != _not_theirs(probe), (role, action)


def test_an_instruction_offers_sending_to_its_requesting_head_and_answering_to_the_requested_one(cast, setting):
    gid, teams, cases = setting["gid"], setting["teams"], setting["cases"]
    with cast.app.app_context():
        instruction = instructions.create_instruction(
            person(cast, "kz_head"), gid, from_team_id=teams["KZ"], to_team_id=teams["BY"], case_id=cases["KZ"],
            actions=["Допросить свидетеля"], due_on=TODAY, body="Прошу допросить")
        iid = instruction.id

    def load():
        return instructions.get_instruction(person(cast, "creator"), iid)
    draft = _answers(cast, instructions.allowed_actions, load)
    assert draft["kz_head"] == {"to:sent": [
        "Attach at least one certified decision document before sending (AGR-INSTR-DECISIONS)."], "edit": [],
        "add_document": []}
    assert draft["creator"] == draft["kz_member"] == draft["by_legal"] == {}
    with cast.app.app_context():
        for role in ROLES:  # listed (even blocked) ⇔ not refused as not theirs
            actor = person(cast, role)
            assert ("to:sent" in draft[role]) != _not_theirs(
                lambda actor=actor: instructions.transition(actor, iid, to="sent", version=load().version)), role
            assert ("edit" in draft[role]) != _not_theirs(lambda actor=actor: instructions.update_subject(
                actor, iid, subject=" ", version=load().version)), role  # blank: refused once the rights pass
        instructions.add_document(person(cast, "kz_head"), iid, title="Постановление", certified=True,
                                  is_sanction=False, filename="p.pdf", stream=io.BytesIO(b"%PDF"))
        assert authz.allowed_now(instructions.allowed_actions(person(cast, "kz_head"), load())) == [
            "add_document", "edit", "to:sent"]
        instructions.transition(person(cast, "kz_head"), iid, to="sent", version=load().version)
        with pytest.raises(NotFound):
            instructions.allowed_actions(person(cast, "outsider"), load())
    sent = _answers(cast, instructions.allowed_actions, load)
    # The requesting head does not answer his own instruction; the requested team's head (by_head) does.
    assert sent["kz_head"] == {} and sent["kz_member"] == sent["by_legal"] == {}
    with cast.app.app_context():
        assert authz.allowed_now(instructions.allowed_actions(person(cast, "by_head"), load())) == [
            "to:accepted", "to:refused"]
        with pytest.raises(Forbidden):
            instructions.transition(person(cast, "kz_head"), iid, to="accepted", version=load().version)


def test_a_task_is_edited_by_its_setters_moved_by_its_assignees_and_commented_by_members(cast, setting):
    gid = setting["gid"]
    with cast.app.app_context():
        tid = tasks.create_task(person(cast, "creator"), gid, title="Изучить выписки",
                                assignee_ids=[cast.ids["kz_member"]]).id
    answers = _answers(cast, tasks.allowed_actions, lambda: db.session.get(Task, tid))
    moves = ["to:in_progress", "to:blocked", "to:cancelled"]
    assert authz.allowed_now(answers["creator"]) == sorted(["edit", "comment", *moves])
    assert authz.allowed_now(answers["kz_member"]) == sorted(["comment", *moves])
    assert answers["kz_head"] == {"comment": []} and answers["by_legal"] == {}
    with cast.app.app_context():
        with pytest.raises(NotFound):
            tasks.allowed_actions(person(cast, "outsider"), db.session.get(Task, tid))
        for role in ROLES:
            actor = person(cast, role)
            assert ("to:in_progress" in answers[role]) != _not_theirs(
                lambda actor=actor: tasks.update_task(actor, tid, version=None)), role
            assert ("comment" in answers[role]) != _not_theirs(
                lambda actor=actor: tasks.add_comment(actor, tid, "")), role


def test_an_item_is_moved_by_its_custodian_and_not_by_who_handed_it_over(cast, setting):
    eid = register(cast, setting).get_json()["id"]
    answers = _answers(cast, evidence.allowed_actions, lambda: db.session.get(EvidenceItem, eid))
    custodial = {"transfer", "seal", "return", "dispose"}
    assert custodial <= set(authz.allowed_now(answers["kz_member"]))  # the custodian who registered it
    assert custodial <= set(authz.allowed_now(answers["creator"]))  # the group head
    assert not custodial & set(answers["kz_head"]) and "examine" in answers["kz_head"]
    assert answers["by_legal"] == {}
    assert custody(cast, eid, "kz_member", type="transferred", to_user_id=cast.ids["kz_head"]).status_code == 201
    handed = _answers(cast, evidence.allowed_actions, lambda: db.session.get(EvidenceItem, eid))
    assert not custodial & set(handed["kz_member"]) and custodial <= set(handed["kz_head"])
    with cast.app.app_context():
        with pytest.raises(NotFound):
            evidence.allowed_actions(person(cast, "outsider"), db.session.get(EvidenceItem, eid))
        for role in ROLES:
            actor = person(cast, role)
            assert ("transfer" in handed[role]) != _not_theirs(lambda actor=actor: evidence.record_event(
                actor, eid, event_type="transferred")), role


def test_a_message_is_changed_by_its_author_and_its_history_read_by_the_head_and_legal_officers(cast, setting):
    gid = setting["gid"]
    with cast.app.app_context():
        general = channels.list_channels(person(cast, "kz_member"), gid)[0].id
        mid = channels.send(person(cast, "kz_member"), general, "Выписки получены").id
    readers = ("creator", "kz_head", "kz_member")
    with cast.app.app_context():
        answers = {role: channels.allowed_actions(person(cast, role), db.session.get(Message, mid)) for role in readers}
        for role in ("outsider", "by_legal"):  # the general channel is the members' and the head's
            with pytest.raises(NotFound):
                channels.allowed_actions(person(cast, role), db.session.get(Message, mid))
    assert authz.allowed_now(answers["kz_member"]) == ["delete", "edit", "link"]
    assert authz.allowed_now(answers["creator"]) == ["history", "link", "to_task"]
    assert answers["kz_head"] == {"to_task": []}
    with cast.app.app_context():
        for role in readers:
            actor = person(cast, role)
            assert ("delete" in answers[role]) != _not_theirs(
                lambda actor=actor: channels.edit_message(actor, mid, "")), role
            if "history" in answers[role]:
                assert channels.message_history(actor, mid)[0].id == mid
            else:
                with pytest.raises(Forbidden):
                    channels.message_history(actor, mid)

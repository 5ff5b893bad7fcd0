"""The instruction service's send guard for an instruction marked as needing a sanction
(AGR-INSTR-DECISIONS), called directly as every door calls it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from jit.extensions import db
from jit.models import Instruction, InstructionStatus, User
from jit.services import instructions
from jit.services.errors import Conflict
from tests.groups_support import TODAY, activate_with_case


def _attach(head: User, iid: int, title: str, *, certified: bool, is_sanction: bool) -> None:
    instructions.add_document(head, iid, title=title, certified=certified, is_sanction=is_sanction,
                              filename="scan.pdf", stream=io.BytesIO(b"%PDF-1.4 " + title.encode()))


def _send(head: User, iid: int) -> Instruction:
    return instructions.transition(head, iid, to="sent", version=db.session.get(Instruction, iid).version)


@pytest.fixture
def needing_sanction(cast):
    """A draft from the BY head to the KZ head, marked as needing a sanction, with its certified decision."""
    group, teams, case_id = activate_with_case(cast)
    with cast.app.app_context():
        head = db.session.get(User, cast.ids["by_head"])
        iid = instructions.create_instruction(
            head, group["id"], from_team_id=teams["BY"], to_team_id=teams["KZ"], case_id=case_id,
            actions=["Обыск"], due_on=TODAY + timedelta(days=10), body="Прошу провести обыск",
            needs_sanction=True).id
        _attach(head, iid, "Постановление о производстве обыска", certified=True, is_sanction=False)
    return iid


def test_sending_waits_for_a_certified_sanction(cast, needing_sanction):
    with cast.app.app_context():
        head = db.session.get(User, cast.ids["by_head"])
        with pytest.raises(Conflict, match="AGR-INSTR-DECISIONS"):
            _send(head, needing_sanction)
        _attach(head, needing_sanction, "Санкция прокурора (копия)", certified=False, is_sanction=True)
        with pytest.raises(Conflict, match="sanction"):
            _send(head, needing_sanction)
        assert db.session.get(Instruction, needing_sanction).status == InstructionStatus.DRAFT
        _attach(head, needing_sanction, "Санкция прокурора", certified=True, is_sanction=True)
        sent = _send(head, needing_sanction)
        assert (sent.status, sent.needs_sanction, sent.has_certified_sanction) == (InstructionStatus.SENT, True, True)


def test_an_instruction_not_marked_is_sent_with_its_decision_alone(cast, needing_sanction):
    with cast.app.app_context():
        db.session.get(Instruction, needing_sanction).needs_sanction = False
        db.session.commit()
        sent = _send(db.session.get(User, cast.ids["by_head"]), needing_sanction)
        assert (sent.status, sent.has_certified_sanction) == (InstructionStatus.SENT, False)

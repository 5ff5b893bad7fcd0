"""`flask jit create-user` and `flask jit demo`."""

from __future__ import annotations

from sqlalchemy import func, select

from jit import demo
from jit.extensions import db
from jit.models import Authority, AuthorityKind, EvidenceItem, GroupStatus, Instruction, JointGroup, Task, User
from jit.models.types import utcnow
from jit.services import evidence, instructions, sign_in


def test_create_user_makes_an_account_that_can_sign_in(app):
    result = app.test_cli_runner().invoke(args=[
        "jit", "create-user", "--username", "first.admin", "--password", "a strong passphrase",
        "--full-name", "Первый Администратор", "--role", "admin", "--time-zone", "Europe/Minsk",
    ])
    assert result.exit_code == 0, result.output
    assert "created user first.admin" in result.output
    with app.app_context():
        user = sign_in.sign_in("first.admin", "a strong passphrase")
        assert user.roles == ["admin"]
        assert user.time_zone == "Europe/Minsk"


def test_create_user_explains_what_is_wrong(app):
    result = app.test_cli_runner().invoke(args=[
        "jit", "create-user", "--username", "x", "--password", "short", "--full-name", "X", "--role", "admin",
    ])
    assert result.exit_code != 0
    assert "username:" in result.output
    assert "password:" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_user_refuses_unknown_roles(app):
    result = app.test_cli_runner().invoke(args=[
        "jit", "create-user", "--username", "someone", "--password", "long enough pass", "--full-name", "S",
        "--role", "superuser",
    ])
    assert result.exit_code == 2
    assert "superuser" in result.output


def test_demo_loads_the_belarus_kazakhstan_story_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jit", "demo"])
    assert result.exit_code == 0, result.output
    assert demo.DEMO_PASSWORD in result.output
    with app.app_context():
        accounts = {user.username: user for user in db.session.scalars(select(User))}
        roles = {role for user in accounts.values() for role in user.roles}
        assert roles == {"admin", "legal_officer", "investigator"}
        belarus = accounts["i.petrov"].authority
        kazakhstan = accounts["a.nurlanov"].authority
        assert (belarus.party_code, belarus.kind) == ("BY", AuthorityKind.CENTRAL)
        assert belarus.name_en == "Investigative Committee of the Republic of Belarus"
        assert (kazakhstan.party_code, kazakhstan.name_ru) == ("KZ", "Министерство внутренних дел Республики Казахстан")
        sign_in.sign_in("o.kovalenko", demo.DEMO_PASSWORD)
        authorities = db.session.scalar(select(func.count(Authority.id)))
        active, draft, lapsed = db.session.scalars(select(JointGroup).order_by(JointGroup.id)).all()
        assert (active.status, draft.status, lapsed.status) == (GroupStatus.ACTIVE, GroupStatus.DRAFT,
                                                                GroupStatus.ACTIVE)
        # The legal officer's seeded violation: still active twelve days after its term ended.
        assert (utcnow().date() - lapsed.ends_on).days == 12
        assert active.head.username == "v.sokolov"
        assert {team.party_code: team.national_head.username for team in active.teams} == {
            "BY": "i.petrov", "KZ": "a.nurlanov"}
        assert sorted(case.party_code for case in active.cases) == ["BY", "KZ"]
        assert active.starts_on < utcnow().date() < active.ends_on
        story = db.session.scalars(select(Instruction).order_by(Instruction.id)).all()
        assert [i.status.value for i in story] == ["executed", "in_progress", "accepted", "draft", "draft"]
        assert [i.from_team.party_code for i in story] == ["BY", "KZ", "BY", "KZ", "BY"]
        assert [instructions.is_overdue(i) for i in story] == [False, False, True, False, False]
        # Needing a sanction: the search went with it; the seizure waits for one.
        assert [(i.needs_sanction, i.has_certified_sanction) for i in story[2::2]] == [(True, True), (True, False)]
        board = db.session.scalars(select(Task)).all()
        assert len(board) >= 20
        assert {task.status.value for task in board} == {"open", "in_progress", "blocked", "done", "cancelled"}
        assert any(task.due_on < utcnow().date() and task.status.value != "done" for task in board)
        assert {task.instruction_id for task in board} >= {story[0].id, story[1].id}
        items = db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)).all()
        assert len(items) == 12
        assert {item.party_code for item in items} == {"BY", "KZ"}
        assert sum(len(item.files) for item in items) == 12
        crossed = [e for item in items for e in item.events if e.instruction_id == story[1].id]
        assert [(e.from_user.username, e.to_user.username) for e in crossed] == [("a.nurlanov", "i.petrov")]
        conditioned = [item for item in items if item.use_conditions]
        assert sorted(evidence.may_leave_group(item) for item in conditioned) == [False, True]
        assert evidence.verify_chains(active.id).ok

    again = runner.invoke(args=["jit", "demo"])
    assert again.exit_code != 0
    assert "empty" in again.output
    quiet = runner.invoke(args=["jit", "demo", "--if-empty"])
    assert quiet.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Authority.id))) == authorities

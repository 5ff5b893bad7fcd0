"""My work: a user's open tasks and the instructions waiting on them or their team, by due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import Instruction, InstructionStatus, MemberRole, Membership, Task, TaskAssignment, TaskStatus, User
from jit.services import authz, scope
from jit.services.audit import note, use_case
from jit.services.instructions import OPEN_STATUSES

OPEN_TASK = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
BEING_EXECUTED = (InstructionStatus.ACCEPTED, InstructionStatus.IN_PROGRESS)


@dataclass
class MyWork:
    tasks: list[Task]
    instructions: list[Instruction]
    today: date

    @property
    def overdue(self) -> int:
        late_tasks = sum(1 for task in self.tasks if task.due_on and task.due_on < self.today)
        return late_tasks + sum(1 for instruction in self.instructions if instruction.due_on < self.today)


def _current_teams(user: User, *, heads_only: bool = False) -> Select:
    stmt = select(Membership.team_id).where(Membership.user_id == user.id, Membership.ends_on.is_(None))
    return stmt.where(Membership.role == MemberRole.NATIONAL_HEAD) if heads_only else stmt


def _my_tasks(user: User) -> Select:
    """Open tasks assigned to the user in groups where they are still a member."""
    still_member = select(Membership.group_id).where(Membership.user_id == user.id, Membership.ends_on.is_(None))
    return (select(Task).join(TaskAssignment).where(
        TaskAssignment.user_id == user.id, Task.status.in_(OPEN_TASK), Task.group_id.in_(still_member)))


def _waiting_instructions(user: User) -> Select:
    """To answer (as the requested head), to execute (the requested team), or to send (own drafts)."""
    headed, joined = _current_teams(user, heads_only=True), _current_teams(user)
    return select(Instruction).where(or_(
        and_(Instruction.to_team_id.in_(headed), Instruction.status.in_(OPEN_STATUSES)),
        and_(Instruction.to_team_id.in_(joined), Instruction.status.in_(BEING_EXECUTED)),
        and_(Instruction.from_team_id.in_(headed), Instruction.status == InstructionStatus.DRAFT),
    ))


@use_case("work.mine")
def my_work(actor: User | None) -> MyWork:
    actor = authz.require_user(actor)
    note(object_type="user", object_id=actor.id)
    # The page shows each task's group, not its assignees (the user is one of them).
    tasks = db.session.scalars(_my_tasks(actor).options(selectinload(Task.group))
                               .order_by(Task.due_on.is_(None), Task.due_on, Task.id)).all()
    instructions = db.session.scalars(_waiting_instructions(actor).options(
        selectinload(Instruction.group), selectinload(Instruction.from_team), selectinload(Instruction.to_team))
        .order_by(Instruction.due_on, Instruction.id)).all()
    return MyWork(tasks=list(tasks), instructions=list(instructions), today=scope.today())


def count_for_navigation(actor: User) -> int:
    """How many things wait on the signed-in user, for the navigation badge. Not a use case of its
    own: it runs on every page, reads only the user's own assignments, and opening My work (which
    lists them) is audited."""
    tasks = db.session.scalar(select(func.count()).select_from(_my_tasks(actor).subquery()))
    instructions = db.session.scalar(select(func.count()).select_from(_waiting_instructions(actor).subquery()))
    return tasks + instructions

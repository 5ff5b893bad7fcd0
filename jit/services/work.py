"""My work: a user's open tasks and the instructions waiting on them or their team, by due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import (
    Instruction,
    InstructionStatus,
    JointGroup,
    MemberRole,
    Membership,
    Task,
    TaskAssignment,
    TaskStatus,
    User,
)
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
    # Overdue in the groups the user heads and the teams they lead, beyond what is theirs above: a
    # group head is in no team, so without these his My work stayed empty while his group ran late.
    late_tasks: list[Task] = field(default_factory=list)
    late_instructions: list[Instruction] = field(default_factory=list)

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


def _headed_groups(user: User) -> Select:
    return select(JointGroup.id).where(JointGroup.head_id == user.id)


def _late_tasks(user: User, today: date) -> Select:
    """Open tasks past their due date in the groups the user heads or set for the teams they lead."""
    return select(Task).where(
        Task.status.in_(OPEN_TASK), Task.due_on < today,
        or_(Task.group_id.in_(_headed_groups(user)), Task.team_id.in_(_current_teams(user, heads_only=True))),
        ~Task.id.in_(_my_tasks(user).with_only_columns(Task.id)))


def _late_instructions(user: User, today: date) -> Select:
    """Instructions past their due date, not yet done, in the groups the user heads or asked by a team
    they lead (awaiting the other side), and not already waiting on them."""
    return select(Instruction).where(
        Instruction.status.in_((InstructionStatus.DRAFT, *OPEN_STATUSES)), Instruction.due_on < today,
        or_(Instruction.group_id.in_(_headed_groups(user)),
            Instruction.from_team_id.in_(_current_teams(user, heads_only=True))),
        ~Instruction.id.in_(_waiting_instructions(user).with_only_columns(Instruction.id)))


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
    today = scope.today()
    late_tasks = db.session.scalars(_late_tasks(actor, today).options(selectinload(Task.group))
                                    .order_by(Task.due_on, Task.id)).all()
    late_instructions = db.session.scalars(_late_instructions(actor, today).options(
        selectinload(Instruction.group), selectinload(Instruction.from_team), selectinload(Instruction.to_team))
        .order_by(Instruction.due_on, Instruction.id)).all()
    return MyWork(tasks=list(tasks), instructions=list(instructions), today=today, late_tasks=list(late_tasks),
                  late_instructions=list(late_instructions))


def count_for_navigation(actor: User) -> int:
    """How many things wait on the signed-in user, for the navigation badge. Not a use case of its
    own: it runs on every page, reads only the user's own assignments, and opening My work (which
    lists them) is audited."""
    tasks = db.session.scalar(select(func.count()).select_from(_my_tasks(actor).subquery()))
    instructions = db.session.scalar(select(func.count()).select_from(_waiting_instructions(actor).subquery()))
    today = scope.today()
    late = sum(db.session.scalar(select(func.count()).select_from(stmt.subquery()))
               for stmt in (_late_tasks(actor, today), _late_instructions(actor, today)))
    return tasks + instructions + late

"""Reminders of dates and standing problems (`flask jit notify due`, issue 17): tasks due tomorrow
or overdue, instructions due in 3 days or overdue, a group's term ending in 30 or 7 days or past,
new compliance violations, legal-assistance requests overdue without an answer.

Each reminder carries a key naming its event and threshold (and the date it is counted from, so a
new due date or an extended term reminds again): a recipient gets it once however often the command
runs and on however many processes (notifications.tell keys it). Thresholds are reached, not hit
exactly, so a run missed on the day still reminds the next time."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from jit.compliance import engine
from jit.compliance.core import VIOLATION
from jit.extensions import db
from jit.models import (
    GroupStatus,
    Instruction,
    JointGroup,
    LegalRequest,
    RequestStatus,
    Role,
    Task,
    User,
    UserRole,
)
from jit.models.registry import Authority
from jit.services import instructions, notifications, scope, tasks
from jit.services.audit import note, use_case

INSTRUCTION_NOTICE_DAYS = 3
# The term reminders, nearest first: (days before the end, kind).
TERM_THRESHOLDS = ((7, "group.term_7"), (30, "group.term_30"))
UNANSWERED = (RequestStatus.SENT, RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


@use_case("notification.due")
def send_due(today: date | None = None) -> int:
    """Store (and push) every reminder due today that was not sent before; the number stored."""
    today = today or scope.today()
    sent = _tasks(today) + _instructions(today) + _terms(today) + _findings(today) + _legal_requests(today)
    note(sent=sent, day=today.isoformat())
    return sent


def _working_groups():
    return select(JointGroup.id).where(JointGroup.status == GroupStatus.ACTIVE)


def _tasks(today: date) -> int:
    due = db.session.scalars(select(Task).where(Task.group_id.in_(_working_groups()), Task.due_on.is_not(None),
                                                Task.due_on <= today + timedelta(days=1),
                                                Task.status.not_in(tasks.FINAL)).order_by(Task.id))
    sent = 0
    for task in due:
        kind = "task.overdue" if task.due_on < today else "task.due_tomorrow"
        sent += len(notifications.tell(kind, task, tasks.concerned(task), key=f"{kind}:{task.id}:{task.due_on}"))
    return sent


def _instructions(today: date) -> int:
    due = db.session.scalars(select(Instruction).where(
        Instruction.group_id.in_(_working_groups()), Instruction.status.in_(instructions.OPEN_STATUSES),
        Instruction.due_on <= today + timedelta(days=INSTRUCTION_NOTICE_DAYS)).order_by(Instruction.id))
    sent = 0
    for instruction in due:
        kind = "instruction.overdue" if instruction.due_on < today else "instruction.due_soon"
        sent += len(notifications.tell(kind, instruction, instructions.heads(instruction),
                                       key=f"{kind}:{instruction.id}:{instruction.due_on}"))
    return sent


def _term_kind(days_left: int) -> str | None:
    if days_left < 0:
        return "group.term_past"
    return next((kind for days, kind in TERM_THRESHOLDS if days_left <= days), None)


def _terms(today: date) -> int:
    sent = 0
    for group in db.session.scalars(select(JointGroup).where(JointGroup.status == GroupStatus.ACTIVE,
                                                             JointGroup.ends_on.is_not(None)).order_by(JointGroup.id)):
        kind = _term_kind((group.ends_on - today).days)
        if kind is not None:
            sent += len(notifications.tell(kind, group, [group.head_id, *notifications.national_heads(group)],
                                           key=f"{kind}:{group.id}:{group.ends_on}"))
    return sent


def legal_officers(**where) -> list[int]:
    """The active legal officers of an `authority_id`, or of the authorities of some `parties`."""
    stmt = select(User.id).join(UserRole).where(UserRole.role == Role.LEGAL_OFFICER, User.active.is_(True))
    if "authority_id" in where:
        stmt = stmt.where(User.authority_id == where["authority_id"])
    if "parties" in where:
        stmt = stmt.join(Authority, User.authority_id == Authority.id).where(Authority.party_code.in_(where["parties"]))
    return list(db.session.scalars(stmt))


def _findings(today: date) -> int:
    """A violation found in a working group tells its legal officers once (per rule and object)."""
    sent = 0
    for group in db.session.scalars(select(JointGroup).where(JointGroup.status == GroupStatus.ACTIVE)
                                    .order_by(JointGroup.id)):
        violations = [finding for finding in engine.check_group(group, today) if finding.severity == VIOLATION]
        officers = legal_officers(parties=group.party_codes) if violations else []
        for finding in violations:
            key = f"compliance.error:{group.id}:{finding.rule}:{finding.object_type}:{finding.object_id}"
            sent += len(notifications.tell("compliance.error", group, officers, key=key, rule=finding.rule))
    return sent


def _legal_requests(today: date) -> int:
    overdue = db.session.scalars(select(LegalRequest).where(LegalRequest.due_on < today,
                                                            LegalRequest.status.in_(UNANSWERED))
                                 .order_by(LegalRequest.id))
    sent = 0
    for request in overdue:
        sent += len(notifications.tell("legal_request.overdue", request,
                                       legal_officers(authority_id=request.requesting_authority_id),
                                       key=f"legal_request.overdue:{request.id}:{request.due_on}"))
    return sent

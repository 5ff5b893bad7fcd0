"""Tasks inside a group, with assignees, comments and a full change history (DOMAIN.md "Task")."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.group import JointGroup
from jit.models.types import UTCDateTime, enum_values, utcnow
from jit.models.user import User


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskPriority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Task(db.Model):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("national_teams.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[TaskStatus] = mapped_column(
        Enum(TaskStatus, name="task_status", values_callable=enum_values),
        default=TaskStatus.OPEN, index=True,
    )
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[TaskPriority] = mapped_column(
        Enum(TaskPriority, name="task_priority", values_callable=enum_values),
        default=TaskPriority.NORMAL,
    )
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    instruction_id: Mapped[int | None] = mapped_column(ForeignKey("instructions.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("criminal_cases.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    group: Mapped[JointGroup] = relationship()
    created_by: Mapped[User] = relationship()
    assignments: Mapped[list[TaskAssignment]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                             order_by="TaskAssignment.user_id")
    comments: Mapped[list[TaskComment]] = relationship(back_populates="task", order_by="TaskComment.id")
    history: Mapped[list[TaskChange]] = relationship(back_populates="task", order_by="TaskChange.id")

    # A concurrent write of an older version fails instead of overwriting (optimistic locking).
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by SQLAlchemy

    @property
    def assignees(self) -> list[User]:
        return [assignment.user for assignment in self.assignments]


class TaskAssignment(db.Model):
    __tablename__ = "task_assignments"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)

    task: Mapped[Task] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()


class TaskComment(db.Model):
    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class TaskChange(db.Model):
    """Who changed what and when: one row per changed field (append-only)."""

    __tablename__ = "task_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[dict] = mapped_column(JSON, default=dict)
    new: Mapped[dict] = mapped_column(JSON, default=dict)

    task: Mapped[Task] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()

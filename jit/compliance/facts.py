"""What the group rules read, loaded in a handful of queries whatever the group's size (a group with
10,000 tasks and 2,000 instructions checks in well under a second: bench/compliance.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit import ledger
from jit.extensions import db
from jit.models import (
    CriminalCase,
    CustodyEvent,
    EvidenceItem,
    GroupEvent,
    Instruction,
    InstructionEvent,
    JointGroup,
    Membership,
    Task,
    TaskAssignment,
    TaskChange,
    TaskComment,
    TaskStatus,
)


@dataclass
class GroupFacts:
    group: JointGroup
    today: date
    instructions: list[Instruction] = field(default_factory=list)

    @classmethod
    def load(cls, group: JointGroup, today: date) -> GroupFacts:
        instructions = list(db.session.scalars(
            select(Instruction).where(Instruction.group_id == group.id).options(selectinload(Instruction.documents))))
        return cls(group=group, today=today, instructions=instructions)

    @cached_property
    def case_ids(self) -> set[int]:
        return {case.id for case in self.group.cases}

    @cached_property
    def memberships(self) -> list[Membership]:
        return [membership for team in self.group.teams for membership in team.memberships]

    @cached_property
    def senders(self) -> dict[int, tuple[int | None, datetime]]:
        """Who sent each instruction, and when (its `sent` event)."""
        rows = db.session.execute(
            select(InstructionEvent.instruction_id, InstructionEvent.actor_id, InstructionEvent.at)
            .join(Instruction, Instruction.id == InstructionEvent.instruction_id)
            .where(Instruction.group_id == self.group.id, InstructionEvent.kind == "sent"))
        return {row.instruction_id: (row.actor_id, row.at) for row in rows}

    @cached_property
    def head_appointed_at(self) -> datetime | None:
        return db.session.scalar(select(GroupEvent.at).where(
            GroupEvent.group_id == self.group.id, GroupEvent.kind == "head_appointed").order_by(GroupEvent.at))

    def held_role(self, user_id: int | None, team_id: int, role: str, on: date) -> bool:
        """Whether the user was in the team with that role on the date (memberships are kept after they end)."""
        return any(m.user_id == user_id and m.team_id == team_id and m.role == role and m.starts_on <= on
                   and (m.ends_on is None or on <= m.ends_on) for m in self.memberships)

    def activity_after(self, day: date) -> list[tuple[str, int, datetime]]:
        """Work done in the group after the end of `day`: instruction moves, task changes and comments,
        as (object type, id, when), the first of each object only."""
        after = datetime.combine(day, datetime.max.time(), tzinfo=UTC)
        queries = [
            ("instruction", select(InstructionEvent.instruction_id, InstructionEvent.at)
             .join(Instruction, Instruction.id == InstructionEvent.instruction_id)
             .where(Instruction.group_id == self.group.id, InstructionEvent.at > after)),
            ("task", select(TaskChange.task_id, TaskChange.at).join(Task, Task.id == TaskChange.task_id)
             .where(Task.group_id == self.group.id, TaskChange.at > after)),
            ("task", select(TaskComment.task_id, TaskComment.created_at).join(Task, Task.id == TaskComment.task_id)
             .where(Task.group_id == self.group.id, TaskComment.created_at > after)),
            ("evidence", select(CustodyEvent.item_id, CustodyEvent.at)
             .where(CustodyEvent.group_id == self.group.id, CustodyEvent.at > after)),
        ]
        first: dict[tuple[str, int], datetime] = {}
        for kind, query in queries:
            for object_id, at in db.session.execute(query):
                key = (kind, object_id)
                first[key] = min(first.get(key, at), at)
        return sorted(((kind, object_id, at) for (kind, object_id), at in first.items()), key=lambda item: item[2])

    @cached_property
    def task_assignees_by_instruction(self) -> list[tuple[int, int, int]]:
        """(task id, assignee id, instruction id) for live tasks that execute an instruction."""
        return list(db.session.execute(
            select(Task.id, TaskAssignment.user_id, Task.instruction_id)
            .join(TaskAssignment, TaskAssignment.task_id == Task.id)
            .where(Task.group_id == self.group.id, Task.instruction_id.is_not(None),
                   Task.status != TaskStatus.CANCELLED)))

    @cached_property
    def tasks_outside_cases(self) -> list[int]:
        """Tasks linked to a case that is not one of this group's."""
        own = select(CriminalCase.id).where(CriminalCase.group_id == self.group.id)
        return list(db.session.scalars(select(Task.id).where(
            Task.group_id == self.group.id, Task.case_id.is_not(None), Task.case_id.not_in(own))))

    @cached_property
    def evidence_items(self) -> list[EvidenceItem]:
        return list(db.session.scalars(select(EvidenceItem).where(EvidenceItem.group_id == self.group.id)
                                       .options(selectinload(EvidenceItem.consents)).order_by(EvidenceItem.id)))

    @cached_property
    def custody_events(self) -> dict[int, list[CustodyEvent]]:
        """Each item's custody events in chain order."""
        chains: dict[int, list[CustodyEvent]] = {}
        for event in db.session.scalars(select(CustodyEvent).where(CustodyEvent.group_id == self.group.id)
                                        .order_by(CustodyEvent.item_id, CustodyEvent.seq)):
            chains.setdefault(event.item_id, []).append(event)
        return chains

    @staticmethod
    def entry_matches_leaf(event: CustodyEvent) -> bool:
        """Whether the event's stored entry still hashes to the leaf recorded in the ledger with it."""
        return ledger.leaf_hash(ledger.canonical(event.entry)).hex() == event.leaf_hash

"""What a group's pages show, each gathered by one read use case: opening a page is one thing the
person did, so it leaves one audit event however many reads the page takes (the reads it calls
join it, see `audit.use_case`), named for what the person did and about the group (or the item).

Pages whose filters choose among the group's teams and cases take them as `filters(group)`: the
page's form can only be checked once the group is read, and the list is read after it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import (
    Authority,
    EvidenceItem,
    GroupEvaluation,
    Instruction,
    JointGroup,
    Message,
    NationalTeam,
    Party,
    Task,
    TaskStatus,
    User,
)
from jit.services import (
    authz,
    channels,
    compliance,
    evaluations,
    evidence,
    groups,
    instructions,
    people,
    registry,
    scope,
    tasks,
)
from jit.services.audit import note, use_case
from jit.services.pagination import MAX_LIMIT, Page

Filters = Callable[[JointGroup], dict]
# How many of the open channel's latest messages the chat panel shows as the page loads.
RECENT_MESSAGES = 30


@dataclass(frozen=True)
class Chat:
    """The channels `actor` may read in a group, the open one (None: none readable, or not the one
    asked for) with who may read it, and whether the group's channels take messages now."""

    channels: list[channels.ChannelSummary]
    current: channels.ChannelSummary | None
    members: list[User]
    writable: bool
    # The open channel's latest messages, oldest first, each with what the reader may do with it (the
    # page shows them before, and without, the panel's script).
    recent: list[tuple[Message, authz.Actions]]


# The group's compliance page lists this many findings of each severity, and counts them all by rule.
FINDINGS_LISTED = 100
# A board column shows its first cards (done: the latest); its own page lists them all, a page at a time.
# Each card costs the page about a millisecond to render: the full board stays within its time budget.
BOARD_CARDS = 25
COLUMN_PAGE = 100


@dataclass(frozen=True)
class BoardColumn:
    status: TaskStatus
    tasks: list[Task]
    total: int  # under the board's filter, shown or not
    next_cursor: str | None


# The group's pages, one URL each: this module reads the first four and the last; the others are
# the instruction list, the task board, the evidence register, the identifier register and the chat page.
TABS = ("overview", "members", "documents", "cases", "instructions", "tasks", "evidence", "identifiers", "channels",
        "timeline")


@dataclass(frozen=True)
class GroupPage:
    """One tab of the group: what every tab shows (the group, what the reader may do with it) and
    what this one adds (empty on the others)."""

    group: JointGroup
    tab: str
    actions: authz.Actions  # what the reader may do with the group, with what each still lacks
    removable: dict[int, list[str]]  # members tab: whom the reader may remove (by user id), with what blocks it
    compliance: Counter  # overview: how many findings the group has of each severity
    evaluations: list[tuple[NationalTeam, GroupEvaluation | None]]  # overview: the closure evaluations
    evaluation_due: bool
    counts: dict[str, int]  # overview: how many records each tab lists


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def _counts(actor: User, group: JointGroup) -> dict[str, int]:
    return {
        "members": len(scope.current_members(group)), "documents": len(group.documents), "cases": len(group.cases),
        "instructions": _count(instructions.listed(group)), "tasks": _count(tasks.listed(group)),
        "evidence": _count(select(EvidenceItem.id).where(EvidenceItem.group_id == group.id)),
        "channels": len(channels.list_channels(actor, group.id)), "timeline": len(group.events)}


def _chat(actor: User, group: JointGroup, wanted: int | None) -> Chat:
    """The `wanted` channel open, or the first (the general channel) when none is asked for."""
    summaries = channels.list_channels(actor, group.id)
    if wanted:
        current = next((summary for summary in summaries if summary.id == wanted), None)
    else:
        current = summaries[0] if summaries else None
    members = channels.channel_members(actor, current.id) if current else []
    latest = channels.list_messages(actor, current.id, limit=RECENT_MESSAGES).items if current else []
    recent = [(message, channels.allowed_actions(actor, message)) for message in reversed(latest)]
    return Chat(summaries, current, members, channels.takes_messages(group), recent)


def _severities(group: JointGroup) -> Counter:
    counts = Counter()
    for (severity, _), n in compliance.finding_counts([group], scope.today())[group.id].items():
        counts[severity] += n
    return counts


def _on_the_group(group: JointGroup) -> None:
    # The joined reads noted what each read (a channel, say); the event is about the group.
    note(object_type="group", object_id=group.id, group_id=group.id)


@use_case("group.read")
def group_page(actor: User | None, group_id: int, tab: str = "overview") -> GroupPage:
    """One of the group's own tabs (`overview`, `members`, `documents`, `cases`, `timeline`): the
    group, its possible moves, and what that tab shows."""
    group = groups.get_group(actor, group_id)
    overview = tab == "overview"
    page = GroupPage(
        group=group, tab=tab, actions=groups.allowed_actions(actor, group),
        removable=groups.removable_members(actor, group) if tab == "members" else {},
        compliance=_severities(group) if overview else Counter(),
        evaluations=evaluations.list_evaluations(actor, group_id) if overview else [],
        evaluation_due=overview and evaluations.is_due(group), counts=_counts(actor, group) if overview else {})
    _on_the_group(group)
    note(tab=tab)
    return page


@use_case("channel.list")
def chat_page(actor: User | None, group_id: int, wanted: int | None = None) -> tuple[JointGroup, Chat]:
    """The group's chat page, with the `wanted` channel open."""
    group = groups.get_group(actor, group_id)
    chat = _chat(actor, group, wanted)
    _on_the_group(group)
    return group, chat


@use_case("group.read")
def group_form(actor: User | None, group_id: int) -> tuple[JointGroup, list[Party], list[Authority]]:
    """A form adding to the group (a team, a document): the group, and the parties and authorities
    it chooses from."""
    group = groups.get_group(actor, group_id)
    parties = registry.list_parties(actor, limit=MAX_LIMIT).items
    authorities = registry.list_authorities(actor, limit=MAX_LIMIT).items
    _on_the_group(group)
    return group, parties, authorities


@dataclass(frozen=True)
class PeopleForm:
    """A form that names people (and, where asked, an instruction): whom the caller may choose for
    each purpose, every one of them (a page without JavaScript lists them all)."""

    group: JointGroup
    parties: list[Party]
    authorities: list[Authority]
    people: dict[str, list[people.Candidate]]
    instructions: list[Instruction]


@use_case("group.read")
def people_form(actor: User | None, group_id: int, *purposes: str, with_instructions: bool = False) -> PeopleForm:
    group, parties, authorities = group_form(actor, group_id)
    chosen = {purpose: people.choosable(actor, group_id, purpose=purpose, limit=None) for purpose in purposes}
    listed = instructions.instruction_choices(actor, group_id) if with_instructions else []
    _on_the_group(group)
    return PeopleForm(group, parties, authorities, chosen, listed)


@use_case("task.list")
def task_board(actor: User | None, group_id: int, filters: Filters, *, status: TaskStatus | None = None,
               cursor: str | None = None) -> tuple[JointGroup, list[BoardColumn]]:
    """The board: each status's first cards and how many it holds under the filter; with `status`,
    that column alone, a page at a time."""
    group = groups.get_group(actor, group_id)
    chosen = filters(group)
    totals = tasks.count_by_status(actor, group_id, **chosen)
    columns = []
    for column in [status] if status else TaskStatus:
        page = tasks.list_tasks(actor, group_id, status=column.value, limit=COLUMN_PAGE if status else BOARD_CARDS,
                                cursor=cursor if status else None, newest_first=column == TaskStatus.DONE, **chosen)
        columns.append(BoardColumn(column, page.items, totals.get(column, 0), page.next_cursor))
    _with_history([task for column in columns if column.status in tasks.FINAL for task in column.tasks])
    _on_the_group(group)
    return group, columns


def _with_history(closed: list[Task]) -> None:
    """Load the history of the closed cards in one statement: whether the reader may reopen one
    depends on who closed it (`tasks.may_reopen`)."""
    if closed:
        db.session.scalars(select(Task).where(Task.id.in_([task.id for task in closed]))
                           .options(selectinload(Task.history))).all()


@use_case("instruction.list")
def instruction_list(actor: User | None, group_id: int, filters: Filters, *,
                     cursor: str | None = None) -> tuple[JointGroup, Page]:
    group = groups.get_group(actor, group_id)
    page = instructions.list_instructions(actor, group_id, **filters(group), cursor=cursor)
    _on_the_group(group)
    return group, page


@use_case("evidence.list")
def evidence_register(actor: User | None, group_id: int, filters: Filters, *,
                      cursor: str | None = None) -> tuple[JointGroup, Page]:
    group = groups.get_group(actor, group_id)
    page = evidence.list_items(actor, group_id, **filters(group), cursor=cursor)
    _on_the_group(group)
    return group, page


@use_case("compliance.group")
def compliance_page(actor: User | None, group_id: int, *, severity: str | None = None,
                    rule: str | None = None) -> tuple[JointGroup, compliance.Report]:
    group = groups.get_group(actor, group_id)
    report = compliance.group_report(actor, group_id, severity=severity, rule=rule, per_severity=FINDINGS_LISTED)
    _on_the_group(group)
    return group, report


@use_case("evaluation.list")
def evaluation_form(actor: User | None, group_id: int) -> tuple[JointGroup, list[tuple]]:
    """The group and each team's closure evaluation (None: not written yet)."""
    group = groups.get_group(actor, group_id)
    written = evaluations.list_evaluations(actor, group_id)
    _on_the_group(group)
    return group, written


@dataclass(frozen=True)
class EvidencePage:
    item: EvidenceItem
    instructions: list[Instruction]  # what a transfer may be made under
    designee: User | None
    recorder_choices: list[User]
    broken: str | None  # why the item's chain does not verify (None: it does)
    member: bool
    actions: authz.Actions  # what the reader may do with the item now, with what each still lacks


@use_case("evidence.read")
def evidence_page(actor: User | None, item_id: int) -> EvidencePage:
    """An evidence item's page: the item, its chain checked, and what its forms offer `actor`."""
    item = evidence.get_item(actor, item_id)
    page = EvidencePage(
        item=item, instructions=instructions.instruction_choices(actor, item.group_id),
        designee=evidence.consent_designee(item), recorder_choices=evidence.consent_recorder_choices(item),
        broken=evidence.verify_item_chain(item), member=evidence.in_group(actor.id if actor else None, item.group),
        actions=evidence.allowed_actions(actor, item))
    # The instruction list noted the group; the event is about the item.
    note(object_type="evidence", object_id=item.id, group_id=item.group_id)
    return page


@use_case("message.read")
def message_task_form(actor: User | None, message_id: int) -> tuple[Message, PeopleForm]:
    """Turning a message into a task: the message, and whom and what the task may name."""
    message = channels.get_message(actor, message_id)
    offered = people_form(actor, message.channel.group_id, "assignee", with_instructions=True)
    note(object_type="message", object_id=message.id, group_id=message.channel.group_id)
    return message, offered


@dataclass(frozen=True)
class MessageLinks:
    """Linking a message: the message and the group's records it may point at."""

    message: Message
    instructions: list[Instruction]
    evidence: list[EvidenceItem]


@use_case("message.read")
def message_link_form(actor: User | None, message_id: int) -> MessageLinks:
    message = channels.get_message(actor, message_id)
    group_id = message.channel.group_id
    links = MessageLinks(message, instructions.instruction_choices(actor, group_id),
                         evidence.list_items(actor, group_id, limit=MAX_LIMIT).items)
    note(object_type="message", object_id=message.id, group_id=group_id)
    return links

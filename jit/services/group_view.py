"""What a group's pages show, each gathered by one read use case: opening a page is one thing the
person did, so it leaves one audit event however many reads the page takes (the reads it calls
join it, see `audit.use_case`)."""

from __future__ import annotations

from dataclasses import dataclass

from jit.models import GroupEvaluation, GroupStatus, JointGroup, NationalTeam, User
from jit.services import channels, compliance, evaluations, groups
from jit.services.audit import note, use_case


@dataclass(frozen=True)
class Chat:
    """The channels `actor` may read in a group, the open one (None: none readable, or not the one
    asked for) with who may read it, and whether the group's channels take messages now."""

    channels: list[channels.ChannelSummary]
    current: channels.ChannelSummary | None
    members: list[User]
    writable: bool


@dataclass(frozen=True)
class GroupPage:
    group: JointGroup
    moves: dict[GroupStatus, list[groups.Unmet]]
    compliance: compliance.Report
    evaluations: list[tuple[NationalTeam, GroupEvaluation | None]]
    evaluation_due: bool
    chat: Chat


def _chat(actor: User, group: JointGroup, wanted: int | None) -> Chat:
    """The `wanted` channel open, or the first (the general channel) when none is asked for."""
    summaries = channels.list_channels(actor, group.id)
    if wanted:
        current = next((summary for summary in summaries if summary.id == wanted), None)
    else:
        current = summaries[0] if summaries else None
    members = channels.channel_members(actor, current.id) if current else []
    return Chat(summaries, current, members, channels.takes_messages(group))


def _on_the_group(group: JointGroup) -> None:
    # The joined reads noted what each read (a channel, say); the event is about the group.
    note(object_type="group", object_id=group.id, group_id=group.id)


@use_case("group.read")
def group_page(actor: User | None, group_id: int) -> GroupPage:
    """The group's overview: the group, its possible moves, its compliance findings, the closure
    evaluations and the chat panel."""
    group = groups.get_group(actor, group_id)
    page = GroupPage(
        group=group, moves=groups.transition_options(actor, group_id),
        compliance=compliance.group_report(actor, group_id),
        evaluations=evaluations.list_evaluations(actor, group_id), evaluation_due=evaluations.is_due(group),
        chat=_chat(actor, group, None))
    _on_the_group(group)
    return page


@use_case("channel.list")
def chat_page(actor: User | None, group_id: int, wanted: int | None = None) -> tuple[JointGroup, Chat]:
    """The group's chat page, with the `wanted` channel open."""
    group = groups.get_group(actor, group_id)
    chat = _chat(actor, group, wanted)
    _on_the_group(group)
    return group, chat

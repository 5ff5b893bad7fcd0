"""Loading a channel or a message with the caller's rights checked against the group's current
composition, whether the group's channels take messages now, and the channels' shared rate counters."""

from __future__ import annotations

from jit.extensions import db
from jit.models import Channel, GroupStatus, JointGroup, Message, User
from jit.services import authz, rate_limits, scope
from jit.services.audit import note
from jit.services.errors import NotFound


def _load_channel(actor: User | None, channel_id: int) -> tuple[User, Channel]:
    """The caller and the channel, if the caller may read it now (NotFound otherwise)."""
    actor = authz.require_user(actor)
    channel = db.session.get(Channel, channel_id)
    if channel is not None:
        note(object_type="channel", object_id=channel.id, group_id=channel.group_id)
    if channel is None or not authz.can_read_channel(actor, channel):
        raise NotFound()
    return actor, channel


def _load_message(actor: User | None, message_id: int) -> tuple[User, Message]:
    """The caller and the message, if the caller may read its channel now. Every use case on a
    message starts here: one that exists in a channel the caller cannot read is refused exactly as
    one that does not exist (NotFound), so no answer tells them apart."""
    message = db.session.get(Message, message_id)
    actor, _ = _load_channel(actor, message.channel_id if message else -1)
    note(object_type="message", object_id=message.id)
    return actor, message


def takes_messages(group: JointGroup) -> bool:
    """Whether the group's channels can be written to now (what `_require_writable` checks)."""
    return group.status not in (GroupStatus.CLOSED, GroupStatus.SUSPENDED)


def _require_writable(group: JointGroup) -> None:
    """Nothing is said in a closed group (its records are final) nor in a suspended one, refused with
    the codes every other write in the group uses (scope.require_not_halted: `group_closed`,
    `group_suspended`). Unlike tasks, evidence and instructions (scope.require_workable), the chat
    stays open in a draft or requested group and outside the term: it is how the group is set up
    and wound down."""
    scope.require_not_halted(group)


def _take(limit, *identifiers) -> bool:
    """One hit on a shared counter of the channels' (jit/services/rate_limits.py)."""
    return rate_limits.take(limit, "jit-channels", *identifiers)

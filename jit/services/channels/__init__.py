"""Channels and messages (DOMAIN.md "Channel and message"): every group has a general channel and
one per national team, and its head opens more. A message is stored, numbered by its channel's
sequence, and only then delivered; a client that was away asks for everything after the last
number it saw. Who may read is decided on every call against the current composition, and losing
access takes the user's sockets out of the channel's room at once, on every server process.

This package is the channel service's public face: the doors, the group service and the tests
call the use cases and read the constants listed in `__all__` through it (`from jit.services
import channels; channels.send(...)`). Each concern has its module, none importing one listed
after it:

- `payloads`: a message and a channel's summary as the doors and emissions show them;
- `access`: loading a channel or a message with the caller's rights checked, whether a group takes messages;
- `presence`: subscriptions, presence, typing, and cutting the sockets of a user who lost access;
- `group_channels`: the general, team and custom channels of a group and who reads them;
- `messages`: sending, catching up, editing, deleting, turning into a task, linking;
- `reading`: read positions and unread counts.
"""

from jit.services.channels.access import takes_messages
from jit.services.channels.group_channels import (
    NAME_LIMIT,
    add_channel_member,
    channel_members,
    create_channel,
    list_channels,
    may_create_channel,
    open_general_channel,
    open_team_channel,
    remove_channel_member,
)
from jit.services.channels.messages import (
    CLIENT_ID_LIMIT,
    CatchUp,
    allowed_actions,
    catch_up,
    delete_message,
    edit_message,
    get_message,
    link_message,
    list_messages,
    message_history,
    message_to_task,
    send,
    task_title,
)
from jit.services.channels.payloads import ChannelSummary, message_payload
from jit.services.channels.presence import cut_lost_access, forget_sockets, subscribe, typing, unsubscribe
from jit.services.channels.reading import mark_read, read_positions, unread_total

__all__ = [
    "CLIENT_ID_LIMIT",
    "NAME_LIMIT",
    "CatchUp",
    "ChannelSummary",
    "add_channel_member",
    "allowed_actions",
    "catch_up",
    "channel_members",
    "create_channel",
    "cut_lost_access",
    "delete_message",
    "edit_message",
    "forget_sockets",
    "get_message",
    "link_message",
    "list_channels",
    "list_messages",
    "mark_read",
    "may_create_channel",
    "message_history",
    "message_payload",
    "message_to_task",
    "open_general_channel",
    "open_team_channel",
    "read_positions",
    "remove_channel_member",
    "send",
    "subscribe",
    "takes_messages",
    "task_title",
    "typing",
    "unread_total",
    "unsubscribe",
]

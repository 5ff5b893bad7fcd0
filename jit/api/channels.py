"""Channels and messages: /groups/{gid}/channels, /channels/{cid}/..., /messages/{mid}/... (API.md
"Channels"). The same service calls as the socket events, for scripts and for catching up."""

from __future__ import annotations

from jit.api.common import actor, links, make_blueprint
from jit.api.errors import GROUP_NOT_FOUND, INVALID, ErrorSchema
from jit.api.schemas.channels import (
    ChannelCreateSchema,
    ChannelListSchema,
    ChannelMemberCreateSchema,
    ChannelSchema,
    MessageCreateSchema,
    MessageEditSchema,
    MessageFilterSchema,
    MessageHistorySchema,
    MessageLinkSchema,
    MessagePageSchema,
    MessageSchema,
    MessageTaskSchema,
    PersonListSchema,
    ReadMarkSchema,
    ReadPositionListSchema,
)
from jit.api.schemas.tasks import TaskSchema
from jit.services import authz, channels
from jit.services.pagination import Page

blp = make_blueprint("api_channels", __name__, "Channels of a group and their messages.")
NOT_FOUND = {"schema": ErrorSchema, "description": "no such channel, or not one the caller may read now"}
MESSAGE_NOT_FOUND = {"schema": ErrorSchema, "description": "no such message, or not in a channel the caller may read"}
CLOSED = {"schema": ErrorSchema, "description": "the group is closed or suspended"}
CHANNEL_OPERATIONS = ("GET /channels/{cid}/members", "POST /channels/{cid}/members", "GET /channels/{cid}/messages",
                      "POST /channels/{cid}/messages", "PUT /channels/{cid}/read", "GET /channels/{cid}/reads")
MESSAGE_OPERATIONS = ("PATCH /messages/{mid}", "DELETE /messages/{mid}", "GET /messages/{mid}/history",
                      "POST /messages/{mid}/task", "PUT /messages/{mid}/link")


def _messages(page: Page) -> dict:
    return {"items": [{**channels.message_payload(message), "allowed_actions": authz.allowed_now(
        channels.allowed_actions(actor(), message))} for message in page.items], "next_cursor": page.next_cursor}


@blp.route("/groups/<int:gid>/channels", methods=["GET"])
@blp.doc(**links(*CHANNEL_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.response(200, ChannelListSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def list_channels(gid):
    """The group's channels the caller may read, with unread counts."""
    return {"items": channels.list_channels(actor(), gid)}


@blp.route("/groups/<int:gid>/channels", methods=["POST"])
@blp.doc(**links(*CHANNEL_OPERATIONS))
@blp.arguments(ChannelCreateSchema)
@blp.response(201, ChannelSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not the group head")
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, **CLOSED)
@blp.alt_response(422, **INVALID)
def create_channel(body, gid):
    """The group head opens a custom channel for chosen current members."""
    return channels.create_channel(actor(), gid, **body)


@blp.route("/channels/<int:cid>/members", methods=["GET"])
@blp.response(200, PersonListSchema)
@blp.alt_response(404, **NOT_FOUND)
def channel_members(cid):
    """Who may read the channel now."""
    return {"items": channels.channel_members(actor(), cid)}


@blp.route("/channels/<int:cid>/members", methods=["POST"])
@blp.arguments(ChannelMemberCreateSchema)
@blp.response(201, PersonListSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not the group head")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="not a custom channel, already in it, or a closed group")
@blp.alt_response(422, **INVALID)
def add_channel_member(body, cid):
    """Add a current member of the group to a custom channel; answers who may read it now."""
    channels.add_channel_member(actor(), cid, body["user_id"])
    return {"items": channels.channel_members(actor(), cid)}


@blp.route("/channels/<int:cid>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="not the group head")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="not a custom channel, or a closed group")
def remove_channel_member(cid, user_id):
    """Take someone out of a custom channel: their open sockets stop hearing it at once."""
    channels.remove_channel_member(actor(), cid, user_id)


@blp.route("/channels/<int:cid>/messages", methods=["GET"])
@blp.doc(**links(*MESSAGE_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(MessageFilterSchema, location="query")
@blp.response(200, MessagePageSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(422, **INVALID)
def list_messages(args, cid):
    """With `after_seq`: every message after it, oldest first. Without: newest first, `next_cursor`
    going further back."""
    return _messages(channels.list_messages(actor(), cid, **args))


@blp.route("/channels/<int:cid>/messages", methods=["POST"])
@blp.doc(**links(*MESSAGE_OPERATIONS))
@blp.arguments(MessageCreateSchema)
@blp.response(201, MessageSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CLOSED)
@blp.alt_response(422, **INVALID)
@blp.alt_response(429, schema=ErrorSchema, description="too many messages from the caller: wait a moment")
def send_message(body, cid):
    """Store a message, then deliver it; the same `client_msg_id` again answers the first message."""
    return channels.message_payload(channels.send(actor(), cid, body["body"], client_msg_id=body["client_msg_id"]))


@blp.route("/channels/<int:cid>/read", methods=["PUT"])
@blp.arguments(ReadMarkSchema)
@blp.response(200, ChannelSchema)
@blp.alt_response(404, **NOT_FOUND)
def mark_read(body, cid):
    """The caller has read up to `seq`; answers the channel with its unread count."""
    return channels.mark_read(actor(), cid, body["seq"])


@blp.route("/channels/<int:cid>/reads", methods=["GET"])
@blp.response(200, ReadPositionListSchema)
@blp.alt_response(404, **NOT_FOUND)
def read_positions(cid):
    """How far each reader has read (a message is seen by those at or past its number)."""
    return {"items": channels.read_positions(actor(), cid)}


@blp.route("/messages/<int:mid>", methods=["PATCH"])
@blp.arguments(MessageEditSchema)
@blp.response(200, MessageSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not the author")
@blp.alt_response(404, **MESSAGE_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="deleted, or the group is closed or suspended")
@blp.alt_response(422, **INVALID)
def edit_message(body, mid):
    """The author rewrites a message; the previous text is kept in its history."""
    return channels.message_payload(channels.edit_message(actor(), mid, body["body"]))


@blp.route("/messages/<int:mid>", methods=["DELETE"])
@blp.response(200, MessageSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not the author")
@blp.alt_response(404, **MESSAGE_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="already deleted, or the group is closed or suspended")
def delete_message(mid):
    """The author deletes a message: it stays, shown as deleted; its text is kept in its history."""
    return channels.message_payload(channels.delete_message(actor(), mid))


@blp.route("/messages/<int:mid>/history", methods=["GET"])
@blp.response(200, MessageHistorySchema)
@blp.alt_response(403, schema=ErrorSchema, description="neither the group head nor a legal officer of the group")
@blp.alt_response(404, **MESSAGE_NOT_FOUND)
def message_history(mid):
    """The message and every earlier text it had, oldest first."""
    message, revisions = channels.message_history(actor(), mid)
    return {"message": channels.message_payload(message), "items": revisions}


@blp.route("/messages/<int:mid>/task", methods=["POST"])
@blp.doc(**links("GET /tasks/{tid}", "PATCH /tasks/{tid}", "POST /tasks/{tid}/comments"))
@blp.arguments(MessageTaskSchema)
@blp.response(201, TaskSchema)
@blp.alt_response(403, schema=ErrorSchema, description="the task rules refuse the caller")
@blp.alt_response(404, **MESSAGE_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="deleted or already linked, or the group is not active")
@blp.alt_response(422, **INVALID)
def message_to_task(body, mid):
    """Turn the message into a task of its group; the message links to the task."""
    return channels.message_to_task(actor(), mid, **body)


@blp.route("/messages/<int:mid>/link", methods=["PUT"])
@blp.arguments(MessageLinkSchema)
@blp.response(200, MessageSchema)
@blp.alt_response(403, schema=ErrorSchema, description="neither the author nor the group head")
@blp.alt_response(404, **MESSAGE_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="deleted or already linked")
@blp.alt_response(422, **INVALID)
def link_message(body, mid):
    """Link the message to an instruction or a task of the same group."""
    return channels.message_payload(channels.link_message(actor(), mid, link_type=body["type"], link_id=body["id"]))

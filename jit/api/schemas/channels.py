"""Schemas of channels and their messages (jit/api/channels.py)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, PageArgsSchema, PersonSchema, allowed_actions, page_schema, text
from jit.models import RevisionAction, TaskPriority
from jit.services.channels import CLIENT_ID_LIMIT
from jit.services.channels import NAME_LIMIT as CHANNEL_NAME_LIMIT

TIME = {"format": "date-time"}


class ChannelSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": ["general", "team", "custom"]})
    team_id = Integer(allow_none=True)
    last_seq = Integer(metadata={"description": "the sequence number of the channel's latest message"})
    last_read_seq = Integer(metadata={"description": "how far the caller has read"})
    unread = Integer(metadata={"description": "others' messages after the caller's read position"})


class ChannelListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ChannelSchema))


class ChannelCreateSchema(ma.Schema):
    name = text(CHANNEL_NAME_LIMIT, required=True)
    member_ids = ma.fields.List(Integer(), load_default=list)


class ChannelMemberCreateSchema(ma.Schema):
    user_id = Integer(required=True)


class PersonListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PersonSchema))


class LinkSchema(ma.Schema):
    type = ma.fields.String(metadata={"enum": ["task", "instruction", "evidence_item"]})
    id = Integer()


class MessageSchema(ma.Schema):
    """Dumped from `channels.message_payload`, the same shape the sockets send."""

    id = Integer()
    channel_id = Integer()
    seq = Integer(metadata={"description": "the message's number in its channel, from 1, no gaps"})
    author = ma.fields.Nested(PersonSchema)
    body = ma.fields.String(allow_none=True, metadata={"description": "null once deleted"})
    created_at = ma.fields.String(metadata=TIME)
    edited_at = ma.fields.String(allow_none=True, metadata=TIME)
    deleted = ma.fields.Boolean()
    link = ma.fields.Nested(LinkSchema, allow_none=True)
    allowed_actions = allowed_actions()


MessagePageSchema = page_schema(MessageSchema, "MessagePage")


class MessageFilterSchema(PageArgsSchema):
    after_seq = Integer(load_default=None, validate=ma.validate.Range(min=0), metadata={
        "description": "only messages after this number, oldest first; without it, newest first"})


class MessageCreateSchema(ma.Schema):
    body = text(required=True, metadata={"description": "at most JIT_MAX_MESSAGE_CHARS characters"})
    client_msg_id = ma.fields.String(load_default=None, validate=ma.validate.Length(max=CLIENT_ID_LIMIT), metadata={
        "description": "the client's id for this message: a repeated send returns the first message"})


class MessageEditSchema(ma.Schema):
    body = text(required=True, metadata={"description": "at most JIT_MAX_MESSAGE_CHARS characters"})


class MessageRevisionSchema(ma.Schema):
    action = ma.fields.Enum(RevisionAction, by_value=True)
    previous_body = ma.fields.String()
    edited_by = ma.fields.Nested(PersonSchema)
    at = ma.fields.AwareDateTime()


class MessageHistorySchema(ma.Schema):
    message = ma.fields.Nested(MessageSchema)
    items = ma.fields.List(ma.fields.Nested(MessageRevisionSchema))


class MessageTaskSchema(ma.Schema):
    assignee_ids = ma.fields.List(Integer(), required=True)
    title = ma.fields.String(load_default=None, metadata={"description": "default: the message's first line"})
    description = ma.fields.String(load_default=None, metadata={
        "description": "default: the message's text; where the task came from is added after it"})
    due_on = ma.fields.Date(allow_none=True, load_default=None)
    priority = ma.fields.String(load_default="normal", metadata={"enum": [p.value for p in TaskPriority]})
    case_id = Integer(allow_none=True, load_default=None)
    instruction_id = Integer(allow_none=True, load_default=None)
    allow_past_due = ma.fields.Boolean(load_default=False)


class MessageLinkSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"enum": ["task", "instruction", "evidence_item"]})
    id = Integer(required=True)


class ReadMarkSchema(ma.Schema):
    seq = Integer(required=True, validate=ma.validate.Range(min=0))


class ReadPositionSchema(ma.Schema):
    user = ma.fields.Nested(PersonSchema)
    last_read_seq = Integer()


class ReadPositionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReadPositionSchema))

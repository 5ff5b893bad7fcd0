"""Schemas of the inbox (jit/api/notifications.py, API.md's last section)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, JsonBoolean, PageArgsSchema, PersonSchema, one_of
from jit.services.notifications import KINDS, OBJECT_TYPES


class NotifiedObjectSchema(ma.Schema):
    type = one_of(OBJECT_TYPES.values())
    id = Integer()


class NotificationSchema(ma.Schema):
    id = Integer()
    kind = one_of(KINDS)
    group_id = Integer(allow_none=True, metadata={"description": "null for the notice of a removal from a group"})
    object = ma.fields.Nested(NotifiedObjectSchema)
    actor = ma.fields.Nested(PersonSchema, allow_none=True)
    text = ma.fields.String(metadata={"description": "in the caller's language"})
    created_at = ma.fields.String()
    read_at = ma.fields.String(allow_none=True)


class NotificationFilterSchema(PageArgsSchema):
    unread = ma.fields.Boolean(load_default=False)
    kind = one_of(KINDS, load_default=None)
    group_id = Integer(load_default=None)


class NotificationPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema))
    next_cursor = ma.fields.String(allow_none=True)
    unread = Integer(metadata={"description": "the caller's unread notices, all of them"})


class NotificationReadSchema(ma.Schema):
    ids = ma.fields.List(Integer(), load_default=None)
    all = JsonBoolean(load_default=False)

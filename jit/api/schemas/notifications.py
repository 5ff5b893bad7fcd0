"""Schemas of the inbox (jit/api/notifications.py, API.md's last section)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, JsonBoolean, PageArgsSchema, PersonSchema, one_of
from jit.services.notification_settings import EMAIL_MAX_LENGTH, EMAIL_MODES, EMAIL_PATTERN
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


HOUR_AND_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class NotificationPreferencesSchema(ma.Schema):
    email = ma.fields.String(allow_none=True, load_default=None, metadata={
        "maxLength": EMAIL_MAX_LENGTH, "pattern": EMAIL_PATTERN.pattern,
        "description": "where notices are mailed; required when any kind is mailed"})
    email_kinds = ma.fields.Dict(keys=one_of(KINDS), values=one_of(EMAIL_MODES), required=True, metadata={
        "description": "per kind: `off`, `immediate` or `digest` (one mail a day at 08:00 in the caller's time "
                       "zone); a kind left out is `off` (`{}`: nothing mailed). The inbox always has every notice"})
    quiet_from = ma.fields.Time(format="%H:%M", allow_none=True, load_default=None, metadata={
        "pattern": HOUR_AND_MINUTE, "description": "HH:MM in the caller's time zone; no mail until quiet_until"})
    quiet_until = ma.fields.Time(format="%H:%M", allow_none=True, load_default=None, metadata={
        "pattern": HOUR_AND_MINUTE, "description": "HH:MM; may be earlier than quiet_from (overnight)"})
    time_zone = ma.fields.String(dump_only=True, metadata={"description": "the caller's, which quiet hours are in"})
    mail_enabled = ma.fields.Boolean(dump_only=True, metadata={
        "description": "whether this server sends e-mail at all (JIT_SMTP_URL); false: in-app only"})
    email_refused_at = ma.fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "when the mail server refused `email` for good (null: it has not); nothing is mailed to "
                       "it until an address is given again (a PUT)"})
    email_refused = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": "the mail server's answer when it refused `email`"})

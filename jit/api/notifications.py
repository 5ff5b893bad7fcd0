"""The caller's inbox: GET /notifications, POST /notifications/read (API.md's last section), and how the
caller hears of it: GET/PUT /me/notification-preferences."""

from __future__ import annotations

from jit.api.common import actor, make_blueprint
from jit.api.errors import INVALID, ErrorSchema
from jit.api.schemas.notifications import (
    NotificationFilterSchema,
    NotificationPageSchema,
    NotificationPreferencesSchema,
    NotificationReadSchema,
)
from jit.services import notification_settings, notifications

blp = make_blueprint("api_notifications", __name__, "Each person's notifications.")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationFilterSchema, location="query")
@blp.response(200, NotificationPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, **INVALID)
def list_notifications(args):
    """The caller's notifications, newest first; only those about what the caller may still see."""
    inbox = notifications.inbox(actor(), **args)
    return {"items": [notifications.payload_of(item) for item in inbox.page.items],
            "next_cursor": inbox.page.next_cursor, "unread": inbox.unread}


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(NotificationReadSchema)
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, **INVALID)
def mark_read(args):
    """Mark the caller's notifications read: `{ids: [...]}` or `{all: true}`."""
    notifications.mark_read(actor(), ids=args["ids"], everything=args["all"])


@blp.route("/me/notification-preferences", methods=["GET"])
@blp.response(200, NotificationPreferencesSchema)
@blp.alt_response(401, schema=ErrorSchema)
def preferences():
    """How the caller hears of their notices beyond the inbox: which kinds are mailed (at once or in
    the daily digest), to which address, and the quiet hours in which no mail goes out."""
    return notification_settings.preferences(actor())


@blp.route("/me/notification-preferences", methods=["PUT"])
@blp.arguments(NotificationPreferencesSchema)
@blp.response(200, NotificationPreferencesSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, **INVALID)
def update_preferences(body):
    """Replace the caller's choices (kinds left out are not mailed); immediate mail due in quiet hours
    waits until they end."""
    return notification_settings.update_preferences(actor(), **body)

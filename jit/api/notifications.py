"""The caller's inbox: GET /notifications, POST /notifications/read (API.md's last section)."""

from __future__ import annotations

from jit.api.common import actor, make_blueprint
from jit.api.errors import INVALID, ErrorSchema
from jit.api.schemas.notifications import NotificationFilterSchema, NotificationPageSchema, NotificationReadSchema
from jit.services import notifications

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

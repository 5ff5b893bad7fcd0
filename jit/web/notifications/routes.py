"""The inbox page (issue 17): the person's notifications with filters and "mark all read", each
linking to its object; a notification followed from the bell or a toast leads to its object."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from jit.models import Notification
from jit.services import notifications
from jit.services.errors import Invalid
from jit.services.notification_kinds import INQUIRY_RECEIVED
from jit.web.common import actor

bp = Blueprint("notifications", __name__)

# The filter's choices, in words.
KIND_LABELS = {
    "mention": _l("Mentions"),
    "task.assigned": _l("Task assigned"),
    "task.reassigned": _l("Task reassigned"),
    "task.commented": _l("Task commented on"),
    "task.blocked": _l("Task blocked"),
    "task.due_tomorrow": _l("Task due tomorrow"),
    "task.overdue": _l("Task overdue"),
    "instruction.sent": _l("Instruction received"),
    "instruction.accepted": _l("Instruction accepted"),
    "instruction.refused": _l("Instruction refused"),
    "instruction.results": _l("Instruction results"),
    "instruction.executed": _l("Instruction executed"),
    "instruction.due_soon": _l("Instruction due soon"),
    "instruction.overdue": _l("Instruction overdue"),
    "evidence.handed_over": _l("Evidence handed over"),
    "evidence.consent_requested": _l("Consent requested"),
    "evidence.consent_recorded": _l("Consent recorded"),
    "evidence.hash_failed": _l("Hash check failed"),
    "member.added": _l("Added to a group"),
    "member.removed": _l("Removed from a group"),
    "group.decision": _l("Decision filed"),
    "group.status": _l("Group status changed"),
    "group.term_30": _l("Term ends in 30 days"),
    "group.term_7": _l("Term ends in 7 days"),
    "group.term_past": _l("Term ended"),
    "compliance.error": _l("Compliance violation"),
    "legal_request.overdue": _l("Legal request overdue"),
    INQUIRY_RECEIVED: _l("Match inquiry received"),
}


def link_of(notification: Notification) -> str | None:
    """Where the notification's object is shown (None: a group the person has left)."""
    object_id = notification.object_id
    if notification.kind == notifications.KEPT_AFTER_REMOVAL:
        return None
    if notification.kind == INQUIRY_RECEIVED:
        return url_for("identifiers.inquiries")
    links = {
        "group": lambda: url_for("groups.overview", gid=object_id),
        "task": lambda: url_for("tasks.detail", tid=object_id),
        "instruction": lambda: url_for("instructions.detail", iid=object_id),
        "evidence": lambda: url_for("evidence.detail", eid=object_id),
        "legal_request": lambda: url_for("legal.request_detail", rid=object_id),
        "message": lambda: url_for("channels.page", gid=notification.group_id,
                                   channel=notification.params.get("channel_id"),
                                   _anchor=f"message-{notification.params.get('seq')}"),
    }
    return links[notification.object_type]()


@bp.route("/notifications")
@login_required
def inbox():
    filters = {"unread": request.args.get("unread") == "1", "kind": request.args.get("kind") or None,
               "group_id": request.args.get("group", type=int)}
    try:
        box = notifications.inbox(actor(), **filters, cursor=request.args.get("cursor") or None)
    except Invalid as refusal:
        flash(" ".join(str(why) for why in refusal.fields.values()), "danger")
        return redirect(url_for(".inbox"))
    return render_template("notifications/inbox.html", box=box, filters=filters, kinds=KIND_LABELS,
                           link_of=link_of, text_of=notifications.text_of)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    marked = notifications.mark_read(actor(), everything=True)
    flash(_("%(n)s notifications marked read.", n=marked), "success")
    return redirect(url_for(".inbox"))


@bp.route("/notifications/<int:nid>")
@login_required
def follow(nid: int):
    """Follow a notification (from the bell or a toast) to its object; its page marks it read."""
    notification = notifications.open_notice(actor(), nid)
    return redirect(link_of(notification) or url_for(".inbox"))

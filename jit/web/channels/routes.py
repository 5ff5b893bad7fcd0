"""The chat panel of a group: its channels with unread counts, and the open channel, whose
messages, presence and typing `static/js/chat.js` keeps live over the socket.

Thin, like every door: the page lists what `jit.services.channels` lets the user read; the script
sends and catches up through the socket events and the JSON API, which check again.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from jit.services import channels, groups

bp = Blueprint("channels", __name__)


def channel_label(summary: channels.ChannelSummary, parties: dict[int, str]) -> str:
    """General and team channels are named in the reader's language; custom ones as their head named them."""
    if summary.kind == "general":
        return _("General")
    if summary.kind == "team":
        return _("National team %(party)s", party=parties.get(summary.team_id, ""))
    return summary.name


def chat_panel(actor, group, wanted: int | None = None) -> dict:
    """What templates/channels/_panel.html shows: the channels `actor` may read in `group`, and the
    `wanted` one open (the first, the general channel, by default; None if not readable)."""
    summaries = channels.list_channels(actor, group.id)
    parties = {team.id: team.party_code for team in group.teams}
    current = next((summary for summary in summaries if summary.id == wanted), None) if wanted else (
        summaries[0] if summaries else None)
    return {"summaries": summaries, "labels": {summary.id: channel_label(summary, parties) for summary in summaries},
            "current": current, "members": channels.channel_members(actor, current.id) if current else [],
            "writable": channels.takes_messages(group)}


@bp.route("/groups/<int:gid>/channels")
@login_required
def page(gid: int):
    actor = current_user._get_current_object()
    group = groups.get_group(actor, gid)
    wanted = request.args.get("channel", type=int)
    panel = chat_panel(actor, group, wanted)
    if wanted and panel["current"] is None:
        abort(404)
    return render_template("channels/page.html", group=group, **panel)

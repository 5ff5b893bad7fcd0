"""The chat panel of a group: its channels with unread counts, and the open channel, whose
messages, presence and typing `static/js/chat.js` keeps live over the socket.

Thin, like every door: the page lists what `jit.services.channels` lets the user read; the script
sends and catches up through the socket events and the JSON API, which check again.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from jit.models import JointGroup
from jit.services import channels, group_view
from jit.web.common import actor

bp = Blueprint("channels", __name__)


def channel_label(summary: channels.ChannelSummary, parties: dict[int, str]) -> str:
    """General and team channels are named in the reader's language; custom ones as their head named them."""
    if summary.kind == "general":
        return _("General")
    if summary.kind == "team":
        return _("National team %(party)s", party=parties.get(summary.team_id, ""))
    return summary.name


def chat_panel(group: JointGroup, chat: group_view.Chat) -> dict:
    """What templates/channels/_panel.html shows of the group's chat, its channels named."""
    parties = {team.id: team.party_code for team in group.teams}
    return {"summaries": chat.channels, "current": chat.current, "members": chat.members, "writable": chat.writable,
            "labels": {summary.id: channel_label(summary, parties) for summary in chat.channels}}


@bp.route("/groups/<int:gid>/channels")
@login_required
def page(gid: int):
    wanted = request.args.get("channel", type=int)
    group, chat = group_view.chat_page(actor(), gid, wanted)
    if wanted and chat.current is None:
        abort(404)
    return render_template("channels/page.html", group=group, **chat_panel(group, chat))

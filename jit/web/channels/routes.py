"""The chat panel of a group: its channels with unread counts, and the open channel, whose
messages, presence and typing `static/js/chat.js` keeps live over the socket.

Thin, like every door: the page lists what `jit.services.channels` lets the user read; the script
sends and catches up through the socket events and the JSON API, which check again.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from jit.models import JointGroup
from jit.services import channels, group_view
from jit.services.errors import Conflict, Invalid
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
    may_create = channels.may_create_channel(actor(), group)
    # The people a new channel may hold, by name: the group's current members.
    people = {m.user for team in group.teams for m in team.current_members} if may_create else set()
    return {"summaries": chat.channels, "current": chat.current, "members": chat.members, "writable": chat.writable,
            "labels": {summary.id: channel_label(summary, parties) for summary in chat.channels},
            "may_create_channel": may_create, "name_limit": channels.NAME_LIMIT,
            "people": sorted(people, key=lambda user: user.full_name)}


@bp.route("/groups/<int:gid>/channels")
@login_required
def page(gid: int):
    wanted = request.args.get("channel", type=int)
    group, chat = group_view.chat_page(actor(), gid, wanted)
    if wanted and chat.current is None:
        abort(404)
    return render_template("channels/page.html", group=group, **chat_panel(group, chat))


@bp.route("/groups/<int:gid>/channels", methods=["POST"])
@login_required
def create(gid: int):
    try:
        summary = channels.create_channel(actor(), gid, name=request.form.get("name", ""),
                                          member_ids=request.form.getlist("member_ids", type=int))
    except (Invalid, Conflict) as refusal:
        flash(str(refusal.message), "danger")
        for why in refusal.fields.values():
            flash(str(why), "danger")
        return redirect(url_for(".page", gid=gid))
    flash(_("Channel «%(name)s» opened.", name=summary.name), "success")
    return redirect(url_for(".page", gid=gid, channel=summary.id))

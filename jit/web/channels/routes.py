"""The chat panel of a group: its channels with unread counts, and the open channel, whose
messages, presence and typing `static/js/chat.js` keeps live over the socket; and the pages of one
message: deleting it (asked first), turning it into a task, linking it to an instruction or an item.

Thin, like every door: the page lists what `jit.services.channels` lets the user read and do; the
script sends and catches up through the socket events and the JSON API, which check again.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from jit.models import JointGroup, Message
from jit.services import authz, channels, group_view
from jit.services.errors import Conflict, Forbidden, Invalid
from jit.web.channels.forms import LinkForm
from jit.web.common import actor, confirmation_page
from jit.web.refusals import form_page, show_refusal
from jit.web.tasks.forms import TaskForm, offer_task_choices

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
            "people": sorted(people, key=lambda user: user.full_name),
            "recent": [(message, authz.allowed_now(actions)) for message, actions in chat.recent]}


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


# --- one message -----------------------------------------------------------------------------

def _message_url(message: Message) -> str:
    channel = message.channel
    return url_for(".page", gid=channel.group_id, channel=channel.id) + f"#message-{message.seq}"


def _offered(message: Message, action: str) -> None:
    """A page for an action on the message opens only for whom the service lists it (a blocked one
    opens too: its use case then says what is missing). What is sent is left to the use case, so a
    form sent from a page that is out of date (linked meanwhile, say) hears why it is refused."""
    if request.method == "GET" and action not in channels.allowed_actions(actor(), message):
        raise Forbidden()


@bp.route("/messages/<int:mid>/delete", methods=["GET", "POST"])
@login_required
def delete_message(mid: int):
    """GET asks "are you sure?"; the POST (CSRF checked before this view ran) deletes only with
    `confirm` (with JavaScript, static/js/confirm.js asked in a dialog)."""
    if request.method == "GET" or not request.form.get("confirm"):
        message = channels.get_message(actor(), mid)
        if "delete" not in channels.allowed_actions(actor(), message):
            raise Forbidden()
        return confirmation_page(
            message.channel.group, question=_("Are you sure? Delete your message"),
            consequence=_("It stays in the channel as deleted; its text is kept in the history the group head "
                          "and the group's legal officers read."),
            action=url_for(".delete_message", mid=mid), button=_("Delete"), fields={}, back=_message_url(message))
    try:
        message = channels.delete_message(actor(), mid)
    except Conflict as refusal:  # deleted meanwhile, or the group stopped taking messages
        flash(str(refusal.message), "danger")
        message = channels.get_message(actor(), mid)
    else:
        flash(_("Your message is deleted; its text is kept in its history."), "success")
    return redirect(_message_url(message), 303)


@bp.route("/messages/<int:mid>/task", methods=["GET", "POST"])
@login_required
def message_task(mid: int):
    """The task form, filled from the message; the task links back to it (and it to the task)."""
    message, offered = group_view.message_task_form(actor(), mid)
    _offered(message, "to_task")
    form = offer_task_choices(TaskForm(title=channels.task_title(message), description=message.body), offered)
    status = None
    if form.validate_on_submit():
        try:
            task = channels.message_to_task(actor(), mid, **form.task_fields())
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("Task no. %(id)s is set from the message.", id=task.id), "success")
            return redirect(url_for("tasks.detail", tid=task.id))
    return form_page("channels/message_task.html", form, status, group=offered.group, message=message,
                     back=_message_url(message))


def _link_choices(links: group_view.MessageLinks) -> dict[str, list[tuple[str, str]]]:
    """The group's instructions by subject and its evidence items by number and title."""
    return {_("Instructions"): [(f"instruction:{i.id}", i.subject) for i in links.instructions],
            _("Evidence"): [(f"evidence_item:{item.id}", f"{item.number} — {item.title}") for item in links.evidence]}


@bp.route("/messages/<int:mid>/link", methods=["GET", "POST"])
@login_required
def message_link(mid: int):
    links = group_view.message_link_form(actor(), mid)
    message = links.message
    _offered(message, "link")
    form = LinkForm()
    form.target.choices = _link_choices(links)
    status = None
    if form.validate_on_submit():
        link_type, link_id = form.chosen()
        try:
            channels.link_message(actor(), mid, link_type=link_type, link_id=link_id)
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The message is linked."), "success")
            return redirect(_message_url(message))
    return form_page("channels/message_link.html", form, status, group=message.channel.group, message=message,
                     back=_message_url(message))

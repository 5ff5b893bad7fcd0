"""Evidence pages: a group's evidence register and its export bundle, registering an item, and the
item's own page with its files, its chain of custody and the forms that add to it (upload, verify
now, transfer, other custody events, the originating party's consent).

Thin, like every door: each action is one call of `jit.services.evidence`, which decides who may
do what (outsiders get its NotFound, observers its Forbidden) and what is valid (its field errors go
back on the forms). What the pages do themselves is presentation: labels, badges, choices.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.models import CustodyType, EvidenceStatus, JointGroup
from jit.services import evidence, group_view, groups
from jit.services.errors import Conflict, Invalid, RateLimited, TooLarge
from jit.uploads import accepts_upload
from jit.web.common import (
    action_choice,
    actor,
    add_filters,
    badge_of,
    file_response,
    instruction_label,
    label_of,
    unmet_of,
)
from jit.web.evidence.forms import (
    EVENT_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    ConsentForm,
    CustodyForm,
    DesigneeForm,
    FilterForm,
    RegisterForm,
    TransferForm,
    UploadForm,
    VerifyForm,
)
from jit.web.groups.forms import MEMBER_ROLE_LABELS
from jit.web.refusals import form_page, show_refusal

bp = Blueprint("evidence", __name__)

STATUS_BADGES = {
    EvidenceStatus.HELD.value: "text-bg-primary",
    EvidenceStatus.SEALED.value: "text-bg-warning",
    EvidenceStatus.HANDED_OVER.value: "text-bg-info",
    EvidenceStatus.RETURNED.value: "text-bg-secondary",
    EvidenceStatus.DISPOSED.value: "text-bg-secondary",
}
add_filters(bp, label_of, evidence_kind_label=KIND_LABELS, evidence_status_label=STATUS_LABELS,
            custody_event_label=EVENT_LABELS)
add_filters(bp, badge_of, evidence_status_badge=STATUS_BADGES)


@bp.app_template_filter("in_time_zone")
def in_time_zone(moment, zone: str) -> str:
    """The moment on the clock of `zone` (the actor's own, as recorded with the event)."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _detail_url(eid: int) -> str:
    return url_for(".detail", eid=eid)


def _cases(group: JointGroup) -> list[SelectChoice]:
    return [SelectChoice(case.id, f"{case.party_code} — {case.number}") for case in group.cases]


def _people(group: JointGroup) -> list[SelectChoice]:
    """Who may hold the group's evidence, with their teams: its teams' current members and its head."""
    people = {}
    for team in group.teams:
        for membership in team.current_members:
            people.setdefault(membership.user_id, f"{membership.user.full_name} — {team.party_code}, "
                                                  f"{label_of(MEMBER_ROLE_LABELS, membership.role)}")
    if group.head is not None:
        people.setdefault(group.head_id, f"{group.head.full_name} — {_('group head')}")
    return [SelectChoice(user_id, label) for user_id, label in people.items()]


# --- the group's register ------------------------------------------------------------------

def _register_page(gid: int, *, status: int = 200):
    form = FilterForm(request.args)
    chosen = {}

    def filters(group: JointGroup) -> dict:
        form.case_id.choices = [SelectChoice("", _("All cases")), *_cases(group)]
        form.party.choices = [SelectChoice("", _("All parties")),
                              *(SelectChoice(code, code) for code in group.party_codes)]
        form.custodian_id.choices = [SelectChoice("", _("Anyone")), *_people(group)]
        if form.validate():
            chosen.update({name: form[name].data or None for name in ("case_id", "party", "kind", "custodian_id")})
        return chosen

    group, page = group_view.evidence_register(actor(), gid, filters, cursor=request.args.get("cursor") or None)
    valid = not form.errors
    next_url = url_for(".index", gid=gid, **chosen, cursor=page.next_cursor) if page.next_cursor else None
    return render_template("evidence/index.html", group=group, form=form, rows=page.items, next_url=next_url,
                           chosen_case=chosen.get("case_id")), status if valid else 422


@bp.route("/groups/<int:gid>/evidence")
@login_required
def index(gid: int):
    return _register_page(gid)


@bp.route("/groups/<int:gid>/evidence/export")
@login_required
def export(gid: int):
    try:
        made = evidence.export_bundle(actor(), gid, case_id=request.args.get("case_id", type=int),
                                      item_ids=request.args.getlist("item_ids", type=int) or None)
    except Conflict as refusal:  # AGR-USE for every chosen item, or nothing recorded yet: said on the register
        return _register_page(gid, status=show_refusal(FilterForm(formdata=None), refusal))
    # The withheld items and why are in the bundle's report; a download cannot show a page.
    return send_file(made.bundle, mimetype="application/zip", as_attachment=True, download_name=made.name)


@bp.route("/groups/<int:gid>/evidence/new", methods=["GET", "POST"])
@login_required
def new(gid: int):
    group = groups.get_group(actor(), gid)
    form = RegisterForm()
    form.case_id.choices = _cases(group)
    form.obtained_at.description = _("On your clock (%(zone)s).", zone=actor().time_zone)
    status = None
    if form.validate_on_submit():
        local = form.obtained_at.data
        try:
            item = evidence.register(
                actor(), gid, case_id=form.case_id.data, title=form.title.data or "", kind=form.kind.data,
                obtained_at=local.replace(tzinfo=ZoneInfo(actor().time_zone)) if local else None,
                obtained_place=form.obtained_place.data or "", obtained_under=form.obtained_under.data or "",
                description=form.description.data or "", use_conditions=form.use_conditions.data)
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("%(number)s is registered, and you are its custodian. Upload its files below.",
                    number=item.number), "success")
            return redirect(_detail_url(item.id))
    return form_page("evidence/new.html", form, status, group=group)


# --- one item ------------------------------------------------------------------------------

def _detail_page(eid: int, *, status: int = 200, **forms):
    page = group_view.evidence_page(actor(), eid)
    item, group = page.item, page.item.group
    submitted = set(forms)
    forms = {"upload_form": UploadForm(formdata=None), "verify_form": VerifyForm(formdata=None),
             "transfer_form": TransferForm(formdata=None, prefix="transfer"),
             "custody_form": CustodyForm(formdata=None, prefix="custody"),
             "consent_form": ConsentForm(formdata=None),
             "designee_form": DesigneeForm(formdata=None, prefix="designee"), **forms}
    transfer = forms["transfer_form"]
    transfer.to_user_id.choices = [choice for choice in _people(group) if choice.value != item.custodian_id]
    transfer.to_user_id.render_kw = {"data-people-url": url_for("api_groups.people_to_choose", gid=group.id,
                                                                purpose="custodian")}
    transfer.instruction_id.choices = [SelectChoice("", _("No instruction")),
                                       *(SelectChoice(i.id, instruction_label(i)) for i in page.instructions)]
    custody = forms["custody_form"]
    custody.refers_to.choices = [SelectChoice("", _("None: not a correction")), *(
        SelectChoice(event.seq, f"{event.seq}. {label_of(EVENT_LABELS, event.type)} — {event.actor.full_name}, "
                                f"{event.at:%Y-%m-%d %H:%M}") for event in item.events)]
    # Each event the service lists as the reader's, one blocked by an unmet condition disabled.
    offered = {choice.value: evidence.EVENT_ACTIONS[CustodyType(choice.value)] for choice in custody.type.choices}
    custody.type.choices = [action_choice(choice.value, choice.label, offered[choice.value],
                                          page.actions[offered[choice.value]])
                            for choice in custody.type.choices if offered[choice.value] in page.actions]
    listed = {action: page.actions[action] for action in offered.values() if action in page.actions}
    custody_unmet = unmet_of(listed) if listed and all(listed.values()) else []
    choose = forms["designee_form"]
    choose.user_id.choices = [SelectChoice("", _("Nobody: the national head only")), *(
        SelectChoice(user.id, user.full_name) for user in page.recorder_choices)]
    if "designee_form" not in submitted:
        choose.user_id.data = page.designee.id if page.designee else None
    return render_template("evidence/detail.html", item=item, group=group, broken=page.broken, member=page.member,
                           designee=page.designee, actions=page.actions, custody_unmet=custody_unmet,
                           **forms), status


def _submit(eid: int, name: str, form, act, done: str):
    """Submit one of the item page's forms: `act()` is the service call; `done` is said when it worked,
    and a refusal comes back on the page, on the form."""
    if not form.validate_on_submit():
        return _detail_page(eid, status=422, **{name: form})
    try:
        act()
    except (Invalid, Conflict, TooLarge, RateLimited) as refusal:
        return _detail_page(eid, status=show_refusal(form, refusal), **{name: form})
    flash(done, "success")
    return redirect(_detail_url(eid))


@bp.route("/evidence/<int:eid>")
@login_required
def detail(eid: int):
    return _detail_page(eid)


@bp.route("/evidence/<int:eid>/files", methods=["POST"])
@accepts_upload
@login_required
def upload(eid: int):
    form = UploadForm()
    chosen = form.file.data
    return _submit(eid, "upload_form", form, lambda: evidence.attach_file(
        actor(), eid, filename=chosen.filename, stream=chosen.stream, place=form.place.data or "",
        note_text=form.note.data or ""), _("The file is uploaded and recorded in the chain of custody."))


@bp.route("/evidence/<int:eid>/files/<int:fid>")
@login_required
def download(eid: int, fid: int):
    evidence_file, stream = evidence.file_content(actor(), eid, fid)
    return file_response(evidence_file.name, evidence_file.sha256, stream)


@bp.route("/evidence/<int:eid>/verify", methods=["POST"])
@login_required
def verify(eid: int):
    form = VerifyForm()
    if not form.validate_on_submit():
        return _detail_page(eid, status=422, verify_form=form)
    try:
        event = evidence.verify_files(actor(), eid)
    except (Conflict, RateLimited) as refusal:
        return _detail_page(eid, status=show_refusal(form, refusal))
    if event.entry["verified"]:
        flash(_("Every file still hashes to its recorded SHA-256. The check is recorded in the chain."), "success")
    else:
        flash(_("A file no longer hashes to its recorded SHA-256. The failed check is recorded in the chain."),
              "danger")
    return redirect(_detail_url(eid))


@bp.route("/evidence/<int:eid>/transfer", methods=["POST"])
@login_required
def transfer(eid: int):
    form = TransferForm(prefix="transfer")
    return _submit(eid, "transfer_form", form, lambda: evidence.record_event(
        actor(), eid, event_type="transferred", to_user_id=form.to_user_id.data,
        instruction_id=form.instruction_id.data, place=form.place.data or "", note_text=form.note.data or ""),
        _("The item is transferred."))


@bp.route("/evidence/<int:eid>/custody", methods=["POST"])
@login_required
def record(eid: int):
    form = CustodyForm(prefix="custody")
    return _submit(eid, "custody_form", form, lambda: evidence.record_event(
        actor(), eid, event_type=form.type.data, refers_to=form.refers_to.data, place=form.place.data or "",
        note_text=form.note.data or ""), _("The event is recorded in the chain of custody."))


@bp.route("/evidence/<int:eid>/consents", methods=["POST"])
@login_required
def consent(eid: int):
    form = ConsentForm()
    return _submit(eid, "consent_form", form, lambda: evidence.record_consent(
        actor(), eid, reference=form.reference.data or "", dated=form.dated.data, scope=form.scope.data or ""),
        _("The consent is recorded: the item may now leave the group."))


@bp.route("/evidence/<int:eid>/consent-designee", methods=["POST"])
@login_required
def designate(eid: int):
    form = DesigneeForm(prefix="designee")
    return _submit(eid, "designee_form", form, lambda: evidence.designate_consent_recorder(
        actor(), eid, user_id=form.user_id.data), _("The designation is recorded."))

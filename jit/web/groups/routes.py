"""Group pages: my groups, the overview of one group, and the forms that change it.

Thin, like every door: each action is one call of a group service (`groups`, `group_documents`,
`cases`), which decides who may do what (outsiders get its NotFound, the others its Forbidden) and
what is valid (its field errors go back on the form). What the pages compute themselves is
presentation only: labels, the share of the term elapsed, the days left.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.models import Authority, GroupStatus, JointGroup
from jit.models.types import utcnow
from jit.services import cases, group_documents, group_view, groups
from jit.services.errors import Conflict, DomainError, Forbidden, Invalid, TooLarge
from jit.uploads import accepts_upload
from jit.web.common import (
    actor,
    add_filters,
    badge_of,
    confirmation_page,
    file_response,
    label_of,
    member_choices,
    offer_people,
    page_locale,
    party_choices,
    short_hash,
)
from jit.web.groups.forms import (
    DECISION_LABELS,
    DOCUMENT_KIND_LABELS,
    EVENT_LABELS,
    MEMBER_ROLE_LABELS,
    MOVE_LABELS,
    STATUS_LABELS,
    CaseForm,
    DocumentFileForm,
    DocumentForm,
    GroupCreateForm,
    GroupEditForm,
    MemberForm,
    TeamForm,
    TransitionForm,
)
from jit.web.refusals import form_page, show_refusal

bp = Blueprint("groups", __name__, url_prefix="/groups")

STATUS_BADGES = {
    GroupStatus.DRAFT.value: "text-bg-secondary",
    GroupStatus.REQUESTED.value: "text-bg-info",
    GroupStatus.ACTIVE.value: "text-bg-success",
    GroupStatus.SUSPENDED.value: "text-bg-warning",
    GroupStatus.CLOSED.value: "text-bg-dark",
}
add_filters(bp, label_of, group_status_label=STATUS_LABELS, member_role_label=MEMBER_ROLE_LABELS,
            document_kind_label=DOCUMENT_KIND_LABELS, decision_label=DECISION_LABELS, group_event_label=EVENT_LABELS)
add_filters(bp, badge_of, group_status_badge=STATUS_BADGES)


TAB_LABELS = {"overview": _l("Overview"), "members": _l("Members and teams"),
              "documents": _l("Documents and decisions"), "cases": _l("Criminal cases"),
              "instructions": _l("Instructions"), "tasks": _l("Tasks"),
              "evidence": _l("Evidence"), "identifiers": _l("Identifiers"), "channels": _l("Channels"),
              "timeline": _l("Timeline")}
TAB_URLS = {"instructions": "instructions.index", "tasks": "tasks.board", "evidence": "evidence.index",
            "identifiers": "identifiers.index", "channels": "channels.page", "cases": "groups.case_list"}


@bp.app_template_global()
def group_tabs(gid: int) -> list[tuple[str, str, str]]:
    """The group's tabs in order, each (name, label, URL): the instruction list, task board, evidence
    register and chat page are tabs of the group too."""
    return [(tab, str(TAB_LABELS[tab]), url_for(TAB_URLS.get(tab, f"groups.{tab}"), gid=gid))
            for tab in group_view.TABS]


def term_of(group: JointGroup, today: date | None = None) -> dict:
    """The term as the pages show it: days left (negative once ended) and the share elapsed,
    rounded to 5% steps for the progress bar's `w-pct-N` class (no inline styles under the CSP)."""
    today = today or utcnow().date()
    days_left = (group.ends_on - today).days if group.ends_on else None
    percent = None
    if group.starts_on and group.ends_on and group.ends_on > group.starts_on:
        share = (today - group.starts_on).days / (group.ends_on - group.starts_on).days
        percent = round(min(max(share, 0.0), 1.0) * 20) * 5
    return {"days_left": days_left, "percent": percent}


# --- helpers for forms ---------------------------------------------------------------------

def _authority_choices(authorities: list[Authority]) -> list[SelectChoice]:
    """Every authority, grouped by party (the service checks that it belongs to the chosen party)."""
    locale = page_locale()
    ordered = sorted(authorities, key=lambda authority: (authority.party_code, authority.name(locale)))
    return [SelectChoice(str(authority.id), authority.name(locale),
                         optgroup=f"{authority.party.name(locale)} ({authority.party_code})")
            for authority in ordered]


def _tab_url(gid: int, tab: str = "overview") -> str:
    return url_for(TAB_URLS.get(tab, f"groups.{tab}"), gid=gid)


# --- list and create -----------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    page = groups.list_groups(actor(), cursor=request.args.get("cursor") or None)
    next_url = url_for(".index", cursor=page.next_cursor) if page.next_cursor else None
    today = utcnow().date()
    rows = [(group, term_of(group, today)) for group in page.items]
    return render_template("groups/index.html", rows=rows, next_url=next_url)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = GroupCreateForm()
    status = None
    if form.validate_on_submit():
        try:
            group = groups.create_group(
                actor(), title=form.title.data, purpose=form.purpose.data,
                place_of_activity=form.place_of_activity.data, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The group %(code)s is drafted.", code=group.code), "success")
            return redirect(_tab_url(group.id))
    return form_page("groups/new.html", form, status)


# --- overview and lifecycle ----------------------------------------------------------------

# Moves too heavy for one click (a closed group stays closed; a suspended one stops all work): the
# page asks "are you sure?" first, and the POST takes them only with `confirm`.
IRREVERSIBLE = {GroupStatus.SUSPENDED.value: _l("Nothing can change in the group until it is resumed: no task, "
                                                "instruction, evidence or message."),
                GroupStatus.CLOSED.value: _l("The group's records become final and can never change again.")}


def _move_label(group: JointGroup, to: str) -> str:
    if group.status == GroupStatus.SUSPENDED and to == GroupStatus.ACTIVE.value:
        return _("Resume")
    return label_of(MOVE_LABELS, to)


def _transition_forms(group: JointGroup, actions: dict[str, list[str]]) -> list[dict]:
    """One form per lifecycle move the reader may make (in the order of the service's answer)."""
    moves = []
    for action, unmet in actions.items():
        if not action.startswith("to:"):
            continue
        to = action.removeprefix("to:")
        form = TransitionForm(formdata=None, to=to, version=group.version)
        moves.append({"to": to, "label": _move_label(group, to), "unmet": unmet, "form": form,
                      "confirm": IRREVERSIBLE.get(to)})
    return moves


def _tab_page(gid: int, tab: str = "overview", *, refusal: DomainError | None = None, status: int = 200):
    """One of the group's own tabs; a refused move or removal comes back to its tab with the reasons."""
    page = group_view.group_page(actor(), gid, tab)
    group = page.group
    unmet = [str(why) for name, why in (refusal.fields.items() if refusal else []) if name != "version"]
    shown = {"overview": {"term": term_of(group), "moves": _transition_forms(group, page.actions),
                          "compliance": page.compliance, "evaluations": page.evaluations,
                          "evaluation_due": page.evaluation_due, "counts": page.counts,
                          "awaited_heads": groups.pending_appointments(group)},
             "members": {"removable": page.removable},
             "documents": {"file_form": DocumentFileForm()}}.get(tab, {})
    return render_template(
        f"groups/{tab}.html", group=group, group_tab=tab, actions=page.actions,
        closed=group.status == GroupStatus.CLOSED, refusal=refusal, refusal_details=unmet, **shown), status


@bp.route("/<int:gid>")
@login_required
def overview(gid: int):
    """Status, term, lifecycle and how many records each tab holds."""
    return _tab_page(gid)


@bp.route("/<int:gid>/members")
@login_required
def members(gid: int):
    """The national teams and their current members."""
    return _tab_page(gid, "members")


@bp.route("/<int:gid>/documents")
@login_required
def documents(gid: int):
    """The creation requests and decisions on file, with their signed files."""
    return _tab_page(gid, "documents")


@bp.route("/<int:gid>/cases")
@login_required
def case_list(gid: int):
    """The criminal cases linked to the group."""
    return _tab_page(gid, "cases")


@bp.route("/<int:gid>/timeline")
@login_required
def timeline(gid: int):
    """Every lifecycle move, term change and composition change of the group."""
    return _tab_page(gid, "timeline")


@bp.route("/<int:gid>/transitions", methods=["POST"])
@login_required
def transition(gid: int):
    form = TransitionForm()
    form.validate()  # parses; the service says what is wrong with what was sent
    if form.to.data in IRREVERSIBLE and not form.confirm.data:
        groups.get_group(actor(), gid)  # an outsider learns nothing, not even that a confirmation exists
        return redirect(url_for(".confirm_transition", gid=gid, to=form.to.data, reason=form.reason.data or None),
                        303)
    try:
        group = groups.transition(actor(), gid, to=form.to.data or "", version=form.version.data,
                                  reason=form.reason.data or None)
    except (Invalid, Conflict) as refusal:
        return _tab_page(gid, refusal=refusal, status=refusal.status)
    flash(_("The group is now %(status)s.", status=label_of(STATUS_LABELS, group.status)), "success")
    return redirect(_tab_url(gid))


@bp.route("/<int:gid>/transitions", methods=["GET"])
@login_required
def confirm_transition(gid: int):
    """The page that asks before a heavy move (without JavaScript; with it, a dialog asks), to whoever may make it."""
    group = groups.get_group(actor(), gid)
    to = request.args.get("to", "")
    if to not in IRREVERSIBLE:
        abort(404)
    if f"to:{to}" not in groups.allowed_actions(actor(), group):
        raise Forbidden(_("Only the group head can do this."))
    label = _move_label(group, to)
    return confirmation_page(group, question=_("Are you sure? %(move)s: %(code)s", move=label, code=group.code),
                         consequence=str(IRREVERSIBLE[to]), action=url_for(".transition", gid=gid), button=label,
                         fields={"to": to, "version": group.version, "reason": request.args.get("reason", "")})


# --- editing -------------------------------------------------------------------------------

@bp.route("/<int:gid>/edit", methods=["GET", "POST"])
@login_required
def edit(gid: int):
    group = groups.get_group(actor(), gid)
    form = GroupEditForm(obj=group)
    status = stale = None
    if form.validate_on_submit():
        # Send only what the user changed: the term, for instance, may no longer change once active.
        changes = {name: form[name].data for name in ("title", "purpose", "place_of_activity", "starts_on", "ends_on")
                   if form[name].data != getattr(group, name)}
        if not changes:
            flash(_("Nothing was changed."), "info")
            return redirect(_tab_url(gid))
        try:
            group = groups.update_group(actor(), gid, version=form.version.data, **changes)
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
            if isinstance(refusal, Conflict) and "version" in refusal.fields:
                group = groups.get_group(actor(), gid)
                stale = {"yours": form.title.data, "theirs": group.title, "version": group.version}
                # Saving again now knowingly replaces their version with this one.
                form.version.data, form.version.raw_data = group.version, None
        else:
            flash(_("The group %(code)s is saved.", code=group.code), "success")
            return redirect(_tab_url(gid))
    return form_page("groups/edit.html", form, status, group=group, stale=stale)


# --- composition ---------------------------------------------------------------------------

@bp.route("/<int:gid>/teams/new", methods=["GET", "POST"])
@login_required
def new_team(gid: int):
    offered = group_view.people_form(actor(), gid, "national_head")
    group = offered.group
    form = TeamForm()
    form.party.choices = party_choices(offered.parties)
    form.authority_id.choices = _authority_choices(offered.authorities)
    offer_people(form.national_head_id, offered, "national_head", blank=_("— choose —"))
    status = None
    if form.validate_on_submit():
        try:
            team = groups.add_team(actor(), gid, party=form.party.data, authority_id=form.authority_id.data,
                                   national_head_id=form.national_head_id.data)
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The national team of %(party)s is added.", party=team.party_code), "success")
            return redirect(_tab_url(gid, "members"))
    return form_page("groups/team_new.html", form, status, group=group)


@bp.route("/<int:gid>/members/new", methods=["GET", "POST"])
@login_required
def new_member(gid: int):
    offered = group_view.people_form(actor(), gid, "member")
    group = offered.group
    form = MemberForm()
    locale = page_locale()
    form.team_id.choices = [SelectChoice(str(team.id), f"{team.party_code} — {team.authority.name(locale)}")
                            for team in group.teams]
    offer_people(form.user_id, offered, "member", blank=_("— choose —"))
    status = None
    if form.validate_on_submit():
        try:
            membership = groups.add_member(actor(), gid, user_id=form.user_id.data, team_id=form.team_id.data,
                                           role=form.role.data)
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("%(name)s is added to the %(party)s team.", name=membership.user.full_name,
                    party=membership.team.party_code), "success")
            return redirect(_tab_url(gid, "members"))
    return form_page("groups/member_new.html", form, status, group=group)


@bp.route("/<int:gid>/members/<int:user_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(gid: int, user_id: int):
    """GET asks "are you sure?"; the POST (CSRF checked before this view ran) removes only with `confirm`."""
    if request.method == "GET" or not request.form.get("confirm"):
        group = groups.get_group(actor(), gid)
        membership = _member(group, user_id)
        if user_id not in groups.removable_members(actor(), group):
            raise Forbidden(_("Only the group head or this team's national head can do this."))
        return confirmation_page(
            group, question=_("Are you sure? Remove %(name)s from the group %(code)s",
                              name=membership.user.full_name, code=group.code),
            consequence=_("Their access to the group, its channels and records ends at once; their membership "
                          "ends today and cannot be reopened (add them again to give access back)."),
            action=url_for(".remove_member", gid=gid, user_id=user_id), button=_("Remove"), fields={})
    try:
        membership = groups.remove_member(actor(), gid, user_id)
    except (Invalid, Conflict) as refusal:
        return _tab_page(gid, "members", refusal=refusal, status=refusal.status)
    flash(_("%(name)s is no longer in the group.", name=membership.user.full_name), "success")
    return redirect(_tab_url(gid, "members"))


def _member(group: JointGroup, user_id: int):
    membership = next((m for team in group.teams for m in team.current_members if m.user_id == user_id), None)
    if membership is None:
        abort(404)
    return membership


# --- documents and cases -------------------------------------------------------------------

@bp.route("/<int:gid>/documents/new", methods=["GET", "POST"])
@login_required
def new_document(gid: int):
    group, parties, authorities = group_view.group_form(actor(), gid)
    form = DocumentForm()
    form.party.choices = party_choices(parties)
    form.authority_id.choices = _authority_choices(authorities)
    form.head_id.choices = member_choices(group, _("— choose —"), group.head, group.created_by)
    status = None
    if form.validate_on_submit():
        try:
            document = group_documents.add_document(
                actor(), gid, kind=form.kind.data, decision=form.decision.data, party=form.party.data,
                authority_id=form.authority_id.data, reference=form.reference.data, dated=form.dated.data,
                signed_by=form.signed_by.data, head_id=form.head_id.data, new_end=form.new_end.data,
            )
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The document %(reference)s is filed.", reference=document.reference), "success")
            return redirect(_tab_url(gid, "documents"))
    return form_page("groups/document_new.html", form, status, group=group)


@bp.route("/<int:gid>/cases/new", methods=["GET", "POST"])
@login_required
def new_case(gid: int):
    group = groups.get_group(actor(), gid)
    form = CaseForm()
    locale = page_locale()
    form.party.choices = [SelectChoice(team.party_code, f"{team.party.name(locale)} ({team.party_code})")
                          for team in group.teams]
    form.handling_investigator_id.choices = member_choices(group, _("— choose —"))
    status = None
    if form.validate_on_submit():
        try:
            case = cases.add_case(
                actor(), gid, party=form.party.data, number=form.number.data, opened_on=form.opened_on.data,
                articles=form.articles.data, summary=form.summary.data,
                handling_investigator_id=form.handling_investigator_id.data,
            )
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The case %(number)s is linked to the group.", number=case.number), "success")
            return redirect(_tab_url(gid, "cases"))
    return form_page("groups/case_new.html", form, status, group=group)


@bp.route("/<int:gid>/documents/<int:document_id>/file", methods=["POST"])
@accepts_upload
@login_required
def attach_file(gid: int, document_id: int):
    """Attach the signed document's file; refusals come back to the overview as a message."""
    form = DocumentFileForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for error in form.file.errors) or _("Choose a file."), "danger")
        return redirect(_tab_url(gid, "documents"))
    try:
        document = group_documents.attach_document_file(actor(), document_id, filename=form.file.data.filename,
                                                        stream=form.file.data.stream)
    except (Invalid, Conflict, TooLarge) as refusal:
        flash(" ".join(str(why) for why in refusal.fields.values()) or str(refusal.message), "danger")
        return redirect(_tab_url(gid, "documents"))
    flash(_("The file of %(reference)s is attached (SHA-256 %(sha)s).", reference=document.reference,
            sha=short_hash(document.file_sha256)), "success")
    return redirect(_tab_url(gid, "documents"))


@bp.route("/<int:gid>/documents/<int:document_id>/file", methods=["GET"])
@login_required
def document_file(gid: int, document_id: int):
    document, stream = group_documents.document_file(actor(), document_id)
    if document.group_id != gid:
        abort(404)
    return file_response(document.file_name, document.file_sha256, stream)

"""Instruction pages: the list of a group's instructions, the drafting form, and the instruction's
own page, where its decisions are attached, it is sent, answered, and its results come back.

Thin, like every door: each action is one call of `jit.services.instructions`, which decides who may
do what (outsiders get its NotFound, the others its Forbidden) and what is valid (its field errors go
back on the forms). What the pages do themselves is presentation: labels, badges, choices.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.models import Instruction, InstructionStatus, JointGroup
from jit.services import group_view, groups, instructions
from jit.services.errors import Conflict, DomainError, Invalid, TooLarge
from jit.uploads import accepts_upload
from jit.web.common import actor, add_filters, badge_of, file_response, label_of, page_locale, short_hash
from jit.web.instructions.forms import (
    EVENT_LABELS,
    MOVE_LABELS,
    STATUS_LABELS,
    DocumentForm,
    InstructionForm,
    MoveForm,
    ResultForm,
    StatusFilterForm,
    SubjectForm,
    action_lines,
)
from jit.web.refusals import form_page, show_refusal

bp = Blueprint("instructions", __name__)

STATUS_BADGES = {
    InstructionStatus.DRAFT.value: "text-bg-secondary",
    InstructionStatus.SENT.value: "text-bg-info",
    InstructionStatus.ACCEPTED.value: "text-bg-primary",
    InstructionStatus.IN_PROGRESS.value: "text-bg-warning",
    InstructionStatus.EXECUTED.value: "text-bg-success",
    InstructionStatus.PARTIALLY_EXECUTED.value: "text-bg-success",
    InstructionStatus.REFUSED.value: "text-bg-danger",
}
add_filters(bp, label_of, instruction_status_label=STATUS_LABELS, instruction_event_label=EVENT_LABELS)
add_filters(bp, badge_of, instruction_status_badge=STATUS_BADGES)


def _detail_url(iid: int) -> str:
    return url_for(".detail", iid=iid)


# --- the group's instructions --------------------------------------------------------------

@bp.route("/groups/<int:gid>/instructions")
@login_required
def index(gid: int):
    form = StatusFilterForm(request.args)

    def filters(group: JointGroup) -> dict:
        form.to_team.choices = [SelectChoice("", _("All teams")),
                                *(SelectChoice(team.id, team.party_code) for team in group.teams)]
        return {"status": form.status.data or None, "to_team_id": form.to_team.data,
                "overdue": bool(form.overdue.data)} if form.validate() else {}

    group, page = group_view.instruction_list(actor(), gid, filters, cursor=request.args.get("cursor") or None)
    valid = not form.errors
    next_url = url_for(".index", gid=gid, **request.args.to_dict() | {"cursor": page.next_cursor}) \
        if page.next_cursor else None
    return render_template("instructions/index.html", group=group, form=form, rows=page.items, next_url=next_url,
                           is_overdue=instructions.is_overdue), 200 if valid else 422


@bp.route("/groups/<int:gid>/instructions/new", methods=["GET", "POST"])
@login_required
def new(gid: int):
    group = groups.get_group(actor(), gid)
    locale = page_locale()
    form = InstructionForm()
    teams = [SelectChoice(team.id, f"{team.party_code} — {team.party.name(locale)}") for team in group.teams]
    form.from_team_id.choices = teams
    form.to_team_id.choices = teams
    form.case_id.choices = [SelectChoice(case.id, f"{case.party_code} — {case.number}") for case in group.cases]
    if not form.is_submitted():
        # Presentation only: start from the user's own team (if they head one) and another one.
        own = next((team for team in group.teams if instructions.is_national_head(actor(), team)), None)
        if own is not None:
            form.from_team_id.data = own.id
            form.to_team_id.data = next((team.id for team in group.teams if team.id != own.id), None)
    status = None
    if form.validate_on_submit():
        try:
            instruction = instructions.create_instruction(
                actor(), gid, from_team_id=form.from_team_id.data, to_team_id=form.to_team_id.data,
                case_id=form.case_id.data, actions=action_lines(form.actions.data), due_on=form.due_on.data,
                body=form.body.data or "", needs_sanction=form.needs_sanction.data, subject=form.subject.data or "")
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("Instruction no. %(id)s is drafted: attach the certified decisions, then send it.",
                    id=instruction.id), "success")
            return redirect(_detail_url(instruction.id))
    return form_page("instructions/new.html", form, status, group=group)


# --- one instruction -----------------------------------------------------------------------

def _move_forms(instruction: Instruction, actions: dict[str, list[str]], posted: MoveForm | None,
                refusal: DomainError | None) -> list[dict]:
    """One form per move the reader may make (the service's answer), a blocked one with what it lacks."""
    moves = []
    for to in instructions.MOVES.get(instruction.status, {}):
        if f"to:{to.value}" not in actions:
            continue
        form = MoveForm(formdata=None, to=to.value, version=instruction.version)
        if posted is not None and posted.to.data == to.value:
            form.reason.data = posted.reason.data
            if isinstance(refusal, Invalid) and "reason" in refusal.fields:
                form.reason.errors = [str(refusal.fields["reason"])]
        moves.append({"to": to.value, "label": label_of(MOVE_LABELS, to), "form": form,
                      "unmet": actions[f"to:{to.value}"]})
    return moves


def _refusal_details(refusal: DomainError | None, shown: set[str]) -> list[str]:
    """What a refusal says beyond its message and the field errors already on a form."""
    if not isinstance(refusal, Invalid):
        return []  # a conflict's fields carry the current version or the target, not more to say
    return [str(why) for name, why in refusal.fields.items() if name not in shown]


def _detail_page(iid: int, *, refusal: DomainError | None = None, status: int = 200, move: MoveForm | None = None,
                 document_form: DocumentForm | None = None, result_form: ResultForm | None = None,
                 subject_form: SubjectForm | None = None):
    instruction = instructions.get_instruction(actor(), iid)
    actions = instructions.allowed_actions(actor(), instruction)
    document_form = document_form or DocumentForm(formdata=None)
    result_form = result_form or ResultForm(formdata=None)
    if subject_form is None or (isinstance(refusal, Conflict) and "version" in refusal.fields):
        subject_form = SubjectForm(formdata=None, subject=instruction.subject, version=instruction.version)
    shown = {"version"}
    for form in (document_form, result_form, subject_form):
        shown |= {name for name in refusal.fields if name in form} if refusal else set()
    if move is not None:
        shown.add("reason")
    return render_template(
        "instructions/detail.html", instruction=instruction, overdue=instructions.is_overdue(instruction),
        moves=_move_forms(instruction, actions, move, refusal), refusal=refusal,
        refusal_details=_refusal_details(refusal, shown), document_form=document_form, result_form=result_form,
        subject_form=subject_form, can_edit="edit" in actions,
        finished=not instructions.MOVES.get(instruction.status),
        can_attach="add_document" in actions, can_report="add_result" in actions,
    ), status


def _put_on(form, refusal: DomainError) -> None:
    for name, why in refusal.fields.items():
        if name in form and name != "csrf_token":
            form[name].errors = [*form[name].errors, str(why)]


@bp.route("/instructions/<int:iid>")
@login_required
def detail(iid: int):
    return _detail_page(iid)


@bp.route("/instructions/<int:iid>/transitions", methods=["POST"])
@login_required
def transition(iid: int):
    form = MoveForm()
    form.validate()  # parses; the service says what is wrong with what was sent
    try:
        instruction = instructions.transition(actor(), iid, to=form.to.data or "", version=form.version.data,
                                              reason=form.reason.data or None)
    except (Invalid, Conflict) as refusal:
        return _detail_page(iid, refusal=refusal, status=refusal.status, move=form)
    flash(_("The instruction is now %(status)s.", status=label_of(STATUS_LABELS, instruction.status)), "success")
    return redirect(_detail_url(iid))


@bp.route("/instructions/<int:iid>/subject", methods=["POST"])
@login_required
def edit_subject(iid: int):
    form = SubjectForm()
    if not form.validate_on_submit():
        return _detail_page(iid, status=422, subject_form=form)
    try:
        instructions.update_subject(actor(), iid, subject=form.subject.data or "", version=form.version.data)
    except (Invalid, Conflict) as refusal:
        _put_on(form, refusal)
        return _detail_page(iid, refusal=refusal, status=refusal.status, subject_form=form)
    flash(_("The subject is saved."), "success")
    return redirect(_detail_url(iid))


@bp.route("/instructions/<int:iid>/documents", methods=["POST"])
@accepts_upload
@login_required
def add_document(iid: int):
    form = DocumentForm()
    if not form.validate_on_submit():
        return _detail_page(iid, status=422, document_form=form)
    try:
        document = instructions.add_document(
            actor(), iid, title=form.title.data, certified=form.certified.data, is_sanction=form.is_sanction.data,
            filename=form.file.data.filename, stream=form.file.data.stream)
    except (Invalid, Conflict, TooLarge) as refusal:
        _put_on(form, refusal)
        return _detail_page(iid, refusal=refusal, status=refusal.status, document_form=form)
    flash(_("The decision “%(title)s” is attached (SHA-256 %(sha)s).", title=document.title,
            sha=short_hash(document.file_sha256)), "success")
    return redirect(_detail_url(iid))


@bp.route("/instructions/<int:iid>/results", methods=["POST"])
@accepts_upload
@login_required
def add_result(iid: int):
    form = ResultForm()
    if not form.validate_on_submit():
        return _detail_page(iid, status=422, result_form=form)
    upload = form.file.data if form.file.data and form.file.data.filename else None
    try:
        instructions.add_result(actor(), iid, text=form.text.data or "",
                                filename=upload.filename if upload else None,
                                stream=upload.stream if upload else None)
    except (Invalid, Conflict, TooLarge) as refusal:
        _put_on(form, refusal)
        return _detail_page(iid, refusal=refusal, status=refusal.status, result_form=form)
    flash(_("The result is reported to the requesting team."), "success")
    return redirect(_detail_url(iid))


@bp.route("/instructions/<int:iid>/documents/<int:document_id>/file")
@login_required
def document_file(iid: int, document_id: int):
    return file_response(*instructions.stored_file(actor(), iid, document_id=document_id))


@bp.route("/instructions/<int:iid>/results/<int:result_id>/file")
@login_required
def result_file(iid: int, result_id: int):
    return file_response(*instructions.stored_file(actor(), iid, result_id=result_id))

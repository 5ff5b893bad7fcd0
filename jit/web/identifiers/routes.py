"""Identifier pages: the group's register (a tab of the group), the form to record identifiers found
in a record, and an identifier's own page with every record of the group it was seen in.

Thin, like every door: each page is one call of `jit.services.identifiers`, which decides who may
read and record what (outsiders get its NotFound) and what is valid (its field errors go back on the form).
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.identifiers import masked
from jit.models import JointGroup
from jit.services import identifier_links, identifiers
from jit.services.errors import Conflict, Forbidden, Invalid
from jit.web.common import actor, add_filters, label_of
from jit.web.identifiers.forms import DecisionForm, FilterForm, InquiryForm, RecordForm, RecordSearchForm
from jit.web.refusals import form_page, show_refusal

bp = Blueprint("identifiers", __name__)

RECORD_LABELS = {"case": _l("criminal case"), "evidence": _l("evidence item"), "instruction": _l("instruction"),
                 "task": _l("task"), "message": _l("message")}
INQUIRY_STATUS_LABELS = {"pending": _l("awaiting the decision"), "disclosed": _l("disclosed"),
                         "declined": _l("declined")}
add_filters(bp, label_of, identifier_record_label=RECORD_LABELS, identifier_kind_label=identifiers.KIND_NAMES,
            inquiry_status_label=INQUIRY_STATUS_LABELS)


@bp.app_template_filter("mask_identifier")
def mask_identifier(normalized: str, kind: str) -> str:
    return masked(kind, normalized)


@bp.app_template_global()
def identifier_record_url(record_type: str, record_id: int, group_id: int) -> str:
    """Where a record an identifier was seen in is read."""
    return {"case": lambda: url_for("groups.case_list", gid=group_id),
            "evidence": lambda: url_for("evidence.detail", eid=record_id),
            "instruction": lambda: url_for("instructions.detail", iid=record_id),
            "task": lambda: url_for("tasks.detail", tid=record_id),
            "message": lambda: url_for("channels.page", gid=group_id)}[record_type]()


@bp.route("/groups/<int:gid>/identifiers")
@login_required
def index(gid: int):
    form = FilterForm(request.args)
    form.fill()

    def criteria(group: JointGroup) -> dict:
        form.case_id.choices = [SelectChoice("", _("All cases")),
                                *(SelectChoice(case.id, f"{case.party_code} — {case.number}") for case in group.cases)]
        if not form.validate():
            return {}
        return {"kind": form.kind.data or None, "case_id": form.case_id.data, "several_cases": form.several_cases.data}

    register = identifiers.register(actor(), gid, criteria)
    return render_template("identifiers/index.html", group=register.group, form=form, rows=register.items,
                           may_record=register.may_record), 422 if form.errors else 200


@bp.route("/groups/<int:gid>/identifiers/chart")
@login_required
def chart(gid: int):
    """The link chart: a table of each identifier and the records it links, drawn as a chart by
    static/js/link-chart.js from the same data embedded in the page (one read, one audit event)."""
    graph = identifier_links.link_graph(actor(), gid)
    return render_template("identifiers/chart.html", group=graph.group, rows=graph.rows(), data=graph.as_data())


def _items(form: RecordForm) -> list[dict]:
    """One identifier per line typed, all on the chosen record."""
    record_type, _sep, record_id = (form.record.data or "").partition(":")
    where = {f"{record_type}_id": int(record_id)} if record_id.isdigit() else {}
    lines = [line for line in (form.value.data or "").split("\n") if line.strip()] or [""]
    return [{"kind": form.kind.data, "value": line, "obtained_under": form.obtained_under.data, "note": form.note.data,
             "shareable": form.shareable.data, "unverified": form.unverified.data, **where} for line in lines]


def _show_item_refusal(form: RecordForm, refusal: Invalid | Conflict, lines: list[dict]) -> int:
    """The service names a field of one of several values `items.<n>.<field>`: on the form, the
    value's line says which one; a missing record is the "Found in" field's."""
    fields = {}
    for name, why in refusal.fields.items():
        index, _sep, field = name.removeprefix("items.").partition(".") if name.startswith("items.") else ("", "", name)
        field = "record" if field.endswith("_id") else field
        fields.setdefault(field, []).append(
            _("%(value)s: %(why)s", value=lines[int(index)]["value"].strip(), why=why) if index else str(why))
    refusal.fields = {name: " ".join(whys) for name, whys in fields.items()}
    return show_refusal(form, refusal)


@bp.route("/groups/<int:gid>/identifiers/new", methods=["GET", "POST"])
@login_required
def new(gid: int):
    search = RecordSearchForm(request.args)
    group, records = identifiers.recordable(actor(), gid, q=search.q.data or "", chosen=request.form.get("record"))
    form = RecordForm()
    form.fill(records, url_for(".records", gid=gid))
    status = None
    if form.validate_on_submit():
        items = _items(form)
        try:
            recorded = identifiers.record_identifiers(actor(), gid, items)
        except (Invalid, Conflict, Forbidden) as refusal:
            status = _show_item_refusal(form, refusal, items)
        else:
            flash(_("Recorded: %(n)s.", n=len(recorded)), "success")
            return redirect(url_for(".detail", identifier_id=recorded[0].id) if len(recorded) == 1
                            else url_for(".index", gid=gid))
    return form_page("identifiers/new.html", form, status, group=group, search=search)


@bp.route("/groups/<int:gid>/identifiers/records")
@login_required
def records(gid: int):
    """The records the form's "found in" list offers whose name contains `q`, for its picker."""
    _, found = identifiers.recordable(actor(), gid, q=request.args.get("q", ""))
    return jsonify(items=[{"value": value, "text": name, "optgroup": kind} for value, name, kind in found])


def _inquiry_forms(view: identifiers.IdentifierView, posted: InquiryForm | None) -> dict[int, InquiryForm]:
    """An inquiry form per hit not yet asked about (a refused one comes back with its errors)."""
    forms = {}
    for hit in view.hits:
        form = posted if posted is not None and posted.match_id.data == str(hit.match_id) else InquiryForm(
            formdata=None, match_id=hit.match_id)
        form.case_id.choices = [SelectChoice(case.id, f"{case.party_code} — {case.number}")
                                for case in view.identifier.group.cases]
        forms[hit.match_id] = form
    return forms


def _detail_page(identifier_id: int, posted: InquiryForm | None = None, status: int = 200):
    view = identifiers.get_identifier(actor(), identifier_id)
    return render_template("identifiers/detail.html", group=view.identifier.group, identifier=view,
                           inquiry_forms=_inquiry_forms(view, posted)), status


@bp.route("/identifiers/<int:identifier_id>")
@login_required
def detail(identifier_id: int):
    return _detail_page(identifier_id)


@bp.route("/identifiers/<int:identifier_id>/inquiries", methods=["POST"])
@login_required
def inquire(identifier_id: int):
    form = InquiryForm()
    form.case_id.choices = []  # any case: the service checks that it is the group's
    form.case_id.validate_choice = False
    if form.validate_on_submit():
        try:
            identifiers.send_inquiry(actor(), identifier_id, reason=form.reason.data, case_id=form.case_id.data,
                                     match_id=int(form.match_id.data) if (form.match_id.data or "").isdigit() else None)
        except (Invalid, Conflict, Forbidden) as refusal:
            return _detail_page(identifier_id, form, show_refusal(form, refusal))
        flash(_("The inquiry is sent; the holding group decides whether to disclose."), "success")
    return redirect(url_for(".detail", identifier_id=identifier_id))


@bp.route("/inquiries")
@login_required
def inquiries():
    incoming, outgoing = identifiers.inquiry_lists(actor())
    forms = {view.id: DecisionForm(formdata=None, prefix=f"inquiry-{view.id}") for view in incoming}
    return render_template("identifiers/inquiries.html", incoming=incoming, outgoing=outgoing, forms=forms)


@bp.route("/inquiries/<int:inquiry_id>/decision", methods=["POST"])
@login_required
def decide(inquiry_id: int):
    form = DecisionForm(prefix=f"inquiry-{inquiry_id}")
    if form.validate_on_submit():
        try:
            identifiers.decide_inquiry(actor(), inquiry_id, disclose=bool(form.disclose.data), reason=form.reason.data)
        except (Invalid, Conflict) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The decision is recorded."), "success")
    return redirect(url_for(".inquiries"))

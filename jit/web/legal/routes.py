"""Legal work pages: the legal-assistance register (list, one request, recording one and its
progress, CSV import and export), its
statistics with charts and "would a group pay off?", the compliance dashboard, each group's
compliance report, the rules' settings, and closure evaluations.

Thin, like every door: each page calls the services, which decide who may see what.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.models import Authority
from jit.services import (
    compliance,
    evaluations,
    group_view,
    legal_exchange,
    legal_requests,
    page_views,
    search,
)
from jit.services.compliance import SEVERITIES, VIOLATION, WARNING
from jit.services.errors import Conflict, Forbidden, Invalid, TooLarge
from jit.uploads import accepts_upload
from jit.web.common import actor, add_filters, badge_of, label_of, page_locale
from jit.web.legal import charts
from jit.web.legal.forms import (
    DIRECTION_LABELS,
    INSTRUMENT_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    EvaluationForm,
    ImportForm,
    ProgressForm,
    RegisterFilterForm,
    RequestForm,
    RuleForm,
    StatisticsForm,
    person_lines,
)
from jit.web.refusals import form_page, show_refusal

bp = Blueprint("legal", __name__)


add_filters(bp, label_of, request_direction_label=DIRECTION_LABELS, request_status_label=STATUS_LABELS,
            request_kind_label=KIND_LABELS, instrument_label=INSTRUMENT_LABELS)


# --- the register --------------------------------------------------------------------------

@bp.route("/legal/requests")
@login_required
def requests():
    form = RegisterFilterForm(request.args)
    valid = form.validate()
    filters = {"direction": form.direction.data or None, "status": form.status.data or None,
               "overdue": bool(form.overdue.data)} if valid else {}
    if valid and (form.q.data or "").strip():
        page = search.search_register(actor(), form.q.data, cursor=request.args.get("cursor") or None)
    else:
        page = legal_requests.list_requests(actor(), cursor=request.args.get("cursor") or None, **filters)
    next_url = url_for(".requests", **{**request.args, "cursor": page.next_cursor}) if page.next_cursor else None
    return render_template("legal/requests.html", form=form, rows=page.items, next_url=next_url,
                           import_form=ImportForm(formdata=None)), 200 if valid else 422


@bp.route("/legal/requests/<int:rid>")
@login_required
def request_detail(rid: int):
    return render_template("legal/request.html", item=legal_requests.get_request(actor(), rid))


def _authority_choices(authorities: list[Authority], everything) -> list[SelectChoice]:
    """The registry's authorities as choices, by party, after a first empty choice labelled `everything`."""
    locale = page_locale()
    return [SelectChoice("", everything)] + [
        SelectChoice(str(authority.id), f"{authority.party_code} — {authority.name(locale)}")
        for authority in sorted(authorities, key=lambda authority: (authority.party_code, authority.id))]


# The request form's fields that the service takes as they are parsed.
REQUEST_FIELDS = ("direction", "kind", "requested_party", "requested_authority", "case_number", "case_title",
                  "representatives", "confidential", "substance", "sent_on", "received_on", "due_on", "instrument",
                  "instrument_reason")


@bp.route("/legal/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    form = RequestForm()
    locale = page_locale()
    parties, authorities = page_views.request_form(actor())
    form.requesting_authority_id.choices = _authority_choices(authorities, _("— choose —"))
    form.requested_party.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(party.code, f"{party.code} — {party.name(locale)}") for party in parties]
    if not form.is_submitted() and actor().authority_id is not None:
        form.requesting_authority_id.data = str(actor().authority_id)  # presentation: one's own register
    status = None
    if form.validate_on_submit():
        chosen = form.requesting_authority_id.data
        try:
            item = legal_requests.create_request(
                actor(), **{name: form[name].data for name in REQUEST_FIELDS},
                requesting_authority_id=int(chosen) if chosen else None, persons=person_lines(form.persons.data))
        except (Invalid, Forbidden) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("Request no. %(id)s is registered.", id=item.id), "success")
            return redirect(url_for(".request_detail", rid=item.id))
    return form_page("legal/request_new.html", form, status)


PROGRESS_FIELDS = ("status", "received_on", "due_on", "executed_on")


@bp.route("/legal/requests/<int:rid>/edit", methods=["GET", "POST"])
@login_required
def edit_request(rid: int):
    item = legal_requests.get_request(actor(), rid)
    # A submitted form stands alone: a value it lacks (the version read, above all) is not taken from the record.
    form = ProgressForm() if request.method == "POST" else ProgressForm(obj=item)
    status = stale = None
    if form.validate_on_submit():
        # Send only what the user changed, so that the audit trail names it.
        changes = {name: form[name].data for name in PROGRESS_FIELDS if form[name].data != getattr(item, name)}
        if not changes:
            flash(_("Nothing was changed."), "info")
            return redirect(url_for(".request_detail", rid=rid))
        try:
            legal_requests.update_request(actor(), rid, version=form.version.data, **changes)
        except (Invalid, Conflict) as refusal:
            status = show_refusal(form, refusal)
            if isinstance(refusal, Conflict) and "version" in refusal.fields:
                item = legal_requests.get_request(actor(), rid)
                stale = [(name, form[name].label.text, getattr(item, name), form[name].data)
                         for name in PROGRESS_FIELDS]
                # Saving again now knowingly replaces their version with this one.
                form.version.data, form.version.raw_data = item.version, None
        else:
            flash(_("The progress of request no. %(id)s is saved.", id=rid), "success")
            return redirect(url_for(".request_detail", rid=rid))
    return form_page("legal/request_edit.html", form, status, item=item, stale=stale)


@bp.route("/legal/requests/export.csv")
@login_required
def export_requests():
    return Response(legal_exchange.export_csv(actor(), direction=request.args.get("direction") or None),
                    mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=legal-requests.csv"})


@bp.route("/legal/requests/import", methods=["POST"])
@accepts_upload
@login_required
def import_requests():
    form = ImportForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for error in form.file.errors) or _("Choose a file."), "danger")
        return redirect(url_for(".requests"))
    try:
        imported = legal_exchange.import_csv(actor(), form.file.data.read())
    except (Invalid, TooLarge) as refusal:
        return render_template("legal/import_refused.html", refusal=refusal), refusal.status
    flash(_("%(n)s requests are imported.", n=imported), "success")
    return redirect(url_for(".requests"))


# --- statistics ----------------------------------------------------------------------------

@bp.route("/legal/statistics")
@login_required
def statistics():
    form = StatisticsForm(request.args)
    locale = page_locale()
    if not request.args:
        form.direction.data = "outgoing"

    def criteria(authorities: list[Authority]) -> dict:
        form.requesting_authority_id.choices = _authority_choices(authorities, _("Any authority"))
        valid = form.validate()
        chosen = form.requesting_authority_id.data
        return {"direction": form.direction.data or None if valid else "outgoing",
                "date_from": form.date_from.data if valid else None, "date_to": form.date_to.data if valid else None,
                "requesting_authority_id": int(chosen) if valid and chosen else None}

    result, party_rows = page_views.statistics_page(actor(), criteria)
    valid = not form.errors
    parties = {party.code: party.name(locale) for party in party_rows}
    by_party = charts.horizontal_bars(
        _("Requests by partner party"),
        [(row["party"], row["count"], f"{row['count']} · {round(row['share'] * 100)}%") for row in result["by_party"]])
    monthly = charts.columns(_("Requests by month"), [(row["month"], row["count"]) for row in result["monthly"]])
    return render_template("legal/statistics.html", form=form, result=result, parties=parties,
                           by_party_chart=by_party, monthly_chart=monthly), 200 if valid else 422


# --- compliance ----------------------------------------------------------------------------

OBJECT_LINKS = {
    "group": lambda finding: url_for("groups.overview", gid=finding.object_id),
    "team": lambda finding: url_for("groups.overview", gid=finding.group_id, _anchor="teams-heading"),
    "group_document": lambda finding: url_for("groups.overview", gid=finding.group_id, _anchor="documents-heading"),
    "party": lambda finding: url_for("admin.edit_party", code=finding.object_id),
    "instruction": lambda finding: url_for("instructions.detail", iid=finding.object_id),
    "task": lambda finding: url_for("tasks.detail", tid=finding.object_id),
    "legal_request": lambda finding: url_for("legal.request_detail", rid=finding.object_id),
    "evidence": lambda finding: url_for("evidence.detail", eid=finding.object_id),
}
OBJECT_LABELS = {"group": _l("group"), "team": _l("national team"), "group_document": _l("decision"),
                 "party": _l("party"), "instruction": _l("instruction"), "task": _l("task"),
                 "legal_request": _l("legal-assistance request"), "evidence": _l("evidence item")}
SEVERITY_LABELS = {VIOLATION: _l("violation"), WARNING: _l("warning")}
SEVERITY_BADGES = {VIOLATION: "text-bg-danger", WARNING: "text-bg-warning"}
REGISTER_FINDINGS_SHOWN = 50
add_filters(bp, label_of, object_type_label=OBJECT_LABELS, severity_label=SEVERITY_LABELS)
add_filters(bp, badge_of, severity_badge=SEVERITY_BADGES)


@bp.app_template_global("finding_link")
def finding_link(finding) -> str:
    return OBJECT_LINKS[finding.object_type](finding)


@bp.route("/legal/")
@login_required
def dashboard():
    summaries, register = compliance.dashboard(actor())
    return render_template("legal/dashboard.html", summaries=summaries, register=register,
                           register_by_rule=Counter(item.rule for item in register.findings),
                           register_shown=register.findings[:REGISTER_FINDINGS_SHOWN], VIOLATION=VIOLATION,
                           WARNING=WARNING)


@bp.route("/groups/<int:gid>/compliance")
@login_required
def group_compliance(gid: int):
    group, report = group_view.compliance_page(actor(), gid)
    by_severity = {severity: [item for item in report.findings if item.severity == severity]
                   for severity in SEVERITIES}
    return render_template("legal/group_compliance.html", group=group, report=report, by_severity=by_severity)


@bp.route("/legal/rules")
@login_required
def rules():
    states = compliance.list_rules(actor())
    forms = {state.rule.id: _rule_form(state) for state in states if state.rule.adjustable}
    return render_template("legal/rules.html", states=states, forms=forms)


def _rule_form(state) -> RuleForm:
    """A rule's form filled from its stored setting, never from the request."""
    return RuleForm(formdata=None, enabled=state.enabled, grace_days=state.params.get("grace_days"),
                    flag_unknown=state.params.get("flag_unknown"), version=state.version)


@bp.route("/legal/rules/<rule_id>", methods=["POST"])
@login_required
def update_rule(rule_id: str):
    form = RuleForm()
    form.validate()  # parses; the service says what is wrong
    # The page lists the rule's own parameters, so that an unticked box still counts as "no".
    params = {name: form[name].data for name in request.form.getlist("param_names")
              if name in RuleForm.PARAMS and form[name].data is not None}
    try:
        compliance.update_rule(actor(), rule_id, version=form.version.data, enabled=form.enabled.data,
                               params=params)
    except (Invalid, Conflict) as refusal:
        flash(" ".join([str(refusal.message), *(str(why) for why in refusal.fields.values())]), "danger")
        return redirect(url_for(".rules")), 303
    flash(_("The rule %(rule)s is saved.", rule=rule_id), "success")
    return redirect(url_for(".rules"))


# --- evaluation at closure -----------------------------------------------------------------

@bp.route("/groups/<int:gid>/evaluations/<int:team_id>", methods=["GET", "POST"])
@login_required
def evaluation(gid: int, team_id: int):
    group, written = group_view.evaluation_form(actor(), gid)
    current = {team.id: evaluation for team, evaluation in written}
    if team_id not in current:
        abort(404)
    form = EvaluationForm(obj=current[team_id])
    status = None
    if form.validate_on_submit():
        try:
            evaluations.save_evaluation(
                actor(), gid, team_id, version=form.version.data, what_worked=form.what_worked.data,
                what_did_not=form.what_did_not.data, persons_charged=form.persons_charged.data,
                assets_seized=form.assets_seized.data or "", requests_avoided=form.requests_avoided.data)
        except (Invalid, Conflict, Forbidden) as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("The evaluation is saved."), "success")
            return redirect(url_for("groups.overview", gid=gid))
    team = next(team for team in group.teams if team.id == team_id)
    return form_page("legal/evaluation.html", form, status, group=group, team=team)

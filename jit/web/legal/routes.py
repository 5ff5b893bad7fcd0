"""Legal work pages: the legal-assistance register (list, one request, recording one and its
progress, CSV import and export), its
statistics with charts and "would a group pay off?", the compliance dashboard, each group's
compliance report, the rules' settings, and closure evaluations.

Thin, like every door: each page calls the services, which decide who may see what.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
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
    naming,
    page_views,
    registry,
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
    DashboardFilterForm,
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
    locale = page_locale()

    def filters(parties, authorities) -> dict:
        form.requesting_authority_id.choices = _authority_choices(authorities, _("Any authority"))
        form.party.choices = [SelectChoice("", _("Every party"))] + [
            SelectChoice(party.code, party.name(locale)) for party in parties]
        if not form.validate():
            return {}
        chosen = form.requesting_authority_id.data
        return {"direction": form.direction.data or None, "status": form.status.data or None,
                "party": form.party.data or None, "requesting_authority_id": int(chosen) if chosen else None,
                "date_from": form.date_from.data, "date_to": form.date_to.data, "overdue": bool(form.overdue.data),
                "q": form.q.data}

    page, _parties, _authorities = page_views.register_page(actor(), filters,
                                                            cursor=request.args.get("cursor") or None)
    next_url = url_for(".requests", **{**request.args, "cursor": page.next_cursor}) if page.next_cursor else None
    return render_template("legal/requests.html", form=form, rows=page.items, next_url=next_url,
                           import_form=ImportForm(formdata=None)), 422 if form.errors else 200


@bp.route("/legal/requests/<int:rid>")
@login_required
def request_detail(rid: int):
    item, findings = compliance.request_page(actor(), rid)
    return render_template("legal/request.html", item=item, findings=findings)


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
    monthly = charts.columns(_("Requests by month"), month_columns(result["monthly"]))
    return render_template("legal/statistics.html", form=form, result=result, parties=parties,
                           by_party_chart=by_party, monthly_chart=monthly), 200 if valid else 422


def month_columns(series: list[dict]) -> list[tuple[str, str, int]]:
    """Each month's short name in the page's language, the year under the first month and each January;
    the months before the first request and after the last left out (the chart shows the data)."""
    counted = [index for index, row in enumerate(series) if row["count"]]
    series = series[counted[0]:counted[-1] + 1] if counted else []
    columns = []
    for index, row in enumerate(series):
        month = date.fromisoformat(f"{row['month']}-01")
        columns.append((format_date(month, "LLL"), str(month.year) if index == 0 or month.month == 1 else "",
                        row["count"]))
    return columns


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
SEVERITY_LABELS = {VIOLATION: _l("violation"), WARNING: _l("warning")}
SEVERITY_BADGES = {VIOLATION: "text-bg-danger", WARNING: "text-bg-warning"}
add_filters(bp, label_of, object_type_label=naming.OBJECT_TYPES, severity_label=SEVERITY_LABELS)
add_filters(bp, badge_of, severity_badge=SEVERITY_BADGES)


@bp.app_template_global("finding_link")
def finding_link(finding) -> str | None:
    """The page of the finding's object, or None where the caller may not open it (a party's page is the
    registry keeper's)."""
    if finding.object_type == "party" and not registry.may_keep(actor()):
        return None
    return OBJECT_LINKS[finding.object_type](finding)


@bp.route("/legal/")
@login_required
def dashboard():
    form = DashboardFilterForm(request.args)
    form.rule.choices = [SelectChoice("", _("Every rule"))] + [
        SelectChoice(rule_id, rule_id) for rule_id in sorted(compliance.RULES)]
    form.severity.choices = [SelectChoice("", _("Any severity"))] + [
        SelectChoice(severity, SEVERITY_LABELS[severity]) for severity in SEVERITIES]
    valid = form.validate()
    chosen_group = form.group.data if valid and (form.group.data or "").isdigit() else None
    filters = compliance.Filters(
        rule=form.rule.data or None, severity=form.severity.data or None,
        group_id=int(chosen_group) if chosen_group else None, party=form.party.data or None,
        confirmed_basis={"confirmed": True, "unconfirmed": False}.get(form.basis.data)) \
        if valid else compliance.Filters()
    status = 200 if valid else 422
    try:
        board = compliance.dashboard(actor(), filters, cursor=request.args.get("cursor") or None)
    except Invalid as refusal:
        for name, why in refusal.fields.items():
            field = form._fields.get(FORM_FIELD_OF.get(name, name))
            if field is not None:
                field.errors = [str(why)]
        board, status = compliance.dashboard(actor()), 422
    locale = page_locale()
    form.group.choices = [SelectChoice("", _("Every group"))] + [
        SelectChoice(str(group.id), f"{group.code} — {group.title}") for group in board.groups]
    form.party.choices = [SelectChoice("", _("Every party"))] + [
        SelectChoice(party.code, party.name(locale)) for party in board.parties]
    next_url = url_for(".dashboard", **{**request.args, "cursor": board.page.next_cursor}) \
        if board.page.next_cursor else None
    return render_template("legal/dashboard.html", form=form, board=board, next_url=next_url,
                           rules=compliance.RULES, group_codes={group.id: group.code for group in board.groups},
                           VIOLATION=VIOLATION, WARNING=WARNING), status


# The dashboard form's field for each name the service gives a filter in a refusal.
FORM_FIELD_OF = {"group_id": "group"}


@bp.route("/groups/<int:gid>/compliance")
@login_required
def group_compliance(gid: int):
    # The home page's counts link here with `severity` or `rule`: the page lists just what was counted.
    severity, rule = request.args.get("severity") or None, request.args.get("rule") or None
    group, report = group_view.compliance_page(actor(), gid, severity=severity, rule=rule)
    by_severity = {shown: [item for item in report.findings if item.severity == shown]
                   for shown in ((severity,) if severity else SEVERITIES)}
    return render_template("legal/group_compliance.html", group=group, report=report, by_severity=by_severity,
                           filtered=bool(severity or rule), rule=rule)


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

"""Legal work (API.md "Legal work"): the legal-assistance register with its statistics and CSV,
compliance reports and rules, and the evaluations at a group's closure."""

from __future__ import annotations

from flask import Response

from jit.api.common import actor, links, make_blueprint
from jit.api.errors import GROUP_NOT_FOUND, INVALID, ErrorSchema
from jit.api.schemas.legal import (
    ComplianceReportSchema,
    EvaluationListSchema,
    EvaluationSaveSchema,
    EvaluationSchema,
    ExportArgsSchema,
    FindingFilterSchema,
    FindingPageSchema,
    ImportFileSchema,
    ImportResultSchema,
    LegalRequestCreateSchema,
    LegalRequestFilterSchema,
    LegalRequestPageSchema,
    LegalRequestSchema,
    LegalRequestUpdateSchema,
    RuleListSchema,
    RuleSchema,
    RuleUpdateSchema,
    StatsArgsSchema,
    StatsSchema,
)
from jit.services import compliance, evaluations, legal_exchange, legal_requests
from jit.uploads import accepts_upload

blp = make_blueprint("api_legal", __name__, "Legal work: the legal-assistance register, statistics, compliance.")
NOT_FOUND = {"schema": ErrorSchema, "description": "no such request, or one of another authority's register"}
REQUEST_OPERATIONS = ("GET /legal-requests/{rid}", "PATCH /legal-requests/{rid}")


@blp.route("/legal-requests", methods=["GET"])
@blp.doc(**links(*REQUEST_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(LegalRequestFilterSchema, location="query")
@blp.response(200, LegalRequestPageSchema)
@blp.alt_response(422, **INVALID)
def list_requests(args):
    """The caller's authority's register, newest first (admins: every register)."""
    return legal_requests.list_requests(actor(), **args)


@blp.route("/legal-requests", methods=["POST"])
@blp.doc(**links(*REQUEST_OPERATIONS))
@blp.arguments(LegalRequestCreateSchema)
@blp.response(201, LegalRequestSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not a legal officer or investigator of an authority")
@blp.alt_response(422, schema=ErrorSchema,
                  description="`fields` names each missing Chisinau Art. 7 content (outgoing requests), and an "
                              "`instrument_reason` when the instrument named is not the fitting one")
def create_request(body):
    """Register a request; `instrument` omitted: chosen from the two parties' treaty dates on `sent_on`."""
    return legal_requests.create_request(actor(), **body)


@blp.route("/legal-requests/<int:rid>", methods=["GET"])
@blp.response(200, LegalRequestSchema)
@blp.alt_response(404, **NOT_FOUND)
def get_request(rid):
    return legal_requests.get_request(actor(), rid)


@blp.route("/legal-requests/<int:rid>", methods=["PATCH"])
@blp.arguments(LegalRequestUpdateSchema)
@blp.response(200, LegalRequestSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="stale version (`fields.version` is the current one)")
@blp.alt_response(422, **INVALID)
def update_request(body, rid):
    """Record progress (status, dates received / due / executed, links) with the version read."""
    return legal_requests.update_request(actor(), rid, **body)


@blp.route("/legal-requests/stats", methods=["GET"])
@blp.arguments(StatsArgsSchema, location="query")
@blp.response(200, StatsSchema)
@blp.alt_response(422, **INVALID)
def stats(args):
    """Total and, by partner party, count, share and rank (with overdue counts, the median days to
    execution and whether a group exists), and the monthly series; an empty period gives zeros."""
    return legal_requests.statistics(actor(), **args)


@blp.route("/legal-requests/export", methods=["GET"])
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, description="text/csv: comma-separated, UTF-8 with a byte-order mark, the columns the import "
                               "reads; a cell starting with = + - @ tab CR or ' carries an apostrophe in front")
def export_requests(args):
    return Response(legal_exchange.export_csv(actor(), **args), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=legal-requests.csv"})


@blp.route("/legal-requests/import", methods=["POST"])
@accepts_upload
@blp.arguments(ImportFileSchema, location="files")
@blp.response(201, ImportResultSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not a legal officer or investigator of an authority")
@blp.alt_response(422, schema=ErrorSchema,
                  description="nothing imported; `fields` maps each bad row (\"row N\") to what is wrong in it")
def import_requests(files):
    """Multipart `file`: a CSV with the export's columns, comma- or semicolon-separated, UTF-8 with or
    without a byte-order mark; one leading apostrophe of a cell is taken off (the export's); all rows or none."""
    return {"imported": legal_exchange.import_csv(actor(), files["file"].read())}


# --- compliance ----------------------------------------------------------------------------

@blp.route("/groups/<int:gid>/compliance", methods=["GET"])
@blp.response(200, ComplianceReportSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def group_compliance(gid):
    """The group checked now against every rule switched on; violations first."""
    return compliance.group_report(actor(), gid)


@blp.route("/compliance/findings", methods=["GET"])
@blp.arguments(FindingFilterSchema, location="query")
@blp.response(200, FindingPageSchema)
@blp.alt_response(403, schema=ErrorSchema, description="not a legal officer or an administrator")
@blp.alt_response(422, schema=ErrorSchema, description="`fields` names a filter naming nothing known (a group the "
                                                       "caller does not see is unknown), or a cursor not issued here")
def list_findings(args):
    """The findings in every group the caller may see and in the register they keep, violations first
    then the oldest, with the counts by rule and by group of everything the filters keep."""
    limit, cursor = args.pop("limit"), args.pop("cursor")
    board = compliance.dashboard(actor(), compliance.Filters(**args), limit=limit, cursor=cursor)
    return {"items": board.page.items, "next_cursor": board.page.next_cursor, "total": board.total,
            "by_rule": [{"rule": rule, "violations": count.violations, "warnings": count.warnings,
                         "total": count.total} for rule, count in board.by_rule.items()],
            "by_group": [{"group_id": group_id, "violations": count.violations, "warnings": count.warnings,
                          "total": count.total} for group_id, count in board.by_group.items()]}


@blp.route("/compliance/rules", methods=["GET"])
@blp.doc(**links("PATCH /compliance/rules/{rule_id}", status=200, id_at="/items/0/id"))
@blp.response(200, RuleListSchema)
def list_rules():
    """Every rule with its reference, whether its basis is confirmed, and its current setting."""
    return {"items": compliance.list_rules(actor())}


@blp.route("/compliance/rules/<rule_id>", methods=["PATCH"])
@blp.arguments(RuleUpdateSchema)
@blp.response(200, RuleSchema)
@blp.alt_response(403, schema=ErrorSchema, description="admins only")
@blp.alt_response(409, schema=ErrorSchema, description="a rule on a confirmed provision, or a stale version")
@blp.alt_response(422, **INVALID)
def update_rule(body, rule_id):
    """Switch a rule on an unconfirmed provision off or on, or change its parameters (audited)."""
    return compliance.update_rule(actor(), rule_id, **body)


# --- evaluation at closure -----------------------------------------------------------------

@blp.route("/groups/<int:gid>/evaluations", methods=["GET"])
@blp.response(200, EvaluationListSchema)
@blp.alt_response(404, **GROUP_NOT_FOUND)
def list_evaluations(gid):
    """Every national team of the group with its evaluation, or null while it is not written."""
    return {"items": [{"team": team, "evaluation": written}
                      for team, written in evaluations.list_evaluations(actor(), gid)]}


@blp.route("/groups/<int:gid>/evaluations", methods=["POST"])
@blp.arguments(EvaluationSaveSchema)
@blp.response(201, EvaluationSchema)
@blp.alt_response(200, schema=EvaluationSchema, description="the team's evaluation replaced (with the version read)")
@blp.alt_response(403, schema=ErrorSchema, description="not the national head of `team_id`")
@blp.alt_response(404, **GROUP_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema,
                  description="no termination decision on file yet (`evaluation_not_due`), or a stale version")
@blp.alt_response(422, **INVALID)
def save_evaluation(body, gid):
    """A national head's evaluation of the group for their team, once a termination decision is on file
    (also after closing): what worked, what did not, persons charged, assets seized, requests avoided."""
    written = evaluations.save_evaluation(actor(), gid, body.pop("team_id"), **body)
    return written, 201 if written.version == 1 else 200  # a first version is a new evaluation

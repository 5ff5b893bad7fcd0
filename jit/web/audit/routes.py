"""The audit page: events the user may read, newest first, with filters."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, render_template, request
from flask_login import login_required

from jit.services import audit
from jit.services.errors import Invalid
from jit.web.audit.forms import AuditFilterForm
from jit.web.common import actor

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _start_of(day) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


@bp.route("/")
@login_required
def events():
    form = AuditFilterForm(request.args)
    page, problems = None, {}
    valid = form.validate()
    if valid:
        try:
            page = audit.list_events(
                actor(), user_id=form.user_id.data, group_id=form.group_id.data,
                operation=form.operation.data or None, after=_start_of(form.after.data),
                before=_start_of(form.before.data), cursor=request.args.get("cursor"), limit=100,
            )
        except Invalid as refusal:
            problems = refusal.fields
    filters = {key: value for key, value in request.args.items() if key != "cursor"}
    # Filters that cannot be used answer 422, like every refused form (the page shows why).
    status = 200 if valid and not problems else 422
    return render_template("audit/events.html", form=form, page=page, problems=problems, filters=filters), status

"""The audit page: events the user may read, newest first, with filters; people, operations and
objects in words (`services.operations`, `services.naming`)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from jit.services import naming, operations, page_views
from jit.web.audit.forms import AuditFilterForm
from jit.web.audit.words import detail_value
from jit.web.common import actor

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_global(operations.label, "operation_label")
bp.add_app_template_global(operations.detail_label, "detail_label")
bp.add_app_template_global(detail_value, "detail_value")
bp.add_app_template_global(naming.object_type_label, "object_type_label")


def _start_of(day) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def _criteria(form: AuditFilterForm):
    """The filter, once its choices are known: the listing's arguments, or None if it is not valid."""

    def chosen(people, groups) -> dict | None:
        form.user_id.choices = [SelectChoice("", _("Anyone")),
                                *(SelectChoice(person.id, f"{person.full_name} ({person.username})")
                                  for person in people)]
        form.group_id.choices = [SelectChoice("", _("Any group")),
                                 *(SelectChoice(group.id, f"{group.code} — {group.title}") for group in groups)]
        form.operation.choices = [SelectChoice("", _("Any operation")),
                                  *(SelectChoice(name, label) for name, label in operations.choices())]
        if not form.validate():
            return None
        return {"user_id": form.user_id.data, "group_id": form.group_id.data,
                "operation": form.operation.data or None, "after": _start_of(form.after.data),
                "before": _start_of(form.before.data), "views": form.views.data}

    return chosen


@bp.route("/")
@login_required
def events():
    form = AuditFilterForm(request.args)
    trail = page_views.audit_trail(actor(), _criteria(form), cursor=request.args.get("cursor"))
    filters = {key: value for key, value in request.args.items() if key != "cursor"}
    # Filters that cannot be used answer 422, like every refused form (the page shows why).
    status = 200 if trail.page is not None else 422
    return render_template("audit/events.html", form=form, trail=trail, filters=filters), status

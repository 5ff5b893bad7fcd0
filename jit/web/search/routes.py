"""The search page: everything the user may read matching a query, grouped by kind (issue 18)."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required

from jit.search.documents import KINDS
from jit.services import search
from jit.services.errors import Invalid
from jit.web.common import actor
from jit.web.search.forms import KIND_LABELS, SearchForm

bp = Blueprint("search", __name__)
# The service's field names where the form's differ.
SERVICE_FIELDS = {"to": "date_to", "from": "date_from", "group_id": "group", "author_id": "author"}


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def link_of(hit: search.Hit) -> str | None:
    """Where a result is read: its own page, or the page that shows it (a comment's task, a message's channel)."""
    if hit.kind == "message":
        return url_for("channels.page", gid=hit.group_id, channel=hit.parent_id)
    pages = {"task": ("tasks.detail", "tid", hit.id), "comment": ("tasks.detail", "tid", hit.parent_id),
             "instruction": ("instructions.detail", "iid", hit.id), "evidence": ("evidence.detail", "eid", hit.id),
             "request": ("legal.request_detail", "rid", hit.id), "case": ("groups.overview", "gid", hit.group_id),
             "document": ("groups.overview", "gid", hit.group_id)}
    if hit.kind not in pages:
        return None
    endpoint, argument, value = pages[hit.kind]
    return url_for(endpoint, **{argument: value})


@bp.route("/search")
@login_required
def results():
    form = SearchForm(request.args)

    def criteria(choices: search.Choices) -> dict | None:
        form.offer(choices)
        if not form.validate() or not (form.q.data or "").strip():
            return None
        return {"q": form.q.data, "kind": form.kind.data or None, "group_id": _number(form.group.data),
                "party": form.party.data or None, "author_id": _number(form.author.data),
                "date_from": form.date_from.data, "date_to": form.date_to.data, "order": form.order.data or "best",
                "cursor": request.args.get("cursor")}

    try:
        _, found = search.search_page(actor(), criteria)
    except Invalid as refusal:
        found = None
        form.offer(search.filter_choices(actor()))
        for name, why in refusal.fields.items():  # the service names the API's fields
            field = getattr(form, SERVICE_FIELDS.get(name, name), form.q)
            field.errors = [*field.errors, str(why)]
    filters = {key: value for key, value in request.args.items() if key != "cursor"}
    sections = [(kind, list(hits)) for kind, hits in groupby(
        sorted(found.items, key=lambda hit: KINDS.index(hit.kind)), key=lambda hit: hit.kind)] if found else []
    return render_template("search/results.html", form=form, found=found, sections=sections, filters=filters,
                           kinds=KINDS, kind_labels=KIND_LABELS, link_of=link_of), 422 if form.errors else 200

"""How every page shows a refused use case: its field errors on the form, the rest on top."""

from __future__ import annotations

from flask import flash, render_template
from flask_wtf import FlaskForm

from jit.services.errors import Conflict, DomainError


def show_refusal(form: FlaskForm, refusal: DomainError) -> int:
    """Put a refused use case's field errors on the form; what belongs to no field goes on top.
    Returns the status the page should answer with."""
    flash(str(refusal.message), "danger")
    for name, why in refusal.fields.items():
        if name == "version" and isinstance(refusal, Conflict):
            continue  # the current version number, not a message: the page shows the conflict itself
        if name in form and name not in ("csrf_token", "version"):
            form[name].errors = [*form[name].errors, str(why)]
        else:
            flash(str(why), "danger")
    return refusal.status


def form_page(template: str, form: FlaskForm, status: int | None = None, **context):
    """Render a form page: 422 when a submitted form has errors, unless a status is given."""
    if status is None:
        status = 422 if form.is_submitted() and form.errors else 200
    return render_template(template, form=form, **context), status

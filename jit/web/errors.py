"""Error pages in the user's language, with the request id for anything unexpected."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, url_for

from jit.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    PasswordChangeRequired,
    SecondFactorRequired,
    describe_http_status,
)


def _page_it_came_from() -> str | None:
    """The page of this site a form was sent from (None: unknown, or another site's)."""
    referrer = request.referrer
    return referrer if referrer and urlsplit(referrer).netloc == request.host else None


def render_error_page(status: int, message: str | None = None):
    code, default_message = describe_http_status(status, g.get("request_id", "-"))
    return (
        render_template(
            "errors/error.html", status=status, code=code, message=message or default_message,
            request_id=g.get("request_id"),
        ),
        status,
    )


def from_domain_error(error: DomainError):
    if isinstance(error, PasswordChangeRequired):
        flash(str(error.message), "warning")
        return redirect(url_for("account.change_password"))
    if isinstance(error, SecondFactorRequired):
        flash(str(error.message), "warning")
        return redirect(url_for("account.second_factor"))
    came_from = _page_it_came_from()
    if request.method == "POST" and isinstance(error, Forbidden | Conflict) and came_from:
        # The page offered the action, yet it was refused (a right lost, a state changed meanwhile):
        # back to that page, which now shows what is possible, with the reason.
        flash(str(error.message), "danger")
        return redirect(came_from, 303)
    return render_error_page(error.status, str(error.message))

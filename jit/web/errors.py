"""Error pages in the user's language, with the request id for anything unexpected."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from jit.services.errors import DomainError, PasswordChangeRequired, SecondFactorRequired, describe_http_status


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
    return render_error_page(error.status, str(error.message))

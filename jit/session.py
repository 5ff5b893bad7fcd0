"""Who is calling, from where, in which language, and for how long: Flask-Login loaders, session
limits, the audit origin of each request, and Flask-Babel selectors."""

from __future__ import annotations

import os
import re
import uuid

from flask import Flask, current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from jit.extensions import login_manager
from jit.models import User
from jit.services import audit, sessions, sign_in, tokens
from jit.services.errors import Unauthenticated

# Requests that touch no data and are not worth an audit event of their own.
UNAUDITED_ENDPOINTS = frozenset({"static", "health.healthz", "api-docs.openapi_json"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith("/api/")


@login_manager.user_loader
def load_session_user(user_id: str):
    return sign_in.load_user(int(user_id)) if user_id.isdigit() else None


@login_manager.request_loader
def load_bearer_user(req):
    scheme, _, value = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    record = tokens.token_record(value.strip())
    if record is None:
        return None
    g.api_token = record
    return record.user


@login_manager.unauthorized_handler
def unauthorized():
    if is_api_request():
        raise Unauthenticated()
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def start_session(user: User) -> None:
    """Sign `user` in on a fresh session (nothing from before carries over, the id changes); the
    cookie only names the session the server keeps."""
    chosen_locale = session.get("locale")
    session.clear()
    key = sessions.start(user)
    login_user(user)
    session["key"] = key
    if chosen_locale:
        session["locale"] = chosen_locale


def end_session() -> None:
    logout_user()
    session.clear()


def _enforce_session_limits():
    """Before anything reads data: the server must still hold the cookie's session (not signed
    out, not revoked, not idle or too old)."""
    if "_user_id" not in session or request.endpoint in UNAUDITED_ENDPOINTS:
        return None
    try:
        sessions.resume(session.get("key"), session["_user_id"])
    except Unauthenticated as ended:
        end_session()
        if is_api_request():
            raise
        flash(str(ended.message), "warning")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


def _identify_request() -> None:
    """Name the request (the client's X-Request-ID if it is sane, else a new one) and bind where
    it comes from, before anything can refuse it: the CSRF check and the rate limiter run their
    own hooks, and their refusals must be audited with this request's id and address."""
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
    audit.bind_origin(request.remote_addr, g.request_id, f"{request.method} {request.path}")


def _audit_unaudited_request(response):
    """A request no use case recorded (refused at the door, a page without data) still leaves
    an event, so that every access is in the trail."""
    origin = audit.current_origin()
    if request.endpoint in UNAUDITED_ENDPOINTS or origin is None or origin.audited:
        return response
    status = response.status_code
    code = g.get("refusal_code")
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    audit.record_event(f"http.{request.endpoint or 'unknown'}", actor=actor, outcome=audit.outcome_of(status, code),
                       method=request.method, path=request.path[:200], status=status,
                       **({"code": code} if code else {}))
    return response


def init_app(app: Flask) -> None:
    # First of all the app's hooks, ahead of those the extensions registered.
    app.before_request_funcs.setdefault(None, []).insert(0, _identify_request)
    app.before_request(_enforce_session_limits)
    app.after_request(_audit_unaudited_request)
    app.teardown_request(lambda _error: audit.unbind_origin())


def select_locale() -> str:
    locales = current_app.config["JIT_LOCALES"]
    if not has_request_context():
        # Commands speak the operator's language: Russian under a Russian LANG, else English.
        return "ru" if os.environ.get("LANG", "").startswith("ru") else "en"
    if current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    if session.get("locale") in locales:
        return session["locale"]
    return request.accept_languages.best_match(locales) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_time_zone() -> str | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.time_zone
    return None

"""Who is calling and in which language: Flask-Login loaders and Flask-Babel selectors."""

from __future__ import annotations

import os

from flask import current_app, has_request_context, redirect, request, session, url_for
from flask_login import current_user

from jit.extensions import login_manager
from jit.services import users
from jit.services.errors import Unauthenticated


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith("/api/")


@login_manager.user_loader
def load_session_user(user_id: str):
    return users.load_user(int(user_id)) if user_id.isdigit() else None


@login_manager.request_loader
def load_bearer_user(req):
    scheme, _, value = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    record = users.token_record(value.strip())
    return record.user if record else None


@login_manager.unauthorized_handler
def unauthorized():
    if is_api_request():
        raise Unauthenticated()
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


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

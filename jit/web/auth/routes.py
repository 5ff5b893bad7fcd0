"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from jit.extensions import limiter
from jit.services import users
from jit.services.errors import InvalidCredentials
from jit.web.auth.forms import LanguageForm, LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def _login_rate_limit() -> str:
    return current_app.config["JIT_LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.username.data, form.password.data)
        except InvalidCredentials as refusal:
            flash(str(refusal.message), "danger")
            return render_template("auth/login.html", form=form), 401
        chosen_locale = session.get("locale")
        session.clear()  # a fresh session on sign-in: nothing from before carries over
        login_user(user)
        if chosen_locale and not user.locale:
            users.set_locale(user, chosen_locale)
        return redirect(_safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            users.set_locale(current_user._get_current_object(), form.locale.data)
    return redirect(_safe_next(form.next.data))

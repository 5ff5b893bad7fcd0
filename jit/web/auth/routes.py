"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from jit.extensions import limiter
from jit.services import accounts, sign_in
from jit.services.errors import InvalidCredentials, SignInThrottled
from jit.session import end_session, start_session
from jit.web.auth.forms import LanguageForm, LoginForm, LogoutForm, SecondFactorForm
from jit.web.common import actor

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
            check = sign_in.check_password(form.username.data, form.password.data)
        except (InvalidCredentials, SignInThrottled) as refusal:
            return _refused("auth/login.html", form, refusal)
        if check.needs_second_factor:
            session["pending_user_id"] = check.user.id
            session["pending_next"] = _safe_next(form.next.data)
            return redirect(url_for("auth.second_factor"))
        return _signed_in(check.user, form.next.data)
    return render_template("auth/login.html", form=form)


def _refused(template: str, form, refusal):
    flash(str(refusal.message), "danger")
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after is not None else {}
    return render_template(template, form=form), refusal.status, headers


def _signed_in(user, next_target: str | None):
    start_session(user)
    chosen_locale = session.get("locale")
    if chosen_locale and chosen_locale != user.locale:  # a language picked on the login page wins
        accounts.set_locale(user, chosen_locale)
    if user.must_change_password:
        return redirect(url_for("account.change_password"))
    if not user.has_second_factor and current_app.config["JIT_REQUIRE_2FA"]:
        return redirect(url_for("account.second_factor"))
    return redirect(_safe_next(next_target))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def second_factor():
    """Second step: the code from the authenticator app, or a recovery code."""
    user_id = session.get("pending_user_id")
    if user_id is None:
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            user = sign_in.check_second_factor(user_id, form.code.data)
        except (InvalidCredentials, SignInThrottled) as refusal:
            if isinstance(refusal, SignInThrottled):
                session.pop("pending_user_id", None)
            return _refused("auth/second_factor.html", form, refusal)
        return _signed_in(user, session.get("pending_next"))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            sign_in.sign_out(actor(), session.get("key"))
        end_session()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            accounts.set_locale(actor(), form.locale.data)
    return redirect(_safe_next(form.next.data))

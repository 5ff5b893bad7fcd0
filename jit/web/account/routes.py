"""The user's own account: details, the password, the second factor (TOTP) set-up and how they hear of
their notifications."""

from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from jit.services import accounts, notification_settings, second_factors
from jit.services.errors import Conflict, Invalid, RateLimited
from jit.session import start_session
from jit.web.account.forms import EnrolForm, NotificationPreferencesForm, PasswordChangeForm, kind_field
from jit.web.common import actor
from jit.web.notifications.routes import KIND_LABELS
from jit.web.refusals import form_page, show_refusal

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/")
@login_required
def overview():
    return render_template("account/overview.html", account=accounts.current_account(actor()))


@bp.route("/second-factor", methods=["GET", "POST"])
@login_required
def second_factor():
    """Show a QR code for an authenticator app, then confirm it with one of its codes."""
    if actor().has_second_factor:
        return render_template("account/second_factor_on.html", account=accounts.current_account(actor()))
    # The setup use case reads the account itself, so the page leaves its one event.
    account = actor()
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = second_factors.enrol_second_factor(account, form.code.data)
        except (Invalid, Conflict) as refusal:
            for field, why in refusal.fields.items():
                getattr(form, field, form.code).errors.append(str(why))
            if not refusal.fields:
                form.code.errors.append(str(refusal.message))
        else:
            return render_template("account/recovery_codes.html", codes=codes)
    secret = second_factors.second_factor_setup(account)
    uri = second_factors.provisioning_uri(account, secret)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return render_template("account/second_factor.html", form=form, qr=qr, secret=secret)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password (also where an account is sent after an admin reset it)."""
    account = accounts.current_account(actor())
    form = PasswordChangeForm()
    status = None
    if form.validate_on_submit():
        try:
            account = accounts.change_password(account, form.current_password.data, form.new_password.data)
        except (Invalid, RateLimited) as refusal:
            status = show_refusal(form, refusal)
        else:
            # The change ended every session of the account: this browser goes on in a new one.
            start_session(account)
            flash(_("Your password is changed. Sign in with it from now on."), "success")
            return redirect(url_for(".overview"))
    return form_page("account/password.html", form, status, account=account)


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notification_preferences():
    """Which notices are mailed (at once or in the daily digest), where, and the quiet hours."""
    form = NotificationPreferencesForm()
    status = None
    if form.validate_on_submit():
        try:
            notification_settings.update_preferences(
                actor(), email=form.email.data, email_kinds=form.email_kinds(),
                quiet_from=form.quiet_from.data, quiet_until=form.quiet_until.data)
        except Invalid as refusal:
            status = show_refusal(form, refusal)
        else:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for(".notification_preferences"))
    chosen = notification_settings.preferences(actor())
    if not form.is_submitted():
        form.email.data, form.quiet_from.data, form.quiet_until.data = (
            chosen.email, chosen.quiet_from, chosen.quiet_until)
        for kind, mode in chosen.email_kinds.items():
            form[kind_field(kind)].data = mode
    return form_page("account/notifications.html", form, status, chosen=chosen,
                     kind_fields=[kind_field(kind) for kind in KIND_LABELS])

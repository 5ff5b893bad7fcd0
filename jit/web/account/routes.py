"""The user's own account: details and the second factor (TOTP) set-up."""

from __future__ import annotations

import segno
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from jit.services import users
from jit.services.errors import Conflict, Invalid
from jit.web.account.forms import EnrolForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/")
@login_required
def overview():
    return render_template("account/overview.html", account=users.current_account(current_user._get_current_object()))


@bp.route("/second-factor", methods=["GET", "POST"])
@login_required
def second_factor():
    """Show a QR code for an authenticator app, then confirm it with one of its codes."""
    account = users.current_account(current_user._get_current_object())
    if account.has_second_factor:
        return render_template("account/second_factor_on.html", account=account)
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = users.enrol_second_factor(account, form.code.data)
        except (Invalid, Conflict) as refusal:
            for field, why in refusal.fields.items():
                getattr(form, field, form.code).errors.append(str(why))
            if not refusal.fields:
                form.code.errors.append(str(refusal.message))
        else:
            return render_template("account/recovery_codes.html", codes=codes)
    secret = users.second_factor_setup(account)
    uri = users.provisioning_uri(account, secret)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return render_template("account/second_factor.html", form=form, qr=qr, secret=secret)

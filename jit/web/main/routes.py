"""The home page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from jit.services import users

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    account = users.current_account(current_user._get_current_object())
    return render_template("main/home.html", account=account)

"""The home page and My work."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from jit.services import accounts, work
from jit.web.common import actor

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    account = accounts.current_account(actor())
    return render_template("main/home.html", account=account)


@bp.route("/my-work")
@login_required
def my_work():
    """The user's open tasks and the instructions waiting on them or their team, by due date."""
    return render_template("main/my_work.html", work=work.my_work(actor()))

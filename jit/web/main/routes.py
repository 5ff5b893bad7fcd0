"""The home page and My work."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from jit.services import home as home_view
from jit.services import work
from jit.web.common import actor

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    """What needs the user, and how their groups are doing."""
    return render_template("main/home.html", home=home_view.home(actor()))


@bp.route("/my-work")
@login_required
def my_work():
    """The user's open tasks and the instructions waiting on them or their team, by due date."""
    return render_template("main/my_work.html", work=work.my_work(actor()))

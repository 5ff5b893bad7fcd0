"""GET /home: the caller's overview, the figures of the home page."""

from __future__ import annotations

from jit.api.common import actor, make_blueprint
from jit.api.errors import ErrorSchema
from jit.api.schemas.home import HomeSchema
from jit.services import home as home_view

blp = make_blueprint("api_home", __name__, "The caller's overview: what waits on them, how their groups are doing.")


@blp.route("/home", methods=["GET"])
@blp.response(200, HomeSchema)
@blp.alt_response(401, schema=ErrorSchema)
def home():
    """What waits on the caller, their groups with status, term, findings and overdue work, and
    the latest events of the groups' timelines."""
    return home_view.home(actor())

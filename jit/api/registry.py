"""GET /parties and GET /authorities."""

from __future__ import annotations

from jit.api.common import actor, make_blueprint
from jit.api.errors import ErrorSchema
from jit.api.schemas import AuthorityFilterSchema, AuthorityPageSchema, PageArgsSchema, PartyPageSchema
from jit.services import registry

blp = make_blueprint("api_registry", __name__, "Parties to the 2015 Agreement and their authorities (Art. 11).")


@blp.route("/parties", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PartyPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
def list_parties(args):
    """The CIS parties with their treaty dates (null where unknown)."""
    return registry.list_parties(actor(), limit=args["limit"], cursor=args["cursor"])


@blp.route("/authorities", methods=["GET"])
@blp.arguments(AuthorityFilterSchema, location="query")
@blp.response(200, AuthorityPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
def list_authorities(args):
    """Central competent and competent authorities, with the dates they were listed and delisted."""
    return registry.list_authorities(
        actor(), party=args["party"], kind=args["kind"], limit=args["limit"], cursor=args["cursor"]
    )

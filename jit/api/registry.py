"""GET /parties and GET /authorities."""

from __future__ import annotations

from jit.api.common import actor, links, make_blueprint
from jit.api.errors import ErrorSchema
from jit.api.schemas.common import PageArgsSchema
from jit.api.schemas.registry import (
    AuthorityCreateSchema,
    AuthorityFilterSchema,
    AuthorityPageSchema,
    AuthoritySchema,
    AuthorityUpdateSchema,
    PartyPageSchema,
    PartySchema,
    PartyUpdateSchema,
)
from jit.services import registry

blp = make_blueprint("api_registry", __name__, "Parties to the 2015 Agreement and their authorities (Art. 11).")
AUTHORITY_OPERATIONS = ("GET /authorities/{authority_id}", "PATCH /authorities/{authority_id}")


@blp.route("/parties", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PartyPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
def list_parties(args):
    """The CIS parties with their treaty dates (null where unknown)."""
    return registry.list_parties(actor(), limit=args["limit"], cursor=args["cursor"])


@blp.route("/authorities", methods=["GET"])
@blp.doc(**links(*AUTHORITY_OPERATIONS, status=200, id_at="/items/0/id"))
@blp.arguments(AuthorityFilterSchema, location="query")
@blp.response(200, AuthorityPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
def list_authorities(args):
    """Central competent and competent authorities, with the dates they were listed and delisted."""
    return registry.list_authorities(
        actor(), party=args["party"], kind=args["kind"], limit=args["limit"], cursor=args["cursor"]
    )


@blp.route("/parties/<code>", methods=["PATCH"])
@blp.arguments(PartyUpdateSchema, required=False)
@blp.response(200, PartySchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def update_party(body, code):
    """Admins: a party's treaty dates (null: not known)."""
    return registry.update_party(actor(), code, **body)


@blp.route("/authorities", methods=["POST"])
@blp.doc(**links(*AUTHORITY_OPERATIONS))
@blp.arguments(AuthorityCreateSchema)
@blp.response(201, AuthoritySchema)
@blp.alt_response(403, schema=ErrorSchema)
def create_authority(body):
    """Admins: add an authority to a party's Art. 11 list."""
    return registry.create_authority(actor(), **body)


@blp.route("/authorities/<int:authority_id>", methods=["GET"])
@blp.response(200, AuthoritySchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_authority(authority_id):
    return registry.get_authority(actor(), authority_id)


@blp.route("/authorities/<int:authority_id>", methods=["PATCH"])
@blp.arguments(AuthorityUpdateSchema, required=False)
@blp.response(200, AuthoritySchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def update_authority(body, authority_id):
    """Admins: rename an authority or delist it from a date (Art. 11 list changes)."""
    return registry.update_authority(actor(), authority_id, **body)

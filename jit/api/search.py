"""Search: /search (API.md, last section)."""

from __future__ import annotations

from jit.api.common import actor, make_blueprint
from jit.api.errors import ErrorSchema
from jit.api.schemas.search import SearchArgsSchema, SearchResultsSchema
from jit.services import search

blp = make_blueprint("api_search", __name__, "Search everything the caller may read.")


@blp.route("/search", methods=["GET"])
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchResultsSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema, description="`group_id` names no group the caller may see")
@blp.alt_response(422, schema=ErrorSchema)
def find(args):
    """Messages, tasks and comments, instructions, evidence, cases, documents, register entries and
    people matching `q` that the caller may read now, best match (or newest) first; `counts` has
    the matches per kind under the same need-to-know."""
    return search.search(actor(), **args)

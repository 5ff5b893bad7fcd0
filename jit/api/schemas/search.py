"""Schemas of the search (jit/api/search.py, API.md "GET /search")."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, one_of, text
from jit.search.documents import KINDS
from jit.services.search import ORDERS, QUERY_LIMIT


class SearchArgsSchema(ma.Schema):
    q = text(QUERY_LIMIT, required=True, metadata={
        "description": "words (any inflection, Russian or English) and numbers (with or without separators); "
                       "each matches as a prefix, all must match"})
    kind = one_of(KINDS, load_default=None)
    group_id = Integer(load_default=None)
    party = ma.fields.String(load_default=None, metadata={"description": "a party's code (BY, KZ, ...)"})
    author_id = Integer(load_default=None)
    date_from = ma.fields.Date(load_default=None, data_key="from")
    date_to = ma.fields.Date(load_default=None, data_key="to")
    order = one_of(ORDERS, load_default="best")
    cursor = ma.fields.String(load_default=None)


class SearchHitSchema(ma.Schema):
    kind = ma.fields.String(metadata={"enum": list(KINDS)})
    id = Integer(metadata={"description": "the record's id within its kind"})
    group_id = Integer(allow_none=True)
    title = ma.fields.String()
    snippet = ma.fields.String(metadata={"description": "the text around the first match"})
    created_at = ma.fields.AwareDateTime()


class SearchResultsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SearchHitSchema))
    counts = ma.fields.Dict(keys=ma.fields.String(), values=Integer(), metadata={
        "description": "matches per kind the caller may read, under every filter but `kind`"})
    next_cursor = ma.fields.String(allow_none=True)

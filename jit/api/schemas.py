"""Marshmallow schemas of the API's bodies; the OpenAPI document is built from them."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from jit.models import AuthorityKind
from jit.services.pagination import DEFAULT_LIMIT, MAX_LIMIT


class PageArgsSchema(ma.Schema):
    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT, error=_l("Must be between {min} and {max}.")),
    )
    cursor = ma.fields.String(load_default=None)


def _localized_name(obj) -> str:
    return obj.name(str(get_locale() or "en"))


class AuthorityRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.Function(_localized_name)
    party = ma.fields.String(attribute="party_code")


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    authority = ma.fields.Nested(AuthorityRefSchema, allow_none=True)
    roles = ma.fields.List(ma.fields.String())
    locale = ma.fields.String(allow_none=True)
    time_zone = ma.fields.String()


class TokenRequestSchema(ma.Schema):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    otp = ma.fields.String(load_default=None)


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    user = ma.fields.Nested(UserSchema)


class PartySchema(ma.Schema):
    code = ma.fields.String()
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    agreement_2015_in_force_on = ma.fields.Date(allow_none=True)
    chisinau_in_force_on = ma.fields.Date(allow_none=True)


class AuthoritySchema(ma.Schema):
    id = ma.fields.Integer()
    party = ma.fields.String(attribute="party_code")
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    kind = ma.fields.Enum(AuthorityKind, by_value=True)
    listed_on = ma.fields.Date()
    delisted_on = ma.fields.Date(allow_none=True)


class AuthorityFilterSchema(PageArgsSchema):
    party = ma.fields.String(load_default=None)
    kind = ma.fields.Enum(AuthorityKind, by_value=True, load_default=None)


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{items: [...], next_cursor}` around `item_schema`."""
    return ma.Schema.from_dict(
        {"items": ma.fields.List(ma.fields.Nested(item_schema)), "next_cursor": ma.fields.String(allow_none=True)},
        name=name,
    )


PartyPageSchema = page_schema(PartySchema, "PartyPage")
AuthorityPageSchema = page_schema(AuthoritySchema, "AuthorityPage")

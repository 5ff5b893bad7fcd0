"""What the API's schema modules share: the whole-number field, the text and choice fields the
services declare, page arguments and pages, the references to people, authorities and teams that
several areas nest, and the ledger proofs (the audit ledger's and each group's evidence ledger's)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from jit.services.pagination import DEFAULT_LIMIT, MAX_LIMIT


class Integer(ma.fields.Integer):
    """A whole number: a JSON number with a fraction (2.5, 1e-42) is refused, where marshmallow's
    Integer would truncate it to a value nobody sent. Digits in a query string still parse."""

    def _validated(self, value):
        if isinstance(value, float):
            raise self.make_error("invalid")
        return super()._validated(value)


class JsonBoolean(ma.fields.Boolean):
    """A JSON true or false: 0, 1 and strings such as "yes" are refused, where marshmallow's Boolean
    would read them as a truth value nobody sent. (Form fields, which arrive as text, keep Boolean.)"""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


# What the services accept, declared in the OpenAPI document (the services enforce it, on every door).
SOMETHING_WRITTEN = r"\S"  # text must hold more than spaces


def text(limit: int | None = None, **kwargs) -> ma.fields.String:
    """A text field the service requires to say something, in at most `limit` characters."""
    metadata = {"minLength": 1, "pattern": SOMETHING_WRITTEN, **kwargs.pop("metadata", {})}
    if limit is not None:
        metadata["maxLength"] = limit
    return ma.fields.String(metadata=metadata, **kwargs)


def one_of(values, **kwargs) -> ma.fields.String:
    """A string the service accepts only from `values` (checked there, with its own message)."""
    metadata = {"enum": [str(value) for value in values], **kwargs.pop("metadata", {})}
    return ma.fields.String(metadata=metadata, **kwargs)


def allowed_actions() -> ma.fields.List:
    """What the caller may do with the object now, on the GET of one object (API.md, last section)."""
    return ma.fields.List(ma.fields.String(), dump_only=True, metadata={"description": (
        "what the caller may do with this object now (on a GET): lifecycle moves as `to:<status>`; "
        "other actions as verbs: a group's `edit`, `add_team`, `add_member`, `remove_member`, `add_document`, "
        "`attach_file`, `add_case`, `add_channel`; an instruction's `add_document`, `add_result`; a task's "
        "`edit`, `comment`; an evidence item's `transfer`, `seal`, `examine`, `verify_hashes`, `return`, "
        "`dispose`, `correct`, `upload`, `record_consent`, `designate_consent_recorder`; a message's `edit`, "
        "`delete`, `history`, `link`, `to_task`. An action that is the caller's but blocked by an unmet "
        "condition is not listed")})


class PageArgsSchema(ma.Schema):
    limit = Integer(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT, error=_l("Must be between {min} and {max}.")),
    )
    cursor = ma.fields.String(load_default=None)


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{items: [...], next_cursor}` around `item_schema`."""
    return ma.Schema.from_dict(
        {"items": ma.fields.List(ma.fields.Nested(item_schema)), "next_cursor": ma.fields.String(allow_none=True)},
        name=name,
    )


def _localized_name(obj) -> str:
    return obj.name(str(get_locale() or "en"))


class AuthorityRefSchema(ma.Schema):
    id = Integer()
    name = ma.fields.Function(_localized_name)
    party = ma.fields.String(attribute="party_code")


class PersonSchema(ma.Schema):
    id = Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()


class TeamRefSchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    national_head = ma.fields.Nested(PersonSchema, allow_none=True)


class CheckpointSchema(ma.Schema):
    ledger = ma.fields.String()
    tree_size = Integer()
    root_hash = ma.fields.String()
    signed_at = ma.fields.String()
    signature = ma.fields.String()
    public_key = ma.fields.String()


class InclusionArgsSchema(ma.Schema):
    leaf_index = Integer(required=True, validate=ma.validate.Range(min=0))
    tree_size = Integer(required=True, validate=ma.validate.Range(min=1))


class InclusionProofSchema(ma.Schema):
    leaf_index = Integer()
    tree_size = Integer()
    leaf_hash = ma.fields.String()
    path = ma.fields.List(ma.fields.String())


class ConsistencyArgsSchema(ma.Schema):
    first = Integer(required=True, validate=ma.validate.Range(min=0))
    second = Integer(required=True, validate=ma.validate.Range(min=0))


class ConsistencyProofSchema(ma.Schema):
    first = Integer()
    second = Integer()
    path = ma.fields.List(ma.fields.String())

"""Keyset pagination for list endpoints: `limit` (default 50, max 500) and an opaque cursor."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from jit.extensions import db
from jit.services import values
from jit.services.errors import Invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


NOT_A_CURSOR = _l("Not a cursor this server issued.")


def encode(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode(cursor: str, key_type: type) -> Any:
    """The key of type `key_type` a cursor carries (Invalid otherwise: anyone can craft one)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError, RecursionError):
        key = None
    if type(key) is not key_type:
        raise Invalid(fields={"cursor": NOT_A_CURSOR})
    return key


def _decode(cursor: str, key_type: type) -> Any:
    """The key a cursor carries. It must decode to a key of the column's type that the database can
    hold (an object, a list, null or a 40-digit number cannot be)."""
    key = decode(cursor, key_type)
    if not (values.storable_int(key) if key_type is int else values.storable_text(key)):
        raise Invalid(fields={"cursor": NOT_A_CURSOR})
    return key


def checked_limit(limit: int | None) -> int:
    """`limit` (the default when None), or Invalid when out of bounds."""
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(fields={"limit": _l("Must be between 1 and %(max)s.", max=MAX_LIMIT)})
    return limit


def paginate(stmt: Select, key_column, *, limit: int | None, cursor: str | None, descending: bool = False) -> Page:
    """Rows of `stmt` ordered by the unique `key_column` (newest first if `descending`), after
    `cursor`, at most `limit`."""
    limit = checked_limit(limit)
    if cursor:
        last = _decode(cursor, key_column.type.python_type)
        stmt = stmt.where(key_column < last if descending else key_column > last)
    order = key_column.desc() if descending else key_column
    rows = list(db.session.scalars(stmt.order_by(order).limit(limit + 1)))
    items = rows[:limit]
    has_more = len(rows) > limit
    next_cursor = encode(getattr(items[-1], key_column.key)) if has_more else None
    return Page(items=items, next_cursor=next_cursor)


def offset_cursor(offset: int) -> str:
    """A cursor for results ordered by something no key follows (relevance): how many came before."""
    return encode(offset)


def read_offset_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    offset = _decode(cursor, int)
    if offset < 0:
        raise Invalid(fields={"cursor": _l("Not a cursor this server issued.")})
    return offset

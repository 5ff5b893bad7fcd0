"""What the platform can store, whichever door a value came through.

PostgreSQL refuses text with NUL characters, UTF-8 has no encoding for an unpaired surrogate (which
a JSON `\\ud800` escape produces), every id, version and counter is a PostgreSQL `integer`, and a
structure nested without end only exhausts the stack. Values like these are refused as invalid
where they are parsed (request, schema, cursor, socket event), never left to fail in the
database as a 500.
"""

from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l

from jit.services.errors import Invalid

# PostgreSQL `integer`, the type of every id, version, sequence number and counter taken as input.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Deeper than any body the API takes (a few levels), far short of the parser's recursion limit.
MAX_DEPTH = 32
# At most this many refused fields are named in one answer.
MAX_NAMED = 10

_UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")

TEXT_REFUSED = _l("Contains a character that cannot be stored (NUL or an unpaired surrogate).")
INT_REFUSED = _l("Must be between {min} and {max}.")  # marshmallow's Range placeholders
TOO_DEEP = _l("Nested too deeply.")
NOT_FINITE = _l("Not a finite number.")


def storable_text(text: str) -> bool:
    return _UNSTORABLE_TEXT.search(text) is None


def storable_int(number: int) -> bool:
    return INT_MIN <= number <= INT_MAX


def int_refused() -> str:
    return str(INT_REFUSED).format(min=INT_MIN, max=INT_MAX)


def refusals(value, path: str = "") -> dict[str, object]:
    """Field path (`persons.0.name`, `_body` for the whole) → why, for the strings (keys too) and
    integers that cannot be stored, the non-finite numbers and the nesting beyond MAX_DEPTH in a
    parsed body, query, form or socket event. Walked without recursion: any depth is safe to look at."""
    found: dict[str, object] = {}
    stack = [(value, _UNSTORABLE_TEXT.sub("\ufffd", path), 0)]
    while stack and len(found) < MAX_NAMED:
        item, where, depth = stack.pop()
        name = where or "_body"
        if isinstance(item, str):
            if not storable_text(item):
                found[name] = TEXT_REFUSED
        elif isinstance(item, int) and not isinstance(item, bool):
            if not storable_int(item):
                found[name] = int_refused()
        elif isinstance(item, float):
            if not math.isfinite(item):
                found[name] = NOT_FINITE
        elif isinstance(item, dict | list | tuple):
            if depth >= MAX_DEPTH:
                found[name] = TOO_DEEP
                continue
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, inner in pairs:
                key = str(key)
                # The path is shown in the answer: a key that cannot be stored cannot be sent back either.
                shown = _UNSTORABLE_TEXT.sub("\ufffd", key)
                inner_path = f"{where}.{shown}" if where else shown
                if not storable_text(key):
                    found[inner_path] = TEXT_REFUSED
                else:
                    stack.append((inner, inner_path, depth + 1))
    return found


def require_storable(value, path: str = "", *, message=None) -> None:
    """Raise Invalid naming every refused field of `value` (see `refusals`)."""
    found = refusals(value, path)
    if found:
        raise Invalid(message, fields=found)


# The two refusals every text field shares, in every service.
REQUIRED = _l("Required.")


def too_long(limit: int):
    return _l("At most %(n)s characters.", n=limit)


def text_problem(value: str | None, limit: int | None = None, *, required: bool = True):
    """Why a text field is refused, judged on its stripped text: REQUIRED when blank (where
    `required`), `too_long` past `limit`; None when it is fine."""
    text = (value or "").strip()
    if not text:
        return REQUIRED if required else None
    if limit is not None and len(text) > limit:
        return too_long(limit)
    return None

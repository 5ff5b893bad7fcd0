"""Test data built through the service layer, so tests exercise the same rules as the app."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from jit.extensions import db
from jit.models import Authority, AuthorityKind
from jit.services import accounts

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


@dataclass(frozen=True)
class UserInfo:
    """What a test needs of a user after the app context that created it has closed."""

    id: int
    username: str
    password: str
    full_name: str


def create_authority(party: str = "BY", kind: AuthorityKind = AuthorityKind.COMPETENT, **fields) -> Authority:
    number = next(_sequence)
    authority = Authority(
        party_code=party,
        kind=kind,
        name_en=fields.pop("name_en", f"Test authority {number}"),
        name_ru=fields.pop("name_ru", f"Тестовый орган {number}"),
        listed_on=fields.pop("listed_on", date(2020, 1, 1)),
        **fields,
    )
    db.session.add(authority)
    db.session.commit()
    return authority


def create_user(
    *, username: str | None = None, roles=("investigator",), password: str = PASSWORD,
    full_name: str | None = None, authority: Authority | None = None, **fields,
) -> UserInfo:
    number = next(_sequence)
    user = accounts.create_user_from_command_line(
        username=username or f"user{number}",
        full_name=full_name or f"Тестовый Пользователь {number}",
        password=password,
        roles=roles,
        authority_id=authority.id if authority else None,
        **fields,
    )
    return UserInfo(id=user.id, username=user.username, password=password, full_name=user.full_name)

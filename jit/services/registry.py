"""Reading the registry of parties and authorities (admin changes come with the access issue)."""

from __future__ import annotations

from sqlalchemy import select

from jit.models import Authority, AuthorityKind, Party, User
from jit.services import authz
from jit.services.pagination import Page, paginate


def list_parties(actor: User | None, *, limit: int | None = None, cursor: str | None = None) -> Page:
    authz.require_user(actor)
    return paginate(select(Party), Party.code, limit=limit, cursor=cursor)


def list_authorities(
    actor: User | None,
    *,
    party: str | None = None,
    kind: AuthorityKind | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page:
    authz.require_user(actor)
    stmt = select(Authority)
    if party:
        stmt = stmt.where(Authority.party_code == party.upper())
    if kind:
        stmt = stmt.where(Authority.kind == kind)
    return paginate(stmt, Authority.id, limit=limit, cursor=cursor)

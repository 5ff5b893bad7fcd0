"""The registry of parties and their Art. 11 authorities: any signed-in user reads it, admins keep it."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from jit.extensions import db
from jit.models import Authority, AuthorityKind, Party, Role, User
from jit.models.types import utcnow
from jit.services import authz, values
from jit.services.audit import note, use_case
from jit.services.errors import DomainError, Invalid, NotFound
from jit.services.pagination import Page, paginate

_UNSET = object()


def require_keeper(actor: User | None) -> User:
    """Admins keep the registry: the check of every change, and of every page offering one."""
    return authz.require_role(actor, Role.ADMIN)


def may_keep(actor: User | None) -> bool:
    """Whether to offer `actor` the registry's forms (the same check their changes make)."""
    try:
        require_keeper(actor)
    except DomainError:
        return False
    return True


@use_case("party.list")
def list_parties(actor: User | None, *, limit: int | None = None, cursor: str | None = None) -> Page:
    authz.require_user(actor)
    note(object_type="party")
    return paginate(select(Party), Party.code, limit=limit, cursor=cursor)


@use_case("party.update")
def update_party(actor: User | None, code: str, *, agreement_2015_in_force_on=_UNSET,
                 chisinau_in_force_on=_UNSET) -> Party:
    """Treaty dates as the depositary reports them (None: not known)."""
    require_keeper(actor)
    party = db.session.get(Party, (code or "").upper())
    if party is None:
        raise NotFound()
    note(object_type="party", object_id=party.code)
    if agreement_2015_in_force_on is not _UNSET:
        party.agreement_2015_in_force_on = agreement_2015_in_force_on
        note(agreement_2015_in_force_on=_iso(agreement_2015_in_force_on))
    if chisinau_in_force_on is not _UNSET:
        party.chisinau_in_force_on = chisinau_in_force_on
        note(chisinau_in_force_on=_iso(chisinau_in_force_on))
    return party


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@use_case("authority.list")
def list_authorities(actor: User | None, *, party: str | None = None, kind: AuthorityKind | None = None,
                     limit: int | None = None, cursor: str | None = None) -> Page:
    authz.require_user(actor)
    note(object_type="authority")
    stmt = select(Authority)
    if party:
        stmt = stmt.where(Authority.party_code == party.upper())
    if kind:
        stmt = stmt.where(Authority.kind == kind)
    return paginate(stmt, Authority.id, limit=limit, cursor=cursor)


@use_case("authority.read")
def get_authority(actor: User | None, authority_id: int) -> Authority:
    authz.require_user(actor)
    authority = db.session.get(Authority, authority_id)
    if authority is None:
        raise NotFound()
    note(object_type="authority", object_id=authority.id)
    return authority


NAME_MAX_LENGTH = 300  # the column's size


def _check_names(name_en: str | None, name_ru: str | None) -> dict:
    problems = {}
    for field, value in (("name_en", name_en), ("name_ru", name_ru)):
        problem = values.text_problem(value, NAME_MAX_LENGTH) if value is not None else None
        if problem:
            problems[field] = problem
    return problems


@use_case("authority.create")
def create_authority(actor: User | None, *, party: str, name_en: str, name_ru: str, kind: AuthorityKind,
                     listed_on: date) -> Authority:
    """Add an authority to a party's Art. 11 list from the date it was listed."""
    require_keeper(actor)
    problems = _check_names(name_en, name_ru)
    if db.session.get(Party, (party or "").upper()) is None:
        problems["party"] = _l("Not a party to the Agreement.")
    if kind not in {k.value for k in AuthorityKind}:
        problems["kind"] = _l("One of: %(kinds)s.", kinds=", ".join(k.value for k in AuthorityKind))
    if not isinstance(listed_on, date):
        problems["listed_on"] = values.REQUIRED
    if problems:
        raise Invalid(fields=problems)
    authority = Authority(party_code=party.upper(), name_en=name_en.strip(), name_ru=name_ru.strip(),
                          kind=AuthorityKind(kind), listed_on=listed_on)
    db.session.add(authority)
    db.session.flush()
    note(object_type="authority", object_id=authority.id, party=authority.party_code, kind=authority.kind.value)
    return authority


@use_case("authority.update")
def update_authority(actor: User | None, authority_id: int, *, delisted_on=_UNSET, name_en: str | None = None,
                     name_ru: str | None = None) -> Authority:
    """Rename an authority or take it off the list from a date (Art. 11 list changes)."""
    require_keeper(actor)
    authority = db.session.get(Authority, authority_id)
    if authority is None:
        raise NotFound()
    note(object_type="authority", object_id=authority.id)
    problems = _check_names(name_en, name_ru)
    if delisted_on not in (_UNSET, None) and delisted_on <= authority.listed_on:
        problems["delisted_on"] = _l("Must be after the date it was listed (%(day)s).",
                                     day=authority.listed_on.isoformat())
    if problems:
        raise Invalid(fields=problems)
    if delisted_on is not _UNSET:
        authority.delisted_on = delisted_on
        note(delisted_on=_iso(delisted_on))
    if name_en is not None:
        authority.name_en = name_en.strip()
    if name_ru is not None:
        authority.name_ru = name_ru.strip()
    return authority


@use_case("registry.overview")
def overview(actor: User | None) -> dict[str, int]:
    """What the admin's front page counts: the registry's size and accounts lacking a factor."""
    authz.require_role(actor, Role.ADMIN)
    today = utcnow().date()
    return {
        "parties": db.session.scalar(select(func.count()).select_from(Party)),
        "authorities": db.session.scalar(select(func.count()).select_from(Authority).where(
            Authority.listed_on <= today, or_(Authority.delisted_on.is_(None), Authority.delisted_on > today))),
        "users": db.session.scalar(select(func.count()).select_from(User).where(User.active.is_(True))),
        "users_without_second_factor": db.session.scalar(select(func.count()).select_from(User).where(
            User.active.is_(True), User.totp_enabled_at.is_(None))),
    }

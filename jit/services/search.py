"""Search everything the caller may read now, in one query (issue 18).

Need-to-know is part of the query itself: the groups the caller may see (`scope.visible_groups`),
the channels they may read (`authz.can_read_channel`), their authority's register
(`authz.can_view_request`) and the people of their groups; counts per kind come from the same
filtered query, so no count reveals a hidden match. Every search is audited with its text and
how many results it found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import lazyload, selectinload

from jit.extensions import db
from jit.models import (
    Authority,
    Channel,
    JointGroup,
    LegalRequest,
    Membership,
    Party,
    Role,
    SearchEntry,
    TaskComment,
    User,
)
from jit.search import index
from jit.search import sync as index_sync
from jit.search.documents import GROUP_KINDS, KINDS, scope_token
from jit.search.text import highlight, parse_query
from jit.services import authz, scope, values
from jit.services.audit import note, use_case
from jit.services.errors import Invalid, NotFound
from jit.services.pagination import Page, offset_cursor, read_offset_cursor

QUERY_LIMIT = 200
PAGE_SIZE = 20
ORDERS = ("best", "newest")


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    group_id: int | None
    title: str
    fragments: list[tuple[str, bool]]  # the matching fragment: (piece, is_match); the door escapes each piece
    created_at: datetime
    # What a page links to besides the record: a message's channel, a comment's task.
    parent_id: int | None = None

    @property
    def snippet(self) -> str:
        return "".join(piece for piece, _ in self.fragments)


@dataclass(frozen=True)
class Results:
    items: list[Hit]
    counts: dict[str, int]
    next_cursor: str | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Access:
    """What the caller may read now: the scope every search query is confined to."""

    groups: list[JointGroup]  # by code
    group_ids: frozenset[int]
    channel_ids: frozenset[int]
    colleagues: Select | None  # the ids of the people they may find besides themselves (None: everyone)
    actor_id: int
    registers: list[int]  # the authorities whose register they may read

    def may_find_person(self, user_id: ColumnElement) -> ColumnElement:
        return true() if self.colleagues is None else or_(user_id == self.actor_id, user_id.in_(self.colleagues))

    def scopes(self) -> list[str]:
        """The scope tokens (jit.search.documents.scope_token) of what they may read."""
        return [*(scope_token("task", group_id=group_id) for group_id in sorted(self.group_ids)),
                *(scope_token("message", channel_id=channel_id) for channel_id in sorted(self.channel_ids)),
                *(scope_token("request", keeper_authority_id=keeper) for keeper in self.registers),
                scope_token("person")]

    def clause(self) -> ColumnElement:
        parts = [and_(SearchEntry.kind.in_(GROUP_KINDS), SearchEntry.group_id.in_(self.group_ids)),
                 and_(SearchEntry.kind == "message", SearchEntry.channel_id.in_(self.channel_ids)),
                 and_(SearchEntry.kind == "person", self.may_find_person(SearchEntry.object_id))]
        if self.registers:
            parts.append(and_(SearchEntry.kind == "request", SearchEntry.keeper_authority_id.in_(self.registers)))
        return or_(*parts)


def access_of(actor: User) -> Access:
    groups = scope.visible_groups(actor)
    group_ids = frozenset(group.id for group in groups)
    # What `can_read_channel` reads: the groups just loaded, and a custom channel's chosen members.
    channels = db.session.scalars(select(Channel).where(Channel.group_id.in_(group_ids))
                                  .options(selectinload(Channel.members))) if group_ids else []
    if actor.has_role(Role.ADMIN):
        colleagues = None
        registers = list(db.session.scalars(select(Authority.id).order_by(Authority.id)))
    else:
        registers = [actor.authority_id] if authz.keeps_register(actor) else []
        # The current members of the groups they see.
        colleagues = select(Membership.user_id).where(Membership.group_id.in_(group_ids), Membership.ends_on.is_(None))
    return Access(groups=groups, group_ids=group_ids,
                  channel_ids=frozenset(channel.id for channel in channels if authz.can_read_channel(actor, channel)),
                  colleagues=colleagues, actor_id=actor.id, registers=registers)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _check(q: str, kind: str | None, order: str, date_from: date | None, date_to: date | None) -> None:
    problems = {}
    if problem := values.text_problem(q, QUERY_LIMIT):
        problems["q"] = problem
    elif not parse_query(q):
        problems["q"] = _l("Type a word or a number.")
    if kind is not None and kind not in KINDS:
        problems["kind"] = _l("One of: %(kinds)s.", kinds=", ".join(KINDS))
    if order not in ORDERS:
        problems["order"] = _l("One of: %(orders)s.", orders=", ".join(ORDERS))
    if date_from and date_to and date_from > date_to:
        problems["to"] = _l("Must not be before 'from'.")
    if problems:
        raise Invalid(fields=problems)


def _parents(entries: list[SearchEntry]) -> dict[tuple[str, int], int]:
    comment_ids = [entry.object_id for entry in entries if entry.kind == "comment"]
    tasks = db.session.execute(select(TaskComment.id, TaskComment.task_id).where(TaskComment.id.in_(comment_ids))
                               ) if comment_ids else []
    parents = {("comment", comment_id): task_id for comment_id, task_id in tasks}
    parents.update({("message", entry.object_id): entry.channel_id for entry in entries if entry.kind == "message"})
    return parents


@use_case("search.query")
def search(actor: User | None, q: str, *, kind: str | None = None, group_id: int | None = None,
           party: str | None = None, author_id: int | None = None, date_from: date | None = None,
           date_to: date | None = None, order: str = "best", cursor: str | None = None,
           limit: int = PAGE_SIZE) -> Results:
    """The records matching `q` that the caller may read now, best match (or newest) first, with
    the number per kind under the same filters (all kinds, whichever `kind` is chosen)."""
    actor = authz.require_user(actor)
    q = (q or "").strip()
    note(object_type="search", query=q[:QUERY_LIMIT])
    _check(q, kind, order, date_from, date_to)
    offset = read_offset_cursor(cursor)
    access = access_of(actor)
    if group_id is not None and group_id not in access.group_ids:
        raise NotFound()
    query = parse_query(q)
    matching = index.matching(db.session, query, access.scopes())
    stmt = matching.stmt.where(access.clause())
    if group_id is not None:
        stmt = stmt.where(SearchEntry.group_id == group_id)
    if party:
        stmt = stmt.where(SearchEntry.party_code == party)
    if author_id is not None:
        stmt = stmt.where(SearchEntry.author_id == author_id)
    if date_from:
        stmt = stmt.where(SearchEntry.created_at >= _day_start(date_from))
    if date_to:
        stmt = stmt.where(SearchEntry.created_at < _day_start(date_to + timedelta(days=1)))
    counts = dict(db.session.execute(stmt.with_only_columns(SearchEntry.kind, func.count())
                                     .group_by(SearchEntry.kind)).all())
    if kind is not None:
        stmt = stmt.where(SearchEntry.kind == kind)
    # Whichever the order, the entries matching all the words come first, then those matching fewer.
    most_terms = () if matching.terms_matched is None else (matching.terms_matched.desc(),)
    newest = (SearchEntry.created_at.desc(), SearchEntry.id.desc())
    best = () if order == "newest" else (matching.relevance.desc(),)
    stmt = stmt.order_by(*most_terms, *best, *newest)
    entries = list(db.session.scalars(stmt.offset(offset).limit(limit + 1)))
    more, entries = len(entries) > limit, entries[:limit]
    parents = _parents(entries)
    items = [Hit(kind=entry.kind, id=entry.object_id, group_id=entry.group_id, title=entry.title,
                 fragments=highlight(entry.body or entry.title, query), created_at=entry.created_at,
                 parent_id=parents.get((entry.kind, entry.object_id))) for entry in entries]
    results = Results(items=items, counts=counts, next_cursor=offset_cursor(offset + limit) if more else None)
    note(results=sum(counts[k] for k in counts if kind is None or k == kind), group_id=group_id)
    return results


@use_case("legal_request.search")
def search_register(actor: User | None, q: str, *, cursor: str | None = None) -> Page:
    """The register entries the caller may read matching `q`, best match first (the register page's box)."""
    results = search(actor, q, kind="request", cursor=cursor)
    ids = [hit.id for hit in results.items]
    rows = {row.id: row for row in db.session.scalars(select(LegalRequest).where(LegalRequest.id.in_(ids)))}
    return Page(items=[rows[i] for i in ids if i in rows], next_cursor=results.next_cursor)


@dataclass(frozen=True)
class Choices:
    """What the filters of a search page offer, by name: the groups the caller sees, the parties, the people."""

    groups: list[JointGroup]
    parties: list[Party]
    people: list[User]


@use_case("search.filters")
def filter_choices(actor: User | None) -> Choices:
    actor = authz.require_user(actor)
    access = access_of(actor)
    # A choice names the person's authority; their roles are not read.
    people = db.session.scalars(select(User).where(User.active.is_(True), access.may_find_person(User.id))
                                .options(selectinload(User.authority), lazyload(User.role_rows))
                                .order_by(User.full_name))
    return Choices(groups=access.groups, parties=list(db.session.scalars(select(Party).order_by(Party.code))),
                   people=list(people))


@use_case("search.page")
def search_page(actor: User | None, criteria: Callable[[Choices], dict | None]) -> tuple[Choices, Results | None]:
    """The search page in one read: the filters' choices, then the search `criteria` asks for with
    them (None: the page only shows the form)."""
    choices = filter_choices(actor)
    wanted = criteria(choices)
    note(object_type="search")
    return choices, None if wanted is None else search(actor, **wanted)


def reindex(progress: index_sync.Progress | None = None, *, if_empty: bool = False) -> dict[str, int] | None:
    """Rebuild the whole index from the records (`flask jit search reindex`; an operator's command,
    not a use case: it writes nothing but the index). With `if_empty`, only an index with no entry
    at all is built (a database upgraded to the index's migration), and None says it was not."""
    if if_empty and db.session.scalar(select(SearchEntry.id).limit(1)) is not None:
        return None
    return index_sync.rebuild(db.session, progress)

"""What the pages outside a group show when they take more than one read (a group's pages are in
`group_view`): one read use case each, so that opening the page leaves one audit event, named for
what the person did; the registry lists a page offers as choices join it.

Pages whose form chooses among registry rows take the rest of their reads as a function of those
rows (`criteria(authorities)`, `filters(parties)`): the form can only be checked once its choices are
read, and what it asks for is read after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from jit.models import AuditEvent, Authority, JointGroup, Party, User
from jit.services import accounts, audit, authz, legal_requests, naming, operations, registry, scope, search
from jit.services.audit import note, use_case
from jit.services.errors import Invalid
from jit.services.pagination import MAX_LIMIT, Page


def _parties(actor: User | None) -> list[Party]:
    return registry.list_parties(actor, limit=MAX_LIMIT).items


def _authorities(actor: User | None) -> list[Authority]:
    return registry.list_authorities(actor, limit=MAX_LIMIT).items


@use_case("legal_request.form")
def request_form(actor: User | None) -> tuple[list[Party], list[Authority]]:
    """The choices of the form registering a legal-assistance request."""
    parties, authorities = _parties(actor), _authorities(actor)
    note(object_type="legal_request")
    return parties, authorities


@use_case("legal_request.stats")
def statistics_page(actor: User | None, criteria: Callable[[list[Authority]], dict]) -> tuple[dict, list[Party]]:
    """The statistics of the requests `criteria` chooses among the authorities, with the parties
    that name the rows."""
    chosen = criteria(_authorities(actor))
    parties = _parties(actor)
    return legal_requests.statistics(actor, **chosen), parties


@use_case("legal_request.list")
def register_page(actor: User | None, filters: Callable[[list[Party], list[Authority]], dict], *,
                  cursor: str | None = None) -> tuple[Page, list[Party], list[Authority]]:
    """The register entries `filters` chooses among the parties and authorities, with those; a text `q`
    among them searches the register instead (case numbers, authorities, persons in any case ending)."""
    parties, authorities = _parties(actor), _authorities(actor)
    chosen = filters(parties, authorities)
    text = (chosen.pop("q", None) or "").strip()
    if text:
        return search.search_register(actor, text, cursor=cursor), parties, authorities
    return legal_requests.list_requests(actor, **chosen, cursor=cursor), parties, authorities


@use_case("authority.list")
def authority_register(actor: User | None, filters: Callable[[list[Party]], dict], *,
                       cursor: str | None = None) -> Page:
    """The authorities `filters` chooses among the parties."""
    return registry.list_authorities(actor, **filters(_parties(actor)), cursor=cursor)


@use_case("user.read")
def user_page(actor: User | None, user_id: int) -> tuple[User, list[Authority], int]:
    """An account's admin page: the account, the authorities it may belong to, and its failed
    sign-ins counted now."""
    user = accounts.get_user(actor, user_id)
    authorities = _authorities(actor)
    failures = accounts.recent_sign_in_failures(actor, user_id)
    note(object_type="user", object_id=user.id)
    return user, authorities, failures


@dataclass
class AuditTrail:
    """The audit page: the people and groups its filter offers, the events chosen (None while the
    filter is not valid), why the filter was refused, and the names of what the events mention."""

    people: list[User]
    groups: list[JointGroup]
    page: Page | None = None
    problems: dict = field(default_factory=dict)
    names: dict[naming.Ref, str] = field(default_factory=dict)


def _mentioned(event: AuditEvent) -> list[naming.Ref]:
    refs = [("user", str(event.user_id)), ("group", str(event.group_id)), (event.object_type, event.object_id)]
    return refs + [ref for key, value in event.details.items() for ref in operations.references(key, value)]


@use_case("audit.list")
def audit_trail(actor: User | None, criteria: Callable[[list[User], list[JointGroup]], dict | None], *,
                cursor: str | None = None) -> AuditTrail:
    """The events `criteria` chooses among the people whose events the caller may read and the
    groups the caller may see (None: the filter is not valid, nothing is listed)."""
    actor = authz.require_user(actor)
    people = audit.readable_people(actor)
    trail = AuditTrail(people, scope.visible_groups(actor))
    chosen = criteria(people, trail.groups)
    if chosen is None:
        return trail
    try:
        trail.page = audit.list_events(actor, **chosen, cursor=cursor, limit=100)
    except Invalid as refusal:
        note(refused=",".join(refusal.fields))
        trail.problems = refusal.fields
        return trail
    trail.names = naming.names(actor, (ref for event in trail.page.items for ref in _mentioned(event)))
    return trail

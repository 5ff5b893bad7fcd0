"""What records are called where a page mentions them by kind and number (the audit trail, compliance
findings): a group by its code, a case by its number, an instruction by its subject, a person by name.
Only what the reader may see is named: a record in a group they cannot see (or a channel they cannot
read) stays unnamed, so a name never tells an outsider that it exists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Load, lazyload, selectinload

from jit.extensions import db
from jit.models import (
    Authority,
    Channel,
    CriminalCase,
    EvidenceItem,
    GroupDocument,
    Instruction,
    JointGroup,
    LegalRequest,
    Message,
    NationalTeam,
    Party,
    Task,
    User,
)
from jit.services import authz

Ref = tuple[str, str]  # (object type, id as the audit trail keeps it)

# Each kind of record the trail and the findings mention, in words.
OBJECT_TYPES: dict[str, LazyString] = {
    "group": _l("group"), "case": _l("criminal case"), "instruction": _l("instruction"), "task": _l("task"),
    "evidence": _l("evidence item"), "group_document": _l("decision"), "team": _l("national team"),
    "channel": _l("channel"), "message": _l("message"), "legal_request": _l("legal-assistance request"),
    "party": _l("party"), "authority": _l("authority"), "user": _l("account"), "api_token": _l("API token"),
    "session": _l("session"), "socket": _l("live-update connection"), "socket_server": _l("server process"),
    "ledger": _l("ledger"), "compliance": _l("compliance"), "compliance_rule": _l("compliance rule"),
    "evaluation": _l("evaluation"),
}


def object_type_label(object_type: str | None) -> str:
    return str(OBJECT_TYPES.get(object_type, object_type or ""))


def _locale() -> str:
    return str(get_locale() or "en")


@dataclass(frozen=True)
class _Kind:
    model: type
    name: Callable[[object], str]
    visible: Callable[[User, object], bool]
    # What `name` and `visible` read besides the record, loaded with all the records of the kind.
    loads: tuple[Load, ...] = ()


def _in_visible_group(viewer: User, record) -> bool:
    return authz.can_view_group(viewer, record.group)


def _in_group(model: type, name: Callable[[object], str], *loads: Load) -> _Kind:
    """A kind of record that belongs to a group: named where the viewer may see the group."""
    return _Kind(model, name, _in_visible_group, (authz.group_access(model.group), *loads))


def _always(viewer: User, record) -> bool:
    return True


KINDS: dict[str, _Kind] = {
    "group": _Kind(JointGroup, lambda group: group.code, authz.can_view_group, (authz.group_access(),)),
    "case": _in_group(CriminalCase, lambda case: case.number),
    "instruction": _in_group(Instruction, lambda instruction: instruction.subject),
    "task": _in_group(Task, lambda task: task.title),
    "evidence": _in_group(EvidenceItem, lambda item: f"{item.number} {item.title}"),
    "group_document": _in_group(GroupDocument, lambda document: document.reference),
    "team": _in_group(NationalTeam, lambda team: f"{team.group.code}, {team.party.name(_locale())}",
                      selectinload(NationalTeam.party)),
    "channel": _Kind(Channel, lambda channel: f"{channel.group.code}, {channel.name}", authz.can_read_channel,
                     authz.channel_access()),
    "message": _Kind(Message, lambda message: f"{message.channel.group.code}, {message.channel.name}",
                     lambda viewer, message: authz.can_read_channel(viewer, message.channel),
                     authz.channel_access(Message.channel)),
    "legal_request": _Kind(LegalRequest, lambda request: request.case_number, authz.can_view_request),
    "party": _Kind(Party, lambda party: party.name(_locale()), _always),
    "authority": _Kind(Authority, lambda authority: authority.name(_locale()), _always),
    # People are named to whoever reads an event about them: it was their own act, or the reader is an admin.
    "user": _Kind(User, lambda user: user.full_name, _always, (lazyload(User.role_rows),)),
}


def _key(model: type, raw: str):
    """The primary key as the model holds it (a party's is its code), or None for an id that cannot be one."""
    if model is Party:
        return raw
    return int(raw) if raw.isdigit() else None


def names(viewer: User, refs: Iterable[Ref]) -> dict[Ref, str]:
    """The name of each record the viewer may see among `refs` (one query per kind)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in refs:
        if object_type in KINDS and object_id is not None:
            wanted[object_type].add(str(object_id))
    found: dict[Ref, str] = {}
    for object_type, ids in wanted.items():
        kind = KINDS[object_type]
        keys = {key for key in (_key(kind.model, raw) for raw in ids) if key is not None}
        primary = kind.model.__mapper__.primary_key[0]
        for record in db.session.scalars(select(kind.model).where(primary.in_(keys)).options(*kind.loads)):
            if kind.visible(viewer, record):
                found[(object_type, str(getattr(record, primary.key)))] = kind.name(record)
    return found

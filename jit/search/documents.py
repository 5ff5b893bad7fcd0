"""What is searched: for each kind of record, the entry the index holds for it (DESIGN.md "Search").

Each builder loads its record by id and returns the entry's fields, or None when the record is gone
or not to be found (a deleted message): the caller then removes the entry. Loading by id, rather
than using objects as they stood in a flush, makes one path serve the writes of every use case, a
rolled-back savepoint, and the full rebuild alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jit.models import (
    Authority,
    Channel,
    CriminalCase,
    EvidenceFile,
    EvidenceItem,
    GroupDocument,
    Instruction,
    InstructionDocument,
    InstructionResult,
    LegalRequest,
    Message,
    NationalTeam,
    Task,
    TaskComment,
    User,
)
from jit.search.text import index_terms

TITLE_LIMIT = 300


def _entry(kind: str, object_id: int, *, title: str, texts: list[str | None], created_at: datetime,
           group_id: int | None = None, channel_id: int | None = None, keeper_authority_id: int | None = None,
           party_code: str | None = None, author_id: int | None = None) -> dict:
    body = "\n".join(text for text in texts if text)
    return {"kind": kind, "object_id": object_id, "group_id": group_id, "channel_id": channel_id,
            "keeper_authority_id": keeper_authority_id, "party_code": party_code, "author_id": author_id,
            "created_at": created_at, "title": title[:TITLE_LIMIT], "body": body,
            "terms": index_terms(title, body),
            "scope": scope_token(kind, group_id=group_id, channel_id=channel_id,
                                 keeper_authority_id=keeper_authority_id)}


def scope_token(kind: str, *, group_id: int | None = None, channel_id: int | None = None,
                keeper_authority_id: int | None = None) -> str:
    """What reading an entry depends on, as one token: a message its channel (`c7`), a register
    entry its keeping authority (`a3`), a person `p` (whom one may find is decided apart), any other
    record its group (`g2`). Fixed for the record's life: a change of rights changes the tokens a
    caller is given, never an entry."""
    if kind == "message":
        return f"c{channel_id}"
    if kind == "request":
        return f"a{keeper_authority_id}"
    return "p" if kind == "person" else f"g{group_id}"


def _team_party(session: Session, team_id: int | None) -> str | None:
    team = session.get(NationalTeam, team_id) if team_id is not None else None
    return team.party_code if team else None


def _authority_names(authority) -> list[str]:
    return [authority.name_ru, authority.name_en] if authority is not None else []


def message(session: Session, message_id: int) -> dict | None:
    record = session.get(Message, message_id)
    if record is None or record.deleted_at is not None:
        return None
    channel = session.get(Channel, record.channel_id)
    return _entry("message", record.id, title=channel.name, texts=[record.body], created_at=record.created_at,
                  group_id=channel.group_id, channel_id=channel.id, party_code=_team_party(session, channel.team_id),
                  author_id=record.author_id)


def task(session: Session, task_id: int) -> dict | None:
    record = session.get(Task, task_id)
    if record is None:
        return None
    return _entry("task", record.id, title=record.title, texts=[record.description, record.blocked_reason],
                  created_at=record.created_at, group_id=record.group_id,
                  party_code=_team_party(session, record.team_id), author_id=record.created_by_id)


def comment(session: Session, comment_id: int) -> dict | None:
    record = session.get(TaskComment, comment_id)
    if record is None:
        return None
    parent = session.get(Task, record.task_id)
    return _entry("comment", record.id, title=parent.title, texts=[record.body], created_at=record.created_at,
                  group_id=parent.group_id, party_code=_team_party(session, parent.team_id),
                  author_id=record.author_id)


def instruction(session: Session, instruction_id: int) -> dict | None:
    record = session.get(Instruction, instruction_id)
    if record is None:
        return None
    results = session.scalars(select(InstructionResult.text).where(InstructionResult.instruction_id == record.id))
    documents = session.execute(select(InstructionDocument.title, InstructionDocument.file_name)
                                .where(InstructionDocument.instruction_id == record.id))
    actions = [action for action in record.actions or [] if isinstance(action, str)]
    return _entry("instruction", record.id, title=record.subject or (actions[0] if actions else ""),
                  texts=[*actions, record.body, *results, record.refusal_reason,
                         *(part for row in documents for part in row)],
                  created_at=record.created_at, group_id=record.group_id,
                  party_code=_team_party(session, record.from_team_id), author_id=record.created_by_id)


def evidence(session: Session, item_id: int) -> dict | None:
    record = session.get(EvidenceItem, item_id)
    if record is None:
        return None
    file_names = session.scalars(select(EvidenceFile.name).where(EvidenceFile.item_id == record.id))
    return _entry("evidence", record.id, title=f"{record.number} {record.title}",
                  texts=[record.description, record.obtained_place, record.obtained_under, record.use_conditions,
                         *file_names],
                  created_at=record.created_at, group_id=record.group_id, party_code=record.party_code,
                  author_id=record.created_by_id)


def case(session: Session, case_id: int) -> dict | None:
    record = session.get(CriminalCase, case_id)
    if record is None:
        return None
    return _entry("case", record.id, title=record.number, texts=[record.articles, record.summary],
                  created_at=record.created_at, group_id=record.group_id, party_code=record.party_code,
                  author_id=record.handling_investigator_id)


def document(session: Session, document_id: int) -> dict | None:
    record = session.get(GroupDocument, document_id)
    if record is None:
        return None
    return _entry("document", record.id, title=record.reference,
                  texts=[record.signed_by, *_authority_names(record.authority), record.file_name],
                  created_at=record.created_at, group_id=record.group_id, party_code=record.party_code,
                  author_id=record.created_by_id)


def request(session: Session, request_id: int) -> dict | None:
    record = session.get(LegalRequest, request_id)
    if record is None:
        return None
    persons = [person.get("name") for person in record.persons or [] if isinstance(person, dict)]
    # Dated when it was sent: the register is read by that date, and its bulk-loaded rows share one created_at.
    sent = datetime.combine(record.sent_on, time(), tzinfo=UTC)
    # The requesting authority's name stays out: it is the keeper's own or one beside it, which every
    # entry of a register shares (renaming it rewrote 89,000 entries at 10 x the demo, 71 s); the
    # register page filters by it. The authority asked, free text, is searched.
    return _entry("request", record.id, title=f"{record.case_number} {record.case_title}".strip(),
                  texts=[record.requested_authority,
                         *(name for name in persons if isinstance(name, str)), record.representatives,
                         record.substance],
                  created_at=sent, keeper_authority_id=record.keeper_authority_id,
                  party_code=record.requested_party, author_id=record.created_by_id)


def person(session: Session, user_id: int) -> dict | None:
    record = session.get(User, user_id)
    if record is None or not record.active:
        return None
    return _entry("person", record.id, title=record.full_name,
                  texts=[record.username, *_authority_names(record.authority)], created_at=record.created_at,
                  party_code=record.authority.party_code if record.authority else None)


# kind -> (the model whose rows it indexes, the builder)
BUILDERS: dict[str, tuple[type, Callable[[Session, int], dict | None]]] = {
    "message": (Message, message),
    "task": (Task, task),
    "comment": (TaskComment, comment),
    "instruction": (Instruction, instruction),
    "evidence": (EvidenceItem, evidence),
    "case": (CriminalCase, case),
    "document": (GroupDocument, document),
    "request": (LegalRequest, request),
    "person": (User, person),
}
KINDS = tuple(BUILDERS)
GROUP_KINDS = ("task", "comment", "instruction", "evidence", "case", "document")

# A flushed row of these models changes the entry of (kind, the id its attribute names).
AFFECTS: dict[type, tuple[str, str]] = {
    **{model: (kind, "id") for kind, (model, _) in BUILDERS.items()},
    InstructionResult: ("instruction", "instruction_id"),
    InstructionDocument: ("instruction", "instruction_id"),
    EvidenceFile: ("evidence", "item_id"),
}


@dataclass(frozen=True)
class Embedded:
    """Another record's name written into entries: when one of `names` changes, the entries of each
    (kind, the column of its records that refers to the renamed one) are rewritten."""

    names: tuple[str, ...]
    entries: tuple[tuple[str, InstrumentedAttribute], ...]


# A person's full name and username are their own entry's; a group's title is in no entry.
EMBEDDED: dict[type, Embedded] = {
    Channel: Embedded(("name",), (("message", Message.channel_id),)),
    Task: Embedded(("title",), (("comment", TaskComment.task_id),)),
    Authority: Embedded(("name_ru", "name_en"), (("document", GroupDocument.authority_id),
                                                 ("person", User.authority_id))),
}

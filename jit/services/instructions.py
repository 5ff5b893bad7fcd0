"""Instructions (поручения): the national head of the requesting team asks the national head of
another team of the same group for procedural actions and operational-search measures, with the
certified decisions attached; the requested head accepts or refuses it and reports execution with
results (DOMAIN.md "Instruction")."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import (
    Instruction,
    InstructionDocument,
    InstructionEvent,
    InstructionResult,
    InstructionStatus,
    JointGroup,
    MemberRole,
    NationalTeam,
    User,
)
from jit.models.instruction import SUBJECT_LIMIT
from jit.models.types import utcnow
from jit.services import authz, files, notifications, scope, values
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Inapplicable, Invalid, NotFound
from jit.services.pagination import MAX_LIMIT, Page, paginate

# Each move, and which side makes it: the requesting head sends, the requested head answers.
MOVES: dict[InstructionStatus, dict[InstructionStatus, str]] = {
    InstructionStatus.DRAFT: {InstructionStatus.SENT: "from"},
    InstructionStatus.SENT: {InstructionStatus.ACCEPTED: "to", InstructionStatus.REFUSED: "to"},
    InstructionStatus.ACCEPTED: {InstructionStatus.IN_PROGRESS: "to", InstructionStatus.REFUSED: "to"},
    InstructionStatus.IN_PROGRESS: {InstructionStatus.EXECUTED: "to", InstructionStatus.PARTIALLY_EXECUTED: "to",
                                    InstructionStatus.REFUSED: "to"},
}
OPEN_STATUSES = (InstructionStatus.SENT, InstructionStatus.ACCEPTED, InstructionStatus.IN_PROGRESS)
BODY_LIMIT = 20000


def is_national_head(user: User, team: NationalTeam) -> bool:
    return any(m.user_id == user.id and m.role == MemberRole.NATIONAL_HEAD for m in team.current_members)


def is_overdue(instruction: Instruction, today: date | None = None) -> bool:
    due_on = instruction.due_on
    return instruction.status in (InstructionStatus.DRAFT, *OPEN_STATUSES) and due_on < (today or scope.today())


def _record(instruction: Instruction, actor: User, event: str, **details) -> None:
    db.session.add(InstructionEvent(instruction=instruction, actor_id=actor.id, kind=event,
                                    details={key: value for key, value in details.items() if value is not None}))
    scope.announce(instruction.group, f"instruction.{event}",
                   {"instruction_id": instruction.id, "status": instruction.status.value, **details})


def _load(actor: User | None, instruction_id: int) -> tuple[User, Instruction]:
    return scope.load_in_group(actor, Instruction, instruction_id, "instruction")


# --- reading -------------------------------------------------------------------------------

def listed(group: JointGroup, *, status: str | None = None, overdue: bool = False,
           to_team_id: int | None = None) -> Select:
    """The group's instructions a list shows: of one status, past their due date while still open
    (drafts included: a draft past its date is late to send), or addressed to one team. The home
    page counts with the same query, so a number and the list it links to agree."""
    stmt = select(Instruction).where(Instruction.group_id == group.id)
    if status:
        if status not in {s.value for s in InstructionStatus}:
            raise Invalid(fields={"status": _l("Not a status of an instruction.")})
        stmt = stmt.where(Instruction.status == InstructionStatus(status))
    if overdue:
        stmt = stmt.where(Instruction.due_on < scope.today(),
                          Instruction.status.in_((InstructionStatus.DRAFT, *OPEN_STATUSES)))
    if to_team_id is not None:
        stmt = stmt.where(Instruction.to_team_id == to_team_id)
    return stmt


@use_case("instruction.list")
def list_instructions(actor: User | None, group_id: int, *, status: str | None = None, overdue: bool = False,
                      to_team_id: int | None = None, limit: int | None = None, cursor: str | None = None) -> Page:
    """The group's instructions, for anyone who may see the group."""
    _, group = scope.load_visible(actor, group_id)
    stmt = listed(group, status=status, overdue=overdue, to_team_id=to_team_id).options(
        selectinload(Instruction.documents), selectinload(Instruction.results))
    return paginate(stmt, Instruction.id, limit=limit, cursor=cursor, descending=True)


@use_case("instruction.list")
def instruction_choices(actor: User | None, group_id: int) -> list[Instruction]:
    """The group's latest instructions (as many as a list page holds), for a field that names one:
    with what their labels show, without the documents and results a list loads for each."""
    _, group = scope.load_visible(actor, group_id)
    return db.session.scalars(listed(group).options(selectinload(Instruction.case))
                              .order_by(Instruction.id.desc()).limit(MAX_LIMIT)).all()


@use_case("instruction.read")
def get_instruction(actor: User | None, instruction_id: int) -> Instruction:
    actor, instruction = _load(actor, instruction_id)
    notifications.opened(actor, instruction)
    return instruction


# --- drafting ------------------------------------------------------------------------------

def _team_of(group: JointGroup, team_id: int | None, field: str) -> NationalTeam:
    team = next((team for team in group.teams if team.id == team_id), None)
    if team is None:
        raise Invalid(fields={field: _l("Not a national team of this group.")})
    return team


def _actions_are_listed(actions) -> bool:
    return isinstance(actions, list) and bool(actions) and all(isinstance(a, str) and a.strip() for a in actions)


def _subject(subject: str | None, actions) -> tuple[str, str | None]:
    """The subject to store and what is wrong with it; none given: the first action, trimmed to fit."""
    if subject is None:
        first = actions[0].strip() if _actions_are_listed(actions) else ""
        return first[:SUBJECT_LIMIT], None
    return subject.strip(), values.text_problem(subject, SUBJECT_LIMIT)


@use_case("instruction.create")
def create_instruction(actor: User | None, group_id: int, *, from_team_id: int, to_team_id: int, case_id: int,
                       actions: list[str], due_on: date, body: str, needs_sanction: bool = False,
                       subject: str | None = None) -> Instruction:
    """The requesting team's national head drafts an instruction to another team's national head,
    marking it as needing a sanction where the requesting party's law asks for one. Without a
    subject (the API lets it out) the first action is the subject."""
    actor, group = scope.load_visible(actor, group_id)
    from_team = _team_of(group, from_team_id, "from_team_id")
    if not is_national_head(actor, from_team):
        raise Forbidden(_l("Only the national head of the requesting team sends instructions."))
    authz.require_open(group)  # a draft may be prepared at any stage; sending it is work (require_workable)
    to_team = _team_of(group, to_team_id, "to_team_id")
    problems = {}
    subject, problem = _subject(subject, actions)
    if problem:
        problems["subject"] = problem
    if not _actions_are_listed(actions):
        problems["actions"] = _l("List at least one procedural action or measure.")
    if to_team.id == from_team.id:
        problems["to_team_id"] = _l("An instruction goes to another party's team, not to one's own.")
    if not any(case.id == case_id for case in group.cases):
        problems["case_id"] = _l("Not a criminal case of this group.")
    if problem := values.text_problem(body, BODY_LIMIT):
        problems["body"] = problem
    if not isinstance(due_on, date):
        problems["due_on"] = values.REQUIRED
    elif due_on < scope.today():
        problems["due_on"] = _l("Cannot be in the past.")
    if problems:
        raise Invalid(fields=problems)
    instruction = Instruction(group=group, from_team=from_team, to_team=to_team, case_id=case_id, subject=subject,
                              actions=[action.strip() for action in actions], due_on=due_on, body=body.strip(),
                              needs_sanction=bool(needs_sanction), created_by_id=actor.id)
    db.session.add(instruction)
    db.session.flush()
    note(object_type="instruction", object_id=instruction.id, subject=subject)
    _record(instruction, actor, "created", to_team_id=to_team.id, subject=subject)
    return instruction


@use_case("instruction.update")
def update_subject(actor: User | None, instruction_id: int, *, subject: str, version: int | None) -> Instruction:
    """The requesting head renames a draft; once sent, the instruction no longer changes."""
    actor, instruction = _load(actor, instruction_id)
    authz.refuse(*_edit_refusals(actor, instruction))
    scope.check_version(instruction, version, _l("instruction"))
    subject, problem = _subject(subject or "", instruction.actions)
    if problem:
        raise Invalid(fields={"subject": problem})
    if subject != instruction.subject:
        previous, instruction.subject = instruction.subject, subject
        note(subject=subject)
        _record(instruction, actor, "edited", subject=subject, previous_subject=previous)
    return instruction


def _draft_refusals(actor: User, instruction: Instruction, not_the_head, not_a_draft) -> list[authz.Refusal]:
    """A draft is in its requesting head's hands until it is sent."""
    return [None if is_national_head(actor, instruction.from_team) else Forbidden(not_the_head),
            authz.closed_refusal(instruction.group),
            None if instruction.status == InstructionStatus.DRAFT else Inapplicable(not_a_draft)]


def _edit_refusals(actor: User, instruction: Instruction) -> list[authz.Refusal]:
    return _draft_refusals(actor, instruction, _l("Only the national head of the requesting team edits its drafts."),
                           _l("Only a draft instruction can be edited."))


def _document_refusals(actor: User, instruction: Instruction) -> list[authz.Refusal]:
    return _draft_refusals(actor, instruction,
                           _l("Only the national head of the requesting team attaches its decisions."),
                           _l("Decisions are attached before the instruction is sent."))


@use_case("instruction.document_add")
def add_document(actor: User | None, instruction_id: int, *, title: str, certified: bool, is_sanction: bool,
                 filename: str | None, stream: BinaryIO) -> InstructionDocument:
    """Attach a decision ordering the actions (certified; a sanction where the law asks for one)."""
    actor, instruction = _load(actor, instruction_id)
    authz.refuse(*_document_refusals(actor, instruction))
    if values.text_problem(title):
        raise Invalid(fields={"title": values.REQUIRED})
    name, stored = files.store_upload(filename, stream)
    document = InstructionDocument(instruction=instruction, title=title.strip()[:300], certified=bool(certified),
                                   is_sanction=bool(is_sanction), file_name=name, file_sha256=stored.sha256,
                                   file_size=stored.size, added_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    note(document_id=document.id, sha256=stored.sha256, certified=document.certified)
    _record(instruction, actor, "document_added", document_id=document.id, sha256=stored.sha256)
    return document


# --- answering -----------------------------------------------------------------------------

def _result_refusals(actor: User, instruction: Instruction) -> list[authz.Refusal]:
    return [None if is_national_head(actor, instruction.to_team) else
            Forbidden(_l("Only the national head of the requested team reports results.")),
            scope.unworkable_refusal(instruction.group),
            None if instruction.status in (InstructionStatus.ACCEPTED, InstructionStatus.IN_PROGRESS) else
            Inapplicable(_l("Results are reported on an accepted instruction being executed."))]


@use_case("instruction.result_add")
def add_result(actor: User | None, instruction_id: int, *, text: str, filename: str | None = None,
               stream: BinaryIO | None = None) -> InstructionResult:
    """The requested head sends results back (text, and a file if any) while executing."""
    actor, instruction = _load(actor, instruction_id)
    authz.refuse(*_result_refusals(actor, instruction))
    if values.text_problem(text):
        raise Invalid(fields={"text": values.REQUIRED})
    result = InstructionResult(instruction=instruction, text=text.strip()[:BODY_LIMIT], added_by_id=actor.id)
    if stream is not None:
        result.file_name, stored = files.store_upload(filename, stream)
        result.file_sha256, result.file_size = stored.sha256, stored.size
    db.session.add(result)
    db.session.flush()
    note(result_id=result.id, sha256=result.file_sha256)
    notifications.tell("instruction.results", instruction, heads(instruction)[:1], actor=actor)
    _record(instruction, actor, "result_added", result_id=result.id)
    return result


def _unmet(instruction: Instruction, target: InstructionStatus) -> str | None:
    """Why the instruction may not move to `target` now (None: it may)."""
    if target == InstructionStatus.SENT and not any(doc.certified for doc in instruction.documents):
        return str(_l("Attach at least one certified decision document before sending (AGR-INSTR-DECISIONS)."))
    if target == InstructionStatus.SENT and instruction.needs_sanction and not instruction.has_certified_sanction:
        return str(_l("This instruction needs a sanction: attach the certified sanction of a prosecutor or court "
                      "before sending (AGR-INSTR-DECISIONS)."))
    if target in (InstructionStatus.EXECUTED, InstructionStatus.PARTIALLY_EXECUTED) and not instruction.results:
        return str(_l("Report the results before reporting execution."))
    return None


def _move_refusals(actor: User, instruction: Instruction, target: InstructionStatus) -> list[authz.Refusal]:
    """A move the lifecycle allows from here: made by its side's national head (the requesting
    head sends, the requested head answers), in a workable group, with its conditions met."""
    team = instruction.from_team if MOVES[instruction.status][target] == "from" else instruction.to_team
    unmet = _unmet(instruction, target)
    return [None if is_national_head(actor, team) else
            Forbidden(_l("Only the national head of the %(party)s team can do this.", party=team.party_code)),
            scope.unworkable_refusal(instruction.group),
            Conflict(unmet, fields={"to": unmet}) if unmet else None]


def allowed_actions(actor: User | None, instruction: Instruction) -> authz.Actions:
    """What `actor` may do with the instruction now, each with what it still lacks (NotFound for
    someone who may not see its group): `to:<status>` for each move from here, `add_document`
    (a decision, while a draft), `edit` (the subject, while a draft), `add_result` (while being executed)."""
    actor, _ = authz.require_group(actor, instruction.group)
    checks = {f"to:{target.value}": _move_refusals(actor, instruction, target)
              for target in MOVES.get(instruction.status, {})}
    checks.update(edit=_edit_refusals(actor, instruction), add_document=_document_refusals(actor, instruction),
                  add_result=_result_refusals(actor, instruction))
    return authz.answer(checks)


@use_case("instruction.transition")
def transition(actor: User | None, instruction_id: int, *, to: str, version: int | None,
               reason: str | None = None) -> Instruction:
    actor, instruction = _load(actor, instruction_id)
    try:
        target = InstructionStatus(to)
    except ValueError:
        raise Invalid(fields={"to": _l("Not a status of an instruction.")}) from None
    if MOVES.get(instruction.status, {}).get(target) is None:
        raise Conflict(_l("A %(from)s instruction cannot become %(to)s.",
                          **{"from": instruction.status.value, "to": target.value}), fields={"to": target.value})
    mover, workable, unmet = _move_refusals(actor, instruction, target)
    authz.refuse(mover, workable)
    scope.check_version(instruction, version, _l("instruction"))
    if target == InstructionStatus.REFUSED and not (reason or "").strip():
        raise Invalid(fields={"reason": _l("Say why the instruction is refused.")})
    authz.refuse(unmet)
    previous, instruction.status = instruction.status, target
    if target == InstructionStatus.SENT:
        instruction.sent_at = utcnow()
    if target == InstructionStatus.REFUSED:
        instruction.refusal_reason = reason.strip()[:BODY_LIMIT]
    note(to=target.value)
    _tell_moved(instruction, actor, target)
    _record(instruction, actor, target.value, **{"from": previous.value, "reason": (reason or "").strip() or None})
    return instruction


# What each move tells: sending, the requested team's head; answering, the requesting team's head.
MOVE_NOTICES = {InstructionStatus.SENT: "instruction.sent", InstructionStatus.ACCEPTED: "instruction.accepted",
                InstructionStatus.REFUSED: "instruction.refused", InstructionStatus.EXECUTED: "instruction.executed",
                InstructionStatus.PARTIALLY_EXECUTED: "instruction.executed"}


def heads(instruction: Instruction) -> tuple[int | None, int | None]:
    """The national heads of the requesting and the requested team, now."""
    return tuple(team.national_head.id if team.national_head else None
                 for team in (instruction.from_team, instruction.to_team))


def _tell_moved(instruction: Instruction, actor: User, target: InstructionStatus) -> None:
    kind = MOVE_NOTICES.get(target)
    if kind is None:
        return
    requesting, requested = heads(instruction)
    notifications.tell(kind, instruction, [requested if target == InstructionStatus.SENT else requesting],
                       actor=actor, reason=instruction.refusal_reason)


# --- files ---------------------------------------------------------------------------------

@use_case("instruction.file_read")
def stored_file(actor: User | None, instruction_id: int, *, document_id: int | None = None,
                result_id: int | None = None) -> tuple[str, str, BinaryIO]:
    """A decision's or a result's file, for anyone who may see the group: (name, sha256, stream)."""
    _, instruction = _load(actor, instruction_id)
    items = instruction.documents if document_id is not None else instruction.results
    wanted = document_id if document_id is not None else result_id
    item = next((item for item in items if item.id == wanted), None)
    if item is None or item.file_sha256 is None:
        raise NotFound()
    return item.file_name, item.file_sha256, files.content_store().open(item.file_sha256)

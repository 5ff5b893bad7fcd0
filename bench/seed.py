"""A fast bulk seeder for the benchmarks: grows the demo's database to a given size (groups, members,
tasks, instructions, evidence items, channel messages, register requests), by bulk inserts through
the models rather than through the use cases row by row.

Evidence items are the exception: each is a leaf of its group's evidence ledger (RFC 9162 tree,
with its nodes), so they are registered through the evidence service, whose chain and ledger the
pages verify; a thousand take seconds, not minutes.

The records' texts are numbered phrases unless a `Wording` says otherwise (the search benchmark
writes varied ones).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update

from jit.demo.register import _row as register_row
from jit.extensions import db
from jit.models import (
    Authority,
    AuthorityKind,
    Channel,
    ChannelKind,
    CriminalCase,
    Direction,
    EvidenceItem,
    GroupStatus,
    Instruction,
    InstructionStatus,
    JointGroup,
    LegalRequest,
    MemberRole,
    Membership,
    Message,
    NationalTeam,
    Party,
    Role,
    Task,
    TaskAssignment,
    TaskChange,
    TaskPriority,
    TaskStatus,
    User,
    UserRole,
)
from jit.services import evidence, passwords

INSERT_CHUNK = 500
PARTIES = ("BY", "KZ")
PASSWORD = "bench-password-2025"  # noqa: S105 - generated accounts of a throw-away database
# How often each task state occurs, roughly as a working group's board looks.
TASK_STATES = {TaskStatus.OPEN: 30, TaskStatus.IN_PROGRESS: 25, TaskStatus.BLOCKED: 10, TaskStatus.DONE: 25,
               TaskStatus.CANCELLED: 10}


@dataclass(frozen=True)
class Size:
    groups: int
    members: int
    tasks: int
    instructions: int
    evidence: int
    messages: int
    requests: int


# Ten times the demo (issue 16, item 6).
TEN_TIMES_DEMO = Size(groups=10, members=500, tasks=20_000, instructions=5_000, evidence=1_000, messages=100_000,
                      requests=89_000)
# A tenth more again: what a page reads at ten and at eleven times the demo, with every list as full
# as the other, tells a count that grows with the data from one that only differs from the demo's.
ELEVEN_TIMES_DEMO = Size(**{name: round(value * 1.1) for name, value in vars(TEN_TIMES_DEMO).items()})


Say = Callable[[int], str]  # a record's text from its number


@dataclass(frozen=True)
class Wording:
    """What the seeded records say, each from the record's number."""

    task_title: Say = "Задача № {}".format
    task_description: Say = "Провести мероприятия и доложить".format  # (the number is left out)
    instruction_subject: Say = "Допрос свидетеля № {}".format
    instruction_body: Say = "Поручение № {}".format
    message: Say = "Сообщение № {}: сведения по эпизоду".format
    evidence_title: Say = "Носитель информации № {}".format


NUMBERED = Wording()


def inserted(model, rows: list[dict]) -> list[int]:
    """Bulk-insert `rows` of `model`; their new ids, in order. In chunks: SQLAlchemy's sorting of
    RETURNING rows grows quadratically with one statement's rows on SQLite."""
    ids = []
    for start in range(0, len(rows), INSERT_CHUNK):
        ids += db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                                  rows[start:start + INSERT_CHUNK]).all()
    return ids


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def current(size_of=count) -> Size:
    return Size(groups=size_of(JointGroup), members=size_of(User), tasks=size_of(Task),
                instructions=size_of(Instruction), evidence=size_of(EvidenceItem), messages=size_of(Message),
                requests=size_of(LegalRequest))


@dataclass
class Team:
    group_id: int
    team_id: int
    party: str
    head_id: int
    member_ids: list[int]
    case_id: int


def _central(party: str) -> Authority:
    return db.session.scalars(select(Authority).where(Authority.party_code == party,
                                                      Authority.kind == AuthorityKind.CENTRAL)).first()


def _new_people(count_: int, start: int, authority: Authority, password_hash: str) -> list[int]:
    ids = inserted(User, [{"username": f"bench.{authority.party_code.lower()}{start + n:04d}",
                           "full_name": f"Сотрудник {authority.party_code} {start + n:04d}",
                           "password_hash": password_hash, "authority_id": authority.id, "locale": "ru"}
                          for n in range(count_)])
    db.session.execute(insert(UserRole), [{"user_id": user_id, "role": Role.INVESTIGATOR} for user_id in ids])
    return ids


def _add_groups(target: Size, rng: random.Random) -> None:
    """Active groups of two national teams (Belarus and Kazakhstan), each with a case and its channels,
    until there are `target.groups`; the members are spread over them until there are `target.members`."""
    today = datetime.now(UTC).date()
    have = current()
    new_groups = target.groups - have.groups
    if new_groups <= 0:
        return
    per_team = max(-(-(target.members - have.members) // (2 * new_groups)), 2)  # rounded up
    password_hash = passwords.hash_password(PASSWORD)  # one hash for every account: hashing is slow on purpose
    authorities = {party: _central(party) for party in PARTIES}
    # Numbered on from an earlier growth's groups and people (bench/pages.py grows twice).
    grown = db.session.scalar(select(func.count()).where(JointGroup.code.like("JIG-BENCH-%")))
    people_before = {party: db.session.scalar(select(func.count()).where(
        User.username.like(f"bench.{party.lower()}%"))) for party in PARTIES}
    for number in range(grown, grown + new_groups):
        people = {party: _new_people(per_team, people_before[party] + (number - grown) * per_team,
                                     authorities[party], password_hash)
                  for party in PARTIES}
        head = people["BY"][0]
        group_id = inserted(JointGroup, [{
            "code": f"JIG-BENCH-{number + 1:03d}", "title": f"Группа нагрузочного теста № {number + 1}",
            "purpose": "Расследование хищений с использованием ИКТ", "place_of_activity": "г. Минск, г. Астана",
            "starts_on": today - timedelta(days=120), "ends_on": today + timedelta(days=240),
            "status": GroupStatus.ACTIVE, "head_id": head, "created_by_id": head}])[0]
        for party in PARTIES:
            team_id = inserted(NationalTeam, [{"group_id": group_id, "party_code": party,
                                               "authority_id": authorities[party].id}])[0]
            db.session.execute(insert(Membership), [
                {"group_id": group_id, "team_id": team_id, "user_id": user_id, "authorised_by_id": head,
                 "role": MemberRole.NATIONAL_HEAD if index == 1 else MemberRole.MEMBER,
                 "starts_on": today - timedelta(days=100)}
                for index, user_id in enumerate(people[party])])
            db.session.execute(insert(CriminalCase), [{
                "group_id": group_id, "party_code": party, "number": f"{party}-{number + 1:03d}-2026",
                "opened_on": today - timedelta(days=200), "articles": "ст. 212 УК", "summary": "Хищения с ИКТ",
                "handling_investigator_id": people[party][1]}])
            db.session.execute(insert(Channel), [{"group_id": group_id, "team_id": team_id, "kind": ChannelKind.TEAM,
                                                  "name": f"Команда {party}", "created_by_id": head}])
        db.session.execute(insert(Channel), [{"group_id": group_id, "kind": ChannelKind.GENERAL, "name": "Общий",
                                              "created_by_id": head}])
    db.session.commit()


def _teams() -> list[Team]:
    """Every national team of an active group with its current head, members and a case of its party."""
    teams = []
    for team in db.session.scalars(select(NationalTeam).join(JointGroup).where(
            JointGroup.status == GroupStatus.ACTIVE).order_by(NationalTeam.id)):
        current_members = [m for m in team.memberships if m.ends_on is None]
        heads = [m.user_id for m in current_members if m.role == MemberRole.NATIONAL_HEAD]
        case_id = db.session.scalar(select(CriminalCase.id).where(CriminalCase.group_id == team.group_id,
                                                                  CriminalCase.party_code == team.party_code))
        if heads and case_id is not None:
            teams.append(Team(team.group_id, team.id, team.party_code, heads[0],
                              [m.user_id for m in current_members], case_id))
    return teams


def _add_instructions(target: Size, teams: list[Team], rng: random.Random, wording: Wording) -> None:
    today = datetime.now(UTC).date()
    pairs = [(a, b) for a in teams for b in teams if a.group_id == b.group_id and a.team_id != b.team_id]
    statuses = list(InstructionStatus)
    rows = []
    for number in range(current().instructions, target.instructions):
        source, addressee = pairs[number % len(pairs)]
        status = statuses[number % len(statuses)]
        rows.append({
            "group_id": source.group_id, "from_team_id": source.team_id, "to_team_id": addressee.team_id,
            "case_id": source.case_id, "actions": ["Допрос свидетеля", "Выемка документов"],
            "subject": wording.instruction_subject(number + 1), "body": wording.instruction_body(number + 1),
            "due_on": today + timedelta(days=rng.randint(-30, 60)), "status": status,
            "refusal_reason": "Нет оснований" if status == InstructionStatus.REFUSED else None,
            "created_by_id": source.head_id,
            "sent_at": None if status == InstructionStatus.DRAFT else datetime.now(UTC)})
    inserted(Instruction, rows)
    db.session.commit()


def _add_tasks(target: Size, teams: list[Team], rng: random.Random, wording: Wording) -> None:
    today = datetime.now(UTC).date()
    states, weights = list(TASK_STATES), list(TASK_STATES.values())
    rows, assignees = [], []
    for number in range(current().tasks, target.tasks):
        team = teams[number % len(teams)]
        status = rng.choices(states, weights)[0]
        rows.append({
            "group_id": team.group_id, "team_id": team.team_id, "title": wording.task_title(number + 1),
            "description": wording.task_description(number + 1), "status": status,
            "blocked_reason": "Ждём ответа банка" if status == TaskStatus.BLOCKED else None,
            "priority": rng.choice(list(TaskPriority)),
            "due_on": today + timedelta(days=rng.randint(-45, 90)) if rng.random() < 0.9 else None,
            "case_id": team.case_id if rng.random() < 0.5 else None, "created_by_id": team.head_id})
        assignees.append(sorted(rng.sample(team.member_ids, min(len(team.member_ids), rng.choice((1, 1, 2))))))
    ids = inserted(Task, rows)
    db.session.execute(insert(TaskAssignment), [{"task_id": task_id, "user_id": user_id}
                                                for task_id, chosen in zip(ids, assignees, strict=True)
                                                for user_id in chosen])
    db.session.execute(insert(TaskChange), [
        {"task_id": task_id, "actor_id": row["created_by_id"], "field": "created", "old": {},
         "new": {"status": row["status"].value, "title": row["title"], "assignee_ids": chosen}}
        for task_id, row, chosen in zip(ids, rows, assignees, strict=True)])
    db.session.commit()


def _add_messages(target: Size, rng: random.Random, wording: Wording) -> None:
    """Messages spread over every channel, numbered on from each channel's last number."""
    channels = list(db.session.scalars(select(Channel).order_by(Channel.id)))
    authors = {}
    for channel in channels:
        authors[channel.id] = list(db.session.scalars(select(Membership.user_id).where(
            Membership.group_id == channel.group_id, Membership.ends_on.is_(None),
            *([Membership.team_id == channel.team_id] if channel.team_id else []))))
    channels = [channel for channel in channels if authors[channel.id]]
    rows, last = [], {channel.id: channel.last_seq for channel in channels}
    start = datetime.now(UTC) - timedelta(days=60)
    missing = target.messages - current().messages
    for number in range(missing):
        channel = channels[number % len(channels)]
        last[channel.id] += 1
        rows.append({"channel_id": channel.id, "seq": last[channel.id], "author_id": rng.choice(authors[channel.id]),
                     "body": wording.message(number + 1),
                     "created_at": start + timedelta(seconds=number * 50)})
    for begin in range(0, len(rows), INSERT_CHUNK * 4):
        db.session.execute(insert(Message), rows[begin:begin + INSERT_CHUNK * 4])
    for channel_id, seq in last.items():
        db.session.execute(update(Channel).where(Channel.id == channel_id).values(last_seq=seq))
    db.session.commit()


def _add_requests(target: Size, rng: random.Random) -> None:
    """More of the Investigative Committee's outgoing register, shaped like the demo's (about one in
    nine still without a response), spread over the same ten months."""
    keeper = db.session.scalar(select(LegalRequest.keeper_authority_id).order_by(LegalRequest.id).limit(1))
    created_by = db.session.scalar(select(LegalRequest.created_by_id).order_by(LegalRequest.id).limit(1))
    parties = {party.code: party for party in db.session.scalars(select(Party))}
    partners = [code for code in parties if code != "BY"]
    first = db.session.scalar(select(func.min(LegalRequest.sent_on)))
    today = datetime.now(UTC).date()
    rows = []
    for number in range(current().requests, target.requests):
        sent_on = first + timedelta(days=number % 300)
        executed = min(sent_on + timedelta(days=rng.randint(30, 90)), today) if number % 9 else None
        partner = parties[rng.choice(partners)]
        rows.append(register_row(rng, keeper, created_by, keeper, parties["BY"], partner, f"Ведомство {partner.code}",
                                 sent_on, executed, Direction.OUTGOING, number + 1))
    for begin in range(0, len(rows), INSERT_CHUNK * 4):
        db.session.execute(insert(LegalRequest), rows[begin:begin + INSERT_CHUNK * 4])
    db.session.commit()


def _add_evidence(target: Size, teams: list[Team], wording: Wording) -> None:
    """Registered through the evidence service (each item is a ledger leaf), by each team's members in turn."""
    now = datetime.now(UTC)
    actors = {user.id: user for user in db.session.scalars(select(User).where(
        User.id.in_({member for team in teams for member in team.member_ids})))}
    for number in range(current().evidence, target.evidence):
        team = teams[number % len(teams)]
        member = actors[team.member_ids[number % len(team.member_ids)]]
        evidence.register(member, team.group_id, case_id=team.case_id, title=wording.evidence_title(number + 1),
                          kind="device", obtained_at=now - timedelta(days=30), obtained_place="г. Минск",
                          obtained_under=f"Протокол обыска № {number + 1}")


def grow(target: Size, rng: random.Random, wording: Wording = NUMBERED) -> None:
    """Add to the database (the demo) until it holds `target` of everything."""
    _add_groups(target, rng)
    teams = _teams()
    _add_instructions(target, teams, rng, wording)
    _add_tasks(target, teams, rng, wording)
    _add_messages(target, rng, wording)
    _add_requests(target, rng)
    _add_evidence(target, teams, wording)

"""The demo's legal-assistance register: the story of DOMAIN.md in numbers. In January–October 2025
the Investigative Committee of Belarus sent about 8,900 requests: over 5,500 to Russia (5,000 of
them to the MVD's Investigative Department), exactly 982 to Kazakhstan (11%, rank 2), the rest to
the other parties. Generated deterministically and written in one bulk insert, so that `jit demo`
stays fast."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from jit.compliance.requests import fitting_instrument
from jit.extensions import db
from jit.models import Direction, LegalRequest, Party, RequestKind, RequestStatus, User
from jit.models.types import utcnow
from jit.search import sync as index_sync
from jit.services import legal_requests

PERIOD_START, PERIOD_DAYS = date(2025, 1, 1), 304  # 1 January – 31 October 2025
# (requested party, requested authority, how many, median days to execution)
OUTGOING = [
    ("RU", "Следственный департамент МВД России", 5000, 38),
    ("RU", "Следственный комитет Российской Федерации", 500, 41),
    ("KZ", "Министерство внутренних дел Республики Казахстан", 982, 52),
    ("UZ", "Министерство внутренних дел Республики Узбекистан", 640, 61),
    ("KG", "Министерство внутренних дел Кыргызской Республики", 520, 57),
    ("TJ", "Министерство внутренних дел Республики Таджикистан", 380, 66),
    ("AM", "Следственный комитет Республики Армения", 300, 49),
    ("AZ", "Министерство внутренних дел Азербайджанской Республики", 260, 70),
    ("MD", "Генеральная прокуратура Республики Молдова", 190, 63),
    ("TM", "Министерство внутренних дел Туркменистана", 128, 75),
]
KINDS = [RequestKind.LEGAL_ASSISTANCE] * 17 + [RequestKind.SERVICE_OF_DOCUMENTS] * 2 + [RequestKind.EXTRADITION]
SUBSTANCES = [
    "Допросить свидетеля — владельца банковской карты, на которую поступили похищенные средства.",
    "Истребовать сведения о владельцах IP-адресов и абонентских номеров.",
    "Получить выписки о движении денежных средств по счетам.",
    "Установить местонахождение подозреваемого и вручить процессуальные документы.",
]
NAMES = ["Ахметов Б.К.", "Смирнов А.В.", "Каримова Д.Р.", "Исаев Т.М.", "Петренко О.Н.", "Алиев Р.Ш."]
NOT_EXECUTED_EVERY = 9  # about one in nine is still without a response


def load_register(people: dict[str, User], authority_ids: dict[str, int]) -> None:
    """The register's story in bulk, and two entries the legal officer's report flags: an incoming
    request lacking its Art. 7 contents (MLA-CONTENT) and one made under a bilateral treaty where
    Minsk applies (MLA-INSTRUMENT)."""
    legal_officer = people["o.kovalenko"]
    _load_bulk(authority_ids["ic_by"], legal_officer, kz_authority_id=authority_ids["mvd_kz"], today=utcnow().date())
    common = {"kind": "legal_assistance", "requested_authority": "Министерство внутренних дел Республики Казахстан",
              "case_number": "№ 20251640012", "sent_on": utcnow().date() - timedelta(days=20),
              "due_on": utcnow().date() + timedelta(days=40)}
    legal_requests.create_request(legal_officer, direction="incoming", requesting_authority_id=authority_ids["mvd_kz"],
                                  requested_party="BY", persons=[], substance="", confidential=None, **common)
    legal_requests.create_request(
        legal_officer, direction="outgoing", requesting_authority_id=authority_ids["ic_by"], requested_party="KZ",
        persons=[{"name": "Сидорова А.В.", "citizenship": "KZ"}], confidential=True,
        substance="Допросить потерпевшую Сидорову А.В.", instrument="bilateral",
        instrument_reason="Двусторонний договор о правовой помощи (по указанию руководства)", **common)


def _load_bulk(keeper_id: int, legal_officer: User, *, kz_authority_id: int, today: date) -> None:
    """The outgoing story, and a few incoming requests from Kazakhstan for the other direction."""
    rng = random.Random(982)  # noqa: S311 - reproducible demo data, not a secret
    parties = {party.code: party for party in db.session.scalars(select(Party))}
    rows = []
    for party, authority, count, median_days in OUTGOING:
        for i in range(count):
            sent_on = PERIOD_START + timedelta(days=(i * PERIOD_DAYS) // count)
            executed = None
            if i % NOT_EXECUTED_EVERY:
                executed = min(sent_on + timedelta(days=median_days + rng.randint(-12, 12)), today)
            rows.append(_row(rng, keeper_id, legal_officer.id, keeper_id, parties["BY"], parties[party], authority,
                             sent_on, executed, Direction.OUTGOING, len(rows) + 1))
    for i in range(40):
        sent_on = PERIOD_START + timedelta(days=i * 7)
        rows.append(_row(rng, keeper_id, legal_officer.id, kz_authority_id, parties["KZ"], parties["BY"],
                         "Следственный комитет Республики Беларусь", sent_on, sent_on + timedelta(days=30),
                         Direction.INCOMING, len(rows) + 1))
    db.session.execute(insert(LegalRequest), rows)
    # A bulk insert passes no flush the index follows: say which rows to index with the commit.
    index_sync.note_written(db.session, "request", db.session.scalars(
        select(LegalRequest.id).where(LegalRequest.keeper_authority_id == keeper_id)))


def _row(rng: random.Random, keeper_id: int, created_by_id: int, requesting_authority_id: int, requesting: Party,
         requested: Party, requested_authority: str, sent_on: date, executed_on: date | None, direction: Direction,
         number: int) -> dict:
    status = RequestStatus.EXECUTED if executed_on else (
        RequestStatus.SENT if direction == Direction.OUTGOING else RequestStatus.RECEIVED)
    return {
        "keeper_authority_id": keeper_id, "direction": direction, "kind": rng.choice(KINDS),
        "requesting_authority_id": requesting_authority_id, "requesting_party": requesting.code,
        "requested_party": requested.code, "requested_authority": requested_authority,
        "case_number": f"{sent_on.year}{number:07d}", "case_title": "",
        "persons": [{"name": rng.choice(NAMES), "citizenship": requested.code, "address": "", "procedural_status": ""}],
        "representatives": "", "confidential": number % 3 == 0, "substance": rng.choice(SUBSTANCES),
        "instrument": fitting_instrument(requesting, requested, sent_on), "instrument_reason": None,
        "sent_on": sent_on, "received_on": sent_on + timedelta(days=5) if direction == Direction.INCOMING else None,
        "due_on": sent_on + timedelta(days=60), "executed_on": executed_on, "status": status,
        "created_by_id": created_by_id,
    }


"""The demo data set: the Belarus–Kazakhstan ICT-crime story of DOMAIN.md. Seed data, not a use
case of the platform: it is loaded through the services (so it obeys their rules) as one audited
`demo.load`. The accounts and authorities are here; the groups' work in `groups`, the legal
assistance register in `register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.demo import groups, register
from jit.extensions import db
from jit.models import Authority, AuthorityKind, User
from jit.services import accounts
from jit.services.audit import use_case
from jit.services.errors import Conflict

DEMO_PASSWORD = "demo-password-2025"  # noqa: S105 - printed on purpose, demo only

# (key, party, kind, English name, Russian name, listed on)
AUTHORITIES = [
    ("ic_by", "BY", AuthorityKind.CENTRAL, "Investigative Committee of the Republic of Belarus",
     "Следственный комитет Республики Беларусь", date(2017, 3, 1)),
    ("mvd_by", "BY", AuthorityKind.COMPETENT, "Ministry of Internal Affairs of the Republic of Belarus",
     "Министерство внутренних дел Республики Беларусь", date(2017, 3, 1)),
    ("mvd_kz", "KZ", AuthorityKind.CENTRAL, "Ministry of Internal Affairs of the Republic of Kazakhstan",
     "Министерство внутренних дел Республики Казахстан", date(2017, 5, 15)),
    ("gp_kz", "KZ", AuthorityKind.CENTRAL, "Prosecutor General's Office of the Republic of Kazakhstan",
     "Генеральная прокуратура Республики Казахстан", date(2017, 5, 15)),
    ("afm_kz", "KZ", AuthorityKind.COMPETENT, "Financial Monitoring Agency of the Republic of Kazakhstan",
     "Агентство Республики Казахстан по финансовому мониторингу", date(2021, 9, 1)),
    ("mvd_ru", "RU", AuthorityKind.CENTRAL, "Ministry of Internal Affairs of the Russian Federation",
     "Министерство внутренних дел Российской Федерации", date(2017, 6, 1)),
    ("sd_mvd_ru", "RU", AuthorityKind.COMPETENT,
     "Investigative Department of the Ministry of Internal Affairs of Russia",
     "Следственный департамент МВД России", date(2017, 6, 1)),
    ("ic_ru", "RU", AuthorityKind.CENTRAL, "Investigative Committee of the Russian Federation",
     "Следственный комитет Российской Федерации", date(2017, 6, 1)),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    authority: str | None
    roles: tuple[str, ...]
    time_zone: str
    locale: str
    story: str  # who this person is in the demo, printed with the password


ACCOUNTS = [
    DemoAccount("admin", "Registry Administrator", None, ("admin",), "UTC", "en",
                "platform administrator: parties, authorities, accounts"),
    DemoAccount("v.sokolov", "Виктор Соколов", "ic_by", ("investigator",), "Europe/Minsk", "ru",
                "Investigative Committee of Belarus; to head the joint group"),
    DemoAccount("i.petrov", "Иван Петров", "ic_by", ("investigator",), "Europe/Minsk", "ru",
                "Belarusian investigator handling the ICT-crime case; Belarusian national head"),
    DemoAccount("s.ivanova", "Светлана Иванова", "ic_by", ("investigator",), "Europe/Minsk", "ru",
                "Belarusian investigator, member of the Belarusian team"),
    DemoAccount("a.nurlanov", "Алибек Нурланов", "mvd_kz", ("investigator",), "Asia/Almaty", "ru",
                "MVD of Kazakhstan investigator; Kazakh national head"),
    DemoAccount("d.seitkali", "Данияр Сейткали", "mvd_kz", ("investigator",), "Asia/Almaty", "ru",
                "MVD of Kazakhstan operative, member of the Kazakh team"),
    DemoAccount("o.kovalenko", "Ольга Коваленко", "ic_by", ("legal_officer",), "Europe/Minsk", "ru",
                "legal officer of the Investigative Committee of Belarus"),
    DemoAccount("g.sapar", "Гульнара Сапар", "mvd_kz", ("legal_officer",), "Asia/Almaty", "en",
                "legal officer of the MVD of Kazakhstan"),
]


def database_is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None and db.session.scalar(
        select(Authority.id).limit(1)
    ) is None


@use_case("demo.load")
def load_demo() -> list[DemoAccount]:
    """Load the demo story into an empty database; refuse to mix it with real data."""
    if not database_is_empty():
        raise Conflict(_l("The database already holds users or authorities; demo data goes only into an empty one."))
    authority_ids = {}
    for key, party, kind, name_en, name_ru, listed_on in AUTHORITIES:
        authority = Authority(party_code=party, kind=kind, name_en=name_en, name_ru=name_ru, listed_on=listed_on)
        db.session.add(authority)
        db.session.flush()
        authority_ids[key] = authority.id
    people = {}
    for account in ACCOUNTS:
        people[account.username] = accounts.create_user_from_command_line(
            username=account.username,
            full_name=account.full_name,
            password=DEMO_PASSWORD,
            roles=account.roles,
            authority_id=authority_ids.get(account.authority),
            time_zone=account.time_zone,
            locale=account.locale,
        )
    groups.load_groups(people, authority_ids)
    groups.load_lapsed_group(people, authority_ids)
    register.load_register(people, authority_ids)
    return ACCOUNTS

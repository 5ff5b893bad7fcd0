"""The home page: what needs the person, and how their groups are doing. One read use case, so
opening it is one audit event; every figure is counted with the query of the list it links to
(`instructions.listed`, `tasks.listed`; findings from the stored checks the compliance pages list),
so a number and its list agree.
Like `group_view`, a page's view composed of reads: it lists the groups through the group service."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from jit.extensions import db
from jit.models import GroupEvent, GroupStatus, JointGroup, MemberRole, NationalTeam, Role, User
from jit.services import authz, compliance, groups, instructions, scope, tasks, work
from jit.services.audit import note, use_case
from jit.services.pagination import MAX_LIMIT

TERM_WARNING_DAYS = 30  # a term this close to its end is flagged on the home page
RECENT_EVENTS = 10


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


@dataclass(frozen=True)
class Overdue:
    """Overdue instructions and tasks of a group, or of one team in it (`team` None: the whole group)."""

    team: NationalTeam | None
    instructions: int
    tasks: int


@dataclass(frozen=True)
class GroupGlance:
    group: JointGroup
    days_left: int | None  # None: no end date, or the group is closed (its term no longer runs)
    findings: dict[str, int]  # open findings by severity, in the order pages list them
    by_rule: dict[str, int]  # for legal officers: open findings by rule
    overdue: list[Overdue]  # for the group head (the group) and national heads (their team)

    @property
    def term_ending(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= TERM_WARNING_DAYS

    @property
    def past_term(self) -> int | None:
        """How many days the group is past its term (None: it is not)."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else None


@dataclass(frozen=True)
class Home:
    account: User
    groups: list[GroupGlance]
    work: work.MyWork
    activity: list[GroupEvent]  # the latest events of the person's groups' timelines, newest first
    legal: bool  # the person reads findings by group and by rule


def _overdue(actor: User, group: JointGroup) -> list[Overdue]:
    """The group's figures for its head; each led team's for its national head."""
    figures = []
    if authz.manages_group(actor, group):
        figures.append(Overdue(None, _count(instructions.listed(group, overdue=True)),
                               _count(tasks.listed(group, overdue=True))))
    for team in group.teams:
        if any(m.user_id == actor.id and m.role == MemberRole.NATIONAL_HEAD for m in team.current_members):
            figures.append(Overdue(team, _count(instructions.listed(group, overdue=True, to_team_id=team.id)),
                                   _count(tasks.listed(group, overdue=True, team_id=team.id))))
    return figures


def _glance(actor: User, group: JointGroup, findings: Counter, today: date, legal: bool) -> GroupGlance:
    """`findings`: the group's counts by (severity, rule)."""
    running = group.ends_on is not None and group.status != GroupStatus.CLOSED
    by_rule = Counter()
    for (_, rule), n in findings.items():
        by_rule[rule] += n
    return GroupGlance(
        group=group, days_left=(group.ends_on - today).days if running else None,
        findings={severity: sum(n for (of, _), n in findings.items() if of == severity)
                  for severity in compliance.SEVERITIES},
        by_rule=dict(sorted(by_rule.items())) if legal else {},
        overdue=_overdue(actor, group))


@use_case("home.read")
def home(actor: User | None) -> Home:
    """The person's groups at a glance, what waits on them, and what happened lately in their groups."""
    actor = authz.require_user(actor)
    visible = groups.list_groups(actor, limit=MAX_LIMIT).items
    mine = work.my_work(actor)
    today = scope.today()
    legal = actor.has_role(Role.LEGAL_OFFICER) or actor.has_role(Role.ADMIN)
    activity = db.session.scalars(
        select(GroupEvent).where(GroupEvent.group_id.in_([group.id for group in visible]))
        .options(selectinload(GroupEvent.group), selectinload(GroupEvent.actor))
        .order_by(GroupEvent.at.desc(), GroupEvent.id.desc()).limit(RECENT_EVENTS)).all()
    findings = compliance.finding_counts(visible, today)
    note(object_type="user", object_id=actor.id)
    return Home(account=actor, groups=[_glance(actor, group, findings[group.id], today, legal) for group in visible],
                work=mine,
                activity=list(activity), legal=legal)

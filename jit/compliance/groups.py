"""Rules on a group and what is done in it (AGR-*, DOMAIN.md "Compliance rules"). Each takes the
group's facts and its parameters and yields an Issue per object found wrong.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from jit.compliance.core import GROUP, VIOLATION, WARNING, Issue, Param, PartyName, rule
from jit.compliance.facts import GroupFacts
from jit.models import (
    AuthorityKind,
    CustodyType,
    DecisionKind,
    DocumentKind,
    EvidenceStatus,
    GroupStatus,
    InstructionStatus,
    MemberRole,
)

# A group past `requested` must meet the agreement's conditions for being active.
STARTED = (GroupStatus.ACTIVE, GroupStatus.SUSPENDED, GroupStatus.CLOSED)
WORKING = (GroupStatus.ACTIVE, GroupStatus.SUSPENDED)
OPEN_INSTRUCTIONS = (InstructionStatus.SENT, InstructionStatus.ACCEPTED, InstructionStatus.IN_PROGRESS)


def _still_working(status: GroupStatus, day: str):
    if status == GroupStatus.SUSPENDED:
        return _l("The term ended on %(day)s and the group is still suspended.", day=day)
    return _l("The term ended on %(day)s and the group is still active.", day=day)


def _group_issue(facts: GroupFacts, message, action, severity: str | None = None) -> Issue:
    return Issue("group", facts.group.id, message, action, severity)


@rule("AGR-PARTY", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, final provisions (article "
      "unconfirmed)"), confirmed=False,
      summary=_l("Every participating party has the 2015 Agreement in force (known entry-into-force date not after "
                 "the group's start)."),
      params={"flag_unknown": Param(bool, True, _l("Warn where the date of entry into force is not known"))})
def parties_bound(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    start = facts.group.starts_on
    for team in facts.group.teams:
        in_force = team.party.agreement_2015_in_force_on
        if in_force is None and params["flag_unknown"]:
            yield Issue("party", team.party_code,
                        _l("The date the 2015 Agreement entered into force for %(party)s is not known.",
                           party=PartyName(team.party_code)),
                        _l("Enter the date in the registry of parties (Administration)."), WARNING)
        elif in_force is not None and start is not None and in_force > start:
            yield Issue("party", team.party_code,
                        _l("The 2015 Agreement entered into force for %(party)s on %(day)s, after the group's start.",
                           party=PartyName(team.party_code), day=in_force.isoformat()),
                        _l("Check the group's legal basis for %(party)s before it acts.",
                           party=PartyName(team.party_code)))


@rule("AGR-AUTH", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, Art. 11"), confirmed=True,
      summary=_l("Every deciding authority is a central competent authority of its party on the decision date; "
                 "every national team's authority is a competent authority."))
def authorities_listed(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    for doc in facts.group.documents:
        if doc.kind != DocumentKind.DECISION:
            continue
        authority = doc.authority
        if (authority.party_code != doc.party_code or authority.kind != AuthorityKind.CENTRAL
                or not authority.is_listed_on(doc.dated)):
            yield Issue("group_document", doc.id,
                        _l("Decision %(ref)s of %(day)s comes from an authority that was not on %(party)s's list of "
                           "central competent authorities that day.", ref=doc.reference, day=doc.dated.isoformat(),
                           party=PartyName(doc.party_code)),
                        _l("File the decision of the central competent authority."))
    for team in facts.group.teams:
        if team.authority.party_code != team.party_code or not team.authority.is_listed_on(facts.today):
            yield Issue("team", team.id,
                        _l("The %(party)s team's authority is not on %(party)s's Art. 11 list today.",
                           party=PartyName(team.party_code)),
                        _l("Field the team from a listed competent authority, or update the list."))


@rule("AGR-REQUEST", scope=GROUP, severity=VIOLATION, reference=_l("request procedure (article unconfirmed)"),
      confirmed=False, summary=_l("An active group has a creation request on file from the initiating party."))
def creation_request(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    group = facts.group
    if group.status in STARTED and not any(d.kind == DocumentKind.CREATION_REQUEST for d in group.documents):
        yield _group_issue(facts, _l("No creation request is on file."),
                           _l("File the initiating party's creation request."))


@rule("AGR-DECISIONS", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, Art. 1 and decision "
      "procedure"), confirmed=True,
      summary=_l("An active group has a creation decision from the central competent authority of every "
                 "participating party."))
def creation_decisions(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    group = facts.group
    if group.status not in STARTED:
        return
    decided = {d.party_code for d in group.documents if d.decision == DecisionKind.CREATE}
    for party in group.party_codes:
        if party not in decided:
            yield _group_issue(facts, _l("No creation decision of %(party)s is on file.", party=PartyName(party)),
                               _l("File the creation decision of %(party)s's central competent authority.",
                                  party=PartyName(party)))


@rule("AGR-COMPOSITION", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, Art. 1"), confirmed=True,
      summary=_l("At least two national teams from at least two different parties."))
def composition(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    parties = facts.group.party_codes
    if facts.group.status in WORKING and len(parties) < 2:
        yield _group_issue(facts, _l("The group has national teams of %(n)s parties; the agreement needs two.",
                                     n=len(parties)),
                           _l("Add the national team of another party, or suspend the group."))


@rule("AGR-HEAD", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, Art. 1"), confirmed=True,
      summary=_l("A group head is appointed before the first instruction is sent."))
def head_before_instructions(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    appointed = facts.head_appointed_at
    for instruction_id, (_, sent_at) in facts.senders.items():
        if appointed is None or sent_at < appointed:
            yield Issue("instruction", instruction_id,
                        _l("Sent on %(day)s, before a group head was appointed.", day=sent_at.date().isoformat()),
                        _l("Have the group head appointed by every party, then confirm the instruction."))


@rule("AGR-NATIONAL-HEAD", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, Art. 1, interaction "
      "article"), confirmed=True, summary=_l("Every national team has exactly one current national head."))
def one_national_head(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    if facts.group.status not in WORKING:
        return
    for team in facts.group.teams:
        heads = sum(1 for m in team.current_members if m.role == MemberRole.NATIONAL_HEAD)
        if heads != 1:
            yield Issue("team", team.id, _l("The %(party)s team has %(n)s national heads.",
                                                       party=PartyName(team.party_code),
                                            n=heads),
                        _l("Keep exactly one national head in the team."))


@rule("AGR-TERM", scope=GROUP, severity=VIOLATION, reference=_l("EU model agreement by analogy (unconfirmed)"),
      confirmed=False,
      summary=_l("Nothing is done in the group after its end date unless an extension decision from every party "
                 "covers that date."),
      params={"grace_days": Param(int, 0, _l("Days of grace after the end date"))})
def within_term(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    group = facts.group
    if group.ends_on is None or group.status not in (*WORKING, GroupStatus.CLOSED):
        return
    # Extensions agreed by every party have already moved `ends_on`; a lone party's does not count.
    if group.status in WORKING and (facts.today - group.ends_on).days > params["grace_days"]:
        yield _group_issue(facts, _still_working(group.status, group.ends_on.isoformat()),
                           _l("File an extension decision of every party, or terminate and close the group."))
    for kind, object_id, at in facts.activity_after(group.ends_on):
        if (at.date() - group.ends_on).days > params["grace_days"]:
            yield Issue(kind, object_id, _l("Worked on on %(day)s, after the term ended on %(end)s.",
                                            day=at.date().isoformat(), end=group.ends_on.isoformat()),
                        _l("Check whether an extension covers this work; otherwise its results may be unusable."))


@rule("AGR-INSTR-CHANNEL", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, interaction article"),
      confirmed=True, summary=_l("Instructions go only from a national head to another team's national head."))
def instruction_channel(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    for instruction in facts.instructions:
        sender = facts.senders.get(instruction.id)
        by, on = (sender[0], sender[1].date()) if sender else (instruction.created_by_id,
                                                               instruction.created_at.date())
        if instruction.from_team_id == instruction.to_team_id:
            yield Issue("instruction", instruction.id, _l("The instruction is addressed to its own team."),
                        _l("Address it to another party's team."))
        elif not facts.held_role(by, instruction.from_team_id, MemberRole.NATIONAL_HEAD, on):
            yield Issue("instruction", instruction.id,
                        _l("Sent by someone who was not the requesting team's national head on %(day)s.",
                           day=on.isoformat()),
                        _l("Have the national head confirm and resend it."))


@rule("AGR-INSTR-DECISIONS", scope=GROUP, severity=VIOLATION, reference=_l("2015 Agreement, interaction "
      "article, para 2"), confirmed=True,
      summary=_l("Every sent instruction carries at least one certified decision document; one marked as needing a "
                 "sanction carries the certified sanction; a sanction attached is certified too."))
def instruction_decisions(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    for instruction in facts.instructions:
        if instruction.status == InstructionStatus.DRAFT:
            continue
        if not any(doc.certified for doc in instruction.documents):
            yield Issue("instruction", instruction.id, _l("Sent without a certified decision document."),
                        _l("Attach the certified decision ordering the actions."))
        if any(doc.is_sanction and not doc.certified for doc in instruction.documents):
            yield Issue("instruction", instruction.id, _l("The sanction attached is not a certified copy."),
                        _l("Attach a certified copy of the prosecutor's or court's sanction."))
        elif instruction.needs_sanction and not instruction.has_certified_sanction:
            yield Issue("instruction", instruction.id, _l("Marked as needing a sanction, but sent without one."),
                        _l("Attach the certified sanction of the prosecutor or court."))


@rule("AGR-INSTR-OVERDUE", scope=GROUP, severity=WARNING, reference=_l("good practice"), confirmed=False,
      summary=_l("An instruction past its due date and not executed is flagged."),
      params={"grace_days": Param(int, 0, _l("Days of grace after the due date"))})
def instruction_overdue(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    for instruction in facts.instructions:
        late = (facts.today - instruction.due_on).days
        if instruction.status in OPEN_INSTRUCTIONS and late > params["grace_days"]:
            yield Issue("instruction", instruction.id,
                        _l("Due on %(day)s and not executed (%(n)s days late).", day=instruction.due_on.isoformat(),
                           n=late),
                        _l("Ask the requested team for the state of execution, or agree a new date."))


@rule("AGR-TERRITORY", scope=GROUP, severity=WARNING, reference=_l("structure of Art. 1 (unconfirmed)"),
      confirmed=False,
      summary=_l("An action on a party's territory is executed by that party's team; a foreign member's "
                 "participation is flagged for review."))
def territory(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    # Only while the instruction is being executed: follow-up work on returned results is not an action there.
    to_team = {instruction.id: instruction.to_team_id for instruction in facts.instructions
               if instruction.status in (InstructionStatus.ACCEPTED, InstructionStatus.IN_PROGRESS)}
    team_of = {m.user_id: m.team_id for m in facts.memberships if m.ends_on is None}
    subjects = {instruction.id: instruction.subject for instruction in facts.instructions}
    flagged = set()
    for task_id, user_id, instruction_id in facts.task_assignees_by_instruction:
        if instruction_id in to_team and team_of.get(user_id) != to_team[instruction_id] and task_id not in flagged:
            flagged.add(task_id)
            yield Issue("task", task_id,
                        _l("A member of another party's team takes part in executing the instruction "
                           "«%(subject)s» on the requested party's territory.", subject=subjects[instruction_id]),
                        _l("Have the legal service review whether foreign members may take part."))


@rule("AGR-SCOPE", scope=GROUP, severity=VIOLATION, reference=_l("purpose of the group"), confirmed=True,
      summary=_l("Instructions and evidence relate to a case of the group."))
def scope(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    for instruction in facts.instructions:
        if instruction.case_id not in facts.case_ids:
            yield Issue("instruction", instruction.id, _l("Tied to a criminal case that is not the group's."),
                        _l("Link the case to the group, or send the request by the ordinary route."))
    for task_id in facts.tasks_outside_cases:
        yield Issue("task", task_id, _l("Linked to a criminal case that is not the group's."),
                    _l("Link the case to the group, or remove the link."))
    for item in facts.evidence_items:
        if item.case_id not in facts.case_ids:
            yield Issue("evidence", item.id, _l("Recorded for a criminal case that is not the group's."),
                        _l("Link the case to the group, or hand the item over by the ordinary route."))


@rule("AGR-USE", scope=GROUP, severity=VIOLATION,
      reference=_l("confidentiality of documents provided by foreign colleagues"), confirmed=True,
      summary=_l("Evidence with use conditions is not exported or transferred outside the group without a "
                 "recorded consent of the originating party."))
def use_conditions(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    for item in facts.evidence_items:
        if not item.use_conditions:
            continue
        consents = [c.recorded_at for c in item.consents if c.party_code == item.party_code]
        for event in facts.custody_events.get(item.id, []):
            if event.to_external and not any(at <= event.at for at in consents):
                yield Issue("evidence", item.id,
                            _l("%(number)s was handed over outside the group on %(day)s without the consent of "
                               "%(party)s.", number=item.number, day=event.at.date().isoformat(),
                               party=PartyName(item.party_code)),
                            _l("Obtain and record %(party)s's consent, and ask the recipient to hold the item "
                               "until then.", party=PartyName(item.party_code)))
        if not consents:
            yield Issue("evidence", item.id,
                        _l("%(number)s has use conditions of %(party)s and no consent is on file: it cannot be "
                           "exported or handed over outside the group.", number=item.number,
                           party=PartyName(item.party_code)),
                        _l("Ask %(party)s for consent before the item is needed outside the group.",
                           party=PartyName(item.party_code)), severity=WARNING)


@rule("AGR-CUSTODY", scope=GROUP, severity=VIOLATION, reference=_l("ISO/IEC 27037 principles"), confirmed=True,
      summary=_l("Every evidence item's custody chain verifies: hashes match, no gaps, the current custodian "
                 "is a group member."))
def custody_chain(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    members = {m.user_id for m in facts.memberships if m.ends_on is None}
    for item in facts.evidence_items:
        chain = facts.custody_events.get(item.id, [])
        problem = next((
            _l("The custody chain has a gap: event %(seq)s is missing.", seq=position)
            for position, event in enumerate(chain, start=1) if event.seq != position), None)
        problem = problem or next((
            _l("Custody event %(seq)s no longer matches what the ledger recorded.", seq=event.seq)
            for event in chain if not facts.entry_matches_leaf(event)), None)
        checks = [event for event in chain if event.type == CustodyType.HASH_VERIFIED]
        if problem is None and checks and checks[-1].entry.get("verified") is False:
            problem = _l("The files did not match their recorded SHA-256 when checked on %(day)s.",
                         day=checks[-1].at.date().isoformat())
        if problem is None and item.status in (EvidenceStatus.HELD, EvidenceStatus.SEALED) and (
                item.custodian_id not in members):
            problem = _l("The custodian of %(number)s is not a current member of the group.", number=item.number)
        if problem is not None:
            yield Issue("evidence", item.id, problem,
                        _l("Have the chain checked (flask jit verify evidence) and record a correction or "
                           "the item's return."))


@rule("AGR-CLOSED", scope=GROUP, severity=VIOLATION, reference=_l("decision procedure"), confirmed=True,
      summary=_l("No activity after a termination decision."))
def closed(facts: GroupFacts, params: dict) -> Iterable[Issue]:
    terminations = [d.dated for d in facts.group.documents if d.decision == DecisionKind.TERMINATE]
    if not terminations:
        return
    decided = min(terminations)
    for kind, object_id, at in facts.activity_after(decided):
        yield Issue(kind, object_id, _l("Worked on on %(day)s, after the termination decision of %(decided)s.",
                                        day=at.date().isoformat(), decided=decided.isoformat()),
                    _l("Record why; results obtained after termination may be unusable."))

"""Identifiers a group records (issue 19): a phone, a card, a wallet... found in one of its records
(a case, an evidence item, an instruction's results, a task, a message), checked and normalised by
`jit.identifiers`, kept once per normalised value, and shown with every record of the group it was
seen in that the reader may read (a team channel's message only to that team).

A payment card is shown masked (4400 •••• •••• 1234) everywhere except on the identifier's own page,
and there only to the group head and the members who recorded it: they have the document it came
from anyway; the others learn that the card links their records without reading the number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit import identifiers as kinds
from jit.extensions import db
from jit.models import (
    Authority,
    CriminalCase,
    EvidenceItem,
    GroupStatus,
    Identifier,
    IdentifierInquiry,
    IdentifierSighting,
    InquiryStatus,
    Instruction,
    JointGroup,
    MemberRole,
    Message,
    Task,
    User,
)
from jit.models.types import utcnow
from jit.services import authz, notifications, scope, values
from jit.services.audit import note, note_other_group, use_case
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from jit.services.evidence.access import in_group, may_leave_group
from jit.services.notification_kinds import INQUIRY_RECEIVED
from jit.services.reminders import legal_officers

# How many identifiers one call may record: a pasted list beyond it is refused as a whole (422).
MAX_AT_ONCE = 100
TEXT_LIMITS = {"obtained_under": 300, "note": 2000}

KIND_NAMES: dict[str, LazyString] = {
    kinds.Kind.PHONE: _l("Phone number"), kinds.Kind.BANK_ACCOUNT: _l("Bank account (IBAN)"),
    kinds.Kind.PAYMENT_CARD: _l("Payment card"), kinds.Kind.EMAIL: _l("E-mail address"),
    kinds.Kind.IP_ADDRESS: _l("IP address or network"), kinds.Kind.DOMAIN: _l("Domain name"),
    kinds.Kind.URL: _l("Web address (URL)"), kinds.Kind.CRYPTO_WALLET: _l("Crypto wallet"),
    kinds.Kind.MESSENGER_HANDLE: _l("Messenger handle"), kinds.Kind.IMEI: _l("IMEI of a device"),
    kinds.Kind.TRANSACTION_ID: _l("Transaction ID"),
}

# Why a value is refused, in words (jit.identifiers.REASONS: a test checks each has its words).
REASONS: dict[str, LazyString] = {
    "empty": values.REQUIRED,
    "too_long": values.too_long(kinds.MAX_VALUE_LENGTH),
    "unknown_kind": _l("Not a kind of identifier the platform knows."),
    "phone_unreadable": _l("Not readable as a phone number: write it with its country code (+375 ...)."),
    "phone_invalid": _l("Not a valid phone number of its country (wrong length or code)."),
    "iban_checksum": _l("The IBAN's check digits do not match: a digit is mistyped."),
    "iban_country": _l("The IBAN does not start with a known country code."),
    "iban_length": _l("The IBAN has the wrong length for its country."),
    "iban_invalid": _l("Not a valid IBAN for its country."),
    "card_digits": _l("A payment card number has 12 to 19 digits."),
    "card_checksum": _l("The card number's check digit (Luhn) does not match: a digit is mistyped."),
    "email_invalid": _l("Not an e-mail address (name@domain)."),
    "ip_invalid": _l("Not an IPv4 or IPv6 address or network."),
    "domain_invalid": _l("Not a domain name (example.by, пример.бел)."),
    "url_invalid": _l("Not a web address: it needs http://, https:// or ftp:// and a domain."),
    "wallet_checksum": _l("The wallet address's checksum does not match: a character is mistyped."),
    "wallet_unknown": _l("Not a Bitcoin, Ethereum or TRON wallet address."),
    "handle_invalid": _l("A handle has 3 to 64 letters, digits, dots or underscores."),
    "imei_digits": _l("An IMEI has 15 digits."),
    "imei_checksum": _l("The IMEI's check digit (Luhn) does not match: a digit is mistyped."),
    "transaction_invalid": _l("A transaction ID has 4 to 128 letters, digits and - . : / #."),
}

# The records an identifier is found in: the API's field, the model, and how the record names its case.
RECORD_TYPES: dict[str, type] = {"case": CriminalCase, "evidence": EvidenceItem, "instruction": Instruction,
                                 "task": Task, "message": Message}
RECORD_FIELDS = {f"{record_type}_id": record_type for record_type in RECORD_TYPES}


@dataclass
class Link:
    """A record of the group the identifier was seen in, as the reader may see it."""

    type: str
    id: int
    title: str
    case: CriminalCase | None
    sighting: IdentifierSighting
    value: str  # as typed, masked where the reader may not see the full number


@dataclass
class Hit:
    """Another group holds the same identifier (and may share it): all the reader learns of it is the
    holder's authority, until the holder discloses more in answer to an inquiry."""

    match_id: int  # names the hit in an inquiry; opens nothing
    holder_authority: Authority
    inquiry: InquiryView | None  # the reader's group's latest inquiry about it

    @property
    def inquiry_id(self) -> int | None:
        return self.inquiry.id if self.inquiry else None


@dataclass
class IdentifierView:
    """An identifier as one reader sees it: its value shown in full or masked, its links and hits."""

    identifier: Identifier
    value: str
    normalized: str
    full: bool
    links: list[Link] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.identifier.id

    @property
    def kind(self) -> str:
        return self.identifier.kind

    @property
    def kind_name(self) -> str:
        return str(KIND_NAMES[self.identifier.kind])

    @property
    def cases(self) -> list[CriminalCase]:
        """The cases it was seen in, each once."""
        return list({link.case.id: link.case for link in self.links if link.case is not None}.values())


def kind_choices() -> list[tuple[str, str]]:
    """(code, name) of every kind, for a form: chosen by name."""
    return [(kind.value, str(name)) for kind, name in KIND_NAMES.items()]


# --- who may read what ----------------------------------------------------------------------

def _record(record_type: str, record_id: int):
    return db.session.get(RECORD_TYPES[record_type], record_id)


def _group_of(record) -> int:
    return record.channel.group_id if isinstance(record, Message) else record.group_id


def _readable(actor: User, record) -> bool:
    """Every record of the group is the group's to read, except a message, which its channel's readers read."""
    return not isinstance(record, Message) or authz.can_read_channel(actor, record.channel)


def _case_of(record) -> CriminalCase | None:
    if isinstance(record, CriminalCase):
        return record
    return getattr(record, "case", None)


def _title(record) -> str:
    if isinstance(record, CriminalCase):
        return f"{record.party_code} {record.number}"
    if isinstance(record, EvidenceItem):
        return f"{record.number} {record.title}"
    if isinstance(record, Instruction):
        return record.subject
    if isinstance(record, Task):
        return record.title
    return f"{record.channel.name} #{record.seq}"


def _sees_full(actor: User, group: JointGroup, identifier: Identifier) -> bool:
    return authz.manages_group(actor, group) or any(s.recorded_by_id == actor.id for s in identifier.sightings)


def _view(actor: User, identifier: Identifier, *, full: bool) -> IdentifierView | None:
    """The identifier with the links `actor` may read; None when they may read none of them (it
    then does not exist for them: seen only in another team's channel, say)."""
    def shown(text: str) -> str:
        return text if full else kinds.masked(identifier.kind, text)

    links = []
    for sighting in identifier.sightings:
        record = _record(sighting.record_type, sighting.record_id)
        if record is not None and _readable(actor, record):
            links.append(Link(type=sighting.record_type, id=sighting.record_id, title=_title(record),
                              case=_case_of(record), sighting=sighting,
                              # A card is masked from its digits, whatever the spaces typed.
                              value=shown(identifier.normalized if identifier.kind == kinds.Kind.PAYMENT_CARD
                                          else sighting.value)))
    if not links:
        return None
    return IdentifierView(identifier=identifier, value=links[0].value, normalized=shown(identifier.normalized),
                          full=full, links=links, hits=_hits(actor, identifier))


# --- matching across groups -----------------------------------------------------------------

def _match_hash(kind: str, normalized: str) -> str:
    key = kinds.load_or_create_match_key(Path(current_app.config["JIT_IDENTIFIER_KEY_FILE"]))
    return kinds.match_hash(key, kind, normalized)


def _shared_sighting(identifier: Identifier) -> IdentifierSighting | None:
    """What the holder may tell of an identifier: its first sighting marked shareable."""
    return next((s for s in identifier.sightings if s.shareable), None)


def _answered_from(held: Identifier) -> IdentifierSighting:
    """The sighting an inquiry about a held identifier is answered from: the shared one (the hit), else its first."""
    return _shared_sighting(held) or held.sightings[0]


def _holder_of(held: Identifier) -> Authority:
    """All the inquiring group learns of who holds `held`, before and after the answer."""
    return _holder_authority(_answered_from(held))


def _holder_authority(sighting: IdentifierSighting) -> Authority:
    """The recording team's authority (the group head's own, for a head outside the teams)."""
    return sighting.team.authority if sighting.team else sighting.recorded_by.authority


def _held_elsewhere(identifier: Identifier) -> list[Identifier]:
    """Other groups' identifiers of the same value that their holders let be found."""
    found = db.session.scalars(select(Identifier).where(Identifier.match_hash == identifier.match_hash,
                                                        Identifier.group_id != identifier.group_id)
                               .order_by(Identifier.id))
    return [held for held in found if _shared_sighting(held) is not None]


def _hits(actor: User, identifier: Identifier) -> list[Hit]:
    hits = []
    for held in _held_elsewhere(identifier):
        inquiry = db.session.scalar(select(IdentifierInquiry).where(
            IdentifierInquiry.group_id == identifier.group_id, IdentifierInquiry.held_identifier_id == held.id)
            .order_by(IdentifierInquiry.id.desc()).limit(1))
        hits.append(Hit(match_id=held.id, holder_authority=_holder_authority(_shared_sighting(held)),
                        inquiry=_inquiry_view(actor, inquiry) if inquiry else None))
    return hits


# --- recording ------------------------------------------------------------------------------

def _record_problems(group: JointGroup, actor: User, item: dict) -> tuple[dict, object | None]:
    """What is wrong with where the identifier was found, and the record itself when it is fine."""
    chosen = [(name, item[name]) for name in RECORD_FIELDS if item.get(name) is not None]
    if len(chosen) != 1:
        return {"record": _l("Choose the one record it was found in: a case, an item, an instruction, "
                             "a task or a message.")}, None
    name, record_id = chosen[0]
    record = _record(RECORD_FIELDS[name], record_id)
    if record is None or _group_of(record) != group.id or not _readable(actor, record):
        return {name: _l("No such record in this group.")}, None
    return {}, record


def _value_problems(kind: str, item: dict, region: str | None) -> tuple[dict, str | None, bool]:
    """(problems, normalised value, verified): a failing value is refused with its reason, unless
    the member asked to record it unverified (then it is matched without its separators)."""
    try:
        return {}, kinds.normalise(kind, item.get("value"), region=region), True
    except kinds.Refused as refused:
        if item.get("unverified") and refused.reason not in ("empty", "too_long", "unknown_kind"):
            return {}, kinds.normalise_unverified(kind, item.get("value")), False
        return {"kind" if refused.reason == "unknown_kind" else "value": REASONS[refused.reason]}, None, False


def _item_problems(group: JointGroup, actor: User, item: dict) -> tuple[dict, dict]:
    """(problems, what to store) for one identifier of a call."""
    problems, record = _record_problems(group, actor, item)
    region = actor.authority.party_code if actor.authority else None
    value_problems, normalized, verified = _value_problems(item.get("kind") or "", item, region)
    problems |= value_problems
    for name, limit in TEXT_LIMITS.items():
        if problem := values.text_problem(item.get(name), limit, required=name == "obtained_under"):
            problems[name] = problem
    if item.get("shareable") and isinstance(record, EvidenceItem) and not may_leave_group(record):
        problems["shareable"] = _l("The item %(number)s has use conditions and no consent of %(party)s is on "
                                   "file: what was found in it stays in the group (AGR-USE).",
                                   number=record.number, party=record.party_code)
    return problems, {"record": record, "normalized": normalized, "verified": verified}


def _identifier(group: JointGroup, kind: str, normalized: str) -> Identifier:
    """The group's identifier of that value, made on its first sighting."""
    identifier = db.session.scalar(select(Identifier).where(
        Identifier.group_id == group.id, Identifier.kind == kind, Identifier.normalized == normalized))
    if identifier is None:
        identifier = Identifier(group=group, kind=kind, normalized=normalized,
                                match_hash=_match_hash(kind, normalized))
        db.session.add(identifier)
        db.session.flush()
    return identifier


def _record_all(actor: User | None, group_id: int, items: list[dict]) -> list[IdentifierView]:
    actor, group = scope.load_visible(actor, group_id)
    if not in_group(actor.id, group):
        raise Forbidden(_l("Only members of the group record identifiers."))
    scope.require_workable(group)
    if not items or len(items) > MAX_AT_ONCE:
        raise Invalid(_l("Record between 1 and %(n)s identifiers at a time.", n=MAX_AT_ONCE),
                      code="too_many_identifiers", fields={"items": _l("At most %(n)s.", n=MAX_AT_ONCE)})
    checked = [_item_problems(group, actor, item) for item in items]
    problems = {(name if len(items) == 1 else f"items.{index}.{name}"): why
                for index, (found, _) in enumerate(checked) for name, why in found.items()}
    if problems:
        raise Invalid(fields=problems)
    membership = authz.current_membership(actor, group)
    recorded: dict[int, Identifier] = {}
    for item, (_, stored) in zip(items, checked, strict=True):
        identifier = _identifier(group, item["kind"], stored["normalized"])
        record = stored["record"]
        record_type = next(name for name, model in RECORD_TYPES.items() if isinstance(record, model))
        if any(s.record_type == record_type and s.record_id == record.id for s in identifier.sightings):
            raise Conflict(_l("%(value)s is already recorded on this record.",
                              value=kinds.masked(identifier.kind, stored["normalized"])),
                           fields={"value": _l("Already recorded.")})
        case = _case_of(record)
        identifier.sightings.append(IdentifierSighting(
            record_type=record_type, record_id=record.id, case_id=case.id if case else None,
            value=item["value"].strip(), verified=stored["verified"], obtained_under=item["obtained_under"].strip(),
            note=(item.get("note") or "").strip() or None, shareable=bool(item.get("shareable")),
            recorded_by_id=actor.id, team_id=membership.team_id if membership else None))
        db.session.flush()
        recorded[identifier.id] = identifier
    note(object_type="identifier", object_id=",".join(map(str, recorded)), group_id=group.id,
         kind=", ".join(sorted({item["kind"] for item in items})), items=len(items))
    scope.announce(group, "identifier.recorded", {"identifier_ids": list(recorded)})
    return [_view(actor, identifier, full=True) for identifier in recorded.values()]


@use_case("identifier.record")
def record_identifier(actor: User | None, group_id: int, **item) -> IdentifierView:
    """One identifier found in one record of the group (`case_id`, `evidence_id`, `instruction_id`,
    `task_id` or `message_id`): `kind`, `value`, `obtained_under`, `note`, `shareable`, `unverified`."""
    return _record_all(actor, group_id, [item])[0]


@use_case("identifier.record")
def record_identifiers(actor: User | None, group_id: int, items: list[dict]) -> list[IdentifierView]:
    """Several at once (a pasted list), all or none, at most MAX_AT_ONCE."""
    return _record_all(actor, group_id, items)


# --- reading --------------------------------------------------------------------------------

def _in_group(group: JointGroup) -> Iterable[Identifier]:
    return db.session.scalars(select(Identifier).where(Identifier.group_id == group.id)
                              .options(selectinload(Identifier.sightings)).order_by(Identifier.id.desc()))


def _filtered(actor: User, group: JointGroup, *, kind: str | None = None, case_id: int | None = None,
              several_cases: bool = False) -> list[IdentifierView]:
    note(kind=kind, case_id=case_id)
    found = []
    for identifier in _in_group(group):
        if kind and identifier.kind != kind:
            continue
        view = _view(actor, identifier, full=False)
        if view is None or (case_id and all(c.id != case_id for c in view.cases)):
            continue
        if several_cases and len(view.cases) < 2:
            continue
        found.append(view)
    return found


@use_case("identifier.list")
def list_identifiers(actor: User | None, group_id: int, *, kind: str | None = None, case_id: int | None = None,
                     several_cases: bool = False) -> list[IdentifierView]:
    """The group's register as `actor` may read it, cards masked: of a `kind`, seen in a case, or
    seen in more than one case (`several_cases`), newest first."""
    actor, group = scope.load_visible(actor, group_id)
    if kind is not None and kind not in set(kinds.Kind):
        raise Invalid(fields={"kind": REASONS["unknown_kind"]})
    return _filtered(actor, group, kind=kind, case_id=case_id, several_cases=several_cases)


@dataclass
class Register:
    """The group's identifier tab: the register as filtered, and whether the reader may record."""

    group: JointGroup
    items: list[IdentifierView]
    may_record: bool


@use_case("identifier.list")
def register(actor: User | None, group_id: int, criteria: Callable[[JointGroup], dict]) -> Register:
    """The register page: `criteria(group)` reads the filter (its choices depend on the group's cases)."""
    actor, group = scope.load_visible(actor, group_id)
    return Register(group=group, items=_filtered(actor, group, **criteria(group)),
                    may_record=in_group(actor.id, group) and scope.unworkable_refusal(group) is None)


# How many records of each kind the form's "found in" list offers: the latest matching what was typed
# (a group holds thousands of tasks; the list's picker asks again as one types).
RECORDS_LISTED = 50
# What names a record in that list, by kind (as `_title` does), read as columns rather than records.
_NAMES = {"case": (CriminalCase.party_code, CriminalCase.number), "evidence": (EvidenceItem.number, EvidenceItem.title),
          "instruction": (Instruction.subject,), "task": (Task.title,)}


def _id_of(choice: tuple[str, str]) -> int:
    return int(choice[0].partition(":")[2])


@use_case("identifier.record_form")
def recordable(actor: User | None, group_id: int, *, q: str = "",
               chosen: str | None = None) -> tuple[JointGroup, list[tuple[str, str, str]]]:
    """The records of the group an identifier can be recorded on, for a form, each as
    (`<type>:<id>`, its name, the kind of record): of its cases, evidence items, instructions and tasks
    (a message's identifiers are recorded from the API), the latest `RECORDS_LISTED` of each kind whose
    name contains `q` (any case, in any script), oldest first, and the `chosen` one."""
    actor, group = scope.load_visible(actor, group_id)
    needle = q.strip().casefold()
    chosen_type, _, chosen_id = (chosen or "").partition(":")
    kinds_of_record = {"case": _l("Criminal cases"), "evidence": _l("Evidence items"),
                       "instruction": _l("Instructions"), "task": _l("Tasks")}
    choices = []
    for record_type, label in kinds_of_record.items():
        model = RECORD_TYPES[record_type]
        stmt = select(model.id, *_NAMES[record_type]).where(model.group_id == group.id).order_by(model.id.desc())
        # Filtered here, not in SQL: SQLite's lower() folds only ASCII.
        named = ((f"{record_type}:{record_id}", " ".join(parts)) for record_id, *parts in
                 db.session.execute(stmt if needle else stmt.limit(RECORDS_LISTED)))
        listed = [(value, name) for value, name in named if needle in name.casefold()][:RECORDS_LISTED]
        if record_type == chosen_type and chosen_id.isdigit() and chosen not in dict(listed):
            record = _record(record_type, int(chosen_id))
            if record is not None and record.group_id == group.id:
                listed.append((chosen, _title(record)))
        choices += [(value, name, str(label)) for value, name in sorted(listed, key=_id_of)]
    return group, choices


@use_case("identifier.read")
def get_identifier(actor: User | None, identifier_id: int) -> IdentifierView:
    """The identifier with every record of the group it was seen in that `actor` may read; a card
    in full to the group head and to those who recorded it. NotFound when it was seen nowhere they read."""
    actor, identifier = scope.load_in_group(actor, Identifier, identifier_id, "identifier")
    view = _view(actor, identifier, full=_sees_full(actor, identifier.group, identifier))
    if view is None:
        raise NotFound()
    return view


# --- match inquiries ------------------------------------------------------------------------

def _deciders(held: Identifier) -> set[int]:
    """Who answers an inquiry about a held identifier: its group's head and the current national heads
    of the teams that recorded it; once the group is closed (its people gone back to other work), the
    legal officers of its former head's authority, who keep its records."""
    if held.group.status == GroupStatus.CLOSED:
        head = held.group.head
        return set(legal_officers(authority_id=head.authority_id)) if head and head.authority_id else set()
    teams = {s.team for s in held.sightings if s.team is not None}
    heads = {m.user_id for team in teams for m in team.current_members if m.role == MemberRole.NATIONAL_HEAD}
    return heads | ({held.group.head_id} - {None})


def _may_read_inquiry(actor: User, inquiry: IdentifierInquiry) -> bool:
    return actor.id == inquiry.inquirer_id or actor.id in _deciders(inquiry.held_identifier)


@dataclass
class InquiryView:
    """An inquiry as its reader sees it: the inquirer sees the disclosure once made, nothing of the
    holder before; the deciders see what is asked about their own identifier."""

    inquiry: IdentifierInquiry
    direction: str  # "outgoing" for the inquirer, "incoming" for those who decide
    disclosure: dict | None

    @property
    def id(self) -> int:
        return self.inquiry.id

    @property
    def status(self) -> str:
        return self.inquiry.status.value


def _inquiry_view(actor: User, inquiry: IdentifierInquiry) -> InquiryView:
    """What was disclosed goes to the inquirer (the deciders know it already); the inquirer's
    colleagues see that an inquiry was sent and how it stands."""
    deciders = _deciders(inquiry.held_identifier)
    disclosure = None
    if inquiry.status == InquiryStatus.DISCLOSED and actor.id in deciders | {inquiry.inquirer_id}:
        held = inquiry.held_identifier
        case = _answered_from(held).case
        disclosure = {"group_code": held.group.code, "case_number": case.number if case else None,
                      "summary": case.summary if case else None}
    incoming = actor.id in deciders and actor.id != inquiry.inquirer_id
    return InquiryView(inquiry=inquiry, direction="incoming" if incoming else "outgoing", disclosure=disclosure)


@use_case("identifier.inquire")
def send_inquiry(actor: User | None, identifier_id: int, *, reason: str, case_id: int,
                 match_id: int | None = None) -> InquiryView:
    """Ask the group that also holds the identifier what it has on it: `reason`, the inquiring case,
    and the hit (`match_id`; needed only when several groups hold it)."""
    actor, identifier = scope.load_in_group(actor, Identifier, identifier_id, "identifier")
    group = identifier.group
    if _view(actor, identifier, full=False) is None:
        raise NotFound()
    if not in_group(actor.id, group):
        raise Forbidden(_l("Only members of the group send match inquiries."))
    scope.require_workable(group)
    hits = {hit.match_id: hit for hit in _hits(actor, identifier)}
    problems = {}
    if problem := values.text_problem(reason, TEXT_LIMITS["note"]):
        problems["reason"] = problem
    if all(case.id != case_id for case in group.cases):
        problems["case_id"] = _l("No such case in this group.")
    chosen = hits.get(match_id) if match_id is not None else (next(iter(hits.values())) if len(hits) == 1 else None)
    if chosen is None:
        problems["match_id"] = (_l("No other group holds this identifier.") if not hits
                                else _l("Choose which holder to ask."))
    if problems:
        raise Invalid(fields=problems)
    held = db.session.get(Identifier, chosen.match_id)
    if any(i.status == InquiryStatus.PENDING for i in db.session.scalars(select(IdentifierInquiry).where(
            IdentifierInquiry.group_id == group.id, IdentifierInquiry.held_identifier_id == held.id))):
        raise Conflict(_l("An inquiry to this holder is already awaiting its answer."))
    inquiry = IdentifierInquiry(identifier=identifier, group=group, case_id=case_id, inquirer_id=actor.id,
                                reason=reason.strip(), held_identifier=held)
    db.session.add(inquiry)
    db.session.flush()
    # The inquiring group knows the holder by its authority only, until it discloses; the holding group
    # learns of the hit now, from the inquiry, and which group asks (it decides what to tell it).
    note(object_type="identifier_inquiry", object_id=inquiry.id, group_id=group.id,
         holder_authority_id=chosen.holder_authority.id)
    note_other_group(held.group_id, inquiring_group_id=group.id)
    _on_both_timelines(inquiry, actor, "identifier.inquiry_sent", "identifier.inquiry_received")
    notifications.tell(INQUIRY_RECEIVED, held.group, _deciders(held), actor=actor)
    return _inquiry_view(actor, inquiry)


def _named(authority: Authority | None) -> dict:
    """The other side of an inquiry on a timeline, as it was named then (the timeline reads no registry)."""
    return {} if authority is None else {"authority_id": authority.id,
                                         "authority": {"en": authority.name_en, "ru": authority.name_ru}}


def _on_both_timelines(inquiry: IdentifierInquiry, actor: User, inquiring_kind: str, holding_kind: str) -> None:
    """An inquiry's step on the timeline of each group, each naming the other side by its authority: the
    inquiring group's never names the holding group (that is the disclosure's to tell)."""
    held = inquiry.held_identifier
    scope.record(inquiry.group, actor, inquiring_kind, also={inquiry.inquirer_id}, inquiry_id=inquiry.id,
                 **_named(_holder_of(held)))
    scope.record(held.group, actor, holding_kind, also=_deciders(held), inquiry_id=inquiry.id,
                 **_named(inquiry.inquirer.authority))


def _inquiries(actor: User, direction: str) -> list[InquiryView]:
    if direction == "outgoing":
        found = db.session.scalars(select(IdentifierInquiry).where(IdentifierInquiry.inquirer_id == actor.id)
                                   .order_by(IdentifierInquiry.id.desc()))
    else:
        found = [inquiry for inquiry in db.session.scalars(select(IdentifierInquiry)
                                                           .order_by(IdentifierInquiry.id.desc()))
                 if actor.id in _deciders(inquiry.held_identifier)]
    return [_inquiry_view(actor, inquiry) for inquiry in found]


@use_case("identifier.inquiries")
def list_inquiries(actor: User | None, *, direction: str = "outgoing") -> list[InquiryView]:
    """The inquiries the caller sent (`outgoing`) or must decide (`incoming`), newest first."""
    actor = authz.require_user(actor)
    note(direction=direction)
    return _inquiries(actor, direction)


@use_case("identifier.inquiries")
def inquiry_lists(actor: User | None) -> tuple[list[InquiryView], list[InquiryView]]:
    """(incoming, outgoing) for the inquiries page."""
    actor = authz.require_user(actor)
    return _inquiries(actor, "incoming"), _inquiries(actor, "outgoing")


def _load_inquiry(actor: User | None, inquiry_id: int) -> tuple[User, IdentifierInquiry]:
    actor = authz.require_user(actor)
    inquiry = db.session.get(IdentifierInquiry, inquiry_id)
    if inquiry is None or not _may_read_inquiry(actor, inquiry):
        raise NotFound()
    note(object_type="identifier_inquiry", object_id=inquiry.id, **_audited_side(actor, inquiry))
    return actor, inquiry


def _audited_side(actor: User, inquiry: IdentifierInquiry) -> dict:
    """Which group's trail a step on an inquiry goes to: the holding group's (naming the inquiring one)
    when one of its deciders acts, else the inquiring group's, naming only the holder's authority."""
    held = inquiry.held_identifier
    if actor.id in _deciders(held):
        return {"group_id": held.group_id, "inquiring_group_id": inquiry.group_id}
    return {"group_id": inquiry.group_id, "holder_authority_id": _holder_of(held).id}


@use_case("identifier.inquiry_read")
def get_inquiry(actor: User | None, inquiry_id: int) -> InquiryView:
    actor, inquiry = _load_inquiry(actor, inquiry_id)
    return _inquiry_view(actor, inquiry)


@use_case("identifier.inquiry_decide")
def decide_inquiry(actor: User | None, inquiry_id: int, *, disclose: bool, reason: str | None = None) -> InquiryView:
    """The holder's group head, or the national head of the team that recorded it, discloses (the
    inquirer then sees the holder's group code, the case number and its summary) or declines with a reason."""
    actor, inquiry = _load_inquiry(actor, inquiry_id)
    held = inquiry.held_identifier
    if actor.id not in _deciders(held):
        raise NotFound()
    if inquiry.status != InquiryStatus.PENDING:
        raise Conflict(_l("The inquiry has been answered already."))
    if not disclose and (problem := values.text_problem(reason, TEXT_LIMITS["note"])):
        raise Invalid(fields={"reason": problem})
    inquiry.status = InquiryStatus.DISCLOSED if disclose else InquiryStatus.DECLINED
    inquiry.decided_by_id, inquiry.decided_at = actor.id, utcnow()
    inquiry.decision_reason = (reason or "").strip() or None
    # The decision is the holder's act, audited in the holder's group (as `_load_inquiry` noted); the
    # inquiring group's event names the holder's authority only.
    note(decision=inquiry.status.value)
    note_other_group(inquiry.group_id, decision=inquiry.status.value,
                     holder_authority_id=_holder_of(held).id)
    kind = f"identifier.inquiry_{inquiry.status.value}"
    _on_both_timelines(inquiry, actor, kind, kind)
    return _inquiry_view(actor, inquiry)

"""A group's documents: the creation requests and decisions its parties file, the decisions that
take effect once every participating party has filed them (the head, the term), and the signed
files attached to them."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from jit.extensions import db
from jit.models import DecisionKind, DocumentKind, GroupDocument, JointGroup, User
from jit.services import authz, channels, files, groups, notifications, scope, values
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Invalid, NotFound

# --- documents -----------------------------------------------------------------------------

@use_case("group.document_add")
def add_document(actor: User | None, group_id: int, *, kind: str, decision: str | None, party: str,
                 authority_id: int, reference: str, dated: date, signed_by: str,
                 head_id: int | None = None, new_end: date | None = None) -> GroupDocument:
    """File a creation request or a decision; decisions take effect (head, term) as they are filed."""
    actor, group = scope.load_visible(actor, group_id)
    authz.require_group_manager(actor, group)
    party = (party or "").upper()
    problems = {}
    if kind not in {k.value for k in DocumentKind}:
        problems["kind"] = _l("creation_request or decision.")
    if kind == DocumentKind.DECISION and decision not in {d.value for d in DecisionKind}:
        problems["decision"] = _l("One of: %(kinds)s.", kinds=", ".join(d.value for d in DecisionKind))
    if kind == DocumentKind.CREATION_REQUEST and decision:
        problems["decision"] = _l("A creation request is not a decision.")
    for name, value in (("reference", reference), ("signed_by", signed_by)):
        if values.text_problem(value):
            problems[name] = values.REQUIRED
    if head_id is not None and decision != DecisionKind.APPOINT_HEAD:
        problems["head_id"] = _l("Only an appoint_head decision names a head.")
    if new_end is not None and decision != DecisionKind.EXTEND:
        problems["new_end"] = _l("Only an extend decision sets a new end.")
    if not isinstance(dated, date):
        problems["dated"] = values.REQUIRED
    elif dated > scope.today():
        problems["dated"] = _l("Cannot be in the future.")
    if problems:
        raise Invalid(fields=problems)
    is_decision = kind == DocumentKind.DECISION
    if is_decision and party not in group.party_codes:
        raise Invalid(fields={"party": _l("Only participating parties (with a national team) decide.")})
    authority = groups.listed_authority(authority_id, party, dated, "authority_id", central=is_decision)
    decision = DecisionKind(decision) if is_decision else None
    # Looked up before the document joins the group: a lookup flushes, and a half-built document must not.
    appointed = groups.active_user(head_id, "head_id").id if decision == DecisionKind.APPOINT_HEAD else None
    document = GroupDocument(group=group, kind=DocumentKind(kind), decision=decision, party_code=party,
                             authority=authority, reference=reference.strip(), dated=dated,
                             signed_by=signed_by.strip(), created_by_id=actor.id, head_id=appointed)
    if document.decision == DecisionKind.EXTEND:
        if not isinstance(new_end, date) or (group.ends_on and new_end <= group.ends_on):
            raise Invalid(fields={"new_end": _l("A date after the current end of the term.")})
        document.new_end = new_end
    db.session.add(document)
    db.session.flush()
    note(document_id=document.id, kind=kind, decision=decision)
    scope.record(group, actor, "document_added", document_id=document.id, kind=kind, decision=decision,
                 party=party)
    if is_decision:
        notifications.tell("group.decision", group, notifications.national_heads(group), actor=actor)
    _apply_decisions(group, actor)
    return document


def _apply_decisions(group: JointGroup, actor: User) -> None:
    """A head appointment or a term extension takes effect once every participating party decided it."""
    parties = set(group.party_codes)
    appointments = groups.decisions(group, DecisionKind.APPOINT_HEAD)
    if appointments:
        latest = max(appointments, key=lambda doc: (doc.dated, doc.id))
        agreed = {doc.party_code for doc in appointments if doc.head_id == latest.head_id}
        if parties and parties <= agreed and group.head_id != latest.head_id:
            former_manager = group.head_id or group.created_by_id
            group.head_id = latest.head_id
            # The former head (or the creator, who managed until now) may read fewer channels.
            channels.cut_lost_access(group, former_manager)
            scope.record(group, actor, "head_appointed", head_id=latest.head_id)
    extensions = groups.decisions(group, DecisionKind.EXTEND)
    if extensions:
        target = max(doc.new_end for doc in extensions)
        agreed = {doc.party_code for doc in extensions if doc.new_end == target}
        if parties and parties <= agreed and (group.ends_on is None or target > group.ends_on):
            previous, group.ends_on = group.ends_on, target
            scope.record(group, actor, "term_extended", previous_end=previous.isoformat() if previous else None,
                          new_end=target.isoformat())


# --- document files ------------------------------------------------------------------------

def _document(actor: User | None, document_id: int) -> tuple[User, GroupDocument]:
    return scope.load_in_group(actor, GroupDocument, document_id, "group_document")


@use_case("group.document_file_attach")
def attach_document_file(actor: User | None, document_id: int, *, filename: str, stream: BinaryIO) -> GroupDocument:
    """Attach the signed document (once): streamed to the content store under its SHA-256."""
    actor, document = _document(actor, document_id)
    authz.require_group_manager(actor, document.group)
    if document.file_sha256 is not None:
        raise Conflict(_l("A file is already attached to this document."))
    name, stored = files.store_upload(filename, stream)
    document.file_name, document.file_sha256, document.file_size = name, stored.sha256, stored.size
    note(sha256=stored.sha256, size=stored.size)
    scope.record(document.group, actor, "document_file_attached", document_id=document.id, sha256=stored.sha256)
    return document


@use_case("group.document_file_read")
def document_file(actor: User | None, document_id: int) -> tuple[GroupDocument, BinaryIO]:
    """The attached file, for anyone who may see the group."""
    _, document = _document(actor, document_id)
    if document.file_sha256 is None:
        raise NotFound()
    return document, files.content_store().open(document.file_sha256)

"""Every operation the audit trail records, in words: the label a page shows for each operation name
(`use_case("...")`, `record_event("...")`), and which ones are views (opening a page or a list,
a socket connecting or subscribing) that the trail hides unless asked for.

A test collects every operation name written in `jit/` and fails on one without a label here, so a
new use case cannot reach the trail as a bare code."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

# Requests no use case recorded are audited as "http.<endpoint>" (jit/session.py).
REQUEST_PREFIX = "http."


@dataclass(frozen=True)
class Operation:
    label: LazyString
    view: bool = False  # opening or listing, not acting: noise unless refused


def _view(label: LazyString) -> Operation:
    return Operation(label, view=True)


OPERATIONS: dict[str, Operation] = {
    "audit.ledger_checkpoint": Operation(_l("Signing a checkpoint of the audit ledger")),
    "audit.ledger_consistency": Operation(_l("Consistency proof of the audit ledger")),
    "audit.ledger_inclusion": Operation(_l("Inclusion proof of an audit event")),
    "audit.list": _view(_l("Viewing the audit trail")),
    "auth.password": Operation(_l("Checking the password at sign-in")),
    "auth.second_factor": Operation(_l("Checking the second factor at sign-in")),
    "auth.second_factor_enrol": Operation(_l("Enabling the second factor")),
    "auth.second_factor_setup": Operation(_l("Starting the set-up of the second factor")),
    "auth.session_expire": Operation(_l("End of an expired session")),
    "auth.session_start": Operation(_l("Start of a session")),
    "auth.sessions_lapsed": Operation(_l("Clean-up of lapsed sessions")),
    "auth.sign_in": Operation(_l("Signing in")),
    "auth.sign_out": Operation(_l("Signing out")),
    "auth.token_issue": Operation(_l("Issuing an API token")),
    "auth.token_revoke": Operation(_l("Revoking an API token")),
    "authority.create": Operation(_l("Adding a competent authority")),
    "authority.list": _view(_l("Viewing the register of authorities")),
    "authority.read": _view(_l("Viewing a competent authority")),
    "authority.update": Operation(_l("Changing a competent authority")),
    "case.add": Operation(_l("Adding a criminal case to a group")),
    "case.list": _view(_l("Viewing a group's criminal cases")),
    "channel.create": Operation(_l("Creating a channel")),
    "channel.list": _view(_l("Viewing the channels")),
    "channel.member_add": Operation(_l("Adding a member to a channel")),
    "channel.member_remove": Operation(_l("Removing a member from a channel")),
    "channel.members": _view(_l("Viewing a channel's members")),
    "channel.read": _view(_l("Reading a channel")),
    "channel.read_positions": _view(_l("Viewing who has read a channel")),
    "channel.subscribe": _view(_l("Subscribing to a channel's live messages")),
    "channel.typing": _view(_l("Typing in a channel")),
    "channel.unsubscribe": _view(_l("Leaving a channel's live messages")),
    "compliance.dashboard": _view(_l("Viewing the legal dashboard")),
    "compliance.group": _view(_l("Viewing a group's compliance")),
    "compliance.rule_update": Operation(_l("Changing a compliance rule's settings")),
    "compliance.rules": _view(_l("Viewing the compliance rules")),
    "demo.load": Operation(_l("Loading the demonstration data")),
    "evaluation.list": _view(_l("Viewing a group's evaluations")),
    "evaluation.save": Operation(_l("Saving an evaluation of a group")),
    "evidence.consent_designate": Operation(_l("Designating who records consents for an evidence item")),
    "evidence.consent_record": Operation(_l("Recording the originating party's consent")),
    "evidence.custody_read": _view(_l("Viewing an item's chain of custody")),
    "evidence.custody_record": Operation(_l("Recording a custody event")),
    "evidence.export": Operation(_l("Exporting evidence for court")),
    "evidence.file_attach": Operation(_l("Uploading a file of an evidence item")),
    "evidence.file_read": Operation(_l("Downloading a file of an evidence item")),
    "evidence.ledger_checkpoint": Operation(_l("Signing a checkpoint of a group's evidence ledger")),
    "evidence.ledger_consistency": Operation(_l("Consistency proof of a group's evidence ledger")),
    "evidence.ledger_entries": _view(_l("Viewing a group's evidence ledger")),
    "evidence.ledger_inclusion": Operation(_l("Inclusion proof of a custody event")),
    "evidence.list": _view(_l("Viewing the evidence register")),
    "evidence.read": _view(_l("Viewing an evidence item")),
    "evidence.register": Operation(_l("Registering an evidence item")),
    "evidence.verify_group": Operation(_l("Checking a group's evidence chains")),
    "group.create": Operation(_l("Creating a joint group")),
    "group.document_add": Operation(_l("Filing a group document")),
    "group.document_file_attach": Operation(_l("Uploading the file of a group document")),
    "group.document_file_read": Operation(_l("Downloading the file of a group document")),
    "group.list": _view(_l("Viewing the list of groups")),
    "group.people": _view(_l("Looking up people to choose in a group")),
    "group.read": _view(_l("Viewing a group")),
    "group.team_add": Operation(_l("Adding a national team")),
    "group.transition": Operation(_l("Changing a group's status")),
    "group.transition_check": _view(_l("Checking what a group's status change needs")),
    "group.update": Operation(_l("Changing a group's details")),
    "identifier.graph": _view(_l("Viewing a group's identifier link chart")),
    "identifier.inquire": Operation(_l("Sending a match inquiry to the group holding an identifier")),
    "identifier.inquiries": _view(_l("Viewing match inquiries")),
    "identifier.inquiry_decide": Operation(_l("Deciding on a match inquiry")),
    "identifier.inquiry_read": _view(_l("Viewing a match inquiry")),
    "identifier.list": _view(_l("Viewing a group's identifiers")),
    "identifier.read": _view(_l("Viewing an identifier and where it was seen")),
    "identifier.record": Operation(_l("Recording identifiers found in a group's records")),
    "identifier.record_form": _view(_l("Opening the form to record identifiers")),
    "instruction.create": Operation(_l("Drafting an instruction")),
    "instruction.document_add": Operation(_l("Attaching a document to an instruction")),
    "instruction.file_read": Operation(_l("Downloading a file of an instruction")),
    "instruction.list": _view(_l("Viewing the instructions")),
    "instruction.read": _view(_l("Viewing an instruction")),
    "instruction.result_add": Operation(_l("Adding a result to an instruction")),
    "instruction.transition": Operation(_l("Changing an instruction's status")),
    "instruction.update": Operation(_l("Editing an instruction")),
    "legal_request.create": Operation(_l("Registering a legal-assistance request")),
    "legal_request.export": Operation(_l("Exporting the legal-assistance register")),
    "legal_request.form": _view(_l("Opening the form of a legal-assistance request")),
    "legal_request.import": Operation(_l("Importing legal-assistance requests")),
    "legal_request.list": _view(_l("Viewing the legal-assistance register")),
    "legal_request.read": _view(_l("Viewing a legal-assistance request")),
    "legal_request.stats": _view(_l("Viewing the statistics of legal-assistance requests")),
    "legal_request.update": Operation(_l("Changing a legal-assistance request")),
    "member.add": Operation(_l("Adding a member to a group")),
    "member.remove": Operation(_l("Removing a member from a group")),
    "message.catch_up": _view(_l("Fetching missed messages")),
    "message.delete": Operation(_l("Deleting a message")),
    "message.edit": Operation(_l("Editing a message")),
    "message.history": _view(_l("Viewing a message's edits")),
    "message.link": Operation(_l("Linking a message to a record")),
    "message.list": _view(_l("Reading messages")),
    "message.send": Operation(_l("Sending a message")),
    "message.to_task": Operation(_l("Turning a message into a task")),
    "party.list": _view(_l("Viewing the register of parties")),
    "party.update": Operation(_l("Changing a party's treaty dates")),
    "registry.overview": _view(_l("Viewing the registry")),
    "socket.connect": _view(_l("Connecting to live updates")),
    "socket.disconnect": _view(_l("Disconnecting from live updates")),
    "socket.refused": Operation(_l("Live-update connection refused")),
    "socket.servers_gone": Operation(_l("Forgetting the connections of stopped servers")),
    "task.comment": Operation(_l("Commenting on a task")),
    "task.create": Operation(_l("Creating a task")),
    "task.list": _view(_l("Viewing the tasks")),
    "task.read": _view(_l("Viewing a task")),
    "task.update": Operation(_l("Changing a task")),
    "user.create": Operation(_l("Creating an account")),
    "user.create_from_command_line": Operation(_l("Creating an account from the command line")),
    "user.list": _view(_l("Viewing the accounts")),
    "user.me": _view(_l("Viewing one's own account")),
    "user.password_change": Operation(_l("Changing one's password")),
    "user.password_reset": Operation(_l("Resetting an account's password")),
    "user.read": _view(_l("Viewing an account")),
    "user.second_factor_reset": Operation(_l("Resetting an account's second factor")),
    "user.set_locale": Operation(_l("Choosing the language")),
    "user.sign_in_failures": _view(_l("Viewing failed sign-ins")),
    "user.unlock": Operation(_l("Clearing an account's failed sign-ins")),
    "user.update": Operation(_l("Changing an account")),
    "work.mine": _view(_l("Viewing My work")),
    "home.read": _view(_l("Viewing the home page")),
    # A search is itself a record in a law-enforcement system: never hidden as a page view.
    "legal_request.search": Operation(_l("Searching the register of legal-assistance requests")),
    "message.read": _view(_l("Viewing a message")),
    "notification.due": Operation(_l("Sending due-date and term reminders")),
    "notification.list": _view(_l("Viewing the notifications")),
    "notification.mail": Operation(_l("Mailing notifications")),
    "notification.open": _view(_l("Opening a notification")),
    "notification.preferences": _view(_l("Viewing one's notification settings")),
    "notification.preferences_update": Operation(_l("Changing one's notification settings")),
    "notification.read": Operation(_l("Marking notifications read")),
    "search.filters": _view(_l("Viewing the search filters")),
    "search.page": Operation(_l("Searching (page)")),
    "search.query": Operation(_l("Searching")),
}
VIEWS = frozenset(name for name, operation in OPERATIONS.items() if operation.view)
REQUEST_LABEL = _l("Request to %(path)s")


def label(name: str, details: dict | None = None) -> str:
    """The operation in words; a request no use case recorded is named by its address."""
    if name in OPERATIONS:
        return str(OPERATIONS[name].label)
    if name.startswith(REQUEST_PREFIX):
        details = details or {}
        request = " ".join(str(details[key]) for key in ("method", "path") if key in details)
        return str(REQUEST_LABEL) % {"path": request}
    return name  # a name recorded by an older version of the platform: shown as it was stored


def choices() -> list[tuple[str, str]]:
    """(name, label) of every operation, by label in the reader's language, for a filter."""
    return sorted(((name, str(operation.label)) for name, operation in OPERATIONS.items()),
                  key=lambda choice: choice[1].casefold())


# What each detail an event may carry is (`audit.note(**details)`, `record_event`), in words.
DETAILS: dict[str, LazyString] = {
    "active": _l("active"), "after_seq": _l("after message"),
    "agreement_2015_in_force_on": _l("2015 Agreement in force on"),
    "assignees": _l("assignees"), "attempted_username": _l("username tried"), "bad_rows": _l("rows refused"),
    "case_id": _l("case"), "certified": _l("certified copy"),
    "chisinau_in_force_on": _l("Chisinau Convention in force on"),
    "cleared_sign_in_failures": _l("failed sign-ins cleared"), "code": _l("reason code"), "comment_id": _l("comment"),
    "consent_id": _l("consent"), "date_from": _l("from"), "date_to": _l("to"), "decision": _l("decision"),
    "delisted_on": _l("delisted on"), "designee_id": _l("designated person"), "direction": _l("direction"),
    "document_id": _l("document"), "enabled": _l("switched on"), "event_type": _l("custody event"),
    "events": _l("events"), "fields": _l("fields"), "file_id": _l("file"), "findings": _l("findings"),
    "first": _l("first size"), "held_group_id": _l("group holding it"),
    "holder_authority_id": _l("authority holding it"),
    "inquiring_group_id": _l("inquiring group"), "instruction_id": _l("instruction"), "instrument": _l("instrument"),
    "items": _l("items"), "kind": _l("kind"), "leaf_index": _l("entry"), "link_id": _l("linked record"),
    "link_type": _l("linked to"), "locale": _l("language"), "member_id": _l("person"), "members": _l("members"),
    "message_id": _l("message"), "method": _l("method"), "note_text": _l("note"), "number": _l("number"),
    "params": _l("settings"), "party": _l("party"), "path": _l("request"), "place": _l("place"),
    "previous_designee_id": _l("previously designated person"), "purpose": _l("chosen as"), "reason": _l("reason"),
    "recorded_as": _l("recorded as"), "refused": _l("filter refused"), "recovery_code_used": _l("recovery code used"),
    "refers_to": _l("refers to event"),
    "reopened": _l("reopened"), "repeated": _l("repeated"), "result_id": _l("result"), "roles": _l("roles"),
    "rows": _l("rows"), "rule": _l("rule"), "second": _l("second size"), "seq": _l("message number"),
    "sessions_ended": _l("sessions ended"), "sha256": _l("SHA-256"), "size": _l("size"), "sockets": _l("connections"),
    "status": _l("status"), "subject": _l("subject"), "task_id": _l("task"), "team_id": _l("national team"),
    "throttled_for_seconds": _l("blocked for, seconds"), "to": _l("to"), "to_external": _l("outside the group"),
    "to_user_id": _l("recipient"), "tokens_revoked": _l("tokens revoked"), "tree_size": _l("ledger size"),
    "type": _l("type"), "username": _l("username"), "violations": _l("violations"), "withheld": _l("withheld"),
    "all": _l("all"), "day": _l("day"), "marked": _l("marked"), "query": _l("query"), "results": _l("results"),
    "sent": _l("sent"), "tab": _l("tab"), "unread": _l("unread only"),
    "attempts": _l("tries"), "digest": _l("daily digest"), "error": _l("error"), "kinds": _l("kinds mailed"),
    "quiet": _l("quiet hours"),
}
# Details that hold a record's number (a list of them, comma-separated): shown by the record's name.
DETAIL_REFERENCES = {"assignees": "user", "members": "user", "member_id": "user", "designee_id": "user",
                     "previous_designee_id": "user", "to_user_id": "user", "case_id": "case", "task_id": "task",
                     "instruction_id": "instruction", "team_id": "team", "holder_authority_id": "authority"}


def detail_label(key: str) -> str:
    return str(DETAILS[key]) if key in DETAILS else key


def references(key: str, value) -> list[tuple[str, str]]:
    """The records a detail names, as (object type, id)."""
    if key not in DETAIL_REFERENCES or value is None:
        return []
    return [(DETAIL_REFERENCES[key], part.strip()) for part in str(value).split(",") if part.strip()]

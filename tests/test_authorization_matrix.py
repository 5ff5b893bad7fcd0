"""Every route and every socket event, against anonymous, each role and an outsider.

The table below must name every rule of the app's URL map and every registered socket handler:
a new route or event without an entry fails `test_every_route_and_event_has_an_entry`, so
nobody adds a door without deciding who may use it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from jit.extensions import db, socketio
from jit.models import AuthorityKind, User
from jit.models.types import utcnow
from jit.services import (
    cases,
    channels,
    evidence,
    group_documents,
    groups,
    identifiers,
    instructions,
    legal_requests,
    tasks,
)
from tests import factories
from tests.conftest import csrf_token_in, sign_in_api, sign_in_page

# The investigator persona manages the test group, so their (successful) change comes last.
PERSONAS = ("anonymous", "legal_officer", "admin", "outsider", "investigator")
USERS = ("investigator", "legal_officer", "admin", "outsider")


def api_any_user(ok: int = 200) -> dict:
    return {"anonymous": 401, **dict.fromkeys(USERS, ok)}


def api_admin_only(ok: int = 200) -> dict:
    return {"anonymous": 401, "investigator": 403, "legal_officer": 403, "outsider": 403, "admin": ok}


def page_any_user(ok: int = 200) -> dict:
    return {"anonymous": 302, **dict.fromkeys(USERS, ok)}


def page_admin_only(ok: int = 200) -> dict:
    return {"anonymous": 302, "investigator": 403, "legal_officer": 403, "outsider": 403, "admin": ok}


EVERYONE_OK = dict.fromkeys(PERSONAS, 200)


@dataclass
class Call:
    expected: dict[str, int]
    json: dict | Callable[[dict], dict] | None = None  # a function of the world's ids where it needs them
    form: dict | Callable[[dict], dict] = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    path_keys: dict = field(default_factory=dict)  # route argument → the world's id to put there
    upload: bool = False  # send a multipart body with a small file


def group_reader(ok: int = 200) -> dict:
    """The group's manager, the legal officer of a participating party and admins read; outsiders
    cannot tell the group exists."""
    return {"anonymous": 401, "investigator": ok, "legal_officer": ok, "admin": ok, "outsider": 404}


def group_manager(ok: int = 200) -> dict:
    return {"anonymous": 401, "investigator": ok, "legal_officer": 403, "admin": 403, "outsider": 404}


def channel_reader(ok: int = 200) -> dict:
    """Channels are read by the members they are for: anyone else, even someone who sees the
    group, cannot tell a channel or its messages exist."""
    return {"anonymous": 401, "investigator": ok, "legal_officer": 404, "admin": 404, "outsider": 404}


def page_group_reader(ok: int = 200) -> dict:
    """Group pages (forms included: submitting is what the services refuse)."""
    return {"anonymous": 302, "investigator": ok, "legal_officer": ok, "admin": ok, "outsider": 404}


def page_channel_reader(ok: int = 200) -> dict:
    """A message's pages, like its API: whoever may not read its channel cannot tell it exists."""
    return {"anonymous": 302, "investigator": ok, "legal_officer": 404, "admin": 404, "outsider": 404}


def page_group_manager(ok: int = 302) -> dict:
    return {"anonymous": 302, "investigator": ok, "legal_officer": 403, "admin": 403, "outsider": 404}


AUTHORITY = {"party": "KZ", "name_en": "Agency", "name_ru": "Агентство", "kind": "competent",
             "listed_on": "2020-01-01"}

# (endpoint, method) → the call and the status each persona must get.
MATRIX: dict[tuple[str, str], Call] = {
    # pages open to anyone
    ("static", "GET"): Call(EVERYONE_OK),
    ("health.healthz", "GET"): Call(EVERYONE_OK),
    ("api-docs.openapi_json", "GET"): Call(EVERYONE_OK),
    ("auth.login", "GET"): Call({"anonymous": 200, **dict.fromkeys(USERS, 302)}),  # signed in: off to home
    ("auth.login", "POST"): Call({"anonymous": 401, **dict.fromkeys(USERS, 302)},
                                 form={"username": "nobody", "password": "wrong password"}),
    # no sign-in pending: back to the login page
    ("auth.second_factor", "GET"): Call(dict.fromkeys(PERSONAS, 302)),
    ("auth.second_factor", "POST"): Call(dict.fromkeys(PERSONAS, 302), form={"code": "123456"}),
    ("auth.set_language", "POST"): Call(dict.fromkeys(PERSONAS, 302), form={"locale": "en", "next": "/"}),
    ("auth.logout", "POST"): Call(dict.fromkeys(PERSONAS, 302)),
    # pages for every signed-in user
    ("main.home", "GET"): Call(page_any_user()),
    ("account.overview", "GET"): Call(page_any_user()),
    ("account.second_factor", "GET"): Call(page_any_user()),
    ("account.second_factor", "POST"): Call(page_any_user(), form={"code": "000000"}),  # wrong code: form again
    ("account.change_password", "GET"): Call(page_any_user()),
    ("account.change_password", "POST"): Call(page_any_user(422), form={  # wrong current password: form again
        "current_password": "not mine at all", "new_password": "seven ravens over the steppe",
        "confirm": "seven ravens over the steppe"}),
    ("account.notification_preferences", "GET"): Call(page_any_user()),
    ("account.notification_preferences", "POST"): Call(page_any_user(422), form={  # no address: form again
        "email": "", "kind_mention": "immediate"}),
    ("audit.events", "GET"): Call(page_any_user()),
    ("notifications.inbox", "GET"): Call(page_any_user()),
    ("notifications.mark_all_read", "POST"): Call(page_any_user(302)),
    # someone else's notification, or none: it does not exist for the caller
    ("notifications.follow", "GET"): Call({"anonymous": 302, **dict.fromkeys(USERS, 404)},
                                          path_keys={"nid": "instruction_id"}),
    ("search.results", "GET"): Call(page_any_user(), query={"q": "выемка"}),
    # administration pages
    ("admin.index", "GET"): Call(page_admin_only()),
    # The registry is reference data every user may read; only changing it is the admins'.
    ("admin.parties", "GET"): Call(page_any_user()),
    ("admin.edit_party", "GET"): Call(page_admin_only()),  # no form the POST would refuse
    ("admin.edit_party", "POST"): Call(page_admin_only(302), form={"agreement_2015_in_force_on": "2017-05-15"}),
    ("admin.authorities", "GET"): Call(page_any_user()),
    ("admin.new_authority", "GET"): Call(page_admin_only()),
    ("admin.new_authority", "POST"): Call(page_admin_only(302), form=AUTHORITY),
    ("admin.edit_authority", "GET"): Call(page_admin_only()),
    ("admin.edit_authority", "POST"): Call(page_admin_only(302), form={"name_en": "Renamed", "name_ru": "Новое"}),
    ("admin.users_list", "GET"): Call(page_admin_only()),
    ("admin.new_user", "GET"): Call(page_admin_only()),
    ("admin.new_user", "POST"): Call(page_admin_only(302), form={
        "username": "new.person", "full_name": "New Person", "password": "long enough pass",
        "roles": "investigator", "time_zone": "UTC"}),
    ("admin.edit_user", "GET"): Call(page_admin_only()),
    ("admin.edit_user", "POST"): Call(page_admin_only(302), form={
        "full_name": "Renamed Person", "roles": "investigator", "time_zone": "UTC", "active": "y"}),
    ("admin.reset_second_factor", "POST"): Call(page_admin_only(302)),
    ("admin.reset_password", "POST"): Call(page_admin_only(200)),  # the one-time password, shown once
    ("admin.unlock", "POST"): Call(page_admin_only(302)),
    # group pages
    ("groups.index", "GET"): Call(page_any_user()),
    ("groups.new", "GET"): Call(page_any_user()),
    ("groups.new", "POST"): Call({"anonymous": 302, "investigator": 302, "legal_officer": 403, "admin": 302,
                                  "outsider": 302},
                                 form={"title": "ССОГ", "purpose": "Цель", "place_of_activity": "Минск"}),
    ("groups.overview", "GET"): Call(page_group_reader()),
    ("groups.members", "GET"): Call(page_group_reader()),
    ("groups.documents", "GET"): Call(page_group_reader()),
    ("groups.case_list", "GET"): Call(page_group_reader()),
    ("groups.timeline", "GET"): Call(page_group_reader()),
    ("groups.edit", "GET"): Call(page_group_reader()),
    ("groups.edit", "POST"): Call(page_group_manager(), form={
        "title": "Новое", "purpose": "Цель", "place_of_activity": "Минск, Астана", "version": "2"}),
    ("groups.new_team", "GET"): Call(page_group_reader()),
    ("groups.new_team", "POST"): Call(page_group_manager(), form=lambda ids: {
        "party": "KZ", "authority_id": ids["authority_id"], "national_head_id": ids["joiner_id"]}),
    ("groups.new_member", "GET"): Call(page_group_reader()),
    ("groups.new_member", "POST"): Call(page_group_manager(), form=lambda ids: {
        "user_id": ids["joiner_id"], "team_id": ids["team_id"], "role": "member"}),
    ("groups.remove_member", "POST"): Call(page_group_manager(), form={"confirm": "yes"}),
    ("groups.remove_member", "GET"): Call(page_group_manager(200)),  # "are you sure?"
    ("groups.confirm_transition", "GET"): Call(page_group_manager(200), query={"to": "suspended"},
                                               path_keys={"gid": "active_gid"}),
    ("groups.new_document", "GET"): Call(page_group_reader()),
    ("groups.new_document", "POST"): Call(page_group_manager(), form=lambda ids: {
        "kind": "creation_request", "decision": "", "party": "BY", "authority_id": ids["by_authority_id"],
        "reference": "№ 1", "dated": "2025-01-10", "signed_by": "Председатель"}),
    ("groups.new_case", "GET"): Call(page_group_reader()),
    ("groups.new_case", "POST"): Call(page_group_manager(), form=lambda ids: {
        "party": "BY", "number": "№ 1", "opened_on": "2025-01-01", "articles": "ст. 212", "summary": "Хищения",
        "handling_investigator_id": ids["head_id"]}),
    ("groups.transition", "POST"): Call(page_group_manager(), form={"to": "requested", "version": "2"}),
    ("groups.attach_file", "POST"): Call(page_group_manager(), upload=True,
                                         path_keys={"document_id": "bare_document_id"}),
    ("groups.document_file", "GET"): Call(page_group_reader()),
    # evidence pages, on the active group, where the investigator persona is the Belarusian national head
    ("evidence.index", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("evidence.export", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("evidence.new", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("evidence.new", "POST"): Call(page_group_manager(), path_keys={"gid": "active_gid"}, form=lambda ids: {
        "case_id": ids["active_case_id"], "kind": "document", "title": "Выписка", "obtained_at": "2025-01-10T10:00",
        "obtained_place": "Минск", "obtained_under": "Протокол № 2"}),
    ("evidence.detail", "GET"): Call(page_group_reader()),
    ("evidence.download", "GET"): Call(page_group_reader()),
    ("evidence.upload", "POST"): Call(page_group_manager(), upload=True),
    ("evidence.verify", "POST"): Call(page_group_manager()),
    # The custodian passes the rights check; nobody by that id is in the group (422).
    ("evidence.transfer", "POST"): Call(page_group_manager(422), form={"transfer-to_user_id": "99999"}),
    ("evidence.record", "POST"): Call(page_group_manager(), form={"custody-type": "examined",
                                                                  "custody-place": "Минск"}),
    ("evidence.consent", "POST"): Call(page_group_manager(), form={"reference": "№ 1", "dated": "2025-01-10"}),
    ("evidence.designate", "POST"): Call(page_group_manager(), form={"designee-user_id": ""}),
    # identifier pages, on the active group, where the investigator persona is the Belarusian national head
    ("identifiers.index", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("identifiers.chart", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("identifiers.new", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("identifiers.records", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("identifiers.new", "POST"): Call(page_group_manager(), path_keys={"gid": "active_gid"}, form=lambda ids: {
        "kind": "imei", "value": "490154203237518", "record": f"case:{ids['active_case_id']}",
        "obtained_under": "Протокол № 3"}),
    ("identifiers.detail", "GET"): Call(page_group_reader()),
    # No other group holds it: the member's inquiry is refused on the page (422); observers may not ask.
    ("identifiers.inquire", "POST"): Call(page_group_manager(422), form=lambda ids: {
        "case_id": ids["active_case_id"], "reason": "Проверка"}),
    ("identifiers.inquiries", "GET"): Call(page_any_user()),
    # An inquiry nobody sent: nobody can tell it from one they may not see.
    ("identifiers.decide", "POST"): Call({"anonymous": 302, **dict.fromkeys(USERS, 404)},
                                         path_keys={"inquiry_id": "missing_id"}),
    # instruction pages
    ("instructions.index", "GET"): Call(page_group_reader()),
    ("instructions.new", "GET"): Call(page_group_reader()),
    ("instructions.new", "POST"): Call(page_group_manager(), form=lambda ids: {
        "from_team_id": ids["team_id"], "to_team_id": ids["other_team_id"], "case_id": ids["case_id"],
        "subject": "Допрос", "actions": "Допрос", "due_on": "2099-01-01", "body": "Прошу"}),
    ("instructions.detail", "GET"): Call(page_group_reader()),
    ("instructions.edit_subject", "POST"): Call(page_group_manager(), form={"subject": "Допрос", "version": "1"}),
    ("instructions.transition", "POST"): Call(page_group_manager(409), form={"to": "sent", "version": "1"}),
    ("instructions.add_document", "POST"): Call(page_group_manager(), upload=True,
                                                form={"title": "Постановление", "certified": "y"}),
    ("instructions.add_result", "POST"): Call(page_group_manager(403), upload=True, form={"text": "Исполнено"}),
    ("instructions.document_file", "GET"): Call(page_group_reader()),
    ("instructions.result_file", "GET"): Call({"anonymous": 302, **dict.fromkeys(USERS, 404)},
                                              path_keys={"result_id": "instruction_id"}),
    ("main.my_work", "GET"): Call(page_any_user()),
    # task pages, on the second (active) group the investigator persona heads
    ("tasks.board", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("tasks.new", "GET"): Call(page_group_reader(), path_keys={"gid": "active_gid"}),
    ("tasks.new", "POST"): Call(page_group_manager(), path_keys={"gid": "active_gid"}, form=lambda ids: {
        "title": "Допросить", "assignee_ids": str(ids["head_id"]), "priority": "normal", "case_id": ""}),
    ("tasks.detail", "GET"): Call(page_group_reader()),
    ("tasks.detail", "POST"): Call(page_group_manager(), form={
        "action": "edit", "version": "1", "title": "Проверить ещё раз", "description": "", "priority": "normal"}),
    ("tasks.comment", "POST"): Call(page_group_manager(), form={"body": "Выполняю"}),
    # a stale or refused move on the board goes back to the board with the message, as a fresh one does
    ("tasks.board_move", "POST"): Call(page_group_manager(), form={"status": "in_progress", "version": "1"}),
    # the chat page: observers see that there is no channel for them
    ("channels.page", "GET"): Call(page_group_reader()),
    ("channels.create", "POST"): Call(page_group_manager(), form=lambda ids: {
        "name": "Оперативный штаб", "member_ids": str(ids["head_id"])}),
    # a message's pages: deleting asks first; a task from it, a link of it (the investigator wrote both)
    ("channels.delete_message", "GET"): Call(page_channel_reader()),
    ("channels.delete_message", "POST"): Call(page_channel_reader(303), form={"confirm": "yes"}),
    ("channels.message_task", "GET"): Call(page_channel_reader(), path_keys={"mid": "active_mid"}),
    ("channels.message_task", "POST"): Call(page_channel_reader(302), path_keys={"mid": "active_mid"},
                                            form=lambda ids: {"assignee_ids": str(ids["head_id"]),
                                                              "priority": "normal", "case_id": ""}),
    ("channels.message_link", "GET"): Call(page_channel_reader(), path_keys={"mid": "active_mid"}),
    ("channels.message_link", "POST"): Call(page_channel_reader(302), path_keys={"mid": "active_mid"},
                                            form=lambda ids: {"target": f"task:{ids['tid']}"}),
    # the JSON API
    ("api_auth.create_token", "POST"): Call({"anonymous": 401, **dict.fromkeys(USERS, 401)},
                                            json={"username": "nobody", "password": "wrong password"}),
    ("api_auth.revoke_token", "DELETE"): Call(api_any_user(204)),
    ("api_auth.me", "GET"): Call(api_any_user()),
    ("api_home.home", "GET"): Call(api_any_user()),
    ("api_registry.list_parties", "GET"): Call(api_any_user()),
    ("api_registry.update_party", "PATCH"): Call(api_admin_only(), json={"chisinau_in_force_on": None}),
    ("api_registry.list_authorities", "GET"): Call(api_any_user()),
    ("api_registry.create_authority", "POST"): Call(api_admin_only(201), json=AUTHORITY),
    ("api_registry.get_authority", "GET"): Call(api_any_user()),
    ("api_registry.update_authority", "PATCH"): Call(api_admin_only(), json={"name_en": "Renamed"}),
    ("api_users.list_users", "GET"): Call(api_admin_only()),
    ("api_users.create_user", "POST"): Call(api_admin_only(201), json={
        "username": "someone.new", "full_name": "Someone", "password": "long enough pass",
        "roles": ["investigator"]}),
    ("api_users.get_user", "GET"): Call(api_admin_only()),
    ("api_users.update_user", "PATCH"): Call(api_admin_only(), json={"time_zone": "Europe/Minsk"}),
    ("api_users.reset_second_factor", "DELETE"): Call(api_admin_only(204)),
    ("api_users.reset_password", "POST"): Call(api_admin_only()),
    ("api_users.unlock", "POST"): Call(api_admin_only(204)),
    ("api_auth.change_password", "POST"): Call(api_any_user(422), json={
        "current_password": "not mine at all", "new_password": "seven ravens over the steppe"}),
    ("api_audit.list_events", "GET"): Call(api_any_user()),
    ("api_notifications.list_notifications", "GET"): Call(api_any_user()),
    ("api_notifications.mark_read", "POST"): Call(api_any_user(204), json={"all": True}),
    ("api_notifications.preferences", "GET"): Call(api_any_user()),
    ("api_notifications.update_preferences", "PUT"): Call(api_any_user(), json={
        "email": "someone@example.org", "email_kinds": {"mention": "digest"}}),
    ("api_search.find", "GET"): Call(api_any_user(), query={"q": "выемка"}),
    ("api_audit.checkpoint", "GET"): Call(api_admin_only()),
    ("api_audit.inclusion", "GET"): Call(api_admin_only(), query={"leaf_index": 0, "tree_size": 1}),
    ("api_audit.consistency", "GET"): Call(api_admin_only(), query={"first": 1, "second": 1}),
    ("api_groups.list_groups", "GET"): Call(api_any_user()),
    ("api_groups.create_group", "POST"): Call(
        {"anonymous": 401, "investigator": 201, "legal_officer": 403, "admin": 201, "outsider": 201},
        json={"title": "ССОГ", "purpose": "Цель", "place_of_activity": "Минск"}),
    ("api_groups.get_group", "GET"): Call(group_reader()),
    ("api_groups.update_group", "PATCH"): Call(group_manager(), json={"title": "Новое", "version": 2}),
    ("api_groups.add_team", "POST"): Call(group_manager(201), json=lambda ids: {
        "party": "KZ", "authority_id": ids["authority_id"], "national_head_id": ids["joiner_id"]}),
    ("api_groups.add_member", "POST"): Call(group_manager(201), json=lambda ids: {
        "user_id": ids["joiner_id"], "team_id": ids["team_id"], "role": "member"}),
    ("api_groups.remove_member", "DELETE"): Call(group_manager(204)),
    ("api_groups.add_document", "POST"): Call(group_manager(201), json=lambda ids: {
        "kind": "creation_request", "party": "BY", "authority_id": ids["by_authority_id"], "reference": "№ 1",
        "dated": "2025-01-10", "signed_by": "Председатель"}),
    ("api_groups.transition", "POST"): Call(group_manager(), json={"to": "requested", "version": 2}),
    ("api_groups.timeline", "GET"): Call(group_reader()),
    # Readers who may choose nobody for a purpose get an empty list; outsiders cannot tell the group exists.
    ("api_groups.people_to_choose", "GET"): Call(group_reader(), query={"purpose": "assignee", "q": "a"}),
    ("api_groups.list_cases", "GET"): Call(group_reader()),
    ("api_groups.attach_document_file", "POST"): Call(group_manager(201), upload=True,
                                                      path_keys={"document_id": "bare_document_id"}),
    ("api_groups.get_document_file", "GET"): Call(group_reader()),
    ("api_instructions.list_instructions", "GET"): Call(group_reader()),
    ("api_instructions.create_instruction", "POST"): Call(group_manager(201), json=lambda ids: {
        "from_team_id": ids["team_id"], "to_team_id": ids["other_team_id"], "case_id": ids["case_id"],
        "actions": ["Допрос"], "due_on": "2099-01-01", "body": "Прошу"}),
    ("api_instructions.get_instruction", "GET"): Call(group_reader()),
    ("api_instructions.edit_instruction", "PATCH"): Call(group_manager(), json={"subject": "Допрос", "version": 1}),
    ("api_instructions.add_document", "POST"): Call(group_manager(201), upload=True,
                                                    form={"title": "Постановление", "certified": "true"}),
    # Results come from the requested team's head only: nobody in this world is one.
    ("api_instructions.add_result", "POST"): Call(group_manager(403), upload=True, form={"text": "Исполнено"}),
    # The requesting head passes the rights check; the draft group then refuses any sending (409).
    ("api_instructions.transition", "POST"): Call(group_manager(409), json={"to": "sent", "version": 1}),
    ("api_instructions.document_file", "GET"): Call(group_reader()),
    # No result is on file yet: everyone who may see the group learns just that (404).
    ("api_instructions.result_file", "GET"): Call({"anonymous": 401, **dict.fromkeys(USERS, 404)},
                                                  path_keys={"result_id": "instruction_id"}),
    ("api_tasks.list_tasks", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    ("api_tasks.create_task", "POST"): Call(group_manager(201), path_keys={"gid": "active_gid"},
                                            json=lambda ids: {"title": "Допросить", "assignee_ids": [ids["head_id"]]}),
    ("api_tasks.get_task", "GET"): Call(group_reader()),
    ("api_tasks.update_task", "PATCH"): Call(group_manager(), json={"title": "Допросить свидетеля", "version": 1}),
    # Observers (the legal officer, admins) read tasks but do not comment on them.
    ("api_tasks.add_comment", "POST"): Call(group_manager(201), json={"body": "Выполняю"}),
    # evidence, on the active group, where the investigator persona is the Belarusian national head
    ("api_evidence.list_items", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    ("api_identifiers.list_identifiers", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    ("api_identifiers.link_graph", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    ("api_identifiers.record_identifier", "POST"): Call(group_manager(201), path_keys={"gid": "active_gid"},
                                                        json=lambda ids: {
        "kind": "imei", "value": "490154203237518", "case_id": ids["active_case_id"], "obtained_under": "Протокол",
        "shareable": False}),
    ("api_identifiers.record_identifiers", "POST"): Call(group_manager(201), path_keys={"gid": "active_gid"},
                                                         json=lambda ids: {"items": [{
        "kind": "domain", "value": "bank-login.example", "case_id": ids["active_case_id"], "obtained_under": "Протокол",
        "shareable": False}]}),
    ("api_identifiers.get_identifier", "GET"): Call(group_reader()),
    ("api_identifiers.send_inquiry", "POST"): Call(group_manager(422), json=lambda ids: {
        "reason": "Проверка", "case_id": ids["active_case_id"]}),
    ("api_identifiers.list_inquiries", "GET"): Call(api_any_user()),
    ("api_identifiers.get_inquiry", "GET"): Call({"anonymous": 401, **dict.fromkeys(USERS, 404)},
                                                 path_keys={"inquiry_id": "missing_id"}),
    ("api_identifiers.decide_inquiry", "POST"): Call({"anonymous": 401, **dict.fromkeys(USERS, 404)},
                                                     path_keys={"inquiry_id": "missing_id"},
                                                     json={"disclose": True}),
    ("api_evidence.register", "POST"): Call(group_manager(201), path_keys={"gid": "active_gid"}, json=lambda ids: {
        "case_id": ids["active_case_id"], "title": "Образ диска", "kind": "digital_copy",
        "obtained_at": "2025-11-11T09:30:00+00:00", "obtained_place": "Минск", "obtained_under": "Протокол № 1"}),
    ("api_evidence.get_item", "GET"): Call(group_reader()),
    ("api_evidence.attach_file", "POST"): Call(group_manager(201), upload=True),
    ("api_evidence.attach_raw_file", "POST"): Call(group_manager(201), query={"name": "образ.bin"}),
    ("api_evidence.download", "GET"): Call(group_reader()),
    ("api_evidence.custody", "GET"): Call(group_reader()),
    ("api_evidence.record_event", "POST"): Call(group_manager(201), json={"type": "examined", "place": "Минск"}),
    ("api_evidence.verify_files", "POST"): Call(group_manager(201), json={}),
    ("api_evidence.record_consent", "POST"): Call(group_manager(201), json={"reference": "№ 1", "dated": "2025-01-10"}),
    ("api_evidence.designate_consent_recorder", "PUT"): Call(group_manager(), json={"user_id": None}),
    ("api_evidence.verification", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    ("api_evidence.checkpoint", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    # Whoever reads the group's evidence and ledger may export them (the bundle holds nothing more).
    ("api_evidence.export", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    ("api_evidence.ledger_entries", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"}),
    ("api_evidence.inclusion", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"},
                                            query={"leaf_index": 0, "tree_size": 1}),
    ("api_evidence.consistency", "GET"): Call(group_reader(), path_keys={"gid": "active_gid"},
                                              query={"first": 1, "second": 1}),
    # channels, in the draft group (its general channel and two custom ones) and the active one
    ("api_channels.list_channels", "GET"): Call(group_reader()),  # observers get an empty list
    ("api_channels.create_channel", "POST"): Call(group_manager(201), json={"name": "Штаб", "member_ids": []}),
    ("api_channels.channel_members", "GET"): Call(channel_reader()),
    ("api_channels.add_channel_member", "POST"): Call(group_manager(201), path_keys={"cid": "empty_cid"},
                                                      json=lambda ids: {"user_id": ids["user_id"]}),
    ("api_channels.remove_channel_member", "DELETE"): Call(group_manager(204), path_keys={"cid": "custom_cid"}),
    ("api_channels.list_messages", "GET"): Call(channel_reader()),
    ("api_channels.send_message", "POST"): Call(channel_reader(201), json={"body": "Добрый день"}),
    ("api_channels.mark_read", "PUT"): Call(channel_reader(), json={"seq": 1}),
    ("api_channels.read_positions", "GET"): Call(channel_reader()),
    ("api_channels.edit_message", "PATCH"): Call(channel_reader(), json={"body": "Добрый вечер"}),
    ("api_channels.delete_message", "DELETE"): Call(channel_reader()),
    # The edit history is the group head's and the legal officers', in channels they read (issue 13, 2).
    ("api_channels.message_history", "GET"): Call(channel_reader()),
    ("api_channels.message_to_task", "POST"): Call(channel_reader(201), path_keys={"mid": "active_mid"},
                                                   json=lambda ids: {"assignee_ids": [ids["head_id"]]}),
    ("api_channels.link_message", "PUT"): Call(channel_reader(), path_keys={"mid": "active_mid"},
                                               json=lambda ids: {"type": "task", "id": ids["tid"]}),
    ("api_groups.add_case", "POST"): Call(group_manager(201), json=lambda ids: {
        "party": "BY", "number": "№ 1", "opened_on": "2025-01-01", "articles": "ст. 212", "summary": "Хищения",
        "handling_investigator_id": ids["head_id"]}),
    # the legal-assistance register: each authority's own (the request in the world is Belarus's)
    ("api_legal.list_requests", "GET"): Call(api_any_user()),
    ("api_legal.create_request", "POST"): Call(api_any_user(201), json=lambda ids: {
        "direction": "incoming", "kind": "legal_assistance", "requesting_authority_id": ids["authority_id"],
        "requested_party": "BY", "sent_on": "2025-03-01"}),
    ("api_legal.get_request", "GET"): Call(group_reader()),
    # Every reader passes the rights check; the body then lacks the version read (422).
    ("api_legal.update_request", "PATCH"): Call(group_reader(422), json={"status": "executed"}),
    ("api_legal.stats", "GET"): Call(api_any_user()),
    ("api_legal.export_requests", "GET"): Call(api_any_user()),
    # Not a CSV: refused with what is wrong with the file, after the rights check.
    ("api_legal.import_requests", "POST"): Call(api_any_user(422), upload=True),
    ("api_legal.group_compliance", "GET"): Call(group_reader()),
    ("api_legal.list_findings", "GET"): Call({"anonymous": 401, "investigator": 403, "legal_officer": 200,
                                              "admin": 200, "outsider": 403}),
    ("api_legal.list_rules", "GET"): Call(api_any_user()),
    ("api_legal.update_rule", "PATCH"): Call(api_admin_only(), json={"enabled": False, "version": 0}),
    ("api_legal.list_evaluations", "GET"): Call(group_reader()),
    # The team's national head passes the rights check; no termination decision is on file yet (409).
    ("api_legal.save_evaluation", "POST"): Call(group_manager(409), json=lambda ids: {
        "team_id": ids["team_id"], "what_worked": "Канал", "what_did_not": "—"}),
    # legal pages
    ("legal.dashboard", "GET"): Call({"anonymous": 302, "investigator": 403, "legal_officer": 200, "admin": 200,
                                      "outsider": 403}),
    ("legal.requests", "GET"): Call(page_any_user()),
    ("legal.request_detail", "GET"): Call(page_group_reader()),
    ("legal.new_request", "GET"): Call(page_any_user()),  # an empty form; the service decides on submitting
    # Every persona keeps a register; the request lacks its Art. 7 contents (422).
    ("legal.new_request", "POST"): Call(page_any_user(422), form={
        "direction": "outgoing", "kind": "legal_assistance", "requested_party": "KZ", "sent_on": "2025-03-01"}),
    ("legal.edit_request", "GET"): Call(page_group_reader()),
    # Every reader passes the rights check; the form lacks the version read (422).
    ("legal.edit_request", "POST"): Call(page_group_reader(422), form={"status": "executed"}),
    ("legal.export_requests", "GET"): Call(page_any_user()),
    ("legal.import_requests", "POST"): Call(page_any_user(422), upload=True),
    ("legal.statistics", "GET"): Call(page_any_user()),
    ("legal.group_compliance", "GET"): Call(page_group_reader()),
    ("legal.rules", "GET"): Call(page_any_user()),
    ("legal.update_rule", "POST"): Call(page_admin_only(302), form={
        "version": "0", "enabled": "y", "param_names": "grace_days", "grace_days": "3"}),
    ("legal.evaluation", "GET"): Call(page_group_reader()),
    # The team's national head passes the rights check; no termination decision is on file yet (409).
    ("legal.evaluation", "POST"): Call(page_group_manager(409), form={"what_worked": "Канал", "what_did_not": "—"}),
}

# Socket events: whether each persona's connection is accepted, and whether each signed-in
# persona's event on the draft group's general channel is (ack `ok`).
CHANNEL_MEMBER_ONLY = {"investigator": True, "legal_officer": False, "admin": False, "outsider": False}
SOCKET_EVENTS = {
    "connect": {"anonymous": False, **dict.fromkeys(USERS, True)},
    "disconnect": None,  # the end of a connection, not something a client asks for
    "subscribe": CHANNEL_MEMBER_ONLY,
    "unsubscribe": dict.fromkeys(USERS, True),  # leaving a room one is not in changes nothing
    "send": CHANNEL_MEMBER_ONLY,
    "typing": CHANNEL_MEMBER_ONLY,
    "read": CHANNEL_MEMBER_ONLY,
}
SOCKET_PAYLOADS = {"send": {"body": "Добрый день", "client_msg_id": "m-1"}, "read": {"seq": 1}}


@pytest.fixture
def matrix_app(make_app):
    # Many sign-ins from one address: lift the per-address limit for this test only.
    return make_app(JIT_LOGIN_RATE_LIMIT="10000 per minute")


@pytest.fixture
def world(matrix_app):
    """One user per persona (the outsider: an investigator of another party's authority), and the
    objects the routes' paths name."""
    with matrix_app.app_context():
        belarus = factories.create_authority("BY", AuthorityKind.CENTRAL)
        kazakhstan = factories.create_authority("KZ", AuthorityKind.COMPETENT)
        people = {
            "investigator": factories.create_user(authority=belarus),
            "legal_officer": factories.create_user(roles=("legal_officer",), authority=belarus),
            "admin": factories.create_user(roles=("admin",), authority=belarus),
            "outsider": factories.create_user(authority=kazakhstan),
        }
        target = factories.create_user(authority=kazakhstan)
        joiner = factories.create_user(authority=kazakhstan)
        group, team, (with_file, bare) = _draft_group(people["investigator"], belarus, target)
        other_team, case, instruction = _instruction_to_russia(people["investigator"], group)
        return {"people": people, "path": {
            "code": "KZ", "authority_id": kazakhstan.id, "by_authority_id": belarus.id, "user_id": target.id,
            "filename": "css/app.css", "gid": group.id, "team_id": team.id, "joiner_id": joiner.id,
            "head_id": people["investigator"].id, "document_id": with_file.id, "bare_document_id": bare.id,
            "other_team_id": other_team.id, "case_id": case.id, "iid": instruction.id,
            "instruction_id": instruction.id, "rule_id": "AGR-TERM", **_channels(people["investigator"], group, target),
            "rid": _legal_request(people["legal_officer"], belarus),
            **_active_group_with_a_task(people["investigator"], belarus)}}


def _legal_request(legal_officer: factories.UserInfo, belarus) -> int:
    """An outgoing request in Belarus's register."""
    return legal_requests.create_request(
        db.session.get(User, legal_officer.id), direction="outgoing", kind="legal_assistance",
        requesting_authority_id=belarus.id, requested_party="KZ", requested_authority="МВД РК", case_number="1",
        persons=[{"name": "Иванов И.И."}], confidential=False, substance="Допрос", sent_on=date(2025, 3, 1)).id


def _channels(manager: factories.UserInfo, group, member: factories.UserInfo) -> dict:
    """The draft group's general channel with a message of the manager's, and two custom channels:
    one with `member` in it, one empty."""
    actor = db.session.get(User, manager.id)
    general = next(channel for channel in channels.list_channels(actor, group.id) if channel.kind == "general")
    message = channels.send(actor, general.id, "Первое сообщение")
    custom = channels.create_channel(actor, group.id, name="С участником", member_ids=[member.id])
    empty = channels.create_channel(actor, group.id, name="Пустой", member_ids=[])
    return {"cid": general.id, "mid": message.id, "custom_cid": custom.id, "empty_cid": empty.id}


def _active_group_with_a_task(manager: factories.UserInfo, belarus) -> dict:
    """A second group, active, headed by the investigator persona (also the Belarusian national
    head), with a task assigned to them and a Belarusian evidence item with a file."""
    actor = db.session.get(User, manager.id)
    armenia = factories.create_authority("AM", AuthorityKind.CENTRAL)
    am_head = factories.create_user(authority=armenia)
    today = utcnow().date()
    group = groups.create_group(actor, title="ССОГ-2", purpose="Цель", place_of_activity="Минск",
                                starts_on=today, ends_on=today + timedelta(days=90))
    paper = {"reference": "№ 1", "dated": today, "signed_by": "Председатель"}
    group_documents.add_document(actor, group.id, kind="creation_request", decision=None, party="BY",
                                 authority_id=belarus.id, **paper)
    groups.transition(actor, group.id, to="requested", version=group.version)
    groups.add_team(actor, group.id, party="BY", authority_id=belarus.id, national_head_id=manager.id)
    groups.add_team(actor, group.id, party="AM", authority_id=armenia.id, national_head_id=am_head.id)
    for party, authority in (("BY", belarus), ("AM", armenia)):
        group_documents.add_document(actor, group.id, kind="decision", decision="create", party=party,
                                     authority_id=authority.id, **paper)
        group_documents.add_document(actor, group.id, kind="decision", decision="appoint_head", party=party,
                                     authority_id=authority.id, head_id=manager.id, **paper)
    groups.transition(actor, group.id, to="active", version=group.version)
    task = tasks.create_task(actor, group.id, title="Проверить", assignee_ids=[manager.id])
    case = cases.add_case(actor, group.id, party="BY", number="№ 5", opened_on=date(2025, 1, 1),
                          articles="ст. 212", summary="Хищения", handling_investigator_id=manager.id)
    item = evidence.register(actor, group.id, case_id=case.id, title="Выписка", kind="document",
                             obtained_at=utcnow(), obtained_place="Минск", obtained_under="Протокол № 1",
                             use_conditions="Только для дела № 5")  # so that its national head records consents
    evidence.record_consent(actor, item.id, reference="№ 0", dated=today)  # and it may still be exported
    evidence_file = evidence.attach_file(actor, item.id, filename="a.csv", stream=io.BytesIO(b"1;2"))
    general = next(channel for channel in channels.list_channels(actor, group.id) if channel.kind == "general")
    message = channels.send(actor, general.id, "Проверить выписки")
    identifier = identifiers.record_identifier(actor, group.id, kind="phone", value="+375 29 123-45-67",
                                               case_id=case.id, obtained_under="Протокол № 1", shareable=False)
    return {"active_gid": group.id, "tid": task.id, "active_case_id": case.id, "eid": item.id,
            "fid": evidence_file.id, "active_mid": message.id, "identifier_id": identifier.id, "missing_id": 99999}


def _instruction_to_russia(manager: factories.UserInfo, group):
    """A Russian team, a Belarusian case, and a draft instruction from the Belarusian team to the
    Russian one, with a certified decision attached (so the requesting head may send it)."""
    actor = db.session.get(User, manager.id)
    russia = factories.create_authority("RU", AuthorityKind.CENTRAL)
    ru_head = factories.create_user(authority=russia)
    other_team = groups.add_team(actor, group.id, party="RU", authority_id=russia.id, national_head_id=ru_head.id)
    case = cases.add_case(actor, group.id, party="BY", number="№ 0", opened_on=date(2025, 1, 1),
                          articles="ст. 212", summary="Хищения", handling_investigator_id=manager.id)
    from_team = next(team for team in group.teams if team.party_code == "BY")
    instruction = instructions.create_instruction(
        actor, group.id, from_team_id=from_team.id, to_team_id=other_team.id, case_id=case.id,
        actions=["Допрос"], due_on=date(2099, 1, 1), body="Прошу")
    instructions.add_document(actor, instruction.id, title="Постановление", certified=True, is_sanction=False,
                              filename="p.pdf", stream=io.BytesIO(b"%PDF-1.4"))
    return other_team, case, instruction


def _draft_group(manager: factories.UserInfo, belarus, member: factories.UserInfo):
    """A draft group the investigator persona manages: a Belarusian team they head, `member` in it,
    and a creation request on file (so a move to `requested` is possible)."""
    actor = db.session.get(User, manager.id)
    group = groups.create_group(actor, title="ССОГ", purpose="Цель", place_of_activity="Минск")
    team = groups.add_team(actor, group.id, party="BY", authority_id=belarus.id, national_head_id=manager.id)
    groups.add_member(actor, group.id, user_id=member.id, team_id=team.id, role="member")
    documents = [group_documents.add_document(actor, group.id, kind="creation_request", decision=None, party="BY",
                                              authority_id=belarus.id, reference=f"№ {n}", dated=date(2025, 1, 10),
                                              signed_by="Председатель") for n in (1, 2)]
    group_documents.attach_document_file(actor, documents[0].id, filename="request.pdf", stream=io.BytesIO(b"%PDF-1.4"))
    groups.update_group(actor, group.id, version=group.version, place_of_activity="Минск, Астана")
    return group, team, documents


def _url(matrix_app, endpoint: str, path_values: dict, call: Call) -> str:
    rule = next(rule for rule in matrix_app.url_map.iter_rules() if rule.endpoint == endpoint)
    arguments = {name: path_values[call.path_keys.get(name, name)] for name in rule.arguments}
    with matrix_app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **arguments, **call.query)


def _registered_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_and_event_has_an_entry(matrix_app):
    assert _registered_routes(matrix_app) == set(MATRIX)
    assert set(socketio.server.handlers["/"]) == set(SOCKET_EVENTS)


def _call(matrix_app, world, persona: str, endpoint: str, method: str, call: Call) -> int:
    client = matrix_app.test_client()
    user = world["people"].get(persona)
    headers = {"Accept-Language": "en"}
    is_api = endpoint.startswith("api_")
    if user is not None and is_api:
        headers["Authorization"] = f"Bearer {sign_in_api(client, user)}"
    elif user is not None:
        sign_in_page(client, user)
    if method == "POST" and not is_api:
        page = client.get("/login" if user is None else "/account/")
        headers["X-CSRFToken"] = csrf_token_in(page.get_data(as_text=True))
    url = _url(matrix_app, endpoint, world["path"], call)
    if call.upload:
        response = client.open(url, method=method, headers=headers, content_type="multipart/form-data",
                               data={"file": (io.BytesIO(b"%PDF-1.4 decision"), "decision.pdf"), **call.form})
        return response.status_code
    body = call.json(world["path"]) if callable(call.json) else call.json
    form = call.form(world["path"]) if callable(call.form) else call.form
    response = client.open(url, method=method, headers=headers, json=body,
                           data=form if not is_api and method == "POST" else None)
    return response.status_code


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda route: f"{route[1]} {route[0]}")
def test_route_answers_each_persona_as_expected(matrix_app, world, route):
    endpoint, method = route
    call = MATRIX[route]
    observed = {persona: _call(matrix_app, world, persona, endpoint, method, call) for persona in PERSONAS}
    assert observed == call.expected


def test_socket_connect_answers_each_persona_as_expected(matrix_app, world):
    for persona, accepted in SOCKET_EVENTS["connect"].items():
        user = world["people"].get(persona)
        auth = {"token": sign_in_api(matrix_app.test_client(), user)} if user else None
        socket = socketio.test_client(matrix_app, auth=auth)
        assert socket.is_connected() is accepted, persona
        if accepted:
            socket.disconnect()


def test_socket_events_answer_each_persona_as_expected(matrix_app, world):
    for persona in USERS:
        socket = socketio.test_client(matrix_app, auth={"token": sign_in_api(matrix_app.test_client(),
                                                                             world["people"][persona])})
        observed = {event: socket.emit(event, {"channel_id": world["path"]["cid"], **SOCKET_PAYLOADS.get(event, {})},
                                       callback=True)["ok"]
                    for event in SOCKET_EVENTS if event not in ("connect", "disconnect")}
        socket.disconnect()
        assert observed == {event: SOCKET_EVENTS[event][persona] for event in observed}, persona

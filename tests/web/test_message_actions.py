"""A chat message's actions on the page: deleting asks first (a confirmation page without JavaScript,
a dialog with it, and the POST needs `confirm`), a message becomes a task by a form filled from it,
and it links to an instruction or an evidence item chosen by subject or title. Each control is shown
to exactly the people the service allows, and a refusal that still happens comes back to its page."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.action_controls_support import actions_on
from tests.channels_support import channels_of, post
from tests.conftest import csrf_token_in
from tests.evidence_support import evidence_group, register
from tests.groups_support import TODAY

EN = {"Accept-Language": "en"}
# The panel's script adds these two; the page itself offers the actions that work without it.
SCRIPT_ONLY = {"edit", "history"}


def _setting(cast) -> dict:
    setting = evidence_group(cast)
    setting["general"] = channels_of(cast, setting["gid"], "creator")["general"]["id"]
    return setting


def _message(cast, channel: int, mid: int, who: str) -> dict:
    response = cast.api.get(f"/api/v1/channels/{channel}/messages", headers=cast.headers[who])
    return next(message for message in response.get_json()["items"] if message["id"] == mid)


def _chat_page(cast, setting, who: str) -> str:
    return cast.browser(who).get(f"/groups/{setting['gid']}/channels", headers=EN).get_data(as_text=True)


def test_each_reader_sees_on_a_message_the_actions_the_service_allows(cast):
    setting = _setting(cast)
    mid = post(cast, setting["general"], "kz_member", "Проверить счета").get_json()["id"]
    shown = {}
    for who in ("creator", "kz_head", "kz_member"):
        shown[who] = actions_on(_chat_page(cast, setting, who), f"message:{mid}")
        assert shown[who] == set(_message(cast, setting["general"], mid, who)["allowed_actions"]) - SCRIPT_ONLY, who
    assert shown == {"creator": {"to_task", "link"}, "kz_head": {"to_task"}, "kz_member": {"delete", "link"}}


def test_deleting_a_message_asks_first_and_needs_confirm(cast):
    setting = _setting(cast)
    general = setting["general"]
    message = post(cast, general, "kz_member", "Ошибочное сообщение").get_json()
    mid = message["id"]
    author = cast.browser("kz_member")
    page = author.get(f"/groups/{setting['gid']}/channels", headers=EN).get_data(as_text=True)
    form = re.search(rf'<form[^>]*action="/messages/{mid}/delete"[^>]*>', page).group(0)
    assert 'data-confirm="Are you sure? Delete your message?"' in form  # the dialog's question, with script

    asked = author.post(f"/messages/{mid}/delete", headers=EN, data={"csrf_token": csrf_token_in(page)})
    assert asked.status_code == 200 and "Are you sure? Delete your message" in asked.get_data(as_text=True)
    assert not _message(cast, general, mid, "kz_member")["deleted"]
    confirmation = author.get(f"/messages/{mid}/delete", headers=EN).get_data(as_text=True)
    assert 'name="confirm" value="yes"' in confirmation and f"#message-{message['seq']}" in confirmation

    assert cast.browser("kz_head").get(f"/messages/{mid}/delete", headers=EN).status_code == 403  # not the author
    assert cast.browser("outsider").get(f"/messages/{mid}/delete", headers=EN).status_code == 404

    done = author.post(f"/messages/{mid}/delete", headers=EN, data={
        "csrf_token": csrf_token_in(confirmation), "confirm": "yes"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/groups/{setting['gid']}/channels?channel={general}#message-1")
    assert _message(cast, general, mid, "kz_member")["deleted"]
    after = author.get(done.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Your message is deleted" in after and "delete" not in actions_on(after, f"message:{mid}")

    # Sent again from the old confirmation page (another tab): refused, back to the channel with why.
    again = author.post(f"/messages/{mid}/delete", headers=EN, data={
        "csrf_token": csrf_token_in(confirmation), "confirm": "yes"})
    assert again.status_code == 303 and again.headers["Location"] == done.headers["Location"]
    assert '<div class="alert alert-danger" role="alert">The message is deleted.</div>' in author.get(
        again.headers["Location"], headers=EN).get_data(as_text=True)


def test_the_group_head_turns_a_message_into_a_task_filled_from_it(cast):
    setting = _setting(cast)
    general = setting["general"]
    mid = post(cast, general, "kz_member", "Допросить свидетеля Иванова\nСрочно, до пятницы").get_json()["id"]
    head = cast.browser("creator")
    form = head.get(f"/messages/{mid}/task", headers=EN).get_data(as_text=True)
    assert 'value="Допросить свидетеля Иванова"' in form
    assert "Допросить свидетеля Иванова\nСрочно, до пятницы</textarea>" in form
    assert re.search(rf'<option value="{cast.ids["kz_member"]}">[^<]+ — KZ', form)  # people by name
    assert f'href="/groups/{setting["gid"]}/channels?channel={general}#message-1">Back to the message' in form
    assert actions_on(form, f"message:{mid}") == {"to_task"}
    assert cast.browser("kz_member").get(f"/messages/{mid}/task", headers=EN).status_code == 403  # sets no tasks

    made = head.post(f"/messages/{mid}/task", headers=EN, data={
        "csrf_token": csrf_token_in(form), "title": "Допросить Иванова", "description": "Допросить до пятницы",
        "assignee_ids": [cast.ids["kz_member"]], "due_on": (TODAY + timedelta(days=4)).isoformat(),
        "priority": "high", "case_id": "", "instruction_id": ""})
    assert made.status_code == 302, made.get_data(as_text=True)
    tid = int(made.headers["Location"].rsplit("/", 1)[1])
    task = cast.api.get(f"/api/v1/tasks/{tid}", headers=cast.headers["creator"]).get_json()
    assert (task["title"], task["priority"]) == ("Допросить Иванова", "high")
    assert task["description"].startswith("Допросить до пятницы\n\nFrom message no. 1 in channel general by ")
    assert _message(cast, general, mid, "creator")["link"] == {"type": "task", "id": tid}
    page = _chat_page(cast, setting, "creator")
    assert f'href="/tasks/{tid}">Task no. {tid}</a>' in page and "to_task" not in actions_on(page, f"message:{mid}")

    # The form sent again from the old page: the message is already a task, said on the form.
    again = head.post(f"/messages/{mid}/task", headers=EN, data={
        "csrf_token": csrf_token_in(form), "title": "Ещё раз", "assignee_ids": [cast.ids["kz_member"]],
        "priority": "normal", "case_id": "", "instruction_id": ""})
    assert again.status_code == 409 and "The message is already linked to a task." in again.get_data(as_text=True)
    assert cast.browser("creator").get(f"/messages/{mid}/task", headers=EN).status_code == 403  # no longer offered


def test_a_refused_task_from_a_message_comes_back_to_the_form_with_the_reason(cast):
    setting = _setting(cast)
    mid = post(cast, setting["general"], "creator", "Установить владельца счёта").get_json()["id"]
    head = cast.browser("creator")
    form = head.get(f"/messages/{mid}/task", headers=EN).get_data(as_text=True)
    refused = head.post(f"/messages/{mid}/task", headers=EN, data={
        "csrf_token": csrf_token_in(form), "title": "Установить владельца", "assignee_ids": [],
        "priority": "normal", "case_id": "", "instruction_id": ""})
    assert refused.status_code == 422 and "Assign at least one member." in refused.get_data(as_text=True)
    assert _message(cast, setting["general"], mid, "creator")["link"] is None


def test_a_message_links_to_an_instruction_or_an_item_chosen_by_subject_or_title(cast):
    setting = _setting(cast)
    general = setting["general"]
    iid = cast.api.post(f"/api/v1/groups/{setting['gid']}/instructions", json={
        "from_team_id": setting["teams"]["BY"], "to_team_id": setting["teams"]["KZ"], "case_id": setting["cases"]["BY"],
        "subject": "Допрос свидетеля Жанибекова", "actions": ["Допрос"],
        "due_on": (TODAY + timedelta(days=9)).isoformat(), "body": "Прошу"}, headers=cast.headers["by_head"]
    ).get_json()["id"]
    item = register(cast, setting).get_json()
    mid = post(cast, general, "kz_member", "Протокол допроса готов").get_json()["id"]
    author = cast.browser("kz_member")
    form = author.get(f"/messages/{mid}/link", headers=EN).get_data(as_text=True)
    assert f'<option value="instruction:{iid}">Допрос свидетеля Жанибекова</option>' in form
    assert f'<option value="evidence_item:{item["id"]}">{item["number"]} — Образ диска сервера</option>' in form
    assert '<optgroup label="Instructions">' in form and '<optgroup label="Evidence">' in form
    assert actions_on(form, f"message:{mid}") == {"link"}
    assert cast.browser("kz_head").get(f"/messages/{mid}/link", headers=EN).status_code == 403  # not the author

    linked = author.post(f"/messages/{mid}/link", headers=EN, data={
        "csrf_token": csrf_token_in(form), "target": f"instruction:{iid}"})
    assert linked.status_code == 302
    assert _message(cast, general, mid, "kz_member")["link"] == {"type": "instruction", "id": iid}
    page = author.get(linked.headers["Location"], headers=EN).get_data(as_text=True)
    assert f'href="/instructions/{iid}">Instruction no. {iid}</a>' in page

    other = post(cast, general, "kz_member", "Образ снят").get_json()["id"]
    form = author.get(f"/messages/{other}/link", headers=EN).get_data(as_text=True)
    assert author.post(f"/messages/{other}/link", headers=EN, data={
        "csrf_token": csrf_token_in(form), "target": f"evidence_item:{item['id']}"}).status_code == 302
    assert _message(cast, general, other, "kz_member")["link"] == {"type": "evidence_item", "id": item["id"]}
    # Linked meanwhile (from another tab): the old form is refused with the reason, on the form.
    refused = author.post(f"/messages/{other}/link", headers=EN, data={
        "csrf_token": csrf_token_in(form), "target": f"instruction:{iid}"})
    assert refused.status_code == 409
    assert "The message is already linked to an evidence item." in refused.get_data(as_text=True)

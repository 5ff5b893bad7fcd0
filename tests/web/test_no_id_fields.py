"""No form of a group's pages asks for a number standing for a person, an instruction, a case or an
event (issue 15, item 2): every such field is a select of names and titles, or hidden."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.evidence_support import evidence_group, register
from tests.groups_support import TODAY
from tests.page_support import record_fields, typed_record_fields

EN = {"Accept-Language": "en"}
def test_no_form_of_a_group_page_has_a_free_text_id_field(cast):
    setting = evidence_group(cast)
    gid, teams, cases = setting["gid"], setting["teams"], setting["cases"]
    item = register(cast, setting).get_json()["id"]
    tid = cast.api.post(f"/api/v1/groups/{gid}/tasks", json={"title": "Допросить", "assignee_ids": [
        cast.ids["kz_member"]]}, headers=cast.headers["creator"]).get_json()["id"]
    iid = cast.api.post(f"/api/v1/groups/{gid}/instructions", json={
        "from_team_id": teams["BY"], "to_team_id": teams["KZ"], "case_id": cases["BY"], "actions": ["Допрос"],
        "due_on": (TODAY + timedelta(days=9)).isoformat(), "body": "Прошу"}, headers=cast.headers["by_head"]
    ).get_json()["id"]
    pages = [f"/groups/{gid}{tail}" for tail in (
        "", "/edit", "/teams/new", "/members/new", "/documents/new", "/cases/new", "/tasks/new", "/tasks",
        "/instructions/new", "/instructions", "/evidence/new", "/evidence", "/identifiers/new", "/identifiers",
        "/channels")]
    pages += [f"/evidence/{item}", f"/tasks/{tid}", f"/instructions/{iid}"]
    seen, typed = [], []
    for who in ("creator", "by_head", "kz_member"):
        browser = cast.browser(who)
        for url in pages:
            response = browser.get(url, headers=EN)
            assert response.status_code == 200, (who, url, response.status_code)
            html = response.get_data(as_text=True)
            seen += [name for _, name, _ in record_fields(html)]
            typed += [(who, url, *control) for control in typed_record_fields(html)]
    assert not typed
    # The scan saw the fields it is about (it would pass vacuously on pages that lost their forms).
    assert {"national_head_id", "user_id", "head_id", "handling_investigator_id", "assignee_ids", "instruction_id",
            "assignee", "transfer-to_user_id", "custody-refers_to"} <= set(seen)


def test_a_person_field_without_javascript_lists_names_and_takes_the_choice(cast):
    setting = evidence_group(cast)
    gid = setting["gid"]
    creator = cast.browser("creator")
    form = creator.get(f"/groups/{gid}/tasks/new", headers=EN).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="assignee_ids"[^>]*>(.*?)</select>', form, re.S)
    assert select and "multiple" in select.group(0) and 'data-people-url="/api/v1/groups/' in select.group(0)
    assert re.search(rf'<option value="{cast.ids["kz_head"]}">Айдос Сейткали — KZ, ', select.group(1))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = creator.post(f"/groups/{gid}/tasks/new", headers=EN, data={
        "csrf_token": token, "title": "Допросить двоих", "assignee_ids": [str(cast.ids["kz_head"]),
                                                                        str(cast.ids["kz_member"])],
        "priority": "normal", "case_id": "", "instruction_id": ""})
    assert response.status_code == 302
    task = creator.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Айдос Сейткали" in task

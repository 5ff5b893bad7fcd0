"""My work: what waits on the user, by due date, overdue highlighted, counted in the navigation."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from tests.groups_support import TODAY, activate

EN = {"Accept-Language": "en"}


def _sent_instruction(cast, due_in_days: int) -> dict:
    group = activate(cast)
    teams = {team["party"]: team["id"] for team in group["teams"]}
    case = cast.api.post(f"/api/v1/groups/{group['id']}/cases", json={
        "party": "BY", "number": "№ 1", "opened_on": "2025-01-01", "articles": "ст. 212", "summary": "Хищения",
        "handling_investigator_id": cast.ids["by_head"]}, headers=cast.headers["by_head"]).get_json()
    instruction = cast.api.post(f"/api/v1/groups/{group['id']}/instructions", json={
        "from_team_id": teams["BY"], "to_team_id": teams["KZ"], "case_id": case["id"], "actions": ["Допрос"],
        "due_on": (TODAY + timedelta(days=due_in_days)).isoformat(), "body": "Прошу"},
        headers=cast.headers["by_head"]).get_json()
    cast.api.post(f"/api/v1/instructions/{instruction['id']}/documents", data={
        "title": "Постановление", "certified": "true", "file": (io.BytesIO(b"%PDF"), "p.pdf")},
        headers=cast.headers["by_head"], content_type="multipart/form-data")
    return cast.api.post(f"/api/v1/instructions/{instruction['id']}/transitions",
                         json={"to": "sent", "version": instruction["version"]}, headers=cast.headers["by_head"]
                         ).get_json()


def _badge(html: str) -> str | None:
    match = re.search(r'My work <span class="badge[^"]*"[^>]*>(\d+)</span>', html)
    return match.group(1) if match else None


def test_a_sent_instruction_waits_on_the_requested_head_and_turns_overdue(cast, clock):
    instruction = _sent_instruction(cast, due_in_days=5)
    kz_head = cast.browser("kz_head")
    page = kz_head.get("/my-work", headers=EN).get_data(as_text=True)
    assert f'href="/instructions/{instruction["id"]}"' in page
    overdue_badge = '<span class="badge text-bg-danger">overdue</span>'
    assert overdue_badge not in page
    assert _badge(page) == "1"
    clock.advance(days=6)  # long enough for the session to lapse: sign in again
    later = cast.browser("kz_head").get("/my-work", headers=EN).get_data(as_text=True)
    assert "table-danger" in later and overdue_badge in later


def test_the_sender_and_an_outsider_have_nothing_waiting(cast):
    _sent_instruction(cast, due_in_days=5)
    for who in ("by_head", "outsider"):
        page = cast.browser(who).get("/my-work", headers=EN).get_data(as_text=True)
        assert "Nothing waits on you." in page
        assert _badge(page) is None

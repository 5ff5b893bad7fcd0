"""Reading a cast member's inbox through the API, and an instruction to be told of, for the
notification tests."""

from __future__ import annotations

import io
from datetime import timedelta

from tests.groups_support import TODAY, Cast, activate_with_case


def inbox(cast: Cast, who: str, **query) -> dict:
    response = cast.api.get("/api/v1/notifications", query_string=query, headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def kinds(cast: Cast, who: str, **query) -> list[str]:
    """The kinds of `who`'s notices, newest first."""
    return [item["kind"] for item in inbox(cast, who, **query)["items"]]


def mark_read(cast: Cast, who: str, **body):
    return cast.api.post("/api/v1/notifications/read", json=body, headers=cast.headers[who])


def draft_instruction(cast: Cast) -> dict:
    """An active group with a case, and the Belarusian head's instruction to the Kazakh team, ready to send."""
    group, teams, case_id = activate_with_case(cast)
    draft = cast.api.post(f"/api/v1/groups/{group['id']}/instructions", json={
        "from_team_id": teams["BY"], "to_team_id": teams["KZ"], "case_id": case_id,
        "due_on": (TODAY + timedelta(days=30)).isoformat(), "actions": ["Допросить свидетеля Иванова И.И."],
        "body": "Прошу провести допрос."}, headers=cast.headers["by_head"]).get_json()
    attached = cast.api.post(f"/api/v1/instructions/{draft['id']}/documents", data={
        "title": "Постановление", "certified": "true", "is_sanction": "false",
        "file": (io.BytesIO(b"%PDF-1.4"), "postanovlenie.pdf")}, headers=cast.headers["by_head"],
        content_type="multipart/form-data")
    assert attached.status_code == 201, attached.get_json()
    return draft


def send_instruction(cast: Cast, draft: dict) -> dict:
    sent = cast.api.post(f"/api/v1/instructions/{draft['id']}/transitions", json={"to": "sent", "version": 1},
                         headers=cast.headers["by_head"])
    assert sent.status_code == 200, sent.get_json()
    return sent.get_json()

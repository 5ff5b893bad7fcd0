"""Records whose text holds identifiers, written through the API, and the suggestions made of them
(tests/identifiers/test_suggestion*.py)."""

from __future__ import annotations

import io
from datetime import timedelta

from tests.channels_support import channels_of, post
from tests.evidence_support import register
from tests.groups_support import TODAY

CARD = "4400 4301 8000 0009"
TEXT = f"Перевод с карты {CARD} на BY13 NBRB 3600 9000 0000 2Z00 AB00, звонил +375 29 123-45-67, снова {CARD}."
FOUND = [("payment_card", "4400 •••• •••• 0009"), ("bank_account", "BY13NBRB3600900000002Z00AB00"),
         ("phone", "+375291234567")]


def ok(response, status: int = 201) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def write_message(cast, setting, text: str, channel: str = "general", who: str = "by_head") -> int:
    channel_id = channels_of(cast, setting["gid"], who)[channel]["id"]
    return ok(post(cast, channel_id, who, text))["id"]


def write_task(cast, setting, text: str, who: str = "by_head") -> int:
    return ok(cast.api.post(f"/api/v1/groups/{setting['gid']}/tasks", json={
        "title": "Проверить выписку", "description": text, "assignee_ids": [cast.ids[who]]},
        headers=cast.headers[who]))["id"]


def write_evidence(cast, setting, text: str, who: str = "by_head") -> int:
    return ok(register(cast, setting, who=who, party="BY", description=text))["id"]


def write_instruction(cast, setting, text: str, who: str = "by_head") -> int:
    """An instruction from the Belarusian team, executed in Kazakhstan with `text` as its results."""
    gid, headers = setting["gid"], cast.headers
    instruction = ok(cast.api.post(f"/api/v1/groups/{gid}/instructions", json={
        "from_team_id": setting["teams"]["BY"], "to_team_id": setting["teams"]["KZ"],
        "case_id": setting["cases"]["BY"], "actions": ["Истребовать выписку"], "body": "Прошу истребовать выписку",
        "due_on": (TODAY + timedelta(days=30)).isoformat()},
        headers=headers[who]))
    ok(cast.api.post(f"/api/v1/instructions/{instruction['id']}/documents", data={
        "title": "Постановление", "certified": "true", "file": (io.BytesIO(b"%PDF"), "p.pdf")},
        headers=headers[who], content_type="multipart/form-data"))
    for to, mover in (("sent", who), ("accepted", "kz_head"), ("in_progress", "kz_head")):
        instruction = ok(cast.api.post(f"/api/v1/instructions/{instruction['id']}/transitions", json={
            "to": to, "version": instruction["version"]}, headers=headers[mover]), 200)
    ok(cast.api.post(f"/api/v1/instructions/{instruction['id']}/results", data={"text": text},
                      headers=headers["kz_head"], content_type="multipart/form-data"))
    return instruction["id"]


SOURCES = {"message": write_message, "task": write_task, "evidence": write_evidence,
           "instruction": write_instruction}


def suggested(cast, setting, who: str = "by_head") -> list[dict]:
    return ok(cast.api.get(f"/api/v1/groups/{setting['gid']}/identifier-suggestions", headers=cast.headers[who]), 200)[
        "items"]

"""The world the home page is tried in: a group head whose group runs late and whose other group
outlived its term, built through the API as a client would, then twelve days pass."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from tests.groups_support import TODAY, activate, activate_with_case

LATE_BY = 7  # days the instruction and the tasks are overdue, and the second group past its term


@dataclass
class LateWorld:
    gid: int  # the active group, with its late instruction and tasks
    lapsed: int  # the group past its term
    teams: dict[str, int]
    instruction: int  # BY → KZ, sent, overdue
    team_task: int  # set by the KZ national head for his team, overdue
    head_task: int  # set by the group head for the BY national head, overdue


def _api(cast, method: str, path: str, who: str, **kwargs) -> dict:
    response = getattr(cast.api, method)(f"/api/v1{path}", headers=cast.headers[who], **kwargs)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def late_world(cast, clock) -> LateWorld:
    group, teams, case_id = activate_with_case(cast)
    gid = group["id"]
    lapsed = activate(cast, title="ССОГ по делу о поддельных биржах",
                      ends_on=(TODAY + timedelta(days=5)).isoformat())["id"]
    _api(cast, "post", f"/groups/{gid}/members", "kz_head", json={"user_id": cast.ids["kz_member"],
                                                                  "team_id": teams["KZ"]})
    due_on = (TODAY + timedelta(days=5)).isoformat()
    drafted = _api(cast, "post", f"/groups/{gid}/instructions", "by_head", json={
        "from_team_id": teams["BY"], "to_team_id": teams["KZ"], "case_id": case_id, "actions": ["Допрос"],
        "due_on": due_on, "body": "Прошу допросить свидетеля"})
    _api(cast, "post", f"/instructions/{drafted['id']}/documents", "by_head", content_type="multipart/form-data",
         data={"title": "Постановление", "certified": "true", "file": (io.BytesIO(b"%PDF"), "p.pdf")})
    _api(cast, "post", f"/instructions/{drafted['id']}/transitions", "by_head",
         json={"to": "sent", "version": drafted["version"]})
    team_task = _api(cast, "post", f"/groups/{gid}/tasks", "kz_head", json={
        "title": "Установить владельца кошелька", "assignee_ids": [cast.ids["kz_member"]], "due_on": due_on})
    head_task = _api(cast, "post", f"/groups/{gid}/tasks", "creator", json={
        "title": "Подготовить сводку", "assignee_ids": [cast.ids["by_head"]], "due_on": due_on})
    clock.advance(days=5 + LATE_BY)
    return LateWorld(gid=gid, lapsed=lapsed, teams=teams, instruction=drafted["id"], team_task=team_task["id"],
                     head_task=head_task["id"])

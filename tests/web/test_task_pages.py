"""Task pages: set on the page, seen on the board, moved by the assignee, commented on, edited with a
stale version refused, and outsiders kept out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from jit.services import group_view
from tests.conftest import csrf_token_in
from tests.groups_support import TODAY, activate

EN = {"Accept-Language": "en"}
TITLE = "Допросить свидетеля Жанибекова"
DESCRIPTION = "Протокол допроса — на русском и казахском."
DUE = TODAY + timedelta(days=7)


@pytest.fixture
def gid(cast) -> int:
    """An active BY–KZ group with kz_member added to the KZ team through the API."""
    group = activate(cast)
    kz_team = next(team["id"] for team in group["teams"] if team["party"] == "KZ")
    added = cast.api.post(f"/api/v1/groups/{group['id']}/members",
                          json={"user_id": cast.ids["kz_member"], "team_id": kz_team},
                          headers=cast.headers["kz_head"])
    assert added.status_code == 201, added.get_json()
    return group["id"]


def submit(client, url: str, data: dict, *, form_url: str | None = None):
    """POST `data` the way a browser would: with the CSRF token of the page showing the form."""
    token = csrf_token_in(client.get(form_url or url, headers=EN).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, headers=EN)


def set_task(browser, gid: int, **overrides):
    data = {"title": TITLE, "description": DESCRIPTION, "assignee_ids": "", "due_on": DUE.isoformat(),
            "priority": "high", "case_id": "", "instruction_id": "", **overrides}
    return submit(browser, f"/groups/{gid}/tasks/new", data)


def created(cast, gid: int) -> int:
    response = set_task(cast.browser("creator"), gid, assignee_ids=str(cast.ids["kz_member"]))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def version_on(page: str, form: str) -> str:
    found = re.search(rf'id="{form}-version" name="version" type="hidden" value="(\d+)"', page)
    assert found, f"no {form} form on the page"
    return found.group(1)


def move(browser, tid: int, status: str, reason: str = ""):
    page = browser.get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
    return browser.post(f"/tasks/{tid}", headers=EN, data={
        "action": "move", "version": version_on(page, "move"), "status": status, "blocked_reason": reason,
        "csrf_token": csrf_token_in(page)})


def column(board: str, status: str) -> str:
    start = board.index(f'id="column-{status}"')
    return board[start:board.index("</section>", start)]


# --- tests ---------------------------------------------------------------------------------

def test_a_task_is_set_seen_on_the_board_moved_to_done_and_its_history_kept(cast, gid):
    creator = cast.browser("creator")
    overview = creator.get(f"/groups/{gid}", headers=EN).get_data(as_text=True)
    assert f'href="/groups/{gid}/tasks">Tasks</a>' in overview  # the group's tasks tab
    form = creator.get(f"/groups/{gid}/tasks/new", headers=EN).get_data(as_text=True)
    for field, label in (("title", "Title"), ("assignee_ids", "Assignees"), ("due_on", "Due date"),
                         ("priority", "Priority"), ("case_id", "Criminal case (optional)")):
        assert f'<label class="form-label" for="{field}">{label}</label>' in form

    tid = created(cast, gid)
    board = creator.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert f'href="/tasks/{tid}">{TITLE}</a>' in column(board, "open")
    assert cast.people["kz_member"].full_name in column(board, "open")
    assert f'href="/tasks/{tid}"' not in column(board, "done")
    assert ">high</span>" in column(board, "open")

    member = cast.browser("kz_member")
    assert move(member, tid, "in_progress").status_code == 302
    board = member.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert f'href="/tasks/{tid}"' in column(board, "in_progress")
    assert move(member, tid, "done").status_code == 302
    board = member.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert f'href="/tasks/{tid}"' in column(board, "done") and f'href="/tasks/{tid}"' not in column(board, "open")

    page = creator.get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
    history = page[page.index('id="task-history"'):]
    rows = re.findall(r'<th scope="row">Status</th>\s*<td class="text-prewrap">(\w[\w ]*) <span aria-hidden="true">→'
                      r'</span><span class="visually-hidden">to</span> (\w[\w ]*)</td>', history)
    assert rows == [("open", "in progress"), ("in progress", "done")]
    assert history.count(cast.people["kz_member"].full_name) == 2
    # Done is final but for reopening, which the group head may (issue 15; the page said "no further moves").
    select = page[page.index('id="move-status"'):page.index("</select>", page.index('id="move-status"'))]
    assert re.findall(r'<option[^>]*value="(\w+)"', select) == ["open"]

    api = cast.api.get(f"/api/v1/tasks/{tid}", headers=cast.headers["creator"]).get_json()
    assert (api["status"], api["title"], api["description"], api["due_on"], api["priority"]) == (
        "done", TITLE, DESCRIPTION, DUE.isoformat(), "high")


def test_a_cyrillic_comment_round_trips(cast, gid):
    tid = created(cast, gid)
    member = cast.browser("kz_member")
    body = "Свидетель вызван на 15:00, протокол — в «Тень».\r\nВторая строка."
    response = submit(member, f"/tasks/{tid}/comments", {"body": body}, form_url=f"/tasks/{tid}")
    assert response.status_code == 302
    page = cast.browser("creator").get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
    assert "Свидетель вызван на 15:00, протокол — в «Тень».\nВторая строка." in page
    comments = cast.api.get(f"/api/v1/tasks/{tid}", headers=cast.headers["kz_head"]).get_json()["comments"]
    assert [comment["body"] for comment in comments] == [body.replace("\r\n", "\n")]

    empty = submit(member, f"/tasks/{tid}/comments", {"body": "  "}, form_url=f"/tasks/{tid}")
    assert empty.status_code == 422
    assert re.search(r'id="comment-body-errors"[^>]*>Required\.<', empty.get_data(as_text=True))


def test_a_stale_edit_is_refused_with_409_and_the_first_edit_kept(cast, gid):
    tid = created(cast, gid)
    creator = cast.browser("creator")
    page = creator.get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
    version, token = version_on(page, "edit"), csrf_token_in(page)

    def edit(title: str):
        return creator.post(f"/tasks/{tid}", headers=EN, data={
            "action": "edit", "version": version, "title": title, "description": DESCRIPTION,
            "due_on": DUE.isoformat(), "priority": "urgent", "csrf_token": token})

    assert edit("Первая правка").status_code == 302
    stale = edit("Вторая правка")
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    alert = html[html.index('id="changed-meanwhile"'):]
    alert = alert[:alert.index("</div>")]
    assert "Changed meanwhile" in alert
    assert f"{cast.people['creator'].full_name} changed this task after you opened it" in alert
    assert "Первая правка" in alert and "Вторая правка" in alert  # now, next to what was sent
    assert version_on(html, "edit") == str(int(version) + 1)  # the form starts again from the current task
    current = cast.api.get(f"/api/v1/tasks/{tid}", headers=cast.headers["creator"]).get_json()
    assert (current["title"], current["priority"], current["version"]) == ("Первая правка", "urgent", 2)


def test_assigning_someone_not_in_the_group_is_a_field_error(cast, gid):
    creator = cast.browser("creator")
    response = set_task(creator, gid, assignee_ids=str(cast.ids["outsider"]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'id="assignee_ids-errors"[^>]*>Not current members of the group: {cast.ids["outsider"]}\.<',
                     html)
    garbled = set_task(creator, gid, assignee_ids=["12", "двенадцать"])  # a forged post: the select offers names
    assert garbled.status_code == 422
    assert re.search(r'id="assignee_ids-errors"[^>]*>Invalid choice', garbled.get_data(as_text=True))
    board = creator.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert TITLE not in board


def test_outsiders_get_the_same_404_as_for_nothing(cast, gid):
    tid = created(cast, gid)
    outsider = cast.browser("outsider")
    for existing, missing in ((f"/tasks/{tid}", "/tasks/99999"),
                              (f"/groups/{gid}/tasks", "/groups/99999/tasks"),
                              (f"/groups/{gid}/tasks/new", "/groups/99999/tasks/new")):
        seen, none = outsider.get(existing, headers=EN), outsider.get(missing, headers=EN)
        assert seen.status_code == none.status_code == 404, existing
        assert TITLE not in seen.get_data(as_text=True)


def test_the_board_filters_and_my_work_links_to_the_task(cast, gid):
    tid = created(cast, gid)
    creator = cast.browser("creator")
    mine = creator.get(f"/groups/{gid}/tasks?assignee={cast.ids['kz_member']}", headers=EN)
    assert mine.status_code == 200 and f'href="/tasks/{tid}"' in mine.get_data(as_text=True)
    others = creator.get(f"/groups/{gid}/tasks?assignee={cast.ids['kz_head']}", headers=EN).get_data(as_text=True)
    assert f'href="/tasks/{tid}"' not in others
    late = creator.get(f"/groups/{gid}/tasks?overdue=y", headers=EN).get_data(as_text=True)
    assert f'href="/tasks/{tid}"' not in late
    assert creator.get(f"/groups/{gid}/tasks?assignee=x", headers=EN).status_code == 422
    work = cast.browser("kz_member").get("/my-work", headers=EN).get_data(as_text=True)
    assert f'href="/tasks/{tid}">{TITLE}</a>' in work


def test_a_long_column_shows_its_first_cards_its_count_and_its_own_pages(cast, gid, monkeypatch):
    monkeypatch.setattr(group_view, "BOARD_CARDS", 3)
    monkeypatch.setattr(group_view, "COLUMN_PAGE", 4)
    creator = cast.browser("creator")
    opened = [created(cast, gid) for _ in range(6)]
    done = [created(cast, gid) for _ in range(4)]
    for tid, status in ((tid, status) for tid in done for status in ("in_progress", "done")):
        version = cast.api.get(f"/api/v1/tasks/{tid}", headers=cast.headers["creator"]).get_json()["version"]
        moved = cast.api.patch(f"/api/v1/tasks/{tid}", json={"status": status, "version": version},
                               headers=cast.headers["creator"])
        assert moved.status_code == 200, moved.get_json()
    board = creator.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    shown = column(board, "open")
    assert [tid for tid in opened if f'id="task-{tid}"' in shown] == opened[:3]  # the oldest open tasks
    assert "data-board-count>6</span>" in shown and 'data-board-hidden="3"' in shown
    assert f'href="/groups/{gid}/tasks?status=open">All 6 tasks of this column</a>' in shown
    latest = column(board, "done")
    assert [tid for tid in done if f'id="task-{tid}"' in latest] == done[1:]  # the latest done tasks
    assert "column-in_progress" in board and "data-board-count>0</span>" in column(board, "in_progress")

    first = creator.get(f"/groups/{gid}/tasks?status=open", headers=EN).get_data(as_text=True)
    assert "column-done" not in first and "Back to the whole board" in first
    assert [tid for tid in opened if f'id="task-{tid}"' in first] == opened[:4]
    more = re.search(r'href="(/groups/\d+/tasks\?status=open&amp;cursor=[^"]+)">Next tasks', first).group(1)
    rest = creator.get(more.replace("&amp;", "&"), headers=EN).get_data(as_text=True)
    assert [tid for tid in opened if f'id="task-{tid}"' in rest] == opened[4:] and "Next tasks" not in rest
    assert creator.get(f"/groups/{gid}/tasks?status=lost", headers=EN).status_code == 422


def test_a_legal_observer_reads_but_cannot_comment_or_move_and_anonymous_is_sent_to_sign_in(cast, gid):
    tid = created(cast, gid)
    legal = cast.browser("by_legal")
    assert legal.get(f"/groups/{gid}/tasks", headers=EN).status_code == 200
    page = legal.get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
    assert 'id="move-version"' not in page and 'id="comment-body"' not in page and 'id="edit-title"' not in page
    # Sent anyway (a form kept from earlier), each is refused.
    assert submit(legal, f"/tasks/{tid}/comments", {"body": "Замечание"}, form_url=f"/tasks/{tid}").status_code == 403
    assert legal.post(f"/tasks/{tid}", headers=EN, data={"action": "move", "version": "1", "status": "in_progress",
                                                         "csrf_token": csrf_token_in(page)}).status_code == 403
    assert set_task(legal, gid, assignee_ids=str(cast.ids["kz_member"])).status_code == 403
    anonymous = cast.app.test_client()
    for url in (f"/groups/{gid}/tasks", f"/groups/{gid}/tasks/new", f"/tasks/{tid}"):
        assert anonymous.get(url, headers=EN).status_code == 302


def _card(board: str, tid: int) -> str:
    start = board.index(f'id="task-{tid}"')
    return board[start:board.index("</article>", start)]


def board_move(browser, gid: int, tid: int, status: str, *, version: str | None = None, **headers):
    """Press a card's Move button on the board (no script), with the version the card shows."""
    board = browser.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    shown = re.search(r'name="version" value="(\d+)"', _card(board, tid)).group(1)
    return browser.post(f"/tasks/{tid}/move", headers={**EN, **headers}, data={
        "status": status, "version": version or shown, "csrf_token": csrf_token_in(board)})


def test_each_card_has_a_move_form_that_works_without_script(cast, gid):
    tid = created(cast, gid)
    member = cast.browser("kz_member")
    board = member.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    card = _card(board, tid)
    assert f'<label class="visually-hidden" for="move-{tid}">Move “{TITLE}” to</label>' in card
    assert re.findall(r'<option value="(\w+)" data-action="to:\1">', card) == ["in_progress", "blocked", "cancelled"]
    assert 'src="/static/js/board.js"' in board
    moved = board_move(member, gid, tid, "in_progress")
    assert (moved.status_code, moved.headers["Location"]) == (302, f"/groups/{gid}/tasks#task-{tid}")
    board = member.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert f'id="task-{tid}"' in column(board, "in_progress") and "The task is now in progress." in board
    legal_board = cast.browser("by_legal").get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert f'action="/tasks/{tid}/move"' not in legal_board  # no move for someone who may not make one


def test_a_stale_board_move_says_so_and_changes_nothing(cast, gid):
    tid = created(cast, gid)
    member = cast.browser("kz_member")
    assert board_move(member, gid, tid, "in_progress").status_code == 302
    stale = board_move(member, gid, tid, "done", version="1")
    assert stale.status_code == 302
    board = member.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert "The task was changed meanwhile (now version 2). Reload and try again." in board
    assert f'id="task-{tid}"' in column(board, "in_progress")
    answer = board_move(member, gid, tid, "done", version="1", Accept="application/json")
    assert (answer.status_code, answer.get_json()) == (409, {
        "message": "The task was changed meanwhile (now version 2). Reload and try again."})
    done = board_move(member, gid, tid, "done", Accept="application/json")
    assert (done.status_code, done.get_json()) == (200, {
        "message": "The task is now done.", "status": "done", "version": 3})


def test_a_done_task_offers_reopening_only_to_who_may(cast, gid):
    tid = created(cast, gid)
    member = cast.browser("kz_member")
    for status in ("in_progress", "done"):
        assert board_move(member, gid, tid, status).status_code == 302
    head_board = cast.browser("kz_head").get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert f'action="/tasks/{tid}/move"' not in head_board
    assert "No further moves" in cast.browser("kz_head").get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
    creator = cast.browser("creator")
    board = creator.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    assert re.findall(r'<option value="(\w+)" data-action="to:\1">', _card(board, tid)) == ["open"]
    assert board_move(creator, gid, tid, "open").status_code == 302
    assert f'id="task-{tid}"' in column(creator.get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True),
                                         "open")

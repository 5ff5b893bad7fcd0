"""The identifier link chart (issue 19, item 3): identifiers and the records they were seen in, only
what the reader may read, from the API and as the page's table, in as many statements for a large
register as for a small one."""

from __future__ import annotations

from sqlalchemy import event

from jit.extensions import db
from jit.models import User
from jit.services import identifier_links
from tests.channels_support import channels_of, post
from tests.conftest import sign_in_page
from tests.evidence_support import evidence_group, register
from tests.groups_support import Cast
from tests.services.test_query_counts import NOT_COUNTED

PHONE = "+375 29 123-45-67"
CARD = "4400 4301 8000 0009"


def record(cast: Cast, setting: dict, who: str, **body) -> dict:
    body = {"kind": "phone", "value": PHONE, "obtained_under": "Протокол допроса № 4", "shareable": False, **body}
    response = cast.api.post(f"/api/v1/groups/{setting['gid']}/identifiers", json=body, headers=cast.headers[who])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def graph(cast: Cast, setting: dict, who: str):
    return cast.api.get(f"/api/v1/groups/{setting['gid']}/identifiers/graph", headers=cast.headers[who])


def test_the_chart_links_identifiers_to_the_records_the_reader_may_read(cast):
    setting = evidence_group(cast)
    item = register(cast, setting).get_json()
    phone = record(cast, setting, "by_head", case_id=setting["cases"]["BY"])
    record(cast, setting, "kz_member", evidence_id=item["id"])
    kz_channel = channels_of(cast, setting["gid"], "kz_member")["team-KZ"]["id"]
    message = post(cast, kz_channel, "kz_member", "Карта дропа 4400 4301 8000 0009").get_json()
    card = record(cast, setting, "kz_member", kind="payment_card", value=CARD, message_id=message["id"])

    kz = graph(cast, setting, "kz_member").get_json()
    assert kz["nodes"] == [
        {"id": f"identifier:{phone['id']}", "type": "identifier", "label": "+375291234567"},
        {"id": f"case:{setting['cases']['BY']}", "type": "case", "label": "BY № 20251640012"},
        {"id": f"evidence:{item['id']}", "type": "evidence", "label": f"{item['number']} Образ диска сервера"},
        {"id": f"identifier:{card['id']}", "type": "identifier", "label": "4400 •••• •••• 0009"},
        {"id": f"message:{message['id']}", "type": "message", "label": f"{message_channel_name(cast, setting)} #1"},
    ]
    assert kz["edges"] == [
        {"source": f"identifier:{phone['id']}", "target": f"case:{setting['cases']['BY']}"},
        {"source": f"identifier:{phone['id']}", "target": f"evidence:{item['id']}"},
        {"source": f"identifier:{card['id']}", "target": f"message:{message['id']}"},
    ]
    # The Belarusian team reads neither the Kazakh team's channel nor, so, the card seen only there.
    by = graph(cast, setting, "by_head").get_json()
    assert [node["id"] for node in by["nodes"]] == [f"identifier:{phone['id']}", f"case:{setting['cases']['BY']}",
                                                   f"evidence:{item['id']}"]
    assert all(edge["target"] != f"message:{message['id']}" for edge in by["edges"])
    assert graph(cast, setting, "outsider").status_code == 404


def message_channel_name(cast: Cast, setting: dict) -> str:
    return channels_of(cast, setting["gid"], "kz_member")["team-KZ"]["name"]


def test_the_chart_page_lists_the_links_as_a_table(cast):
    setting = evidence_group(cast)
    record(cast, setting, "by_head", case_id=setting["cases"]["BY"])
    page = cast.app.test_client()
    sign_in_page(page, cast.people["kz_member"])
    html = page.get(f"/groups/{setting['gid']}/identifiers/chart", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert '<th scope="row"><a href="/identifiers/' in html and "+375291234567" in html
    assert "criminal case: <a" in html and "BY № 20251640012" in html
    assert 'role="img" aria-label="Chart of the identifiers' in html
    assert page.get(f"/groups/{setting['gid']}/identifiers/chart").status_code == 200
    outsider = cast.app.test_client()
    sign_in_page(outsider, cast.people["outsider"])
    assert outsider.get(f"/groups/{setting['gid']}/identifiers/chart").status_code == 404


def _statements(app, call) -> int:
    """How many statements `call` runs, the audit ledger's tree aside (it grows with the trail, not the chart)."""
    seen = []

    def count(connection, cursor, statement, *_):
        if not NOT_COUNTED.search(statement):
            seen.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            call()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_chart_is_read_in_batches_not_per_record(cast):
    setting = evidence_group(cast)

    def read():
        reader = db.session.get(User, cast.ids["kz_member"])
        identifier_links.link_graph(reader, setting["gid"])
        db.session.remove()

    def add(first: int, count: int) -> None:
        for n in range(first, first + count):
            item = register(cast, setting, title=f"Телефон {n}").get_json()
            record(cast, setting, "kz_member", value=f"+375 29 123-45-{n:02d}", evidence_id=item["id"])

    add(10, 2)
    few = _statements(cast.app, read)
    add(20, 8)
    assert _statements(cast.app, read) == few

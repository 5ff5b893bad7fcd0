"""Evaluation at closure: written by each national head once termination is decided, shown on the
group page, with a warning while any is missing; closing does not wait for it."""

from __future__ import annotations

from tests.conftest import csrf_token_in
from tests.groups_support import activate, advance, file_document


def test_national_heads_evaluate_the_group_at_closure(cast):
    group = activate(cast)
    gid = group["id"]
    by_team = next(team["id"] for team in group["teams"] if team["party"] == "BY")
    head = cast.browser("by_head")
    form_url = f"/groups/{gid}/evaluations/{by_team}"
    early = head.post(form_url, data={"csrf_token": csrf_token_in(head.get(form_url).get_data(as_text=True)),
                                      "what_worked": "Канал", "what_did_not": "—"})
    assert early.status_code == 409
    for party in ("BY", "KZ"):
        file_document(cast, gid, "terminate", party)
    page = head.get(f"/groups/{gid}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Evaluations still missing from: BY, KZ." in page
    saved = head.post(form_url, data={
        "csrf_token": csrf_token_in(head.get(form_url).get_data(as_text=True)),
        "what_worked": "Прямой канал между руководителями", "what_did_not": "Перевод документов",
        "persons_charged": "7", "assets_seized": "1,2 млн BYN", "requests_avoided": "41"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    advance(cast, gid, "closed")  # closing does not wait for the Kazakh evaluation
    page = head.get(f"/groups/{gid}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Прямой канал между руководителями" in page and "1,2 млн BYN" in page
    assert "Evaluations still missing from: KZ." in page
    # Someone else's team is not theirs to evaluate.
    kz_team = next(team["id"] for team in group["teams"] if team["party"] == "KZ")
    other = f"/groups/{gid}/evaluations/{kz_team}"
    refused = head.post(other, data={"csrf_token": csrf_token_in(head.get(other).get_data(as_text=True)),
                                     "what_worked": "—", "what_did_not": "—"})
    assert refused.status_code == 403

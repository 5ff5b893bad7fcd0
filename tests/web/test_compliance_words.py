"""Issue 15, item 4: compliance findings read in words, in the reader's language: parties by name,
objects by what they are called; the API keeps its stable codes beside the words."""

from __future__ import annotations

from jit.extensions import db
from jit.models import User
from jit.services import group_view
from tests.groups_support import activate
from tests.web.test_words_not_codes import visible_text


def test_the_api_names_the_party_in_the_message_and_keeps_the_codes(cast):
    group = activate(cast)  # neither party's date of the 2015 Agreement is known: AGR-PARTY warns
    report = cast.api.get(f"/api/v1/groups/{group['id']}/compliance", headers=cast.headers["by_legal"]).get_json()
    kazakh = next(f for f in report["findings"] if f["rule"] == "AGR-PARTY" and f["object"]["id"] == "KZ")
    assert kazakh["object"] == {"type": "party", "id": "KZ"} and kazakh["severity"] == "warning"
    # In the caller's language (accounts start in Russian), the party by its Russian name.
    assert kazakh["message"] == ("Дата вступления Соглашения 2015 года в силу для стороны «Республика Казахстан» "
                                 "неизвестна.")


def test_the_compliance_page_names_objects_and_parties_in_russian(cast):
    group = activate(cast)
    with cast.app.app_context():
        db.session.get(User, cast.ids["by_legal"]).locale = "ru"
        db.session.commit()
    page = cast.browser("by_legal").get(f"/groups/{group['id']}/compliance")
    assert page.status_code == 200
    text, _ = visible_text(page.get_data(as_text=True))
    assert "Дата вступления Соглашения 2015 года в силу для стороны «Республика Казахстан» неизвестна." in text
    assert "сторона ¦ Республика Казахстан" not in text  # the object's kind and name are one link text
    assert "сторона Республика Казахстан" in text
    assert "сторона KZ" not in text and "стороны KZ" not in text


def test_a_long_report_lists_the_first_findings_of_each_severity_and_counts_them_all_by_rule(cast, monkeypatch):
    monkeypatch.setattr(group_view, "FINDINGS_LISTED", 1)
    group = activate(cast)  # AGR-PARTY warns for each of the two parties
    page = cast.browser("by_legal").get(f"/groups/{group['id']}/compliance", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    text, _ = visible_text(html)
    assert page.status_code == 200
    assert "The first 1 of 2 are listed. By rule:" in text
    assert html.count("<code>AGR-PARTY</code></td>") == 1  # one row listed
    by_rule = f'href="/groups/{group["id"]}/compliance?severity=warning&amp;rule=AGR-PARTY"'
    assert f"{by_rule}><code>AGR-PARTY</code> (2)</a>" in html
    report = cast.api.get(f"/api/v1/groups/{group['id']}/compliance", headers=cast.headers["by_legal"]).get_json()
    assert len([f for f in report["findings"] if f["rule"] == "AGR-PARTY"]) == 2  # the API lists them all

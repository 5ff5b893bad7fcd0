"""Issue 15, item 4: compliance findings read in words, in the reader's language: parties by name,
objects by what they are called; the API keeps its stable codes beside the words."""

from __future__ import annotations

from jit.extensions import db
from jit.models import User
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

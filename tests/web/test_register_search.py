"""The register page's search box: the platform's search, confined to the register the person keeps."""

from __future__ import annotations

from tests.web.test_instruction_pages import EN
from tests.web.test_legal_request_pages import registered

PERSONS = "Сидорова Анна Викторовна; KZ; г. Алматы; свидетель"


def test_the_register_search_finds_a_request_by_a_surname_in_another_case_ending(cast):
    legal = cast.browser("by_legal")
    wanted = registered(cast, legal, persons=PERSONS, case_number="20251640077")
    other = registered(cast, legal)
    page = legal.get("/legal/requests", query_string={"q": "Сидоровой"}, headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/legal/requests/{wanted}"' in html and f'href="/legal/requests/{other}"' not in html
    assert 'value="Сидоровой"' in html
    # Another authority's keeper finds nothing of this register.
    kz = cast.browser("kz_head").get("/legal/requests", query_string={"q": "Сидоровой"}, headers=EN)
    assert f'href="/legal/requests/{wanted}"' not in kz.get_data(as_text=True)
    unfiltered = legal.get("/legal/requests", headers=EN).get_data(as_text=True)
    assert f'href="/legal/requests/{wanted}"' in unfiltered and f'href="/legal/requests/{other}"' in unfiltered

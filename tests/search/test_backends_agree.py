"""Morphology and identifiers through the whole index, on each back end, and the same queries on
SQLite and PostgreSQL giving the same results (issue 18, item 3); a question finds the records
matching most of its words, those matching all first."""

from __future__ import annotations

import pytest

from tests.conftest import apps_on
from tests.groups_support import activate_with_case, make_cast
from tests.search_support import find

TEXTS = {
    "Протокол допроса свидетеля": "Свидетель показал, что карта ему не принадлежит",
    "Допросить владельца карты": "Карта 4400 1234 5678 1234, выпущена в Алматы",
    "Выемка документов в банке": "Изъяты seized banking accounts statements",
    "Звонки подозреваемого": "Телефон +7 (701) 123-45-67, уголовное дело № 2025164012",
    "Запрос о Сидоровой А.В.": "Сведения о гражданке, проживающей в Астане",
    "Выемка в отделении банка в Алматы": "Изъяты кассовые документы",
}
# query -> the titles it must find
QUERIES = {
    "допрос": {"Протокол допроса свидетеля", "Допросить владельца карты"},
    "выемки": {"Выемка документов в банке", "Выемка в отделении банка в Алматы"},
    "bank account": {"Выемка документов в банке"},
    "seize": {"Выемка документов в банке"},
    "2025164": {"Звонки подозреваемого"},
    "4400 1234": {"Допросить владельца карты"},
    "4400123456781234": {"Допросить владельца карты"},
    "8 701 123 45 67": {"Звонки подозреваемого"},
    "701-123-45": {"Звонки подозреваемого"},
    "Сидорова": {"Запрос о Сидоровой А.В."},
    "карта Алматы": {"Допросить владельца карты", "Протокол допроса свидетеля", "Выемка в отделении банка в Алматы"},
    "что мы знаем про выемку в Алматы": {"Выемка в отделении банка в Алматы", "Выемка документов в банке",
                                         "Допросить владельца карты"},
    "обыск": set(),
}
# query of several words -> the one title matching all of them, which comes first
FIRST = {
    "карта Алматы": "Допросить владельца карты",
    "что мы знаем про выемку в Алматы": "Выемка в отделении банка в Алматы",
}


def _answers(backend) -> dict[str, tuple]:
    """Each query's (titles, count, the first title if the query is in FIRST) from the whole stack on `backend`."""
    with apps_on(backend) as build:
        cast = make_cast(build())
        group, _, _ = activate_with_case(cast)
        for title, description in TEXTS.items():
            response = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", headers=cast.headers["creator"], json={
                "title": title, "description": description, "assignee_ids": [cast.ids["by_head"]]})
            assert response.status_code == 201, response.get_json()
        answers = {}
        for query in QUERIES:
            page = find(cast, "by_head", query, kind="task")
            titles = [item["title"] for item in page["items"]]
            first = None
            if query in FIRST:  # newest first too, once those matching fewer words are put after it
                newest = find(cast, "by_head", query, kind="task", order="newest")["items"]
                first = (titles[0], newest[0]["title"])
            answers[query] = (set(titles), page["counts"].get("task", 0), first)
        return answers


@pytest.mark.parametrize("backend_name", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_inflections_stems_and_identifiers_are_found(request, backend_name):
    answers = _answers(request.getfixturevalue(f"{backend_name}_backend"))
    assert {query: titles for query, (titles, _, _) in answers.items()} == QUERIES
    assert all(count == len(titles) for titles, count, _ in answers.values())
    assert {query: first for query, (_, _, first) in answers.items() if first} == {
        query: (title, title) for query, title in FIRST.items()}


@pytest.mark.postgres
def test_both_back_ends_give_the_same_results(sqlite_backend, postgresql_backend):
    assert _answers(sqlite_backend) == _answers(postgresql_backend)

"""The terms both back ends index (jit/search/text.py): stems, number forms, the parsed query."""

from __future__ import annotations

from jit.search.text import highlight, index_terms, matches, number_forms, parse_query, stem, words


def _terms_found(text: str, query: str) -> int:
    """How many of the query's terms `text` matches as both back ends match: a term by one of its prefixes."""
    terms = index_terms(text).split()
    return sum(any(t.startswith(prefix) for t in terms for prefix in term) for term in parse_query(query).terms)


def _found(text: str, query: str) -> bool:
    """Whether `text` matches every term of `query`."""
    return _terms_found(text, query) == len(parse_query(query).terms)


def test_russian_words_are_found_in_any_inflection():
    assert _found("Протокол допроса свидетеля", "допрос")
    assert _found("Поручено допросить свидетеля", "допрос")
    assert _found("Протокол выемки документов", "выемка")
    assert _found("Проведена выемка", "выемки")
    assert _found("Запрос в отношении Сидоровой А.В.", "Сидорова")
    assert _found("Справка о гражданине Иванове", "Иванов")
    assert not _found("Протокол обыска", "выемка")


def test_english_words_stem_in_english():
    assert stem("accounts") == "account"
    assert _found("Seized banking accounts", "bank account")
    assert _found("The servers were imaged", "server")
    assert not _found("Seized banking accounts", "bankrupt")


def test_letters_fold_without_losing_meaning():
    assert words("Ёлка № 5") == ["елка", "5"]
    assert words("Пойма") == ["пойма"]  # й stays й


def test_numbers_match_by_prefix_and_any_part_with_or_without_separators():
    assert _found("Уголовное дело № 2025164012", "2025164")
    assert _found("Карта 4400123456781234", "4400 1234")
    assert _found("Карта 4400 1234 5678 1234", "44001234567")
    assert _found("Карта 4400-1234-5678-1234", "5678 1234")
    assert _found("Телефон +7 (701) 123-45-67", "8 701 123 45 67")
    assert _found("Телефон 87011234567", "701-123-45")
    assert not _found("Карта 4400123456781234", "4401")
    assert "4400123456781234" in number_forms("4400 1234 5678 1234")


def test_a_question_is_looked_up_by_its_words_without_the_question_words():
    question = "Что мы знаем про выемку в Алматы?"
    assert parse_query(question).terms == (("выемк",), ("алмат",))
    assert parse_query("What do we know about the seizure in Almaty").terms == (("seizur",), ("almati", "almaty"))
    assert _found("Выемка в Алматы", question)
    assert _terms_found("Выемка документов в Астане", question) == 1  # found, after those matching both
    assert _terms_found("Обыск в Астане", question) == 0
    assert parse_query("в").terms == (("в",),)  # a question word alone is still searched
    assert not parse_query("!!! ...")


def test_the_fragment_marks_each_match_and_keeps_the_text():
    text = "Протокол выемки в Алматы, карта 4400 1234 5678 1234; <script>"
    query = parse_query("выемка 4400 1234")
    pieces = highlight(text, query)
    assert [piece for piece, marked in pieces if marked] == ["выемки", "4400 1234 5678 1234"]
    assert "".join(piece for piece, _ in pieces) == text
    assert matches("выемкой", query) and not matches("обыск", query)


def test_a_long_text_is_cut_around_the_first_match():
    text = "начало " * 100 + "выемка " + "конец " * 100
    pieces = highlight(text, parse_query("выемка"), width=80)
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert ("выемка", True) in pieces
    assert len("".join(piece for piece, _ in pieces)) <= 82

"""What a text and a query become in the index: tokens, Snowball stems, identifier forms.

Both back ends index the same terms, computed here in Python with the Snowball stemmers
(`snowballstemmer`, the algorithms PostgreSQL's `russian` configuration also uses: Cyrillic words
with the Russian stemmer, Latin ones with the English), so PostgreSQL and SQLite find exactly the
same records for the same query. Pure: no Flask, no database.

A word is indexed as its stem and as written (lower case, ё as е), so that a surname whose stem
the stemmer cuts short («Ивановым» → «иван») is still found by its nominative. A run of digit
groups («4400 1234 5678 1234», «+7 (701) 123-45-67», «№ 2025164012») is also indexed joined, and
the joined number's tails of four digits or more, so a number is found by any part typed with or
without separators. Every query word matches as a prefix; a record matching any of them is found,
those matching more of them first. Words a question is made of (stop words) are not looked up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W\d_]+|\d+")
# Digit groups joined by up to two separator characters: spaces, dashes, dots, slashes, brackets.
DIGIT_RUN = re.compile(r"\d+(?:[ \-./()]{1,2}\d+)*")
CYRILLIC = re.compile(r"[а-яіїєўқңғүұһәө]")
LATIN = re.compile(r"[a-z]")
SHORTEST_NUMBER_PART = 4  # the shortest tail of a number that is indexed on its own
LONGEST_NUMBER = 24  # longer digit runs are not joined (they are data, not an identifier)
# Longer runs of letters are not words anyone looks up; PostgreSQL refuses a lexeme over 2,047 bytes
# (with the scope token before it), and both back ends must index the same terms.
LONGEST_WORD = 200
# Words a question is made of that no record is looked up by («что мы знаем про выемку в Алматы»),
# folded (е for ё). Kept short and here: the general lists of packages hold words that are what an
# investigator looks for («дело», «год», «раз»).
_STOP_WORDS = ("а и в во на над под при с со к ко о об обо от до по про за из у для через что чтобы как мы вы я "
               "ты он она оно они нам нас мне меня его ее их это этот эта эти тот та те ли же или не ни но да бы "
               "был была было были есть где когда кто чей чья чье чьи какой какая какое какие который которая "
               "которое которые зачем почему сколько знаем знаете знает известно все всех "
               "the a an and or of in on at to for by with from what which who whom whose where when why how "
               "we you i he she they it its is are was were be been do does did have has had about any there "
               "this that these those know known our us me my")
QUERY_STOP_WORDS = frozenset(_STOP_WORDS.split())


@lru_cache(maxsize=2)
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


def fold(text: str) -> str:
    """The form words are compared in: compatibility-normalised, lower case, ё as е."""
    return unicodedata.normalize("NFKC", text.replace("№", " ")).lower().replace("ё", "е")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A folded word's Snowball stem: Russian for Cyrillic, English for Latin, else the word."""
    if word.isdigit():
        return word
    if CYRILLIC.search(word):
        return _stemmer("russian").stemWord(word)
    if LATIN.search(word):
        return _stemmer("english").stemWord(word)
    return word


def words(text: str) -> list[str]:
    """The folded words and digit groups of a text, in order."""
    return WORD.findall(fold(text))


def number_forms(text: str) -> set[str]:
    """Each run of digit groups joined into one number, and that number's tails (not shorter than
    SHORTEST_NUMBER_PART), so a query for any part of it is a prefix of one of them."""
    forms: set[str] = set()
    for run in DIGIT_RUN.findall(text):
        digits = re.sub(r"\D", "", run)
        if len(digits) > LONGEST_NUMBER:
            continue
        forms.update(digits[start:] for start in range(len(digits) - SHORTEST_NUMBER_PART + 1))
        forms.add(digits)
    return forms


def index_terms(*texts: str | None) -> str:
    """The terms a record's texts are indexed under, space-separated (what both back ends store)."""
    terms: dict[str, None] = {}  # ordered and without repeats
    for text in texts:
        if not text:
            continue
        for word in words(text):
            if len(word) > LONGEST_WORD:
                continue
            terms[word] = None
            terms[stem(word)] = None
        for form in number_forms(fold(text)):
            terms[form] = None
    return " ".join(terms)


@dataclass(frozen=True)
class Query:
    """A parsed query: each term is matched by any of its prefixes; a record matches any of the terms."""

    terms: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def _alternatives(word: str) -> tuple[str, ...]:
    options = {word, stem(word)}
    # A trunk prefix 8 stands for the country code 7 of Russia and Kazakhstan (8 701 … = +7 701 …).
    if word.isdigit() and len(word) == 11 and word.startswith("8"):
        options.add("7" + word[1:])
    # A stem no longer than the word's prefix covers the word: keep only the shortest prefixes.
    return tuple(sorted(o for o in options if not any(p != o and o.startswith(p) for p in options)))


def parse_query(text: str) -> Query:
    """The terms of what a person typed: digit runs joined into numbers, words stemmed; question
    words dropped unless nothing else is left."""
    folded = fold(text)
    numbers = []
    for run in DIGIT_RUN.findall(folded):
        digits = re.sub(r"\D", "", run)
        if len(digits) <= LONGEST_NUMBER:
            numbers.append(digits)
    letters = [word for word in WORD.findall(DIGIT_RUN.sub(" ", folded)) if not word.isdigit()]
    content = [word for word in letters if word not in QUERY_STOP_WORDS] or letters
    terms = dict.fromkeys(_alternatives(word) for word in [*content, *numbers])
    return Query(terms=tuple(terms))


def matches(word: str, query: Query) -> bool:
    """Whether a folded word of a text is one the query found (for highlighting)."""
    forms = {word, stem(word)}
    return any(form.startswith(prefix) for term in query.terms for prefix in term for form in forms)


def highlight(text: str, query: Query, *, width: int = 200) -> list[tuple[str, bool]]:
    """A fragment of `text` around the first match, as (piece, is_match) pieces: the caller escapes
    each piece and marks the matches. Digit runs are matched whole, as they were indexed."""
    spans = [match.span() for match in DIGIT_RUN.finditer(text)
             if any(form.startswith(prefix) for term in query.terms for prefix in term
                    for form in number_forms(fold(match.group())))]
    spans += [match.span() for match in re.finditer(r"[^\W\d_]+", text) if matches(fold(match.group()), query)]
    spans.sort()
    start = max(0, spans[0][0] - width // 4) if spans else 0
    if start:
        start = text.find(" ", start) + 1 or start  # begin at a word
    end = min(len(text), start + width)
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    position = start
    for left, right in spans:
        if left < position or right > end:
            continue
        pieces += [(text[position:left], False), (text[left:right], True)]
        position = right
    pieces.append((text[position:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return [(piece, marked) for piece, marked in pieces if piece]

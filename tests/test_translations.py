"""Russian and English ship complete: every user-facing string in the code has a Russian form."""

from __future__ import annotations

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from config import PROJECT_ROOT

CATALOGUE = PROJECT_ROOT / "jit" / "translations" / "ru" / "LC_MESSAGES" / "messages.po"


def _message_ids(catalogue) -> set[str]:
    return {message.id if isinstance(message.id, str) else message.id[0] for message in catalogue if message.id}


def _forms(string) -> tuple:
    """Every form of a translation: one for a plain message, one per plural form otherwise."""
    return string if isinstance(string, tuple) else (string,)


def test_every_string_in_the_code_is_translated_to_russian(tmp_path):
    template = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l",
                                "-o", str(template), "--no-location", str(PROJECT_ROOT)])
    with template.open("rb") as extracted, CATALOGUE.open("rb") as russian_file:
        in_code = _message_ids(read_po(extracted))
        russian = read_po(russian_file, locale="ru")
    assert {"Sign in", "Audit trail", "Wrong username or password."} <= in_code  # extraction saw the code
    missing = sorted(in_code - _message_ids(russian))
    assert missing == [], "run `make extract-messages` and translate these"
    untranslated = sorted(str(message.id) for message in russian if message.id and _message_ids([message]) <= in_code
                          and (message.fuzzy or not all(_forms(message.string))))
    assert untranslated == []

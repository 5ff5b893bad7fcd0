"""Identifiers found in free text (a message, a task's description, an instruction's results...),
for suggesting them: each candidate is checked by its kind's normaliser, so a card whose Luhn digit
fails or an IBAN whose check digits fail is not offered. Pure, like the rest of `jit.identifiers`.

Messenger handles and transaction IDs are not looked for: in free text an @name is mostly a mention of
a colleague and any long word could be a reference, so suggesting them would drown the real finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from jit.identifiers import Kind, Refused, normalise


@dataclass(frozen=True)
class Found:
    kind: Kind
    value: str  # as written in the text
    normalized: str


# Sentence punctuation that ends a URL or a domain written at the end of a sentence.
_TRAILING = ".,;:!?)]}»\"'"
# Candidates in the order they claim their part of the text: an e-mail's domain is not a domain of its
# own, a URL's host neither, and a card's digits are not a phone number.
_PATTERNS: list[tuple[Kind, re.Pattern]] = [
    (Kind.URL, re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+", re.IGNORECASE)),
    (Kind.EMAIL, re.compile(r"[\w.+\-]+@(?:[\w\-]+\.)+[\w\-]{2,}")),
    (Kind.BANK_ACCOUNT, re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")),
    (Kind.CRYPTO_WALLET, re.compile(r"\b0x[0-9a-fA-F]{40}\b|\b(?:bc1|tb1)[0-9a-z]{8,87}\b|\b[13T][1-9A-HJ-NP-Za-km-z]"
                                    r"{25,34}\b", re.IGNORECASE)),
    (Kind.IMEI, re.compile(r"(?<![\d\-])\d{2}-?\d{6}-?\d{6}-?\d(?![\d\-])")),
    (Kind.PAYMENT_CARD, re.compile(r"(?<![\d\-])\d(?:[ \-]?\d){11,18}(?![\d\-])")),
    (Kind.IP_ADDRESS, re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w.])"
                                 r"|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")),
    (Kind.DOMAIN, re.compile(r"(?<![\w.@\-])(?:[\w\-]+\.)+[^\W\d_]{2,}(?![\w@\-])")),
]
# What looks like a domain and is a file name.
_FILE_ENDINGS = {"pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "rtf", "jpg", "jpeg", "png", "gif", "zip", "rar",
                 "7z", "exe", "bin", "img", "iso", "mp3", "mp4", "avi", "mov", "html", "htm", "xml", "json", "eml"}


def _candidates(text: str) -> Iterator[tuple[int, int, Kind, str]]:
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            value = match.group().rstrip(_TRAILING) if kind in (Kind.URL, Kind.DOMAIN) else match.group()
            if kind == Kind.DOMAIN and value.rpartition(".")[2].lower() in _FILE_ENDINGS:
                continue
            yield match.start(), match.start() + len(value), kind, value


def _phones(text: str, region: str | None) -> Iterator[tuple[int, int, Kind, str]]:
    for match in phonenumbers.PhoneNumberMatcher(text, region or "ZZ", leniency=phonenumbers.Leniency.VALID):
        yield match.start, match.end, Kind.PHONE, match.raw_string


def find_in_text(text: str | None, *, region: str | None = None) -> list[Found]:
    """Each identifier in `text` once (by kind and normalised form), in the order first written.
    `region` (ISO 3166 alpha-2) reads phone numbers written without their country code."""
    text = text or ""
    taken: list[tuple[int, int]] = []
    found: dict[tuple[Kind, str], tuple[int, Found]] = {}
    for start, end, kind, value in (*_candidates(text), *_phones(text, region)):
        if any(start < taken_end and taken_start < end for taken_start, taken_end in taken):
            continue
        try:
            normalized = normalise(kind, value, region=region)
        except Refused:
            continue  # its part of the text stays free: failed as a card, the digits may be a phone
        taken.append((start, end))
        previous = found.get((kind, normalized))
        if previous is None or start < previous[0]:
            found[kind, normalized] = (start, Found(kind, value, normalized))
    return [candidate for _, candidate in sorted(found.values(), key=lambda entry: entry[0])]

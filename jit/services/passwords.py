"""What makes a password acceptable (long enough, and not easy to guess), and how secrets are stored.

Guessability is estimated by zxcvbn (Dropbox's estimator, Python port on PyPI): it knows the
30,000 most common passwords, English words and names, keyboard walks, repeats ("aaaa",
"abcabc"), sequences ("abcd", "6543"), dates and l33t substitutions, and scores a password by how
many guesses its cheapest decomposition needs. It is pure Python with its lists inside the
package (nothing fetched at run time, fit for networks without internet), and it is what NIST SP
800-63B's "check against commonly used, expected or compromised values" is usually built with. Its
lists are English, so the words a Russian-speaking user reaches for first, the platform's own
names and the user's own name and username are given to it as extra dictionary words.

Passwords are stored as argon2id hashes, slow on purpose. Secrets that carry their own entropy
(API tokens, recovery codes), and usernames counted by the sign-in throttle, need only a SHA-256
digest: there is nothing to guess faster.
"""

from __future__ import annotations

import hashlib
import re
import secrets

import argon2.profiles
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from jit.services import values

MIN_LENGTH = 12
MAX_LENGTH = 128  # argon2 takes any length; this bounds the work an estimate and a hash cost
# zxcvbn's score 3: about 10^8 guesses or more ("safely unguessable" against online attacks and
# moderately costly offline against argon2id).
MIN_SCORE = 3

# Common Russian passwords and their Latin-keyboard forms, and the platform's own words.
LOCAL_WORDS = (
    "пароль", "parol", "gfhjkm", "йцукен", "йцукенгшщзхъ", "фывапролджэ", "ячсмить", "привет", "privet",
    "любовь", "lubov", "наташа", "natasha", "максим", "maksim", "солнышко", "solnyshko", "москва",
    "moskva", "минск", "minsk", "астана", "astana", "алматы", "almaty", "россия", "rossiya", "беларусь",
    "belarus", "казахстан", "kazakhstan", "админ", "администратор", "следователь", "sledovatel",
    "ссог", "ssog", "jit", "jig", "platform", "платформа", "demo", "password",
)

_WEAKNESS = {
    "dictionary": _l("It is a common password or word, or contains your name or username."),
    "spatial": _l("Keyboard patterns such as “qwerty” are easy to guess."),
    "repeat": _l("Repeated characters or words such as “aaaa” or “abcabc” are easy to guess."),
    "sequence": _l("Sequences such as “abcd” or “6543” are easy to guess."),
    "regex": _l("Recent years are easy to guess."),
    "date": _l("Dates are easy to guess."),
}


def problems(password: str | None, *, username: str = "", full_name: str = "") -> str | None:
    """Why `password` is refused (one sentence in the caller's language), or None if it is fine."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return str(_l("At least %(n)s characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(values.too_long(MAX_LENGTH))
    personal = [word for word in (username, *re.split(r"[\s.,_-]+", f"{username} {full_name}")) if len(word) >= 3]
    estimate = zxcvbn(password, user_inputs=[*personal, *LOCAL_WORDS])
    if estimate["score"] >= MIN_SCORE:
        return None
    # Name the pattern that made it cheap: the part of the password that costs the fewest guesses
    # relative to its length.
    weakest = min(estimate["sequence"], key=lambda match: match["guesses_log10"] / max(len(match["token"]), 1))
    reason = _WEAKNESS.get(weakest["pattern"], _l("It is too easy to guess."))
    return str(_l("Too easy to guess. %(reason)s Use a longer passphrase of unrelated words.", reason=reason))


# RFC 9106's low-memory profile; the test configuration picks the cheapest parameters instead,
# since hashing at full cost dominates a test suite that signs in thousands of times.
_HASHERS = {
    "rfc9106": PasswordHasher.from_parameters(argon2.profiles.RFC_9106_LOW_MEMORY),
    "cheapest": PasswordHasher.from_parameters(argon2.profiles.CHEAPEST),
}
_DUMMY_HASHES = {name: hasher.hash(secrets.token_urlsafe(16)) for name, hasher in _HASHERS.items()}


def _hasher_name() -> str:
    return current_app.config["JIT_PASSWORD_HASHING"]


def _hasher() -> PasswordHasher:
    return _HASHERS[_hasher_name()]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)


def dummy_hash() -> str:
    """A hash of no one's password, verified when the username is unknown, so that a miss costs as
    much time as a wrong password."""
    return _DUMMY_HASHES[_hasher_name()]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()

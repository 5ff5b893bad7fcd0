"""Identifiers: the kinds a group records (a phone, a card, a wallet...), how each value is checked and
brought to one normalised form, and how a card number is masked. Pure like `ledger/` and `storage/`:
no Flask, no database (DESIGN.md, "Where the second round's parts go").

`normalise(kind, value, region=...)` returns the normalised value or raises `Refused` with a reason
code; the service turns the code into words in the reader's language. Two values with the same
normalised form are the same identifier: +375 29 123-45-67, 8 029 1234567 and 80291234567 are one.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import hmac
import ipaddress
import os
import pathlib
import re
import secrets
import tempfile
from urllib.parse import urlsplit, urlunsplit

import base58
import idna
import phonenumbers
import schwifty
from Crypto.Hash import keccak
from schwifty import exceptions as iban_errors

MAX_VALUE_LENGTH = 300


class Kind(enum.StrEnum):
    PHONE = "phone"
    BANK_ACCOUNT = "bank_account"
    PAYMENT_CARD = "payment_card"
    EMAIL = "email"
    IP_ADDRESS = "ip_address"
    DOMAIN = "domain"
    URL = "url"
    CRYPTO_WALLET = "crypto_wallet"
    MESSENGER_HANDLE = "messenger_handle"
    IMEI = "imei"
    TRANSACTION_ID = "transaction_id"


class Refused(ValueError):
    """The value fails its kind's check; `reason` is a code from REASONS."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


REASONS = (
    "empty", "too_long", "unknown_kind", "phone_unreadable", "phone_invalid", "iban_checksum", "iban_country",
    "iban_length", "iban_invalid", "card_digits", "card_checksum", "email_invalid", "ip_invalid", "domain_invalid",
    "url_invalid", "wallet_checksum", "wallet_unknown", "handle_invalid", "imei_digits", "imei_checksum",
    "transaction_invalid",
)


def luhn_valid(digits: str) -> bool:
    """The Luhn check digit (ISO/IEC 7812) of payment cards and IMEIs."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _digits(value: str) -> str:
    """The digits of a number typed with spaces, dashes or dots between groups."""
    return re.sub(r"[\s\-.]", "", value)


def _phone(value: str, region: str | None) -> str:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise Refused("phone_unreadable") from error
    if not phonenumbers.is_valid_number(number):
        raise Refused("phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _bank_account(value: str, region: str | None) -> str:
    try:
        return schwifty.IBAN(value).compact
    except iban_errors.InvalidChecksumDigits as error:
        raise Refused("iban_checksum") from error
    except iban_errors.InvalidCountryCode as error:
        raise Refused("iban_country") from error
    except iban_errors.InvalidLength as error:
        raise Refused("iban_length") from error
    except iban_errors.SchwiftyException as error:
        raise Refused("iban_invalid") from error


def _payment_card(value: str, region: str | None) -> str:
    digits = _digits(value)
    if not re.fullmatch(r"\d{12,19}", digits):
        raise Refused("card_digits")
    if not luhn_valid(digits):
        raise Refused("card_checksum")
    return digits


def _imei(value: str, region: str | None) -> str:
    digits = _digits(value).replace("/", "")
    if not re.fullmatch(r"\d{15}", digits):
        raise Refused("imei_digits")
    if not luhn_valid(digits):
        raise Refused("imei_checksum")
    return digits


def _host(name: str, reason: str) -> str:
    """A domain name in its ASCII (IDNA 2008) form, lower case: пример.бел and xn--e1afmkfd.xn--90ais are one."""
    name = name.strip().rstrip(".").lower()
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise Refused(reason) from error
    if "." not in ascii_name:
        raise Refused(reason)
    return ascii_name


def _email(value: str, region: str | None) -> str:
    local, at, domain = value.strip().rpartition("@")
    if not at or not re.fullmatch(r"[^\s@\"(),:;<>\[\]\\]+", local):
        raise Refused("email_invalid")
    return f"{local.lower()}@{_host(domain, 'email_invalid')}"


def _ip_address(value: str, region: str | None) -> str:
    """An address, or a network written with its prefix (10.0.0.0/8): in the compressed form."""
    try:
        if "/" in value:
            return ipaddress.ip_network(value.strip(), strict=False).compressed
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError as error:
        raise Refused("ip_invalid") from error


def _domain(value: str, region: str | None) -> str:
    return _host(value, "domain_invalid")


DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


def _url(value: str, region: str | None) -> str:
    """Scheme and host in lower case, the host in its ASCII form, the default port and the fragment dropped."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as error:
        raise Refused("url_invalid") from error
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise Refused("url_invalid")
    host = _host(parts.hostname, "url_invalid")
    netloc = host if port in (None, DEFAULT_PORTS[parts.scheme.lower()]) else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


# --- crypto wallets -------------------------------------------------------------------------

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONSTANT, BECH32M_CONSTANT = 1, 0x2BC830A3


def _bech32_polymod(values: list[int]) -> int:
    """BIP 173's checksum; `bech32` libraries on PyPI predate bech32m (BIP 350), so it is written here."""
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(generators):
            check ^= generator if (top >> bit) & 1 else 0
    return check


def _segwit(address: str) -> str:
    """A Bitcoin segwit address (bc1...): version 0 with a bech32 checksum, later versions with bech32m."""
    if address != address.lower() and address != address.upper():
        raise Refused("wallet_checksum")
    address = address.lower()
    hrp, _, data = address.rpartition("1")
    if hrp not in ("bc", "tb") or len(data) < 8 or any(char not in BECH32_CHARSET for char in data):
        raise Refused("wallet_unknown")
    values = [BECH32_CHARSET.index(char) for char in data]
    expanded = [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]
    expected = BECH32_CONSTANT if values[0] == 0 else BECH32M_CONSTANT
    if _bech32_polymod(expanded + values) != expected:
        raise Refused("wallet_checksum")
    return address


def _base58check(address: str, versions: set[int], length: int) -> str:
    """Bitcoin legacy (1..., 3...) and TRON (T...) addresses: base58 with a double-SHA-256 checksum."""
    try:
        payload = base58.b58decode_check(address)
    except ValueError as error:
        raise Refused("wallet_checksum") from error
    if len(payload) != length or payload[0] not in versions:
        raise Refused("wallet_unknown")
    return address


def _ethereum(address: str) -> str:
    """0x and 40 hex digits; in mixed case the EIP-55 checksum (Keccak-256 of the lower-case hex) must hold."""
    hex_part = address[2:]
    if hex_part not in (hex_part.lower(), hex_part.upper()):
        digest = keccak.new(digest_bits=256, data=hex_part.lower().encode("ascii")).hexdigest()
        expected = "".join(char.upper() if int(digest[i], 16) >= 8 else char.lower()
                           for i, char in enumerate(hex_part.lower()))
        if hex_part != expected:
            raise Refused("wallet_checksum")
    return "0x" + hex_part.lower()


def _crypto_wallet(value: str, region: str | None) -> str:
    address = value.strip()
    if re.fullmatch(r"0[xX][0-9a-fA-F]{40}", address):
        return _ethereum(address)
    if address[:3].lower() in ("bc1", "tb1"):
        return _segwit(address)
    if address.startswith("T"):
        return _base58check(address, {0x41}, 21)
    if address[:1] in ("1", "3"):
        return _base58check(address, {0x00, 0x05}, 21)
    raise Refused("wallet_unknown")


def _messenger_handle(value: str, region: str | None) -> str:
    """@name as Telegram and most messengers spell it: letters, digits, _ and ., case not counted."""
    handle = value.strip().removeprefix("@")
    if not re.fullmatch(r"[\w.]{3,64}", handle):
        raise Refused("handle_invalid")
    return "@" + handle.casefold()


def _transaction_id(value: str, region: str | None) -> str:
    """A bank reference or a blockchain hash: spaces dropped, case not counted."""
    reference = re.sub(r"\s", "", value)
    if not re.fullmatch(r"[\w\-.:/#]{4,128}", reference):
        raise Refused("transaction_invalid")
    return reference.casefold()


NORMALISERS = {
    Kind.PHONE: _phone, Kind.BANK_ACCOUNT: _bank_account, Kind.PAYMENT_CARD: _payment_card, Kind.EMAIL: _email,
    Kind.IP_ADDRESS: _ip_address, Kind.DOMAIN: _domain, Kind.URL: _url, Kind.CRYPTO_WALLET: _crypto_wallet,
    Kind.MESSENGER_HANDLE: _messenger_handle, Kind.IMEI: _imei, Kind.TRANSACTION_ID: _transaction_id,
}


def _kind(kind: str) -> Kind:
    try:
        return Kind(kind)
    except ValueError as error:
        raise Refused("unknown_kind") from error


def _typed(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise Refused("empty")
    if len(value) > MAX_VALUE_LENGTH:
        raise Refused("too_long")
    return value


def normalise(kind: str, value: str | None, *, region: str | None = None) -> str:
    """The one form of `value` (E.164, a compact IBAN, the card's digits...), or Refused with the reason.
    `region` (ISO 3166 alpha-2) reads a phone number written without its country code."""
    kind = _kind(kind)
    return NORMALISERS[kind](_typed(value), region)


def normalise_unverified(kind: str, value: str | None) -> str:
    """What a value recorded as unverified (it failed its check, the user recorded it anyway) is
    matched by: without spaces, dashes and dots, case not counted."""
    _kind(kind)
    return re.sub(r"[\s\-.()]", "", _typed(value)).casefold()


def masked(kind: str, normalised: str) -> str:
    """A payment card as 4400 •••• •••• 1234 (the first four and last four digits, as on a receipt);
    other kinds are shown as they are."""
    if kind != Kind.PAYMENT_CARD or len(normalised) < 12:
        return normalised
    hidden = (len(normalised) - 8 + 3) // 4
    return " ".join([normalised[:4], *["••••"] * hidden, normalised[-4:]])


# --- matching across groups -----------------------------------------------------------------

MATCH_KEY_BYTES = 32


def match_hash(key: bytes, kind: str, normalised: str) -> str:
    """HMAC-SHA256 of kind and normalised value under a key kept outside the database: groups are
    matched by it, and a copy of the database alone does not tell which values other groups hold
    (a plain hash of a phone number is undone by hashing every phone number)."""
    return hmac.new(key, f"{kind}\x00{normalised}".encode(), hashlib.sha256).hexdigest()


def load_or_create_match_key(path: pathlib.Path) -> bytes:
    """The key at `path`, first created (random, readable by the owner only) if missing; written to a
    temporary file and hard-linked into place, so processes starting together share the one that won."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
        temporary = pathlib.Path(name)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(secrets.token_bytes(MATCH_KEY_BYTES))
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink()
    key = path.read_bytes()
    if len(key) < MATCH_KEY_BYTES:
        raise ValueError(f"{path}: the identifier matching key is shorter than {MATCH_KEY_BYTES} bytes")
    return key

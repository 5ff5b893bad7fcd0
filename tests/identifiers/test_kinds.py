"""Kinds, checks and normalisation of identifiers (jit/identifiers): pure, no app needed."""

import pytest

from jit.identifiers import REASONS, Kind, Refused, masked, normalise, normalise_unverified


@pytest.mark.parametrize(("kind", "typed", "region", "normalised"), [
    (Kind.PHONE, "+375 29 123-45-67", None, "+375291234567"),
    (Kind.PHONE, "8 029 123 45 67", "BY", "+375291234567"),
    (Kind.PHONE, "80291234567", "BY", "+375291234567"),
    (Kind.PHONE, "8 701 123 4567", "KZ", "+77011234567"),
    (Kind.BANK_ACCOUNT, "by13 nbrb 3600 9000 0000 2z00 ab00", None, "BY13NBRB3600900000002Z00AB00"),
    (Kind.PAYMENT_CARD, "4400 4301 8000 0009", None, "4400430180000009"),
    (Kind.EMAIL, "Ivan.Petrov@Пример.бел", None, "ivan.petrov@xn--e1afmkfd.xn--90ais"),
    (Kind.IP_ADDRESS, "2001:0db8:0000::0001", None, "2001:db8::1"),
    (Kind.IP_ADDRESS, "10.1.2.3/8", None, "10.0.0.0/8"),
    (Kind.DOMAIN, "Пример.БЕЛ.", None, "xn--e1afmkfd.xn--90ais"),
    (Kind.URL, "HTTPS://Bank-Login.KZ:443/login?x=1#top", None, "https://bank-login.kz/login?x=1"),
    (Kind.CRYPTO_WALLET, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", None,
     "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
    (Kind.CRYPTO_WALLET, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", None,
     "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    (Kind.CRYPTO_WALLET, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", None,
     "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
    (Kind.CRYPTO_WALLET, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", None, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
    (Kind.CRYPTO_WALLET, "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", None, "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"),
    (Kind.MESSENGER_HANDLE, "@Drop_Master", None, "@drop_master"),
    (Kind.IMEI, "49-015420-323751-8", None, "490154203237518"),
    (Kind.TRANSACTION_ID, "TX 12ab-99", None, "tx12ab-99"),
])
def test_values_in_any_format_come_to_one_form(kind, typed, region, normalised):
    assert normalise(kind, typed, region=region) == normalised


@pytest.mark.parametrize(("kind", "typed", "reason"), [
    (Kind.PHONE, "+375 12", "phone_invalid"),
    (Kind.PHONE, "029 123 45 67", "phone_unreadable"),  # no country code and no region to read it in
    (Kind.BANK_ACCOUNT, "BY13NBRB3600900000002Z00AB01", "iban_checksum"),
    (Kind.PAYMENT_CARD, "4400 4301 8000 0008", "card_checksum"),
    (Kind.PAYMENT_CARD, "4400 43", "card_digits"),
    (Kind.EMAIL, "no-at-sign.example", "email_invalid"),
    (Kind.IP_ADDRESS, "300.1.1.1", "ip_invalid"),
    (Kind.DOMAIN, "localhost", "domain_invalid"),
    (Kind.URL, "javascript:alert(1)", "url_invalid"),
    (Kind.CRYPTO_WALLET, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "wallet_checksum"),  # EIP-55 case wrong
    (Kind.CRYPTO_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "wallet_checksum"),
    (Kind.CRYPTO_WALLET, "TJRabPrwbZy45sbavfcjinPJC18kjpRTv9", "wallet_checksum"),
    (Kind.CRYPTO_WALLET, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "wallet_checksum"),
    (Kind.CRYPTO_WALLET, "not-a-wallet", "wallet_unknown"),
    (Kind.IMEI, "490154203237519", "imei_checksum"),
    (Kind.MESSENGER_HANDLE, "@a", "handle_invalid"),
    (Kind.TRANSACTION_ID, "<script>", "transaction_invalid"),
    ("fax", "123", "unknown_kind"),
    (Kind.PHONE, "   ", "empty"),
    (Kind.TRANSACTION_ID, "x" * 301, "too_long"),
])
def test_a_value_failing_its_check_is_refused_with_the_reason(kind, typed, reason):
    with pytest.raises(Refused) as refused:
        normalise(kind, typed, region=None)
    assert refused.value.reason == reason


def test_a_lower_case_ethereum_address_has_no_checksum_to_check():
    assert normalise(Kind.CRYPTO_WALLET, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED") == \
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"


def test_an_unverified_value_is_matched_without_separators_or_case():
    assert normalise_unverified(Kind.PHONE, "8 (029) 12-34") == normalise_unverified(Kind.PHONE, "80291234")


def test_a_card_is_masked_but_for_its_first_and_last_four_digits():
    assert masked(Kind.PAYMENT_CARD, "4400430180000009") == "4400 •••• •••• 0009"
    assert masked(Kind.PHONE, "+375291234567") == "+375291234567"


def test_every_reason_and_kind_has_its_words():
    from jit.services import identifiers

    assert set(identifiers.REASONS) == set(REASONS)
    assert set(identifiers.KIND_NAMES) == set(Kind)

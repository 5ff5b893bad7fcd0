"""Identifiers found in free text (jit/identifiers/extract.py): pure, no app needed."""

from jit.identifiers import Kind
from jit.identifiers.extract import find_in_text

TEXT = """Звонил с +375 29 123-45-67 и 8 029 1234567, карта 4400 4301 8000 0009 (и 4400430180000008 с ошибкой).
IBAN BY13 NBRB 3600 9000 0000 2Z00 AB00. Почта Ivan.Petrov@Пример.бел, сайт https://bank-login.kz/login?x=1, а
домен fishing.by. IP 10.1.2.3 и 2001:db8::1, в 12:30:45. IMEI 49-015420-323751-8. Кошельки
0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed и TJRabPrwbZy45sbavfcjinPJC18kjpRTv8. Файл отчет.pdf, @ivanov."""


def test_each_kind_is_found_once_in_the_order_written():
    assert [(found.kind, found.value, found.normalized) for found in find_in_text(TEXT, region="BY")] == [
        (Kind.PHONE, "+375 29 123-45-67", "+375291234567"),  # 8 029 1234567 is the same number
        (Kind.PAYMENT_CARD, "4400 4301 8000 0009", "4400430180000009"),
        (Kind.BANK_ACCOUNT, "BY13 NBRB 3600 9000 0000 2Z00 AB00", "BY13NBRB3600900000002Z00AB00"),
        (Kind.EMAIL, "Ivan.Petrov@Пример.бел", "ivan.petrov@xn--e1afmkfd.xn--90ais"),
        (Kind.URL, "https://bank-login.kz/login?x=1", "https://bank-login.kz/login?x=1"),
        (Kind.DOMAIN, "fishing.by", "fishing.by"),
        (Kind.IP_ADDRESS, "10.1.2.3", "10.1.2.3"),
        (Kind.IP_ADDRESS, "2001:db8::1", "2001:db8::1"),
        (Kind.IMEI, "49-015420-323751-8", "490154203237518"),
        (Kind.CRYPTO_WALLET, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
         "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        (Kind.CRYPTO_WALLET, "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"),
    ]


def test_a_phone_without_its_country_code_is_read_in_the_writers_country():
    assert [found.normalized for found in find_in_text("тел. 8 029 123 45 67", region="BY")] == ["+375291234567"]
    assert find_in_text("тел. 8 029 123 45 67", region="KZ") == []


def test_values_failing_their_check_are_not_found():
    assert find_in_text("карта 4400 4301 8000 0008, IBAN BY13 NBRB 3600 9000 0000 2Z00 AB01, 999.1.1.1") == []
    assert find_in_text("") == find_in_text(None) == []

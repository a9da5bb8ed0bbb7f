import pytest

from pipeline.numerals import roman_to_int
from pipeline.segment.numbering import follows, number_key, parse_label, parse_marker


@pytest.mark.parametrize(
    "line, kind, number, rest",
    [
        ("5.3. The Employer shall pay", "clause", "5.3", "The Employer shall pay"),
        ("5.3 The Employer shall pay", "clause", "5.3", "The Employer shall pay"),
        ("1.1.1. Overtime", "clause", "1.1.1", "Overtime"),
        ("5) The Trade Union", "clause", "5", "The Trade Union"),
        ("12. «Работодатель» обязуется", "clause", "12", "«Работодатель» обязуется"),
        ("Section 3. Remuneration", "section", "3", "Remuneration"),
        ("SECTION III. REMUNERATION", "section", "III", "REMUNERATION"),
        ("Chapter 2 Working time", "section", "2", "Working time"),
        ("Article 5. Leave", "section", "5", "Leave"),
        ("Раздел 3. Оплата труда", "section", "3", "Оплата труда"),
        ("Глава 2. Рабочее время", "section", "2", "Рабочее время"),
        ("Статья 5. Отпуска", "section", "5", "Отпуска"),
        ("3-бөлім. Еңбекақы төлеу", "section", "3", "Еңбекақы төлеу"),
        ("5-бап. Демалыс", "section", "5", "Демалыс"),
        ("IV. SOCIAL GUARANTEES", "section", "IV", "SOCIAL GUARANTEES"),
        ("Приложение 1. Перечень профессий", "section", "П1", "Перечень профессий"),
        ("Приложение № 2 к коллективному договору", "section", "П2", "к коллективному договору"),
        ("Appendix 3 - Wage Schedule", "section", "A3", "Wage Schedule"),
        ("Annex 1. Tariff rates", "section", "A1", "Tariff rates"),
        ("2-қосымша. Кәсіптер тізбесі", "section", "Қ2", "Кәсіптер тізбесі"),
        ("П1.1. Продолжительность отпуска", "clause", "П1.1", "Продолжительность отпуска"),
        ("A2.3 Night shift differential", "clause", "A2.3", "Night shift differential"),
        ("a) on the 5th day;", "item", "a", "on the 5th day;"),
        ("б) в случае рождения ребенка;", "item", "б", "в случае рождения ребенка;"),
        ("– medical examinations;", "item", None, "medical examinations;"),
    ],
)
def test_marker_recognised(line, kind, number, rest):
    m = parse_marker(line)
    assert m is not None
    assert (m.kind, m.number, m.rest) == (kind, number, rest)


@pytest.mark.parametrize(
    "line",
    [
        "1.5 times the hourly rate",  # a number inside a wrapped sentence
        "2024. The Parties",  # a year
        "10 (ten) annual wages",
        "40 hours a week",
        "5.3 of this Agreement",
        "15 December 2023",  # a date on the title page
        "85 000 tenge",
        "1,5 МЗП",
        "The Employer shall",
        "",
    ],
)
def test_prose_is_not_a_marker(line):
    m = parse_marker(line)
    assert m is None or m.kind == "item", m


def test_label_from_word_numbering():
    assert parse_label("5.3.").number == "5.3"
    assert parse_label("a)").kind == "item"
    assert parse_label("Section 2.").kind == "section"
    assert parse_label("") is None


@pytest.mark.parametrize(
    "previous, candidate, ok",
    [
        (None, (1,), True),
        (None, (1, 1), True),
        ((5, 3), (5, 4), True),
        ((5, 3), (5, 3, 1), True),
        ((5, 3), (6,), True),
        ((5, 3), (6, 1), True),
        ((5, 3, 2), (5, 4), True),
        ((5, 3), (5, 5), True),  # renumbered: a small gap is allowed
        ((5, 3), (1, 5), False),  # "1.5 times" cannot follow 5.3
        ((5, 3), (2, 3), False),
        ((5, 3), (40,), False),
    ],
)
def test_follows(previous, candidate, ok):
    assert follows(previous, candidate) is ok


def test_number_key_and_roman():
    assert number_key("5.3.1") == (5, 3, 1)
    assert number_key("III") is None
    assert number_key("П1.2") == (1001, 2) and number_key("A3") == (1003,)  # appendices follow the body
    assert follows(number_key("П1"), number_key("П1.1")) and not follows((9, 3), number_key("П1.1"))
    assert [roman_to_int(r) for r in ("I", "IV", "IX", "XIV", "XL")] == [1, 4, 9, 14, 40]

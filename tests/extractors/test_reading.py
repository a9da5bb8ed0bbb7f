"""The norm reader on sentences a drafter could write: what it reads, what it refuses, and the words it shows."""

from __future__ import annotations

import pytest

from extractors import read
from extractors.extensions import get


def _norms(lang: str, text: str, **kw) -> list[tuple]:
    doc = read(text, lang, **kw)
    return sorted((n.parameter, n.comparator, n.value, n.unit) for n in get(doc, "kel_norms"))


def _evidence(lang: str, text: str) -> list:
    return [e for e in get(read(text, lang), "kel_evidence") if e.kind == "norm"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Overtime work, night work and work on public holidays shall be paid at not less than one and a half times the hourly rate."),
        ("en", "Overtime, night work and public holiday work are paid at a rate of at least 1.5 times the normal rate."),
        ("ru", "Сверхурочная работа, работа в ночное время и в праздничные дни оплачиваются не менее чем в полуторном размере."),
    ],
)
def test_one_value_shared_by_a_coordinated_list(lang, text):
    assert _norms(lang, text) == [
        ("premium_pay.holiday", ">=", 1.5, "rate_multiple"),
        ("premium_pay.night", ">=", 1.5, "rate_multiple"),
        ("premium_pay.overtime", ">=", 1.5, "rate_multiple"),
    ]


def test_a_list_after_the_value_shares_it():
    assert _norms("en", "Employees are paid double the rate for work on weekends and public holidays.") == [
        ("premium_pay.holiday", "=", 2.0, "rate_multiple"),
        ("premium_pay.weekend", "=", 2.0, "rate_multiple"),
    ]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "No employee shall work more than 10 hours a day.", ("working_time.daily_hours", "<=", 10.0, "hours")),
        ("en", "No employee shall be paid less than the minimum wage.", ("minimum_pay.floor", ">=", 1.0, "minimum_wage")),
        ("ru", "Работодатель не вправе выплачивать заработную плату ниже МЗП.", ("minimum_pay.floor", ">=", 1.0, "minimum_wage")),
    ],
)
def test_a_prohibition_turns_the_comparator_round(lang, text, expected):
    assert _norms(lang, text) == [expected]


@pytest.mark.parametrize(
    ("lang", "text", "value", "unit"),
    [
        ("en", "The normal working week shall not exceed 40 (forty) hours.", 40.0, "hours"),
        ("en", "The normal working week shall not exceed forty (40) hours.", 40.0, "hours"),
        ("ru", "Нормальная продолжительность рабочего времени не может превышать 40 (сорока) часов в неделю.", 40.0, "hours"),
    ],
)
def test_digits_and_words_in_parentheses_are_one_number(lang, text, value, unit):
    assert _norms(lang, text) == [("working_time.weekly_hours", "<=", value, unit)]


def test_a_restated_guarantee_is_one_norm():
    text = ("The Employer shall increase base salaries by three percent (3%) on 1 July. "
            "The three percent (3%) increase shall apply to every classification.")
    norms = get(read(text, "en"), "kel_norms")
    assert [(n.parameter, n.value, n.unit) for n in norms] == [("wage_indexation.rate", 3.0, "percent")]
    assert len(_evidence("en", text)) == 1


def test_a_restatement_takes_the_subject_named_before_it():
    text = ("Overtime shall be paid at time and one-half. Compensatory time is credited at time and one-half. "
            "Night work is paid at double time.")
    assert _norms("en", text) == [
        ("premium_pay.night", "=", 2.0, "rate_multiple"),
        ("premium_pay.overtime", "=", 1.5, "rate_multiple"),
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The part of annual leave exceeding 24 calendar days may be replaced by monetary compensation."),
        ("en", "The Employer shall reply to a written request within 10 working days."),
        ("ru", "Часть ежегодного отпуска, превышающая 24 календарных дня, по письменному заявлению работника может быть заменена денежной компенсацией."),
        # a time before an event is when something is due, not how long it lasts
        ("ru", "Оплата отпуска производится не позднее, чем за три дня до его начала."),
        ("ru", "Отпускные выплачиваются не позднее чем за 3 дня до начала отпуска."),
        ("en", "Vacation pay shall be paid no later than three days before the start of the leave."),
        ("en", "Holiday pay is paid at least 3 days prior to the annual leave."),
    ],
)
def test_numbers_that_bound_a_procedure_are_not_guarantees(lang, text):
    assert [n for n in _norms(lang, text) if n[0] != "unassigned"] == []


def test_an_undecidable_quantity_is_unassigned_with_its_reason():
    doc = read("The Employer shall pay employees a bonus of 2 MCI.", "en")
    norms = get(doc, "kel_norms")
    assert [(n.parameter, n.value, n.unit) for n in norms] == [("unassigned", 2.0, "mci")]
    evidence = [e for e in get(doc, "kel_evidence") if e.kind == "norm"]
    assert evidence[0].rule.startswith("unassigned: ")
    assert evidence[0].text == "2 MCI"


def test_a_lead_ins_comparator_is_named_not_quoted():
    text = ("Work in conditions deviating from normal shall be paid at increased rates of not less than:\n"
            "a) 1.5 times the hourly rate for each hour of overtime work;\n"
            "b) double the daily rate for work on public holidays and days off.")
    doc = read(text, "en")
    norms = sorted((n.parameter, n.comparator, n.value) for n in get(doc, "kel_norms"))
    assert norms == [
        ("premium_pay.holiday", ">=", 2.0),
        ("premium_pay.overtime", ">=", 1.5),
        ("premium_pay.weekend", ">=", 2.0),
    ]
    for e in get(doc, "kel_evidence"):
        if e.kind == "norm":
            assert text[e.start:e.end] == e.text
            assert "not less than" not in e.text  # the item's own words, the comparator named in the rule
            assert "not less than" in e.rule


@pytest.mark.parametrize(
    "tail",
    [
        " без учета единовременной страховой выплаты.",
        ", без учета единовременной страховой выплаты.",
        " за исключением страховой выплаты по Федеральному закону «Об обязательном социальном страховании: от несчастных случаев».",
    ],
)
def test_an_enumeration_takes_its_lead_ins_subject_not_what_follows_it(tail):
    text = ("При установлении Работнику группы инвалидности вследствие несчастного случая на производстве выплачивать "
            "ему единовременное пособие по инвалидности в размере не менее: 1 группа – девяти среднемесячных "
            "заработков, 2 группа – шести среднемесячных заработков, 3 группа – трех среднемесячных заработков" + tail)
    assert _norms("ru", text) == [
        ("injury_compensation.disability_lump_sum", ">=", 3.0, "monthly_wage"),
        ("injury_compensation.disability_lump_sum", ">=", 6.0, "monthly_wage"),
        ("injury_compensation.disability_lump_sum", ">=", 9.0, "monthly_wage"),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Устанавливать для женщин, работающих в районах Крайнего Севера, 36-часовую рабочую неделю.", 36.0),
        ("Для работников с вредными условиями труда устанавливается 36-часовая рабочая неделя.", 36.0),
        ("Для работников устанавливается пятидневная 40-часовая рабочая неделя.", 40.0),
        ("Для женщин устанавливается рабочая неделя продолжительностью 36 часов.", 36.0),
        ("Работникам, занятым на работах с вредными условиями, устанавливается сокращённая 36-часовая рабочая неделя.", 36.0),
    ],
)
def test_a_number_joined_to_its_unit_by_a_hyphen(text, value):
    assert _norms("ru", text) == [("working_time.weekly_hours", "=", value, "hours")]


def test_a_cue_right_after_a_quantity_is_that_quantitys():
    text = ("Продолжительность ежедневной работы (смены) может быть увеличена:\n"
            "- при 36-часовой рабочей неделе – до 12 часов;\n"
            "- при 30-часовой рабочей неделе и менее – до 8 часов.")
    daily = [n for n in _norms("ru", text) if n[0] == "working_time.daily_hours"]
    assert daily == [("working_time.daily_hours", "<=", 8.0, "hours"), ("working_time.daily_hours", "<=", 12.0, "hours")]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "Работодатель предупреждает работника о предстоящем увольнении не позднее чем за два месяца до увольнения.",
         ("job_security.notice", ">=", 2.0, "months")),
        ("en", "The Employer shall notify employees of layoff at least 60 days before the layoff.",
         ("job_security.notice", ">=", 60.0, "days")),
    ],
)
def test_notice_is_a_time_before_an_event(lang, text, expected):
    assert _norms(lang, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the base in the genitive before its multiple, the comparator after the quantity
        ("Кіші персоналдың лауазымдық айлықақысы ЕТЖ-ның бір жарым еселенген мөлшерінен кем болмауға тиіс.",
         ("minimum_pay.floor", ">=", 1.5, "minimum_wage")),
        ("Түнгі уақыттағы жұмысқа ақы сағаттық мөлшерлеменің кемінде екі еселенген мөлшерінде төленеді.",
         ("premium_pay.night", ">=", 2.0, "rate_multiple")),
        # a share of a base named before it
        ("Еңбек демалысы берілген кезде лауазымдық айлықақының 50 пайызы мөлшерінде сауықтыруға арналған жәрдемақы төленеді.",
         ("social_benefits.recovery_allowance", "=", 0.5, "official_salary")),
        # a unit alone before a comparator that follows it
        ("Жұмыс беруші жалақыны жыл сайын ресми инфляция деңгейінен төмен емес индекстейді.",
         ("wage_indexation.rate", ">=", 1.0, "inflation")),
        # "its length" before the amount says only "="; the bound after it decides
        ("Күнделікті жұмыстың ұзақтығы 8 сағаттан аспайды.", ("working_time.daily_hours", "<=", 8.0, "hours")),
        # a case ending written apart after a hyphen stands between the unit and its bound
        ("Бірінші разрядтың тарифтік мөлшерлемесі 1,2 ЕТЖ-дан төмен емес мөлшерде белгіленеді.",
         ("minimum_pay.floor", ">=", 1.2, "minimum_wage")),
        # a supplement named after its share of the rate: 1.5 times the rate
        ("Түнгі уақытта жұмыс істегені үшін сағаттық мөлшерлеменің 50 пайызы мөлшерінде қосымша ақы төленеді.",
         ("premium_pay.night", "=", 1.5, "rate_multiple")),
    ],
)
def test_kazakh_word_order_base_before_and_comparator_after(text, expected):
    """Kazakh names a base before its multiple («ЕТЖ-ның екі еселенген мөлшері») and a bound after the
    quantity («... төмен емес»); the reader knew only the English and Russian order and read none."""
    assert _norms("kk", text) == [expected]


def test_kazakh_seniority_bound_after_the_years():
    """«10 жылдан асқан», «3 жылға дейін»: Kazakh bounds a range of years after the year word; the
    reader took every such range for "N years or more"."""
    doc = read("Еңбек жарақатынан уақытша еңбекке жарамсыздық кезінде айырма төленеді: еңбек өтілі 10 жыл және одан "
               "жоғары болса – 100 пайыз, 10 жылға дейін – 80 пайыз.", "kk")
    assert sorted((n.value, n.condition) for n in get(doc, "kel_norms")) == [
        (80.0, "seniority of less than 10 years"), (100.0, "seniority of 10 years or more")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("kk", "Қызметкерлер үшін аптасына 38 сағаттан аспайтын, ал зиянды еңбек жағдайларында жұмыс істейтін "
               "қызметкерлер үшін аптасына 36 сағаттан аспайтын қалыпты жұмыс уақыты белгіленеді."),
        ("ru", "Нормальная продолжительность рабочего времени составляет не более 38 часов в неделю, а работников, "
               "занятых на работах с вредными условиями труда, – не более 36 часов в неделю."),
    ],
)
def test_a_condition_belongs_to_the_quantity_of_its_own_stretch(lang, text):
    """Kazakh puts the harmful condition before its 36 hours but nearer, by words, to the 38 hours
    before the comma; it went to the 38 hours and `check` flagged a lowered weekly limit."""
    doc = read(text, lang)
    assert sorted((n.value, n.condition) for n in get(doc, "kel_norms")) == [
        (36.0, "harmful working conditions"), (38.0, None)]


def test_a_kazakh_bound_after_coordinated_quantities_is_theirs():
    """«айына 12 сағаттан және жылына 120 сағаттан аспайды»: the bound stands once, after the last."""
    assert _norms("kk", "Үстеме жұмыстардың ұзақтығы айына 12 сағаттан және жылына 120 сағаттан аспайды.") == [
        ("working_time.overtime_limit", "<=", 12.0, "hours"), ("working_time.overtime_limit", "<=", 120.0, "hours")]


def test_a_kazakh_period_before_the_quantity():
    """«күніне екі сағаттан аспауы тиіс»: Kazakh names the period first; read without it, a daily
    overtime limit was a limit for every period and `check` took it for the monthly one."""
    doc = read("Үстеме жұмыс күніне екі сағаттан аспауы тиіс.", "kk")
    assert [(n.parameter, n.comparator, n.value, n.condition) for n in get(doc, "kel_norms")] == [
        ("working_time.overtime_limit", "<=", 2.0, "per day")]


def test_a_key_written_twice_in_a_rule_file_is_an_error_naming_both_lines(tmp_path):
    from extractors.lexicon import LexiconError, _File

    rules = tmp_path / "topics.yaml"
    rules.write_text("annual_leave:\n  head: [annual leave]\n  ignore: [on annual leave]\n  ignore: [with annual leave]\n",
                     encoding="utf-8")
    with pytest.raises(LexiconError, match=r"topics.yaml:4: 'ignore' is written twice \(first at line 3\)"):
        _File(rules)


def test_every_shipped_rule_file_has_each_key_once():
    from extractors.lexicon import DATA, _File

    for path in sorted(DATA.glob("*/*.yaml")):
        _File(path)  # raises on a key written twice

"""``kel_norms``: parameter, comparator, value, unit and condition of every guarantee in a clause."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import extractors.factories  # noqa: F401  (registers kel_norms)
from extractors.norms import table_norms
from schemas import Evidence, Norm, Table


@pytest.fixture(scope="module")
def nlps():
    built = {}
    for lang in ("en", "ru"):
        nlp = spacy.blank(lang)
        nlp.add_pipe("kel_norms")
        built[lang] = nlp
    return built


def _norms(nlps, lang: str, text: str, heading: str | None = None):
    doc = nlps[lang].make_doc(text)
    doc._.kel_lang = lang
    doc._.kel_heading = heading
    doc = nlps[lang](doc)
    return doc


def _tuples(norms):
    return [(n.parameter, n.comparator, n.value, n.unit, n.condition) for n in norms]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Employer shall index wages annually not lower than the official inflation rate.",
            [("wage_indexation.rate", ">=", 1, "inflation", None)],
        ),
        (
            "Overtime work is paid at not less than one and a half times the hourly rate",
            [("premium_pay.overtime", ">=", 1.5, "rate_multiple", None)],
        ),
        (
            "Overtime is paid at not less than double rate.",
            [("premium_pay.overtime", ">=", 2, "rate_multiple", None)],
        ),
        (
            "The tariff rate of a worker of the first grade shall not be lower than 1.2 minimum wages.",
            [("minimum_pay.floor", ">=", 1.2, "minimum_wage", None)],
        ),
        ("Wages shall be paid at least twice a month.", [("wage_payment.frequency", ">=", 2, "times_per_month", None)]),
        ("Wages are paid every half month.", [("wage_payment.frequency", "=", 2, "times_per_month", None)]),
        (
            "The normal working time shall not exceed forty (40) hours per week.",
            [("working_time.weekly_hours", "<=", 40, "hours", None)],
        ),
        (
            "Employees shall be granted annual paid labour leave of 24 calendar days.",
            [("annual_leave.days", "=", 24, "calendar_days", None)],
        ),
        (
            "Employees engaged in work with harmful working conditions shall be granted additional paid annual "
            "leave of at least six (6) calendar days.",
            [("annual_leave.additional_days", ">=", 6, "calendar_days", "harmful working conditions")],
        ),
        (
            "In case of the death of an employee, the employer shall pay a lump sum of tenfold annual wages.",
            [("injury_compensation.death_lump_sum", "=", 10, "annual_wage", None)],
        ),
        (
            "In case of disability of group III, a lump sum of three annual earnings shall be paid.",
            [("injury_compensation.disability_lump_sum", "=", 3, "annual_wage", "disability group 3")],
        ),
        (
            "Severance pay shall be not less than one average monthly wage.",
            [("job_security.severance", ">=", 1, "monthly_wage", None)],
        ),
        (
            "Notice of dismissal shall be given at least 30 days in advance.",
            [("job_security.notice", ">=", 30, "days", None)],
        ),
        (
            "Employees shall receive a recovery allowance of not less than the minimum wage.",
            [("social_benefits.recovery_allowance", ">=", 1, "minimum_wage", None)],
        ),
        (
            "Material aid of 100,000 tenge is paid on the birth of a child.",
            [("social_benefits.material_aid", "=", 100000, "kzt", "birth of a child")],
        ),
        (
            "Material aid equal to 20 MCI is paid on the death of a close relative.",
            [("social_benefits.material_aid", "=", 20, "mci", "death of a close relative")],
        ),
        (
            "The employer shall pay an allowance of up to 24% for work in hazardous conditions.",
            [("hazard_pay.allowance", "<=", 24, "percent", "harmful working conditions")],
        ),
        (
            "Technical inspectors of labour protection shall be paid a monthly additional payment of "
            "not less than one minimum wage.",
            [("technical_inspector.additional_pay", ">=", 1, "minimum_wage", None)],
        ),
    ],
)
def test_norms_english(nlps, text, expected):
    assert _tuples(_norms(nlps, "en", text)._.kel_norms) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Работодатель выплачивает единовременную компенсацию в случае смерти работника в размере "
            "десятикратного годового заработка",
            [("injury_compensation.death_lump_sum", "=", 10, "annual_wage", None)],
        ),
        (
            "продолжительность рабочего времени не более 40 часов в неделю",
            [("working_time.weekly_hours", "<=", 40, "hours", None)],
        ),
        (
            "Нормальная продолжительность рабочего времени не может превышать 40 часов в неделю.",
            [("working_time.weekly_hours", "<=", 40, "hours", None)],
        ),
        (
            "Индексация заработной платы производится ежегодно не ниже уровня инфляции.",
            [("wage_indexation.rate", ">=", 1, "inflation", None)],
        ),
        (
            "Заработная плата выплачивается не реже двух раз в месяц.",
            [("wage_payment.frequency", ">=", 2, "times_per_month", None)],
        ),
        (
            "Сверхурочная работа оплачивается не менее чем в полуторном размере часовой ставки.",
            [("premium_pay.overtime", ">=", 1.5, "rate_multiple", None)],
        ),
        (
            "Работа в выходные и праздничные дни оплачивается в двойном размере.",
            [("premium_pay.holiday", "=", 2, "rate_multiple", None)],
        ),
        (
            "Оплата сверхурочной работы производится в размере 150 процентов.",
            [("premium_pay.overtime", "=", 1.5, "rate_multiple", None)],
        ),
        (
            "Тарифная ставка первого разряда устанавливается не ниже 1,5 МЗП.",
            [("minimum_pay.floor", ">=", 1.5, "minimum_wage", None)],
        ),
        (
            "Работникам, занятым на работах с вредными условиями труда, предоставляется дополнительный "
            "оплачиваемый отпуск не менее 6 календарных дней.",
            [("annual_leave.additional_days", ">=", 6, "calendar_days", "harmful working conditions")],
        ),
        (
            "При расторжении трудового договора в связи с сокращением численности работников Работодатель "
            "выплачивает выходное пособие в размере трёх среднемесячных заработных плат.",
            [("job_security.severance", "=", 3, "monthly_wage", None)],
        ),
        (
            "Работодатель предупреждает работника о предстоящем увольнении не менее чем за 30 дней.",
            [("job_security.notice", ">=", 30, "days", None)],
        ),
        (
            "К ежегодному отпуску выплачивается пособие на оздоровление в размере одного должностного оклада.",
            [("social_benefits.recovery_allowance", "=", 1, "official_salary", None)],
        ),
        (
            "При рождении ребёнка работнику оказывается материальная помощь в размере 50 МРП.",
            [("social_benefits.material_aid", "=", 50, "mci", "birth of a child")],
        ),
        (
            "Размер единовременной материальной помощи на погребение составляет 100 000 тенге.",
            [("social_benefits.material_aid", "=", 100000, "kzt", None)],
        ),
        (
            "В случае установления инвалидности I или II группы выплачивается единовременное пособие в "
            "размере пятикратного годового заработка.",
            [("injury_compensation.disability_lump_sum", "=", 5, "annual_wage", "disability group 1 or 2")],
        ),
        (
            "Работникам со стажем работы свыше 5 лет пособие по временной нетрудоспособности выплачивается "
            "в размере 100 процентов среднемесячного заработка.",
            [("injury_compensation.temporary_disability", "=", 100, "percent", "seniority of more than 5 years")],
        ),
        (
            "Работникам, занятым на работах с вредными условиями труда, устанавливается доплата в размере "
            "12% тарифной ставки.",
            [("hazard_pay.allowance", "=", 12, "percent", "harmful working conditions")],
        ),
        (
            "Матерям, находящимся в отпуске по уходу за ребенком до трёх лет, выплачивается пособие в "
            "размере 30 процентов среднемесячной заработной платы.",
            [("family_maternity.childcare_leave", "=", 30, "percent", "children under 3 years of age")],
        ),
        (
            "Техническим инспекторам труда выплачивается ежемесячная доплата в размере не менее одной "
            "минимальной заработной платы.",
            [("technical_inspector.additional_pay", ">=", 1, "minimum_wage", None)],
        ),
    ],
)
def test_norms_russian(nlps, text, expected):
    assert _tuples(_norms(nlps, "ru", text)._.kel_norms) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "Work in conditions deviating from normal shall be paid at increased rates of not less than:\n"
            "a) one and a half (1.5) times the hourly tariff rate for each hour of overtime work;\n"
            "b) 1.5 times the hourly tariff rate for each hour of night work from 22:00 to 06:00;\n"
            "c) double the daily tariff rate for work on public holidays and days off.",
            [
                ("premium_pay.overtime", ">=", 1.5, "rate_multiple", None),
                ("premium_pay.night", ">=", 1.5, "rate_multiple", None),
                ("premium_pay.holiday", ">=", 2, "rate_multiple", None),
            ],
        ),
        (
            "en",
            "Overtime work shall be paid at not less than double the hourly rate, night work at not less than "
            "1.5 times the hourly rate, and work on days off at not less than double the daily rate.",
            [
                ("premium_pay.overtime", ">=", 2, "rate_multiple", None),
                ("premium_pay.night", ">=", 1.5, "rate_multiple", None),
                ("premium_pay.holiday", ">=", 2, "rate_multiple", None),
            ],
        ),
        (
            "en",
            "The normal working time shall not exceed 40 hours a week, and for employees engaged in work with "
            "harmful working conditions 36 hours a week.",
            [
                ("working_time.weekly_hours", "<=", 40, "hours", None),
                ("working_time.weekly_hours", "<=", 36, "hours", "harmful working conditions"),
            ],
        ),
        (
            "en",
            "In case of temporary disability the Employer shall pay so that the employee receives:\n"
            "– 100 percent of the average monthly wage with seniority of five years or more;\n"
            "– 80 percent with seniority of three to five years;\n"
            "– 60 percent with seniority of less than three years.",
            [
                ("injury_compensation.temporary_disability", "=", 100, "percent", "seniority of 5 years or more"),
                ("injury_compensation.temporary_disability", "=", 80, "percent", "seniority of 3 to 5 years"),
                ("injury_compensation.temporary_disability", "=", 60, "percent", "seniority of less than 3 years"),
            ],
        ),
        (
            "ru",
            "Работодатель выплачивает работнику единовременную компенсацию в размере пятикратного годового "
            "заработка при установлении инвалидности I или II группы и в размере двукратного годового "
            "заработка при установлении инвалидности III группы.",
            [
                ("injury_compensation.disability_lump_sum", "=", 5, "annual_wage", "disability group 1 or 2"),
                ("injury_compensation.disability_lump_sum", "=", 2, "annual_wage", "disability group 3"),
            ],
        ),
        (
            "ru",
            "Сверхурочная работа оплачивается не менее чем в полуторном размере, работа в ночное время – не "
            "менее чем в 1,5-кратном размере часовой ставки, работа в выходные и праздничные дни – не менее "
            "чем в двойном размере дневной ставки.",
            [
                ("premium_pay.overtime", ">=", 1.5, "rate_multiple", None),
                ("premium_pay.night", ">=", 1.5, "rate_multiple", None),
                ("premium_pay.holiday", ">=", 2, "rate_multiple", None),
            ],
        ),
    ],
)
def test_norms_several_in_one_clause(nlps, lang, text, expected):
    """Each norm takes the cue and condition of its own item, not its neighbour's."""
    assert _tuples(_norms(nlps, lang, text)._.kel_norms) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "In 2024, the parties signed the agreement in accordance with clause 5.3."),
        ("en", "This Agreement enters into force on 1 January 2024 and is valid until 31 December 2026."),
        ("en", "The bonus may amount to 1.5 times."),
        ("en", "Work shall be paid at increased rates in accordance with clauses 2.4.1 to 2.4.3."),
        ("en", "Overtime work shall not exceed two hours a day and twelve hours a month."),
        ("en", "Vouchers for health resort treatment are provided at a discount of up to 50 percent of their cost."),
        ("en", "Women raising children under fourteen years of age shall be granted one additional day off per month."),
        ("ru", "В соответствии с пунктом 5.3 статьи 12 Трудового кодекса в 2024 году."),
        ("ru", "Работа в ночное время с 22 до 6 часов оплачивается в повышенном размере."),
        ("ru", "Отпуск по беременности и родам предоставляется продолжительностью 126 календарных дней."),
    ],
)
def test_norms_not_from_years_references_or_unmatched_units(nlps, lang, text):
    """Years, dates, clause numbers, a cue with a unit it does not take, and a unit with no cue are no norms."""
    assert _norms(nlps, lang, text)._.kel_norms == []


@pytest.mark.parametrize(
    ("lang", "text", "parameter"),
    [
        ("en", "Employers shall ensure equal pay for work of equal value.", "non_discrimination.equal_pay"),
        (
            "en",
            "The Parties shall not allow the reduction of wages, benefits and guarantees established earlier.",
            "non_regression.guarantee",
        ),
        (
            "en",
            "The Employer shall organise, at its own expense, periodic medical examinations of employees.",
            "safety_guarantees.medical_examinations",
        ),
        (
            "en",
            "A production council for safety and occupational health shall be established at the Company.",
            "safety_guarantees.safety_council",
        ),
        (
            "en",
            "The Employer shall provide employees free of charge with personal protective equipment.",
            "safety_guarantees.ppe",
        ),
        (
            "en",
            "Employers shall transfer the membership dues of union members monthly and free of charge.",
            "union_rights.dues_checkoff",
        ),
        ("ru", "Стороны не допускают снижения ранее достигнутых гарантий.", "non_regression.guarantee"),
        (
            "ru",
            "Работодатель организует проведение обязательных медицинских осмотров за счёт собственных средств.",
            "safety_guarantees.medical_examinations",
        ),
        (
            "ru",
            "Работодатель обеспечивает работников средствами индивидуальной защиты и спецодеждой.",
            "safety_guarantees.ppe",
        ),
        (
            "ru",
            "Работодатель ежемесячно удерживает и перечисляет членские профсоюзные взносы на счёт профсоюза.",
            "union_rights.dues_checkoff",
        ),
        (
            "ru",
            "Работодатели обеспечивают равную оплату за труд равной ценности без какой-либо дискриминации.",
            "non_discrimination.equal_pay",
        ),
    ],
)
def test_norms_flags_when_granted(nlps, lang, text, parameter):
    assert _tuples(_norms(nlps, lang, text)._.kel_norms) == [(parameter, "=", 1, "flag", None)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The Parties recommend that employers provide special clothing to employees."),
        ("en", "The Employer may, where possible, organise medical examinations."),
        ("ru", "Стороны рекомендуют работодателям проводить медицинские осмотры."),
        ("ru", "При наличии финансовых средств Работодатель обеспечивает работников спецодеждой."),
    ],
)
def test_norms_flags_not_from_mere_mentions(nlps, lang, text):
    assert _norms(nlps, lang, text)._.kel_norms == []


def test_norms_text_and_evidence_are_the_exact_words(nlps):
    text = "Employees shall be granted annual paid labour leave of not less than 24 calendar days."
    doc = _norms(nlps, "en", text)
    (norm,) = doc._.kel_norms
    (evidence,) = doc._.kel_evidence
    assert norm.text == "not less than 24 calendar days"
    assert isinstance(evidence, Evidence)
    assert (evidence.kind, evidence.label, evidence.text) == ("norm", "annual_leave.days", norm.text)
    assert text[evidence.start : evidence.end] == norm.text
    assert evidence.rule


def test_norms_append_to_existing_evidence(nlps):
    """Evidence of earlier components (topics, modality) is kept, norms are added after it."""
    doc = nlps["en"].make_doc("Severance pay shall be two average monthly wages.")
    earlier = Evidence(kind="topic", label="job_security", text="Severance", start=0, end=9)
    doc._.kel_lang = "en"
    doc._.kel_evidence = [earlier]
    doc = nlps["en"](doc)
    assert doc._.kel_evidence[0] == earlier
    assert [e.label for e in doc._.kel_evidence[1:]] == ["job_security.severance"]


def test_norms_clause_language_overrides_pipeline(nlps):
    """A Russian clause run through the English pipeline is read with the Russian vocabulary."""
    doc = _norms(nlps, "en", "")  # warm-up: an empty clause has no norms
    assert doc._.kel_norms == []
    doc = nlps["en"].make_doc("Заработная плата выплачивается не реже двух раз в месяц.")
    doc._.kel_lang = "ru"
    assert _tuples(nlps["en"](doc)._.kel_norms) == [("wage_payment.frequency", ">=", 2, "times_per_month", None)]


def test_norms_heading_is_a_fallback_cue(nlps):
    doc = _norms(nlps, "en", "Each hour is paid at 1.5 times the hourly rate.", heading="Night work")
    assert _tuples(doc._.kel_norms) == [("premium_pay.night", "=", 1.5, "rate_multiple", None)]
    assert _norms(nlps, "en", "Each hour is paid at 1.5 times the hourly rate.")._.kel_norms == []


def _table_doc(nlps, lang, text):
    doc = nlps[lang].make_doc(text)
    doc._.kel_lang = lang
    return doc


@pytest.mark.parametrize(
    ("lang", "text", "rows", "expected"),
    [
        (
            "en",
            "Employees shall be granted additional paid leave for continuous service in accordance with the table.",
            (
                ("Continuous service with the Company", "Additional leave"),
                ("from 3 to 5 years", "2 calendar days"),
                ("from 5 to 10 years", "4 calendar days"),
                ("over 10 years", "6 calendar days"),
            ),
            [
                ("annual_leave.additional_days", "=", 2, "calendar_days", "seniority of 3 to 5 years"),
                ("annual_leave.additional_days", "=", 4, "calendar_days", "seniority of 5 to 10 years"),
                ("annual_leave.additional_days", "=", 6, "calendar_days", "seniority of more than 10 years"),
            ],
        ),
        (
            "ru",
            "Дополнительный отпуск за непрерывный стаж работы предоставляется согласно таблице.",
            (("Стаж", "Дополнительный отпуск, календарных дней"), ("до 3 лет", "1"), ("3 года и более", "3")),
            [
                ("annual_leave.additional_days", "=", 1, "calendar_days", "seniority of less than 3 years"),
                ("annual_leave.additional_days", "=", 3, "calendar_days", "seniority of 3 years or more"),
            ],
        ),
        (
            "ru",
            "Работникам, занятым на работах с вредными и (или) опасными условиями труда, устанавливаются "
            "доплаты в размерах не ниже указанных в таблице.",
            (
                ("Условия труда", "Размер доплаты"),
                ("Вредные условия труда", "не менее 12 % должностного оклада"),
                ("Особо вредные условия труда", "не менее 24 % должностного оклада"),
            ),
            [
                ("hazard_pay.allowance", ">=", 12, "percent", "harmful working conditions"),
                ("hazard_pay.allowance", ">=", 24, "percent", "particularly harmful working conditions"),
            ],
        ),
        (
            "en",
            "The tariff rates of the grades are determined by the tariff coefficients given in the table below.",
            (("Grade", "Tariff coefficient"), ("1", "1.00"), ("2", "1.14")),
            [],
        ),
    ],
)
def test_table_norms(nlps, lang, text, rows, expected):
    norms, evidence = table_norms([Table(rows=rows)], _table_doc(nlps, lang, text))
    assert all(isinstance(n, Norm) for n in norms)
    assert _tuples(norms) == expected
    assert [e.where for e in evidence] == ["table"] * len(expected)


def test_table_norms_evidence_points_into_the_row(nlps):
    rows = (("Continuous service", "Additional leave"), ("over 10 years", "6 calendar days"))
    doc = _table_doc(nlps, "en", "Additional paid leave for continuous service is granted as follows.")
    _, (evidence,) = table_norms([Table(rows=rows)], doc)
    row_text = " | ".join(rows[1])
    assert row_text[evidence.start : evidence.end] == "6 calendar days" == evidence.text


def test_a_clauses_table_norms_come_from_the_kel_norms_component():
    """kel_norms reads the clause's tables too: disabled, the clause has no norm at all, text or table."""
    from extractors import annotate_clauses
    from extractors.pipeline import get_nlp
    from schemas import Clause

    rows = (("Continuous service", "Additional leave"), ("over 10 years", "6 calendar days"))
    clause = Clause(
        id="c",
        number="5.2",
        text="Employees shall be granted additional paid leave of 3 calendar days, and for continuous service as follows.",
        tables=(Table(rows=rows),),
    )
    (annotated,) = annotate_clauses([clause], "en")
    assert [(n.value, n.unit) for n in annotated.norms] == [(3, "calendar_days"), (6, "calendar_days")]
    assert [e.where for e in annotated.evidence if e.kind == "norm"] == ["text", "table"]
    with get_nlp("en").select_pipes(disable=["kel_norms"]):
        (bare,) = annotate_clauses([clause], "en")
    assert bare.norms == () and not [e for e in bare.evidence if e.kind == "norm"]
    assert bare.topics == annotated.topics and bare.modality == annotated.modality


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_clauses_measures_share_one_reading_of_its_words_without_changing_a_parameter(lang):
    """``_Words`` works out once per clause what ``_parameter_for`` used to work out per measure."""
    from gold_clauses import gold_clauses

    from extractors import norms, units

    vocab = norms._vocabulary(lang)
    compared = 0
    for document, _, c in gold_clauses(lang):
        text, heading = c["text"], units.fold(c.get("heading") or "")
        folded = units.fold(text)
        segments = norms._segments(folded)
        measures = norms._measures(text, folded, lang, segments, vocab)
        spans = [(m.start, m.end) for m in measures]
        words = norms._Words(folded, heading, vocab)
        for text_of, on_heading in ((folded, False), (heading, True)):  # the live cues are those each screen allows
            assert words.live_cues(vocab.parameters, heading=on_heading) == [
                (p, cue) for p in vocab.parameters for cue in p.cues if cue.pattern.possible(text_of)
            ], (document, c["number"])
        for m in measures:
            shared = norms._parameter_for(m, folded, segments, heading, c.get("topics") or (), vocab, spans, words)
            alone = norms._parameter_for(m, folded, segments, heading, c.get("topics") or (), vocab, spans)
            assert shared == alone, (document, c["number"], m)
            compared += shared is not None
    assert compared > 30


def _unit_after_every_pattern(text: str, pos: int, lang: str, only=None):
    """``units.unit_after`` the plain way: every pattern of the vocabulary tried in turn, no screen."""
    from extractors import units

    folded, best = units.fold(text), None
    for unit, rule, pattern in units._lexicon(lang).after:
        if only is not None and unit not in only:
            continue
        m = pattern.match(folded, pos)
        if m is None or m.end() == m.start():
            continue
        start = pos + (len(m.group(0)) - len(m.group(0).lstrip()))
        if best is None or m.end() > best.end:
            best = units.UnitMatch(unit, start, m.end(), text[start : m.end()], rule)
    return best


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_unit_after_a_quantity_is_the_plain_reading_at_every_position_of_every_gold_clause(lang):
    """The per-unit screens of ``unit_after`` skip patterns, never a unit."""
    from gold_clauses import gold_clauses

    from extractors import units

    found = 0
    implied = units.implied_after_comparator(lang)
    ruled_out = 0
    for _, _, c in gold_clauses(lang):
        text = c["text"]
        may_stand = units.may_stand_in(text, lang, implied)
        ruled_out += not may_stand
        for pos in range(len(text)):
            for only in (None, {"percent"}, {"kzt"}, extractors.norms._MULTIPLE_UNITS, implied):
                expected = _unit_after_every_pattern(text, pos, lang, only)
                assert units.unit_after(text, pos, lang, only) == expected, (text[pos : pos + 30], only)
                found += expected is not None
                # a clause whose words rule the implied units out has none of them anywhere
                assert may_stand or only is not implied or expected is None, (text[pos : pos + 30], only)
    assert found > 100 and ruled_out > 10


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=".;:,!?\n \tAaБб1)(-–«\"•", max_size=25))
def test_property_breaks_are_those_finditer_finds(text):
    from extractors.norms import _BREAK, _break_ends

    assert _break_ends(text) == [m.end() for m in _BREAK.finditer(text)]

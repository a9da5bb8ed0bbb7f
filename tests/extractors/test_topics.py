"""Topics on the real pipelines: phrasings per topic, inflected forms, heading context, evidence."""

from __future__ import annotations

import pytest

from extractors import read
from extractors.extensions import get


def _doc(lang: str, text: str, heading: str | None = None):
    return read(text, lang, heading=heading)


def _topics(lang: str, text: str, heading: str | None = None) -> set[str]:
    return set(get(_doc(lang, text, heading), "kel_topics") or ())


def _evidence(doc):
    return [e for e in get(doc, "kel_evidence") if e.kind == "topic"]


EN = [
    ("wage_indexation", "The Employer shall index wages annually not lower than the official inflation rate."),
    ("wage_indexation", "Wages shall be indexed at least once a year."),
    ("wage_indexation", "Wages are raised in line with the consumer price index."),
    ("minimum_pay", "The tariff rate of a worker of the first grade shall not be lower than 1.2 minimum wages."),
    ("minimum_pay", "No employee shall be paid less than the minimum wage."),
    ("wage_payment", "Wages are paid twice a month, on the 5th and the 20th."),
    ("wage_payment", "Delays in payment of wages are compensated by the Employer."),
    ("premium_pay", "Overtime work is paid at not less than double rate."),
    ("premium_pay", "Work at night is paid at an increased rate."),
    ("hazard_pay", "Employees engaged in harmful working conditions receive an allowance of 12% of the tariff rate."),
    ("hazard_pay", "Workers in hazardous conditions are given milk free of charge."),
    ("safety_guarantees", "The Employer shall provide personal protective equipment free of charge."),
    ("safety_guarantees", "The Employer shall ensure safe working conditions at every workplace."),
    ("safety_guarantees", "The Employer shall organise periodic medical examinations."),
    (
        "injury_compensation",
        "In case of the death of an employee as a result of an industrial accident, the Employer shall pay "
        "a lump sum of ten annual wages.",
    ),
    ("injury_compensation", "A lump sum of ten annual wages is paid in case of death due to an accident at work."),
    ("injury_compensation", "The Employer shall pay compensation for harm to the health of an employee."),
    ("injury_compensation", "The Employer compensates harm caused to the health of an employee at work."),
    ("family_maternity", "Women with children under three years of age may not be sent on business trips."),
    ("working_time", "The normal working time shall not exceed 40 hours per week."),
    ("annual_leave", "Employees are granted annual paid leave of 30 calendar days."),
    ("annual_leave", "Employees working underground are granted additional leave of 6 calendar days."),
    ("job_security", "Redundancy shall be notified to the trade union three months in advance."),
    ("job_security", "Severance pay of two average monthly wages is paid on dismissal."),
    ("training", "The Employer shall organise vocational training and retraining of employees."),
    ("social_benefits", "Employees are paid material aid on their wedding."),
    ("union_rights", "The Employer shall transfer union dues to the account of the trade union."),
    ("dispute_resolution", "Labour disputes are resolved by a conciliation commission."),
    ("non_regression", "Guarantees established earlier shall not be reduced."),
    ("youth", "The Employer shall support young workers and appoint mentors."),
    ("non_discrimination", "There shall be no discrimination in pay between foreign and domestic employees."),
]

RU = [
    ("wage_indexation", "Работодатель обязуется производить индексацию заработной платы не ниже уровня инфляции."),
    ("wage_indexation", "Заработная плата индексируется ежегодно с учетом роста потребительских цен."),
    ("wage_indexation", "Работодатель обеспечивает повышение заработной платы не реже одного раза в год."),
    ("minimum_pay", "Тарифная ставка рабочего первого разряда устанавливается не ниже 1,2 МЗП."),
    ("minimum_pay", "Минимальный размер тарифной ставки не может быть ниже минимальной заработной платы."),
    ("wage_payment", "Выплата заработной платы производится не реже двух раз в месяц."),
    ("wage_payment", "Заработная плата выплачивается 5 и 20 числа каждого месяца."),
    ("premium_pay", "Сверхурочная работа оплачивается в полуторном размере."),
    ("premium_pay", "Работа в выходные и праздничные дни оплачивается в двойном размере."),
    (
        "hazard_pay",
        "Работникам, занятым на работах с вредными условиями труда, устанавливается доплата в размере 12% тарифной ставки.",
    ),
    ("safety_guarantees", "Работодатель обеспечивает работников средствами индивидуальной защиты."),
    ("safety_guarantees", "Работодатель создает производственный совет по безопасности и охране труда."),
    ("safety_guarantees", "Работодатель проводит периодические медицинские осмотры работников."),
    (
        "injury_compensation",
        "В случае смерти работника в результате несчастного случая на производстве семье выплачивается "
        "единовременное пособие в размере десятикратного годового заработка.",
    ),
    ("injury_compensation", "Работодатель возмещает вред, причиненный здоровью работника."),
    ("family_maternity", "Женщинам, имеющим детей до трёх лет, предоставляется дополнительный день отдыха."),
    ("working_time", "Нормальная продолжительность рабочего времени не может превышать 40 часов в неделю."),
    (
        "annual_leave",
        "Работникам предоставляется ежегодный оплачиваемый трудовой отпуск продолжительностью 30 календарных дней.",
    ),
    ("annual_leave", "Продолжительность ежегодного оплачиваемого отпуска составляет 24 календарных дня."),
    ("job_security", "При сокращении численности работников работодатель выплачивает выходное пособие."),
    ("job_security", "Работодатель не допускает массового высвобождения работников."),
    ("training", "Работодатель организует профессиональную подготовку и переподготовку работников."),
    ("training", "Работодатель обеспечивает повышение квалификации работников за счет собственных средств."),
    ("social_benefits", "Работникам выплачивается материальная помощь на оздоровление."),
    ("union_rights", "Работодатель перечисляет членские профсоюзные взносы на счёт профсоюза."),
    ("dispute_resolution", "Трудовые споры рассматриваются согласительной комиссией."),
    ("non_regression", "Не допускается снижение ранее достигнутых гарантий."),
    ("youth", "Работодатель закрепляет наставников за молодыми специалистами."),
    ("non_discrimination", "Работодатель обеспечивает равную оплату за труд равной ценности."),
    ("non_discrimination", "Не допускается дискриминация работников по признаку пола, возраста и национальности."),
]


@pytest.mark.parametrize(("topic", "text"), EN, ids=[f"en-{t}-{i}" for i, (t, _) in enumerate(EN)])
def test_english_phrasings_get_exactly_their_topic(topic, text):
    assert _topics("en", text) == {topic}


@pytest.mark.parametrize(("topic", "text"), RU, ids=[f"ru-{t}-{i}" for i, (t, _) in enumerate(RU)])
def test_russian_phrasings_get_exactly_their_topic(topic, text):
    assert _topics("ru", text) == {topic}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # inflected forms: the pattern stems see every case, not only the nominative
        ("индексации заработной платы", "wage_indexation"),
        ("об индексации заработной платы работников", "wage_indexation"),
        ("ежегодного оплачиваемого отпуска", "annual_leave"),
        ("ежегодным оплачиваемым отпуском", "annual_leave"),
        ("в ежегодном оплачиваемом отпуске", "annual_leave"),
        ("средствами индивидуальной защиты", "safety_guarantees"),
        ("средств индивидуальной защиты", "safety_guarantees"),
        ("по охране труда", "safety_guarantees"),
        ("профсоюзных взносов", "union_rights"),
        ("трудовых споров", "dispute_resolution"),
        ("молодым специалистам", "youth"),
        ("беременным женщинам", "family_maternity"),
        ("материальной помощи", "social_benefits"),
        ("выходного пособия", "job_security"),
    ],
)
def test_russian_inflected_forms(text, topic):
    assert topic in _topics("ru", f"Работодатель обязуется выполнять обязательства в части {text}.")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "This Agreement applies to all employees of the Company."),
        ("en", "This Agreement enters into force on 1 January 2024."),
        ("ru", "Настоящий коллективный договор вступает в силу со дня подписания."),
        ("ru", "Действие договора распространяется на всех работников Товарищества."),
    ],
)
def test_scope_and_entry_into_force_have_no_topic(lang, text):
    assert _topics(lang, text) == set()


# --------------------------------------------------------------------------- heading context


@pytest.mark.parametrize(
    ("lang", "text", "heading", "topic"),
    [
        ("en", "The Employer shall eliminate every hazard in the workshop.", "Occupational Safety and Health", "safety_guarantees"),
        ("en", "Employees are entitled to 2 days of rest.", "Annual Leave", None),
        ("en", "The leave may be divided into parts.", "Annual Leave", "annual_leave"),
        ("ru", "Работодатель принимает меры по снижению травматизма.", "Безопасность и охрана труда", "safety_guarantees"),
    ],
)
def test_weak_word_under_matching_heading_gets_the_heading_topic(lang, text, heading, topic):
    if topic is None:  # no weak word of the heading's topic: the heading adds nothing
        assert _topics(lang, text, heading) == set()
        return
    assert _topics(lang, text) == set(), "a weak word alone is no topic"
    doc = _doc(lang, text, heading)
    assert get(doc, "kel_topics") == [topic]
    heading_evidence = [e for e in get(doc, "kel_evidence") if e.kind == "topic" and e.where == "heading"]
    assert heading_evidence and all(e.label == topic for e in heading_evidence)
    assert all(heading[e.start : e.end] == e.text for e in heading_evidence)


@pytest.mark.parametrize(
    ("lang", "text", "heading", "expected"),
    [
        (
            "en",
            "The Employer shall eliminate every hazard in the workshop and pay wages twice a month.",
            "Occupational Safety and Health",
            {"wage_payment"},
        ),
        (
            "ru",
            "Отпуск может быть разделён на части, а заработная плата выплачивается до начала отпуска.",
            "Ежегодный оплачиваемый отпуск",
            {"annual_leave", "wage_payment"},  # «Отпуск» is a head term: the clause is about leave too
        ),
    ],
)
def test_clause_naming_another_topic_is_left_alone(lang, text, heading, expected):
    assert _topics(lang, text, heading) == expected


@pytest.mark.parametrize(
    ("lang", "text", "heading"),
    [
        ("en", "This Agreement enters into force on the date of signing.", "Labour Disputes and Final Provisions"),
        ("en", "This Agreement is made in two copies of equal legal force.", "Labour Disputes and Final Provisions"),
        ("ru", "Настоящее Соглашение вступает в силу со дня подписания.", "Трудовые споры и заключительные положения"),
    ],
)
def test_final_provisions_under_a_disputes_heading_are_not_disputes(lang, text, heading):
    assert "dispute_resolution" not in _topics(lang, text, heading)


def test_heading_topic_the_clause_already_has_is_reinforcing_evidence():
    heading = "Labour Disputes and Final Provisions"
    doc = _doc("en", "Individual labour disputes are considered by the conciliation commission.", heading)
    assert get(doc, "kel_topics") == ["dispute_resolution"]
    where = {e.where for e in get(doc, "kel_evidence") if e.kind == "topic"}
    assert where == {"text", "heading"}


# --------------------------------------------------------------------------- most specific phrase


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # "one minimum wage" is the unit of an amount, not a pay floor (the data's ``none`` masks)
        (
            "en",
            "Technical inspectors of labour protection receive monthly additional pay of not less than "
            "one minimum wage.",
            {"technical_inspector"},
        ),
        ("en", "The technical inspector of labour protection is released from work for his duties.", {"technical_inspector"}),
        ("ru", "Технический инспектор по охране труда получает доплату в размере одной МЗП.", {"technical_inspector"}),
        ("ru", "Доплата устанавливается в размере одной минимальной заработной платы.", set()),
        ("ru", "Доплата устанавливается в размере двух МЗП.", set()),
        ("en", "A bonus of 2 MCI is paid.", set()),
        # without the amount, "minimum wage" is a pay floor
        ("en", "The minimum wage is set by law.", {"minimum_pay"}),
        ("ru", "Минимальная заработная плата устанавливается законом.", {"minimum_pay"}),
        # a cue in the middle of a longer phrase of another topic stands
        ("en", "The Employer shall not engage pregnant women in night work.", {"family_maternity", "working_time"}),
    ],
)
def test_most_specific_phrase_wins(lang, text, expected):
    assert _topics(lang, text) == expected


# --------------------------------------------------------------------------- evidence


@pytest.mark.parametrize(
    ("lang", "text", "heading"),
    [(lang, text, None) for lang, rows in (("en", EN), ("ru", RU)) for _, text in rows]
    + [
        ("en", "The Employer shall eliminate every hazard in the workshop.", "Occupational Safety and Health"),
        ("ru", "Отпуск может быть разделён на части по соглашению сторон.", "Ежегодный оплачиваемый отпуск"),
        ("en", "Disputes are considered by the conciliation commission.", "Labour Disputes and Final Provisions"),
    ],
)
def test_every_topic_has_exact_evidence_naming_its_rule(lang, text, heading):
    doc = _doc(lang, text, heading)
    evidence = [e for e in get(doc, "kel_evidence") if e.kind == "topic"]
    assert get(doc, "kel_topics")
    for topic in get(doc, "kel_topics"):
        assert any(e.label == topic for e in evidence), topic
    for e in evidence:
        assert e.label in get(doc, "kel_topics")
        source = heading if e.where == "heading" else text
        assert e.where in ("text", "heading")
        assert source[e.start : e.end] == e.text
        assert e.text.strip()
        assert e.rule and e.label in e.rule


# --------------------------------------------------------------------------- Kazakh


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Жұмыс беруші жалақыны айына кемінде екі рет төлейді.", "wage_payment"),
        ("Қызметкерлерге күнтізбелік 24 күн жыл сайынғы ақы төленетін еңбек демалысы беріледі.", "annual_leave"),
    ],
    ids=["kk-wages", "kk-leave"],
)
def test_topics_kazakh_clause_gets_its_topic_and_modality(text, topic):
    doc = _doc("kk", text)
    assert get(doc, "kel_topics") == [topic]
    assert get(doc, "kel_modality") == "obligation"


def test_a_kazakh_pair_named_by_its_first_phrase():
    """«Кәсіподаққа ... хабарлайды»: the union comes first and the verb, also the notice's cue, last; the
    pair counted only its second phrase, which the notice had taken, and the union was lost."""
    from extractors import read
    from extractors.extensions import get

    doc = read("Жұмыс беруші штатты қысқарту туралы кәсіподаққа кемінде үш ай бұрын хабарлайды.", "kk")
    assert sorted(get(doc, "kel_topics")) == ["job_security", "union_rights"]


# ---------------------------------------------------------------- the union by its own name


@pytest.mark.parametrize(("parties", "lang", "names"), [
    (("County of Orange", "Orange County Employees Association as the Exclusively Recognized Employee Organization"), "en", {"ocea"}),
    (("Association of Oregon Corrections Employees", "State of Oregon"), "en", {"aoc", "aoce"}),
    (("Первичная профсоюзная организация РОСПРОФЖЕЛ ООО «ТМХ-Сервис»",), "ru", {"ппо", "роспрофжел"}),
    (("ТОО «Казметалл»", "Профсоюзный комитет ТОО «Казметалл»"), "ru", set()),
    (("County of Orange", "State of Oregon"), "en", set()),
])
def test_union_names_are_the_abbreviations_of_the_party_that_is_a_union(parties, lang, names):
    from extractors import union_names

    got = union_names(parties, lang)
    assert names <= got
    assert not got & {"ооо", "тмх", "тоо", "county", "state"}  # the employer's words are never the union's


def test_a_clause_naming_the_union_by_its_acronym_is_about_the_union():
    from extractors import annotate
    from schemas import Agreement, Clause, Source

    clause = Clause(id="c", number="1", text="Once each quarter the County shall provide OCEA with a listing of all current employees in this Unit.")
    source = Source(path="x.pdf", sha256="0" * 64, format="pdf")
    unnamed = annotate(Agreement(id="a", source=source, language="en", clauses=(clause,)))
    named = annotate(Agreement(id="a", source=source, language="en", clauses=(clause,),
                               parties=("County of Orange", "Orange County Employees Association")))
    assert "union_rights" not in unnamed.clauses[0].topics
    assert "union_rights" in named.clauses[0].topics
    evidence = [e for e in named.clauses[0].evidence if e.kind == "topic" and e.label == "union_rights"]
    assert any("OCEA" in e.text for e in evidence)  # the lawyer sees the words: "provide OCEA"

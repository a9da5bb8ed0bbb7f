"""Modality: obligation, prohibition, permission, declaration; hedges, negation, lead-ins and evidence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import read
from extractors.extensions import get


def _read(lang: str, text: str, lead_in: str | None = None):
    doc = read(text, lang, lead_in=lead_in)
    return get(doc, "kel_modality"), [e for e in get(doc, "kel_evidence") if e.kind == "modality"]


CASES = [
    # obligation
    ("en", "The Employer shall provide employees with overalls.", "obligation", "shall"),
    ("en", "The Employer must inform the trade union in advance.", "obligation", "must"),
    ("en", "The Employer undertakes to index wages annually.", "obligation", "undertakes"),
    ("en", "The Employer is obliged to pay wages on time.", "obligation", "is obliged"),
    ("en", "The tariff rate shall not be lower than 1.2 minimum wages.", "obligation", "shall not be lower than"),
    ("ru", "Работодатель обязуется обеспечить работников спецодеждой.", "obligation", "обязуется"),
    ("ru", "Работодатель обязан выплачивать заработную плату своевременно.", "obligation", "обязан"),
    ("ru", "Работник должен соблюдать требования охраны труда.", "obligation", "должен"),
    ("ru", "Работодатель гарантирует сохранение рабочих мест.", "obligation", "гарантирует"),
    ("ru", "Тарифная ставка не может быть ниже 1,2 МЗП.", "obligation", "не может быть ниже"),
    # prohibition
    ("en", "The Employer shall not dismiss employees on sick leave.", "prohibition", "shall not"),
    ("en", "Engaging minors in underground work is prohibited.", "prohibition", "is prohibited"),
    ("en", "The Employer may not reduce wages unilaterally.", "prohibition", "may not"),
    ("ru", "Не допускается привлечение беременных женщин к ночной работе.", "prohibition", "Не допускается"),
    ("ru", "Запрещается увольнение работников в период временной нетрудоспособности.", "prohibition", "Запрещается"),
    (
        "ru",
        "Работодатель не вправе изменять условия трудового договора в одностороннем порядке.",
        "prohibition",
        "не вправе",
    ),
    # permission
    ("en", "The Employer may pay an annual bonus.", "permission", "may"),
    ("en", "Employees are entitled to material aid.", "permission", "are entitled"),
    ("en", "Employees have the right to refuse work that threatens their life.", "permission", "have the right"),
    ("ru", "Работодатель вправе устанавливать дополнительные выплаты.", "permission", "вправе"),
    ("ru", "Работник может использовать отпуск по частям.", "permission", "может"),
    ("ru", "Работники имеют право на дополнительный отпуск.", "permission", "имеют право"),
    # declaration
    ("en", "The Parties shall strive to raise real wages.", "declaration", "shall strive"),
    ("en", "The Parties shall promote social partnership.", "declaration", "shall promote"),
    ("en", "The Parties recommend that employers establish youth councils.", "declaration", "recommend"),
    ("en", "The Parties recognise social partnership as the basis of labour relations.", "declaration", "Parties recognise"),
    ("ru", "Стороны стремятся к повышению реальной заработной платы.", "declaration", "стремятся"),
    ("ru", "Стороны содействуют занятости молодежи.", "declaration", "содействуют"),
    ("ru", "Работодателям рекомендуется создавать советы молодежи.", "declaration", "рекомендуется"),
    ("ru", "Стороны признают необходимость развития социального партнерства.", "declaration", "Стороны признают"),
]


@pytest.mark.parametrize(("lang", "text", "modality", "cue"), CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_modality_and_its_cue(lang, text, modality, cue):
    got, cues = _read(lang, text)
    assert got == modality
    first = cues[0]
    # the evidence is the cue's words, at their place in the text
    assert first.text in cue or cue in first.text
    assert text[first.start : first.end] == first.text
    assert first.label == modality


HEDGED = [
    (
        "en",
        "Subject to the financial capacity of the Employer, the Employer shall pay a recovery allowance.",
        "shall",
        "Subject to the financial capacity",
    ),
    ("en", "Where possible, the Employer shall provide housing to young specialists.", "shall", "Where possible"),
    ("en", "The Employer shall pay a bonus, subject to the availability of funds.", "shall", "subject to the availability of funds"),
    ("en", "The Employer undertakes, as far as possible, to provide vouchers.", "undertakes", "as far as possible"),
    ("ru", "По возможности работодатель обеспечивает работников жильем.", "обеспечивает", "По возможности"),
    (
        "ru",
        "При наличии финансовых средств работодатель выплачивает материальную помощь.",
        "выплачивает",
        "При наличии финансовых средств",
    ),
    (
        "ru",
        "Работодатель обязуется при наличии финансовых средств выплачивать премию.",
        "обязуется",
        "при наличии финансовых средств",
    ),
]


@pytest.mark.parametrize(("lang", "text", "duty", "hedge"), HEDGED, ids=[f"{h[0]}-{i}" for i, h in enumerate(HEDGED)])
def test_hedge_turns_obligation_into_permission(lang, text, duty, hedge):
    got, cues = _read(lang, text)
    assert got == "permission"
    assert [e.rule for e in cues] == ["obligation cue", "hedge cue"]
    assert cues[0].text == duty
    assert cues[1].text in hedge
    assert all(text[e.start : e.end] == e.text for e in cues)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The Employer shall pay a bonus, subject to the availability of funds."),
        ("ru", "Работодатель обязуется при наличии финансовых средств выплачивать премию."),
    ],
)
def test_same_duty_without_hedge_is_obligation(lang, text):
    bare = text.replace(", subject to the availability of funds", "").replace(" при наличии финансовых средств", "")
    assert bare != text
    assert _read(lang, bare)[0] == "obligation"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The Employer shall pay overtime at double rate upon written application of the employee."),
        ("ru", "При наличии письменного заявления работника работодатель предоставляет отпуск без сохранения заработной платы."),
    ],
)
def test_a_condition_of_application_is_not_a_hedge(lang, text):
    assert _read(lang, text)[0] == "obligation"


def test_hedge_weakens_a_prohibition_too():
    # "where possible, shall not" is no longer a ban: a version that adds the hedge lowers the guarantee
    assert _read("en", "The Employer shall not engage employees in overtime work.")[0] == "prohibition"
    assert _read("en", "Where possible, the Employer shall not engage employees in overtime work.")[0] == "permission"


@pytest.mark.parametrize(
    ("lang", "positive", "negative"),
    [
        ("en", "The Employer shall dismiss the employee.", "The Employer shall not dismiss the employee."),
        ("en", "Employees must work overtime.", "Employees must not work overtime."),
        ("ru", "Допускается привлечение работников к сверхурочной работе.", "Не допускается привлечение работников к сверхурочной работе."),
        ("ru", "Работодатель вправе изменить условия договора.", "Работодатель не вправе изменить условия договора."),
    ],
)
def test_negation_makes_a_prohibition(lang, positive, negative):
    assert _read(lang, positive)[0] in ("obligation", "permission")
    assert _read(lang, negative)[0] == "prohibition"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "This Agreement applies to all employees of the Company."),
        ("en", "This Agreement enters into force on 1 January 2024 and is valid until 31 December 2026."),
        ("ru", "Настоящее Соглашение распространяется на всех работников."),
        ("ru", "Настоящий коллективный договор вступает в силу с 1 января 2025 года."),
    ],
)
def test_clause_binding_nobody_has_no_modality(lang, text):
    assert _read(lang, text)[0] is None


def test_first_operative_cue_decides():
    got, cues = _read("en", "The Employer shall pay wages on time; deductions from wages are not allowed.")
    assert got == "obligation"
    assert cues[0].text == "shall"


@pytest.mark.parametrize(
    ("lang", "lead_in", "item", "modality"),
    [
        ("ru", "Работодатель обязуется:", "предоставлять работникам оплачиваемый отпуск;", "obligation"),
        ("ru", "Работодатель обязуется:", "не допускать задержки выплаты заработной платы;", "obligation"),
        ("ru", "Стороны обязуются:", "содействовать занятости молодежи;", "declaration"),
        ("en", "The Employer undertakes:", "to provide paid leave of 24 calendar days;", "obligation"),
        ("en", "The Employer may:", "pay an annual bonus to employees;", "permission"),
    ],
)
def test_a_list_item_takes_its_lead_in(lang, lead_in, item, modality):
    got, cues = _read(lang, item, lead_in=lead_in)
    assert got == modality
    assert cues


def test_a_participle_describes_it_does_not_bind():
    # «оплачиваемый» is no verb; the sentence binds only by the guarantee it states as a fact
    modality, cues = _read("ru", "Оплачиваемый ежегодный трудовой отпуск продолжительностью 24 календарных дня.")
    assert modality == "obligation"
    assert [(c.text, c.rule) for c in cues] == [("продолжительностью 24 календарных дня", "no modal verb: the clause states a guarantee as a fact")]
    assert _read("ru", "Оплачиваемый ежегодный трудовой отпуск работников.")[0] is None


@pytest.mark.parametrize("lang, text", [
    ("en", "The duration of the basic annual paid leave is thirty (30) calendar days."),
    ("en", "Annual paid leave: 24 calendar days."),
    ("ru", "Продолжительность ежегодного оплачиваемого отпуска 28 календарных дней."),
    ("ru", "Ежегодный оплачиваемый отпуск – 28 календарных дней."),
    ("kk", "Жыл сайынғы ақы төленетін еңбек демалысының ұзақтығы 30 күнтізбелік күн."),
])
def test_a_guarantee_stated_as_a_fact_binds(lang, text):
    modality, cues = _read(lang, text)
    assert modality == "obligation"
    assert cues[0].rule == "no modal verb: the clause states a guarantee as a fact"


@pytest.mark.parametrize("lang, text", [
    ("en", '"Overtime" means hours worked in excess of forty (40) hours per week.'),
    ("ru", "Действие настоящего договора распространяется на работников со стажем более 3 лет."),
])
def test_a_definition_or_scope_with_a_number_still_binds_nobody(lang, text):
    assert _read(lang, text)[0] is None


def test_an_explicit_prohibition_beats_the_generic_verb():
    # «запрещается» is a finite verb too (the generic obligation pattern); the listed word decides
    assert _read("ru", "Запрещается увольнение беременных женщин.")[0] == "prohibition"


def _longest_plainly(cues):
    """``longest_cues`` read the plain way: a cue joins the run when it starts before the furthest end of the run's cues."""
    runs = []
    for c in sorted(cues, key=lambda c: (c.start, c.end)):
        if runs and c.start < max(r.end for r in runs[-1]):
            runs[-1].append(c)
        else:
            runs.append([c])
    return [min(run, key=lambda c: (-(c.end - c.start), c.start, c.id_ == "obligation")) for run in runs]


class _Cue:
    def __init__(self, id_: str, start: int, end: int):
        self.id_, self.start, self.end = id_, start, end

    def __repr__(self):
        return f"_Cue({self.id_!r}, {self.start}, {self.end})"


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda start, length, label: _Cue(label, start, start + length),
            st.integers(0, 10),
            st.integers(1, 4),
            st.sampled_from(["obligation", "prohibition", "permission"]),
        ),
        max_size=8,
    )
)
def test_property_runs_of_overlapping_cues_are_the_plain_reading(cues):
    from extractors.modality import longest_cues

    assert longest_cues(cues) == _longest_plainly(cues)


def test_kazakh_allowed_only_is_a_ban():
    """«... келісімімен ғана жол беріледі» ("allowed only with consent"), like «допускается только»."""
    from extractors import read
    from extractors.extensions import get

    doc = read("Үстеме жұмысқа тартуға қызметкердің жазбаша келісімімен ғана жол беріледі.", "kk")
    assert get(doc, "kel_modality") == "prohibition"

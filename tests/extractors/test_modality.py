"""``kel_modality``: obligation, prohibition, permission, declaration; hedges, negation and evidence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.modality import Cue, modality_decision_v1
from extractors.pipeline import build_nlp


@pytest.fixture(scope="module")
def nlps():
    return {lang: build_nlp(lang, norms=False) for lang in ("en", "ru")}


def _doc(nlps, lang: str, text: str):
    nlp = nlps[lang]
    doc = nlp.make_doc(text)
    doc._.kel_lang = lang
    doc._.kel_evidence = []
    return nlp(doc)


def _cues(doc):
    return [e for e in doc._.kel_evidence if e.kind == "modality"]


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
def test_modality_and_its_cue(nlps, lang, text, modality, cue):
    doc = _doc(nlps, lang, text)
    assert doc._.kel_modality == modality
    cues = _cues(doc)
    assert [e.text for e in cues] == [cue]
    e = cues[0]
    assert e.label == modality
    assert text[e.start : e.end] == cue
    assert e.rule and e.rule.startswith(f"{lang}-{modality}-")


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
def test_hedge_turns_obligation_into_permission(nlps, lang, text, duty, hedge):
    doc = _doc(nlps, lang, text)
    assert doc._.kel_modality == "permission"
    cues = _cues(doc)
    assert [e.text for e in cues] == [duty, hedge]
    assert all(text[e.start : e.end] == e.text for e in cues)
    assert cues[0].rule.startswith(f"{lang}-obligation-")
    assert cues[1].rule.startswith(f"{lang}-hedge-")
    assert {e.label for e in cues} == {"permission"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The Employer shall pay a bonus, subject to the availability of funds."),
        ("ru", "Работодатель обязуется при наличии финансовых средств выплачивать премию."),
    ],
)
def test_same_duty_without_hedge_is_obligation(nlps, lang, text):
    bare = text.replace(", subject to the availability of funds", "").replace(" при наличии финансовых средств", "")
    assert bare != text
    assert _doc(nlps, lang, bare)._.kel_modality == "obligation"


def test_hedge_does_not_weaken_a_prohibition(nlps):
    doc = _doc(nlps, "en", "Where possible, the Employer shall not engage employees in overtime work.")
    assert doc._.kel_modality == "prohibition"


@pytest.mark.parametrize(
    ("lang", "positive", "negative"),
    [
        ("en", "The Employer shall dismiss the employee.", "The Employer shall not dismiss the employee."),
        ("en", "Employees must work overtime.", "Employees must not work overtime."),
        ("ru", "Допускается привлечение работников к сверхурочной работе.", "Не допускается привлечение работников к сверхурочной работе."),
        ("ru", "Работодатель вправе изменить условия договора.", "Работодатель не вправе изменить условия договора."),
    ],
)
def test_negation_makes_a_prohibition(nlps, lang, positive, negative):
    assert _doc(nlps, lang, positive)._.kel_modality in ("obligation", "permission")
    doc = _doc(nlps, lang, negative)
    assert doc._.kel_modality == "prohibition"
    assert _cues(doc)[0].rule.startswith(f"{lang}-prohibition-")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "This Agreement applies to all employees of the Company."),
        ("en", "This Agreement enters into force on 1 January 2024 and is valid until 31 December 2026."),
        ("ru", "Настоящее Соглашение распространяется на всех работников."),
        ("ru", "Настоящий коллективный договор вступает в силу с 1 января 2025 года."),
    ],
)
def test_clause_binding_nobody_has_no_modality(nlps, lang, text):
    doc = _doc(nlps, lang, text)
    assert doc._.kel_modality is None
    assert _cues(doc) == []


def test_first_operative_cue_decides(nlps):
    text = "The Employer shall pay wages on time; deductions from wages are not allowed."
    doc = _doc(nlps, "en", text)
    assert doc._.kel_modality == "obligation"
    assert [e.text for e in _cues(doc)] == ["shall"]


def test_decision_function():
    decide = modality_decision_v1()
    shall = Cue("obligation", 2, 3, "o")
    shall_not = Cue("prohibition", 2, 4, "p")
    hedge = Cue("hedge", 6, 8, "h")
    assert decide([]) == (None, [])
    assert decide([shall]) == ("obligation", [shall])
    assert decide([shall, shall_not]) == ("prohibition", [shall_not])  # the longer overlapping cue wins
    assert decide([shall, hedge]) == ("permission", [shall, hedge])
    assert decide([shall_not, hedge]) == ("prohibition", [shall_not])
    assert decide([hedge]) == (None, [])


def _longest_plainly(cues):
    """``_longest`` read the plain way: a cue joins the run when it starts before the furthest end of the run's cues."""
    runs = []
    for c in sorted(cues, key=lambda c: (c.start, c.end)):
        if runs and c.start < max(r.end for r in runs[-1]):
            runs[-1].append(c)
        else:
            runs.append([c])
    return [min(run, key=lambda c: (-(c.end - c.start), c.start, c.rule)) for run in runs]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda start, length, label, rule: Cue(label, start, start + length, rule),
            st.integers(0, 10),
            st.integers(1, 4),
            st.sampled_from(["obligation", "prohibition", "permission"]),
            st.sampled_from(["a", "b", "c"]),
        ),
        max_size=8,
    )
)
def test_property_runs_of_overlapping_cues_are_the_plain_reading(cues):
    from extractors.modality import _longest

    assert _longest(cues) == _longest_plainly(cues)

"""Agreements built straight from the models: realistic English, Russian and Kazakh clauses."""

from __future__ import annotations

import hashlib
from pathlib import Path

from schemas import Agreement, Clause, Evidence, Norm, Source, Table

EN_CLAUSES = [
    (
        "5.1",
        "Remuneration",
        "The Employer shall index wages annually not lower than the official inflation rate.",
        ("wage_indexation",),
        "obligation",
        (
            Norm(
                parameter="wage_indexation.rate",
                comparator=">=",
                value=1,
                unit="inflation",
                text="not lower than the official inflation rate",
            ),
        ),
    ),
    (
        "5.2",
        "Remuneration",
        "Wages are paid twice a month, not later than the 10th and 25th day of the month.",
        ("wage_payment",),
        "obligation",
        (Norm(parameter="wage_payment.frequency", comparator=">=", value=2, unit="times_per_month"),),
    ),
    (
        "5.3",
        "Remuneration",
        "Overtime work is paid at not less than double the hourly tariff rate.",
        ("premium_pay",),
        "obligation",
        (Norm(parameter="premium_pay.overtime", comparator=">=", value=2, unit="rate_multiple"),),
    ),
    (
        "6.1",
        "Working time",
        "Normal working time shall not exceed 40 hours a week.",
        ("working_time",),
        "prohibition",
        (Norm(parameter="working_time.weekly_hours", comparator="<=", value=40, unit="hours"),),
    ),
    (
        "6.2",
        "Leave",
        "Employees are granted annual paid leave of 30 calendar days.",
        ("annual_leave",),
        "obligation",
        (Norm(parameter="annual_leave.days", comparator=">=", value=30, unit="calendar_days"),),
    ),
    (
        "7.1",
        "Safety",
        "The Employer provides personal protective equipment free of charge & replaces it <promptly>.",
        ("safety_guarantees",),
        "obligation",
        (),
    ),
    (
        "7.2",
        "Compensation",
        "In case of death of an employee at work a lump sum of ten annual wages is paid to the family.",
        ("injury_compensation",),
        "obligation",
        (
            Norm(
                parameter="injury_compensation.death_lump_sum",
                comparator="=",
                value=10,
                unit="annual_wage",
                condition="death at work",
            ),
        ),
    ),
    (
        "8.1",
        "Trade union",
        "The Employer may provide the trade union with premises where possible.",
        ("union_rights",),
        "permission",
        (),
    ),
]

RU_CLAUSES = [
    (
        "3.1",
        "Оплата труда",
        "Работодатель обеспечивает ежегодную индексацию заработной платы не ниже уровня инфляции.",
        ("wage_indexation",),
        "obligation",
        (Norm(parameter="wage_indexation.rate", comparator=">=", value=1, unit="inflation"),),
    ),
    (
        "3.2",
        "Оплата труда",
        "Выплата заработной платы производится не реже двух раз в месяц.",
        ("wage_payment",),
        "obligation",
        (Norm(parameter="wage_payment.frequency", comparator=">=", value=2, unit="times_per_month"),),
    ),
    (
        "3.3",
        "Оплата труда",
        "Сверхурочная работа оплачивается в полуторном размере часовой тарифной ставки.",
        ("premium_pay",),
        "obligation",
        (Norm(parameter="premium_pay.overtime", comparator=">=", value=1.5, unit="rate_multiple"),),
    ),
    (
        "4.1",
        "Охрана труда",
        "Работникам, занятым на работах с вредными условиями труда, устанавливается доплата 12% к тарифной ставке.",
        ("hazard_pay",),
        "obligation",
        (
            Norm(
                parameter="hazard_pay.allowance",
                comparator=">=",
                value=12,
                unit="percent",
                condition="вредные условия",
            ),
        ),
    ),
    (
        "4.2",
        "Охрана труда",
        "Работодатель по возможности содействует оздоровлению работников.",
        ("social_benefits",),
        "declaration",
        (),
    ),
    (
        "5.1",
        "Гарантии",
        "Не допускать снижения ранее достигнутых гарантий работников.",
        ("non_regression",),
        "prohibition",
        (),
    ),
]

KK_CLAUSES = [
    (
        "2.1",
        "Еңбекақы",
        "Жұмыс беруші жалақыны жыл сайын инфляция деңгейінен төмен емес индекстейді.",
        ("wage_indexation",),
        "obligation",
        (),
    ),
    (
        "2.2",
        "Демалыс",
        "Қызметкерлерге күнтізбелік отыз күн ақы төленетін жыл сайынғы еңбек демалысы беріледі.",
        ("annual_leave",),
        "obligation",
        (),
    ),
]


def make_agreement(
    name: str,
    *,
    language: str = "en",
    level: str | None = "collective",
    sector: str | None = "mining_metallurgy",
    region: str | None = "Karaganda",
    valid_from: str | None = "2024-01-01",
    title: str | None = None,
    clauses=None,
    path: str | None = None,
    salt: str = "",
) -> Agreement:
    """An agreement whose id and sha256 follow from its name and salt, as the parser's follow from content."""
    rows = (
        clauses if clauses is not None else {"en": EN_CLAUSES, "ru": RU_CLAUSES, "kk": KK_CLAUSES}[language]
    )
    sha = hashlib.sha256(f"{name}|{salt}".encode()).hexdigest()
    aid = f"ag_{sha[:12]}"
    built = []
    for number, heading, text, topics, modality, norms in rows:
        evidence = tuple(
            Evidence(kind="topic", label=t, text=text[:10], start=0, end=10, rule="test.v1") for t in topics
        )
        built.append(
            Clause(
                id=f"{aid}:{number}",
                number=number,
                heading=heading,
                text=text,
                page=1,
                topics=topics,
                modality=modality,
                norms=norms,
                evidence=evidence,
            )
        )
    return Agreement(
        id=aid,
        source=Source(path=path or f"corpora/{name}.pdf", sha256=sha, format="pdf", pages=3),
        title=title or f"Collective Agreement of {name} for 2024-2026",
        level=level,
        language=language,
        parties=(f"{name} JSC", f"Trade union of {name}"),
        sector=sector,
        region=region,
        valid_from=valid_from,
        valid_to=None if valid_from is None else f"{int(valid_from[:4]) + 2}-12-31",
        clauses=tuple(built),
        warnings=("test corpus",),
    )


def with_table(agreement: Agreement) -> Agreement:
    first = agreement.clauses[0].model_copy(
        update={"tables": (Table(rows=(("grade", "rate"), ("1", "1.2")), page=1),)}
    )
    return agreement.model_copy(update={"clauses": (first,) + agreement.clauses[1:]})


#: A clause of each version of a bilingual agreement, by number: (Kazakh text, Russian text, Russian norms).
#: The Kazakh version's norms are read too (``bilingual_agreement`` gives it the Russian ones): statistics
#: must count them once. 3.3 applies the General Agreement's value by reference.
KKRU_CLAUSES = [
    ("3.1", "Жұмыс беруші жалақыны жыл сайын инфляция деңгейінен төмен емес индекстейді.",
     "Работодатель индексирует заработную плату ежегодно не ниже уровня инфляции.",
     (Norm(parameter="wage_indexation.rate", comparator=">=", value=1, unit="inflation"),)),
    ("3.2", "Қызметкерлерге күнтізбелік отыз күн ақы төленетін жыл сайынғы еңбек демалысы беріледі.",
     "Работникам предоставляется ежегодный оплачиваемый отпуск продолжительностью 30 календарных дней.",
     (Norm(parameter="annual_leave.days", comparator=">=", value=30, unit="calendar_days"),)),
    ("3.3", "Жұмыста қаза болған жағдайда біржолғы жәрдемақы Бас келісімде белгіленген мөлшерде төленеді.",
     "При гибели работника на производстве единовременное пособие выплачивается в размерах, установленных"
     " Генеральным соглашением.",
     (Norm(parameter="injury_compensation.death_lump_sum", comparator=">=", value=10, unit="annual_wage",
           text="в размерах, установленных Генеральным соглашением",
           by_reference="General Agreement 2024-2026, clause 4.3"),)),
]  # fmt: skip


def bilingual_agreement(name: str = "energo-kkru") -> Agreement:
    """An agreement printed in Kazakh and Russian as segmentation gives it: the Kazakh version first
    (``ag_…:kk:3.1``), then the Russian one (``ag_…:3.1``), each clause linked to its twin."""
    base = make_agreement(name, language="kk+ru", level="collective", sector="energy", region="Pavlodar",
                          clauses=[])  # fmt: skip
    kazakh, russian = [], []
    for number, kk_text, ru_text, norms in KKRU_CLAUSES:
        kk_id, ru_id = f"{base.id}:kk:{number}", f"{base.id}:{number}"
        kazakh.append(Clause(id=kk_id, number=number, text=kk_text, page=1, modality="obligation", norms=norms,
                             language="kk", parallel=ru_id))  # fmt: skip
        russian.append(Clause(id=ru_id, number=number, text=ru_text, page=1, modality="obligation", norms=norms,
                              language="ru", parallel=kk_id))  # fmt: skip
    return base.model_copy(update={"clauses": (*kazakh, *russian)})


def small_corpus() -> list[Agreement]:
    """Six agreements across levels, sectors, regions, years and all three languages, one of them
    printed in Kazakh and Russian."""
    return [
        with_table(make_agreement("kazmetall-2024")),
        make_agreement("kazmetall-2021", valid_from="2021-01-01"),
        make_agreement("energo-almaty", language="ru", level="sectoral", sector="energy", region="Almaty"),
        make_agreement(
            "oblast-karaganda", language="ru", level="regional", sector=None, valid_from="2023-01-01"
        ),
        make_agreement(
            "astana-su",
            language="kk",
            level="collective",
            sector="utilities",
            region="Astana",
            valid_from=None,
        ),
        bilingual_agreement(),
    ]


def write_agreement_file(folder: Path, name: str, *, language: str = "en", salt: str = "") -> Path:
    """A stand-in source file: ``fake_read`` turns its content back into an agreement."""
    path = folder / f"{name}.pdf"
    path.write_text(f"{name}|{language}|{salt}", encoding="utf-8")
    return path


def fake_read(path: Path, options=None):
    """``read_outcome`` for stand-in files: (path, agreement, None) or (path, None, one-line error)."""
    text = Path(path).read_text(encoding="utf-8")
    if text.startswith("BROKEN"):
        return path, None, f"{path}: not a PDF or DOCX file"
    name, language, salt = text.split("|")
    agreement = make_agreement(name, language=language, salt=salt, path=str(path))
    # The real parser's id and sha256 follow from the bytes; so do these.
    sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return (
        path,
        agreement.model_copy(update={"source": agreement.source.model_copy(update={"sha256": sha})}),
        None,
    )

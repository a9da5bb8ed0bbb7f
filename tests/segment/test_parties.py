"""Parties read from a preamble: both sentence shapes, descriptions dropped, nothing invented."""

import pytest

from pipeline.segment.metadata import _parties


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "This Agreement is concluded between Alpha LLP, a construction company (hereinafter the Employer), "
            "represented by its Director, and the Trade Union of Alpha LLP (hereinafter the Union).",
            ("Alpha LLP", "Trade Union of Alpha LLP"),
        ),
        (
            "Astana, 1 March 2024 The Ministry of Energy, the Association of Oil and Gas Enterprises, representing "
            "employers, and the Sectoral Union of Oil and Gas Workers (hereinafter the Parties), have concluded",
            ("Ministry of Energy", "Association of Oil and Gas Enterprises", "Sectoral Union of Oil and Gas Workers"),
        ),
        (
            "г. Астана, 5 февраля 2024 года Министерство энергетики, Ассоциация работодателей, представляющая "
            "работодателей, и Отраслевой союз «Энергетик» (далее – Стороны), в соответствии с законом",
            ("Министерство энергетики", "Ассоциация работодателей", "Отраслевой союз «Энергетик»"),
        ),
        (
            "Договор заключён между ТОО «Бета» (далее – Работодатель), в лице директора, и Профсоюзом ТОО «Бета» "
            "в соответствии с Трудовым кодексом.",
            ("ТОО «Бета»", "Профсоюзом ТОО «Бета»"),
        ),
        # A list without ", and": a bare "and" before a capital separates parties.
        ("AGREEMENT between the Government, Employers' Associations and Trade Union Associations for 2024-2026",
         ("Government", "Employers' Associations", "Trade Union Associations")),
    ],
)
def test_parties_from_preamble(front, expected):
    assert _parties(front) == expected


@pytest.mark.parametrize("front", ["", "The Employer shall pay wages twice a month.", "Раздел 1. Общие положения"])
def test_no_parties_where_the_text_names_none(front):
    assert _parties(front) == ()

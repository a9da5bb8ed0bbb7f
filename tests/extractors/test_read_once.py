"""A clause whose words were read before in the process is not read again: the same reading, keyed
on everything the reading looks at."""

import extractors
from extractors import annotate_clauses
from schemas.models import Clause


def _clause(text: str, heading: str | None = None, lead_in: str | None = None, number: str = "1") -> Clause:
    return Clause(id=f"c{number}", number=number, text=text, heading=heading, lead_in=lead_in)


def test_a_clause_read_again_gives_the_first_reading_on_its_own_clause():
    extractors._READ.clear()
    text = "Overtime shall be paid at not less than one and a half times the hourly rate."
    first = annotate_clauses([_clause(text, number="4.1")], "en")[0]
    again = annotate_clauses([_clause(text, number="9.3")], "en")[0]
    assert again.number == "9.3" and again.id == "c9.3"
    assert (again.topics, again.modality, again.norms, again.evidence) == (first.topics, first.modality, first.norms, first.evidence)
    assert [n.value for n in again.norms] == [1.5]


def test_the_same_words_under_another_heading_or_lead_in_are_read_again():
    extractors._READ.clear()
    text = "not less than 24 calendar days"
    under_leave = annotate_clauses([_clause(text, heading="Annual leave")], "en")[0]
    under_notice = annotate_clauses([_clause(text, heading="Notice of dismissal")], "en")[0]
    assert [n.parameter for n in under_leave.norms] != [n.parameter for n in under_notice.norms]
    led = annotate_clauses([_clause(text, lead_in="The Employer grants annual paid leave of:")], "en")[0]
    assert len(extractors._READ) == 3 and led.norms


def test_the_memory_of_readings_is_bounded(monkeypatch):
    extractors._READ.clear()
    monkeypatch.setattr(extractors, "_READ_SIZE", 2)
    annotate_clauses([_clause(f"Annual leave is {n} calendar days.", number=str(n)) for n in (24, 25, 26)], "en")
    assert len(extractors._READ) <= 2

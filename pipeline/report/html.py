"""Findings as ONE self-contained HTML file a lawyer can open offline and print.

CSS is inline and nothing is fetched. Agreement text is user input: every piece of it is
escaped (jinja2 autoescaping; the word diff escapes each word before marking it up).
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime
from functools import cache

import jinja2
from markupsafe import Markup, escape

from extractors.numbers import format_value
from pipeline.compliance.summary import summarise
from schemas.models import Finding, Report

_WORD = re.compile(r"\S+|\s+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_diff(reference: str, found: str) -> tuple[Markup, Markup]:
    """Both clause texts with the differing words marked: ``<del>`` on the reference side, ``<ins>`` on the other."""
    old, new = _words(reference), _words(found)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    left, right = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = escape("".join(old[i1:i2])), escape("".join(new[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if i2 > i1:
            left.append(Markup("<del>{}</del>").format(old_part))
        if j2 > j1:
            right.append(Markup("<ins>{}</ins>").format(new_part))
    return Markup("").join(left), Markup("").join(right)


def mark(text: str, phrase: str | None) -> Markup:
    """The text with the words of ``phrase`` (a norm's evidence) in ``<mark>``."""
    if not phrase or phrase not in text:
        return escape(text)
    start = text.index(phrase)
    return Markup("{}<mark>{}</mark>{}").format(text[:start], phrase, text[start + len(phrase) :])


def sides(finding: Finding) -> tuple[Markup, Markup]:
    """(reference side, target side) of one finding, ready for the template."""
    reference_text, target_text = finding.reference_clause_text or "", finding.clause_text or ""
    phrases = [e.split(": ", 1)[-1] for e in finding.evidence]
    if finding.kind == "inconsistent" and len(phrases) == 2:
        # two languages: no word of one is in the other, so each side's value is marked instead
        return mark(reference_text, phrases[1]), mark(target_text, phrases[0])
    if reference_text and target_text:
        return word_diff(reference_text, target_text)
    phrase = finding.evidence[-1].split(": ", 1)[-1] if finding.evidence else None
    return mark(reference_text, phrase), escape(target_text)


@cache
def environment() -> jinja2.Environment:
    """The report's template environment; the web workspace extends ``report.html.j2`` through it."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.report", "."),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = format_value
    return env


def template(name: str = "report.html.j2") -> jinja2.Template:
    """A template of this folder, autoescaped (the findings report, the statistics report)."""
    return environment().get_template(name)


#: How the report names the level of a chain a finding comes from (``Finding.level``; the audit adds
#: the agreement's previous version).
LEVELS = {"general": "General Agreement", "sectoral": "sectoral agreement", "regional": "regional agreement",
          "labour_code": "Labour Code", "previous_version": "previous version"}  # fmt: skip


def context(report: Report) -> dict:
    """What ``report.html.j2`` is rendered with, besides its title and date; against a chain (``check
    --against chain``, the audit) each finding names the level it comes from."""
    return {
        "report": report,
        "chain": report.summary.get("reference") == "chain",
        "levels": LEVELS,
        "summary": {**summarise(report.findings), **report.summary},
        "findings": [(f, *sides(f)) for f in report.findings],
    }


def render(report: Report, *, title: str = "Kelisim findings", **_: object) -> str:
    return environment().get_template("report.html.j2").render(
        title=title, generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), **context(report)
    )

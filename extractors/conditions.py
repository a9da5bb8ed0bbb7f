"""Conditions: who or when a guarantee is for, read as a short English phrase.

Each condition starts from a trigger of ``extractors/data/<lang>/conditions.yaml``
(``doc.spans`` label ``cond``) and reads what stands around it:

* seniority: a range of years ("from 3 to 5 years", "5 years or more", «свыше 10 лет»,
  «от 3 до 5 лет») -> "seniority of 3 to 5 years"; in an enumeration whose lead-in
  names the length of service, each item's range is a seniority condition too;
* disability: the groups named beside "disability" -> "disability group 1 or 2";
* hazard class: "class 3.1", «подкласса 3.2», "class 4" -> "harmful working conditions
  class 3.1", "dangerous working conditions class 4";
* fixed conditions: harmful conditions, birth of a child, marriage, death of a close
  relative or of an employee, for each child, children under N years of age,
  medical treatment, retirement.

The phrases are the ``phrases`` of the rule file, so a Russian clause gets the same
English condition as an English one and the compliance engine can compare them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from extractors.lexicon import lexicon
from extractors.numbers import Number, format_value

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "І": "1", "ІІ": "2", "ІІІ": "3"}
_CLASS = re.compile(r"^([34](?:\.[1-4])?)$")


@dataclass(frozen=True)
class Condition:
    """A condition read in the clause: its kind, its phrase, and the tokens it was read from."""

    kind: str
    phrase: str
    start: int
    end: int


def _spans(spans: list[Span], label: str) -> list[Span]:
    return [s for s in spans if s.label_ == label]


def _range_phrase(doc: Doc, numbers: list[Number], years: list[Span], ranges: list[Span], lo: int, hi: int):
    """The first range of years inside tokens ``lo:hi``: ("3 to 5 years", start, end) or None."""
    by_start = {r.start: r for r in ranges}
    by_end = {r.end: r for r in ranges}
    year_starts = {y.start: y for y in years}
    inside = [n for n in numbers if lo <= n.start and n.end <= hi and n.kind == "cardinal"]
    for k, a in enumerate(inside):
        b = inside[k + 1] if k + 1 < len(inside) else None
        # "3 to 5 years", "3-5 years", «от 3 до 5 лет»
        if b is not None:
            between = by_start.get(a.end)
            if between is not None and between.id_ == "to" and between.end == b.start:
                year = year_starts.get(b.end)
                if year is not None:
                    start = a.start
                    before = by_end.get(a.start)
                    if before is not None and before.id_ == "from":
                        start = before.start
                    return f"{format_value(a.value)} to {format_value(b.value)} years", start, year.end
        year = year_starts.get(a.end)
        if year is None:
            # "5 or more years": the qualifier between the number and the word for years
            after = by_start.get(a.end)
            if after is not None and after.id_ == "or_more" and after.end in year_starts:
                return f"{format_value(a.value)} years or more", a.start, year_starts[after.end].end
            continue
        before = by_end.get(a.start)
        after = by_start.get(year.end)
        if after is not None and after.id_ == "or_more":
            return f"{format_value(a.value)} years or more", a.start, after.end
        # the qualifier after the years, as Kazakh puts it: «10 жылдан асқан», «3 жылға дейін»
        if after is not None and after.id_ == "more_than":
            return f"more than {format_value(a.value)} years", a.start, after.end
        if after is not None and after.id_ in ("less_than", "up_to") and before is None:
            return f"less than {format_value(a.value)} years", a.start, after.end
        if before is not None:
            kind = before.id_
            if kind in ("at_least", "from"):
                return f"{format_value(a.value)} years or more", before.start, year.end
            if kind == "more_than":
                return f"more than {format_value(a.value)} years", before.start, year.end
            if kind in ("less_than", "up_to"):
                return f"less than {format_value(a.value)} years", before.start, year.end
        return f"{format_value(a.value)} years or more", a.start, year.end
    return None


_JOINERS = frozenset({"or", "and", ",", "-", "–", "или", "и", "/", "немесе", "және"})


def _numeral(doc: Doc, i: int, numerals: dict[str, set[str]]) -> str | None:
    word = doc[i].text.lower().rstrip(".")
    word = word.split("-")[0] if "-" in word and len(word) > 1 else word  # «I-й», "2-nd"
    return _ROMAN.get(word) or next((g for g, forms in numerals.items() if word in forms), None)


def _groups(doc: Doc, group: Span, numerals: dict[str, set[str]]) -> tuple[list[str], int, int]:
    """Disability groups named right after the word "group" ("group I or II", «группы 1, 2»)
    or right before it ("I or II group", «I и II групп»): (["1", "2"], first token, end)."""

    def run(start: int, step: int) -> list[int]:
        found, i = [], start
        while 0 <= i < len(doc):
            if _numeral(doc, i, numerals):
                found.append(i)
            elif not (found and doc[i].text.lower() in _JOINERS):
                break
            i += step
        return found

    after = group.end
    if after < len(doc) and doc[after].text.lower() in ("of", "no.", "№"):
        after += 1
    tokens = run(after, 1) or run(group.start - 1, -1)
    groups = sorted({_numeral(doc, i, numerals) for i in tokens})
    if not tokens:
        return [], -1, -1
    return groups, min(tokens), max(tokens) + 1


def read_conditions(doc: Doc, spans: list[Span], numbers: list[Number], lang: str) -> list[Condition]:
    """Every condition of a clause Doc, in reading order."""
    rules = lexicon(lang).conditions
    phrases: dict = rules.get("phrases") or {}
    numerals = {str(g): {str(f).lower() for f in forms} for g, forms in (rules.get("groups") or {}).items()}
    triggers = _spans(spans, "cond")
    years = [s for s in triggers if s.id_ == "years"]
    ranges = _spans(spans, "range")
    found: list[Condition] = []
    n = len(doc)
    for t in triggers:
        kind = t.id_
        if kind == "seniority":
            # the range may follow the trigger ("service of 5 years or more") or precede it
            # ("5 years of service", «при стаже свыше 10 лет», «10 лет стажа»)
            got = _range_phrase(doc, numbers, years, ranges, t.end, min(n, t.end + 12)) or _range_phrase(
                doc, numbers, years, ranges, max(0, t.start - 8), t.start
            )
            if got:
                text, start, end = got
                found.append(Condition("seniority", phrases["seniority"].format(range=text), min(start, t.start), max(end, t.end)))
        elif kind == "group" and any(d.id_ == "disability" for d in triggers):
            # "disability of group 1", «инвалидности II группы», and, once disability is named
            # in the clause, "group III" on its own
            groups, first, last = _groups(doc, t, numerals)
            if groups:
                near = [d for d in triggers if d.id_ == "disability" and abs(d.start - t.start) <= 4]
                start = min([first, t.start] + [d.start for d in near])
                end = max([last, t.end] + [d.end for d in near])
                found.append(Condition("disability", phrases["disability"].format(groups=" or ".join(groups)), start, end))
        elif kind == "hazard_class":
            for i in (*range(t.end, min(n, t.end + 3)), *range(max(0, t.start - 2), t.start)):
                m = _CLASS.match(doc[i].text)
                if m:
                    value = m.group(1)
                    key = "dangerous_class" if value.startswith("4") else "hazard_class"
                    found.append(Condition("hazard_class", phrases[key].format(**{"class": value}), min(i, t.start), max(i + 1, t.end)))
                    break
        elif kind == "children":
            after = [num for num in numbers if t.end <= num.start <= t.end + 2]
            if after:
                found.append(Condition("children", phrases["children"].format(n=format_value(after[0].value)), t.start, after[0].end))
        elif kind in phrases and kind not in ("seniority", "disability", "hazard_class", "dangerous_class", "children"):
            found.append(Condition(kind, phrases[kind], t.start, t.end))
    if any(c.kind == "seniority" for c in found) or any(t.id_ in ("seniority", "depending") for t in triggers):
        # once the clause speaks of the length of service, a bare range of years is one too:
        # "with service of five years or more: 100 %; from three to five years: 80 %"
        found += _bare_ranges(doc, numbers, years, ranges, found, phrases)
    return _most_specific(found)


def _bare_ranges(doc, numbers, years, ranges, found, phrases) -> list[Condition]:
    taken = {i for c in found for i in range(c.start, c.end)}
    out, lo = [], 0
    while lo < len(doc):
        got = _range_phrase(doc, [n for n in numbers if n.start >= lo], years, ranges, lo, len(doc))
        if got is None:
            break
        text, start, end = got
        if not taken & set(range(start, end)):
            out.append(Condition("seniority", phrases["seniority"].format(range=text), start, end))
        lo = end
    return out


def _most_specific(found: list[Condition]) -> list[Condition]:
    """One condition per stretch of words: a hazard class inside "harmful working conditions"
    wins over the plain phrase, "particularly harmful" over "harmful"."""
    rank = {"hazard_class": 3, "particularly_harmful": 2, "death_relative": 2, "death_employee": 2}
    out: list[Condition] = []
    for c in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        clash = [o for o in out if o.start < c.end and c.start < o.end]
        if not clash:
            out.append(c)
            continue
        for o in clash:
            if rank.get(c.kind, 1) > rank.get(o.kind, 1):
                out.remove(o)
                out.append(c)
                break
    return sorted(set(out), key=lambda c: c.start)


def range_in(doc: Doc, spans: list[Span], numbers: list[Number], lo: int, hi: int):
    """A range of years inside tokens ``lo:hi`` with no trigger of its own: an enumeration's item
    under a lead-in about the length of service ("- from 1 to 5 years: 2 days")."""
    cond = _spans(spans, "cond")
    years = [s for s in cond if s.id_ == "years"]
    return _range_phrase(doc, numbers, years, _spans(spans, "range"), lo, hi)

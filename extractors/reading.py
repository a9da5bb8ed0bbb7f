"""The norm reader: a clause read in layers, each from its own rule file.

1. **Parts** of the clause: sentences, a lead-in ending with a colon and its items
   ("The Employer undertakes: a) ...; b) ..."); a lead-in's comparator, conditions and
   parameter words reach its items.
2. **Numbers** in every written form (:mod:`extractors.numbers`).
3. **Quantities**: a number with its unit (``units.yaml``): "24 calendar days", "1.2 MW",
   "double the hourly rate", "50 % of the official salary", «24 среднемесячных заработков»;
   a period after it ("40 hours per week"); a phrase with its own value ("time and a half",
   "every half month"); a unit alone after a comparator ("not lower than the minimum wage"
   = 1 minimum wage). Numbers that name a provision ("clause 5.3"), a date, a count of
   copies or members, a threshold ("the part of leave exceeding 28 days") or a deadline
   ("within 5 days") are not quantities.
4. **Comparators** in words before or after the quantity (``comparators.yaml``).
5. **Conditions** (:mod:`extractors.conditions`).
6. **Parameters**, from the words that govern the quantity (``parameters.yaml``): the cue
   nearest before it in its part (every cue of a coordinated list before one value), else
   after it, else in the lead-in, the rest of the clause, the heading; only a parameter
   that can be stated in the quantity's unit and period.

A quantity in a binding clause whose parameter cannot be decided is kept with parameter
``unassigned`` and the reason, never dropped. :func:`read_clause` returns a
:class:`ClauseReading` holding every layer, so ``kelisim show --explain`` can say which
words produced each norm.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.conditions import Condition, range_in, read_conditions
from extractors.lexicon import Lexicon, layers, lexicon, topic_pairs
from extractors.modality import longest_cues, subordinate_clauses
from extractors.numbers import Number, format_value, read_numbers
from schemas.models import Evidence, Norm
from schemas.taxonomy import taxonomy

UNASSIGNED = "unassigned"
#: Units a bare multiple ("in double amount", «в двойном размере») may be read in: a multiple of the rate.
_BARE_MULTIPLE_UNITS = ("rate_multiple",)
_GAP_LIMIT = 6
_BETWEEN_LIMIT = 5
_ITEM_MARKS = frozenset("- – — • · * ● ▪ ◦".split())


# --------------------------------------------------------------------------- the layers


@dataclass(frozen=True)
class Part:
    """A stretch of the clause: a sentence, a lead-in (ends with a colon) or an item of one."""

    start: int
    end: int
    kind: str  # "sentence" | "lead_in" | "item"
    lead_in: int | None = None  # index of the lead-in part an item belongs to
    sentence: int = 0  # which sentence of the clause it is part of (a lead-in and its items are one)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit: tokens ``start:end``; ``unit`` None for a bare multiple ("double")."""

    start: int
    end: int
    value: float
    unit: str | None
    of_unit: str | None = None  # "50 % of the official salary": official_salary
    alternatives: tuple[str, ...] = ()  # other units the same words name ("tariff rate": a salary or a rate)
    period: str | None = None  # "per week"
    multiple: bool = False
    how: str = ""  # how it was read, for the evidence
    comparator: str = "="  # the comparator its own words imply ("fortnightly": at least twice a month)
    attributive: bool = False  # it qualifies the words after it: "a four-day, ten-hour WORKWEEK"
    period_words: str = ""  # the words that give the period: "per week", "in any pay period"
    subunit: str = ""  # the smaller unit it was counted in ("minutes"): no parameter is measured in it


@dataclass(frozen=True)
class Reading:
    """One quantity read as a guarantee, or why it is not one."""

    quantity: Quantity
    comparator: str = "="
    comparator_span: tuple[int, int] | None = None
    parameters: tuple[str, ...] = ()
    cue_spans: tuple[tuple[int, int, str], ...] = ()  # (start, end, where) of the cues: text | heading | lead_in
    condition: Condition | None = None
    condition_phrase: str | None = None
    not_a_guarantee: str | None = None  # why the quantity is not read as a guarantee
    unassigned_why: str | None = None


@dataclass
class ClauseReading:
    """Everything the norm reader read in one clause."""

    lang: str
    text: str
    parts: list[Part] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    norms: list[Norm] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


# --------------------------------------------------------------------------- spans


class _Spans:
    """The lexicon's spans of one Doc, by layer and id, longest first where they overlap."""

    def __init__(self, doc: Doc):
        by_layer = layers(doc)
        self.all: dict[str, list[Span]] = {}
        for layer, spans in by_layer.items():
            if layer in ("marker", "cond", "range", "topic", "term", "modal", "ref", "block", "param_weak"):
                self.all[layer] = sorted(spans, key=lambda s: (s.start, s.end))  # overlaps kept: several kinds
            elif layer in ("param", "unit"):
                self.all[layer] = _outermost(spans)  # "days off and public holidays" hides "days off"
            else:
                self.all[layer] = sorted(filter_spans(spans), key=lambda s: s.start)
        self.starting: dict[tuple[str, int], list[Span]] = defaultdict(list)
        self.ending: dict[tuple[str, int], list[Span]] = defaultdict(list)
        for layer, spans in self.all.items():
            for s in spans:
                self.starting[(layer, s.start)].append(s)
                self.ending[(layer, s.end)].append(s)
        self.marked: dict[str, set[int]] = defaultdict(set)  # marker id -> tokens it covers
        for s in self.all.get("marker", ()):
            self.marked[s.id_].update(range(s.start, s.end))

    def layer(self, name: str) -> list[Span]:
        return self.all.get(name, [])

    def starts(self, layer: str, i: int, key: str | None = None) -> Span | None:
        spans = [s for s in self.starting.get((layer, i), ()) if key is None or s.id_ == key]
        return max(spans, key=len) if spans else None

    def ids_at(self, layer: str, span: Span) -> tuple[str, ...]:
        """Every id of ``layer`` whose span covers exactly ``span``'s tokens."""
        return tuple(dict.fromkeys(s.id_ for s in self.starting.get((layer, span.start), ()) if s.end == span.end))

    def ends(self, layer: str, i: int, key: str | None = None) -> Span | None:
        spans = [s for s in self.ending.get((layer, i), ()) if key is None or s.id_ == key]
        return max(spans, key=len) if spans else None

    def is_marker(self, key: str, i: int) -> bool:
        return i in self.marked.get(key, ())


_SPANS = "kel_spans"  # doc.user_data: the _Spans of a Doc, with the layers they were made from


def _spans(doc: Doc) -> _Spans:
    """The :class:`_Spans` of a heading's or a table's Doc, made once while its lexicon spans stay
    the same: a heading's Doc is shared by every clause under it (:func:`extractors.nlp.words_doc`).
    A clause's own are made where it is read, and go with it."""
    by_layer = layers(doc)
    kept = doc.user_data.get(_SPANS)
    if kept is None or kept[0] is not by_layer:
        kept = (by_layer, _Spans(doc))
        doc.user_data[_SPANS] = kept
    return kept[1]


def _outermost(spans: list[Span]) -> list[Span]:
    """The spans not strictly inside a longer one; spans of the same extent (one phrase, two ids) all stay."""
    return sorted(
        (s for s in spans if not any(o.start <= s.start and s.end <= o.end and len(o) > len(s) for o in spans)),
        key=lambda s: (s.start, s.end),
    )


# --------------------------------------------------------------------------- 1. parts


def _is_item_start(doc: Doc, i: int) -> bool:
    """Whether token ``i`` opens an item: "a)", "б)", "1)", "(a)", "-", "–", "•"."""
    t = doc[i]
    if t.text in _ITEM_MARKS:
        return True
    if i + 1 < len(doc) and doc[i + 1].text == ")" and (len(t.text) <= 2 and (t.text.isalpha() or t.text.isdigit())):
        return True
    return t.text == "(" and i + 2 < len(doc) and doc[i + 2].text == ")" and len(doc[i + 1].text) <= 3


def read_parts(doc: Doc) -> list[Part]:
    """Split a clause into sentences, lead-ins and their items."""
    parts: list[Part] = []
    start = 0
    lead_in: int | None = None
    opened_by = "start"  # what ended the previous part: start | stop | semicolon | colon | line
    n = len(doc)
    sentence = 0

    def close(end: int, ender: str) -> None:
        nonlocal start, lead_in, opened_by, sentence
        while start < end and doc[start].is_space:
            start += 1
        if start < end:
            is_item = lead_in is not None and (opened_by in ("semicolon", "colon", "line") or _is_item_start(doc, start))
            if ender == "colon":
                kind = "lead_in"
            elif is_item:
                kind = "item"
            else:
                kind = "sentence"
            if kind == "sentence" and opened_by == "stop" and parts:
                sentence += 1
            parts.append(Part(start, end, kind, lead_in if kind == "item" else None, sentence))
            if kind == "lead_in":
                lead_in = len(parts) - 1
            elif kind == "sentence":
                lead_in = None
        start = end
        opened_by = ender

    quoted = 0  # inside «...»: the title of a law or document, whose colons and stops open nothing
    for i, t in enumerate(doc):
        text = t.text
        quoted = max(0, quoted + text.count("«") - text.count("»"))
        if quoted and text in (";", ":", "."):
            continue
        if text in (";",):
            close(i + 1, "semicolon")
        elif text == ":" and not (i + 1 < n and doc[i + 1].text[:1].isdigit() and not t.whitespace_):
            close(i + 1, "colon")
        elif text in (".", "!", "?") and (i + 1 == n or doc[i + 1].is_space or doc[i + 1].text[:1].isupper() or t.whitespace_):
            close(i + 1, "stop")
        elif t.is_space and "\n" in text and i + 1 < n and _is_item_start(doc, i + 1):
            close(i + 1, "line")
        elif text in _ITEM_MARKS and i > start and doc[i - 1].is_space and "\n" in doc[i - 1].text:
            close(i, "line")
    close(n, "stop")
    return parts


def _part_of(parts: list[Part], i: int) -> int:
    for k, p in enumerate(parts):
        if p.start <= i < p.end:
            return k
    return len(parts) - 1


def _sentence_of(parts: list[Part], k: int) -> tuple[int, int]:
    """The tokens (start, end) of the sentence part ``k`` belongs to (a lead-in and its items are one)."""
    sentence = [p for p in parts if p.sentence == parts[k].sentence]
    return sentence[0].start, sentence[-1].end


# --------------------------------------------------------------------------- 3. quantities


def _excluded(doc: Doc, spans: _Spans, number: Number, lang: str) -> str | None:
    """Why a number is not a quantity (a provision, a date, a count), or None."""
    if number.kind == "ordinal":
        return "an ordinal"
    before = number.start - 1
    while before >= 0 and doc[before].text in (".", "(", "-"):
        before -= 1
    if before >= 0 and spans.is_marker("reference", before):
        return f"names a provision ('{doc[before].text} {doc[number.start:number.end].text}')"
    if (before >= 0 and spans.is_marker("month_name", before)) or (number.end < len(doc) and spans.is_marker("month_name", number.end)):
        return "part of a date"
    if number.digits and number.value.is_integer() and 1900 <= number.value <= 2100:
        return "a year"
    if number.end < len(doc) and spans.is_marker("not_guarantee", number.end):
        return f"a count of {doc[number.end].text}"
    return None


_CLOCK = re.compile(r"^\d{1,2}[.:]\d{2}$")


def _clock_times(doc: Doc, spans: _Spans, numbers: list[Number]) -> set[int]:
    """Start tokens of numbers that are times of day: "from 22:00 to 06:00", «с 22 до 6 часов»
    (the range runs past midnight, or the times are written hh.mm)."""
    out: set[int] = set()
    for a, b in zip(numbers, numbers[1:], strict=False):
        joined = spans.starts("range", a.end, "to")
        opened = spans.ends("range", a.start, "from")
        if joined is None or opened is None or joined.end != b.start or a.value > 24 or b.value > 24:
            continue
        if a.value > b.value or (_CLOCK.match(doc[a.start].text) and _CLOCK.match(doc[b.start].text)):
            out.update((a.start, b.start))
    return out


def _restatement_end(doc: Doc, numbers_at: dict[int, Number], k: int) -> int:
    """After "(": the end of a restated value in parentheses ("(150 %)", "(two-fold)"), or 0."""
    j = k + 1
    inner = numbers_at.get(j)
    if inner is None:
        return 0
    j = inner.end
    while j < len(doc) and j - k <= 6 and doc[j].text != ")":
        if doc[j].text not in ("%", "percent", "per", "cent", "times", "-", "fold", "раза", "раз", "процентов", "процента", "пайыз"):
            return 0
        j += 1
    return j + 1 if j < len(doc) and doc[j].text == ")" else 0


def _elided_unit(doc: Doc, spans: _Spans, number: Number, used: set[int]) -> Span | None:
    """The unit of a bare number that ends its sentence right after a comparator, named earlier in
    it: "Weekly working HOURS may not be longer than 38." """
    k, steps = number.start, 0
    while k > 0 and steps < _GAP_LIMIT and spans.ends("cmp", k) is None and spans.is_marker("gap", k - 1):
        k, steps = k - 1, steps + 1
    cmp = spans.ends("cmp", k)
    if cmp is None or (number.end < len(doc) and doc[number.end].text not in (".", ";", ",")):
        return None
    units = [u for u in spans.layer("unit") if u.end <= cmp.start and not used & set(range(u.start, u.end))
             and not any(t.text in (".", ";") for t in doc[u.end:cmp.start])]
    return units[-1] if units else None


def _after_restatement(doc: Doc, numbers_at: dict[int, Number], end: int) -> int:
    """``end``, or past a parenthesis right after it that restates the quantity: "(6%)", "(1-1/2)"."""
    if end < len(doc) and doc[end].text == "(":
        inner = numbers_at.get(end + 1)
        if inner is not None:
            close = inner.end
            while close < len(doc) and close - inner.end < 4 and doc[close].text != ")":
                close += 1
            if close < len(doc) and doc[close].text == ")":
                return close + 1
    return end


def _unit_after(doc: Doc, spans: _Spans, numbers_at: dict[int, Number], number: Number, limit: int):
    """The unit after a number: (unit span, times-marker seen, end of what was skipped) or (None, times, end)."""
    k, times, steps = number.end, number.kind == "multiple", 0
    while k < limit and steps <= _BETWEEN_LIMIT:
        unit = spans.starts("unit", k) or spans.starts("subunit", k)
        if unit is not None:
            return unit, times, k
        if doc[k].text == "(":
            end = _restatement_end(doc, numbers_at, k)
            if end:
                k = end
                continue
        if spans.is_marker("times", k):
            times = True
            k += 1
            steps += 1
            continue
        if spans.is_marker("between", k):
            k += 1
            steps += 1
            continue
        break
    return None, times, k


def read_quantities(doc: Doc, spans: _Spans, numbers: list[Number], lex: Lexicon, lang: str) -> tuple[list[Quantity], dict[int, str]]:
    """Quantities of the clause, and why each number that is not one was left out (by start token)."""
    quantities: list[Quantity] = []
    left_out: dict[int, str] = {}
    numbers_at = {n.start: n for n in numbers}
    clock = _clock_times(doc, spans, numbers)
    fixed_tokens: set[int] = set()
    for f in spans.layer("fixed"):
        value = lex.fixed[int(f.id_)]
        end = _after_restatement(doc, numbers_at, f.end)  # "time and one-half (1-1/2)"
        quantities.append(Quantity(f.start, end, value.value, value.unit, how=f"'{doc[f.start:end].text}' = {format_value(value.value)} {value.unit}",
                                   comparator=value.comparator))
        fixed_tokens.update(range(f.start, end))
    used_units: set[int] = set()
    consumed = 0  # the end of the last quantity: a number restated inside it ("(150 %)") is part of it
    for number in numbers:
        if fixed_tokens & set(range(number.start, number.end)) or number.start < consumed:
            continue
        why = "a time of day" if number.start in clock else _excluded(doc, spans, number, lang)
        if why:
            left_out[number.start] = why
            continue
        unit, times, skipped = _unit_after(doc, spans, numbers_at, number, len(doc))
        currency = spans.ends("unit", number.start)
        start = number.start
        if unit is None and currency is not None and currency.id_ in lex.currency_before:
            unit, start = currency, currency.start  # "KZT 85,000": the comparator stands before the currency
        if unit is None:
            occurrences = skipped
            while occurrences < len(doc) and spans.is_marker("occurrence", occurrences) and occurrences - skipped < 2:
                occurrences += 1
            month = spans.starts("period", occurrences)
            if month is not None and month.id_ == "month" and (occurrences > number.end or times):
                quantities.append(Quantity(number.start, month.end, number.value, "times_per_month",
                                           how=f"'{doc[number.start:month.end].text}' = {format_value(number.value)} times_per_month"))
                consumed = month.end
                continue
            elided = _elided_unit(doc, spans, number, used_units)
            if elided is not None and number.kind == "cardinal":
                quantities.append(Quantity(number.start, number.end, number.value, elided.id_,
                                           how=f"'{doc[number.start:number.end].text}' = {format_value(number.value)} {elided.id_} "
                                               f"(the unit named before: '{elided.text}')"))
                consumed = number.end
                continue
            base = _base_before(doc, spans, number.start, lex, used_units) if times or number.kind == "multiple" else None
            if base is not None:
                # «ЕТЖ-ның бір еселенген мөлшерінен», «сағаттық мөлшерлеменің екі еселенген мөлшерінде»
                used_units.update(range(base.start, base.end))
                quantities.append(Quantity(number.start, skipped, number.value, base.id_, multiple=True,
                                           how=f"'{doc[base.start:skipped].text}' = {format_value(number.value)} {base.id_}"))
                consumed = skipped
                continue
            if times or number.kind == "multiple":
                quantities.append(Quantity(number.start, number.end, number.value, None, multiple=True,
                                           how=f"'{doc[number.start:number.end].text}' = {format_value(number.value)} times, no unit"))
                consumed = skipped
            else:
                left_out[number.start] = "no unit"
            continue
        end = max(unit.end, number.end)
        used_units.update(range(unit.start, unit.end))
        value, unit_id, of_unit = number.value, unit.id_, None
        subunit = ""
        if unit.label_ == "subunit":
            # "thirty (30) minutes" = 0.5 hours: the taxonomy's unit, the words as written
            part = lex.subunits[int(unit.id_)]
            value, unit_id, subunit = round(number.value / part.per, 4), part.unit, unit.text
        alternatives = tuple(u for u in spans.ids_at("unit", unit) if u != unit_id)
        if unit_id == "percent":
            k = unit.end
            of = spans.starts("marker", k, "percent_of")
            if of is not None:
                k = of.end
                while k < len(doc) and spans.is_marker("between", k) and k - of.end < 3:
                    k += 1
                base = spans.starts("unit", k)
                if base is not None and base.id_ in lex.percent_of:
                    of_unit = base.id_
                    end = base.end
                    used_units.update(range(base.start, base.end))
            elif (base := spans.starts("unit", k)) is not None and base.id_ in lex.percent_of:
                of_unit = base.id_  # «50 % должностного оклада»: the genitive says "of"
                end = base.end
                used_units.update(range(base.start, base.end))
            elif (base := _base_before(doc, spans, number.start, lex, used_units)) is not None and base.id_ in lex.percent_of:
                of_unit = base.id_  # «лауазымдық айлықақының 50 пайызы»: the base before, in the genitive
                used_units.update(range(base.start, base.end))
        end = _after_restatement(doc, numbers_at, end)  # "six percent (6%)", "24 days (twenty-four)"
        period = spans.starts("period", end)
        if period is None and end < len(doc) and doc[end].text in (",", "("):
            period = spans.starts("period", end + 1)
        past_comparator = None
        if period is None and (after := spans.starts("cmp_after", end)) is not None:
            past_comparator = period = spans.starts("period", after.end)  # "110 hours or more in a semester"
        if period is None:
            period = _period_before(spans, start)
        period_id = period.id_ if period is not None else None
        if period is not None and period.start >= end and period is not past_comparator:
            end = period.end
            if unit_id is None and period_id == "month":
                unit_id = "times_per_month"
        multiple = times or number.kind == "multiple"
        attributive = value != 1 and spans.is_marker("attributive", unit.end - 1) and (
            (period is not None and period.start == unit.end) or _qualifies(doc, spans, numbers_at, end))
        how = f"'{doc[number.start:end].text}' = {format_value(value)} {unit_id}"
        if of_unit:
            how += f" of the {of_unit}"
        if period_id == "other":
            how += f" {period.text}"  # "in a single semester": a period no parameter is stated per
        elif period_id:
            how += f" per {period_id}"
        quantities.append(Quantity(start, end, value, unit_id, of_unit, alternatives, period_id, multiple, how,
                                   attributive=attributive, period_words=period.text if period is not None else "",
                                   subunit=subunit))
        consumed = end
    # A unit alone right after a comparator: "not lower than the minimum wage" = 1 minimum wage.
    for unit in spans.layer("unit"):
        if unit.id_ not in lex.alone_after_comparator or used_units & set(range(unit.start, unit.end)):
            continue
        if any(q.start <= unit.start < q.end for q in quantities):
            continue
        if unit.end < len(doc) and doc[unit.end].lower_ == "of" and any(q.start in (unit.end + 1, unit.end + 2) for q in quantities):
            continue  # "not exceed the rate of time and one-half": the rate's value follows
        k = unit.start
        steps = 0
        while k > 0 and steps < _GAP_LIMIT and (spans.is_marker("gap", k - 1) or spans.is_marker("between", k - 1)):
            if spans.ends("cmp", k) is not None:
                break
            k -= 1
            steps += 1
        if spans.ends("cmp", k) is not None:
            others = tuple(u for u in spans.ids_at("unit", unit) if u != unit.id_)
            quantities.append(Quantity(unit.start, unit.end, 1.0, unit.id_, alternatives=others,
                                       how=f"'{unit.text}' after a comparator = 1 {unit.id_}"))
            continue
        # or right before an after-comparator: «ресми инфляция деңгейінен төмен емес», or one its
        # last word begins: «инфляция деңгейінде»
        k = next((i for i in range(unit.start + 1, unit.end) if (a := spans.starts("cmp_after", i)) is not None
                  and a.end >= unit.end), unit.end)
        while k < len(doc) and k - unit.end < _GAP_LIMIT and spans.starts("cmp_after", k) is None and (
                spans.is_marker("gap", k) or spans.is_marker("between", k)):
            k += 1
        after = spans.starts("cmp_after", k)
        # a comparator with a number after it is that number's ("a rate of at least 1.5 times")
        if after is not None and not any(q.start <= after.start < q.end or after.end <= q.start <= after.end + 2
                                         for q in quantities):
            others = tuple(u for u in spans.ids_at("unit", unit) if u != unit.id_)
            quantities.append(Quantity(unit.start, k, 1.0, unit.id_, alternatives=others,
                                       how=f"'{unit.text}' before a comparator = 1 {unit.id_}"))
    # "$34.62 biweekly": a frequency word right after an amount is the amount's period, not a pay frequency
    amounts_end = {q.end for q in quantities if q.unit is not None and q.unit != "times_per_month"}
    quantities = [q for q in quantities if not (q.unit == "times_per_month" and q.start in amounts_end)]
    quantities.sort(key=lambda q: q.start)
    return quantities, left_out


_STRETCH_ENDS = frozenset({",", ";", ".", ":", ")"})
_KK_DATIVE = ("ға", "ге", "қа", "ке", "на", "не")


def excepted(doc: Doc, lang: str) -> set[int]:
    """Tokens of what a clause leaves out: "except for shift changes requested by the employee,",
    «за исключением случаев работы на условиях неполного рабочего времени» (after the marker, up
    to the next comma), «демалыс күндерін қоспағанда» (Kazakh: before it, from the last comma)."""
    out: set[int] = set()
    for m in layers(doc).get("marker", ()):
        if m.id_ != "except":
            continue
        if lang == "kk":
            # back to the last comma, or to the word in the dative that governs what is left out
            # («еңбекті қорғауҒА жеке қорғану құралдарын қоспағанда ... жұмсайды»)
            start = next((i + 1 for i in range(m.start - 1, -1, -1) if doc[i].text in _STRETCH_ENDS
                          or (doc[i].lower_.endswith(_KK_DATIVE) and doc[i].lower_ != "және")), 0)
            out.update(range(start, m.end))
        else:
            end = m.end
            while True:
                end = next((i for i in range(end, len(doc)) if doc[i].text in _STRETCH_ENDS), len(doc))
                if not (end + 1 < len(doc) and doc[end].text == "," and _participle(doc[end + 1])):
                    break
                end += 1  # «кроме работников, находящихся в отпуске»: the participle still says whom
            out.update(range(m.start, end))
    return out


def _participle(token) -> bool:
    """A full participle («находящихся», «занятых»): it describes the words before it."""
    return "Part" in token.morph.get("VerbForm") and not token.morph.get("Variant")


def _qualifies(doc: Doc, spans: _Spans, numbers_at: dict[int, Number], end: int) -> bool:
    """Whether a quantity in a singular unit ("four (4) day") qualifies the words after it: a word
    that is no preposition or list word ("a ten-day PERIOD"), or the next quantity of a
    compound ("a four (4) day, TEN (10) hour workweek")."""
    if end >= len(doc):
        return False
    if doc[end].text == "," and end + 1 < len(doc):
        return end + 1 in numbers_at
    if doc[end].text == "-":
        end += 1  # "a ten (10)-day period"
    return end < len(doc) and doc[end].is_alpha and not any(
        spans.is_marker(kind, end) for kind in ("each", "between", "coordination", "in_advance", "after_event", "percent_of"))


def _head_cues(doc: Doc, spans: _Spans, cues: _Cues, q: Quantity, quantities_after: list[Quantity], part: Part) -> list:
    """The cues that name what an attributive quantity qualifies: in its own words ("an eight-hour
    SHIFT") or right after it, past the other quantities of a compound and two more words ("a ten
    (10) day PAID VACATION", "a four (4) day, ten (10) hour WORKWEEK")."""
    k = q.end
    for other in quantities_after:
        if other.start <= k + 1 and other.attributive:
            k = other.end
    limit = min(part.end, k + 3)
    # a cue opening at a word between its number and its unit names the unit, not what the quantity
    # qualifies: "a four (4) CONSECUTIVE HOUR period"
    return [c for c in cues.text if q.start <= c[0] < limit and c[1] > q.start and not doc[c[0]].like_num
            and not (c[0] > q.start and c[1] <= q.end and spans.is_marker("between", c[0]))]


def _period_before(spans: _Spans, start: int):
    """A period right before a quantity, past its comparator, as Kazakh puts it: «күніне екі
    сағаттан», «айына кемінде 12 сағат»; or None."""
    k = start
    cmp = spans.ends("cmp", k)
    if cmp is not None:
        k = cmp.start
    return spans.ends("period", k)


def _base_before(doc: Doc, spans: _Spans, start: int, lex: Lexicon, used: set[int]):
    """A unit of ``base_before`` (units.yaml) standing before a multiple or a share, across a
    comparator and the words a gap may hold: «ЕТЖ-ның бір еселенген», «мөлшерлеменің кемінде
    екі еселенген», «айлықақының 50 пайызы»; or None."""
    if not lex.base_before:
        return None
    k, steps = start, 0
    while k > 0 and steps < _GAP_LIMIT:
        unit = spans.ends("unit", k)
        if unit is not None:
            return unit if unit.id_ in lex.base_before and not used & set(range(unit.start, unit.end)) else None
        cmp = spans.ends("cmp", k)
        if cmp is not None:
            k, steps = cmp.start, steps + 1
            continue
        if not (spans.is_marker("gap", k - 1) or spans.is_marker("between", k - 1)):
            return None
        k, steps = k - 1, steps + 1
    return None


# --------------------------------------------------------------------------- 4. comparators


def _comparator(doc: Doc, spans: _Spans, q: Quantity, lo: int, taken: set[int]) -> tuple[str, tuple[int, int] | None, str | None]:
    """(comparator, its span, why the quantity is no guarantee) for a quantity in a part starting at ``lo``;
    ``taken`` are tokens read as a condition ("under three years"), never a comparator."""
    after = _comparator_after(doc, spans, q)
    k, steps = q.start, 0
    while k not in taken and (k - 1) not in taken:
        for marker, why in (("threshold", "a threshold ('{}')"), ("procedure", "a deadline ('{}')")):
            span = next((s for s in spans.layer("marker") if s.id_ == marker and s.end == k), None)
            # "after which double time shall apply": the threshold is the words before "which", said already
            if span is not None and spans.ends("cmp", k) is None and doc[k].lower_ != "which":
                return "=", None, why.format(span.text)
        cmp = spans.ends("cmp", k)
        if cmp is not None and cmp.id_ == "=":
            bound = spans.ends("cmp", cmp.start)
            if bound is not None and bound.id_ != "=":
                cmp = doc[bound.start:cmp.end]  # "not less than | the rate of two (2) times"
                cmp.id_ = bound.id_
        if cmp is not None and not taken & set(range(cmp.start, cmp.end)):
            if cmp.id_ == "=" and after is not None and after.id_ != "=":
                # «ұзақтығы 8 сағаттан аспайды»: "its length" names the amount, the bound follows it
                return after.id_, (after.start, after.end), None
            if cmp.id_ in (">", "<") and spans.is_marker("threshold", cmp.start):
                # "over 24 hours" bounds a part ("the part of leave exceeding 28 days") unless a
                # prohibition makes it a limit (_under_prohibition)
                return cmp.id_, (cmp.start, cmp.end), f"a threshold ('{cmp.text}')"
            return cmp.id_, (cmp.start, cmp.end), None
        if k <= lo or steps >= _GAP_LIMIT or not (spans.is_marker("gap", k - 1) or spans.is_marker("between", k - 1)):
            break
        k -= 1
        steps += 1
    if after is not None:
        return after.id_, (after.start, after.end), None
    return "=", None, None


def _own_ceiling(spans: _Spans, span: tuple[int, int]) -> bool:
    """Whether a comparator is a ceiling bound to its own number ("up to", «в размере до», «дейін»):
    its words are that ceiling's and the words that may stand before a quantity ("in an amount of")."""
    words = [i for i in range(*span) if not (spans.is_marker("gap", i) or spans.is_marker("between", i))]
    return bool(words) and all(spans.is_marker("own_ceiling", i) for i in words)


def _comparator_after(doc: Doc, spans: _Spans, q: Quantity) -> Span | None:
    """A comparator right after a quantity ("5 years or more", «40 сағаттан аспайтын»), past a comma
    or a few words that may stand between a number and its unit («ЕТЖ-дан кем емес»)."""
    k = q.end
    while k < len(doc) and k - q.end < 3 and spans.starts("cmp_after", k) is None and (
            doc[k].text == "," or spans.is_marker("between", k)):
        k += 1
    return spans.starts("cmp_after", k)


_FLIP = {">": "<=", "<": ">="}


def _under_prohibition(spans: _Spans, described: set[int], part: Part, q: Quantity, comparator: str, cmp_span) -> tuple[str, str | None]:
    """A quantity under a prohibition: "No employee shall work more than 16 hours" = at most 16;
    «не допускать ... свыше 24 часов» = at most 24; "shall not be paid at double rate" is no guarantee.
    A verb of a relative clause or an opening condition (``described``) does not bind: «за нерабочие
    праздничные дни, в которые они НЕ ПРИВЛЕКАЛИСЬ к работе, в размере 75 рублей» is paid."""
    cues = [s for s in spans.layer("modal") if s.id_ in ("obligation", "prohibition", "permission", "declaration")
            and part.start <= s.start and s.end <= q.start and s.start not in described
            and not (cmp_span and s.start < cmp_span[1] and cmp_span[0] < s.end)]
    if not cues:
        # "work beyond 16 hours a day IS PROHIBITED", «сверхурочная работа свыше 4 часов НЕ ДОПУСКАЕТСЯ»
        ban = next((s for s in spans.layer("marker") if s.id_ == "ban_after" and q.end <= s.start < part.end), None)
        if ban is not None and comparator in _FLIP and not any(
                q.end <= s.start < ban.start for s in spans.layer("modal") if s.id_ != "prohibition"):
            return _FLIP[comparator], None
        return comparator, None
    # overlapping cues read as one: "No employee shall be paid" is the ban, not "shall be paid"
    runs = longest_cues(cues)
    nearest = runs[-1]
    if len(runs) > 1 and runs[-2].id_ == "prohibition" and runs[-2].end == nearest.start:
        nearest = runs[-2]  # «не вправе ВЫПЛАЧИВАТЬ», "may not PAY": the ban governs the verb after it
    if nearest.id_ != "prohibition":
        return comparator, None
    if comparator in _FLIP:
        return _FLIP[comparator], None
    if comparator == "=":
        return comparator, f"negated ('{nearest.text}')"
    return comparator, None


def _lead_comparator(doc: Doc, spans: _Spans, part: Part) -> tuple[str, tuple[int, int]] | None:
    """A comparator at the very end of a lead-in ("... shall be not less than:") reaches its items."""
    k = part.end - 1 if doc[part.end - 1].text == ":" else part.end
    while k > part.start and spans.is_marker("gap", k - 1) and doc[k - 1].text != ":":
        cmp = spans.ends("cmp", k)
        if cmp is not None:
            break
        k -= 1
    cmp = spans.ends("cmp", k)
    return (cmp.id_, (cmp.start, cmp.end)) if cmp is not None else None


# --------------------------------------------------------------------------- 6. parameters


def _readings(q: Quantity) -> list[tuple[str, float]]:
    """The (unit, value) pairs a quantity may be read in: its unit, the other units its words
    name, a percent of a base as that base, and calendar days as days (a parameter counted in
    plain days, such as notice, takes calendar days as they are)."""
    if q.unit is None:
        return [(u, q.value) for u in _BARE_MULTIPLE_UNITS]
    out = [(q.unit, q.value)] + [(u, q.value) for u in q.alternatives]
    if q.unit == "calendar_days":
        out.append(("days", q.value))
    if q.unit == "percent" and q.of_unit:
        out.append((q.of_unit, q.value / 100))
    if q.unit == "percent" and q.of_unit in (None, "rate_multiple", "official_salary"):
        # "a rate of 200 per cent" for a premium: two times the rate
        out.append(("rate_multiple", q.value / 100))
    return out


def _cue_list(spans: _Spans) -> list[tuple[int, int, str, bool]]:
    """(start, end, parameter, weak) of every parameter cue: a weak cue ("aid", «помощь») counts
    only where no other cue fits."""
    strong = [(s.start, s.end, s.id_, False) for s in spans.layer("param")]
    # a meal break's words claim the quantity they govern for no parameter: "a lunch break of one hour"
    breaks = [s for s in spans.layer("marker") if s.id_ == "meal_break"]
    strong += [(s.start, s.end, UNASSIGNED, False) for s in _outermost(breaks)]
    weak = [(s.start, s.end, s.id_, True) for s in spans.layer("param_weak")
            if not any(a <= s.start and s.end <= b for a, b, _, _ in strong)]
    return sorted(strong + weak)


class _Cues:
    """The parameter cues of the clause, its lead-ins and its heading, and what rules them out."""

    def __init__(self, doc: Doc, spans: _Spans, heading: _Spans | None, outer: _Spans | None, lex: Lexicon,
                 parts: list[Part], topic_words: set[str], conditions: set[str], left_out: set[int] = frozenset()):
        self.spans, self.parts, self.lex = spans, parts, lex
        # what the clause leaves out ("excluding employees on a monthly salary") says nothing of what
        # its amounts are for
        self.text = [c for c in _cue_list(spans) if c[0] not in left_out]
        self.heading = _cue_list(heading) if heading else []
        self.outer = _cue_list(outer) if outer else []
        # where each parameter is blocked, by parameter: a clause of an annex may hold thousands
        self.blocks: dict[str, list[int]] = {}
        for s in spans.layer("block"):
            self.blocks.setdefault(s.id_, []).append(s.start)
        self.topic_words = topic_words
        self.conditions = conditions
        self.units = _parameter_units()

    def allowed(self, pid: str, q: Quantity, part: Part, comparator: str = "=", weak: bool = False) -> tuple[str, float] | None:
        """The reading of ``q`` in ``pid``'s units, if ``pid`` may govern it in ``part``."""
        if pid == UNASSIGNED:
            # a break's length: shorter than the rest between shifts, which a break as long as it is
            rest = self.lex.parameters.get("working_time.rest_between_shifts")
            short = rest is None or rest.at_least is None or q.value < rest.at_least
            return ("hours", q.value) if q.unit == "hours" and q.period is None and short else None
        rule = self.lex.parameters.get(pid)
        if rule is None or rule.flag or q.subunit:
            return None  # no parameter is measured in minutes: a break's length, a deadline, time credited
        if weak and rule.periods and q.period not in rule.periods:
            return None  # "work" says "working hours" only of "40 hours a week", "8 hours a day"
        if rule.comparators and comparator not in rule.comparators:
            return None
        if rule.periods and q.period is not None and q.period not in rule.periods:
            return None
        if not rule.periods and q.period is not None and q.unit == "hours" and pid != "job_security.job_search_time":
            return None
        if rule.in_advance and q.period is not None:
            return None  # a time before an event is never "a week": "one day a week to look for work"
        scopes = [part] + ([self.parts[part.lead_in]] if part.lead_in is not None else [])
        if any(sc.start <= s < sc.end for s in self.blocks.get(pid, ()) for sc in scopes):
            return None
        if rule.requires and not (set(rule.requires) & (self.topic_words | self.conditions)):
            return None
        if q.unit is None and not q.multiple:
            return None
        readings = _readings(q)
        if pid in _SHARE_OF_EARNINGS and q.unit == "monthly_wage":
            readings.append(("percent", q.value * 100))  # "topped up to the average earnings": 100 % of them
        for unit, value in readings:
            if unit in self.units[pid]:
                fits = (rule.at_most is None or value <= rule.at_most) and (rule.at_least is None or value >= rule.at_least)
                return (unit, value) if fits else None
        return None


#: Parameters stated as a share of the worker's own average earnings (taxonomy: "topped up to a share
#: of average earnings"), so the average earnings themselves are 100 %.
_SHARE_OF_EARNINGS = frozenset({"family_maternity.maternity_top_up", "social_benefits.sick_pay_top_up"})


def _break_of(doc: Doc, spans: _Spans, start: int, end: int, q: Quantity) -> bool:
    """Whether the meal-break words at ``start:end`` name what ``q`` measures: they stand right before
    it ("a lunch break OF one hour", «перерыв ПРОДОЛЖИТЕЛЬНОСТЬЮ один час») or right after it ("one
    hour FOR lunch", «1 час ОТВОДИТСЯ НА обед»), and are not a part of something else ("the shift,
    including the lunch break, ...", «с учетом перерыва на обед»)."""
    if q.start < end and start < q.end:
        return True  # "a one-hour lunch break": the quantity qualifies them
    k = start - 1
    while k >= 0 and spans.is_marker("between", k) and doc[k].is_alpha:
        k -= 1  # "including THE lunch break"
    if k >= 0 and (spans.is_marker("including", k) or spans.is_marker("except", k) or spans.is_marker("aside", k)):
        return False
    gap = range(end, q.start) if end <= q.start else range(q.end, start)
    return len(gap) <= 4 and not any(doc[i].text in ",;." or (spans.starts("param", i) is not None
                                                             and not spans.is_marker("time_frame", i)) for i in gap)


def _joined(doc: Doc, spans: _Spans, end: int, start: int) -> bool:
    """Whether only a list's joining words (",", "and", "work on") stand between two cues."""
    gap = [i for i in range(end, start) if not _in_parentheses(doc, i)]
    return len(gap) <= 8 and all(spans.is_marker("coordination", i) or doc[i].is_space for i in gap)


def _coordinated(doc: Doc, spans: _Spans, cues: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The cues of a list that ends at the last cue: "overtime, night work and work on holidays"."""
    chain = [cues[-1]]
    for cue in reversed(cues[:-1]):
        if not _joined(doc, spans, cue[1], chain[0][0]) or UNASSIGNED in (cue[2], chain[0][2]):
            break  # a meal break is no item of a list of guarantees
        chain.insert(0, cue)
    return chain


def _in_parentheses(doc: Doc, i: int) -> bool:
    """Whether token ``i`` stands inside (...) of the same sentence: "night work (from 22:00 to 06:00)"."""
    depth = 0
    for t in doc[max(0, i - 12):i]:
        depth += (t.text == "(") - (t.text == ")")
    return depth > 0 or doc[i].text in "()"


#: Units so common that only a cue in the quantity's own sentence may say what they measure;
#: a quantity in another unit may take its parameter from anywhere in the clause or its heading.
_LOCAL_UNITS = frozenset({"hours", "percent", "days", "kzt", "rub"})


def _choose(doc: Doc, spans: _Spans, cues: _Cues, quantities: list[Quantity], idx: int, parts: list[Part], k: int,
            comparator: str):
    """The parameters of quantity ``quantities[idx]`` in part ``k``: [(pid, unit, value)], the cue spans, and why not."""
    q, part = quantities[idx], parts[k]
    later = quantities[idx + 1:]
    prev_end = quantities[idx - 1].end if idx else 0
    next_start = later[0].start if later else len(doc)

    def fitting(found, own_words_ok=False):
        out = []
        for s, e, pid, weak in found:
            if s < q.end and q.start < e and not own_words_ok and not (q.start < s and spans.is_marker("between", s)
                                                                        and doc[s].is_alpha) and not q.start < s < q.end < e:
                # the quantity's own words ("hours a week") say nothing of what it is for, but a
                # word between its number and its unit may ("three (3) ADDITIONAL DAYS"), and so may
                # words its unit begins ("Five (5) DAYS OF PAID LEAVE")
                continue
            if pid == UNASSIGNED and not _break_of(doc, spans, s, e, q):
                continue
            reading = cues.allowed(pid, q, part, comparator, weak)
            if reading is not None:
                out.append((s, e, pid, weak, reading))
        strong = [c for c in out if not c[3]]
        return strong or out

    pay = spans.starts("marker", q.end, "pay_in_hours")
    if q.unit == "hours" and pay is not None:
        return [], (), f"'{doc[q.start:pay.end].text}' is an amount of pay counted in hours"
    before = spans.ends("cmp", q.start)
    credited = spans.ends("marker", before.start if before is not None else q.start, "credited")
    if q.unit == "hours" and credited is not None:
        return [], (), f"'{doc[credited.start:q.end].text}' is time credited, counted in hours"
    # a meal break right after it is what it measures: "a one-hour LUNCH BREAK", "one (1) hour for LUNCH"
    meal = fitting([c for c in cues.text if c[2] == UNASSIGNED and q.end <= c[0] < next_start
                    and all(spans.is_marker("for_break", i) for i in range(q.end, c[0]))])
    if meal:
        return [(UNASSIGNED, *meal[0][4])], ((meal[0][0], meal[0][1], "text"),), None
    if q.attributive:
        # "a four (4) day, ten (10) hour workweek": the quantity says what the words it qualifies are,
        # and is a guarantee only of a parameter those words name ("a ten (10) day paid vacation")
        head = fitting(_head_cues(doc, spans, cues, q, later, part), own_words_ok=True)
        if head:
            s, e, pid, _, reading = min(head, key=lambda c: c[0])
            return [(pid, *reading)], ((s, e, "text"),), None
        return [], (), f"'{doc[q.start:q.end].text}' qualifies the words after it, which name nothing it can be a guarantee of"
    # before the quantity, after the previous one, in the same part: every cue of a list ending there
    # (a cue right after the previous quantity is that quantity's: "at a 36-hour WORKING WEEK, up to 12 hours")
    after_previous = prev_end if prev_end > part.start else -1
    before = fitting([c for c in cues.text if max(part.start, prev_end) <= c[0] and c[1] <= q.start
                      and not (c[0] == after_previous or (c[0] == after_previous + 1 and spans.is_marker("between", after_previous)))])
    if before and all(c[3] for c in before):
        # only a generic word ("paid") since the previous quantity: a named guarantee of the same part
        # governs it ("a funeral grant of up to 30 MCI is paid ..., otherwise 10 MCI")
        named = fitting([c for c in cues.text if part.start <= c[0] and c[1] <= q.start and not c[3]])
        if named:
            before = named
    rate_names = [(r.start, r.end) for r in spans.layer("own_rate")]
    if rate_names and before:
        # a rate named as the agreement's own ("work on public holidays shall be paid at THE OVERTIME
        # RATE of double time") is how it is paid; the work it is paid for is the guarantee
        paid_for = [c for c in before if not any(a <= c[0] and c[1] <= b for a, b in rate_names)]
        if paid_for and len(paid_for) < len(before):
            before = paid_for
    # after it, up to the next quantity or the next comma: "double the rate for work on public holidays",
    # not "... three monthly wages, excluding the insurance payment" («без учета страховой выплаты»)
    stop = next((t.i for t in doc[q.end:min(part.end, next_start)] if t.text in (",", ";")
                 or spans.is_marker("aside", t.i) or spans.is_marker("except", t.i)),
                min(part.end, next_start))
    # a cue may begin at the quantity's own unit word: "Five (5) DAYS OF PAID LEAVE", "two DAYS OF LEAVE WITH PAY"
    after = fitting([c for c in cues.text if (q.end <= c[0] or q.start < c[0] < q.end < c[1]) and c[1] <= stop])
    if after and all(c[3] for c in after) and not before:
        # only a generic word after it ("at twice the rate THEREAFTER"): a named guarantee before it in the
        # same part governs it ("Work on a rest day is remunerated at one and a half times ... and at twice ...")
        named = fitting([c for c in cues.text if part.start <= c[0] and c[1] <= q.start and not c[3]])
        if named:
            before = named
    if before and all(c[3] for c in before) and after and not all(c[3] for c in after):
        # a generic word before it, the guarantee named right after it: "Call-in pay shall be at double
        # time FOR ALL HOURS WORKED ON A HOLIDAY"
        before = []
    framed = [c for c in before if spans.is_marker("time_frame", c[0])]
    if framed:
        # "during each shift" says when, not what: «для приема пищи В ТЕЧЕНИЕ СМЕНЫ отводится 1 час»,
        # "During each shift, one hour is allowed for lunch"
        named = [c for c in before if c not in framed and not c[3]]
        before = named if named else [] if after else before
    if before:
        nearest = max(before, key=lambda c: (c[1], c[1] - c[0]))
        chain = _coordinated(doc, spans, [(s, e, p) for s, e, p, _, _ in before if e <= nearest[1]])
        chosen = {p for _, _, p in chain} | {nearest[2]}
        picked = []
        for _s, _e, pid, _, reading in before:
            if pid in chosen and pid not in {p for p, _, _ in picked}:
                picked.append((pid, *reading))
        spans_used = tuple((s, e, "text") for s, e, pid, _, _ in before if pid in chosen)
        return _drop_general(picked), spans_used, None
    if after:
        # the first cue after it, and the cues coordinated with it: "double rate for work on public
        # holidays and days off"
        ordered = sorted(after, key=lambda c: c[0])
        picked, used = [], []
        for s, e, pid, _, reading in ordered:
            if used and (not _joined(doc, spans, used[-1][1], s) or UNASSIGNED in (pid, picked[0][0])):
                break
            if pid not in {p for p, _, _ in picked}:
                picked.append((pid, *reading))
            used.append((s, e, "text"))
        return _drop_general(picked), tuple(used), None
    # its lead-in ("a lump sum ... of not less than: group 1 - nine monthly wages, ..."), then
    # anywhere in the part, then its sentence; then the clause and its heading
    scopes = []
    if part.lead_in is not None:
        li = parts[part.lead_in]
        scopes.append(("lead_in", [c for c in cues.text if li.start <= c[0] < li.end], False))
    scopes.append(("text", [c for c in cues.text if part.start <= c[0] < part.end], False))
    lo, hi = _sentence_of(parts, k)
    # an item's amounts are said by its own words and the lead-ins of its sentence, never by a sibling item's
    leads = [(p.start, p.end) for p in parts if p.kind == "lead_in" and lo <= p.start < hi] + [(part.start, part.end)]
    scopes.append(("text", [c for c in cues.text if lo <= c[0] < hi
                            and (part.kind != "item" or any(a <= c[0] < b for a, b in leads))], False))
    scopes.append(("outer", cues.outer, True))  # a table cell's clause
    if q.unit not in _LOCAL_UNITS:
        # an item's subject is restated by the items after it ("b) for subsequent hours at double time"),
        # never announced by them: a later item's words ("b) On an overtime day, ...") are not an earlier one's
        later_items = [(p.start, p.end) for p in parts if p.kind == "item" and p.start >= part.end] if part.kind == "item" else []
        scopes.append(("text", [c for c in cues.text if not any(a <= c[0] < b for a, b in later_items)], True))
        scopes.append(("heading", cues.heading, True))
    for where, found, afar in scopes:
        if afar:
            found = [c for c in found if not c[3]]  # a generic word says nothing from afar
        if where in ("text", "lead_in"):
            # a cue in another quantity's own words is that quantity's: "four ten-hour DAYS ... two hours"
            found = [c for c in found if not any(o.start <= c[0] < o.end for o in quantities if o is not q)]
            # "at the regular rate for the shift, AFTER WHICH time and one-half": of what comes after it
            found = [c for c in found if not (c[0] >= q.end and spans.is_marker("looks_ahead", c[0]))]
        fit = fitting(found, own_words_ok=where in ("outer", "heading"))
        if fit:
            # the nearest cue, one before the quantity first: legal drafting names the subject, then
            # restates it ("Overtime shall be paid at ... Compensatory time is credited at time and one-half")
            s, e, pid, _, reading = min(fit, key=lambda c: (where == "text" and c[0] > q.start, abs(c[0] - q.start)))
            return [(pid, *reading)], ((s, e, where),), None
    # inflation measures only indexation: «тарифные ставки повышаются на уровень инфляции»
    own = _NAMED_BY_UNIT.get(q.unit or "")
    if own is not None and (reading := cues.allowed(own, q, part, comparator)) is not None:
        return [(own, *reading)], (), None
    return [], (), _why_unassigned(q, cues, part)


def _conditions_before_the_rule(doc: Doc, spans: _Spans) -> set[int]:
    """Tokens of an opening condition that a comma closes before the sentence's binding verb: "If an
    employee works ten (10) hours in a day, he shall be provided with a meal". Not a condition after a
    colon that lists cases («: при стаже от 5 лет – 100 процентов, ...»)."""
    modal = spans.layer("modal")
    tokens = subordinate_clauses(doc, [m for m in modal if m.id_ == "subordinate"])
    verbs = [m.start for m in modal if m.id_ in ("obligation", "prohibition", "permission")]
    out: set[int] = set()
    for start, end in _runs(sorted(tokens)):
        after_colon = start > 0 and doc[start - 1].text in (":", "–", "—", "-")
        closed = end < len(doc) and doc[end].text == ","
        sentence_end = next((t.i for t in doc[end:] if t.text in (".", ";")), len(doc))
        if closed and not after_colon and any(end < v < sentence_end for v in verbs):
            out.update(range(start, end))
    return out


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive indices as (start, end) ranges."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


_NAMED_BY_UNIT = {"inflation": "wage_indexation.rate"}  # a unit only one parameter is stated in, and says it
_LIST_REACH = 10  # tokens from a list's threshold to its last item


def _drop_general(picked: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Of two leave parameters read from one list, the more specific stays ("additional annual leave")."""
    pids = {p for p, _, _ in picked}
    if "annual_leave.additional_days" in pids:
        picked = [x for x in picked if x[0] != "annual_leave.days"]
    return picked


def _why_unassigned(q: Quantity, cues: _Cues, part: Part) -> str:
    if q.subunit:
        return f"counted in '{q.subunit}', in which no parameter is measured (a break, a deadline, time credited)"
    unit = q.unit or "a multiple"
    words = [c[2] for c in cues.text] + [c[2] for c in cues.heading]
    if not words:
        return f"no words in the clause or its heading say what the {unit} quantity is a guarantee of"
    period = f" per {q.period}" if q.period not in (None, "other") else " over a period of its own" if q.period else ""
    return (
        f"none of the parameters named in the clause ({', '.join(sorted(set(words)))}) is said, by words that"
        f" govern this quantity, in {unit}{period}"
    )


# --------------------------------------------------------------------------- 5. conditions, assigned


def _distance(c: Condition, q: Quantity, doc: Doc) -> tuple[int, int, bool]:
    """How far a condition stands from a quantity: first the commas between them (a condition belongs
    to the quantity of its own stretch of the sentence: «38 сағаттан аспайтын, ал зиянды еңбек
    жағдайларында ... 36 сағаттан»), then the words."""
    lo, hi = (c.end, q.start) if c.end <= q.start else (q.end, c.start)
    commas = sum(1 for t in doc[lo:hi] if t.text in (",", ";")) if lo < hi else 0
    return commas, min(abs(c.end - q.start), abs(c.start - q.end)), c.start > q.start


def _condition_for(q: Quantity, pid: str, part: Part, parts: list[Part], conditions: list[Condition],
                   doc: Doc, spans: _Spans, numbers: list[Number], lex: Lexicon,
                   quantities: list[Quantity] = ()) -> Condition | None:
    rule = lex.parameters.get(pid)
    implied = set(rule.implies) if rule else set()
    # a condition belongs to the quantity of its part it stands nearest to: in "40 hours a week, and
    # for harmful work 36 hours a week" the harmful condition is the 36 hours'
    rivals = [o for o in quantities if o is not q and part.start <= o.start < part.end]
    usable = [c for c in conditions if c.kind not in implied and not (q.start <= c.start < q.end)
              and not any(_distance(c, o, doc) < _distance(c, q, doc) for o in rivals if not (o.start <= c.start < o.end))]

    def nearest(lo: int, hi: int) -> Condition | None:
        inside = [c for c in usable if lo <= c.start < hi]
        if not inside:
            return None
        return min(inside, key=lambda c: (min(abs(c.end - q.start), abs(c.start - q.end)), c.start > q.start))

    found = nearest(part.start, part.end)
    if found is None and part.lead_in is not None:
        li = parts[part.lead_in]
        found = nearest(li.start, li.end)
        if found is not None and found.kind == "seniority":
            item_range = range_in(doc, spans.layer("cond") + spans.layer("range"), numbers, part.start, part.end)
            if item_range:
                text, s, e = item_range
                phrase = lex.conditions["phrases"]["seniority"].format(range=text)
                return Condition("seniority", phrase, s, e)
        if found is not None and found.kind == "depending":
            found = None
        if found is None and any(c.kind in ("seniority", "depending") for c in usable if li.start <= c.start < li.end):
            item_range = range_in(doc, spans.layer("cond") + spans.layer("range"), numbers, part.start, part.end)
            if item_range:
                text, s, e = item_range
                return Condition("seniority", lex.conditions["phrases"]["seniority"].format(range=text), s, e)
    if found is not None and found.kind == "depending":
        found = None
    return found


_EVENTS = frozenset({"birth", "marriage", "death_relative", "death_employee", "medical_treatment", "retirement"})


def _with_conditions(picked, q, part, parts, conditions, doc, spans, numbers, lex, quantities=()):
    """(pid, unit, value, condition) for each parameter, and for each event of a coordinated list
    sharing the value ("on the birth of a child, marriage and the death of a close relative: 10 MCI")."""
    for pid, unit, value in picked:
        cond = _condition_for(q, pid, part, parts, conditions, doc, spans, numbers, lex, quantities)
        if cond is None or cond.kind not in _EVENTS:
            yield pid, unit, value, cond
            continue
        chain = [cond]
        events = sorted((c for c in conditions if c.kind in _EVENTS and c is not cond), key=lambda c: c.start)
        for direction in (-1, 1):
            edge = cond
            for other in (reversed(events) if direction < 0 else events):
                a, b = (other, edge) if direction < 0 else (edge, other)
                if a.end > b.start:
                    continue
                gap = [i for i in range(a.end, b.start) if not doc[i].is_space]
                if len(gap) <= 4 and all(spans.is_marker("coordination", i) or spans.is_marker("gap", i) for i in gap):
                    chain.append(other)
                    edge = other
                elif (direction < 0 and other.end <= edge.start) or (direction > 0 and other.start >= edge.end):
                    break
        phrases: set[str] = set()
        for c in sorted(chain, key=lambda c: c.start):
            if c.phrase not in phrases:  # "birth or adoption of a child": one condition
                phrases.add(c.phrase)
                yield pid, unit, value, c


# --------------------------------------------------------------------------- the reader


@dataclass(frozen=True)
class Context:
    """What a clause is read with: its section heading, its modality, and (for a table cell)
    the clause the table belongs to. Each Doc has lemmas and lexicon spans."""

    heading: Doc | None = None
    modality: str | None = None
    outer: Doc | None = None
    lead_in: Doc | None = None  # the clause's lead-in ("Employees agree:"), whose subject its items share


def read_clause(doc: Doc, lang: str, context: Context = Context()) -> ClauseReading:
    """Read the norms of one clause Doc (tokens, lemmas and lexicon spans already set)."""
    lex = lexicon(lang)
    text = doc.text
    spans = _Spans(doc)
    heading = _spans(context.heading) if context.heading is not None else None
    outer = _spans(context.outer) if context.outer is not None else None
    reading = ClauseReading(lang, text)
    reading.parts = parts = read_parts(doc)
    reading.numbers = numbers = read_numbers(doc, lang)
    reading.conditions = conditions = read_conditions(doc, spans.layer("cond") + spans.layer("range"), numbers, lang)
    cond_tokens = {i for c in conditions for i in range(c.start, c.end)}
    quantities, _ = read_quantities(doc, spans, [n for n in numbers if n.start not in cond_tokens], lex, lang)
    reading.quantities = quantities
    # what a parameter's `requires` may find: the head terms of topics (not their looser terms)
    topic_words = {s.id_ for s in spans.layer("topic")} | {span.id_ for span, _ in topic_pairs(doc)}
    # and the conditions read; a cause with no phrase of its own ("an accident at work") by its words alone
    phrased = lex.conditions.get("phrases") or {}
    cond_kinds = {c.kind for c in conditions} | {s.id_ for s in spans.layer("cond") if s.id_ not in phrased}
    for other in (heading, outer):
        if other is not None:
            topic_words |= {s.id_ for s in other.layer("topic")}
            cond_kinds |= {s.id_ for s in other.layer("cond")}
    cues = _Cues(doc, spans, heading, outer, lex, parts, topic_words, cond_kinds, excepted(doc, lang))

    binding = context.modality is not None
    described = subordinate_clauses(doc, spans.layer("modal"))
    conditional = _conditions_before_the_rule(doc, spans)
    overtime_end = None  # end of the last quantity of hours past which overtime begins
    overtime_cue: dict[str, tuple] = {}  # parameter -> the cue of the hours past which overtime begins
    for idx, q in enumerate(quantities):
        k = _part_of(parts, q.start)
        part = parts[k]
        comparator, cmp_span, not_guarantee = _comparator(doc, spans, q, part.start, cond_tokens)
        if cmp_span is None and q.comparator != "=":
            comparator = q.comparator  # "fortnightly": at least twice a month
        if cmp_span is None and not_guarantee is None and q.start and spans.is_marker("list_last", q.start - 1):
            # "in excess of the scheduled hours per day OR forty (40) hours per week": the threshold of a
            # list reaches its last item even where the first has no number
            lead = [s for s in spans.layer("cmp") + spans.layer("marker") if s.id_ in (">", "threshold")
                    and part.start <= s.start and q.start - _LIST_REACH <= s.start < q.start]
            if lead and not any(lead[-1].end <= n.start < q.start for n in numbers):
                not_guarantee = f"a threshold ('{lead[-1].text}')"
        if cmp_span is None and not_guarantee is None and idx:
            # "shall not exceed 40 hours a week, and for ... harmful work, 36 hours a week": one comparator
            # for both values of a sentence; not a ceiling bound to its own number: "up to 50 MCI, and
            # 20 MCI where no documents are presented" («до 23000 рублей, а при отсутствии документов – 11500»)
            earlier = next((r for r in reversed(reading.readings) if r.quantity.unit == q.unit), None)
            if earlier is not None and earlier.comparator_span and part.start <= earlier.quantity.start \
                    and not _own_ceiling(spans, earlier.comparator_span):
                comparator, cmp_span = earlier.comparator, earlier.comparator_span
                if (earlier.not_a_guarantee or "").startswith("a threshold"):
                    not_guarantee = earlier.not_a_guarantee  # "at a rate exceeding time and one-half, i.e., time and one-half"
                elif earlier.parameters and earlier.cue_spans == overtime_cue.get(earlier.parameters[0]):
                    not_guarantee = "a threshold (shared)"  # hours past which overtime begins, said again
        if cmp_span is None and not_guarantee is None and idx + 1 < len(quantities):
            # «айына 12 сағаттан және жылына 120 сағаттан аспайды»: a bound after the last of
            # coordinated quantities is theirs too
            later = quantities[idx + 1]
            between = range(q.end, later.start)
            if later.unit == q.unit and between and all(
                    spans.is_marker("coordination", i) or spans.starts("period", i) is not None
                    or any(p.start <= i < p.end for p in spans.layer("period")) for i in between):
                after = _comparator_after(doc, spans, later)
                if after is not None:
                    comparator, cmp_span = after.id_, (after.start, after.end)
        if cmp_span is None and part.kind == "item" and part.lead_in is not None:
            lead = _lead_comparator(doc, spans, parts[part.lead_in])
            if lead and not any(other.start < q.start and part.start <= other.start for other in quantities):
                comparator, cmp_span = lead
        if comparator == "<=" and cmp_span is not None and _topped_up(doc, spans, part, cmp_span, q, lang):
            comparator = "="  # «доплата до среднего заработка»: the level the benefit is brought up to
        if not_guarantee is None or not_guarantee.startswith("a threshold"):
            flipped, negated = _under_prohibition(spans, described, part, q, comparator, cmp_span)
            if flipped != comparator:
                comparator, not_guarantee = flipped, None
            elif not_guarantee is None:
                not_guarantee = negated
        after_event = spans.starts("marker", _past_aside(doc, spans, q.end), "after_event") is not None
        if not_guarantee is None and comparator == ">=" and cmp_span is not None:
            # "no later than 10 days after the request": a deadline; "... before the dismissal": notice
            words = doc[cmp_span[0]:cmp_span[1]].text.lower()
            if "later" in words or "позднее" in words or "позже" in words:
                if after_event:
                    not_guarantee = "a deadline counted from an event"
        if not_guarantee is None and after_event and q.unit in ("days", "working_days", "calendar_days") and comparator in ("<=", "="):
            not_guarantee = "a deadline counted from an event"
        if not_guarantee is None and comparator in (">", "<") and q.unit in _LOCAL_UNITS | {"weeks", "months", "working_days", "calendar_days"}:
            # "with less than 12 hours' notice", "more than five consecutive days": a threshold of a rule
            not_guarantee = f"a threshold ('{doc[cmp_span[0]:cmp_span[1]].text}')" if cmp_span else "a threshold"
        if not_guarantee is None and q.start > 0 and spans.is_marker("each", q.start - 1):
            not_guarantee = f"a base of a rate ('{doc[q.start - 1:q.end].text}')"  # "one hour of pay for every two hours"
        overtime = None
        listed = overtime_end is not None and _joined(doc, spans, overtime_end, q.start)  # "8 hours a day or 40 hours a week"
        if ((not_guarantee or "").startswith("a threshold") or listed) and q.start not in described:
            # not in an opening condition: "Should ... either employee work more than forty (40) hours in a
            # workweek, the hours in excess ... shall not be considered overtime"
            overtime = _overtime_threshold(doc, spans, q, parts, k)
            if overtime is not None:
                comparator, not_guarantee = "<=", None
        overtime_end = q.end if overtime is not None else None
        if not_guarantee is None and overtime is None:
            not_guarantee = _defining(doc, spans, parts, k) or _proposed(spans, parts, k) or _regime(doc, spans, q, lang)
        if not_guarantee is None and overtime is None and cmp_span is None and q.start in conditional:
            # "If an employee works an additional four (4) hours beyond his/her regular shift, he/she shall
            # be entitled to an additional paid rest break": the circumstance the rule is for, no guarantee
            # (a bound still says one: "When an employee is required to return to work WITHOUT AN eight (8)
            # hour break, ... overtime rates")
            opening = q.start
            while opening - 1 in conditional:
                opening -= 1
            not_guarantee = f"the circumstance a condition names ('{doc[opening:q.end].text}')"
        if not_guarantee is None and q.attributive and cmp_span is None and q.start in described:
            # "When working eight (8) hour work shifts, two rest breaks ...": the schedule the clause
            # speaks of, named in its condition, is no guarantee
            not_guarantee = f"the schedule a condition names ('{doc[q.start:q.end].text}')"
        if not_guarantee is None and q.attributive and cmp_span is None and (kind := _schedule_kind(doc, spans, q)):
            # "on the establishment of a four (4) ten (10) hour day SYSTEM": a kind of schedule, named
            not_guarantee = f"a kind of schedule ('{kind}')"
        if not_guarantee is None and q.attributive and cmp_span is None and (named := _referred_to(doc, spans, q)):
            # "spaced in THE ten (10) hour shift": a schedule the clause speaks of is none it sets
            not_guarantee = f"a schedule the clause refers to ('{named}')"
        if not_guarantee:
            reading.readings.append(Reading(q, comparator, cmp_span, not_a_guarantee=not_guarantee))
            continue
        if overtime is not None:
            picked, cue_spans, why = [overtime[0]], (overtime[1],), None
            overtime_cue[overtime[0][0]] = cue_spans
        else:
            picked, cue_spans, why = _choose(doc, spans, cues, quantities, idx, parts, k, comparator)
            if any(p[0] == UNASSIGNED for p in picked):
                picked = [p for p in picked if p[0] != UNASSIGNED]
                if not picked:
                    named = next((doc[a:b].text for a, b, where in cue_spans if where == "text"), "a meal break")
                    why = f"the length of a break ('{named}'), which no parameter measures"
        advance = _in_advance(doc, spans, q)
        if picked and advance:
            # "three days before the leave starts" is when leave pay is due, not how long the leave is
            kept = [p for p in picked if lex.parameters.get(p[0]) and lex.parameters[p[0]].in_advance]
            if not kept:
                why = f"a time before an event ('{advance}'), which none of {', '.join(p[0] for p in picked)} is stated as"
            picked = kept
        if not picked:
            reading.readings.append(Reading(q, comparator, cmp_span, unassigned_why=why))
            if binding and q.unit is not None:
                norm = Norm(parameter=UNASSIGNED, comparator=comparator, value=q.value, unit=q.unit, condition=None,
                            text=_words(doc, cmp_span, q))
                reading.norms.append(norm)
                reading.evidence.append(_evidence(doc, norm, cmp_span, q, (), None, f"unassigned: {why}; {q.how}"))
            continue
        bound = comparator
        if comparator == "=" and cmp_span is None:
            bound = _bound_by_cue(spans, cue_spans, context)  # "a minimum monthly wage of 180,000 tenge"
        for pid, unit, value, cond in _with_conditions(picked, q, part, parts, conditions, doc, spans, numbers, lex,
                                                       [r.quantity for r in reading.readings if not r.not_a_guarantee]
                                                       + quantities[idx + 1:]):
            rule = lex.parameters.get(pid)
            phrase = cond.phrase if cond else (rule.condition if rule else None)
            if phrase is None and rule is not None and len(rule.periods) > 1 and q.period:
                # "2 hours a day and 12 hours a month": two limits; "120 hours per quarter" in its own words
                phrase = f"per {q.period}" if q.period != "other" else q.period_words
            if unit == "rate_multiple" and q.unit == "percent":
                value = _times_the_rate(q.value, _supplement(spans, q, part, cue_spans))
            if _restated_bound(reading.norms, pid, bound, value, unit, phrase):
                reading.readings.append(Reading(q, comparator, cmp_span, (pid,), cue_spans, cond, phrase,
                                                not_a_guarantee="a bound on the amount the clause has fixed already"))
                continue
            norm = Norm(parameter=pid, comparator=bound, value=value, unit=unit, condition=phrase,
                        text=_words(doc, cmp_span, q))
            reading.readings.append(Reading(q, comparator, cmp_span, (pid,), cue_spans, cond, phrase))
            reading.norms.append(norm)
            sources = {"heading": context.heading, "outer": context.outer}
            cue_words = ", ".join(
                f"'{(sources.get(w) or doc)[s:e].text}'" + (f" ({'heading' if w == 'heading' else 'clause'})" if w in sources else "")
                for s, e, w in cue_spans
            )
            rule_text = f"{q.how}; parameter from {cue_words}" if cue_words else q.how
            if cmp_span:
                rule_text += f"; comparator '{doc[cmp_span[0]:cmp_span[1]].text}'"
            if cond:
                rule_text += f"; condition from '{doc[cond.start:cond.end].text}'"
            reading.evidence.append(_evidence(doc, norm, cmp_span, q, cue_spans, cond, rule_text))
    _flags(doc, spans, lex, reading, binding, topic_words, context)
    if binding:
        _paid_at_named_rate(doc, spans, cues, reading)
    return reading


def _paid_at_named_rate(doc: Doc, spans: _Spans, cues: _Cues, reading: ClauseReading) -> None:
    """Work paid at a rate the clause names as its own and also states: "... one and one-half times
    the rate for hours over eight, unless on their regular day off, where the employee shall RECEIVE
    OVERTIME" is day-off work at 1.5. The work is named right before the rate's name, after the
    previous quantity; a rate stated twice with two values, or named in the plural ("the applicable
    overtime rates"), names no one value."""
    for name in spans.layer("own_rate"):
        values = {n.value for n in reading.norms if n.parameter == name.id_ and n.unit == "rate_multiple"}
        if len(values) != 1 or spans.is_marker("several_rates", name.end - 1):
            continue
        value = values.pop()
        after = max((r.quantity.end for r in reading.readings if r.quantity.end <= name.start), default=0)
        k = _part_of(reading.parts, name.start)
        lo = max(after, reading.parts[k].start if reading.parts[k].kind == "item" else _sentence_of(reading.parts, k)[0])
        work = [(s, e, pid) for s, e, pid, weak in cues.text if lo <= s and e <= name.start and not weak and pid != name.id_
                and "rate_multiple" in cues.units.get(pid, ())]
        if not work:
            continue
        for s, e, pid in _coordinated(doc, spans, work):
            if any(n.parameter == pid for n in reading.norms):
                continue
            norm = Norm(parameter=pid, comparator="=", value=value, unit="rate_multiple", condition=None,
                        text=doc[s:name.end].text)
            reading.norms.append(norm)
            words = doc[s:name.end]
            reading.evidence.append(Evidence(
                kind="norm", label=pid, text=words.text, start=words.start_char, end=words.end_char,
                rule=f"'{doc[s:e].text}' paid at '{name.text}', which this clause states as {format_value(value)} rate_multiple"))


def _restated_bound(norms: list[Norm], pid: str, comparator: str, value: float, unit: str, condition: str | None) -> bool:
    """Whether a bound against the worker restates an amount the clause fixes: "paid at time and
    one-half ... shall not exceed the rate of time and one-half" guarantees time and one-half once."""
    against = {"higher": "<=", "lower": ">="}.get(taxonomy().parameters[pid].better)
    return comparator == against and any(
        n.parameter == pid and n.comparator == "=" and n.value == value and n.unit == unit and n.condition == condition
        for n in norms)


_UP_TO = frozenset({"до", "up to", "дейін", "to"})
_TOP_UP_REACH = 15  # words between the top-up and its "up to" ("topped up by the Employer to ...")


def _topped_up(doc: Doc, spans: _Spans, part: Part, cmp_span: tuple[int, int], q: Quantity, lang: str) -> bool:
    """Whether an "up to" names the level a benefit is topped up to, not a ceiling: "the maternity
    benefit shall be topped up to the average earnings", «доплата ... до среднемесячного заработка»,
    «орташа жалақыға дейін қосымша төлейді» (Kazakh: the top-up after the amount)."""
    if doc[cmp_span[0]:cmp_span[1]].text.lower() not in _UP_TO:
        return False
    marks = [m for m in spans.layer("marker") if m.id_ == "top_up" and part.start <= m.start < part.end]
    if lang == "kk":
        return any(0 <= m.start - q.end <= _TOP_UP_REACH // 3 for m in marks)
    return any(0 <= cmp_span[0] - m.end <= _TOP_UP_REACH for m in marks)


_REGIME_AFTER = 4  # Kazakh: words between the quantity and «кезінде» («36 сағаттық жұмыс аптасы кезінде»)


def _regime(doc: Doc, spans: _Spans, q: Quantity, lang: str) -> str | None:
    """Why a quantity that names the working regime a rule is for is no guarantee: "for employees on
    a 36-hour week, the shift may not exceed 8 hours", «при 36-часовой рабочей неделе – до 12
    часов», «36 сағаттық жұмыс аптасы кезінде». The quantity is an adjective ("36-hour",
    «36-часовой», «сағаттық»), right after the condition word (before it in Kazakh)."""
    if q.end - q.start < 2:
        return None
    if lang == "kk":
        found = next((i for i in range(q.end, min(len(doc), q.end + _REGIME_AFTER)) if spans.is_marker("regime", i)), None)
        adjective = doc[q.start + 1].lower_.endswith(("тық", "тік", "лық", "лік", "дық", "дік"))
    else:
        found = q.start - 1 if q.start and spans.is_marker("regime", q.start - 1) else None
        adjective = not doc[q.start].whitespace_ and doc[q.start + 1].text in ("-", "‑") and not doc[q.start + 1].whitespace_
    if found is None or not adjective:
        return None
    words = doc[min(found, q.start):max(found + 1, q.end)].text
    return f"the working regime a rule is for ('{words}')"


def _schedule_kind(doc: Doc, spans: _Spans, q: Quantity) -> str | None:
    """The words of an attributive quantity whose head names a kind of schedule ("a ten (10) hour day
    SYSTEM", "a twelve (12) hour shift SCHEDULE", "an eight (8) hour shift ROTATION"), or None."""
    for k in range(q.end, min(len(doc), q.end + 4)):
        if doc[k].is_punct:
            return None
        if spans.is_marker("schedule_kind", k):
            return doc[q.start:k + 1].text
    return None


def _referred_to(doc: Doc, spans: _Spans, q: Quantity) -> str | None:
    """The words of an attributive quantity named after a word that refers back to it ("their
    eight (8) hour day", "the regular ten-hour shift", "the four (4) ten (10) hour shift"): one word,
    and the numbers of a compound, may stand between."""
    first = q.start
    while first > 0 and (doc[first - 1].like_num or doc[first - 1].text in ("(", ")", "-", "x")):
        first -= 1  # "the FOUR (4) ten (10) hour shift"
    for k in (first - 1, first - 2):
        if k < 0 or not spans.is_marker("refers_back", k):
            continue
        if k == first - 2 and not (doc[k + 1].is_alpha and not spans.is_marker("refers_back", k + 1)):
            continue
        start = k
        while start > 0 and spans.is_marker("refers_back", start - 1):
            start -= 1  # "his or her"
        return doc[start:q.end].text
    return None


def _defining(doc: Doc, spans: _Spans, parts: list[Part], k: int) -> str | None:
    """Why a quantity in a sentence that defines or scopes ("night shift shall mean a shift of
    seven (7) hours or more", "This Section does not apply to employees working fewer than 20
    hours") is no guarantee: the words of the ``scope`` cue, or None."""
    lo, hi = _sentence_of(parts, k)
    scope = next((s for s in spans.layer("modal") if s.id_ == "scope" and lo <= s.start < hi), None)
    if scope is None:
        return None
    binding = [s for s in spans.layer("modal") if s.id_ in ("obligation", "prohibition", "permission")
               and lo <= s.start < hi and not (s.start < scope.end and scope.start < s.end)]
    if any(b.start < scope.start for b in binding):
        return None  # the sentence binds first ("shall pay ..., which means ...")
    return f"a definition or scope ('{scope.text}')"


def _proposed(spans: _Spans, parts: list[Part], k: int) -> str | None:
    """Why a quantity of a sentence that only proposes to study it ("agrees to study the feasibility
    of a four (4) day, ten (10) hour workweek", «рассмотреть возможность введения 36-часовой
    недели») is no guarantee: the words that say so, or None. A lawyer still sees it explained."""
    lo, hi = _sentence_of(parts, k)
    mark = next((m for m in spans.layer("marker") if m.id_ == "proposal" and lo <= m.start < hi), None)
    return f"a proposal to be studied ('{mark.text}')" if mark is not None else None


#: The normal working time an overtime threshold may state, by the period of its hours.
_NORMAL_HOURS = {"day": ("working_time.daily_hours", 6, 12), "shift": ("working_time.daily_hours", 6, 12),
                 "week": ("working_time.weekly_hours", 30, 48)}


def _overtime_threshold(doc: Doc, spans: _Spans, q: Quantity, parts: list[Part], k: int):
    """The normal working time stated by the hours past which overtime begins ("Overtime is time
    worked in excess of eight (8) hours per day", «работа сверх 40 часов в неделю»): ((pid, unit,
    value), the overtime cue's span), or None. Not the overtime itself ("overtime in excess of four
    hours a day"), and only hours a normal day or week can have."""
    normal = _NORMAL_HOURS.get(q.period or "")
    if q.unit != "hours" or normal is None or not normal[1] <= q.value <= normal[2]:
        return None
    lo, hi = _sentence_of(parts, k)
    overtime = [c for c in spans.layer("param") if c.id_ == "premium_pay.overtime" and lo <= c.start < hi]
    threshold = [s for s in spans.layer("marker") + spans.layer("cmp") if s.id_ in ("threshold", ">") and lo <= s.start < q.start]
    if not overtime or any(c.end == t.start and t.text.lower() != "after" for c in overtime for t in threshold):
        return None  # "overtime exceeding four hours" measures the overtime; "overtime after ten hours" starts it
    cue = min(overtime, key=lambda c: abs(c.start - q.start))
    return (normal[0], "hours", q.value), (cue.start, cue.end, "text")


def _past_aside(doc: Doc, spans: _Spans, i: int) -> int:
    """Where the words after token ``i`` go on past an aside that leaves something out: "five (5)
    calendar days, excluding weekends and holidays, FOLLOWING the date" (else ``i``); a list in the
    aside ends at the word that joins its last item (markers ``list_last``)."""
    if i + 1 < len(doc) and doc[i].text == "," and spans.is_marker("except", i + 1):
        listed = False  # the aside may be a list: "exclusive of Saturday, Sunday and Holidays, FROM the date"
        for k in range(i + 2, len(doc)):
            if doc[k].text in (";", "."):
                break
            listed = listed or spans.is_marker("list_last", k)
            if doc[k].text == ",":
                nxt = next((j for j in range(k + 1, len(doc)) if doc[j].text in (",", ";", ".")), len(doc))
                if listed or not any(spans.is_marker("list_last", j) for j in range(k + 1, nxt)):
                    return k + 1
    return i


def _in_advance(doc: Doc, spans: _Spans, q: Quantity) -> str | None:
    """The words right after a quantity that make it a time before an event ("before the dismissal",
    «до его начала»), or None."""
    i = q.end
    while i < len(doc) and i - q.end < 3 and spans.is_marker("between", i) and not spans.is_marker("in_advance", i):
        i += 1
    if i < len(doc) and spans.is_marker("in_advance", i):
        return doc[i:min(len(doc), i + 3)].text
    return None


def _bound_by_cue(spans: _Spans, cue_spans, context: Context) -> str:
    """">=" when the words that name the guarantee say it is a minimum ("minimum monthly wage of"),
    "<=" when they say it is a limit ("the annual overtime limit is"), else "="."""
    for start, end, where in cue_spans:
        source = spans if where in ("text", "lead_in") else _spans(context.heading if where == "heading" else context.outer)
        if any(source.is_marker("floor_word", i) for i in range(start, end)):
            return ">="
        if any(source.is_marker("ceiling_word", i) for i in range(start, end)):
            return "<="
    return "="


def _times_the_rate(percent: float, supplement: bool) -> float:
    """A premium stated as a percentage of the rate, as times the rate. Below 100 % it is what is
    added ("40 % of the hourly rate for night work": 1.4; no premium pays less than the rate);
    above 100 % it is the whole ("150 % of the rate": 1.5, even after "premium"); 100 % is added
    only where a supplement word says so («доплата в размере 100 %»: 2)."""
    if percent < 100 or (percent == 100 and supplement):
        return 1 + percent / 100
    return percent / 100


def _supplement(spans: _Spans, q: Quantity, part: Part, cue_spans) -> bool:
    """Whether a percentage of the rate is paid on top of it: a supplement word ("additional
    payment", "premium", «доплата») stands in the cue or shortly before the quantity."""
    # before the quantity, or right after it as Kazakh puts it («50 пайызы мөлшерінде қосымша ақы»)
    near = [*range(max(part.start, q.start - 8), q.start), *range(q.end, min(part.end, q.end + 3))]
    if any(spans.is_marker("supplement", i) for i in near):
        return True
    return any(spans.is_marker("supplement", i) for s, e, w in cue_spans if w == "text" for i in range(s, e))


def _extent(doc: Doc, cmp_span: tuple[int, int] | None, q: Quantity) -> tuple[int, int]:
    """The words of a norm: its quantity with its comparator, when the comparator stands next to it;
    a comparator further away (a lead-in's "not less than:" for every item) is named in the rule only."""
    if not cmp_span:
        return q.start, q.end
    start, end = min(cmp_span[0], q.start), max(cmp_span[1], q.end)
    between = doc[min(cmp_span[1], q.end):max(cmp_span[0], q.start)]
    if len(between) > 6 or any(t.text in (":", ";") for t in between):
        return q.start, q.end
    return start, end


def _words(doc: Doc, cmp_span: tuple[int, int] | None, q: Quantity) -> str:
    start, end = _extent(doc, cmp_span, q)
    return doc[start:end].text


def _evidence(doc: Doc, norm: Norm, cmp_span, q: Quantity, cue_spans, cond, rule: str) -> Evidence:
    start, end = _extent(doc, cmp_span, q)
    span = doc[start:end]
    return Evidence(kind="norm", label=norm.parameter, text=span.text, start=span.start_char, end=span.end_char, rule=rule)


_GOVERNED = 20  # words between a verb and the flag guarantee it grants ("shall provide ... protective clothing")


def _granted(spans: _Spans, parts: list[Part], cue: Span) -> bool:
    """Whether the clause's verb governs a flag cue: the cue stands a few words after an operative
    verb of its part ("shall provide employees with PPE", «обеспечивать работников спецодеждой»), or
    opens its part, whose verb (or whose lead-in's) follows or precedes ("Medical examinations are
    carried out...", "a) periodic medical examinations;"). A cue that only names something else's
    object ("commissions for the acceptance of protective clothing") grants nothing."""
    part = parts[_part_of(parts, cue.start)]
    verbs = [s for s in spans.layer("modal") if s.id_ in ("obligation", "prohibition", "permission", "declaration")]
    doc = cue.doc

    def words(a: int, b: int) -> int:
        return sum(1 for t in doc[a:b] if not t.is_punct and not t.is_space)

    if any(part.start <= v.start and v.end <= cue.start and words(v.end, cue.start) <= _GOVERNED for v in verbs):
        return True
    own = [v for v in verbs if part.start <= v.start < part.end]
    if cue.start - part.start <= _GOVERNED and not any(v.end <= cue.start for v in own):
        if own:
            return True  # the subject of its part's verb
        if part.lead_in is not None:
            lead = parts[part.lead_in]
            return any(lead.start <= v.start < lead.end for v in verbs)
    return False


_LEFT_OUT = 15  # words between "excluding" and the last item of the list it leaves out


def _left_out(spans: _Spans, parts: list[Part], cue: Span, lang: str) -> bool:
    """Whether a flag cue is named only as what is left out: "not less than 0.7 % of operating costs,
    excluding the cost of protective clothing and medical examinations" grants neither. The
    exclusion stands before the list (after it in Kazakh: «арнайы киімге ... есепке алмағанда»),
    with no operative verb between."""
    part = parts[_part_of(parts, cue.start)]
    # a lone participle is no verb of its own here («средства индивидуальной зашиты»: a misprint read as one)
    verbs = [s for s in spans.layer("modal") if s.id_ in ("obligation", "prohibition", "permission", "declaration")
             and not (len(s) == 1 and "Part" in s[0].morph.get("VerbForm"))]
    for marker in spans.layer("marker"):
        if marker.id_ != "except" or not part.start <= marker.start < part.end:
            continue
        if lang == "kk":
            start, end = cue.end, marker.start  # the cue, then the words of the exclusion
        else:
            start, end = marker.end, cue.start
        if 0 <= end - start <= _LEFT_OUT and not any(start <= v.start < end for v in verbs):
            return True
    return False


_SUBJECT_AT = 2  # words before the subject at the opening of a sentence ("Each employee shall")


def _own_duty(spans: _Spans, parts: list[Part], cue: Span, lead_in: Doc | None) -> bool:
    """Whether a flag cue is what the workers or their union undertake, not what they are granted:
    "Employees shall wear the protective clothing issued to them", «Работники обязуются: проходить
    медицинские осмотры». The subject opens the cue's sentence, the lead-in of its item, or the
    clause's lead-in."""

    def opens(part: Part, marks) -> bool:
        return any(m.id_ == "own_duty" and 0 <= m.start - part.start <= _SUBJECT_AT and m.start < cue.start for m in marks)

    part = parts[_part_of(parts, cue.start)]
    marks = spans.layer("marker")
    if opens(part, marks):
        return True
    if part.lead_in is not None and opens(parts[part.lead_in], marks):
        return True
    return lead_in is not None and any(m.id_ == "own_duty" and m.start <= _SUBJECT_AT for m in layers(lead_in).get("marker", ()))


def _flags(doc: Doc, spans: _Spans, lex: Lexicon, reading: ClauseReading, binding: bool, topic_words: set[str],
           context: Context) -> None:
    """Guarantees without a number: granted by their cue, governed by the verb of a clause that
    binds (value 1 flag), neither left out of what is granted nor a duty of the workers themselves."""
    if not binding:
        return
    blocks = [(s.start, s.end, s.id_) for s in spans.layer("block")]
    seen: set[str] = set()
    for cue in spans.layer("param"):
        pid = cue.id_
        rule = lex.parameters.get(pid)
        if rule is None or not rule.flag or pid in seen:
            continue
        if any(p == pid for _, _, p in blocks):
            continue
        if rule.requires and not (set(rule.requires) & topic_words):
            continue
        if pid != "non_regression.guarantee" and not _granted(spans, reading.parts, cue):
            continue
        if _left_out(spans, reading.parts, cue, lex.lang) or _own_duty(spans, reading.parts, cue, context.lead_in):
            continue
        seen.add(pid)
        norm = Norm(parameter=pid, comparator="=", value=1, unit="flag", condition=None, text=cue.text)
        reading.norms.append(norm)
        reading.evidence.append(Evidence(kind="norm", label=pid, text=cue.text, start=cue.start_char, end=cue.end_char,
                                         rule=f"guarantee granted without a number: '{cue.text}'"))


@cache
def _parameter_units() -> dict[str, frozenset[str]]:
    """The units of every parameter of the taxonomy (asked for by every clause, made once)."""
    tax = taxonomy()
    return {p: frozenset(tax.parameters[p].units) for p in tax.parameters}

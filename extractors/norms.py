"""``kel_norms``: the measurable guarantees of a clause, ``{parameter, comparator, value, unit, condition}``.

A norm is read in four steps, each with its vocabulary in
``extractors/data/<lang>/norms.yaml`` and ``units.yaml``:

1. a *measure*: a quantity (``extractors.quantities``) followed by a unit
   (``extractors.units``), or a unit that implies its value ("not lower than the
   inflation rate" = 1 inflation);
2. its *comparator* from the words right before it ("not less than" -> ``>=``),
   or from the lead-in of an enumeration ("at rates of not less than: a) ... b) ...");
3. its *parameter* from the nearest cue (item, lead-in, clause, heading) among the
   parameters whose taxonomy units allow the measure's unit: a cue with an
   incompatible unit makes no norm;
4. its *condition* ("disability group 1 or 2") from the nearest condition phrase of
   its item, as short English so conditions compare across languages.

Flag parameters (equal pay, PPE, ...) are granted when a cue stands in a sentence
that binds rather than recommends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple

from spacy.tokens import Doc

from extractors import DATA, extensions, quantities, units
from extractors.component import Component
from extractors.regexes import Group, Screened
from schemas import Evidence, Norm, Table
from schemas.datafile import read_yaml
from schemas.taxonomy import taxonomy

extensions.register()

_FLAGS = re.IGNORECASE | re.UNICODE
_STRONG = (">=", "<=", ">", "<")
# A multiple ("twice", «двукратного») measures pay or frequency, never days or hours.
_MULTIPLE_UNITS = frozenset(
    {"rate_multiple", "times_per_month", "annual_wage", "monthly_wage", "minimum_wage", "official_salary", "mci"}
)
_CONTEXT = 60  # characters around a cue that a measure may be from, beyond its own item

# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Cue:
    rule: str
    pattern: Screened


@dataclass(frozen=True)
class _Parameter:
    id: str
    units: frozenset[str]
    topic: str
    cues: tuple[_Cue, ...]
    requires: tuple[Screened, ...] = ()
    blocked_by: tuple[Screened, ...] = ()
    yields_to: tuple[str, ...] = ()
    implies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Condition:
    id: str
    patterns: tuple[Screened, ...]
    phrase: str
    range: bool = False


@dataclass(frozen=True)
class _Flag:
    id: str
    cues: tuple[_Cue, ...]
    self_granting: bool = False


@dataclass(frozen=True)
class _Vocabulary:
    comparators: tuple[tuple[str, str, Screened], ...]
    gap: re.Pattern  # what may stand between a comparator and its quantity
    reference: Screened
    parameters: tuple[_Parameter, ...]
    conditions: tuple[_Condition, ...]
    ranges: tuple[tuple[re.Pattern, str], ...]
    grant: Screened | None
    hedge: Screened | None
    flags: tuple[_Flag, ...]
    # each group screened once per text (extractors.regexes.Group.live)
    any_comparator: Group
    any_flag: Group
    any_condition: Group
    any_cue: Group  # the cues of every parameter, in order
    cue_numbers: dict[str, range]  # parameter id -> the numbers of its cues in any_cue
    measuring: dict[str, tuple[_Parameter, ...]]  # unit -> the parameters it can measure, in order


def _any(patterns) -> Screened | None:
    patterns = list(patterns or ())
    return Screened("|".join(f"(?:{p})" for p in patterns), _FLAGS) if patterns else None


@cache
def _vocabulary(lang: str) -> _Vocabulary:
    path = DATA / lang / "norms.yaml"
    raw = read_yaml(path) if path.exists() else {}
    params = taxonomy().parameters
    comparators = tuple(
        (comp, f"{lang}:comparator:{comp}#{i}", Screened(rf"(?<!\w)(?:{pat})(?!\w)", _FLAGS))
        for comp, pats in (raw.get("comparators") or {}).items()
        for i, pat in enumerate(pats)
    )
    equal_words = "|".join(p.pattern for c, _, p in comparators if c == "=")
    filler = raw.get("filler") or r"(?:,)"
    gap = re.compile(rf"(?:\s|(?<!\w){filler}(?!\w)" + (f"|{equal_words}" if equal_words else "") + r")*", _FLAGS)
    parameters = tuple(
        _Parameter(
            id=pid,
            units=frozenset(params[pid].units),
            topic=params[pid].topic,
            cues=tuple(
                _Cue(f"{lang}:{pid}#{i}", Screened(rf"(?<!\w)(?:{p})", _FLAGS)) for i, p in enumerate(spec["cues"])
            ),
            requires=tuple(Screened(p, _FLAGS) for p in spec.get("requires") or ()),
            blocked_by=tuple(Screened(p, _FLAGS) for p in spec.get("blocked_by") or ()),
            yields_to=tuple(spec.get("yields_to") or ()),
            implies=frozenset(spec.get("implies") or ()),
        )
        for pid, spec in (raw.get("parameters") or {}).items()
        if pid in params
    )
    conditions = tuple(
        _Condition(
            id=cid,
            patterns=tuple(Screened(rf"(?<!\w)(?:{p})", _FLAGS) for p in spec["patterns"]),
            phrase=spec["phrase"],
            range=bool(spec.get("range")),
        )
        for cid, spec in (raw.get("conditions") or {}).items()
    )
    ranges = tuple((re.compile(r["pattern"], _FLAGS), r["phrase"]) for r in raw.get("ranges") or ())
    flags = tuple(
        _Flag(
            id=fid,
            cues=tuple(
                _Cue(f"{lang}:{fid}#{i}", Screened(rf"(?<!\w)(?:{p})", _FLAGS)) for i, p in enumerate(spec["cues"])
            ),
            self_granting=bool(spec.get("self_granting")),
        )
        for fid, spec in (raw.get("flags") or {}).items()
        if fid in params
    )
    return _Vocabulary(
        comparators=comparators,
        gap=gap,
        reference=Screened(rf"(?<!\w){raw.get('references') or '№'}\s*$", _FLAGS),
        parameters=parameters,
        conditions=conditions,
        ranges=ranges,
        grant=_any(raw.get("grant")),
        hedge=_any(raw.get("hedge")),
        flags=flags,
        any_comparator=Group(p for _, _, p in comparators),
        any_flag=Group(cue.pattern for flag in flags for cue in flag.cues),
        any_condition=Group(p for cond in conditions for p in cond.patterns),
        any_cue=Group(cue.pattern for p in parameters for cue in p.cues),
        cue_numbers=_numbers(parameters),
        measuring={u: tuple(p for p in parameters if u in p.units) for u in {u for p in parameters for u in p.units}},
    )


def _numbers(parameters: Sequence[_Parameter]) -> dict[str, range]:
    out, first = {}, 0
    for p in parameters:
        out[p.id] = range(first, first + len(p.cues))
        first += len(p.cues)
    return out


# --------------------------------------------------------------------------- segments


class _Segment(NamedTuple):
    """A sentence or an enumerated item: ``lead`` is the index of its lead-in ("... as follows:")."""

    start: int
    end: int
    lead: int | None = None


# A line break ends a segment only before an item marker or after punctuation: a PDF
# line wrapped inside a sentence is not a new item.
_ITEM = r"[ \t]*(?:\(?[a-zа-яё]\)|\d{1,2}\)|\d{1,2}\.(?!\d)|[–—•·▪*-])"
_BREAK = re.compile(
    rf"(?<=[.;:,!?])[ \t]*\n|\n(?={_ITEM})|;|:(?=\s)|[.!?](?=\s+[A-ZА-ЯЁӘІҢҒҮҰҚӨҺ«\"(–—-])"
)


# Where a break can begin: at a punctuation mark or a line break, or right after a mark
_BREAK_AT = re.compile(r"[.;:,!?\n]")
_MARKS = ".;:,!?"


def _break_ends(text: str) -> list[int]:
    """The ends of ``_BREAK.finditer(text)``'s matches, trying ``_BREAK`` only where one can begin.

    Every alternative of ``_BREAK`` begins at a character of ``_BREAK_AT`` or right
    after a punctuation mark (a line break after "."). ``finditer`` tried every
    position: its look-behind keeps ``re`` from skipping ahead (11 µs a clause).
    """
    ends: list[int] = []
    pos = 0
    while True:
        at = _BREAK_AT.search(text, pos)
        m = None
        if pos > 0 and text[pos - 1] in _MARKS and (at is None or pos < at.start()):
            m = _BREAK.match(text, pos)  # right after a mark, before the next candidate character
        if m is None:
            if at is None:
                return ends
            m = _BREAK.match(text, at.start())
            if m is None:
                pos = at.start() + 1
                continue
        ends.append(m.end())
        pos = m.end()


def _segments(text: str) -> list[_Segment]:
    """Split a clause into sentences and items; items after a colon point to their lead-in."""
    spans, start = [], 0
    for end in _break_ends(text):
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    segments: list[_Segment] = []
    lead: int | None = None
    for s, e in spans:
        body = text[s:e].strip()
        if not body:
            continue
        segments.append(_Segment(s, e, lead))
        if body.endswith(":"):
            lead = len(segments) - 1
        elif body.endswith(".") and lead is not None and len(segments) - 1 != lead:
            lead = None  # the enumeration ended with its last item
    return segments


def _segment_of(segments: list[_Segment], pos: int) -> int:
    for i, seg in enumerate(segments):
        if seg.start <= pos < seg.end:
            return i
    return len(segments) - 1


# --------------------------------------------------------------------------- measures


class _Measure(NamedTuple):
    """A value with its unit, before a parameter is chosen (changed copies: ``m._replace(...)``)."""

    value: float
    unit: str
    start: int  # of the quantity (or the unit, when the value is implied)
    end: int  # of the unit
    unit_rule: str
    comparator: str | None = None  # None: nothing stated right before it
    comparator_start: int | None = None
    comparator_rule: str | None = None

    @property
    def text_start(self) -> int:
        return self.start if self.comparator_start is None else self.comparator_start


Comparators = Sequence[tuple[str, str, re.Pattern]]  # (comparator, rule id, regex)


def _comparators_in(folded: str, vocab: _Vocabulary) -> Comparators:
    """The comparators whose words ``folded`` holds: the only ones worth a search in it or any part of it."""
    live = vocab.any_comparator.live(folded)
    if not live:
        return []
    comparators = vocab.comparators
    return [(comparators[n][0], comparators[n][1], comparators[n][2].regex) for n in sorted(live)]


def _comparator_before(
    folded: str, lower: int, pos: int, vocab: _Vocabulary, comparators: Comparators
) -> tuple[str, int, str] | None:
    """The comparator whose words end right before ``pos`` (only filler between); inequalities win.

    ``comparators``: those of :func:`_comparators_in` for ``folded``.
    """
    window = folded[lower:pos]
    best = None
    for comp, rule, pattern in comparators:
        for m in pattern.finditer(window):
            if not vocab.gap.fullmatch(window, m.end()):
                continue
            rank = (comp in _STRONG, m.end())
            if best is None or rank > best[0]:
                best = (rank, comp, lower + m.start(), rule)
    return None if best is None else best[1:]


def _measures(
    text: str, folded: str, lang: str, segments: list[_Segment], vocab: _Vocabulary, comparators: Comparators | None = None
) -> list[_Measure]:
    fixed = units.fixed_phrases(text, lang)
    taken = [(f.start, f.end) for f in fixed]
    found: list[_Measure] = [_Measure(f.value or 1.0, f.unit, f.start, f.end, f.rule) for f in fixed]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for q in quantities.find_quantities(text, lang):
        if not free(q.start, q.end):
            continue
        seg = segments[_segment_of(segments, q.start)]
        if vocab.reference.search(folded[max(seg.start, q.start - 30) : q.start]):
            continue
        unit = _unit_of(text, lang, q)
        if unit is None:
            continue
        name, end, rule = unit
        found.append(_Measure(q.value, name, q.start, end, rule))
        taken.append((q.start, end))

    for u in units.implicit_units(text, lang):
        if u.unit in units.implied_anywhere(lang) and free(u.start, u.end):
            found.append(_Measure(1.0, u.unit, u.start, u.end, u.rule))
            taken.append((u.start, u.end))
    if comparators is None:
        comparators = _comparators_in(folded, vocab)
    found.extend(_implied_after_comparators(text, folded, lang, vocab, comparators, free, taken))
    return sorted(found, key=lambda m: m.start)


def _implied_after_comparators(text, folded, lang, vocab, comparators: Comparators, free, taken) -> list[_Measure]:
    """"not less than the minimum wage": a wage unit right after a comparator is one of it."""
    if not comparators:
        return []
    implied = units.implied_after_comparator(lang)
    if not units.may_stand_in(folded, lang, implied):
        return []  # none of those units' words is in the clause
    found = []
    for _comp, _rule, pattern in comparators:
        for m in pattern.finditer(folded):
            after = vocab.gap.match(folded, m.end()).end()
            u = units.unit_after(text, after, lang, only=implied)
            if u is not None and free(u.start, u.end):
                found.append(_Measure(1.0, u.unit, u.start, u.end, u.rule))
                taken.append((u.start, u.end))
    return found


def _unit_of(text: str, lang: str, q: quantities.Quantity) -> tuple[str, int, str] | None:
    if q.kind == quantities.PERCENT:
        return "percent", q.end, f"{lang}:quantity:percent"
    if q.kind == quantities.MONEY:
        return "kzt", q.end, f"{lang}:quantity:money"
    only = _MULTIPLE_UNITS if q.kind == quantities.MULTIPLE else None
    u = units.unit_after(text, q.end, lang, only=only)
    return None if u is None else (u.unit, u.end, u.rule)


def _with_comparators(
    measures: list[_Measure], folded: str, segments: list[_Segment], vocab: _Vocabulary, comparators: Comparators | None = None
) -> list[_Measure]:
    """Attach the stated comparator, else the lead-in's, else the previous same-unit one of the sentence."""
    if not measures:
        return []
    if comparators is None:
        comparators = _comparators_in(folded, vocab)
    out: list[_Measure] = []
    for m in measures:
        idx = _segment_of(segments, m.start)
        seg = segments[idx]
        lower = max([seg.start] + [p.end for p in out if p.end <= m.start])
        found = _comparator_before(folded, lower, m.start, vocab, comparators)
        if found is None and seg.lead is not None:
            lead = segments[seg.lead]
            found = _lead_comparator(folded, lead, vocab, comparators)
        if found is None:
            prev = [p for p in out if p.unit == m.unit and seg.start <= p.start and p.comparator_rule]
            if prev:
                out.append(m._replace(comparator=prev[-1].comparator, comparator_rule=prev[-1].comparator_rule))
                continue
        if found is None:
            out.append(m._replace(comparator="="))
            continue
        comp, start, rule = found
        # a lead-in's comparator is not part of this item's words
        out.append(m._replace(comparator=comp, comparator_start=start if start >= seg.start else None, comparator_rule=rule))
    return out


def _lead_comparator(
    folded: str, lead: _Segment, vocab: _Vocabulary, comparators: Comparators
) -> tuple[str, int, str] | None:
    body = folded[lead.start : lead.end].rstrip()
    if not body.endswith(":"):
        return None
    return _comparator_before(folded, lead.start, lead.start + len(body) - 1, vocab, comparators)


# --------------------------------------------------------------------------- parameters


class _Hit(NamedTuple):
    parameter: _Parameter
    rule: str
    start: int
    end: int


class _Words:
    """What a clause's (and its heading's) words allow, worked out once for all its measures.

    Per parameter: whether its ``requires`` patterns occur in the clause or the
    heading, and which of its cues can occur in the clause and in the heading
    (:meth:`Group.live` of all the cues): the only cues worth a search.
    """

    __slots__ = ("folded", "heading", "context", "vocab", "hits", "_required", "_live", "_live_heading", "_numbers")

    def __init__(self, folded: str, heading: str, vocab: _Vocabulary):
        self.folded = folded
        self.heading = heading
        self.context = folded + "\n" + heading
        self.vocab = vocab
        self._required: dict[str, bool] = {}
        self._live: dict[str, list[tuple[_Parameter, _Cue]]] = {}
        self._live_heading: dict[str, list[tuple[_Parameter, _Cue]]] = {}
        self._numbers: dict[bool, frozenset[int]] = {}  # heading? -> the live cue numbers of the text
        self.hits: dict[tuple[str, int, int], list[tuple[int, int]]] = {}  # (cue rule, lo, hi) -> its matches there

    def required(self, p: _Parameter) -> bool:
        found = self._required.get(p.id)
        if found is None:
            found = self._required[p.id] = not p.requires or any(r.search(self.context) for r in p.requires)
        return found

    def live_cues(self, params: Sequence[_Parameter], heading: bool = False) -> list[tuple[_Parameter, _Cue]]:
        """The cues of ``params`` whose words the clause (or its heading) holds."""
        memo, text = (self._live_heading, self.heading) if heading else (self._live, self.folded)
        live = self._numbers.get(heading)
        if live is None:
            live = self._numbers[heading] = self.vocab.any_cue.live(text)
        out: list[tuple[_Parameter, _Cue]] = []
        for p in params:
            cues = memo.get(p.id)
            if cues is None:
                numbers = self.vocab.cue_numbers[p.id]
                cues = memo[p.id] = [(p, cue) for n, cue in zip(numbers, p.cues, strict=True) if n in live]
            out.extend(cues)
        return out


def _cue_hits(
    folded: str,
    lo: int,
    hi: int,
    cues: Sequence[tuple[_Parameter, _Cue]],
    avoid: tuple[int, int],
    seen: dict[tuple[str, int, int], list[tuple[int, int]]] | None = None,
) -> list[_Hit]:
    """The matches of ``cues`` in ``folded[lo:hi]`` outside ``avoid``; ``seen`` remembers them per cue and span."""
    hits = []
    for p, cue in cues:
        key = (cue.rule, lo, hi)
        spans = None if seen is None else seen.get(key)
        if spans is None:
            spans = [m.span() for m in cue.pattern.regex.finditer(folded, lo, hi)]
            if seen is not None:
                seen[key] = spans
        for start, end in spans:
            if end <= avoid[0] or start >= avoid[1]:
                hits.append(_Hit(p, cue.rule, start, end))
    return hits


# Words that end one enumerated guarantee and start the next inside a sentence.
_BOUNDARY = re.compile(r"[,;]|(?<!\w)(?:and|or|и|или|а\s+также)(?!\w)", _FLAGS)


def _cost(start: int, end: int, m_start: int, m_end: int, folded: str, spans: Sequence[tuple[int, int]]) -> int:
    """How far words are from a measure: characters, plus crossing another measure or a list boundary.

    "overtime at double the rate, night work at 1.5 times": "night" is 2 characters after
    "rate" but behind a comma, "overtime" is further but on the same side of it.
    """
    if end <= m_start:
        lo, hi = end, m_start
    elif start >= m_end:
        lo, hi = m_end, start
    else:
        return 0
    between = sum(1 for s, e in spans if s >= lo and e <= hi and (s, e) != (m_start, m_end))
    boundary = _BOUNDARY.search(folded, lo, hi) is not None
    return (hi - lo) + 1000 * between + 500 * boundary


def _choose(hits: list[_Hit], m: _Measure, folded: str, spans, topics: Sequence[str]) -> _Hit | None:
    if not hits:
        return None
    ids = {h.parameter.id for h in hits}
    hits = [h for h in hits if not any(y in ids for y in h.parameter.yields_to)]
    return min(
        hits,
        key=lambda h: (_cost(h.start, h.end, m.start, m.end, folded, spans), h.parameter.topic not in topics),
    )


def _parameter_for(
    m: _Measure,
    folded: str,
    segments: list[_Segment],
    heading: str,
    topics: Sequence[str],
    vocab: _Vocabulary,
    spans: Sequence[tuple[int, int]] = (),
    words: _Words | None = None,
) -> _Hit | None:
    """The parameter ``m`` measures; ``words``: the clause's :class:`_Words`, shared by its measures."""
    if words is None:
        words = _Words(folded, heading, vocab)
    allowed = [p for p in vocab.measuring.get(m.unit, ()) if words.required(p)]
    seg = segments[_segment_of(segments, m.start)]
    item = folded[seg.start : seg.end]
    allowed = [p for p in allowed if not any(b.search(item) for b in p.blocked_by)]
    if not allowed:
        return None
    avoid = (m.start, m.end)
    scopes = [(seg.start, seg.end)]
    if seg.lead is not None:
        scopes.append((segments[seg.lead].start, segments[seg.lead].end))
    scopes.append((0, len(folded)))
    cues = words.live_cues(allowed)
    for lo, hi in scopes:
        hit = _choose(_cue_hits(folded, lo, hi, cues, avoid, words.hits), m, folded, spans, topics)
        if hit is not None:
            return hit
    if heading:
        hits = _cue_hits(heading, 0, len(heading), words.live_cues(allowed, heading=True), (0, 0))
        # positions in the heading are not comparable with the clause: shift past its end
        hits = [_Hit(h.parameter, h.rule, h.start + len(folded) + 1, h.end + len(folded) + 1) for h in hits]
        return _choose(hits, m, folded + "\n" + heading, spans, topics)
    return None


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class _Found:
    id: str
    phrase: str
    start: int
    end: int


def _roman(group: str) -> str:
    return {"I": "1", "II": "2", "III": "3", "IV": "4"}.get(group.upper(), group)


def _groups(text: str) -> str:
    parts = re.findall(r"[IV]+|\d+", text, flags=re.IGNORECASE)
    return " or ".join(_roman(p) for p in parts)


def _range_after(text: str, pos: int, lang: str, vocab: _Vocabulary) -> str | None:
    """The band of years right after ``pos`` ("of three to five years" -> "3 to 5 years")."""
    tail = quantities.normalize_numbers(text[pos : pos + 80], lang)
    starts = {len(tail) - len(tail.lstrip())}
    skip = _RANGE_LEAD.match(tail)
    if skip:
        starts.add(skip.end())
    for pattern, phrase in vocab.ranges:
        for k in sorted(starts):
            m = pattern.match(tail, k)
            if m is not None:
                return phrase.format(**m.groupdict())
    return None


# one short word may stand between a band's name and the band ("seniority OF 5 years")
_RANGE_LEAD = re.compile(r"\s*\w{1,4}\s+")


def _conditions_in(folded: str, lo: int, hi: int, lang: str, vocab: _Vocabulary) -> list[_Found]:
    live = vocab.any_condition.live(folded)
    if not live:
        return []
    found = []
    number = -1
    for cond in vocab.conditions:
        for pattern in cond.patterns:
            number += 1
            if number not in live:
                continue
            for m in pattern.regex.finditer(folded, lo, hi):
                phrase = _phrase(cond, m, folded, lang, vocab)
                if phrase is not None:
                    found.append(_Found(cond.id, phrase, m.start(), m.end()))
    # "особо вредные" is a condition of its own, not also "вредные"
    return [
        f
        for f in found
        if not any(o is not f and o.start <= f.start and f.end <= o.end and (o.end - o.start) > (f.end - f.start) for o in found)
    ]


def _phrase(cond: _Condition, m: re.Match, folded: str, lang: str, vocab: _Vocabulary) -> str | None:
    groups = m.groupdict()
    if cond.range:
        rng = _range_after(folded, m.end(), lang, vocab)
        return None if rng is None else cond.phrase.format(range=rng)
    if "groups" in groups:
        return cond.phrase.format(groups=_groups(groups["groups"]))
    if "n" in groups:
        n = quantities.parse_number(groups["n"], lang)
        return None if n is None else cond.phrase.format(n=quantities.format_value(n))
    return cond.phrase


def _assign_conditions(
    chosen: list[tuple[_Measure, _Hit]], folded: str, segments: list[_Segment], lang: str, vocab: _Vocabulary
) -> list[str | None]:
    """Each condition phrase goes to the nearest norm of its item; items inherit their lead-in's."""
    spans = [(m.text_start, m.end) for m, _ in chosen]
    result: list[str | None] = [None] * len(chosen)
    best: list[int | None] = [None] * len(chosen)
    seg_of = [_segment_of(segments, m.start) for m, _ in chosen]
    for idx, seg in enumerate(segments):
        members = [k for k, s in enumerate(seg_of) if s == idx]
        if not members:
            continue  # a condition goes to a norm of its own item
        conditions = _conditions_in(folded, seg.start, seg.end, lang, vocab)
        for c in conditions:
            eligible = [k for k in members if c.id not in chosen[k][1].parameter.implies]
            if not eligible:
                continue
            def cost(k, c=c):
                m = chosen[k][0]
                return _cost(c.start, c.end, m.text_start, m.end, folded, spans)

            k = min(eligible, key=cost)
            d = cost(k)
            if best[k] is None or d < best[k]:
                result[k], best[k] = c.phrase, d
    of_lead: dict[int, list[_Found]] = {}  # the items of one enumeration share their lead-in's conditions
    for k, (_m, hit) in enumerate(chosen):
        lead = segments[seg_of[k]].lead
        if result[k] is None and lead is not None:
            if lead not in of_lead:
                seg = segments[lead]
                of_lead[lead] = _conditions_in(folded, seg.start, seg.end, lang, vocab)
            inherited = [c for c in of_lead[lead] if c.id not in hit.parameter.implies]
            if inherited:
                result[k] = inherited[-1].phrase
    return result


# --------------------------------------------------------------------------- flags


def _sentence(folded: str, segments: list[_Segment], pos: int) -> str:
    seg = segments[_segment_of(segments, pos)]
    parts = [folded[seg.start : seg.end]]
    if seg.lead is not None:
        parts.insert(0, folded[segments[seg.lead].start : segments[seg.lead].end])
    return " ".join(parts)


def _flags(text: str, folded: str, segments: list[_Segment], vocab: _Vocabulary) -> list[tuple[Norm, Evidence]]:
    live = vocab.any_flag.live(folded)
    if not live:
        return []
    out = []
    first = 0  # the number of the flag's first cue in the group
    for flag in vocab.flags:
        numbers, first = range(first, first + len(flag.cues)), first + len(flag.cues)
        for number, cue in zip(numbers, flag.cues, strict=True):
            if number not in live:
                continue
            granted = None
            for m in cue.pattern.regex.finditer(folded):
                sentence = _sentence(folded, segments, m.start())
                if flag.self_granting or (
                    vocab.grant is not None
                    and vocab.grant.search(sentence)
                    and not (vocab.hedge is not None and vocab.hedge.search(sentence))
                ):
                    granted = m
                    break
            if granted is not None:
                words = text[granted.start() : granted.end()]
                out.append(
                    (
                        Norm(parameter=flag.id, comparator="=", value=1, unit="flag", text=words),
                        Evidence(
                            kind="norm", label=flag.id, text=words, start=granted.start(), end=granted.end(), rule=cue.rule
                        ),
                    )
                )
                break
    return out


# --------------------------------------------------------------------------- entry points


def extract_norms(
    text: str, lang: str, heading: str | None = None, topics: Sequence[str] = ()
) -> list[tuple[Norm, Evidence]]:
    """Every norm of one clause text with the evidence for it, in text order (flags last)."""
    if lang not in ("en", "ru", "kk") or not text.strip():
        return []
    vocab = _vocabulary(lang)
    folded = units.fold(text)
    heading_folded = units.fold(heading or "")
    segments = _segments(folded)
    comparators = _comparators_in(folded, vocab)
    measures = _measures(text, folded, lang, segments, vocab, comparators)
    measures = _with_comparators(measures, folded, segments, vocab, comparators)
    chosen = []
    spans = [(m.start, m.end) for m in measures]
    words = _Words(folded, heading_folded, vocab)
    for m in measures:
        hit = _parameter_for(m, folded, segments, heading_folded, topics or (), vocab, spans, words)
        if hit is None and m.unit == "percent" and m.value >= 100:
            # "overtime is paid at 150 percent" is pay at 1.5 times the rate; below 100
            # a percent is a premium on top of the rate, and the total is not stated
            m = m._replace(value=m.value / 100, unit="rate_multiple")
            hit = _parameter_for(m, folded, segments, heading_folded, topics or (), vocab, spans, words)
        if hit is not None:
            chosen.append((m, hit))
    conditions = _assign_conditions(chosen, folded, segments, lang, vocab)
    out = []
    for (m, hit), condition in zip(chosen, conditions, strict=True):
        rule = "|".join(r for r in (m.comparator_rule, m.unit_rule, hit.rule) if r)
        out.append(_norm(hit, m, text[m.text_start : m.end], m.text_start, condition, rule, "text"))
    out.extend(_flags(text, folded, segments, vocab))
    return out


def _doc_lang(doc: Doc, default: str) -> str:
    """The clause's language: ``kel_lang``, else the pipeline's; Kazakh for "xx"."""
    lang = extensions.get(doc, "kel_lang") or default
    return "kk" if lang == "xx" else lang


# --------------------------------------------------------------------------- tables


_ROW_SEP = " | "


def table_norms(tables: Sequence[Table], doc: Doc) -> tuple[list[Norm], list[Evidence]]:
    """Norms in table rows (a seniority-band or allowance table), read in the context of ``doc``'s clause.

    Evidence offsets point into the row text: its cells joined by " | ".
    """
    lang = _doc_lang(doc, doc.lang_)
    if lang not in ("en", "ru", "kk"):
        return [], []
    vocab = _vocabulary(lang)
    norms: list[Norm] = []
    evidence: list[Evidence] = []
    clause = units.fold(extensions.clause_text(doc))
    heading = units.fold(extensions.get(doc, "kel_heading") or "")
    topics = extensions.get(doc, "kel_topics") or ()
    for table in tables:
        rows = [tuple(c or "" for c in row) for row in table.rows]
        if not rows:
            continue
        header = rows[0] if not _row_has_measure(rows[0], lang) else ()
        body = rows[1:] if header else rows
        for row in body:
            for norm, ev in _row_norms(row, header, clause, heading, topics, lang, vocab):
                norms.append(norm)
                evidence.append(ev)
    return norms, evidence


def _row_has_measure(row: tuple[str, ...], lang: str) -> bool:
    return any(
        _unit_of(cell, lang, q) is not None for cell in row for q in quantities.find_quantities(cell, lang)
    )


def _header_unit(cell: str, lang: str) -> str | None:
    """A unit named in a column header ("Additional leave, calendar days")."""
    folded = units.fold(cell)
    best = None
    for m in re.finditer(r"(?<!\w)\w|%|₸", folded):
        u = units.unit_after(cell, m.start(), lang)
        if u is not None and (best is None or u.end - u.start > best.end - best.start):
            best = u
    return None if best is None else best.unit


def _row_norms(row, header, clause, heading, topics, lang, vocab):
    offsets, pos = [], 0
    for cell in row:
        offsets.append(pos)
        pos += len(cell) + len(_ROW_SEP)
    values = []  # (column, measure)
    for col, cell in enumerate(row):
        folded = units.fold(cell)
        segments = _segments(folded) or [_Segment(0, len(folded))]
        found = _with_comparators(_measures(cell, folded, lang, segments, vocab), folded, segments, vocab)
        if not found and col > 0 and header and col < len(header):
            unit = _header_unit(header[col], lang)
            qs = quantities.find_quantities(cell, lang)
            if unit is not None and len(qs) == 1:
                q = qs[0]
                found = [_Measure(q.value, unit, q.start, q.end, f"{lang}:table:header-unit", "=")]
        values.extend((col, m) for m in found)
    out = []
    for col, m in values:
        context = (header[col] + "\n" if header and col < len(header) else "") + clause
        pseudo = m._replace(start=len(context), end=len(context))
        hit = _parameter_for(pseudo, context, [_Segment(0, len(context))], heading, topics, vocab)
        if hit is None:
            continue
        condition = _row_condition(row, header, col, clause, lang, vocab, hit.parameter)
        rule = "|".join(r for r in (m.unit_rule, hit.rule) if r)
        words = row[col][m.text_start : m.end]
        out.append(_norm(hit, m, words, offsets[col] + m.text_start, condition, rule, "table"))
    return out


def _norm(hit, m, words: str, start: int, condition: str | None, rule: str, where: Literal["text", "table"]) -> tuple[Norm, Evidence]:
    """A norm and the evidence naming the words ``words`` (at ``start`` in the text or table) that state it."""
    norm = Norm(
        parameter=hit.parameter.id,
        comparator=m.comparator or "=",
        value=m.value,
        unit=m.unit,
        condition=condition,
        text=words,
    )
    evidence = Evidence(
        kind="norm", label=hit.parameter.id, text=words, start=start, end=start + len(words), where=where, rule=rule
    )
    return norm, evidence


def _row_condition(row, header, col, clause, lang, vocab, parameter) -> str | None:
    """The condition of a table value: a band in another cell, named by its header or the clause."""
    for other, cell in enumerate(row):
        if other == col:
            continue
        folded = units.fold(cell)
        found = [c for c in _conditions_in(folded, 0, len(folded), lang, vocab) if c.id not in parameter.implies]
        if found:
            return found[0].phrase
        label = units.fold(header[other]) if header and other < len(header) else ""
        for cond in vocab.conditions:
            if not cond.range:
                continue
            named = any(p.search(label) for p in cond.patterns) or (
                not label and any(p.search(clause) for p in cond.patterns)
            )
            if named:
                rng = _range_after(folded, 0, lang, vocab)
                if rng is not None:
                    return cond.phrase.format(range=rng)
    return None


# --------------------------------------------------------------------------- component


class NormExtractor(Component):
    """The ``kel_norms`` component: one Doc is one clause."""

    def __init__(self, default_lang: str):
        self.default_lang = default_lang

    def __call__(self, doc: Doc) -> Doc:
        found = self.match(doc)
        self.set_annotations(doc, found)
        return doc

    def match(self, doc: Doc) -> list[tuple[Norm, Evidence]]:
        """The norms of the clause's text, then those of its tables (``doc._.kel_tables``)."""
        get = extensions.get
        found = extract_norms(
            extensions.clause_text(doc), _doc_lang(doc, self.default_lang), get(doc, "kel_heading"), get(doc, "kel_topics") or ()
        )
        tables = get(doc, "kel_tables")
        if tables:
            found.extend(zip(*table_norms(tables, doc), strict=True))
        return found

    @staticmethod
    def set_annotations(doc: Doc, found: list[tuple[Norm, Evidence]]) -> None:
        extensions.put(doc, "kel_norms", [norm for norm, _ in found])
        extensions.evidence_list(doc).extend(ev for _, ev in found)


def norm_extractor(pipeline_lang: str) -> NormExtractor:
    """The ``kel_norms`` component of a pipeline of ``pipeline_lang`` (spaCy's code: "xx" is Kazakh here).

    The clause's ``kel_lang`` overrides the pipeline's language. The language's
    vocabularies are read and compiled here, with the pipeline, not by the first clause.
    """
    lang = _doc_lang_name(pipeline_lang)
    _vocabulary(lang)
    quantities.find_quantities("", lang)
    units.unit_after("", 0, lang)
    return NormExtractor(lang)


def _doc_lang_name(lang: str) -> str:
    return "kk" if lang == "xx" else lang

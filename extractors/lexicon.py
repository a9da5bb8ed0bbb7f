"""The rule files of one language (``extractors/data/<lang>/*.yaml``), read and checked once.

Each file holds one layer of the reading. Its entries are *phrases*, written as a
person would write them ("not less than", «не менее»), or spaCy token patterns
(a list of dicts) where a phrase cannot say it. Every entry becomes one pattern of
spaCy's ``SpanRuler`` (``kel_lexicon``): phrases are matched on the lemma, so
«не менее двух месяцев» meets «месяц» and "calendar days" meets "calendar day".
A match is a span of ``doc.spans["kel_lexicon"]`` whose label is the layer and whose
``id`` is what it stands for:

=========  ==========================================  ==========================
layer      id                                          file
=========  ==========================================  ==========================
unit       a taxonomy unit                             units.yaml ``units``
period     day, week, month, year, shift, other        units.yaml ``periods``
fixed      an index into ``Lexicon.fixed``             units.yaml ``fixed``
subunit    an index into ``Lexicon.subunits``          units.yaml ``subunits``
marker     see ``MARKERS``                             markers.yaml
cmp        ``>=``, ``<=``, ``=``, ``>``, ``<``         comparators.yaml ``before``
cmp_after  ``>=``, ``<=``                              comparators.yaml ``after``
param      a taxonomy parameter                        parameters.yaml ``cues``
param_weak a taxonomy parameter (a generic word:       parameters.yaml ``weak``
           counts only where no other cue fits)
block      a taxonomy parameter                        parameters.yaml ``blocked_by``
cond       a condition kind of conditions.yaml         conditions.yaml ``triggers``
range      words of a range of years (``RANGE_KINDS``)  conditions.yaml ``ranges``
topic      a taxonomy topic (a head term)              topics.yaml ``head``
term       a taxonomy topic (a supporting term)        topics.yaml ``terms``
ignore     a taxonomy topic (words that only mention   topics.yaml ``ignore``
           it in passing: its terms inside don't count)
pair_a/b   "<topic>#<n>": two phrases that together    topics.yaml ``pairs``
           in one sentence are a head term
modal      a modality, ``hedge`` or ``not_hedge``      modality.yaml
ref        ``amount``, or the level of the cited       references.yaml
           agreement (``general``, ``sectoral``, ...)
own_rate   a taxonomy parameter (words that apply the  parameters.yaml ``named_rate``
           agreement's own value of it: "at the
           overtime rate")
=========  ==========================================  ==========================

Every topic, parameter and unit named in a file is checked against
``schemas/taxonomy.yaml`` when the file is read: an unknown one is a
:class:`LexiconError` naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from schemas.datafile import read_yaml
from schemas.taxonomy import taxonomy

DATA = Path(__file__).with_name("data")
SPANS_KEY = "kel_lexicon"

#: Markers: words that change what a nearby number means.
MARKERS = (
    "reference",  # "clause", «пункт», "No.": the number after it names a provision
    "month_name",  # "January", «января»: the number beside it is a day of a date
    "threshold",  # "exceeding", «сверх»: the number bounds a part ("the part of leave exceeding 28 days")
    "procedure",  # "within", «в течение»: the number is a deadline of a procedure
    "times",  # "times", «раза», «кратном»: the number is a multiple
    "percent_of",  # "of", «от»: "50 % of the official salary"
    "between",  # words that may stand between a number and its unit ("the", «размере»)
    "gap",  # words that may stand between a comparator and its quantity ("be paid at the rate of")
    "each",  # "each", "every", «каждый»: "every two weeks"
    "not_guarantee",  # "copies", "members", «экземпляр»: a count that guarantees nothing
    "coordination",  # ",", "and", "work on": what may join the items of a list sharing one value
    "after_event",  # "after", «после»: "within 5 days after the request" is a deadline
    "in_advance",  # "before", «до»: "no later than 2 months before the dismissal" is advance notice
    "occurrence",  # "times", "instalments", «раза»: "two instalments a month" = 2 times_per_month
    "floor_word",  # "minimum", «минимальный»: a cue with it makes a bare amount a floor (>=)
    "ceiling_word",  # "limit", «предельная»: a cue with it makes a bare amount a ceiling (<=)
    "supplement",  # "additional payment", «доплата»: N % of the rate on top of it = 1 + N/100 times the rate
    "aside",  # "in addition to", «помимо»: what follows is something else, not what the quantity is for
    "except",  # "excluding", «без учета»: what follows is left out (also "aside" for a quantity's cue)
    "own_duty",  # "Employees shall", «Работники обязуются»: what follows is the workers' or the union's own duty
    "top_up",  # "topped up", «доплата», «для доведения»: a later "up to" names the level reached, not a ceiling
    "regime",  # "on a (36-hour week)", «при (36-часовой рабочей неделе)», «(36 сағаттық аптасы) кезінде»: a condition
    "union_party",  # "Association", «профсоюз»: a party that is the workers' organisation (first entry: its lemma)
    "own_ceiling",  # "up to", «до», «дейін»: a ceiling bound to its own number, never shared with the next case's amount
    "attributive",  # "day" of "a four-day week": a unit word in the form that qualifies the words after it
    "proposal",  # "study the feasibility of", «рассмотреть возможность»: what follows is to be studied, not granted
    "ban_after",  # "is prohibited", «не допускается»: bans what stands before it ("work beyond 16 hours is prohibited")
    "list_last",  # "or", «или»: joins a list's last item ("the scheduled hours per day or forty (40) hours")
    "meal_break",  # "lunch break", «перерыв для отдыха и питания»: a quantity they govern is a break's length
    "for_break",  # "for", «на»: may stand between a quantity and the meal break it measures ("one hour FOR lunch")
    "credited",  # "credited with": hours after it are credited (pay or time), no working time
    "pay_in_hours",  # "pay", "' pay": right after hours, an amount of pay counted in hours ("two (2) hours pay"), no working time
    "several_rates",  # "rates": a rate named in the plural is a schedule of rates, never one value ("the applicable overtime rates")
    "time_frame",  # "during each shift", «в течение смены»: when something happens, not what a quantity measures
    "including",  # "including", «с учетом»: what follows is a part of what the quantity measures
    "schedule_kind",  # "system", "option", "rotation": a length before them names a kind of schedule ("a ten (10) hour day system")
    "refers_back",  # "the", "their": a schedule they name ("their eight (8) hour day") is one the clause speaks of
    "weekday",  # "Monday", «понедельник»: a table row it labels is that day's schedule, the same guarantee as the next day's
    "looks_ahead",  # "after which", "thereafter": a cue that speaks of what comes after it, never of a quantity before it
)
CONDITION_KINDS = (
    "seniority", "years", "disability", "group", "hazard_class", "harmful", "particularly_harmful",
    "dangerous", "birth", "marriage", "death_relative", "death_employee", "each_child", "children",
    "medical_treatment", "age_years", "retirement", "depending", "work_injury",
)
RANGE_KINDS = ("from", "to", "or_more", "at_least", "more_than", "less_than", "up_to")
REFERENCE_KINDS = ("amount", "general", "sectoral", "regional", "collective", "labour_code", "clause")
MODALITY_KEYS = ("obligation", "prohibition", "permission", "declaration", "hedge", "not_hedge", "subordinate", "relative", "scope",
                 "proviso")
PERIODS = ("day", "shift", "week", "month", "year", "other")  # other: a semester, a pay period, a quarter


_LAYERS = "kel_layers"  # doc.user_data: the lexicon's spans by label, made once per Doc


def layers(doc) -> dict[str, list]:
    """The lexicon's spans of a Doc by label, in the ruler's order.

    spaCy builds a new Span object each time a SpanGroup is iterated; the readers ask for
    layers many times per clause, so the spans are grouped once and kept with the Doc (until
    the group changes size)."""
    group = doc.spans.get(SPANS_KEY, ())
    kept = doc.user_data.get(_LAYERS)
    if kept is None or kept[0] != len(group):
        by_label: dict[str, list] = {}
        for span in group:
            by_label.setdefault(span.label_, []).append(span)
        kept = (len(group), by_label)
        doc.user_data[_LAYERS] = kept
    return kept[1]


def layer(doc, *labels: str) -> list:
    """The spans of the lexicon layers ``labels`` in a Doc ([] for None); of several layers, in reading order."""
    if doc is None:
        return []
    by_label = layers(doc)
    if len(labels) == 1:
        return by_label.get(labels[0], [])
    return sorted((s for label in labels for s in by_label.get(label, ())), key=lambda s: (s.start, s.end))


def topic_pairs(doc) -> list[tuple]:
    """Topic heads made of two phrases of one sentence (``topics.yaml`` ``pairs``): "notify ...
    the union", «Кәсіподаққа ... хабарлайды»; each as (a span from the first phrase to the second,
    labelled with its topic, (the phrase that names the topic,): the second, or the first where
    the pair says so)."""
    from spacy.tokens import Span

    out = []
    for a in layer(doc, "pair_a"):
        for b in layer(doc, "pair_b"):
            if b.id_ == a.id_ and 0 <= b.start - a.end <= 12 and not any(t.text in (".", ";") for t in doc[a.end:b.start]):
                own = a if a.id_.endswith("#first") else b
                out.append((Span(doc, a.start, b.end, label="topic", span_id=a.id_.split("#")[0]), (own,)))
                break
    return out


class LexiconError(ValueError):
    """A rule file names something the taxonomy does not know, or is malformed."""


@dataclass(frozen=True)
class Entry:
    """One phrase or token pattern, and where it is written."""

    layer: str
    key: str
    pattern: str | list
    where: str  # "file:line"
    exact: bool = False  # matched on the lower-cased words as written, not on lemmas


@dataclass(frozen=True)
class Fixed:
    """A phrase that carries its own value: "time and a half" = 1.5 rate_multiple."""

    value: float
    unit: str
    comparator: str = "="  # "fortnightly" pays at least twice a month


@dataclass(frozen=True)
class ParameterRule:
    """How a parameter is recognised beyond its cue words."""

    requires: tuple[str, ...] = ()  # condition kinds or topics one of which must be read in the clause or heading
    condition: str | None = None  # the condition the parameter itself states when no narrower one is read
    implies: tuple[str, ...] = ()  # condition kinds the parameter itself expresses (never written as its condition)
    periods: tuple[str, ...] = ()  # the periods its quantities may be stated per ("per week"); () any
    comparators: tuple[str, ...] = ()  # the comparators it may be stated with ("<=" for a limit); () any
    flag: bool = False
    in_advance: bool = False  # its quantity may be a time before an event ("two months before the dismissal")
    at_most: float | None = None  # the largest value it can have ("110 hours a semester" is no working day)
    at_least: float | None = None  # the smallest value it can have ("a ten-hour workweek" of a 4 x 10 schedule is none)


@dataclass(frozen=True)
class Subunit:
    """A unit counted in a part of a taxonomy unit: "minutes" are hours / 60."""

    unit: str
    per: float


@dataclass(frozen=True)
class Lexicon:
    lang: str
    entries: tuple[Entry, ...]
    numbers: dict[str, Any]
    fixed: tuple[Fixed, ...]
    currency_before: frozenset[str]
    alone_after_comparator: frozenset[str]
    percent_of: frozenset[str]
    parameters: dict[str, ParameterRule]
    conditions: dict[str, Any]
    topics: dict[str, Any] = field(default_factory=dict)
    base_before: frozenset[str] = frozenset()  # units that may stand before their multiple or share
    subunits: tuple[Subunit, ...] = ()

    def span_patterns(self, exact: bool = False) -> list[dict]:
        """The entries matched on lemmas (or, ``exact``, on the words as written) as ``SpanRuler``
        patterns: ``{"label": layer, "id": key, "pattern": ...}``."""
        return [{"label": e.layer, "id": e.key, "pattern": e.pattern} for e in self.entries if e.exact == exact]


@cache
def vocabulary(lang: str) -> frozenset[str]:
    """Every word of three letters or more that the rule files of ``lang`` use, in lower case: the
    words a rule needs whole (a word a PDF printed in two pieces, "perce nt", is joined only into one
    of these)."""
    words: set[str] = set()
    for entry in lexicon(lang).entries:
        if isinstance(entry.pattern, str):
            words.update(w for w in _WORD.findall(entry.pattern.lower()) if len(w) >= 3)
    return frozenset(words)


_WORD = re.compile(r"[^\W\d_]+")


# --------------------------------------------------------------------------- reading files


# libyaml's parser (in the PyYAML wheels) gives the same nodes and lines as the pure-Python one,
# about nine times faster: 0.08 s against 0.77 s for the rule files of the three languages.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _lines(path: Path) -> dict[tuple, int]:
    """The line of every mapping key and list item, by its path of keys and indices."""
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_COMPOSER)  # noqa: S506 - a safe loader
    lines: dict[tuple, int] = {}

    def walk(node, at: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (*at, key.value) in lines:
                    # YAML keeps the last of two equal keys: the first list would be lost unsaid
                    raise LexiconError(f"{path}:{key.start_mark.line + 1}: {key.value!r} is written twice "
                                       f"(first at line {lines[(*at, key.value)]})")
                lines[(*at, key.value)] = key.start_mark.line + 1
                walk(value, (*at, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*at, i)] = item.start_mark.line + 1
                walk(item, (*at, i))

    if root is not None:
        walk(root, ())
    return lines


class _File:
    """One rule file: its data, and where each part of it is written (for error messages)."""

    def __init__(self, path: Path):
        self.path = path
        self.data = read_yaml(path) or {}
        # `match: exact` at the top of a file: its phrases are matched on the words as written.
        self.exact = self.data.pop("match", None) == "exact"
        self._lines = _lines(path)

    def where(self, *at) -> str:
        line = self._lines.get(tuple(at))
        return f"{self.path}:{line}" if line else str(self.path)

    def section(self, name: str) -> dict:
        value = self.data.get(name) or {}
        if not isinstance(value, dict):
            raise LexiconError(f"{self.where(name)}: '{name}' must be a mapping")
        return value

    def entries(self, layer: str, section: str | None, known: tuple | frozenset | None) -> list[Entry]:
        """The phrases of ``section`` (or of the whole file) as entries of ``layer``: key -> phrases."""
        mapping = self.section(section) if section else self.data
        at = (section,) if section else ()
        out = []
        for key, phrases in mapping.items():
            key = str(key)
            if known is not None and key not in known:
                raise LexiconError(f"{self.where(*at, key)}: unknown {layer} {key!r}")
            if not isinstance(phrases, list):
                raise LexiconError(f"{self.where(*at, key)}: {key!r} must list phrases")
            for i, phrase in enumerate(phrases):
                if isinstance(phrase, bool):  # YAML reads a bare on/off/yes/no as a truth value
                    raise LexiconError(f"{self.where(*at, key, i)}: quote the phrase ({phrase!r} was read as a truth value)")
                if not isinstance(phrase, str | list) or not phrase:
                    raise LexiconError(f"{self.where(*at, key, i)}: a phrase must be a text or a token pattern")
                out.append(Entry(layer, key, phrase, self.where(*at, key, i), self.exact))
        return out


def _indexed(units: _File, section: str, layer: str, known, entries: list[Entry]) -> list[dict]:
    """The items of a list ``section`` of units.yaml, each with its unit checked and its phrases added to
    ``entries`` as ``layer`` spans whose id is the item's index ("time and a half" -> ``fixed`` 0)."""
    items = list(units.data.get(section) or ())
    for i, item in enumerate(items):
        if item.get("unit") not in known:
            raise LexiconError(f"{units.where(section, i)}: unknown unit {item.get('unit')!r}")
        for phrase in item["phrases"]:
            entries.append(Entry(layer, str(i), phrase, units.where(section, i)))
    return items


def _bound(params: _File, pid: str, key: str, value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LexiconError(f"{params.where(pid, key)}: {key!r} must be a number")
    return float(value)


def _file(lang: str, name: str) -> _File:
    path = DATA / lang / f"{name}.yaml"
    if not path.exists():
        raise LexiconError(f"{path}: missing rule file")
    return _File(path)


@cache
def lexicon(lang: str) -> Lexicon:
    """The rule files of ``lang``, checked against the taxonomy."""
    tax = taxonomy()
    units_known = frozenset(tax.units)
    params_known = frozenset(tax.parameters)
    entries: list[Entry] = []

    numbers = _file(lang, "numbers").data

    units = _file(lang, "units")
    entries += units.entries("unit", "units", units_known)
    entries += units.entries("period", "periods", PERIODS)
    fixed = [Fixed(float(item["value"]), item["unit"], str(item.get("comparator") or "="))
             for item in _indexed(units, "fixed", "fixed", units_known, entries)]
    subunits = [Subunit(item["unit"], float(item["per"])) for item in _indexed(units, "subunits", "subunit", units_known, entries)]
    unit_lists = {}
    for name in ("currency_before", "alone_after_comparator", "percent_of", "base_before"):
        values = frozenset(units.data.get(name) or ())
        unknown = values - units_known
        if unknown:
            raise LexiconError(f"{units.where(name)}: unknown unit {sorted(unknown)[0]!r}")
        unit_lists[name] = values

    comparators = _file(lang, "comparators")
    entries += comparators.entries("cmp", "before", tuple(tax.comparators))
    entries += comparators.entries("cmp_after", "after", tuple(tax.comparators))
    entries += _file(lang, "markers").entries("marker", "markers", MARKERS)

    params = _file(lang, "parameters")
    rules: dict[str, ParameterRule] = {}
    for pid, spec in params.data.items():
        if pid not in params_known:
            raise LexiconError(f"{params.where(pid)}: unknown parameter {pid!r}")
        if not isinstance(spec, dict) or not spec.get("cues"):
            raise LexiconError(f"{params.where(pid)}: {pid!r} needs 'cues'")
        for i, phrase in enumerate(spec["cues"]):
            entries.append(Entry("param", pid, phrase, params.where(pid, "cues", i)))
        for i, phrase in enumerate(spec.get("weak") or ()):
            entries.append(Entry("param_weak", pid, phrase, params.where(pid, "weak", i)))
        for i, phrase in enumerate(spec.get("blocked_by") or ()):
            entries.append(Entry("block", pid, phrase, params.where(pid, "blocked_by", i)))
        for i, phrase in enumerate(spec.get("named_rate") or ()):
            entries.append(Entry("own_rate", pid, phrase, params.where(pid, "named_rate", i)))
        requires = tuple(spec.get("requires") or ())
        for i, kind in enumerate(requires):
            if kind not in CONDITION_KINDS and kind not in tax.topics:
                raise LexiconError(f"{params.where(pid, 'requires', i)}: unknown condition kind or topic {kind!r}")
        comparators = tuple(spec.get("comparators") or ())
        for i, c in enumerate(comparators):
            if c not in tax.comparators:
                raise LexiconError(f"{params.where(pid, 'comparators', i)}: unknown comparator {c!r}")
        implies = tuple(spec.get("implies") or ())
        periods = tuple(spec.get("periods") or ())
        for name, values, known in (("implies", implies, CONDITION_KINDS), ("periods", periods, PERIODS)):
            for i, value in enumerate(values):
                if value not in known:
                    raise LexiconError(f"{params.where(pid, name, i)}: unknown {name} value {value!r}")
        rules[pid] = ParameterRule(
            requires=requires,
            condition=spec.get("condition"),
            implies=implies,
            periods=periods,
            comparators=comparators,
            flag=tax.parameters[pid].units == ("flag",),
            in_advance=bool(spec.get("in_advance")),
            at_most=_bound(params, pid, "at_most", spec.get("at_most")),
            at_least=_bound(params, pid, "at_least", spec.get("at_least")),
        )

    conditions = _file(lang, "conditions")
    entries += conditions.entries("cond", "triggers", CONDITION_KINDS)
    entries += conditions.entries("range", "ranges", RANGE_KINDS)

    topics = _file(lang, "topics")
    topic_data = {}
    for topic, spec in topics.data.items():
        if topic not in tax.topics:
            raise LexiconError(f"{topics.where(topic)}: unknown topic {topic!r}")
        for layer, part in (("topic", "head"), ("term", "terms"), ("ignore", "ignore")):
            for i, phrase in enumerate((spec or {}).get(part) or ()):
                entries.append(Entry(layer, topic, phrase, topics.where(topic, part, i)))
        for k, pair in enumerate((spec or {}).get("pairs") or ()):
            # [first phrases, then phrases]: the second names the topic ("notify ... | the union");
            # {first: ..., then: ..., names: first} where the first does («Кәсіподаққа | ... хабарлайды»)
            key = f"{topic}#{k}"
            if isinstance(pair, dict):
                key += "#first" if pair.get("names") == "first" else ""
                pair = [pair.get("first"), pair.get("then")]
            if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(p, list) for p in pair):
                raise LexiconError(f"{topics.where(topic, 'pairs', k)}: a pair is two lists of phrases")
            for layer, phrases in zip(("pair_a", "pair_b"), pair, strict=True):
                for phrase in phrases:
                    entries.append(Entry(layer, key, phrase, topics.where(topic, "pairs", k)))
        topic_data[topic] = spec

    modality = _file(lang, "modality")
    entries += modality.entries("modal", None, MODALITY_KEYS)

    references = _file(lang, "references")
    entries += references.entries("ref", None, REFERENCE_KINDS)

    return Lexicon(
        lang=lang,
        entries=tuple(entries),
        numbers=numbers,
        fixed=tuple(fixed),
        subunits=tuple(subunits),
        currency_before=unit_lists["currency_before"],
        alone_after_comparator=unit_lists["alone_after_comparator"],
        percent_of=unit_lists["percent_of"],
        base_before=unit_lists["base_before"],
        parameters=rules,
        conditions=conditions.data,
        topics=topic_data,
    )

"""``kel_topics``: multi-label topic tagging from per-language pattern files.

Patterns live in ``extractors/data/<lang>/topics.jsonl``, one per line, in
spaCy's pattern format plus our fields::

    {"label": "wage_indexation", "id": "en-wage_indexation-1", "pattern": [{"LOWER": {"REGEX": "^index"}}]}
    {"label": "annual_leave", "id": "ru-annual_leave-2", "pattern": "ежегодный отпуск"}
    {"label": "safety_guarantees", "id": "en-safety_guarantees-w1", "pattern": [...], "weak": true}

The reserved label ``none`` marks words that only look like a topic cue
("one minimum wage" is a unit of an amount, not a pay floor): its matches
mask the cues inside them and are then discarded.

A list pattern goes to the ``Matcher``, a string to the ``PhraseMatcher``
(on LEMMA for Russian, on LOWER otherwise). A ``weak`` pattern is a word that
is about a topic only in context: it counts only when the section heading
names the same topic (see ``heading_context_v1``).

Two mechanisms decide what a match means:

* the most specific phrase wins: a match lying inside a longer match of
  another topic is dropped ("technical inspector of labour protection" is
  about the inspector, not about labour protection in general);
* the heading is context, not a topic: ``kel.heading_context.v1``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from extractors import extensions
from extractors.component import Component
from extractors.patterns import shared_rules
from schemas import Evidence

MASK = "none"


class TopicMatch(NamedTuple):
    """One rule hit: which topic, which words (token offsets), which rule, how strong.

    A named tuple, not a frozen dataclass: a clause makes dozens, and a tuple is
    made and hashed three times faster.
    """

    label: str
    start: int
    end: int
    rule: str
    weak: bool = False


def load_patterns(path: Path) -> list[dict]:
    """Read a JSONL pattern file; blank lines and ``//`` comment lines are skipped."""
    entries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: {exc}") from exc
        if not {"label", "id", "pattern"} <= entry.keys():
            raise ValueError(f"{path}:{n}: a pattern needs label, id and pattern")
        entries.append(entry)
    return entries


def most_specific(matches: Iterable[TopicMatch]) -> list[TopicMatch]:
    """Drop matches that a longer match of another label explains; keep one hit per span.

    A mask (label ``none``) explains every cue inside it. A topic match explains
    a shorter cue of another topic that shares its first or last word
    ("technical inspector of labour *protection*"), but not one in its middle:
    in "engaging *pregnant* women in night work" both topics stand.
    """
    matches = sorted(set(matches), key=lambda m: (m.start, -(m.end - m.start), m.label, m.rule))
    kept: list[TopicMatch] = []
    for m in matches:
        explained = False
        for o in matches:  # in order of start: those after m's start cannot hold it
            if o.start > m.start:
                break
            if o.end >= m.end and _explains(o, m):
                explained = True
                break
        if not explained and not any(k.label == m.label and k.start <= m.start and m.end <= k.end for k in kept):
            kept.append(m)
    return kept


def _explains(outer: TopicMatch, inner: TopicMatch) -> bool:
    if outer.label == inner.label or (outer.end - outer.start) <= (inner.end - inner.start):
        return False
    if not (outer.start <= inner.start and inner.end <= outer.end):
        return False
    return outer.label == MASK or outer.start == inner.start or outer.end == inner.end


HeadingContext = Callable[[list[TopicMatch], list[TopicMatch]], tuple[list[str], list[str]]]


def heading_context_v1() -> HeadingContext:
    """The section heading leans a clause towards its topic only when the clause agrees.

    Returns ``decide(text_matches, heading_matches) -> (topics, heading_topics_used)``:

    * the clause's own strong words give its topics;
    * a heading topic is added when the clause has no strong topic of its own
      but uses a weak word of that topic ("protective equipment" under
      "Occupational Safety"); a clause that names another topic is left alone,
      and so is one with no word of the heading's topic (final provisions under
      "Labour Disputes and Final Provisions" are not about disputes);
    * a heading topic the clause already has is recorded as reinforcing
      evidence.
    """

    def decide(text_matches: list[TopicMatch], heading_matches: list[TopicMatch]) -> tuple[list[str], list[str]]:
        strong = _ordered(m.label for m in text_matches if not m.weak)
        weak = {m.label for m in text_matches if m.weak}
        heading = _ordered(m.label for m in heading_matches if not m.weak)
        used = [t for t in heading if t in strong or (not strong and t in weak)]
        topics = strong + [t for t in used if t not in strong]
        return topics, used

    return decide


def _ordered(labels: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(labels))


class TopicTagger(Component):
    """Tags a clause Doc with every topic its words (and, as context, its heading) support."""

    def __init__(self, nlp: Language, name: str, lang: str, patterns: list[dict], heading_context: HeadingContext):
        self.nlp = nlp
        self.name = name
        self.lang = lang
        self.heading_context = heading_context
        # Headings are tokenized and lemmatized by the components standing before us.
        self.patterns = shared_rules(nlp, lang)
        self.rules: dict[str, tuple[str, bool]] = {}
        for entry in patterns:
            self.add(entry)
        self._heading_matches = lru_cache(maxsize=512)(self._match_heading)

    def add(self, entry: dict) -> None:
        rule = entry["id"]
        if rule in self.rules:
            raise ValueError(f"duplicate topic rule id {rule!r}")
        self.rules[rule] = (entry["label"], bool(entry.get("weak", False)))
        self.patterns.add(rule, entry["pattern"], owner=self.name)

    def match(self, doc: Doc) -> list[TopicMatch]:
        """Pure: every topic rule hit in ``doc``, most specific first."""
        hits = []
        rules = self.rules
        for rule, start, end in self.patterns(doc):
            if rule in rules:  # the RuleSet is shared with kel_modality
                label, weak = rules[rule]
                hits.append(TopicMatch(label, start, end, rule, weak))
        return [m for m in most_specific(hits) if m.label != MASK]

    def _match_heading(self, heading: str) -> tuple[tuple[TopicMatch, ...], Doc]:
        doc = self.patterns.prepare(heading)
        return tuple(self.match(doc)), doc

    def __call__(self, doc: Doc) -> Doc:
        matches = self.match(doc)
        heading = extensions.get(doc, "kel_heading")
        heading_matches, heading_doc = self._heading_matches(heading) if heading else ((), None)
        self.set_annotations(doc, matches, list(heading_matches), heading_doc)
        return doc

    def set_annotations(self, doc: Doc, matches: list[TopicMatch], heading_matches: list[TopicMatch], heading_doc) -> None:
        topics, from_heading = self.heading_context(matches, heading_matches)
        evidence = extensions.evidence_list(doc)
        for m in matches:
            if m.label in topics:
                evidence.append(_evidence(m, *extensions.span_words(doc, m.start, m.end), "text"))
        for m in heading_matches:
            if m.label in from_heading:
                evidence.append(_evidence(m, *extensions.span_words(heading_doc, m.start, m.end), "heading"))
        extensions.put(doc, "kel_topics", topics)


def _evidence(m: TopicMatch, text: str, start: int, end: int, where: Literal["text", "heading"]) -> Evidence:
    return Evidence(kind="topic", label=m.label, text=text, start=start, end=end, where=where, rule=m.rule)

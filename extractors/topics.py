"""What a clause is about: topics that need the clause to be about them, not to mention a word.

Evidence, from ``extractors/data/<lang>/topics.yaml`` and the norms already read:

=====================================================  ======
a norm of one of the topic's parameters                4
a head term of the topic in the clause                 3 (+1 if it stands in the
                                                       clause's first part: the main
                                                       predicate of legal drafting)
another head term of the topic                         +1 (at most 2)
a term of the topic in the clause                      1 each (at most 2)
a head term or term of the topic in the section        +1, only with evidence in the
heading                                                clause itself
=====================================================  ======

Terms inside an ``ignore`` phrase of the topic do not count ("taking into account the
opinion of the trade union" mentions the union in passing).

Words the norm reader used are evidence only of the norm's topic: a quantity's own words
("within 5 working days") of none, a norm's cue or condition ("material aid on the birth of a
child") of its topic only. A clause that binds nobody (scope, entry into force, definitions)
gets only the topics of its norms.

A topic needs :data:`THRESHOLD`. The strongest topic is kept; another one only with a norm
or a head term of its own and a score of at least :data:`SECOND` — so a long clause does
not collect every topic its words touch; at most :data:`CAP` topics without norms.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from extractors import extensions
from extractors.component import Component
from extractors.lexicon import layer, topic_pairs
from extractors.reading import excepted
from schemas import Evidence, taxonomy

THRESHOLD = 3
_FULL_STOP = re.compile(r"\.(?=\s|$)")  # a full stop followed by a space or the end
SECOND = 4
CAP = 2


@dataclass
class _Score:
    points: int = 0
    strong: bool = False  # a head term or a norm in the clause itself
    evidence: list = None

    def __post_init__(self):
        self.evidence = []


def _opening_condition(doc: Doc) -> set[int]:
    """Tokens of a clause that opens with a time or condition ("When granting annual leave,",
    "Before annual paid leave,", «При предоставлении отпуска,»), up to its first comma."""
    from extractors.modality import opening_clause

    return opening_clause(doc)


def _first_sentence_end(doc: Doc) -> int:
    """Where the clause's first sentence ends; a lead-in and its items are one sentence."""
    for m in _FULL_STOP.finditer(doc.text):
        span = doc.char_span(m.start(), m.end())
        if span is not None:
            return span.start
    return len(doc)


def _claimed(reading) -> dict[int, str]:
    """Tokens the norm reader used, and for which topic: a quantity's own words ("within 5 working
    days") are no topic's evidence, and a norm's cue or condition words ("material aid on the birth
    of a child") are evidence of the norm's topic only."""
    tax = taxonomy()
    claimed: dict[int, str] = {}
    if reading is None:
        return claimed
    for r in reading.readings:
        topic = tax.parameters[r.parameters[0]].topic if r.parameters and r.parameters[0] in tax.parameters else ""
        if not (r.not_a_guarantee or "").startswith("a proposal"):  # a measure proposed is still its topic's
            for i in range(r.quantity.start, r.quantity.end):
                claimed[i] = ""
        for start, end, where in r.cue_spans:
            if where == "text":
                for i in range(start, end):
                    claimed.setdefault(i, topic)
        if r.condition is not None:
            for i in range(r.condition.start, r.condition.end):
                claimed.setdefault(i, topic)
    return claimed


def score_topics(doc: Doc, heading: Doc | None, norms, reading=None, lang: str = "en") -> dict[str, _Score]:
    """Every topic with some evidence in the clause, scored as the module docstring says."""
    scores: dict[str, _Score] = defaultdict(_Score)
    tax = taxonomy()
    claimed = _claimed(reading)
    for norm in norms:
        param = tax.parameters.get(norm.parameter)
        if param is None:
            continue
        s = scores[param.topic]
        if not s.strong or all(e[0] != "norm" for e in s.evidence):
            s.points += 4
            s.strong = True
            s.evidence.append(("norm", norm.parameter, norm.text))
    ignored = defaultdict(list)
    for span in layer(doc, "ignore"):
        ignored[span.id_].append((span.start, span.end))

    def counted(span: Span, owns: tuple[Span, ...] = ()) -> bool:
        # inside an ignored phrase, or naming whose it is right after it ("the reasoned opinion of the
        # elected body | of the PPO"); ``owns``: the words that make it the topic's (a pair's naming
        # phrase: in "notifies the union 90 days before" the verb is also the notice's cue, the union
        # is not)
        if any(a <= span.start <= b or a <= span.end - 1 < b for a, b in ignored.get(span.id_, ())):
            return False

        def free(own: Span) -> bool:
            others = sum(1 for i in range(own.start, own.end) if i in claimed and claimed[i] != span.id_)
            return others * 2 < len(own)

        return any(free(own) for own in owns or (span,))

    first_end = _first_sentence_end(doc)
    heads: dict[str, list[Span]] = defaultdict(list)
    phrases = layer(doc, "topic")
    pairs = topic_pairs(doc)
    for span, own in [(p, ()) for p in phrases] + pairs:
        # the most specific phrase wins: "labour protection" inside "technical inspector of labour
        # protection" is the inspector's, not a second topic; a phrase that opens or closes another
        # topic's pair is the pair's («повышение оплаты труда ... с вредными условиями труда»)
        inside = any(o.id_ != span.id_ and o.start <= span.start and span.end <= o.end and len(o) > len(span)
                     for o in phrases) or (not own and any(
                         p.id_ != span.id_ and p.start <= span.start and span.end <= p.end
                         and (span.start == p.start or span.end == p.end) for p, _ in pairs))
        if counted(span, own) and not inside:
            heads[span.id_].append(span)
    opening = _opening_condition(doc) | excepted(doc, lang)
    for topic, spans in heads.items():
        s = scores[topic]
        main = [x for x in spans if x.end - 1 not in opening]  # a pair ends with its own words
        if not main:
            # named only in an opening "When going on annual leave, ..." or "If ..., ", or in what
            # the clause leaves out ("except for part-time work"): the moment, not the subject
            s.points += 2
            s.evidence.append(("head", spans[0]))
            continue
        s.points += 3 + min(2, len({x.lemma_ for x in main}) - 1)
        if any(x.start < first_end for x in main):
            s.points += 1
        s.strong = True
        s.evidence.append(("head", main[0]))
    terms: dict[str, list[Span]] = defaultdict(list)
    for span in layer(doc, "term"):
        if counted(span) and not any(h.start <= span.start and span.end <= h.end for h in heads.get(span.id_, ())):
            terms[span.id_].append(span)
    for topic, spans in terms.items():
        s = scores[topic]
        s.points += min(2, len({x.lemma_ for x in spans}))
        s.evidence.append(("term", spans[0]))
    heading_heads = {span.id_ for span in layer(heading, "topic")}
    for span in layer(heading, "topic") + layer(heading, "term"):
        s = scores.get(span.id_)
        if s is not None and s.points and not any(e[0] == "heading" for e in s.evidence):
            s.points += 1
            s.evidence.append(("heading", span))
            if span.id_ in heading_heads and any(e[0] == "term" for e in s.evidence) and s.points >= 2:
                # "The leave may be divided into parts" under "Annual Leave": the heading says which leave
                s.points = max(s.points, THRESHOLD)
                s.strong = True
    return scores


def choose_topics(scores: dict[str, _Score]) -> list[str]:
    """The topics a clause is about, strongest first (see the module docstring)."""
    ranked = sorted(
        (t for t, s in scores.items() if s.points >= THRESHOLD and s.strong),
        key=lambda t: (-scores[t].points, taxonomy().topics.index(t)),
    )
    if not ranked:
        return []
    chosen = [ranked[0]]
    for topic in ranked[1:]:
        s = scores[topic]
        has_norm = any(e[0] == "norm" for e in s.evidence)
        if has_norm or (s.points >= SECOND and len([t for t in chosen if not _has_norm(scores[t])]) < CAP):
            chosen.append(topic)
    return chosen


def _has_norm(s: _Score) -> bool:
    return any(e[0] == "norm" for e in s.evidence)


class TopicTagger(Component):
    """``kel_topics``: runs after the norm reader, whose norms are evidence of their topics."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        heading = extensions.get(doc, "kel_heading_doc")
        norms = [n for n in extensions.get(doc, "kel_norms") or [] if not n.by_reference]
        scores = score_topics(doc, heading, norms, extensions.get(doc, "kel_reading"), self.lang)
        if extensions.get(doc, "kel_modality") is None and any(
            e.kind == "modality" for e in extensions.get(doc, "kel_evidence") or ()
        ):
            # a clause that binds nobody (scope, entry into force, definitions) is about what its
            # norms are about, if it has any, not about every field it names
            scores = {t: s for t, s in scores.items() if _has_norm(s)}
        topics = choose_topics(scores)
        extensions.put(doc, "kel_topics", topics)
        evidence = extensions.evidence_list(doc)
        for topic in topics:
            for kind, *what in scores[topic].evidence:
                if kind == "norm":
                    parameter, text = what
                    # the words of the norm, where the norm reader found them
                    place = next((e for e in evidence if e.kind == "norm" and e.label == parameter and e.text == text), None)
                    evidence.append(Evidence(
                        kind="topic", label=topic, text=text, rule=f"a norm of {parameter}",
                        start=place.start if place else None, end=place.end if place else None,
                        where=place.where if place else "text",
                    ))
                    continue
                span = what[0]
                where = "heading" if kind == "heading" else "text"
                evidence.append(
                    Evidence(kind="topic", label=topic, text=span.text, start=span.start_char, end=span.end_char,
                             where=where, rule=f"{'head term' if kind == 'head' else 'term'} of {topic}"
                             if kind != "heading" else f"section heading names {topic}")
                )
        return doc

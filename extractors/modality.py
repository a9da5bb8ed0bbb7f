"""``kel_modality``: how strongly a clause binds (obligation, prohibition, permission, declaration).

Cues live in ``extractors/data/<lang>/modality.jsonl`` in spaCy's pattern
format with a ``label`` (a modality, or ``hedge``) and an ``id``. What the
cues mean together is decided by a swappable function,
``kel.modality_decision.v1``:

* overlapping cues: the longest wins, which is how comparator negations are
  told from prohibitions: "shall not be lower than" is an obligation cue
  (a floor), longer than the prohibition cue "shall not";
* the first remaining cue in reading order is the clause's operative verb and
  decides (legal drafting states the duty first; later "shall not be allowed"
  sentences usually restate its limits);
* a hedge anywhere in the clause ("where possible", «при наличии финансовых
  средств») turns an obligation into a permission: the duty holds only if the
  employer chooses.

A clause with no cue binds nobody (scope statements, entry into force): None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from extractors import extensions
from extractors.component import Component
from extractors.patterns import shared_rules
from schemas import Evidence

MODALITIES = ("obligation", "prohibition", "permission", "declaration")
HEDGE = "hedge"
_LABELS = (*MODALITIES, HEDGE)


class Cue(NamedTuple):
    """One modality cue in the clause: label, token offsets, rule id (a named tuple, like ``TopicMatch``)."""

    label: str
    start: int
    end: int
    rule: str


Decision = Callable[[list[Cue]], tuple[str | None, list[Cue]]]


def modality_decision_v1() -> Decision:
    """Longest cue wins an overlap; the first operative cue decides; a hedge weakens an obligation.

    Returns ``decide(cues) -> (modality, deciding_cues)``.
    """

    def decide(cues: list[Cue]) -> tuple[str | None, list[Cue]]:
        hedges = [c for c in cues if c.label == HEDGE]
        operative = _longest(c for c in cues if c.label != HEDGE)
        if not operative:
            return None, []
        first = operative[0]
        if first.label == "obligation" and hedges:
            return "permission", [first, hedges[0]]
        return first.label, [first]

    return decide


def _longest(cues) -> list[Cue]:
    """One cue per run of overlapping cues, in reading order: the longest of the run (then the earliest).

    Runs, not pairwise overlaps: in "shall not be allowed" the cues "shall",
    "shall not" and "not be allowed" form one run, decided by its longest cue.
    """
    runs: list[list[Cue]] = []
    run_end = 0  # where the last run ends: the furthest end of its cues
    for c in sorted(cues, key=lambda c: (c.start, c.end)):
        if runs and c.start < run_end:
            runs[-1].append(c)
            run_end = max(run_end, c.end)
        else:
            runs.append([c])
            run_end = c.end
    return [min(run, key=lambda c: (-(c.end - c.start), c.start, c.rule)) for run in runs]


class ModalityTagger(Component):
    """Finds the modality cues of a clause Doc and records the deciding one as evidence."""

    def __init__(self, nlp: Language, name: str, lang: str, patterns: list[dict], decide: Decision):
        self.name = name
        self.lang = lang
        self.decide = decide
        self.patterns = shared_rules(nlp, lang)
        self.rules: dict[str, str] = {}
        for entry in patterns:
            self.add(entry)

    def add(self, entry: dict) -> None:
        rule, label, pattern = entry["id"], entry["label"], entry["pattern"]
        if label not in _LABELS:
            raise ValueError(f"modality rule {rule!r}: unknown label {label!r}")
        if rule in self.rules:
            raise ValueError(f"duplicate modality rule id {rule!r}")
        self.rules[rule] = label
        self.patterns.add(rule, pattern, owner=self.name)

    def match(self, doc: Doc) -> list[Cue]:
        """Pure: every cue in ``doc`` in reading order."""
        rules = self.rules  # the RuleSet is shared with kel_topics: keep our own rules' hits
        cues = {Cue(rules[rule], start, end, rule) for rule, start, end in self.patterns(doc) if rule in rules}
        return sorted(cues, key=lambda c: (c.start, c.end, c.rule))

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def set_annotations(self, doc: Doc, cues: list[Cue]) -> None:
        modality, deciding = self.decide(cues)
        evidence = extensions.evidence_list(doc)
        if modality is not None:  # (without one, no cue decided)
            for cue in deciding:
                words, start, end = extensions.span_words(doc, cue.start, cue.end)
                evidence.append(Evidence(kind="modality", label=modality, text=words, start=start, end=end, rule=cue.rule))
        extensions.put(doc, "kel_modality", modality)

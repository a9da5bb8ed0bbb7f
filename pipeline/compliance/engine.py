"""The one comparison engine: the norms of a target against the norms of a reference.

``check`` (an enterprise agreement against a higher-level one) and ``diff`` (a new
version against the old one) both call :func:`compare_norms`; only the names of the
sides and of a guarantee with no counterpart differ (``missing`` / ``removed``).

How two norms of one parameter are compared
-------------------------------------------
A norm guarantees a set of values: ``>= 1.5`` guarantees at least 1.5, ``= 2``
exactly 2, ``<= 40`` (hours, lower is better) at most 40. What a worker can rely
on is the worst value in that set, so the engine compares the worst case the
target guarantees with the worst case the reference guarantees, in the
parameter's direction (``taxonomy().parameters[p].better``). A strict comparator
is a hair better than the non-strict one at the same value (``> 1.5`` beats
``>= 1.5``). A ceiling on a higher-is-better parameter (``<= 2 times_per_month``)
guarantees nothing, so its worst case is minus infinity.

Units must be the same, or convertible by a rule that holds by definition
(:data:`CONVERSIONS`: a week is seven days). Calendar and working days, and
tenge, minimum wages and MCI, are never converted: the first depends on the
work schedule, the second on the year's official values, and the engine does not
guess; such a pair is ``unverifiable``.

Conditions
----------
Conditions are compared after normalisation (:func:`normalise_condition`: case,
punctuation and filler words): null matches null, and two conditions match only
when they are then equal. One qualifying word names another group ("particularly
harmful working conditions" is not "harmful working conditions"), so looser
matching would pair guarantees for different workers. A target norm with no condition applies to every worker,
so it satisfies a conditioned reference norm when its value covers it; when it
does not cover it, it is not taken as the counterpart (the general rule of the
target is not read as a rule for the special group), and the reference norm is
missing unless the target states a norm for that group. A target norm that only
holds under a condition cannot answer an unconditioned reference norm: that is
``unverifiable``.

Choosing among counterparts
---------------------------
When several target norms answer one reference norm, the least favourable one is
judged: the worker can be held to it. In ``diff`` mode, norms in the clauses the
alignment paired with the old clause are preferred.

Modality
--------
A counterpart clause whose modality is weaker than the reference clause's
(``taxonomy().modality_strength``) is ``weakened``, also when the number is the
same. A lowered norm whose wording is also weaker gives both findings: they are
two separate losses. A clause of unknown modality (null) is never called weaker.
Reference clauses without norms but with topics and a modality are matched to the
target clause of a shared topic that shares most subject words with it (at least
:data:`SAME_SUBJECT_MIN_SHARED` by :class:`SubjectIndex`; ``check``) or to their aligned clauses (``diff``)
and compared by modality only.

Missing or unverifiable
-----------------------
A reference norm with no counterpart norm is ``missing`` (``removed`` in ``diff``),
unless (``check``) the target has a clause of the parameter's topic that states no
norm at all and shares the reference clause's subject words: the guarantee may be
there in words, so it is ``unverifiable``.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pipeline.compliance.severity import severity
from pipeline.compliance.wording import describe, label
from schemas.models import Agreement, Clause, Finding, Norm, NormValue
from schemas.taxonomy import taxonomy

_log = logging.getLogger(__name__)

Mode = Literal["check", "diff"]
Verdict = Literal["lowered", "ok", "improved", "unverifiable"]

#: (from unit, to unit) -> factor. Only conversions that hold by definition.
CONVERSIONS: dict[tuple[str, str], float] = {
    ("weeks", "days"): 7.0,
    ("weeks", "calendar_days"): 7.0,
}

#: A target clause of a shared topic must share at least this (weighted) share of subject words
#: with a reference clause (:class:`SubjectIndex`) to be read as dealing with the same thing.
#: Character ratios do not separate here: any two legal sentences score about 50. Measured on
#: the gold corpus: unrelated same-topic pairs share at most 0.41, true counterparts 0.71 or more.
SAME_SUBJECT_MIN_SHARED = 0.5


@dataclass(frozen=True)
class Comparison:
    """What the engine found: findings (``ok`` included) and how many norms the target improved."""

    findings: tuple[Finding, ...]
    improved: int = 0
    improvements: tuple[Finding, ...] = field(default=())


# --------------------------------------------------------------------------- pure helpers


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_FILLER = frozenset({"of", "the", "a", "an", "in", "with", "for", "and", "to", "on"})


def normalise_condition(condition: str | None) -> str | None:
    """Lower case, punctuation and filler words dropped: the form conditions are compared in."""
    if condition is None:
        return None
    words = [w for w in _NON_WORD.sub(" ", condition.lower().replace(",", ".")).split() if w not in _FILLER]
    return " ".join(words) or None


def conditions_match(reference: str | None, target: str | None) -> bool:
    """Whether a target condition names the same group or situation as the reference condition."""
    ref, tgt = normalise_condition(reference), normalise_condition(target)
    if ref is None or tgt is None:
        return ref is tgt
    return ref == tgt


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """``value`` in ``to_unit``, or None when no justified conversion exists."""
    if unit == to_unit:
        return value
    if (unit, to_unit) in CONVERSIONS:
        return value * CONVERSIONS[(unit, to_unit)]
    if (to_unit, unit) in CONVERSIONS:
        return value / CONVERSIONS[(to_unit, unit)]
    return None


_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "="}


def worst_case(comparator: str, value: float, better: str) -> tuple[float, int]:
    """The least favourable value a norm guarantees, as a sortable (goodness, strictness) pair.

    Values of lower-is-better parameters are negated so that larger is always better for
    the worker; the second element puts ``> v`` just above ``>= v``.
    """
    if better == "lower":
        value, comparator = -value, _FLIP[comparator]
    if comparator in ("=", ">="):
        return (value, 0)
    if comparator == ">":
        return (value, 1)
    return (-math.inf, 0)


def judge(target: Norm, reference: Norm, better: str) -> Verdict:
    """How the target norm stands against the reference norm of the same parameter."""
    value = convert(target.value, target.unit, reference.unit)
    if value is None:
        return "unverifiable"
    found = worst_case(target.comparator, value, better)
    expected = worst_case(reference.comparator, reference.value, better)
    if found < expected:
        return "lowered"
    return "improved" if found > expected else "ok"


def weaker(target: Clause, reference: Clause) -> bool:
    """Whether the target clause binds less strongly than the reference clause."""
    if target.modality is None or reference.modality is None:
        return False
    strength = taxonomy().modality_strength
    return strength(target.modality) < strength(reference.modality)


def _value(norm: Norm) -> NormValue:
    return NormValue(comparator=norm.comparator, value=norm.value, unit=norm.unit, condition=norm.condition)


def _sets(what: str, norm: Norm) -> str:
    """ "sets night work pay at least 1.5 times the normal rate" / "grants check-off of union dues"."""
    if norm.unit == "flag":
        return f"grants {what[0].lower() + what[1:]}" + (f" ({norm.condition})" if norm.condition else "")
    return f"sets {what[0].lower() + what[1:]} {describe(norm)}"


def _a(modality: str | None) -> str:
    return f"an {modality}" if modality and modality[0] in "aeiou" else f"a {modality}"


_WORDS = re.compile(r"\w{4,}", re.UNICODE)


def _subject_words(text: str) -> frozenset[str]:
    # Five-letter prefixes stand in for stems in English and Russian alike.
    return frozenset(w[:5] for w in _WORDS.findall(text.lower()))


@dataclass(frozen=True)
class SubjectIndex:
    """How much two clauses share their subject: word overlap weighted by rarity (IDF).

    Words most clauses of the two agreements use ("employer", "trade union", "shall")
    weigh little, so two clauses of one topic that deal with different things score low.
    """

    weights: Mapping[str, float]

    @classmethod
    def of(cls, *agreements: Agreement) -> SubjectIndex:
        texts = [_subject_words(c.text) for a in agreements for c in a.clauses]
        frequency: dict[str, int] = {}
        for words in texts:
            for word in words:
                frequency[word] = frequency.get(word, 0) + 1
        n = len(texts)
        # Smoothed as in scikit-learn: a word every clause uses still weighs 1, so tiny agreements work.
        return cls({word: 1.0 + math.log((n + 1) / (df + 1)) for word, df in frequency.items()})

    def _weight(self, words: frozenset[str]) -> float:
        return sum(self.weights.get(w, 1.0) for w in words)

    def shared(self, a: str, b: str) -> float:
        """Weighted share of the subject words of the lighter text that the other also uses (0-1)."""
        words_a, words_b = _subject_words(a), _subject_words(b)
        smaller = min(self._weight(words_a), self._weight(words_b))
        return self._weight(words_a & words_b) / smaller if smaller > 0 else 0.0


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class _Sides:
    """The two agreements and the words the explanations use for them."""

    target: Agreement
    reference: Agreement
    mode: Mode
    subjects: SubjectIndex

    @property
    def reference_name(self) -> str:
        return "the old version" if self.mode == "diff" else "the reference"

    @property
    def absent_kind(self) -> str:
        return "removed" if self.mode == "diff" else "missing"

    def finding(
        self,
        kind: str,
        *,
        reference_clause: Clause,
        explanation: str,
        target_clause: Clause | None = None,
        reference_norm: Norm | None = None,
        target_norm: Norm | None = None,
        topic: str | None = None,
    ) -> Finding:
        parameter = (reference_norm or target_norm).parameter if (reference_norm or target_norm) else None
        if topic is None and parameter in taxonomy().parameters:
            topic = taxonomy().parameters[parameter].topic
        if topic is None:
            topics = reference_clause.topics or (target_clause.topics if target_clause else ())
            topic = topics[0] if topics else None
        evidence = []
        if target_norm is not None and target_norm.text:
            evidence.append(f"{target_clause.number if target_clause else '?'}: {target_norm.text}")
        if reference_norm is not None and reference_norm.text:
            evidence.append(f"{reference_clause.number}: {reference_norm.text}")
        return Finding(
            kind=kind,
            severity=severity(kind, topic),
            topic=topic,
            parameter=parameter,
            agreement=self.target.id,
            clause=target_clause.number if target_clause else None,
            reference=self.reference.id,
            reference_clause=reference_clause.number,
            expected=_value(reference_norm) if reference_norm else None,
            found=_value(target_norm) if target_norm else None,
            explanation=explanation,
            clause_text=target_clause.text if target_clause else None,
            reference_clause_text=reference_clause.text,
            page=target_clause.page if target_clause else None,
            reference_page=reference_clause.page,
            agreement_title=self.target.title,
            agreement_file=self.target.source.path,
            reference_title=self.reference.title,
            evidence=tuple(evidence),
        )


def _least_favourable(
    candidates: list[tuple[Clause, Norm]], reference: Norm, better: str
) -> tuple[Clause, Norm, Verdict]:
    judged = [(clause, norm, judge(norm, reference, better)) for clause, norm in candidates]
    comparable = [j for j in judged if j[2] != "unverifiable"]
    if not comparable:
        return judged[0]

    def goodness(item: tuple[Clause, Norm, Verdict]) -> tuple[float, int]:
        clause, norm, _ = item
        return worst_case(norm.comparator, convert(norm.value, norm.unit, reference.unit), better)

    return min(comparable, key=goodness)


def _judge_reference_norm(
    sides: _Sides,
    ref_clause: Clause,
    ref_norm: Norm,
    target_norms: list[tuple[Clause, Norm]],
    aligned: frozenset[str],
) -> tuple[list[Finding], bool]:
    """Findings for one reference norm, and whether the target improved on it."""
    parameter = taxonomy().parameters.get(ref_norm.parameter)
    what = label(ref_norm.parameter)
    if parameter is None:
        _log.warning("unknown parameter %r in clause %s: not compared", ref_norm.parameter, ref_clause.number)
        return [], False
    same_parameter = [(c, n) for c, n in target_norms if n.parameter == ref_norm.parameter]
    candidates = [(c, n) for c, n in same_parameter if conditions_match(ref_norm.condition, n.condition)]
    if not candidates and ref_norm.condition is not None:
        candidates = [
            (c, n)
            for c, n in same_parameter
            if n.condition is None and judge(n, ref_norm, parameter.better) in ("ok", "improved")
        ]
    if candidates:
        preferred = [(c, n) for c, n in candidates if c.id in aligned]
        clause, norm, verdict = _least_favourable(preferred or candidates, ref_norm, parameter.better)
        found, expected = describe(norm), describe(ref_norm)
        findings: list[Finding] = []
        common = dict(
            reference_clause=ref_clause, target_clause=clause, reference_norm=ref_norm, target_norm=norm
        )
        if verdict == "unverifiable":
            explanation = (
                f"{what} is {found}; {sides.reference_name} sets {expected}: "
                f"{norm.unit} and {ref_norm.unit} cannot be compared without a justified conversion."
            )
            return [sides.finding("unverifiable", explanation=explanation, **common)], False
        if verdict == "lowered":
            explanation = f"{what} is {found}; {sides.reference_name} sets {expected}."
            findings.append(sides.finding("lowered", explanation=explanation, **common))
        if weaker(clause, ref_clause):
            explanation = (
                f"{what}: the clause is worded as {_a(clause.modality)}, "
                f"where {sides.reference_name} makes it {_a(ref_clause.modality)}."
            )
            findings.append(sides.finding("weakened", explanation=explanation, **common))
        if not findings:
            relation = "improves on" if verdict == "improved" else "meets"
            explanation = f"{what} is {found}; this {relation} {sides.reference_name} ({expected})."
            findings.append(sides.finding("ok", explanation=explanation, **common))
        return findings, verdict == "improved" and len(findings) == 1 and findings[0].kind == "ok"

    narrower = [(c, n) for c, n in same_parameter if n.condition is not None]
    if ref_norm.condition is None and narrower:
        clause, norm = narrower[0]
        explanation = (
            f"{what} is {describe(norm)} only; {sides.reference_name} sets {describe(ref_norm)} "
            "for every worker."
        )
        finding = sides.finding(
            "unverifiable",
            explanation=explanation,
            reference_clause=ref_clause,
            target_clause=clause,
            reference_norm=ref_norm,
            target_norm=norm,
        )
        return [finding], False
    if sides.mode == "check":
        in_words = [
            c
            for c in sides.target.clauses
            if parameter.topic in c.topics
            and not c.norms
            and sides.subjects.shared(c.text, ref_clause.text) >= SAME_SUBJECT_MIN_SHARED
        ]
        if in_words:
            clause = max(in_words, key=lambda c: sides.subjects.shared(c.text, ref_clause.text))
            explanation = (
                f"{sides.reference_name.capitalize()} {_sets(what, ref_norm)}; clause "
                f"{clause.number} is about the same subject but states no measurable value: read it."
            )
            finding = sides.finding(
                "unverifiable",
                explanation=explanation,
                reference_clause=ref_clause,
                target_clause=clause,
                reference_norm=ref_norm,
            )
            return [finding], False
    explanation = f"{sides.reference_name.capitalize()} {_sets(what, ref_norm)}; " + (
        "the new version has no such guarantee."
        if sides.mode == "diff"
        else "the agreement has no counterpart."
    )
    finding = sides.finding(
        sides.absent_kind, explanation=explanation, reference_clause=ref_clause, reference_norm=ref_norm
    )
    return [finding], False


def _judge_reference_wording(
    sides: _Sides, ref_clause: Clause, aligned: frozenset[str] | None
) -> list[Finding]:
    """A reference clause that binds but states no norm: compare the wording's strength only."""
    if aligned is not None:
        counterparts = [c for c in sides.target.clauses if c.id in aligned]
    else:
        shared = [c for c in sides.target.clauses if set(c.topics) & set(ref_clause.topics)]
        scored = [(c, sides.subjects.shared(c.text, ref_clause.text)) for c in shared]
        scored = [(c, s) for c, s in scored if s >= SAME_SUBJECT_MIN_SHARED]
        counterparts = [max(scored, key=lambda cs: cs[1])[0]] if scored else []
    if not counterparts:
        return []
    clause = max(counterparts, key=lambda c: taxonomy().modality_strength(c.modality))
    topic = next((t for t in ref_clause.topics if t in clause.topics), ref_clause.topics[0])
    if weaker(clause, ref_clause):
        explanation = (
            f"Clause {clause.number} is worded as {_a(clause.modality)}, where {sides.reference_name} "
            f"(clause {ref_clause.number}) makes it {_a(ref_clause.modality)}."
        )
        kind = "weakened"
    else:
        explanation = f"Clause {clause.number} binds at least as strongly as clause {ref_clause.number}."
        kind = "ok"
    return [
        sides.finding(
            kind, reference_clause=ref_clause, target_clause=clause, explanation=explanation, topic=topic
        )
    ]


def compare_norms(
    target: Agreement,
    reference: Agreement,
    *,
    mode: Mode = "check",
    counterparts: Mapping[str, frozenset[str]] | None = None,
) -> Comparison:
    """Compare every guarantee of ``reference`` with its counterpart in ``target``.

    ``counterparts`` maps a reference clause id to the target clause ids aligned with
    it (``diff``); without it counterparts are found by parameter and topic.
    """
    sides = _Sides(target, reference, mode, SubjectIndex.of(target, reference))
    target_norms = [(clause, norm) for clause in target.clauses for norm in clause.norms]
    findings: list[Finding] = []
    improvements: list[Finding] = []
    for ref_clause in reference.clauses:
        aligned = counterparts.get(ref_clause.id, frozenset()) if counterparts is not None else frozenset()
        if ref_clause.norms:
            for ref_norm in ref_clause.norms:
                found, improved = _judge_reference_norm(sides, ref_clause, ref_norm, target_norms, aligned)
                findings.extend(found)
                if improved:
                    improvements.extend(found)
        elif ref_clause.topics and ref_clause.modality is not None:
            findings.extend(
                _judge_reference_wording(sides, ref_clause, aligned if counterparts is not None else None)
            )
    _log.debug("%s against %s: %d findings", target.id, reference.id, len(findings))
    return Comparison(findings=tuple(findings), improved=len(improvements), improvements=tuple(improvements))

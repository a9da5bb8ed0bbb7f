"""The one comparison engine: every guarantee of a reference gets exactly one verdict in a target.

``check`` (an agreement against a higher-level one) and ``diff`` (a new version against the
old one) both call :func:`compare`; only the names of the sides and of a guarantee with no
counterpart differ (``missing`` / ``removed``).

A guarantee is a norm of the reference (not an ``unassigned`` quantity). Its verdict:

1. **Counterpart norms** in the target: norms of the same parameter whose condition is the
   same, narrower ("harmful working conditions class 3.1" under "harmful working
   conditions"; "disability group 1" under "disability group 1 or 2"), or absent (a rule for
   every worker also covers a group, when its value does). The least favourable of them is
   judged: a worker can be held to it. ``lowered`` when it falls below the reference,
   ``unverifiable`` when no honest comparison exists (other units, or bounds that straddle
   the reference: a month is 28 to 31 days), else ``ok``; ``weakened`` when the value holds
   but the clause binds less strongly (obligation -> permission -> declaration). A norm the
   target applies by reference to this very reference is ``ok`` by reference.
2. **Incorporation by reference** that could not be resolved to values (the cited agreement
   is not at hand): a target clause citing an agreement of the reference's level (in ``diff``,
   any higher agreement) that names the guarantee or cites its clause is ``ok`` by reference.
3. **A counterpart clause without a readable value**: a target clause about the guarantee's
   topic whose words name it ("notice of dismissal", «выходное пособие») but whose norm was not read, or a
   norm of the parameter for a narrower group only, is ``unverifiable``, both clauses quoted:
   never ``missing``, which would be a false alarm.
4. Otherwise ``missing`` (``removed`` in ``diff``).

Units compare only by a conversion that holds by definition: a week is 7 days; a day of notice
is a calendar day; an annual wage is 12 average monthly wages; a month is 28 to 31 days (so
"two months" beats "30 days" but is not compared with "60 days"). Calendar and working days,
and tenge, minimum wages and MCI, are never converted: such a pair is ``unverifiable``.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pipeline.compliance.names import Named, named_words
from pipeline.compliance.severity import severity
from pipeline.compliance.wording import describe, label, sets
from pipeline.unread import unread_reason
from schemas.models import Agreement, Clause, Finding, Norm, NormValue
from schemas.taxonomy import taxonomy

_log = logging.getLogger(__name__)

Mode = Literal["check", "diff"]
Verdict = Literal["lowered", "ok", "improved", "unverifiable"]

#: (from unit, to unit) -> (low factor, high factor): value in ``to`` lies between value*low and value*high.
CONVERSIONS: dict[tuple[str, str], tuple[float, float]] = {
    ("weeks", "days"): (7.0, 7.0),
    ("weeks", "calendar_days"): (7.0, 7.0),
    ("days", "calendar_days"): (1.0, 1.0),  # "days" of notice or leave, unqualified, are calendar days
    ("months", "days"): (28.0, 31.0),
    ("months", "calendar_days"): (28.0, 31.0),
    ("months", "weeks"): (4.0, 31.0 / 7.0),
    ("annual_wage", "monthly_wage"): (12.0, 12.0),
}


def interval(value: float, unit: str, to_unit: str) -> tuple[float, float] | None:
    """The bounds of ``value`` ``unit`` expressed in ``to_unit``, or None when no honest conversion exists."""
    if unit == to_unit:
        return value, value
    if (unit, to_unit) in CONVERSIONS:
        lo, hi = CONVERSIONS[(unit, to_unit)]
        return value * lo, value * hi
    if (to_unit, unit) in CONVERSIONS:
        lo, hi = CONVERSIONS[(to_unit, unit)]
        return value / hi, value / lo
    return None


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """``value`` in ``to_unit`` when the conversion is exact, else None."""
    bounds = interval(value, unit, to_unit)
    return bounds[0] if bounds is not None and bounds[0] == bounds[1] else None


_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "="}


def worst_case(comparator: str, value: float, better: str) -> tuple[float, int]:
    """The least favourable value a norm guarantees, as a sortable (goodness, strictness) pair.

    Values of lower-is-better parameters are negated so that larger is always better for
    the worker; the second element puts ``> v`` just above ``>= v``. A ceiling on a
    higher-is-better parameter ("up to 14 days") guarantees nothing: minus infinity.
    """
    if better == "lower":
        value, comparator = -value, _FLIP[comparator]
    if comparator in ("=", ">="):
        return (value, 0)
    if comparator == ">":
        return (value, 1)
    return (-math.inf, 0)


def judge(target: Norm, reference: Norm, better: str) -> Verdict:
    """How a target norm stands against a reference norm of the same parameter."""
    bounds = interval(target.value, target.unit, reference.unit)
    if bounds is None:
        return "unverifiable"
    expected = worst_case(reference.comparator, reference.value, better)
    low = worst_case(target.comparator, bounds[0], better)
    high = worst_case(target.comparator, bounds[1], better)
    found_min, found_max = min(low, high), max(low, high)
    if found_min >= expected:
        return "improved" if found_min > expected else "ok"
    if found_max < expected:
        return "lowered"
    return "unverifiable"  # "two months" against "60 days": between 56 and 62


def weaker(target: Clause, reference: Clause) -> bool:
    """Whether the target clause binds less strongly than the reference clause."""
    if target.modality is None or reference.modality is None:
        return False
    strength = taxonomy().modality_strength
    return strength(target.modality) < strength(reference.modality)


# --------------------------------------------------------------------------- conditions


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_FILLER = frozenset({"of", "the", "a", "an", "in", "with", "for", "and", "to", "on"})
_GROUPS = re.compile(r"disability group ([\d ]+(?:or [\d ]+)*)")


def normalise_condition(condition: str | None) -> str | None:
    """Lower case, punctuation and filler words dropped: the form conditions are compared in."""
    if condition is None:
        return None
    words = [w for w in _NON_WORD.sub(" ", condition.lower().replace(",", ".")).split() if w not in _FILLER]
    return " ".join(words) or None


def _groups(condition: str) -> set[str] | None:
    m = _GROUPS.search(condition.lower())
    return set(re.findall(r"\d", m.group(1))) if m else None


def relation(reference: str | None, target: str | None) -> str | None:
    """How a target condition stands to a reference condition: ``same``, ``narrower`` (the
    target speaks of part of the reference's group), ``all`` (the target speaks of every
    worker), ``only`` (the target speaks of a group, the reference of every worker), or None."""
    ref, tgt = normalise_condition(reference), normalise_condition(target)
    if ref == tgt:
        return "same"
    if ref is None:
        return "only"
    if tgt is None:
        return "all"
    ref_groups, tgt_groups = _groups(reference or ""), _groups(target or "")
    if ref_groups is not None and tgt_groups is not None:
        return "narrower" if tgt_groups <= ref_groups else None
    harmful = ("harmful working conditions", "dangerous working conditions", "harmful conditions")
    family = normalise_condition
    if any(tgt.startswith(family(h)) for h in harmful) and any(ref == family(h) for h in harmful):
        return "narrower"  # a class, a profession or a degree of harmful work under harmful work
    if tgt.startswith(ref):
        return "narrower"
    return None


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Comparison:
    """What the engine found: one finding per guarantee (``ok`` included), and the improvements."""

    findings: tuple[Finding, ...]
    guarantees: int = 0
    improved: int = 0
    improvements: tuple[Finding, ...] = field(default=())
    unread: tuple[str, ...] = ()  # "file: reason" when the target's text was not read


def norm_value(norm: Norm) -> NormValue:
    """A norm as a finding states it (``expected`` / ``found``)."""
    return NormValue(comparator=norm.comparator, value=norm.value, unit=norm.unit, condition=norm.condition)


def _a(modality: str | None) -> str:
    return f"an {modality}" if modality and modality[0] in "aeiou" else f"a {modality}"


@dataclass(frozen=True)
class _Sides:
    target: Agreement
    reference: Agreement
    mode: Mode

    @property
    def reference_name(self) -> str:
        return "the old version" if self.mode == "diff" else "the reference"

    @property
    def absent_kind(self) -> str:
        return "removed" if self.mode == "diff" else "missing"

    def finding(self, kind: str, g: Clause, norm: Norm, explanation: str, clause: Clause | None = None,
                found: Norm | None = None, by_reference: bool = False) -> Finding:
        topic = taxonomy().parameters[norm.parameter].topic if norm.parameter in taxonomy().parameters else None
        evidence = []
        if found is not None and found.text:
            evidence.append(f"{clause.number if clause else '?'}: {found.text}")
        elif clause is not None:
            evidence.append(f"{clause.number}: {clause.text[:200]}")
        if norm.text:
            evidence.append(f"{g.number}: {norm.text}")
        return Finding(
            kind=kind,
            severity=severity(kind, topic),
            topic=topic,
            parameter=norm.parameter,
            agreement=self.target.id,
            clause=clause.number if clause else None,
            reference=self.reference.id,
            reference_clause=g.number,
            expected=norm_value(norm),
            found=norm_value(found) if found is not None else None,
            explanation=explanation,
            clause_text=clause.text if clause else None,
            reference_clause_text=g.text,
            page=clause.page if clause else None,
            reference_page=g.page,
            agreement_title=self.target.title,
            agreement_file=self.target.source.path,
            reference_title=self.reference.title,
            evidence=tuple(evidence),
            by_reference=by_reference,
            level=self.reference.level,
        )


def _by_this_reference(norm: Norm, reference: Agreement) -> bool:
    return bool(norm.by_reference) and bool(reference.title) and norm.by_reference.startswith(reference.title)


def _judge_norms(sides: _Sides, g: Clause, norm: Norm, candidates: list[tuple[Clause, Norm, str]]) -> tuple[Finding, bool]:
    """The verdict on a guarantee that has counterpart norms; and whether the target improved on it."""
    better = taxonomy().parameters[norm.parameter].better
    what = label(norm.parameter)
    expected = describe(norm)
    by_reference = [(c, n) for c, n, _ in candidates if _by_this_reference(n, sides.reference)]
    if by_reference:
        clause, found = by_reference[0]
        if weaker(clause, g):
            return sides.finding("weakened", g, norm, f"{what} applies {sides.reference_name}'s provision by reference, "
                                 f"but the clause is worded as {_a(clause.modality)}, where {sides.reference_name} makes it "
                                 f"{_a(g.modality)}.", clause, found, by_reference=True), False
        return sides.finding("ok", g, norm, f"{what} applies {sides.reference_name}'s provision by reference "
                             f"({found.by_reference}): {expected}.", clause, found, by_reference=True), False
    judged = [(c, n, judge(n, norm, better)) for c, n, _ in candidates]
    comparable = [j for j in judged if j[2] != "unverifiable"]
    if not comparable:
        clause, found, _ = judged[0]
        return sides.finding("unverifiable", g, norm, f"{what} is {describe(found)}; {sides.reference_name} sets "
                             f"{expected}: {found.unit} and {norm.unit} cannot be compared honestly.", clause, found), False
    order = {"lowered": 0, "ok": 1, "improved": 2}
    clause, found, verdict = min(comparable, key=lambda j: (order[j[2]], worst_case(j[1].comparator, j[1].value, better)))
    if verdict == "lowered":
        extra = f"; it is also worded as {_a(clause.modality)}" if weaker(clause, g) else ""
        return sides.finding("lowered", g, norm, f"{what} is {describe(found)}; {sides.reference_name} sets {expected}{extra}.",
                             clause, found), False
    if weaker(clause, g):
        return sides.finding("weakened", g, norm, f"{what}: the clause is worded as {_a(clause.modality)}, where "
                             f"{sides.reference_name} makes it {_a(g.modality)}.", clause, found), False
    relation_word = "improves on" if verdict == "improved" else "meets"
    return sides.finding("ok", g, norm, f"{what} is {describe(found)}; this {relation_word} {sides.reference_name} ({expected}).",
                         clause, found), verdict == "improved"


def _incorporating(sides: _Sides, g: Clause, norm: Norm) -> Clause | None:
    """A target clause that applies the guarantee by an (unresolved) reference to a higher agreement."""
    for clause in sides.target.clauses:
        for inc in clause.incorporations:
            cites_reference = inc.level == sides.reference.level
            higher = sides.mode == "diff" and inc.level in ("general", "sectoral", "regional", "labour_code")
            # a cited clause number is a clause of the cited agreement: it names the guarantee only
            # when that agreement is the reference itself, and then it alone says what is applied
            if cites_reference and inc.clauses:
                if g.number in inc.clauses:
                    return clause
                continue
            if (cites_reference or higher) and norm.parameter in inc.parameters:
                return clause
    return None


def _naming(sides: _Sides, norm: Norm, named: Mapping[str, Named]) -> Clause | None:
    """A target clause whose own words name the guarantee, though no value of it was read."""
    topic = taxonomy().parameters[norm.parameter].topic
    found = [c for c in sides.target.clauses if c.id in named and named[c.id].names(norm.parameter, norm.condition)
             and topic in c.topics and not any(n.parameter == norm.parameter for n in c.norms)]
    return max(found, key=lambda c: len(c.text), default=None)


def _judge(sides: _Sides, g: Clause, norm: Norm, aligned: frozenset[str], named: Mapping[str, Named]) -> tuple[Finding, bool]:
    what = label(norm.parameter)
    same = [(c, n) for c in sides.target.clauses for n in c.norms if n.parameter == norm.parameter]
    related = [(c, n, relation(norm.condition, n.condition)) for c, n in same]
    if aligned:
        preferred = [r for r in related if r[0].id in aligned]
        related = preferred or related
    exact = [r for r in related if r[2] in ("same", "narrower")]
    if exact:
        return _judge_norms(sides, g, norm, exact)
    general = [r for r in related if r[2] == "all"]
    if general:
        finding, improved = _judge_norms(sides, g, norm, general)
        if finding.kind in ("ok", "weakened"):
            return finding, improved
        # a rule for every worker below the group's guarantee says nothing for the group: read on
    incorporating = _incorporating(sides, g, norm)
    if incorporating is not None:
        return sides.finding("ok", g, norm, f"{what}: clause {incorporating.number} applies the provisions of a higher "
                             f"agreement by reference ({sides.reference_name} sets {describe(norm)}).",
                             incorporating, by_reference=True), False
    only = [r for r in related if r[2] == "only"]
    if only:
        clause, found, _ = only[0]
        return sides.finding("unverifiable", g, norm, f"{what} is {describe(found)} only; {sides.reference_name} sets "
                             f"{describe(norm)} for every worker.", clause, found), False
    naming = _naming(sides, norm, named)
    if naming is not None:
        return sides.finding("unverifiable", g, norm, f"{sides.reference_name.capitalize()} {sets(what, norm)}; "
                             f"clause {naming.number} speaks of it, but no value of it was read: "
                             "a lawyer should read both.", naming), False
    if general:
        clause, found, _ = general[0]
        return sides.finding(sides.absent_kind, g, norm, f"{sides.reference_name.capitalize()} {sets(what, norm)}; "
                             f"the agreement's rule for every worker ({describe(found)}, clause "
                             f"{clause.number}) does not meet it, and it states none for this group."), False
    absent = "the new version has no such guarantee" if sides.mode == "diff" else "the agreement has no counterpart"
    return sides.finding(sides.absent_kind, g, norm, f"{sides.reference_name.capitalize()} {sets(what, norm)}; {absent}."), False


def guarantees(reference: Agreement) -> list[tuple[Clause, Norm]]:
    """The guarantees of a reference: its norms of taxonomy parameters, one per parameter and
    condition in a clause."""
    out, seen = [], set()
    params = taxonomy().parameters
    for clause in reference.clauses:
        for norm in clause.norms:
            key = (clause.id, norm.parameter, norm.condition)
            if norm.parameter in params and key not in seen:
                seen.add(key)
                out.append((clause, norm))
    return out


def compare(
    target: Agreement,
    reference: Agreement,
    *,
    mode: Mode = "check",
    counterparts: Mapping[str, frozenset[str]] | None = None,
    named: Mapping[str, Named] | None = None,
) -> Comparison:
    """One verdict for every guarantee of ``reference`` in ``target``.

    ``counterparts`` maps a reference clause id to the target clause ids aligned with it
    (``diff``); ``named`` maps a target clause id to what its words name
    (:func:`pipeline.compliance.names.named_words`, computed when not given), for counterparts
    whose value was not read.
    """
    sides = _Sides(target, reference, mode)
    if named is None:
        named = named_words(target)
    findings: list[Finding] = []
    improvements: list[Finding] = []
    items = guarantees(reference)
    for g, norm in items:
        aligned = counterparts.get(g.id, frozenset()) if counterparts is not None else frozenset()
        finding, improved = _judge(sides, g, norm, aligned, named)
        findings.append(finding)
        if improved:
            improvements.append(finding)
    _log.debug("%s against %s: %d guarantees", target.id, reference.id, len(items))
    unread = unread_reason(target)
    if unread is not None:
        findings = [_not_read(f, target, unread) for f in findings]
    return Comparison(findings=tuple(findings), guarantees=len(items), improved=len(improvements),
                      improvements=tuple(improvements),
                      unread=(f"{target.source.path}: {unread}",) if unread else ())


def _not_read(finding: Finding, target: Agreement, reason: str) -> Finding:
    """A guarantee found nowhere in a target whose text was not read is unverifiable, not missing:
    the lawyer must not read "the agreement drops it" when nobody read the agreement."""
    if finding.kind not in ("missing", "removed"):
        return finding
    return finding.model_copy(update={
        "kind": "unverifiable",
        "severity": severity("unverifiable", finding.topic),
        "explanation": f"Not read from {target.source.path}: {reason}. Whether it keeps this guarantee "
                       "cannot be told. " + finding.explanation,
    })  # fmt: skip


# The name the rest of the package knows the engine by.
compare_norms = compare

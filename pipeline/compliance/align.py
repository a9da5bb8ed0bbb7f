"""Aligning the clauses of two versions of one agreement, across renumbering, reordering, splits and merges.

All pairs are scored at once (``rapidfuzz.process.cdist`` on normalised text, the
mean of ``token_sort_ratio`` and ``token_set_ratio``: the first punishes added or
dropped words, the second forgives reordering), with small bonuses for the same
heading, a shared topic and the same number as tie-breakers. Pairs are then taken
greedily, best score first, each clause at most once. Clauses left over are tried
as parts of a split (a new clause contained in an old clause already paired, or
numbered as a sub-clause or parent of its new counterpart: 2.4 -> 2.4, 2.4.1, 2.4.2)
or of a merge (the same, old into new).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from schemas.models import Agreement, Clause

#: A pair scoring below this is not the same clause (mean of two 0-100 ratios, plus bonuses).
#: On the kazmetall 2021/2024 gold map true pairs score 72.8 or more; the best wrong pair of a
#: clause left without a counterpart ("information to the union" vs "dues check-off") 58.7.
MIN_SCORE = 65.0
#: A part must be this fully contained (``partial_ratio``) in the whole to count as split or merged.
MIN_CONTAINMENT = 90.0
#: Parts shorter than this (normalised characters) are too generic to place by containment.
MIN_PART_LENGTH = 25

_BONUS_HEADING, _BONUS_TOPIC, _BONUS_NUMBER = 3.0, 4.0, 2.0
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s.,%]", re.UNICODE)


def normalise(text: str) -> str:
    """Lower case, punctuation other than decimals dropped, spaces collapsed."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.lower())).strip()


@dataclass(frozen=True)
class Group:
    """Old clauses and the new clauses they became: 1-1, 1-n (split) or n-1 (merged)."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    status: str  # unchanged | moved | changed | split | merged


@dataclass(frozen=True)
class Alignment:
    groups: tuple[Group, ...]
    added: tuple[str, ...]  # ids of new clauses with no old counterpart
    removed: tuple[str, ...]  # ids of old clauses with no new counterpart

    def counterparts(self) -> dict[str, frozenset[str]]:
        """Old clause id -> the ids of the new clauses it was aligned with."""
        result: dict[str, frozenset[str]] = {}
        for group in self.groups:
            for old_id in group.old:
                result[old_id] = result.get(old_id, frozenset()) | frozenset(group.new)
        return result

    def summary(self) -> dict[str, int]:
        statuses = [g.status for g in self.groups]
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": sum(s in ("changed", "split", "merged") for s in statuses),
            "moved": statuses.count("moved"),
            "unchanged": statuses.count("unchanged"),
            "split": statuses.count("split"),
            "merged": statuses.count("merged"),
        }


def _scores(old: tuple[Clause, ...], new: tuple[Clause, ...]) -> list[list[float]]:
    old_texts = [normalise(c.text) for c in old]
    new_texts = [normalise(c.text) for c in new]
    sort = process.cdist(old_texts, new_texts, scorer=fuzz.token_sort_ratio)
    token_set = process.cdist(old_texts, new_texts, scorer=fuzz.token_set_ratio)
    scores = []
    for i, o in enumerate(old):
        row = []
        for j, n in enumerate(new):
            score = (float(sort[i][j]) + float(token_set[i][j])) / 2
            if o.heading and o.heading == n.heading:
                score += _BONUS_HEADING
            if set(o.topics) & set(n.topics):
                score += _BONUS_TOPIC
            if o.number == n.number:
                score += _BONUS_NUMBER
            row.append(score)
        scores.append(row)
    return scores


def _contained(part: str, whole: str) -> bool:
    """The part's wording (``partial_ratio``) or its words (``token_set_ratio``) are inside the whole."""
    part, whole = normalise(part), normalise(whole)
    if len(part) < MIN_PART_LENGTH or len(part) >= len(whole):
        return False
    return max(fuzz.partial_ratio(part, whole), fuzz.token_set_ratio(part, whole)) >= MIN_CONTAINMENT


def _related_numbers(a: str, b: str) -> bool:
    """One number is the parent of the other: "2.4" and "2.4.1" (a clause broken into sub-clauses)."""
    return a != b and (a.startswith(b + ".") or b.startswith(a + "."))


def _part_of(part: Clause, whole: Clause, siblings: list[Clause], score: float) -> bool:
    """Whether ``part`` is a piece of ``whole`` split off (or merged in) beside ``siblings``."""
    if score < MIN_SCORE:
        return False
    return _contained(part.text, whole.text) or any(_related_numbers(part.number, s.number) for s in siblings)


def _pair_status(o: Clause, n: Clause) -> str:
    """Same words under the same number: unchanged; under another number (renumbered, reordered): moved."""
    # Any changed word may be a changed number ("thirty" -> "thirty-two"): only equal text is the same.
    if normalise(o.text) != normalise(n.text):
        return "changed"
    return "unchanged" if o.number == n.number else "moved"


def _pair_best(scores: list[list[float]], n_old: int, n_new: int) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Pairs taken greedily, best score first (then the nearer position), each clause at most once."""
    candidates = sorted(
        ((scores[i][j], i, j) for i in range(n_old) for j in range(n_new)),
        key=lambda t: (-t[0], abs(t[1] - t[2]), t[1]),
    )
    old_to_new: dict[int, list[int]] = {}
    new_to_old: dict[int, list[int]] = {}
    for score, i, j in candidates:
        if score < MIN_SCORE:
            break
        if i in old_to_new or j in new_to_old:
            continue
        old_to_new[i], new_to_old[j] = [j], [i]
    return old_to_new, new_to_old


def _home(part: Clause, wholes: tuple[Clause, ...], paired: dict[int, list[int]], siblings: tuple[Clause, ...],
          part_scores: list[float]) -> int | None:
    """The paired clause of the other version that ``part``, left over, is a piece of (best score
    first), or None; ``paired`` maps each whole to its counterparts among ``siblings``."""
    homes = [
        k
        for k, whole in enumerate(wholes)
        if k in paired and _part_of(part, whole, [siblings[x] for x in paired[k]], part_scores[k])
    ]
    return max(homes, key=lambda k: part_scores[k]) if homes else None


def _groups(old: Agreement, new: Agreement, old_to_new: dict[int, list[int]], new_to_old: dict[int, list[int]]) -> list[Group]:
    """One group per connected set of pairs, with its status: split, merged, moved, changed or unchanged."""
    groups: list[Group] = []
    seen: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    for i in sorted(old_to_new):
        new_ids = tuple(sorted(old_to_new[i]))
        old_ids = tuple(sorted({k for j in new_ids for k in new_to_old[j]}))
        if (old_ids, new_ids) in seen:
            continue
        seen.add((old_ids, new_ids))
        if len(new_ids) > 1:
            status = "split"
        elif len(old_ids) > 1:
            status = "merged"
        else:
            status = _pair_status(old.clauses[i], new.clauses[new_ids[0]])
        groups.append(
            Group(
                old=tuple(old.clauses[k].id for k in old_ids),
                new=tuple(new.clauses[k].id for k in new_ids),
                status=status,
            )
        )
    return groups


def align(old: Agreement, new: Agreement) -> Alignment:
    """Pair the clauses of ``old`` with those of ``new``: the best pairs, then splits, then merges."""
    scores = _scores(old.clauses, new.clauses) if old.clauses and new.clauses else []
    old_to_new, new_to_old = _pair_best(scores, len(old.clauses), len(new.clauses))
    # Splits: a leftover new clause contained in a paired old clause.
    for j, n in enumerate(new.clauses):
        if j not in new_to_old and old.clauses:
            i = _home(n, old.clauses, old_to_new, new.clauses, [row[j] for row in scores])
            if i is not None:
                old_to_new[i].append(j)
                new_to_old[j] = [i]
    # Merges: a leftover old clause contained in a paired new clause.
    for i, o in enumerate(old.clauses):
        if i not in old_to_new and new.clauses:
            j = _home(o, new.clauses, new_to_old, old.clauses, scores[i])
            if j is not None:
                first_old = new_to_old[j][0]
                new_to_old[j].append(i)
                old_to_new[i] = list(old_to_new[first_old])
    return Alignment(
        groups=tuple(_groups(old, new, old_to_new, new_to_old)),
        added=tuple(c.id for j, c in enumerate(new.clauses) if j not in new_to_old),
        removed=tuple(c.id for i, c in enumerate(old.clauses) if i not in old_to_new),
    )

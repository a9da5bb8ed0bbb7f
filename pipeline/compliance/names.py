"""Which guarantees a clause's words name, whether or not a value of them was read.

The compliance engine needs to tell a guarantee the target does not have (``missing``) from
one it has in words the reader could not turn into a value (``unverifiable``): a clause that
says "severance pay" or «выходное пособие» is about severance pay. The words are the parameter
cues and condition triggers of the rule files (``extractors/data/<lang>/``), read by the
extractors' own lexicon. A guarantee for a group ("36 hours a week in harmful conditions") is
named only by a clause that also names that kind of group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from schemas import Agreement

# Condition triggers that qualify another one ("5 years", "group 2", "depending on") name no group.
_QUALIFIERS = frozenset({"years", "group", "depending"})
# Kinds of harmful work a reference's "harmful working conditions" covers.
_HARMFUL = frozenset({"harmful", "particularly_harmful", "dangerous", "hazard_class"})


@dataclass(frozen=True)
class Named:
    """What one clause's words name: parameters (strong cues only) and kinds of condition."""

    parameters: frozenset[str] = frozenset()
    conditions: frozenset[str] = frozenset()

    def names(self, parameter: str, condition: str | None) -> bool:
        if parameter not in self.parameters:
            return False
        if not condition:
            return True
        wanted = condition_kinds(condition)
        return not wanted or bool(_family(wanted) & _family(self.conditions))


def _family(kinds: frozenset[str]) -> frozenset[str]:
    return frozenset("harmful" if k in _HARMFUL else k for k in kinds)


def _layers(text: str, lang: str) -> dict[str, list]:
    from extractors.lexicon import layers
    from extractors.nlp import words_doc

    return layers(words_doc(text, lang))


@cache
def condition_kinds(condition: str) -> frozenset[str]:
    """The kinds of group a norm's condition (an English phrase, see conditions.yaml) speaks of."""
    return frozenset(s.id_ for s in _layers(condition, "en").get("cond", ()) if s.id_ not in _QUALIFIERS)


def named_words(agreement: Agreement) -> dict[str, Named]:
    """Clause id -> what its words name."""
    if not agreement.clauses:
        return {}
    from extractors import clause_language

    out: dict[str, Named] = {}
    for clause in agreement.clauses:
        by_label = _layers(clause.text[:20000], clause_language(agreement, clause))
        cues = by_label.get("param", [])
        # "annual leave" inside "additional paid annual leave" names the additional leave only
        outermost = [s for s in cues if not any(o.start <= s.start and s.end <= o.end and len(o) > len(s) for o in cues)]
        conditions = frozenset(s.id_ for s in by_label.get("cond", ()) if s.id_ not in _QUALIFIERS)
        out[clause.id] = Named(frozenset(s.id_ for s in outermost), conditions)
    return out

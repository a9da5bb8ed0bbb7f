"""Incorporation by reference: the guarantees a clause applies from a higher agreement, made explicit.

A clause "shall pay a lump sum in the amount established by clause 4.3 of the General
Agreement" states no number; the extractor records what it cites
(:class:`schemas.Incorporation`). :func:`incorporate` reads the cited agreement and copies
the cited guarantees onto the clause, each marked with ``by_reference`` (the provision it
comes from) and quoting the referring words, so a lawyer sees the value the clause really
grants and the comparison engine compares it like any other norm.

What is brought:

* the norms of the cited clauses, when the clause names clause numbers ("clause 4.3",
  «пунктом 4.4»);
* otherwise the norms of the cited agreement whose parameters the clause's own words name
  ("lump sums in case of death or loss of working capacity ... in the amounts established by
  the General Agreement" brings the death and disability lump sums, nothing else).

A clause that names a rate of the agreement itself instead of stating it ("paid at the
overtime rate", level ``own``) gets the value the agreement's other clauses state for it
(:func:`incorporate_own`), when they state exactly one; otherwise it stays unresolved.

A reference to an agreement that is not at hand stays unresolved: the clause keeps its
incorporation, and the compliance engine answers the guarantees it names as met by reference
instead of missing (see ``pipeline.compliance.engine``).
"""

from __future__ import annotations

from schemas import Agreement, Clause, Incorporation, Norm
from schemas.models import OWN


def cites(incorporation: Incorporation, higher: Agreement) -> bool:
    """Whether an incorporation cites ``higher``: the same level of agreement."""
    return incorporation.level == higher.level


def cited_norms(incorporation: Incorporation, higher: Agreement) -> list[tuple[Clause, Norm]]:
    """The guarantees of ``higher`` an incorporation brings, with the clause each comes from."""
    if incorporation.clauses:
        wanted = set(incorporation.clauses)
        return [(c, n) for c in higher.clauses if c.number in wanted for n in c.norms if not n.by_reference]
    if not incorporation.parameters:
        return []
    named = set(incorporation.parameters)
    return [(c, n) for c in higher.clauses for n in c.norms if n.parameter in named and not n.by_reference]


def _label(higher: Agreement, clause: Clause) -> str:
    return f"{higher.title or higher.id}, clause {clause.number}"


def incorporate_clause(clause: Clause, higher: Agreement) -> Clause:
    """``clause`` with the norms it applies by reference from ``higher`` added."""
    added: list[Norm] = []
    have = {(n.parameter, n.condition) for n in clause.norms}
    for incorporation in clause.incorporations:
        if not cites(incorporation, higher):
            continue
        for source, norm in cited_norms(incorporation, higher):
            if (norm.parameter, norm.condition) in have:
                continue
            have.add((norm.parameter, norm.condition))
            added.append(norm.model_copy(update={"text": incorporation.text, "by_reference": _label(higher, source)}))
    if not added:
        return clause
    return clause.model_copy(update={"norms": clause.norms + tuple(added)})


def incorporate(agreement: Agreement, higher: Agreement) -> Agreement:
    """``agreement`` with every guarantee it applies by reference from ``higher`` made explicit."""
    if agreement.id == higher.id or not any(
        cites(i, higher) for c in agreement.clauses for i in c.incorporations
    ):
        return agreement
    return agreement.model_copy(update={"clauses": tuple(incorporate_clause(c, higher) for c in agreement.clauses)})


def incorporate_own(agreement: Agreement) -> Agreement:
    """``agreement`` with each rate a clause names instead of stating ("at the overtime rate") made
    explicit from the clause that states it, when the agreement states one value of it (several
    values, or none, leave the reference unresolved: the words still show)."""
    wanted = {p for c in agreement.clauses for i in c.incorporations if i.level == OWN for p in i.parameters}
    if not wanted:
        return agreement
    stated: dict[str, list[tuple[Clause, Norm]]] = {}
    for c in agreement.clauses:
        for n in c.norms:
            if n.parameter in wanted and not n.by_reference and n.condition is None:
                stated.setdefault(n.parameter, []).append((c, n))

    def resolved(clause: Clause) -> Clause:
        added = []
        for inc in clause.incorporations:
            if inc.level != OWN:
                continue
            for pid in inc.parameters:
                # a bilingual agreement's version names its own clauses
                found = [(c, n) for c, n in stated.get(pid, ()) if c.id != clause.id and c.language == clause.language]
                if len({(n.comparator, n.value, n.unit) for _, n in found}) != 1:
                    continue
                source, norm = found[0]
                added.append(norm.model_copy(update={"text": inc.text, "by_reference": f"this agreement, clause {source.number}"}))
        return clause.model_copy(update={"norms": clause.norms + tuple(added)}) if added else clause

    return agreement.model_copy(update={"clauses": tuple(resolved(c) for c in agreement.clauses)})

"""``kel_norms``: the norm reader (:mod:`extractors.reading`) and incorporation by reference as a component."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from extractors import extensions
from extractors.component import Component
from extractors.lexicon import layer
from extractors.reading import UNASSIGNED, Context, read_clause
from extractors.references import read_incorporations, read_own_rates
from extractors.tables import table_norms
from schemas import Evidence


class NormReader(Component):
    """Writes ``kel_norms``, ``kel_incorporations`` and their evidence; keeps the whole reading."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        context = Context(heading=extensions.get(doc, "kel_heading_doc"), modality=extensions.get(doc, "kel_modality"),
                          lead_in=extensions.get(doc, "kel_lead_in_doc"))
        reading = read_clause(doc, self.lang, context)
        stated = _stated_as_fact(doc, context, reading)
        if stated is not None:
            # "The duration of the annual paid leave is thirty (30) calendar days", «Продолжительность
            # отпуска 28 календарных дней»: no modal verb, yet the clause states a guarantee
            extensions.put(doc, "kel_modality", "obligation")
            extensions.evidence_list(doc).append(Evidence(
                kind="modality", label="obligation", text=stated.text, start=stated.start_char, end=stated.end_char,
                rule="no modal verb: the clause states a guarantee as a fact"))
            context = replace(context, modality="obligation")
            reading = read_clause(doc, self.lang, context)
        # a table's rows are groups of their own, even where their conditions read alike
        norms, evidence = _once(list(reading.norms), list(reading.evidence))
        tables = extensions.get(doc, "kel_tables")
        if tables:
            found, found_evidence = table_norms(tables, doc, self.lang, context)
            norms += found
            evidence += found_evidence
        cited = [s.id_ for s in layer(doc, "param")]
        heading = extensions.get(doc, "kel_heading_doc")
        if heading is not None and not cited:
            # the section's title says what a bare "as established by the General Agreement" applies
            cited += [s.id_ for s in layer(heading, "param")]
        incorporations, ref_evidence = read_incorporations(doc, list(dict.fromkeys(cited)))
        own, own_evidence = read_own_rates(doc, {n.parameter for n in norms})
        incorporations, ref_evidence = incorporations + own, ref_evidence + own_evidence
        extensions.put(doc, "kel_reading", reading)
        extensions.put(doc, "kel_norms", norms)
        extensions.put(doc, "kel_incorporations", incorporations)
        extensions.evidence_list(doc).extend(evidence + ref_evidence)
        return doc


def _stated_as_fact(doc: Doc, context: Context, reading):
    """The words of the first guarantee a clause with no modal cue at all states (not a scope, a
    definition or a deeming provision: those leave their cue as evidence), or None."""
    if context.modality is not None or any(e.kind == "modality" for e in extensions.get(doc, "kel_evidence") or ()):
        return None
    first = next((e for e in reading.evidence if e.kind == "norm" and e.label != UNASSIGNED), None)
    return doc.char_span(first.start, first.end, alignment_mode="expand") if first is not None else None


def _once(norms: list, evidence: list) -> tuple[list, list]:
    """Each guarantee once per clause: a clause that restates "six percent (6%)" in three sentences
    states one norm (the first statement's words are its evidence)."""
    seen, kept, dropped = set(), [], set()
    for i, norm in enumerate(norms):
        key = (norm.parameter, norm.comparator, norm.value, norm.unit, norm.condition)
        if key in seen:
            dropped.add(i)
            continue
        seen.add(key)
        kept.append(norm)
    if not dropped:
        return norms, evidence
    # the evidence of norm i is the i-th "norm" evidence
    out, k = [], 0
    for e in evidence:
        if e.kind == "norm":
            if k not in dropped:
                out.append(e)
            k += 1
        else:
            out.append(e)
    return kept, out

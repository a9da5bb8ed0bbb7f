"""Stage 3: clauses -> modality, norms, topics, each with the words that produced it.

``annotate(agreement)`` is the stage's one entry point: one spaCy Doc per clause, one
cached pipeline per language (:mod:`extractors.pipeline`), the rule files of
``extractors/data/<lang>/`` (:mod:`extractors.lexicon`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from schemas import Agreement, Clause

# The rule files, one folder per language.
DATA = Path(__file__).with_name("data")

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# Letters of the Kazakh alphabet that Russian does not have.
_KAZAKH = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
_BATCH = 64
#: What of one text is read: the longest clause of the real agreements read here has about
#: 4,000 characters, and the readers' time grows faster than the length (a 70,000-character
#: annex full of numbers took 6 s), while spaCy refuses a Doc over 1,000,000 (E088). A longer
#: clause keeps its whole text; its first MAX_CHARS characters are read, with a warning.
MAX_CHARS = 20_000


def guess_language(text: str) -> str:
    """The language of a clause by its script: Kazakh letters -> kk, Cyrillic -> ru, else en."""
    if _KAZAKH.search(text):
        return "kk"
    return "ru" if _CYRILLIC.search(text) else "en"


def clause_language(agreement: Agreement, clause: Clause) -> str:
    """The language a clause is read in: its own (a clause of a bilingual agreement), else its
    agreement's, else its script's."""
    if clause.language:
        return clause.language
    if agreement.language in ("en", "ru", "kk"):
        return agreement.language
    return guess_language(clause.text)


def annotate(agreement: Agreement) -> Agreement:
    """Return the agreement with modality, norms, topics and evidence on every clause."""
    if not agreement.clauses:
        return agreement
    by_lang: dict[str, list[int]] = {}
    for i, clause in enumerate(agreement.clauses):
        lang = clause_language(agreement, clause)
        by_lang.setdefault(lang, []).append(i)
    clauses = list(agreement.clauses)
    warnings = [
        f"clause {c.number}: {len(c.text):,} characters; topics, modality and norms are read from the first "
        f"{MAX_CHARS:,} only (the whole text is kept)"
        for c in clauses
        if len(c.text) > MAX_CHARS
    ]
    for lang, indices in by_lang.items():
        annotated = annotate_clauses([clauses[i] for i in indices], lang)
        for i, clause in zip(indices, annotated, strict=True):
            clauses[i] = clause
    return agreement.model_copy(update={"clauses": tuple(clauses), "warnings": (*agreement.warnings, *warnings)})


def annotate_clauses(clauses: Iterable[Clause], lang: str) -> list[Clause]:
    """Annotate clauses of one language with that language's pipeline."""
    from extractors.pipeline import get_nlp

    nlp = get_nlp(lang)
    clauses = list(clauses)
    docs = (_doc(nlp, clause, lang) for clause in clauses)
    return [_with_annotations(clause, doc) for clause, doc in zip(clauses, nlp.pipe(docs, batch_size=_BATCH), strict=True)]


def read(text: str, lang: str, heading: str | None = None, lead_in: str | None = None):
    """One text read as a clause: the Doc with every ``kel_*`` annotation (for notebooks and tests)."""
    from extractors.pipeline import get_nlp

    nlp = get_nlp(lang)
    clause = Clause(id="text", number="", text=text, heading=heading, lead_in=lead_in)
    doc = _doc(nlp, clause, lang)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _doc(nlp, clause: Clause, lang: str):
    from extractors.extensions import put
    from extractors.pipeline import without_line_breaks, words_doc

    doc = without_line_breaks(nlp, clause.text[:MAX_CHARS])
    put(doc, "kel_lang", lang)
    put(doc, "kel_evidence", [])
    if clause.heading:
        put(doc, "kel_heading_doc", words_doc(clause.heading, lang))
    if clause.lead_in:
        put(doc, "kel_lead_in_doc", words_doc(clause.lead_in, lang))
    if clause.tables:
        put(doc, "kel_tables", clause.tables)
    return doc


def _with_annotations(clause: Clause, doc) -> Clause:
    from extractors.extensions import get
    from extractors.pipeline import original_offset

    evidence = tuple(
        e if e.where != "text" or e.start is None
        else e.model_copy(update={"start": original_offset(doc, e.start), "end": original_offset(doc, e.end, end=True)})
        for e in get(doc, "kel_evidence") or ()
    )
    return clause.model_copy(
        update={
            "topics": tuple(get(doc, "kel_topics") or ()),
            "modality": get(doc, "kel_modality"),
            "norms": tuple(get(doc, "kel_norms") or ()),
            "incorporations": tuple(get(doc, "kel_incorporations") or ()),
            "evidence": evidence,
        }
    )

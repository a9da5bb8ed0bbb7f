"""Stage 3: clauses -> modality, norms, topics, each with the words that produced it.

``annotate(agreement)`` is the stage's one entry point: one spaCy Doc per clause, one
cached pipeline per language (:mod:`extractors.nlp`), the rule files of
``extractors/data/<lang>/`` (:mod:`extractors.lexicon`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from extractors.language import script_language
from schemas import Agreement, Clause

# The rule files, one folder per language.
DATA = Path(__file__).with_name("data")

_BATCH = 64
#: What of one text is read: the longest clause of the real agreements read here has about
#: 4,000 characters, and the readers' time grows faster than the length (a 70,000-character
#: annex full of numbers took 6 s), while spaCy refuses a Doc over 1,000,000 (E088). A longer
#: clause keeps its whole text; its first MAX_CHARS characters are read, with a warning.
MAX_CHARS = 20_000


def clause_language(agreement: Agreement, clause: Clause) -> str:
    """The language a clause is read in: its own (a clause of a bilingual agreement), else its
    agreement's, else its script's."""
    if clause.language:
        return clause.language
    if agreement.language in ("en", "ru", "kk"):
        return agreement.language
    return script_language(clause.text)


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
        annotated = annotate_clauses([clauses[i] for i in indices], lang, union_names(agreement.parties, lang))
        for i, clause in zip(indices, annotated, strict=True):
            clauses[i] = clause
    return agreement.model_copy(update={"clauses": tuple(clauses), "warnings": (*agreement.warnings, *warnings)})


def union_names(parties: Iterable[str], lang: str) -> frozenset[str]:
    """The abbreviations, in lower case, by which a clause may name the party that is the workers'
    organisation: the initials of its name ("Orange County Employees Association": "ocea"; of
    "American Federation of State, County and Municipal Employees, Council 75": "afscme" among
    the longer and shorter ones; «Первичная профсоюзная организация»: «ппо») and the words in
    capitals in its name («РОСПРОФЖЕЛ») that name no other party. A party is the workers'
    organisation when its name has a ``union_party`` word (markers.yaml); the pipeline reads only
    words written in capitals as these names."""
    from extractors.lexicon import layers
    from extractors.nlp import words_doc

    parties = list(parties)
    names: set[str] = set()
    for party in parties:
        doc = words_doc(party, lang)
        union = next((s for s in layers(doc).get("marker", ()) if s.id_ == "union_party"), None)
        if union is None:
            continue
        initials, at = [], None
        for token in doc:
            if token.text in ("(", "«", '"', "“") or (token.is_alpha and token.is_lower and token.lower_ not in _NAME_JOINERS
                                                     and lang == "en") or (token.is_upper and len(token) > 1):
                break  # "... Association as the exclusive ...", "(hereinafter ...)", an abbreviation
            if token.is_alpha and token.lower_ not in _NAME_JOINERS:
                if token.i >= union.start and at is None:
                    at = len(initials)
                initials.append(token.text[0].lower())
        if at is not None:
            names.update("".join(initials[:n]) for n in range(max(3, at + 1), len(initials) + 1))
        others = " ".join(p for p in parties if p != party).lower()
        employer = next((t.i for t in doc if t.lower_ in _LEGAL_FORMS), len(doc))  # «... ООО «ТМХ-Сервис»»
        names.update(t.lower_ for t in doc[:employer] if t.is_alpha and t.is_upper and len(t) >= 3 and t.lower_ not in others)
    return frozenset(names)


_NAME_JOINERS = frozenset({"of", "and", "the", "for", "&", "и", "по", "в", "на"})  # not part of an acronym
# the legal form of a company, whose name follows: in a union's name, its employer's
_LEGAL_FORMS = frozenset({"ооо", "тоо", "ао", "оао", "зао", "пао", "гкп", "ргп", "жшс", "ақ", "llc", "ltd", "inc", "jsc", "llp"})


def annotate_clauses(clauses: Iterable[Clause], lang: str, unions: frozenset[str] = frozenset()) -> list[Clause]:
    """Annotate clauses of one language with that language's pipeline; ``unions``: the names the
    agreement gives its union (:func:`union_names`), read as the word "union"."""
    from extractors.nlp import get_nlp

    nlp = get_nlp(lang)
    clauses = list(clauses)
    keys = [(id(nlp), lang, unions, c.text, c.heading, c.lead_in, c.tables) for c in clauses]
    out: list[Clause | None] = [None] * len(clauses)
    unread = []
    for i, (clause, key) in enumerate(zip(clauses, keys, strict=True)):
        read_before = _READ.get(key)
        if read_before is not None:
            out[i] = clause.model_copy(update=read_before)
        else:
            unread.append(i)
    docs = (_doc(nlp, clauses[i], lang, unions) for i in unread)
    for i, doc in zip(unread, nlp.pipe(docs, batch_size=_BATCH), strict=True):
        reading = _read_out(doc)
        if len(_READ) >= _READ_SIZE:
            _READ.clear()
        _READ[keys[i]] = reading
        out[i] = clauses[i].model_copy(update=reading)
    return out


# What a clause's words were read as, by everything the reading looks at (the pipeline, the language,
# the union's names, the text, its heading, lead-in and tables): a renewed agreement repeats most of
# its predecessor's clauses word for word, and agreements made on one sectoral template share theirs,
# so each such clause is read once per process. The readings are immutable and copied onto the clause.
_READ: dict[tuple, dict] = {}
_READ_SIZE = 20_000


def _read_out(doc) -> dict:
    """What the clause's Doc holds, as the clause's fields; then the Doc lets go of its annotations. They hold spans
    of the Doc itself, a cycle only the garbage collector would break: let go, the Doc and all it
    made are freed at once (the collector took 0.35-0.47 s of about 8 s reading the archive benchmark's
    320 files in one process, frozen as a worker is; 0.09-0.10 s so)."""
    reading = _annotations(doc)
    doc.user_data.clear()
    return reading


def read(text: str, lang: str, heading: str | None = None, lead_in: str | None = None):
    """One text read as a clause: the Doc with every ``kel_*`` annotation (for notebooks and tests)."""
    from extractors.nlp import get_nlp

    nlp = get_nlp(lang)
    clause = Clause(id="text", number="", text=text, heading=heading, lead_in=lead_in)
    doc = _doc(nlp, clause, lang)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _doc(nlp, clause: Clause, lang: str, unions: frozenset[str] = frozenset()):
    from extractors.extensions import put
    from extractors.nlp import UNION_NAMES, without_line_breaks, words_doc

    doc = without_line_breaks(nlp, clause.text[:MAX_CHARS])
    if unions:
        doc.user_data[UNION_NAMES] = unions
    put(doc, "kel_lang", lang)
    put(doc, "kel_evidence", [])
    if clause.heading:
        put(doc, "kel_heading_doc", words_doc(clause.heading, lang))
    if clause.lead_in:
        put(doc, "kel_lead_in_doc", words_doc(clause.lead_in, lang))
    if clause.tables:
        put(doc, "kel_tables", clause.tables)
    return doc


def _annotations(doc) -> dict:
    """The clause fields the Doc's annotations fill (topics, modality, norms, incorporations, evidence)."""
    from extractors.extensions import get
    from extractors.nlp import moved_offsets, original_offset

    evidence = tuple(get(doc, "kel_evidence") or ())
    if moved_offsets(doc):  # the Doc's text is not the clause's: evidence in the text is moved back
        evidence = tuple(
            e if e.where != "text" or e.start is None
            else e.model_copy(update={"start": original_offset(doc, e.start), "end": original_offset(doc, e.end, end=True)})
            for e in evidence
        )
    return {
        "topics": tuple(get(doc, "kel_topics") or ()),
        "modality": get(doc, "kel_modality"),
        "norms": tuple(get(doc, "kel_norms") or ()),
        "incorporations": tuple(get(doc, "kel_incorporations") or ()),
        "evidence": evidence,
    }

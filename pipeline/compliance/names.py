"""Which guarantees a clause's words name, whether or not a value of them was read.

The compliance engine needs to tell a guarantee the target does not have (``missing``) from
one it has in words the reader could not turn into a value (``unverifiable``): a clause that
says "severance pay" or «выходное пособие» is about severance pay. The words are the parameter
cues of the rule files (``extractors/data/<lang>/parameters.yaml``), read by the extractors'
own lexicon.
"""

from __future__ import annotations

from schemas import Agreement


def named_parameters(agreement: Agreement) -> dict[str, frozenset[str]]:
    """Clause id -> the parameters its words name (strong cues only)."""
    if not agreement.clauses:
        return {}
    from extractors import guess_language
    from extractors.lexicon import SPANS_KEY
    from extractors.pipeline import words_doc

    out: dict[str, frozenset[str]] = {}
    for clause in agreement.clauses:
        lang = agreement.language or guess_language(clause.text)
        doc = words_doc(clause.text[:20000], lang)
        cues = [s for s in doc.spans.get(SPANS_KEY, ()) if s.label_ == "param"]
        # "annual leave" inside "additional paid annual leave" names the additional leave only
        outermost = [s for s in cues if not any(o.start <= s.start and s.end <= o.end and len(o) > len(s) for o in cues)]
        out[clause.id] = frozenset(s.id_ for s in outermost)
    return out

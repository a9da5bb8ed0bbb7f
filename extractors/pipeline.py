"""One spaCy pipeline per language: tokenizer, lemmas, then the kel_* components.

No statistical models exist on this machine, so every pipeline starts from
``spacy.blank``: rules see the lower-cased text (English, Kazakh) or the
pymorphy3 lemma (Russian), never a POS tag.
"""

from __future__ import annotations

import logging
from functools import cache

import numpy
import spacy
from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from extractors import extensions
from extractors.component import Component
from extractors.morphology import russian_lemma

_log = logging.getLogger(__name__)

# spaCy has no Kazakh class; "xx" tokenizes Cyrillic with the generic rules.
_BLANK = {"en": "en", "ru": "ru", "kk": "xx"}


class Lemmas(Component):
    """``kel_lemmas``: every token gets a lower-case lemma, so LEMMA patterns always see one.

    Russian: pymorphy3 without POS tags. A word whose parses share one normal form
    gets it (spaCy's pymorphy3 lookup mode); an ambiguous word ("платы") gets the
    normal form of its most probable parse, which spaCy's lemmatizer would leave as
    written. Other languages have no lemmatizer: the lemma is the lower-cased text.

    The lemma depends on the word alone, so each distinct word is analysed once per
    process (a bounded memo): pymorphy3 is the slowest step of Russian extraction,
    and an archive of agreements repeats its vocabulary endlessly.
    """

    _MEMO_LIMIT = 500_000

    def __init__(self, lang: str):
        self.lang = lang
        self._memo: dict[int, int] = {}  # hash of the word as written (ORTH) -> hash of its lemma

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        if self.lang != "ru":
            doc.from_array([LEMMA], doc.to_array([LOWER]))  # type: ignore[arg-type]  # the stub asks for thinc Ints2d
            return doc
        strings, memo = doc.vocab.strings, self._memo
        lemmas = []
        for orth in doc.to_array(ORTH).tolist():  # the words' hashes: no Token objects to build
            key = memo.get(orth)
            if key is None:
                key = strings.add(russian_lemma(strings[orth]))
                if len(memo) < self._MEMO_LIMIT:
                    memo[orth] = key
            lemmas.append(key)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc


def _has_norms() -> bool:
    try:
        import extractors.norms  # noqa: F401  (what the kel_norms factory builds)
    except ImportError as exc:
        _log.warning("kel_norms is not available (%s): clauses get no norms", exc)
        return False
    return True


def build_nlp(lang: str, *, norms: bool = True) -> Language:
    """A fresh pipeline for ``lang`` ("en", "ru", "kk"): lemmas, topics, modality, norms."""
    if lang not in _BLANK:
        raise ValueError(f"unsupported language {lang!r}")
    extensions.register()
    import extractors.factories  # noqa: F401  (registers the kel_* components)

    nlp = spacy.blank(_BLANK[lang])
    nlp.add_pipe("kel_lemmas", config={"lang": lang})
    nlp.add_pipe("kel_topics", config={"lang": lang})
    nlp.add_pipe("kel_modality", config={"lang": lang})
    if norms and _has_norms():
        nlp.add_pipe("kel_norms")
    nlp.initialize()
    return nlp


@cache
def get_nlp(lang: str) -> Language:
    """The shared pipeline of ``lang``: built once per process (loading pymorphy3 takes ~1 s)."""
    return build_nlp(lang)

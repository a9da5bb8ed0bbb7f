"""One spaCy pipeline per language: tokenizer, lemmas, then the kel_* components.

No statistical models exist on this machine, so every pipeline starts from
``spacy.blank``: rules see the lower-cased text (English, Kazakh) or the
pymorphy3 lemma (Russian), never a POS tag.
"""

from __future__ import annotations

import logging
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors import extensions

_log = logging.getLogger(__name__)

# spaCy has no Kazakh class; "xx" tokenizes Cyrillic with the generic rules.
_BLANK = {"en": "en", "ru": "ru", "kk": "xx"}


@Language.component("kel_lemma_fallback")
def lemma_fallback(doc: Doc) -> Doc:
    """Give every token a lower-case lemma, so LEMMA patterns always see one.

    The Russian lemmatizer without POS tags falls back to a lookup that keeps an
    ambiguous word as written ("платы"): we take pymorphy3's most probable parse
    instead. Languages without a lemmatizer get the lower-cased text.
    """
    morph = _morph() if doc.lang_ == "ru" else None
    for token in doc:
        lemma = token.lemma_
        if morph is not None and token.is_alpha and (not lemma or lemma == token.text):
            lemma = morph.parse(token.lower_)[0].normal_form
        token.lemma_ = (lemma or token.text).lower()
    return doc


@cache
def _morph():
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer(lang="ru")


def _has_norms() -> bool:
    try:
        import extractors.norms  # noqa: F401  (registers the kel_norms factory)
    except ImportError as exc:
        _log.warning("kel_norms is not available (%s): clauses get no norms", exc)
        return False
    return True


def build_nlp(lang: str, *, norms: bool = True) -> Language:
    """A fresh pipeline for ``lang`` ("en", "ru", "kk"): lemmas, topics, modality, norms."""
    if lang not in _BLANK:
        raise ValueError(f"unsupported language {lang!r}")
    extensions.register()
    import extractors.modality  # noqa: F401  (registers kel_modality)
    import extractors.topics  # noqa: F401  (registers kel_topics)

    nlp = spacy.blank(_BLANK[lang])
    if lang == "ru":
        nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    nlp.add_pipe("kel_lemma_fallback")
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

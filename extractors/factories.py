"""Every kel_* spaCy component factory, in one place."""

from __future__ import annotations

from spacy.language import Language

from extractors import extensions
from extractors.lexicon import SPANS_KEY
from extractors.modality import ModalityTagger
from extractors.morphology import analyzer
from extractors.nlp import Lemmas, LexiconRuler
from extractors.norms import NormReader
from extractors.topics import TopicTagger


@Language.factory("kel_lemmas", default_config={"lang": "en"})
def make_lemmas(nlp: Language, name: str, lang: str) -> Lemmas:
    if lang == "ru":
        analyzer()  # pymorphy3 loads its dictionaries (~1 s) with the pipeline, not on the first word
    return Lemmas(lang)


@Language.factory("kel_modality", assigns=["doc._.kel_modality", "doc._.kel_evidence"], default_config={"lang": "en"})
def make_modality(nlp: Language, name: str, lang: str) -> ModalityTagger:
    extensions.register()
    return ModalityTagger(lang)


@Language.factory(
    "kel_norms", assigns=["doc._.kel_norms", "doc._.kel_incorporations", "doc._.kel_evidence"], default_config={"lang": "en"}
)
def make_norms(nlp: Language, name: str, lang: str) -> NormReader:
    extensions.register()
    return NormReader(lang)


@Language.factory("kel_topics", assigns=["doc._.kel_topics", "doc._.kel_evidence"], default_config={"lang": "en"})
def make_topics(nlp: Language, name: str, lang: str) -> TopicTagger:
    extensions.register()
    return TopicTagger(lang)


@Language.factory(
    "kel_span_ruler",
    default_config={"spans_key": SPANS_KEY, "phrase_matcher_attr": None, "validate": False, "overwrite": True},
)
def make_span_ruler(nlp: Language, name: str, spans_key: str, phrase_matcher_attr: str | None, validate: bool,
                    overwrite: bool) -> LexiconRuler:
    return LexiconRuler(nlp, name, spans_key=spans_key, phrase_matcher_attr=phrase_matcher_attr, validate=validate,
                        overwrite=overwrite)

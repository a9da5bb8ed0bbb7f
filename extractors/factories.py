"""Every kel_* component factory and registered function, in one module that is never compiled.

spaCy reads a factory's arguments from its Python signature, and confection
those of a registered function; a function compiled by mypyc has no signature
to read (see setup.py). So the components stay in their modules, which may be
compiled, and are registered here by plain functions.
"""

from __future__ import annotations

import logging
from pathlib import Path

from spacy.language import Language
from spacy.util import registry

from extractors import DATA, extensions
from extractors.modality import Decision, ModalityTagger, modality_decision_v1
from extractors.morphology import analyzer
from extractors.pipeline import Lemmas
from extractors.topics import HeadingContext, TopicTagger, heading_context_v1, load_patterns

_log = logging.getLogger(__name__)


@registry.misc("kel.heading_context.v1")
def make_heading_context() -> HeadingContext:
    """:func:`extractors.topics.heading_context_v1`: the section heading as context for a clause's topics."""
    return heading_context_v1()


@registry.misc("kel.modality_decision.v1")
def make_modality_decision() -> Decision:
    """:func:`extractors.modality.modality_decision_v1`: what a clause's modality cues mean together."""
    return modality_decision_v1()


@Language.factory("kel_lemmas", default_config={"lang": "en"})
def make_lemmas(nlp: Language, name: str, lang: str) -> Lemmas:
    if lang == "ru":
        analyzer()  # pymorphy3 loads its dictionaries (~1 s) with the pipeline, not on the first word
    return Lemmas(lang)


@Language.factory(
    "kel_topics",
    assigns=["doc._.kel_topics", "doc._.kel_evidence"],
    requires=["token.lemma"],
    default_config={"lang": "en", "patterns": None, "heading_context": {"@misc": "kel.heading_context.v1"}},
)
def make_topics(nlp: Language, name: str, lang: str, patterns: str | None, heading_context: HeadingContext) -> TopicTagger:
    """``patterns``: a JSONL path; default ``extractors/data/<lang>/topics.jsonl``."""
    extensions.register()
    return TopicTagger(nlp, name, lang, _entries(patterns, lang, "topics"), heading_context)


@Language.factory(
    "kel_modality",
    assigns=["doc._.kel_modality", "doc._.kel_evidence"],
    default_config={"lang": "en", "patterns": None, "decide": {"@misc": "kel.modality_decision.v1"}},
)
def make_modality(nlp: Language, name: str, lang: str, patterns: str | None, decide: Decision) -> ModalityTagger:
    """``patterns``: a JSONL path; default ``extractors/data/<lang>/modality.jsonl``."""
    extensions.register()
    return ModalityTagger(nlp, name, lang, _entries(patterns, lang, "modality"), decide)


def _entries(patterns: str | None, lang: str, kind: str) -> list[dict]:
    """The rules of a JSONL pattern file: ``patterns``, else ``extractors/data/<lang>/<kind>.jsonl``."""
    path = Path(patterns) if patterns else DATA / lang / f"{kind}.jsonl"
    entries = load_patterns(path) if path.exists() else []
    if not entries:
        _log.warning("no %s patterns for %s at %s", kind, lang, path)
    return entries


@Language.factory("kel_norms", assigns=["doc._.kel_norms", "doc._.kel_evidence"], default_config={})
def make_norms(nlp: Language, name: str):
    """``kel_norms``; a clause's ``kel_lang`` overrides the pipeline's language."""
    from extractors.norms import norm_extractor  # imported here: a pipeline may go without norms

    extensions.register()
    return norm_extractor(nlp.lang or "en")

"""One spaCy pipeline per language: tokens, lemmas, the lexicon's spans, then topics, modality, norms.

No statistical model exists on this machine, so every pipeline starts from
``spacy.blank``. ``kel_lemmas`` gives every token the lemma the rule files are
matched on (:mod:`extractors.morphology`); two ``SpanRuler`` components (spaCy's
own, configured from :mod:`extractors.lexicon`) put every phrase of the rule
files into ``doc.spans["kel_lexicon"]``; the readers of modality, norms and topics
work on those spans, in that order (a flag norm needs a clause that binds; a norm is
evidence of its topic).
"""

from __future__ import annotations

import bisect
import re
from functools import cache, lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from extractors import MAX_CHARS, extensions
from extractors.component import Component
from extractors.lexicon import SPANS_KEY, lexicon
from extractors.morphology import lemma, russian_morph

# spaCy has no Kazakh class; "xx" tokenizes Cyrillic with the generic rules.
_BLANK = {"en": "en", "ru": "ru", "kk": "xx"}

# Split digits from the letters glued to them ("1,25МЗП", "KZT5,000", "24часа"), but not
# ordinals and case endings ("1st", «2-х»), and split a dash glued between a number and a word.
_INFIXES = (
    r"(?<=[0-9])(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{2,})",
    r"(?<=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{2})(?=[0-9])",
    r"(?<=[0-9])(?=[а-яё]{4,})",
    r"(?<=[0-9%])[–—](?=[0-9A-Za-zА-Яа-яЁё])",
    r"(?<=[0-9])-(?=[а-яёәғқңөұүһі]{3,})",  # «36-часовая», «5-дневная»: the number and the word apart, as in "36-hour"
)


UNION_NAMES = "kel_union_names"  # doc.user_data: the names the agreement gives its union ("ocea")


@cache
def _union_lemma(lang: str) -> str:
    """The lemma a union's own name reads as: the first ``union_party`` word ("union", «профсоюз»)."""
    entry = next(e for e in lexicon(lang).entries if e.layer == "marker" and e.key == "union_party")
    return lemma(str(entry.pattern).split()[0], lang)


class Lemmas(Component):
    """``kel_lemmas``: every token gets the lemma the rule files are written against; a Russian
    verb also its features (:func:`extractors.morphology.russian_morph`), for the modality rules."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        lang = self.lang
        unions = doc.user_data.get(UNION_NAMES, ())
        for token in doc:
            token.lemma_ = _union_lemma(lang) if token.is_upper and token.lower_ in unions else lemma(token.text, lang)
            if lang == "ru":
                morph = russian_morph(token.text)
                if morph:
                    token.set_morph(morph)
        return doc


def _tokenizer(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes or ()) + list(_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # spaCy keeps emoticons whole ("8)", "(8", ":)"); in an agreement "eight (8) hours" is a number
    # in parentheses
    nlp.tokenizer.rules = {text: tokens for text, tokens in nlp.tokenizer.rules.items()
                           if not any(ch.isdigit() for ch in text) or text.replace(".", "").isalnum()}


def build_nlp(lang: str) -> Language:
    """A fresh pipeline for ``lang`` ("en", "ru", "kk")."""
    if lang not in _BLANK:
        raise ValueError(f"unsupported language {lang!r}")
    extensions.register()
    import extractors.factories  # noqa: F401  (registers the kel_* components)

    rules = lexicon(lang)
    nlp = spacy.blank(_BLANK[lang])
    _tokenizer(nlp)
    # Phrases matched on the words as written come first: spaCy builds their patterns with the
    # components before them, and words need none. Then lemmas, then the phrases matched on lemmas.
    exact_patterns = rules.span_patterns(exact=True)
    if exact_patterns:
        exact = nlp.add_pipe(
            "span_ruler", name="kel_words",
            config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": True, "overwrite": True},
        )
        exact.add_patterns(exact_patterns)
    nlp.add_pipe("kel_lemmas", config={"lang": lang})
    by_lemma = nlp.add_pipe(
        "span_ruler", name="kel_lexicon",
        config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LEMMA", "validate": True, "overwrite": not exact_patterns},
    )
    by_lemma.add_patterns(rules.span_patterns(exact=False))
    # modality first (a flag norm needs a clause that binds), then norms (evidence of topics)
    nlp.add_pipe("kel_modality", config={"lang": lang})
    nlp.add_pipe("kel_norms", config={"lang": lang})
    nlp.add_pipe("kel_topics", config={"lang": lang})
    return nlp


@cache
def get_nlp(lang: str) -> Language:
    """The shared pipeline of ``lang``: built once per process (loading pymorphy3 takes ~1 s)."""
    return build_nlp(lang)


_WORD_PIPES = ("kel_words", "kel_lemmas", "kel_lexicon")

@lru_cache(maxsize=4096)
def words_doc(text: str, lang: str) -> Doc:
    """A short text (a heading, a lead-in, a table cell) with lemmas and lexicon spans only.

    Headings repeat over every clause of a section, so the Docs are remembered.
    """
    nlp = get_nlp(lang)
    doc = nlp.make_doc(text[:MAX_CHARS])
    for name in _WORD_PIPES:
        if name in nlp.pipe_names:
            doc = nlp.get_pipe(name)(doc)
    return doc


_ITEM_START = re.compile(r"^(?:[-–—•·*●▪◦]|\(?[0-9a-zA-Zа-яА-ЯёЁәіңғүұқөһ]{1,3}[).])$")
_LAYOUT_SPACE = re.compile(r"\s\s|[^\S ]")  # two spaces in a row, or a line break, tab or other space
_OFFSETS = "kel_offsets"  # doc.user_data: (offset in the Doc's text, offset in the clause text) per token


def without_line_breaks(nlp: Language, text: str) -> Doc:
    """The clause as a Doc whose words are not cut apart by the layout: line breaks and runs of
    spaces inside a sentence ("не\nменее", "Collective   Agreement") become single spaces, so a
    rule phrase finds its words across a PDF's line ends; a word the PDF printed in two pieces
    ("perce nt", "overtim e") is one word again where the pieces are no words of the rules and the
    whole is (:func:`_split_words`). A line break before an item marker ("\na)", "\n–") is kept:
    it opens an item. The offset of each token in ``text`` is kept for :func:`original_offset`."""
    raw = nlp.make_doc(text)
    joined = _split_words(raw, nlp)
    if not _LAYOUT_SPACE.search(text) and not joined:
        return raw  # single spaces only: nothing to join
    keep = [
        t for t in raw
        if not t.is_space or ("\n" in t.text and t.i + 1 < len(raw) and _ITEM_START.match(raw[t.i + 1].text))
    ]
    if len(keep) == len(raw) and all(t.whitespace_ in ("", " ") for t in raw) and not joined:
        return raw
    def space_after(k: int) -> bool:  # whether anything but a dropped token stands after keep[k]
        t = keep[k]
        if k + 1 == len(keep):
            return bool(t.whitespace_)
        return keep[k + 1].idx > t.idx + len(t.text) and not keep[k + 1].is_space

    words, spaces, offsets = [], [], []
    at = 0
    for k, t in enumerate(keep):
        if k and keep[k - 1].i in joined:
            continue  # the second piece of a joined word
        offsets.append((at, t.idx))
        word, last = t.text, k
        if t.i in joined:
            last = k + 1
            offsets.append((at + len(word), keep[last].idx))
            word += keep[last].text
        words.append(word)
        spaces.append(space_after(last))
        at += len(word) + spaces[-1]
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc.user_data[_OFFSETS] = offsets
    return doc


def _split_words(doc: Doc, nlp: Language) -> set[int]:
    """The tokens that are the first piece of a word printed in two ("perce nt" of "percent",
    "Shoul d" of "should"): two letter-only pieces one space apart, neither a word of the rule files
    nor a common word of the language, whose whole is a word of the rule files."""
    from extractors.lexicon import vocabulary

    words = vocabulary(_LANG_OF.get(nlp.lang, nlp.lang))
    common = nlp.Defaults.stop_words
    out: set[int] = set()
    for a, b in zip(doc, doc[1:], strict=False):
        if a.whitespace_ != " " or not (a.is_alpha and b.is_alpha) or (a.i - 1) in out:
            continue
        first, second = a.lower_, b.lower_
        if (first + second) in words and not ({first, second} & words) and not ({first, second} & common):
            out.add(a.i)
    return out


_LANG_OF = {v: k for k, v in _BLANK.items()}  # spaCy's language code -> the rule files' language


def original_offset(doc: Doc, offset: int, end: bool = False) -> int:
    """A character offset in ``doc.text`` as an offset in the clause text it was made from."""
    table = doc.user_data.get(_OFFSETS)
    if not table:
        return offset
    positions = [d for d, _ in table]
    k = bisect.bisect_right(positions, offset) - 1
    if k < 0:
        return offset
    doc_at, original_at = table[k]
    if end and offset == doc_at and k > 0:  # the end of the previous token
        prev_doc, prev_original = table[k - 1]
        return prev_original + (offset - prev_doc)
    return original_at + (offset - doc_at)

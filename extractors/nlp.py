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
from collections.abc import Callable
from functools import cache, lru_cache

import spacy
from spacy.attrs import IDS, LOWER, ORTH
from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Span
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
    exact_patterns, lemma_patterns = _for_matcher(nlp.vocab, rules.span_patterns(exact=True), rules.span_patterns(exact=False))
    if exact_patterns:
        exact = nlp.add_pipe(
            "kel_span_ruler", name="kel_words",
            config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": False, "overwrite": True},
        )
        exact.add_patterns(exact_patterns)
    nlp.add_pipe("kel_lemmas", config={"lang": lang})
    by_lemma = nlp.add_pipe(
        "kel_span_ruler", name="kel_lexicon",
        # not validate: the patterns are checked as written in _for_matcher; their flags are no names spaCy's schema knows
        config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LEMMA", "validate": False, "overwrite": not exact_patterns},
    )
    by_lemma.add_patterns(lemma_patterns)
    # modality first (a flag norm needs a clause that binds), then norms (evidence of topics)
    nlp.add_pipe("kel_modality", config={"lang": lang})
    nlp.add_pipe("kel_norms", config={"lang": lang})
    nlp.add_pipe("kel_topics", config={"lang": lang})
    return nlp


# What a token pattern may test on the word itself ("TEXT" is spaCy's name for "ORTH"), and how.
_WORD_ATTRS = {"LOWER": LOWER, "TEXT": ORTH, "ORTH": ORTH}
_WORD_TESTS = ("REGEX", "IN", "NOT_IN")
# Lexeme flags no lexical attribute of spaCy's uses (IS_ALPHA, LIKE_NUM, ... take the lower ids).
_FREE_FLAGS = tuple(IDS[f"FLAG{n}"] for n in range(19, 64))
_BOUNDED = re.compile(r"^\{(\d*),(\d+)\}$")  # a token repeated n to m times: "{0,12}"
# Up to m - n optional tokens of "{n,m}": spaCy's Matcher keeps every way of skipping some of them
# from each token that may open a match (2**(m-n) states), and one pattern per count costs every
# token a state per count instead. The Kazakh "own_duty" marker ("{0,12}" after «қызметкерлер»)
# took 0.44 s of 1.3 s of the language's matching on the archive benchmark's clauses, 0.08 s spelt
# out; the Russian one ("{0,6}" after two words) 0.03 s more spelt out than as written.
_LONG_RUN = 8
_MOST_COUNTS = 64  # a pattern spelt out in more exact counts than this stays as written


def _for_matcher(vocab, *groups: list[dict]) -> list[list[dict]]:
    """The ``SpanRuler`` patterns of ``groups`` as spaCy's Matcher runs them cheaply, each matching
    exactly the tokens it matches as written: its token patterns are checked by spaCy as written
    (:func:`_checked`), their tests on the word made lexeme flags (:func:`_word_flags`), and a token
    repeated "{n,m}" times with many optional ones spelt out as one pattern per count
    (:func:`_exact_counts`)."""
    for group in groups:
        for entry in group:
            _checked(entry)
    flags = _word_flags(vocab, [e["pattern"] for group in groups for e in group if isinstance(e["pattern"], list)])
    return [[{**entry, "pattern": pattern} for entry in group
             for pattern in ([entry["pattern"]] if isinstance(entry["pattern"], str)
                             else _exact_counts(_flagged(entry["pattern"], flags)))]
            for group in groups]


def _checked(entry: dict) -> None:
    """spaCy's own check of a token pattern as the rule file writes it (the Matcher is then given
    flags, which spaCy's pattern schema does not name, and checks nothing)."""
    if isinstance(entry["pattern"], list):
        errors = validate_token_pattern(entry["pattern"])
        if errors:
            raise MatchPatternError(repr((entry["label"], entry.get("id", ""))), {0: errors})


def _word_flags(vocab, patterns: list[list[dict]]) -> dict[tuple, int]:
    """The tests of ``patterns`` on the word as written or in lower case (``{"LOWER": {"REGEX":
    "^жыл(ға|дан)?$"}}``, ``{"LOWER": {"IN": [...]}}``) made flags of the vocabulary's lexemes
    (``Vocab.add_flag``), by (attribute, test, repr of the value). spaCy's Matcher calls a Python
    function for every such test at every token (the Kazakh rules' regular expressions were half
    of their matching); a flag is decided once per distinct word and read by the Matcher as a plain
    attribute. A flag means exactly its test: a test of LOWER sees the lexeme's lower case as spaCy
    makes it. A vocabulary has 45 free flags: the tests of a pattern's first token, tried at every
    token, take them first; tests beyond stay as written."""
    lower = vocab.lex_attr_getters[LOWER]
    free = [f for f in _FREE_FLAGS if f not in vocab.lex_attr_getters]
    tests = [(position, attr, test, value) for pattern in patterns for position, spec in enumerate(pattern)
             for attr, tested in spec.items() if attr in _WORD_ATTRS and isinstance(tested, dict)
             for test, value in tested.items() if test in _WORD_TESTS]
    flags: dict[tuple, int] = {}
    for _, attr, test, value in sorted(tests, key=lambda t: t[0] > 0):
        key = (attr, test, repr(value))
        if key in flags or not free or (test == "REGEX" and not isinstance(value, str)):
            continue
        flags[key] = free.pop(0)
        vocab.add_flag(_word_test(test, value, lower if attr == "LOWER" else str), flag_id=flags[key])
    return flags


def _word_test(test: str, value, form: Callable[[str], str]) -> Callable[[str], bool]:
    """A lexeme flag's getter: ``test`` ("REGEX", "IN", "NOT_IN") of ``value`` on ``form(word)``."""
    if test == "REGEX":
        regex = re.compile(value)
        return lambda word: regex.search(form(word)) is not None
    words = frozenset(value)
    if test == "IN":
        return lambda word: form(word) in words
    return lambda word: form(word) not in words


def _flagged(pattern: list[dict], flags: dict[tuple, int]) -> list[dict]:
    """``pattern`` with each of its tests that has a flag replaced by that flag."""
    out = []
    for spec in pattern:
        spec = dict(spec)
        for attr in [a for a in spec if a in _WORD_ATTRS and isinstance(spec[a], dict)]:
            kept = {}
            for test, value in spec.pop(attr).items():
                flag = flags.get((attr, test, repr(value)))
                if flag is None:
                    kept[test] = value
                else:
                    spec[flag] = True
            if kept:
                spec[attr] = kept
        out.append(spec)
    return out


def _exact_counts(pattern: list[dict]) -> list[list[dict]]:
    """``pattern`` as patterns, one per count, in which no token is repeated "{n,m}" times with a
    long run of optional ones (``_LONG_RUN``): together they match what it matches."""
    out: list[list[dict]] = [[]]
    for spec in pattern:
        bounds = _BOUNDED.match(str(spec.get("OP", "")))
        low, high = (int(bounds.group(1) or 0), int(bounds.group(2))) if bounds else (0, 0)
        if high - low < _LONG_RUN:
            out = [p + [spec] for p in out]
            continue
        once = {k: v for k, v in spec.items() if k != "OP"}
        out = [p + [once] * n for p in out for n in range(low, high + 1)]
    if len(out) > _MOST_COUNTS or not all(out):
        return [pattern]
    return out


class LexiconRuler(SpanRuler):
    """spaCy's ``SpanRuler``, its matches put in order without making a Span of each first.

    spaCy's makes a Span of every match, drops the equal ones in a set and sorts the Spans by their
    characters, label and id (a tuple of six built for each comparison): about half of the ruler's
    time on the archive benchmark's English clauses (59 spans a clause). Here the matches are
    (key, start, end) triples, one per key and tokens as spaCy's set leaves them (a key is one
    label and id), sorted by tokens, label and id: the order of spaCy's Spans, since a token's
    characters come after the previous token's. The same spans, in the same order, go to
    ``doc.spans``."""

    def clear(self) -> None:
        super().clear()
        self._numbered: dict[int, tuple[int, int]] | None = None

    def add_patterns(self, patterns: list[dict]) -> None:
        super().add_patterns(patterns)
        self._numbered = None

    def match(self, doc: Doc) -> list[Span]:
        self._require_patterns()
        found = set(self.matcher(doc)) | set(self.phrase_matcher(doc))
        names = self._names()
        ordered = sorted((start, end, *names[key]) for key, start, end in found if start != end)
        return [Span(doc, start, end, label=label, span_id=span_id) for start, end, label, span_id in ordered]

    def _names(self) -> dict[int, tuple[int, int]]:
        """Match key -> (label, id) as the string store's numbers, which spaCy's Spans sort by."""
        if self._numbered is None:
            strings = self.nlp.vocab.strings
            self._numbered = {key: (strings.add(names["label"]), strings.add(names["id"]))
                              for key, names in self._match_label_id_map.items()}
        return self._numbered


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
    first = None  # the token before, in lower case, where it is letters with one space after
    for t in doc:  # one pass, each token made once
        if not t.is_alpha:
            first = None
            continue
        second = t.lower_
        if first is not None and (t.i - 2) not in out and (first + second) in words \
                and first not in words and second not in words and first not in common and second not in common:
            out.add(t.i - 1)
        first = second if t.whitespace_ == " " else None
    return out


_LANG_OF = {v: k for k, v in _BLANK.items()}  # spaCy's language code -> the rule files' language


def moved_offsets(doc: Doc) -> bool:
    """Whether offsets in ``doc.text`` differ from those in the clause text (:func:`without_line_breaks`
    joined or dropped something); where not, :func:`original_offset` gives every offset back as it is."""
    return bool(doc.user_data.get(_OFFSETS))


def original_offset(doc: Doc, offset: int, end: bool = False) -> int:
    """A character offset in ``doc.text`` as an offset in the clause text it was made from."""
    if not moved_offsets(doc):
        return offset
    table = doc.user_data[_OFFSETS]
    positions = [d for d, _ in table]
    k = bisect.bisect_right(positions, offset) - 1
    if k < 0:
        return offset
    doc_at, original_at = table[k]
    if end and offset == doc_at and k > 0:  # the end of the previous token
        prev_doc, prev_original = table[k - 1]
        return prev_original + (offset - prev_doc)
    return original_at + (offset - doc_at)

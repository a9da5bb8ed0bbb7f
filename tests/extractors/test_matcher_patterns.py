"""The rule files' token patterns, as the lexicon's rulers run them (lexeme flags for the tests on
the word, long optional runs spelt out per count), match exactly what the patterns as written match."""

from __future__ import annotations

import pytest
import spacy
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher
from spacy.pipeline import SpanRuler

from extractors.lexicon import lexicon
from extractors.nlp import _exact_counts, _for_matcher, get_nlp, without_line_breaks

TEXTS = {
    "kk": [
        "Қызметкерлер еңбек тәртібін сақтауға және белгіленген жұмыс уақытында жұмыс істеуге міндеттенеді.",
        "Жұмыс беруші жыл сайын 24 күнтізбелік күн ұзақтығымен ақы төленетін жыл сайынғы еңбек демалысын береді.",
        "Осы Шарттың 5.3-тармағында көзделген төлемдер жалақының 50 пайызынан аспайды, 2 еселенген мөлшерде.",
        "Зейнеткерлікке шыққан кезде қызметкерге 3 айлық жалақы мөлшерінде біржолғы көмек төленеді.",
        "Кәсіподақ жұмыс берушіге қызметкерлерді қысқарту туралы екі ай бұрын хабарлайды.",
        "ЕТЖ-ның 2 еселенген мөлшері; жастарға қолдау; 1-топтағы мүгедектер; сағатына 8 сағаттан аспайды.",
    ],
    "ru": [
        "Профсоюзный комитет в течение месяца обязуется рассмотреть предложения Работодателя.",
        "Работники обязуются соблюдать трудовую дисциплину; работодатель обязан выплачивать заработную плату.",
    ],
    "en": [
        "Employees shall be entitled to twenty (20) working days of annual leave.",
        "The Union agrees to notify the Employer within ten (10) days.",
    ],
}


def _written(lang: str) -> Matcher:
    nlp = get_nlp(lang)
    matcher = Matcher(nlp.vocab, validate=True)
    for entry in lexicon(lang).span_patterns() + lexicon(lang).span_patterns(exact=True):
        if isinstance(entry["pattern"], list):
            matcher.add(repr((entry["label"], entry["id"])), [entry["pattern"]])
    return matcher


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_rulers_match_what_the_patterns_as_written_match(lang):
    nlp = get_nlp(lang)
    written = _written(lang)
    run = [nlp.get_pipe(name).matcher for name in ("kel_words", "kel_lexicon") if name in nlp.pipe_names]
    # and every phrase of the language's rule files, in the forms the files write them
    texts = [*TEXTS[lang], " ".join(str(e.pattern) for e in lexicon(lang).entries if isinstance(e.pattern, str))]
    found = 0
    for text in texts:
        doc = without_line_breaks(nlp, text)
        doc = nlp.get_pipe("kel_lemmas")(doc)
        expected = set(written(doc))
        assert {m for matcher in run for m in matcher(doc)} == expected, text
        found += len(expected)
    assert found  # the texts do meet some token patterns


def test_kazakh_word_tests_are_lexeme_flags():
    nlp = get_nlp("kk")
    patterns = [p for ps in nlp.get_pipe("kel_lexicon").matcher._patterns.values() for p in ps]
    first = [spec for pattern in patterns for spec in pattern[:1]]
    # no first token of a pattern still asks Python for a regular expression or a word list
    assert not [spec for spec in first if any(isinstance(v, dict) for v in spec.values())]
    assert any(isinstance(key, int) for spec in first for key in spec)


def test_a_word_flag_is_decided_for_words_met_after_the_pipeline_was_built():
    nlp = get_nlp("kk")
    word = "тармақтарындағылардікі"  # no text has it: its lexeme is made here, after the flags
    assert word not in nlp.vocab.strings
    doc = nlp.make_doc(f"Осы {word} бойынша")
    found = {(nlp.vocab.strings[key], start) for key, start, _ in nlp.get_pipe("kel_lexicon").matcher(doc)}
    assert (repr(("marker", "reference")), 1) in found


def test_a_long_optional_run_is_spelt_out_per_count():
    pattern = [{"LOWER": "a"}, {"TEXT": {"NOT_IN": ["."]}, "OP": "{0,9}"}, {"LOWER": "b"}]
    spelt = _exact_counts(pattern)
    assert [len(p) for p in spelt] == list(range(2, 12))
    assert spelt[3] == [{"LOWER": "a"}] + [{"TEXT": {"NOT_IN": ["."]}}] * 3 + [{"LOWER": "b"}]
    short = [{"LOWER": "a"}, {"TEXT": {"NOT_IN": ["."]}, "OP": "{0,6}"}, {"LOWER": "b"}]
    assert _exact_counts(short) == [short]
    alone = [{"TEXT": {"NOT_IN": ["."]}, "OP": "{0,9}"}]  # would be spelt out with an empty pattern
    assert _exact_counts(alone) == [alone]


def test_a_malformed_token_pattern_is_still_refused_as_written():
    nlp = spacy.blank("xx")
    bad = [{"label": "marker", "id": "times", "pattern": [{"LOWER": {"REGEXP": "^есе"}}]}]
    with pytest.raises(MatchPatternError, match="marker"):
        _for_matcher(nlp.vocab, bad)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_lexicon_ruler_gives_the_spans_of_spacys_span_ruler_in_its_order(lang):
    nlp = get_nlp(lang)
    text = " ".join([*TEXTS[lang], *TEXTS[lang]])  # every phrase twice: equal spans at other tokens
    doc = nlp.get_pipe("kel_lemmas")(without_line_breaks(nlp, text))
    for name in ("kel_words", "kel_lexicon"):
        if name not in nlp.pipe_names:
            continue
        ruler = nlp.get_pipe(name)
        ours = [(s.start, s.end, s.start_char, s.end_char, s.label_, s.id_) for s in ruler.match(doc)]
        assert ours == [(s.start, s.end, s.start_char, s.end_char, s.label_, s.id_) for s in SpanRuler.match(ruler, doc)]
        assert ours

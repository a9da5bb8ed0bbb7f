"""Bounded gaps in token patterns: same matches as spaCy's {m,n}, without its state explosion."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher

from extractors.patterns import compile_pattern, within_bound

GAP = {"ORTH": {"NOT_IN": [".", ";"]}}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ([{"LOWER": "a"}], 1),
        ([{"LOWER": "a"}, {**GAP, "OP": "{0,3}"}, {"LOWER": "b"}], 5),
        ([{"LOWER": "a"}, {**GAP, "OP": "{2}"}], 3),
        ([{"LOWER": "a"}, {**GAP, "OP": "?"}, {"LOWER": "b", "OP": "+"}], None),
        ([{"LOWER": "a"}, {**GAP, "OP": "{1,}"}], None),
    ],
)
def test_longest_span_of_a_pattern(pattern, expected):
    assert compile_pattern(pattern)[1] == expected


def test_unknown_quantifier_is_refused():
    with pytest.raises(ValueError, match="quantifier"):
        compile_pattern([{"LOWER": "a", "OP": "{x}"}])


def _matches(nlp, pattern, text, compiled: bool):
    matcher = Matcher(nlp.vocab)
    longest = None
    if compiled:
        pattern, longest = compile_pattern(pattern)
    matcher.add("p", [pattern])
    doc = nlp(text)
    return sorted((s, e) for _, s, e in matcher(doc) if within_bound(s, e, longest))


@pytest.mark.parametrize(
    "text",
    ["night work from 22:00 to 06:00 shall be paid", "night a b c d e f g h i j paid", "paid night . paid", "night paid"],
)
def test_compiled_pattern_matches_exactly_what_spacy_range_matches(text):
    nlp = spacy.blank("en")
    pattern = [{"LOWER": "night"}, {**GAP, "OP": "{0,8}"}, {"LOWER": "paid"}]
    assert _matches(nlp, pattern, text, True) == _matches(nlp, pattern, text, False)


def test_long_trailing_gap_stays_cheap_on_a_long_sentence():
    # spaCy's own {0,40} needed >24 GiB here on a 14-token sentence.
    nlp = spacy.blank("en")
    pattern = [{"LOWER": "subject"}, {"LOWER": "is"}, {**GAP, "OP": "{0,40}"}]
    text = "The subject is " + " ".join(["word"] * 300)
    found = _matches(nlp, pattern, text, True)
    assert max(e - s for s, e in found) == 42 and len(found) == 41


# --------------------------------------------------------------------------- RuleSet: anchors change speed, not hits


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ([{"LOWER": "the"}, {"LOWER": "overtime"}], ("LOWER", frozenset({"overtime"}))),  # longer word wins
        ([{"LOWER": {"IN": ["a", "b", "c"]}}, {"LEMMA": "отпуск"}], ("LEMMA", frozenset({"отпуск"}))),
        ([{"LOWER": {"REGEX": "^оплат"}}, {"LOWER": {"IN": ["x", "y"]}}], ("LOWER", frozenset({"x", "y"}))),
        ([{"LOWER": "night", "OP": "?"}, {**GAP, "OP": "*"}], None),  # nothing required: runs always
    ],
)
def test_anchor_is_the_most_selective_required_word(pattern, expected):
    from extractors.patterns import anchor

    assert anchor(pattern) == expected


def test_anchor_may_be_a_regex_when_no_word_is_required():
    from extractors.patterns import anchor

    attr, regex = anchor([{"LOWER": {"REGEX": "^(оклад|ставк)"}}, {**GAP, "OP": "*"}])
    assert attr == "LOWER" and regex.search("ставки") and not regex.search("отпуск")


def _gold_clauses():
    from gold_clauses import gold_clauses

    for _, lang, c in gold_clauses():
        yield lang, c["text"]


@pytest.mark.parametrize("component", ["kel_topics", "kel_modality"])
def test_ruleset_finds_exactly_what_one_plain_matcher_finds_on_every_gold_clause(component):
    from extractors.pipeline import get_nlp

    clauses = list(_gold_clauses())
    assert len(clauses) > 200
    for lang in ("en", "ru"):
        nlp = get_nlp(lang)
        rules = nlp.get_pipe(component).patterns
        plain = Matcher(nlp.vocab)
        for rule, patterns in rules.source.items():
            plain.add(rule, [compile_pattern(p)[0] for p in patterns])
        for text in (t for lang_, t in clauses if lang_ == lang):
            doc = nlp(text)
            expected = {
                (nlp.vocab.strings[i], s, e)
                for matcher in (plain, rules.phrase_matcher)
                for i, s, e in matcher(doc)
                if within_bound(s, e, rules.max_tokens.get(nlp.vocab.strings[i]))
            }
            assert set(rules(doc)) == expected, text


@pytest.mark.parametrize(
    ("pattern", "text", "span"),
    [
        # the anchor ("overtime", the longer word) ends the longest match, or starts it
        ([{"LOWER": "night"}, {**GAP, "OP": "{0,3}"}, {"LOWER": "overtime"}], "x night a b c overtime y", (1, 6)),
        ([{"LOWER": "overtime"}, {**GAP, "OP": "{0,3}"}, {"LOWER": "pay"}], "x overtime a b c pay y", (1, 6)),
    ],
)
def test_ruleset_window_reaches_the_whole_longest_match(pattern, text, span):
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("r", pattern)
    assert rules(nlp(text)) == [("r", *span)]
    assert rules(nlp(text.replace(" c ", " c d "))) == []  # one word more than the bound


def test_ruleset_skips_a_pattern_whose_other_required_word_is_missing():
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("r", [{"LOWER": "overtime"}, {**GAP, "OP": "{0,2}"}, {"LOWER": {"IN": ["pay", "paid"]}}])
    assert [r.name for r, _, _, _ in rules._candidates(nlp("overtime work"))] == []
    assert [r.name for r, _, _, _ in rules._candidates(nlp("overtime work paid"))] == ["r"]
    # a requirement that is a regex: some word of the clause must satisfy it
    rules.add("s", [{"LOWER": "night"}, {**GAP, "OP": "{0,2}"}, {"LOWER": {"REGEX": "^compensat"}}])
    assert [r.name for r, _, _, _ in rules._candidates(nlp("night work paid"))] == []
    assert [r.name for r, _, _, _ in rules._candidates(nlp("night work compensated"))] == ["s"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ([{"LOWER": "annual"}, {"LOWER": {"IN": ["leave", "holiday"]}}], ("LOWER", [["annual", "leave"], ["annual", "holiday"]])),
        ([{"LEMMA": "ежегодный"}, {"LEMMA": "отпуск"}], ("LEMMA", [["ежегодный", "отпуск"]])),
        ([{"TEXT": "MCI"}], ("ORTH", [["MCI"]])),
        ([{"LOWER": "Annual"}], None),  # a LOWER word in capitals never matches: left to the Matcher
        ([{"LOWER": "annual"}, {"LEMMA": "отпуск"}], None),  # two attributes
        ([{"LOWER": "annual"}, {"LOWER": "leave", "OP": "?"}], None),
        ([{"LOWER": {"REGEX": "^leave"}}], None),
    ],
)
def test_plain_word_patterns_become_phrases(pattern, expected):
    from extractors.patterns import as_phrases

    assert as_phrases(pattern) == expected


def test_phrase_rule_matches_like_the_token_pattern():
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("r", [{"LOWER": "annual"}, {"LOWER": {"IN": ["leave", "holiday"]}}])
    assert rules.sequences and not rules._rules
    assert rules(nlp("Annual Leave and annual holiday, not annual pay")) == [("r", 0, 2), ("r", 3, 5)]


def test_topics_and_modality_share_one_ruleset_and_match_a_clause_once():
    from extractors.pipeline import build_nlp

    nlp = build_nlp("en", norms=False)
    rules = nlp.get_pipe("kel_topics").patterns
    assert nlp.get_pipe("kel_modality").patterns is rules
    text = "The Employer shall index wages annually not lower than the inflation rate."
    doc = nlp(text)
    assert doc._.kel_modality == "obligation" and "wage_indexation" in doc._.kel_topics
    # kel_modality reads the hits kel_topics left on the Doc, not a match of its own:
    # with the hits of its cues taken out there, it finds no modality
    doc = nlp.make_doc(text)
    for name in ("kel_lemmas", "kel_topics"):
        doc = nlp.get_pipe(name)(doc)
    key = ("kel_rules", id(rules))
    version, hits = doc.user_data[key]
    doc.user_data[key] = (version, [h for h in hits if rules.owner(h[0]) != "kel_modality"])
    doc = nlp.get_pipe("kel_modality")(doc)
    assert doc._.kel_modality is None


def test_a_rule_id_belongs_to_one_component():
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("r", [{"LOWER": "pay"}], owner="kel_topics")
    with pytest.raises(ValueError, match="kel_topics"):
        rules.add("r", [{"LOWER": "shall"}], owner="kel_modality")


def test_hits_remembered_on_a_doc_are_dropped_when_rules_are_added():
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("a", [{"LOWER": "pay"}])
    doc = nlp("pay leave")
    assert rules(doc) == [("a", 0, 1)]
    rules.add("b", [{"LOWER": "leave"}])
    assert rules(doc) == [("a", 0, 1), ("b", 1, 2)]


# --------------------------------------------------------------------------- programs: the RuleSet's own matcher


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ([{"LOWER": "night"}], ((("LOWER", "eq", "night"), 1, 1),)),
        ([{"TEXT": "MCI"}, {**GAP, "OP": "{0,3}"}], ((("ORTH", "eq", "MCI"), 1, 1), (("ORTH", "not_in", frozenset({".", ";"})), 0, 3))),
        ([{"LOWER": {"REGEX": "^pay"}, "OP": "?"}, {"LOWER": {"IN": ["a"]}, "OP": "{2}"}], ((("LOWER", "regex", "^pay"), 0, 1), (("LOWER", "in", frozenset({"a"})), 2, 2))),
        ([{"LOWER": "a"}, {**GAP, "OP": "*"}], None),  # unbounded
        ([{"LOWER": "a"}, {**GAP, "OP": "+"}], None),
        ([{"LOWER": "a"}, {"LOWER": "b", "OP": "!"}], None),
        ([{"LOWER": "a"}, {"LIKE_NUM": True}], None),  # not a word test
        ([{"LOWER": "a", "ORTH": "A"}], None),  # two attributes at once
        ([{"LOWER": "a", "OP": "?"}], None),  # nothing required
    ],
)
def test_program_of_a_pattern(pattern, expected):
    from extractors.patterns import as_program

    assert as_program(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "night"}, {**GAP, "OP": "{0,3}"}, {"LOWER": {"REGEX": "^(paid|pay)"}}],
        [{"LOWER": "night", "OP": "?"}, {"LOWER": "work"}, {**GAP, "OP": "{1,2}"}, {"LOWER": "paid", "OP": "?"}],
        [{"LOWER": {"IN": ["a", "b"]}, "OP": "{2}"}, {"LOWER": "c"}],
        [{"LOWER": "a"}, {**GAP, "OP": "{0,2}"}, {"LOWER": "b", "OP": "?"}, {**GAP, "OP": "{0,1}"}, {"LOWER": "c"}],
    ],
)
def test_program_finds_what_spacy_finds_for_the_same_pattern(pattern):
    """spaCy's own ``{m,n}``: exactly m to n tokens. Its compiled stand-in (m copies and a ``*``
    bounded by the longest match) is looser: an optional word left out lends its room to a gap,
    as in the first text with anchor words far apart (``(1, 6)``: "work" and a gap of four)."""
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("r", pattern)
    assert all(r.program is not None for r in rules._rules)
    texts = [
        "night work paid", "work paid", "night work a paid", "night work a b paid . paid", "a a c b a b b c",
        "night . paid", "a b c", "a x b c", "a x x b x c", "a b x x c", "a c c", "night a b c pay night paid",
        # anchor words far apart: matches begin only near one of them
        "night work paid x x x x x x x night a paid work paid", "a c x x x x x x a b c x a x c c", "c b a x x x x a a c",
    ]
    for text in texts:
        assert {(s, e) for _, s, e in rules(nlp(text))} == set(_matches(nlp, pattern, text, False)), text


def test_program_starts_only_within_reach_of_an_anchor_word():
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("r", [{"LOWER": "x", "OP": "?"}, {"LOWER": "overtime"}, {**GAP, "OP": "{0,2}"}, {"LOWER": "pay"}])
    doc = nlp("overtime a b c d e f x overtime pay")
    [(rule, lo, hi, starts)] = list(rules._candidates(doc))
    assert (rule.before, list(starts), lo) == (1, [0, 7, 8], 0)  # "overtime" at 0 and 8, one optional word before
    assert rules(doc) == [("r", 7, 10), ("r", 8, 10)]


def test_a_pattern_a_program_cannot_say_still_goes_to_spacy():
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en")
    rules.add("r", [{"LOWER": "night"}, {"LOWER": "work", "OP": "+"}])
    assert rules._rules[0].program is None and rules._rules[0].matcher is not None
    assert rules(nlp("night work work")) == [("r", 0, 2), ("r", 0, 3)]


def test_word_tests_remember_at_most_the_memo_limit_in_all():
    from extractors.patterns import RuleSet

    nlp = spacy.blank("en")
    rules = RuleSet(nlp, "en", memo_limit=5)
    rules.add("r", [{"LOWER": "pay"}, {"LOWER": {"REGEX": "^r"}, "OP": "{0,3}"}, {"LOWER": {"REGEX": "^l"}}])
    text = "pay ra rb rc ld pay re rf rg lh pay ri rj rk ll"
    assert rules(nlp(text)) == [("r", 0, 5), ("r", 5, 10), ("r", 10, 15)]
    assert sum(len(m) for m in rules._test_memo) == 5
    assert rules(nlp(text)) == [("r", 0, 5), ("r", 5, 10), ("r", 10, 15)]  # the same once the memo is full

"""Token patterns with bounded gaps, safe for spaCy's ``Matcher``.

spaCy expands a quantifier such as ``{"OP": "{0,12}"}`` into twelve optional
tokens, and its matcher then keeps one state per way of skipping them: on a
wildcard token ("any word but a full stop") the number of states grows
combinatorially with the sentence. Measured here: the mask pattern
"the subject of this Agreement is {0,40}" needed 0.5 s at 11 tokens and
exhausted 24 GiB of memory at 14.

So a rule file may keep writing ``{0,N}`` (it is the clearest way to say "at
most N words apart"), and :func:`compile_pattern` turns every ``{M,N}`` into M
required copies plus one ``*`` loop, which costs one state, and returns the
longest span the original pattern could match. The caller drops longer matches
(:func:`within_bound`), which gives exactly the original semantics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from spacy.attrs import LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from extractors.regexes import screen

_RANGE = re.compile(r"^\{(\d*),(\d*)\}$")
_EXACT = re.compile(r"^\{(\d+)\}$")


def compile_pattern(pattern: list[dict]) -> tuple[list[dict], int | None]:
    """``(matcher_pattern, max_tokens)``; ``max_tokens`` is None when the span is unbounded."""
    out: list[dict] = []
    longest: int | None = 0
    for token in pattern:
        op = token.get("OP")
        bare = {k: v for k, v in token.items() if k != "OP"}
        span: int | None
        if op is None or op in ("!",):
            out.append(dict(token))
            span = 0 if op == "!" else 1
        elif op == "?":
            out.append(dict(token))
            span = 1
        elif op in ("*", "+"):
            out.append(dict(token))
            span = None
        elif m := _EXACT.match(op):
            n = int(m.group(1))
            out.extend(dict(bare) for _ in range(n))
            span = n
        elif m := _RANGE.match(op):
            low = int(m.group(1) or 0)
            high = int(m.group(2)) if m.group(2) else None
            out.extend(dict(bare) for _ in range(low))
            if high is None or high > low:
                out.append({**bare, "OP": "*"})
            span = high
        else:
            raise ValueError(f"unknown quantifier {op!r} in pattern {pattern!r}")
        longest = None if longest is None or span is None else longest + span
    return out, longest


def within_bound(start: int, end: int, max_tokens: int | None) -> bool:
    """Whether a match of ``end - start`` tokens is one the original pattern allows."""
    return max_tokens is None or end - start <= max_tokens


# Phrase patterns ("ежегодный отпуск") match on lemmas where a lemmatizer exists.
PHRASE_ATTR = {"ru": "LEMMA"}  # others: LOWER (no lemmatizer for en, kk)


# Token attributes a required pattern token can be looked up by, and the spaCy attribute id of each.
_ANCHOR_ATTRS = {"LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "LEMMA": LEMMA, "NORM": NORM}

Requirement = tuple[str, "frozenset[str] | re.Pattern"]


def requirements(pattern: list[dict]) -> list[Requirement]:
    """What some token of every match must be: ``(attribute, words)`` or ``(attribute, regex)`` each.

    Only required tokens (no quantifier, or ``+``) count, and of them the tests of
    one attribute against a word, an ``IN`` list or a ``REGEX``: each is a
    necessary condition of a match, so a clause lacking one cannot match.
    """
    return [requirement for _, requirement in _requirements_at(pattern)]


def _requirements_at(pattern: list[dict]) -> list[tuple[int, Requirement]]:
    """:func:`requirements`, each with the index of the pattern token it tests."""
    found: list[tuple[int, Requirement]] = []
    for index, token in enumerate(pattern):
        if token.get("OP") not in (None, "+"):
            continue
        for attr, value in token.items():
            if attr not in _ANCHOR_ATTRS:
                continue
            if isinstance(value, str):
                found.append((index, (attr, frozenset({value}))))
            elif isinstance(value, dict) and isinstance(value.get("IN"), list) and value["IN"]:
                if all(isinstance(v, str) for v in value["IN"]):
                    found.append((index, (attr, frozenset(value["IN"]))))
            if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                found.append((index, (attr, re.compile(value["REGEX"]))))
    return found


def anchor(pattern: list[dict]) -> Requirement | None:
    """The most selective of :func:`requirements`: the one a pattern is looked up by.

    Words are preferred to a regex (a set look-up, not a search), fewer and
    longer words to more and shorter ones.
    """
    found = _anchor_at(pattern)
    return None if found is None else found[1]


def _anchor_at(pattern: list[dict]) -> tuple[int, Requirement] | None:
    ranked = [(_rank(values), index, (attr, values)) for index, (attr, values) in _requirements_at(pattern)]
    if not ranked:
        return None
    _, index, requirement = min(ranked, key=lambda r: (r[0], r[1]))
    return index, requirement


def reach(pattern: list[dict], index: int) -> tuple[int | None, int | None]:
    """How many tokens a match can hold before and after the one matched by token ``index``; None: unbounded.

    ``pattern`` is compiled (:func:`compile_pattern`): quantifiers are ``?``, ``*``,
    ``+`` or ``!``. A ``+`` token repeats, so around it nothing is bounded.
    """
    if pattern[index].get("OP") == "+":
        return None, None
    spans = [_SPAN[token.get("OP")] for token in pattern]
    return _total(spans[:index]), _total(spans[index + 1 :])


def _total(spans: list[int | None]) -> int | None:
    """The sum of ``spans``; None when one of them is unbounded."""
    total = 0
    for span in spans:
        if span is None:
            return None
        total += span
    return total


_SPAN = {None: 1, "?": 1, "!": 0, "*": None, "+": None}


def _rank(values) -> tuple:
    if isinstance(values, re.Pattern):
        return (1, 0, -len(values.pattern))
    return (0, len(values), -min(len(v) for v in values))


_PHRASE_ATTRS = {"LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH", "LEMMA": "LEMMA"}
_MAX_PHRASES = 64


def as_phrases(pattern: list[dict]) -> tuple[str, list[list[str]]] | None:
    """A pattern of plain words as the word sequences it matches: ``(attribute, sequences)``, or None.

    Plain: every token required (no quantifier), each testing the same attribute
    against a word or an ``IN`` list of at most a few words; LOWER words written
    in lower case (the only ones that can match). Such a pattern matches exactly
    where one of its sequences stands, which spaCy's ``PhraseMatcher`` finds for all
    of them in one pass.
    """
    attrs, choices = set(), []
    for token in pattern:
        if len(token) != 1:
            return None
        ((key, value),) = token.items()
        if key not in _PHRASE_ATTRS:
            return None
        words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else None
        if not words or not all(isinstance(w, str) and w and " " not in w for w in words):
            return None
        if key == "LOWER" and any(w != w.lower() for w in words):
            return None
        attrs.add(_PHRASE_ATTRS[key])
        choices.append(list(dict.fromkeys(words)))
    if len(attrs) != 1 or not choices:
        return None
    sequences: list[list[str]] = [[]]
    for words in choices:
        sequences = [seq + [w] for seq in sequences for w in words]
        if len(sequences) > _MAX_PHRASES:
            return None
    return attrs.pop(), sequences


# Token tests a rule's own matcher can run (:func:`as_program`): one attribute, one comparison.
_TEST_KINDS = {"IN": "in", "NOT_IN": "not_in", "REGEX": "regex"}
_MAX_GAP = 64  # a {m,n} wider than this is left to spaCy's Matcher

Test = tuple[str, str, Any]  # (attribute, "eq" | "in" | "not_in" | "regex", word | words | regex source)
Step = tuple[Test, int, int]  # a test and how many tokens in a row must pass it: at least, at most


def as_program(pattern: list[dict]) -> tuple[Step, ...] | None:
    """A token pattern as steps ``(test, least, most)``, or None when it needs spaCy's ``Matcher``.

    A step is one pattern token with its quantifier: no quantifier is (1, 1),
    ``?`` is (0, 1), ``{m,n}`` is (m, n). Each test compares one attribute of the
    token (LOWER, ORTH, TEXT, LEMMA, NORM) with a word, an ``IN`` or ``NOT_IN``
    list, or a ``REGEX``: what spaCy's matcher does with the same token, so
    :class:`RuleSet` can run such a pattern itself on the words it has
    looked up already. Unbounded quantifiers (``*``, ``+``, ``{m,}``), ``!``
    and other token attributes return None.
    """
    steps: list[Step] = []
    for token in pattern:
        op = token.get("OP")
        bare = [(k, v) for k, v in token.items() if k != "OP"]
        if len(bare) != 1 or bare[0][0] not in _ANCHOR_ATTRS:
            return None
        attr, value = bare[0]
        attr = "ORTH" if attr == "TEXT" else attr
        if isinstance(value, str):
            test: Test = (attr, "eq", value)
        elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _TEST_KINDS:
            ((kind, arg),) = value.items()
            if kind == "REGEX" and isinstance(arg, str):
                test = (attr, "regex", arg)
            elif kind != "REGEX" and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
                test = (attr, _TEST_KINDS[kind], frozenset(arg))
            else:
                return None
        else:
            return None
        if op is None:
            least, most = 1, 1
        elif op == "?":
            least, most = 0, 1
        elif (m := _EXACT.match(op)) is not None:
            least = most = int(m.group(1))
        elif (m := _RANGE.match(op)) is not None and m.group(2):
            least, most = int(m.group(1) or 0), int(m.group(2))
        else:
            return None
        if most > _MAX_GAP or most < least:
            return None
        steps.append((test, least, most))
    return tuple(steps) if any(least for _, least, _ in steps) else None


@dataclass(frozen=True)
class _Rule:
    """One token pattern: how it is matched, its longest span, and the words it needs.

    ``program`` (:func:`as_program`, tests numbered by the RuleSet) when the
    RuleSet runs it itself, else ``matcher``: spaCy's, for what a program cannot say.
    """

    name: str
    matcher: Matcher | None
    program: tuple[tuple[int, int, int], ...] | None
    max_tokens: int | None
    before: int | None  # tokens a match may hold before its anchor word (None: any number)
    after: int | None  # and after it (both within max_tokens)
    anchor: tuple[int, Any]  # (attribute id, word hashes | regex number)
    # the other requirements: regex numbers some word must satisfy, and (attribute id, word hashes) one word must be
    regex_needs: frozenset[int] = frozenset()
    word_needs: tuple[tuple[int, frozenset[int]], ...] = ()


class RuleSet:
    """The token and phrase patterns of one component, keyed by rule id, matched together.

    Token patterns (lists) go to spaCy's ``Matcher`` through :func:`compile_pattern`;
    phrase patterns (strings) to the ``PhraseMatcher``, after the components that
    stand before the owner in ``nlp`` (tokenizer, lemmas) have run on them.

    spaCy's ``Matcher`` tries every pattern at every token and builds a Python
    ``Token`` per token per call, which made topic tagging the most expensive step
    of extraction. So each token pattern is matched on its own, and only where it
    can match:

    * only on a clause holding every word it requires (:func:`requirements`);
    * only on the tokens a match can reach from where its :func:`anchor` word
      stands (:func:`reach`: a match must contain one of them);
    * patterns that require nothing share one matcher run on the whole clause.

    And a pattern of word tests with bounded quantifiers (nearly all of them) is
    not handed to spaCy at all: :meth:`_run` walks its steps over the words
    already looked up for the anchors, each word tested once per process. A
    ``Matcher`` call costs 12-25 µs whatever its span, most of it outside the
    matching; the walk costs a few µs. Extraction on the corpus: 19.5 -> 17.3 ms
    an agreement (A/B, 3 alternating runs each).

    The hits are exactly those of one plain matcher on the whole clause
    (tests/extractors/test_patterns.py checks this on every gold clause).
    """

    def __init__(self, nlp: Language, lang: str, memo_limit: int = 200_000):
        self.nlp = nlp
        self.memo_limit = memo_limit  # words remembered, in all: a huge archive must not grow the memos forever
        self._before = [proc for _, proc in nlp.pipeline]
        self.source: dict[str, list] = {}  # rule -> its token patterns as written
        self.always = Matcher(nlp.vocab)
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr=PHRASE_ATTR.get(lang, "LOWER"))
        self.sequences: dict[str, PhraseMatcher] = {}  # attribute -> token patterns that are plain word sequences
        self.max_tokens: dict[str, int | None] = {}
        self._rules: list[_Rule] = []
        self._by_word: dict[tuple[int, int], list[int]] = {}  # (attr id, word hash) -> rules anchored there
        self._by_regex: dict[int, list[int]] = {}  # regex number -> rules anchored on it
        self._regexes: list[tuple[int, re.Pattern]] = []  # regex number -> (attr id, regex)
        self._regex_numbers: dict[tuple[int, str], int] = {}
        # attr id -> word hash -> (rules anchored on the word, regexes it satisfies)
        self._word_memo: dict[int, dict[int, tuple[tuple[int, ...], frozenset[int]]]] = {}
        self._attrs: list[int] = []  # attribute ids rules look words up by
        self._owners: dict[str, str] = {}
        self._screens: dict[tuple[int, int], re.Pattern | None] = {}  # (attr, regexes so far) -> their alternation
        # the tests of the rules' programs (as_program): test number -> (attr id, kind, word hash(es) | regex)
        self._tests: list[tuple[int, str, Any]] = []
        self._test_numbers: dict[Test, int] = {}
        self._test_memo: list[dict[int, bool]] = []  # test number -> word hash -> passes
        self._test_memo_size = 0  # entries in all of them: one bound for the lot, not one per test
        self._test_attrs: list[int] = []  # attribute ids the tests read
        self._version = 0  # rules added so far: hits cached on a Doc are valid for one version

    def owner(self, rule: str) -> str | None:
        """The component a rule was added by."""
        return self._owners.get(rule)

    def prepare(self, text: str) -> Doc:
        """``text`` as the owner sees a Doc: tokenized and lemmatized."""
        doc = self.nlp.make_doc(text)
        for proc in self._before:
            doc = proc(doc)
        return doc

    def add(self, rule: str, pattern: str | list[dict], owner: str = "") -> None:
        """Add one pattern of ``rule``; ``owner`` names the component, so two cannot share a rule id."""
        if self._owners.setdefault(rule, owner) != owner:
            raise ValueError(f"rule id {rule!r} is used by {self._owners[rule]!r} and {owner!r}")
        self._version += 1
        if isinstance(pattern, str):
            self.phrase_matcher.add(rule, [self.prepare(pattern)])
            return
        self.source.setdefault(rule, []).append(pattern)
        compiled, longest = compile_pattern(pattern)
        if rule in self.max_tokens and self.max_tokens[rule] != longest:
            raise ValueError(f"rule {rule!r}: its patterns must share one longest span")
        self.max_tokens[rule] = longest
        phrases = as_phrases(compiled)
        if phrases is not None:
            attr, words = phrases
            if attr not in self.sequences:
                self.sequences[attr] = PhraseMatcher(self.nlp.vocab, attr=attr)
            vocab = self.nlp.vocab
            self.sequences[attr].add(
                rule, [Doc(vocab, words=w, lemmas=w) if attr == "LEMMA" else Doc(vocab, words=w) for w in words]
            )
            return
        at = _anchor_at(compiled)
        if at is None:
            self.always.add(rule, [compiled])
            return
        index, found = at
        steps = as_program(pattern)
        matcher = None
        if steps is None:
            matcher = Matcher(self.nlp.vocab)
            matcher.add(rule, [compiled])
        needs = [self._requirement(r) for r in requirements(compiled) if r != found]
        before, after = reach(compiled, index)
        if longest is not None:  # and a match holds at most `longest` tokens in all
            before = longest - 1 if before is None else min(before, longest - 1)
            after = longest - 1 if after is None else min(after, longest - 1)
        number = len(self._rules)
        self._word_memo.clear()
        program = None if steps is None else tuple((self._test(test), least, most) for test, least, most in steps)
        self._rules.append(
            _Rule(
                rule, matcher, program, longest, before, after, self._requirement(found),
                regex_needs=frozenset(key for _, key in needs if isinstance(key, int)),
                word_needs=tuple((a, key) for a, key in needs if not isinstance(key, int)),
            )
        )
        anchor_attr, anchor_key = self._rules[-1].anchor
        if isinstance(anchor_key, int):
            self._by_regex.setdefault(anchor_key, []).append(number)
        else:
            for word in anchor_key:
                self._by_word.setdefault((anchor_attr, word), []).append(number)

    def _test(self, test: Test) -> int:
        """The number of a program test, registered on first use."""
        if test not in self._test_numbers:
            name, kind, value = test
            attr = _ANCHOR_ATTRS[name]
            strings = self.nlp.vocab.strings
            if kind == "eq":
                compiled: object = strings.add(value)
            elif kind == "regex":
                compiled = re.compile(value)
            else:
                compiled = frozenset(strings.add(v) for v in value)
            self._test_numbers[test] = len(self._tests)
            self._tests.append((attr, kind, compiled))
            self._test_memo.append({})
            if attr not in self._test_attrs:
                self._test_attrs.append(attr)
        return self._test_numbers[test]

    def _requirement(self, requirement: Requirement) -> tuple[int, Any]:
        """``(attr id, frozenset of word hashes)`` or ``(attr id, regex number)``."""
        name, values = requirement
        attr = _ANCHOR_ATTRS[name]
        if attr not in self._attrs:
            self._attrs.append(attr)
        if isinstance(values, re.Pattern):
            key = (attr, values.pattern)
            if key not in self._regex_numbers:
                self._regex_numbers[key] = len(self._regexes)
                self._regexes.append((attr, values))
            return attr, self._regex_numbers[key]
        strings = self.nlp.vocab.strings
        return attr, frozenset(strings.add(v) for v in values)

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every ``(rule, start, end)`` hit in ``doc``, token offsets.

        Remembered on the Doc (``doc.user_data``), so the components sharing this
        RuleSet (:func:`shared_rules`) match a clause once: they must not change
        its tokens or lemmas in between.
        """
        key = ("kel_rules", id(self))
        user_data: dict[Any, Any] = doc.user_data
        cached = user_data.get(key)
        if cached is not None and cached[0] == self._version:
            return cached[1]
        hits = self._match(doc)
        user_data[key] = (self._version, hits)
        return hits

    def _match(self, doc: Doc) -> list[tuple[str, int, int]]:
        strings = doc.vocab.strings
        hits: set[tuple[str, int, int]] = set()
        matchers: list[Any] = [self.always, self.phrase_matcher, *self.sequences.values()]
        for matcher in matchers:
            if len(matcher):
                for match_id, start, end in matcher(doc):
                    rule = strings[match_id]
                    if within_bound(start, end, self.max_tokens.get(rule)):
                        hits.add((rule, start, end))
        if self._rules and len(doc):
            columns = _columns(doc, self._attrs + [a for a in self._test_attrs if a not in self._attrs])
            for rule, lo, hi, starts in self._candidates(doc, columns):
                if rule.program is not None:
                    found = self._run(rule.program, starts, hi, columns, strings)
                else:  # Span(doc, lo, hi): doc[lo:hi] without its slice normalisation, 0 <= lo < hi <= n
                    found = {(lo + start, lo + end) for _, start, end in rule.matcher(Span(doc, lo, hi))}
                for start, end in found:
                    if within_bound(start, end, rule.max_tokens):
                        hits.add((rule.name, start, end))
        return sorted(hits, key=lambda h: (h[1], h[2], h[0]))

    def _run(self, program, starts: Iterable[int], hi: int, columns: dict[int, list[int]], strings) -> set[tuple[int, int]]:
        """Every ``(start, end)``, from one of ``starts`` and up to ``hi``, where the tokens pass ``program``'s steps in turn.

        What spaCy's ``Matcher`` returns for the same pattern: every start, every
        end (an optional token taken and left out, a gap of each allowed length).
        """
        tests, memos = self._tests, self._test_memo
        last = len(program)
        found = set()
        # when the first step needs a word, a start whose word fails its test begins nothing
        number0, least0, _ = program[0]
        column0, memo0 = columns[tests[number0][0]], memos[number0]
        for first in starts:
            if least0 and first < hi:
                passed = memo0.get(column0[first])
                if passed is None:
                    passed = self._passes(number0, column0[first], strings)
                if not passed:
                    continue
            todo = [(0, first)]
            while todo:
                step, pos = todo.pop()
                if step == last:
                    if pos > first:
                        found.add((first, pos))
                    continue
                number, least, most = program[step]
                if least == 0:
                    todo.append((step + 1, pos))
                column, memo = columns[tests[number][0]], memos[number]
                taken = 0
                while taken < most and pos < hi:
                    word = column[pos]
                    passed = memo.get(word)
                    if passed is None:
                        passed = self._passes(number, word, strings)
                    if not passed:
                        break
                    pos += 1
                    taken += 1
                    if taken >= least:
                        todo.append((step + 1, pos))
        return found

    def _passes(self, number: int, word: int, strings) -> bool:
        """Whether a word passes test ``number``; memoised per word."""
        _, kind, value = self._tests[number]
        if kind == "eq":
            passed = word == value
        elif kind == "in":
            passed = word in value
        elif kind == "not_in":
            passed = word not in value
        else:
            passed = value.search(strings[word]) is not None
        if self._test_memo_size < self.memo_limit:
            self._test_memo[number][word] = passed
            self._test_memo_size += 1
        return passed

    def _candidates(self, doc: Doc, columns: dict[int, list[int]] | None = None):
        """``(rule, lo, hi, starts)`` for each rule whose words the clause has.

        Its matches lie in tokens ``lo:hi`` and begin at one of ``starts``: a
        match holds an anchor word and begins at most ``before`` tokens ahead
        of it, so only the tokens that close to an anchor word can begin one.
        """
        n = len(doc)
        if columns is None:
            columns = _columns(doc, self._attrs)
        present: dict[int, set[int]] = {}
        regexes: set[int] = set()  # regex numbers some word satisfies
        anchored: dict[int, list[int]] = {}  # rule number -> token positions of its anchor
        words_of = self._word_info
        for attr in self._attrs:
            column = columns[attr]
            present[attr] = set(column)
            memo = self._word_memo.setdefault(attr, {})
            for i, word in enumerate(column):
                info = memo.get(word)
                if info is None:
                    info = words_of(attr, word, doc.vocab.strings)
                if info is _NOTHING:
                    continue
                for number in info[0]:
                    if number in anchored:
                        anchored[number].append(i)
                    else:
                        anchored[number] = [i]
                regexes |= info[1]
        rules, has_all = self._rules, self._has_all
        for number, positions in anchored.items():  # positions in increasing order
            rule = rules[number]
            if (rule.regex_needs or rule.word_needs) and not has_all(rule, present, regexes):
                continue
            # a match holds an anchor word, at most `before` tokens after its start and `after` before its end
            before, after = rule.before, rule.after
            hi = n if after is None else min(n, positions[-1] + 1 + after)
            if before is None:
                yield rule, 0, hi, range(0, hi)
            elif before == 0:
                yield rule, positions[0], hi, positions
            elif len(positions) == 1:
                lo = max(0, positions[0] - before)
                yield rule, lo, hi, range(lo, positions[0] + 1)
            else:
                starts = sorted({s for p in positions for s in range(max(0, p - before), p + 1)})
                yield rule, starts[0], hi, starts

    def _regex_screen(self, attr: int) -> re.Pattern | None:
        """The alternation of the regexes on ``attr`` (None: try each, as when one refers back to a group)."""
        key = (attr, len(self._regexes))
        if key not in self._screens:
            try:
                self._screens[key] = screen(regex for a, regex in self._regexes if a == attr) or _NEVER
            except (ValueError, re.error):
                self._screens[key] = None
        return self._screens[key]

    @staticmethod
    def _has_all(rule: _Rule, present: dict[int, set[int]], regexes: set[int]) -> bool:
        """Whether the clause meets every requirement of ``rule`` besides its anchor."""
        if not rule.regex_needs <= regexes:
            return False
        for attr, key in rule.word_needs:
            if key.isdisjoint(present[attr]):
                return False
        return True

    def _word_info(self, attr: int, word: int, strings) -> tuple[tuple[int, ...], frozenset[int]]:
        """What one word means to the rules: (rules anchored on it, regexes it satisfies); memoised.

        A new word is first tried against all the attribute's regexes at once (their
        alternation: ten times faster than trying the 361 Russian ones in turn), and
        one by one only when one of them matches.
        """
        text = strings[word]
        regexes: frozenset[int] = frozenset()
        any_regex = self._regex_screen(attr)
        if any_regex is None or any_regex.search(text) is not None:
            regexes = frozenset(
                number for number, (a, regex) in enumerate(self._regexes) if a == attr and regex.search(text)
            )
        rules = [*self._by_word.get((attr, word), ())]
        for number in sorted(regexes):
            rules.extend(self._by_regex.get(number, ()))
        info = (tuple(rules), regexes) if rules or regexes else _NOTHING
        memo = self._word_memo.setdefault(attr, {})
        if len(memo) < self.memo_limit:
            memo[word] = info
        return info


_NOTHING: tuple[tuple[int, ...], frozenset[int]] = ((), frozenset())
_NEVER = re.compile(r"(?!)")  # the alternation of no regex


def _columns(doc: Doc, attrs: list[int]) -> dict[int, list[int]]:
    """Attribute id -> the clause's words' values of it (hashes), read from spaCy in one call."""
    names: list[int | str] = list(attrs)
    array = doc.to_array(names)
    return dict(zip(attrs, array.T.tolist() if array.ndim == 2 else [array.tolist()], strict=True))


_SHARED: WeakKeyDictionary[Language, dict[str, RuleSet]] = WeakKeyDictionary()


def shared_rules(nlp: Language, lang: str) -> RuleSet:
    """The one RuleSet of ``nlp`` for ``lang``: topics and modality add their patterns to it.

    A clause's words are then looked up, and its phrase matchers run, once for
    both components; each keeps the hits of its own rules.
    """
    per_lang = _SHARED.setdefault(nlp, {})
    if lang not in per_lang:
        per_lang[lang] = RuleSet(nlp, lang)
    return per_lang[lang]

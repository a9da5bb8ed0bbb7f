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
from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

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
    found: list[Requirement] = []
    for token in pattern:
        if token.get("OP") not in (None, "+"):
            continue
        for attr, value in token.items():
            if attr not in _ANCHOR_ATTRS:
                continue
            if isinstance(value, str):
                found.append((attr, frozenset({value})))
            elif isinstance(value, dict) and isinstance(value.get("IN"), list) and value["IN"]:
                if all(isinstance(v, str) for v in value["IN"]):
                    found.append((attr, frozenset(value["IN"])))
            if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                found.append((attr, re.compile(value["REGEX"])))
    return found


def anchor(pattern: list[dict]) -> Requirement | None:
    """The most selective of :func:`requirements`: the one a pattern is looked up by.

    Words are preferred to a regex (a set look-up, not a search), fewer and
    longer words to more and shorter ones.
    """
    ranked = [(_rank(values), (attr, values)) for attr, values in requirements(pattern)]
    return min(ranked, key=lambda r: r[0])[1] if ranked else None


def _rank(values) -> tuple:
    if isinstance(values, re.Pattern):
        return (1, 0, -len(values.pattern))
    return (0, len(values), -min(len(v) for v in values))


@dataclass(frozen=True)
class _Rule:
    """One token pattern: its own matcher, its longest span, and the words it needs."""

    name: str
    matcher: Matcher
    max_tokens: int | None
    anchor: tuple[int, object]  # (attribute id, word hashes | regex number)
    needs: tuple[tuple[int, object], ...]  # the other requirements, same shape


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
    * only on the tokens within its longest span of where its :func:`anchor` word
      stands (a bounded match must contain one of them);
    * patterns that require nothing share one matcher run on the whole clause.

    The hits are exactly those of one plain matcher on the whole clause
    (tests/extractors/test_patterns.py checks this on every gold clause).
    """

    _MEMO_LIMIT = 200_000

    def __init__(self, nlp: Language, lang: str):
        self.nlp = nlp
        self._before = [proc for _, proc in nlp.pipeline]
        self.source: dict[str, list] = {}  # rule -> its token patterns as written
        self.always = Matcher(nlp.vocab)
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr=PHRASE_ATTR.get(lang, "LOWER"))
        self.max_tokens: dict[str, int | None] = {}
        self._rules: list[_Rule] = []
        self._by_word: dict[tuple[int, int], list[int]] = {}  # (attr id, word hash) -> rules anchored there
        self._by_regex: dict[int, list[int]] = {}  # regex number -> rules anchored on it
        self._regexes: list[tuple[int, re.Pattern]] = []  # regex number -> (attr id, regex)
        self._regex_numbers: dict[tuple[int, str], int] = {}
        # (attr id, word hash) -> (rules anchored on the word, regexes it satisfies)
        self._word_memo: dict[tuple[int, int], tuple[tuple[int, ...], frozenset[int]]] = {}
        self._attrs: list[int] = []  # attribute ids rules look words up by

    def prepare(self, text: str) -> Doc:
        """``text`` as the owner sees a Doc: tokenized and lemmatized."""
        doc = self.nlp.make_doc(text)
        for proc in self._before:
            doc = proc(doc)
        return doc

    def add(self, rule: str, pattern: str | list[dict]) -> None:
        if isinstance(pattern, str):
            self.phrase_matcher.add(rule, [self.prepare(pattern)])
            return
        self.source.setdefault(rule, []).append(pattern)
        compiled, longest = compile_pattern(pattern)
        if rule in self.max_tokens and self.max_tokens[rule] != longest:
            raise ValueError(f"rule {rule!r}: its patterns must share one longest span")
        self.max_tokens[rule] = longest
        found = anchor(compiled)
        if found is None:
            self.always.add(rule, [compiled])
            return
        matcher = Matcher(self.nlp.vocab)
        matcher.add(rule, [compiled])
        needs = [self._requirement(r) for r in requirements(compiled) if r != found]
        number = len(self._rules)
        self._word_memo.clear()
        self._rules.append(_Rule(rule, matcher, longest, self._requirement(found), tuple(needs)))
        attr, key = self._rules[-1].anchor
        if isinstance(key, int):
            self._by_regex.setdefault(key, []).append(number)
        else:
            for word in key:
                self._by_word.setdefault((attr, word), []).append(number)

    def _requirement(self, requirement: Requirement) -> tuple[int, object]:
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
        """Every ``(rule, start, end)`` hit in ``doc``, token offsets."""
        strings = doc.vocab.strings
        hits = set()
        for matcher in (self.always, self.phrase_matcher):
            if len(matcher):
                for match_id, start, end in matcher(doc):
                    rule = strings[match_id]
                    if within_bound(start, end, self.max_tokens.get(rule)):
                        hits.add((rule, start, end))
        if self._rules and len(doc):
            for rule, lo, span in self._candidates(doc):
                for _, start, end in rule.matcher(span):
                    if within_bound(start, end, rule.max_tokens):
                        hits.add((rule.name, lo + start, lo + end))
        return sorted(hits, key=lambda h: (h[1], h[2], h[0]))

    def _candidates(self, doc: Doc):
        """``(rule, window start, window)`` for each rule whose words the clause has."""
        n = len(doc)
        array = doc.to_array(self._attrs)
        columns = array.T.tolist() if array.ndim == 2 else [array.tolist()]
        present: dict[int, set[int]] = {}
        regexes: set[int] = set()  # regex numbers some word satisfies
        anchored: dict[int, list[int]] = {}  # rule number -> token positions of its anchor
        memo, words_of = self._word_memo, self._word_info
        for attr, column in zip(self._attrs, columns, strict=True):
            present[attr] = set(column)
            for i, word in enumerate(column):
                info = memo.get((attr, word))
                if info is None:
                    info = words_of(attr, word, doc.vocab.strings)
                if info is _NOTHING:
                    continue
                for number in info[0]:
                    anchored.setdefault(number, []).append(i)
                regexes |= info[1]
        for number, positions in anchored.items():
            rule = self._rules[number]
            if not all(
                key in regexes if isinstance(key, int) else not key.isdisjoint(present[attr]) for attr, key in rule.needs
            ):
                continue
            if rule.max_tokens is None:
                lo, hi = 0, n
            else:
                lo = max(0, min(positions) - rule.max_tokens + 1)
                hi = min(n, max(positions) + rule.max_tokens)
            yield rule, lo, doc[lo:hi]

    def _word_info(self, attr: int, word: int, strings) -> tuple[tuple[int, ...], frozenset[int]]:
        """What one word means to the rules: (rules anchored on it, regexes it satisfies); memoised."""
        text = strings[word]
        regexes = frozenset(number for number, (a, regex) in enumerate(self._regexes) if a == attr and regex.search(text))
        rules = [*self._by_word.get((attr, word), ())]
        for number in sorted(regexes):
            rules.extend(self._by_regex.get(number, ()))
        info = (tuple(rules), regexes) if rules or regexes else _NOTHING
        if len(self._word_memo) < self._MEMO_LIMIT:  # bounded: a huge archive must not grow it forever
            self._word_memo[(attr, word)] = info
        return info


_NOTHING: tuple[tuple[int, ...], frozenset[int]] = ((), frozenset())

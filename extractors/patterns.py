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


# Token attributes a required pattern token can be looked up by, and how a token gives each.
_ANCHOR_ATTRS = {"LOWER": "lower_", "ORTH": "text", "TEXT": "text", "LEMMA": "lemma_", "NORM": "norm_"}


def anchor(pattern: list[dict]) -> tuple[str, frozenset[str] | re.Pattern] | None:
    """A word some token of every match must be: ``(attribute, words)`` or ``(attribute, regex)``.

    Only required tokens (no quantifier) that test one attribute against a word,
    an ``IN`` list or a ``REGEX`` qualify. Words are preferred to a regex (a set
    look-up, not a search), fewer and longer words to more and shorter ones.
    Used to skip patterns that cannot match a clause at all.
    """
    best = None
    for token in pattern:
        if "OP" in token or len(token) != 1:
            continue
        ((attr, value),) = token.items()
        if attr not in _ANCHOR_ATTRS:
            continue
        if isinstance(value, str):
            found, rank = frozenset({value}), (0, 1, -len(value))
        elif isinstance(value, dict) and set(value) == {"IN"} and value["IN"] and all(isinstance(v, str) for v in value["IN"]):
            found, rank = frozenset(value["IN"]), (0, len(value["IN"]), -min(len(v) for v in value["IN"]))
        elif isinstance(value, dict) and set(value) == {"REGEX"}:
            found, rank = re.compile(value["REGEX"]), (1, 0, -len(value["REGEX"]))
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, (attr, found))
    return best[1] if best else None


class RuleSet:
    """The token and phrase patterns of one component, keyed by rule id, matched together.

    Token patterns (lists) go to spaCy's ``Matcher`` through :func:`compile_pattern`;
    phrase patterns (strings) to the ``PhraseMatcher``, after the components that
    stand before the owner in ``nlp`` (tokenizer, lemmas) have run on them.

    spaCy's ``Matcher`` tries every pattern at every token, which made topic
    tagging the most expensive step of extraction. So a token pattern with an
    :func:`anchor` word is filed under that word, in a small matcher of its own,
    and runs only on clauses that contain the word; the rest run always. The hits
    are the same as one matcher's (tests/extractors/test_patterns.py checks this
    on the gold corpus).
    """

    def __init__(self, nlp: Language, lang: str):
        self.nlp = nlp
        self._before = [proc for _, proc in nlp.pipeline]
        self.always = Matcher(nlp.vocab)
        self.anchored: dict[tuple[str, str], Matcher] = {}
        # Patterns anchored on a regex: one matcher per (attribute, regex), and a memo of which
        # of them each word satisfies, so a regex runs once per distinct word, not per clause.
        self.by_regex: dict[tuple[str, str], tuple[re.Pattern, Matcher]] = {}
        self._regex_hits: dict[tuple[str, str], tuple[Matcher, ...]] = {}
        self._attrs: set[str] = set()  # the token attributes anchors are on
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr=PHRASE_ATTR.get(lang, "LOWER"))
        self.max_tokens: dict[str, int | None] = {}

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
        compiled, self.max_tokens[rule] = compile_pattern(pattern)
        found = anchor(compiled)
        if found is None:
            self.always.add(rule, [compiled])
            return
        attr, values = found
        self._attrs.add(attr)
        if isinstance(values, re.Pattern):
            key = (attr, values.pattern)
            if key not in self.by_regex:
                self.by_regex[key] = (values, Matcher(self.nlp.vocab))
                self._regex_hits.clear()
            self.by_regex[key][1].add(rule, [compiled])
            return
        for value in values:
            key = (attr, value)
            if key not in self.anchored:
                self.anchored[key] = Matcher(self.nlp.vocab)
            self.anchored[key].add(rule, [compiled])

    def matchers(self, doc: Doc) -> list:
        """The matchers that can find something in ``doc``: those of the words it contains."""
        chosen = {}
        tokens = list(doc)  # spaCy makes a new Token object per access: once per clause is enough
        for attr in self._attrs:
            name = _ANCHOR_ATTRS[attr]
            for word in {getattr(token, name) for token in tokens}:
                m = self.anchored.get((attr, word))
                if m is not None:
                    chosen[id(m)] = m
                for m in self._regex_matchers(attr, word):
                    chosen[id(m)] = m
        return [self.always, *chosen.values(), self.phrase_matcher]

    def _regex_matchers(self, attr: str, word: str) -> tuple[Matcher, ...]:
        key = (attr, word)
        hits = self._regex_hits.get(key)
        if hits is None:
            hits = tuple(
                m for (a, _), (regex, m) in self.by_regex.items() if a == attr and regex.search(word) is not None
            )
            if len(self._regex_hits) < 200_000:  # bounded: a huge archive must not grow it forever
                self._regex_hits[key] = hits
        return hits

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every ``(rule, start, end)`` hit in ``doc``, token offsets."""
        strings = doc.vocab.strings
        hits = set()
        for matcher in self.matchers(doc):
            if len(matcher) == 0:  # a language without rules (Kazakh, so far)
                continue
            for match_id, start, end in matcher(doc):
                rule = strings[match_id]
                if within_bound(start, end, self.max_tokens.get(rule)):
                    hits.add((rule, start, end))
        return sorted(hits, key=lambda h: (h[1], h[2], h[0]))

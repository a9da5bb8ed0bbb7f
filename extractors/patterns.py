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


class RuleSet:
    """The token and phrase patterns of one component, keyed by rule id, matched together.

    Token patterns (lists) go to spaCy's ``Matcher`` through :func:`compile_pattern`;
    phrase patterns (strings) to the ``PhraseMatcher``, after the components that
    stand before the owner in ``nlp`` (tokenizer, lemmas) have run on them.
    """

    def __init__(self, nlp: Language, lang: str):
        self.nlp = nlp
        self._before = [proc for _, proc in nlp.pipeline]
        self.matcher = Matcher(nlp.vocab)
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
        else:
            compiled, self.max_tokens[rule] = compile_pattern(pattern)
            self.matcher.add(rule, [compiled])

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every ``(rule, start, end)`` hit in ``doc``, token offsets."""
        strings = doc.vocab.strings
        hits = []
        for matcher in (self.matcher, self.phrase_matcher):
            if len(matcher) == 0:  # a language without rules (Kazakh, so far)
                continue
            for match_id, start, end in matcher(doc):
                rule = strings[match_id]
                if within_bound(start, end, self.max_tokens.get(rule)):
                    hits.append((rule, start, end))
        return hits

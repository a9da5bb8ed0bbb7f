"""Undo hyphenation at line ends in PDF text, keeping real hyphens.

A line that ends in "compen-" followed by "sation" was split by a typesetter;
one that ends in "long-" followed by "term" broke at a real hyphen. Nothing on
the page tells them apart (PDFium even reports soft and hard line-end hyphens
with the same marker), so the document itself is the evidence: a compound seen
unbroken elsewhere keeps its hyphen, a joined word seen elsewhere is joined.
Small per-language lists of compound parts (data, in ``compounds.json``)
decide the rest; with no evidence at all the hyphen is a typesetter's.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
from functools import cache
from pathlib import Path

_log = logging.getLogger(__name__)

SOFT_HYPHEN = "\u00ad"
# Characters that end a line "with a hyphen": ASCII hyphen-minus, Unicode hyphen, soft hyphen.
LINE_END_HYPHENS = "-\u2010" + SOFT_HYPHEN

_LETTERS = r"[^\W\d_]"
_WORD = re.compile(rf"{_LETTERS}+(?:[-\u2010]{_LETTERS}+)*")
_BROKEN_END = re.compile(rf"({_LETTERS}+|\d+)([{LINE_END_HYPHENS}])$")
_FIRST_TOKEN = re.compile(r"^(\S+)\s*")


@cache
def _compound_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    data = json.loads((Path(__file__).with_name("compounds.json")).read_text(encoding="utf-8"))
    first, second, whole = set(), set(), set()
    for lang, lists in data.items():
        if lang.startswith("_"):
            continue
        first.update(lists["first_parts"])
        second.update(lists["second_parts"])
        whole.update(lists["compounds"])
    return frozenset(first), frozenset(second), frozenset(whole)


class Vocabulary:
    """Words and hyphenated compounds the document uses unbroken."""

    def __init__(self, words: set[str], compounds: set[str]):
        self.words = words
        self.compounds = compounds
        self.heads = {c.split("-", 1)[0] for c in compounds}
        self._sorted = sorted(words)

    @classmethod
    def of_lines(cls, lines: list[str]) -> Vocabulary:
        """Collect words from lines, leaving out the fragments around line-end hyphens.

        Lines away from any break are read in one pass: a word never runs over a line's end."""
        tokens: list[str] = []
        whole: list[str] = []  # lines neither broken nor continuing a break
        after_break = False
        for line in lines:
            broken = _broken_end(line) is not None
            if not (broken or after_break):
                whole.append(line)
            else:
                found = _words_of(line)
                if after_break and found:
                    found = found[1:]
                if broken and found:
                    found = found[:-1]
                tokens += found
            after_break = broken
        tokens += _words_of("\n".join(whole))
        words: set[str] = set()
        compounds: set[str] = set()
        for token in set(tokens):
            (compounds if "-" in token else words).add(token)
        return cls(words, compounds)

    def has_prefix(self, prefix: str) -> bool:
        """Whether some word starts with ``prefix`` (an inflected form of a joined word)."""
        i = bisect.bisect_left(self._sorted, prefix)
        return i < len(self._sorted) and self._sorted[i].startswith(prefix)


def _words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2010", "-"))


def _broken_end(line: str) -> re.Match | None:
    """The word and hyphen a line ends with, searched in its last token only: a search
    over the whole line retries the pattern at every letter."""
    if not line or line[-1] not in LINE_END_HYPHENS:
        return None
    return _BROKEN_END.search(line.rsplit(None, 1)[-1])


def keeps_hyphen(left: str, right: str, hyphen: str, vocab: Vocabulary) -> bool:
    """Whether ``left`` + hyphen + line break + ``right`` is a real hyphenated compound.

    ``left`` and ``right`` are the letters on each side (no punctuation).
    """
    if hyphen == SOFT_HYPHEN:
        return False
    if left.isdigit():  # 2024-\n2026, 10-\n15 days
        return True
    lo, ro = left.lower(), right.lower()
    compound, joined = f"{lo}-{ro}", lo + ro
    first_parts, second_parts, whole = _compound_lists()
    if compound in vocab.compounds:
        return True
    if joined in vocab.words:
        return False
    if lo in vocab.heads or compound in whole or ro in second_parts:
        return True
    # A short first part ("ex", "non", "экс") also begins plain words (ex-|aminations):
    # it makes a compound only when the document uses its tail as a word of its own.
    if lo in first_parts and (len(lo) >= 4 or ro in vocab.words or (len(ro) >= 5 and vocab.has_prefix(ro[:5]))):
        return True
    # An inflected form of the joined word elsewhere (компенсации / компенсация).
    stem = joined[: max(len(lo) + 2, len(joined) - 3)]
    if len(stem) >= 5 and vocab.has_prefix(stem):
        return False
    if right[:1].isupper():  # Kazakh-\nRussian: a typesetter does not capitalise a word's tail
        return True
    # Both halves are words the document uses on their own: long-\nterm, not compen-\nsation.
    return len(lo) >= 3 and len(ro) >= 2 and lo in vocab.words and ro in vocab.words


def rejoin(lines: list[str | None]) -> list[str | None]:
    """Undo line-end hyphenation across consecutive text lines.

    ``None`` entries (tables) interrupt the text: no word is joined across them.
    The rejoined word stays on the first line and leaves the next one, which may
    become empty ("" is returned for it; the caller drops it).
    """
    vocab: Vocabulary | None = None  # read at the first break: many documents have none
    out = list(lines)
    for i in range(len(out) - 1):
        line, nxt = out[i], out[i + 1]
        if not line or not nxt:
            continue
        end = _broken_end(line)
        if not end:
            continue
        start = _FIRST_TOKEN.match(nxt)
        if not start:
            continue
        head = re.match(rf"{_LETTERS}+|\d+", start.group(1))
        # Letters may not continue with digits; digits may continue with either (10-\nдневный).
        if not head or (head.group(0).isdigit() and not end.group(1).isdigit()):
            continue
        hyphen = end.group(2)
        if vocab is None:
            vocab = Vocabulary.of_lines([line for line in lines if line is not None])
        keep = keeps_hyphen(end.group(1), head.group(0), hyphen, vocab)
        out[i] = line[:-1] + ("-" if keep else "") + start.group(1)
        out[i + 1] = nxt[start.end():]
        _log.debug("line-end hyphen %s: %r + %r", "kept" if keep else "joined", end.group(0), start.group(1))
    return out

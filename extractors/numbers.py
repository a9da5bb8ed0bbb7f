"""Numbers in every written form, read from a clause's tokens: the one place for numbers in words.

* digits: "40", "1.5", «1,5», "12,000" (English thousands), «100 000» (groups of three),
  «2-х», "1st" (an ordinal);
* words: "forty", "twenty-six", "one hundred and five", "one and a half", «сорока»,
  «двадцати четырёх», «полутора», «двух с половиной» (Russian words are read by lemma);
* multiples: "double", "twice", "two-fold", "tenfold", "2-fold", «двойном», «двукратном»,
  «десятикратного», «1,5-кратном», «екі еселенген»;
* fractions: "half", "½", «половины»;
* a number restated in parentheses is one number: "40 (forty)", "twenty-six (26)",
  «8 (восьми)», "double (2)", "two-fold (200 %)" (a multiple restated as a percent).

The word tables are ``extractors/data/<lang>/numbers.yaml``. :func:`read_numbers` returns
what it read in reading order, without overlaps; what a number means (a quantity, a date,
a clause reference) is for the layers after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from extractors.lexicon import lexicon

if TYPE_CHECKING:  # spaCy is imported where a clause is read, not by every command that formats a value
    from spacy.tokens import Doc

Kind = Literal["cardinal", "multiple", "fraction", "ordinal"]


@dataclass(frozen=True)
class Number:
    """A number in the clause: tokens ``start:end``, its value, and what kind of number it is."""

    start: int
    end: int
    value: float
    kind: Kind = "cardinal"
    digits: bool = False  # written (also) in digits


@dataclass(frozen=True)
class _Words:
    """One language's number words, keyed by lower-case form and by lemma."""

    cardinals: dict[str, float]
    scales: dict[str, float]
    fractions: dict[str, float]
    multiples: dict[str, float]
    fold_suffixes: tuple[str, ...]
    fold_stems: dict[str, float]
    halves: tuple[tuple[str, ...], ...]
    fraction_prefixes: tuple[tuple[str, ...], ...]
    prefixed_fractions: dict[str, float]
    connectors: frozenset[str]
    ordinals: frozenset[str]
    points: frozenset[str]  # "three POINT four": the digits after it, one word each
    wholes: frozenset[str]  # «три ЦЕЛЫХ четыре десятых», «үш БҮТІН оннан төрт»: a fraction follows
    parts: dict[str, float]  # «десятых» = 10 after the numerator; «оннан» = 10 before it (Kazakh)
    by_lemma: bool  # looked up by lemma too (a stem is no lemma: Kazakh «бірге», "together", is not «бір»)
    scale_alone: bool  # a scale word opens a number by itself: Kazakh «жүз жиырма» = 120, «мың» = 1000


def _table(raw: dict | None) -> dict[str, float]:
    return {str(k).lower().replace("ё", "е"): float(v) for k, v in (raw or {}).items()}


@cache
def _words(lang: str) -> _Words:
    raw = lexicon(lang).numbers
    return _Words(
        cardinals=_table(raw.get("cardinals")),
        scales=_table(raw.get("scales")),
        fractions=_table(raw.get("fractions")),
        multiples=_table(raw.get("multiplicatives")),
        fold_suffixes=tuple(str(s).lower() for s in raw.get("fold_suffixes") or ()),
        fold_stems=_table(raw.get("fold_stems")),
        halves=tuple(tuple(str(w).lower() for w in h) for h in raw.get("half_suffixes") or ()),
        fraction_prefixes=tuple(tuple(str(w).lower() for w in h) for h in raw.get("fraction_prefixes") or ()),
        prefixed_fractions=_table(raw.get("fractions_after_prefix")),
        connectors=frozenset(str(c).lower() for c in raw.get("connectors") or ()),
        ordinals=frozenset(str(o).lower() for o in raw.get("ordinals") or ()),
        points=frozenset(str(o).lower() for o in (raw.get("decimals") or {}).get("point") or ()),
        wholes=frozenset(str(o).lower() for o in (raw.get("decimals") or {}).get("whole") or ()),
        parts=_table((raw.get("decimals") or {}).get("parts")),
        by_lemma=raw.get("by_lemma", True) is not False,
        scale_alone=bool(raw.get("scale_alone")),
    )


_DIGITS = re.compile(r"^(\d+(?:[.,]\d+)*)(?:-?([a-zа-яё]{1,3}))?$", re.IGNORECASE)
_GROUP = re.compile(r"^\d{3}$")
_ORDINAL_SUFFIX = frozenset({"st", "nd", "rd", "th", "й", "го", "му", "ый", "ой", "ая", "ое", "ий"})
_FUSED_FOLD = re.compile(r"^(\d+(?:[.,]\d+)?)-?(кратн\w*|fold|еселік\w*|еселенген\w*|есе)$", re.IGNORECASE)
_UNICODE_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}
_FRACTION = re.compile(r"^(\d{1,2})/(\d{1,2})$")  # "1/2", "3/4": not a date or a clause ("15/2020")


def digits_value(text: str, lang: str) -> float | None:
    """The value of a number written in digits: "1.5", «1,5», "12,000" (en), "3.1", "1,234.5"."""
    text = text.strip()
    if not text or not text[0].isdigit():
        return None
    if "," in text and "." in text:  # "1,234.5" or «1.234,5»
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        if lang == "en" and len(tail) == 3 and head.replace(",", "").isdigit():
            text = text.replace(",", "")  # English thousands: "12,000"
        else:
            text = text.replace(",", ".")  # Russian and Kazakh decimals: «1,5»
    if text.count(".") > 1:
        parts = text.split(".")
        if all(len(p) == 3 for p in parts[1:]):
            text = "".join(parts)  # «1.000.000»
        else:
            return None  # a date or a clause number: "01.01.2024", "5.3.1"
    try:
        return float(text)
    except ValueError:
        return None


@cache
def _openers(lang: str) -> frozenset[str]:
    """The words that may open a number in words: cardinals, scales, fractions, multiples."""
    w = _words(lang)
    return frozenset({*w.cardinals, *w.scales, *w.fractions, *w.multiples})


def _fold_value(word: str, words: _Words) -> float | None:
    """The N of a fused multiple word: "tenfold", «десятикратного», «двукратном»."""
    for suffix in words.fold_suffixes:
        at = word.find(suffix)
        if at > 0:
            stem = word[:at].rstrip("-")
            if stem in words.fold_stems:
                return words.fold_stems[stem]
            if stem in words.cardinals:
                return words.cardinals[stem]
    return None


class _Reader:
    """Reads the numbers of one Doc, token by token."""

    def __init__(self, doc: Doc, lang: str):
        self.doc = doc
        self.lang = lang
        self.words = _words(lang)
        self.lower = [t.lower_.replace("ё", "е") for t in doc]
        self.lemma = [t.lemma_.replace("ё", "е") for t in doc]

    def word(self, i: int) -> str:
        return self.lower[i]

    def keys(self, i: int) -> tuple[str, ...]:
        return (self.lower[i], self.lemma[i]) if self.words.by_lemma else (self.lower[i],)

    def lookup(self, table: dict[str, float], i: int) -> float | None:
        for key in self.keys(i):
            if key in table:
                return table[key]
        return None

    def run(self) -> list[Number]:
        found: list[Number] = []
        i, n = 0, len(self.doc)
        lower, lemma, words = self.lower, self.lemma, self.words
        openers = _openers(self.lang)
        while i < n:
            # Most tokens open no number: a token is read only when it opens with a digit, is a
            # fraction sign, or is a number word (as written or by lemma) or a fused multiple.
            word = lower[i]
            if word[:1].isdigit() or word in _UNICODE_FRACTIONS:
                number = self.digits_at(i) or self.words_at(i)
            elif word in openers or (words.by_lemma and lemma[i] in openers) or _fold_value(word, words) is not None:
                number = self.words_at(i)
            else:
                number = None
            if number is None:
                i += 1
                continue
            found.append(number)
            i = number.end
        return _merge_restated(self.doc, found)

    # ----------------------------------------------------------------- digits

    def fraction_at(self, i: int) -> float | None:
        """The value of "1/2", "½" at token ``i`` (a proper fraction only), else None."""
        text = self.doc[i].text
        if text in _UNICODE_FRACTIONS:
            return _UNICODE_FRACTIONS[text]
        m = _FRACTION.match(text)
        if m and 0 < int(m.group(1)) < int(m.group(2)) <= 12:
            return int(m.group(1)) / int(m.group(2))
        return None

    def digits_at(self, i: int) -> Number | None:
        text = self.doc[i].text
        fraction = self.fraction_at(i)
        if fraction is not None:
            return Number(i, i + 1, fraction, "fraction", digits=True)
        if not text[:1].isdigit():
            return None
        fused = _FUSED_FOLD.match(text)
        if fused:
            value = digits_value(fused.group(1), self.lang)
            return Number(i, i + 1, value, "multiple", digits=True) if value is not None else None
        m = _DIGITS.match(text)
        if m is None:
            if text[-1] in _UNICODE_FRACTIONS and text[:-1].isdigit():  # "1½"
                return Number(i, i + 1, float(text[:-1]) + _UNICODE_FRACTIONS[text[-1]], digits=True)
            return None
        value = digits_value(m.group(1), self.lang)
        if value is None:
            return None
        suffix = (m.group(2) or "").lower()
        kind: Kind = "ordinal" if suffix in _ORDINAL_SUFFIX and self.lang == "en" else "cardinal"
        end = i + 1
        # «100 000», "5 000": groups of three digits after a space, when the first has no decimals
        while (
            not suffix
            and value.is_integer()
            and end < len(self.doc)
            and _GROUP.match(self.doc[end].text)
            and self.doc[end - 1].whitespace_ in (" ", "\u00a0", "\u202f")
            and len(self.doc[end - 1].text.replace(",", "")) <= 3
        ):
            value = value * 1000 + float(self.doc[end].text)
            end += 1
        # "1-1/2", "1 1/2": a whole number and a fraction
        j = end + 1 if end < len(self.doc) and self.doc[end].text in ("-", "‑") and not self.doc[end - 1].whitespace_ else end
        if j < len(self.doc) and value.is_integer() and not suffix:
            fraction = self.fraction_at(j)
            if fraction is not None and (j > end or self.doc[end - 1].whitespace_):
                return Number(i, j + 1, value + fraction, "cardinal", digits=True)
        # "2-fold", «1,5-кратном», "10 fold"
        j = end
        if j < len(self.doc) and self.doc[j].text in ("-", "‑"):
            j += 1
        if j < len(self.doc) and self.word(j).startswith(self.words.fold_suffixes or ("\0",)):
            return Number(i, j + 1, value, "multiple", digits=True)
        return Number(i, end, value, kind, digits=True)

    # ----------------------------------------------------------------- words

    def words_at(self, i: int) -> Number | None:
        w = self.words
        lower = self.lower[i]
        if lower in w.ordinals:
            return None
        value = self.lookup(w.multiples, i)
        if value is not None:
            return Number(i, i + 1, value, "multiple")
        fold = _fold_value(lower, w)
        if fold is not None:
            return Number(i, i + 1, fold, "multiple")
        if self.lookup(w.cardinals, i) is None and self.lookup(w.scales, i) is None:
            fraction = self.lookup(w.fractions, i)
            if fraction is not None:
                return Number(i, i + 1, fraction, "fraction")
            return None
        return self.compound_at(i)

    def compound_at(self, i: int) -> Number | None:
        """A run of number words from ``i``: "one hundred and twenty-five", «двадцати четырёх»,
        with its decimals ("three point four", «три целых четыре десятых») or "and a half"."""
        end, value = self.integer_at(i)
        if end == i:
            return None
        decimal = self.decimals_after(end)
        if decimal is not None:
            return Number(i, decimal[0], value + decimal[1])
        after = self.fraction_after(end)
        if after is not None:
            return self.fold_after(Number(i, after[0], value + after[1]))
        return self.fold_after(Number(i, end, value))

    def decimals_after(self, j: int) -> tuple[int, float] | None:
        """The end and the value of the decimals after a whole number: "point four" (a word per
        digit), «целых четыре десятых» (the numerator, then its denominator), «бүтін оннан төрт»
        (the denominator first) or «бүтін жетпіс бес» (the digits as one number: .75)."""
        w, n = self.words, len(self.doc)
        if j < n and self.word(j) in w.points:
            k, digits = j + 1, ""
            while k < n and (v := self.lookup(w.cardinals, k)) is not None and v < 10:
                digits, k = digits + str(int(v)), k + 1
            return (k, float("0." + digits)) if digits else None
        if not (j < n and any(key in w.wholes for key in self.keys(j))):
            return None
        k = j + 1
        denominator = self.lookup(w.parts, k) if k < n else None
        if denominator is not None:  # «оннан төрт»
            end, numerator = self.integer_at(k + 1)
            return (end, numerator / denominator) if end > k + 1 and numerator < denominator else None
        zeros = 0
        while k < n and self.lookup(w.cardinals, k) == 0:
            zeros, k = zeros + 1, k + 1
        end, numerator = self.integer_at(k)
        if end == k:
            return None
        denominator = self.lookup(w.parts, end) if end < n else None
        if denominator is not None and not zeros:  # «четыре десятых»
            return (end + 1, numerator / denominator) if numerator < denominator else None
        return end, float(f"0.{'0' * zeros}{int(numerator)}")  # «бүтін нөл бес» = .05

    def integer_at(self, i: int) -> tuple[int, float]:
        """The end and value of a whole number in words from ``i`` (end ``i``: none)."""
        w, doc, n = self.words, self.doc, len(self.doc)
        total = current = 0.0
        last_small = None  # the last value added below a hundred, to refuse "five five"
        j = i
        end = i
        while j < n:
            card = self.lookup(w.cardinals, j)
            scale = self.lookup(w.scales, j)
            if card is not None:
                if last_small is not None and (last_small < 10 or card >= 10 or last_small % 10):
                    break  # "two three" is two numbers
                current += card
                last_small = card if card < 100 else None
                end = j = j + 1
            elif scale is not None and (end > i or w.scale_alone):
                current = (current or 1) * scale
                if scale >= 1000:
                    total += current
                    current = 0
                last_small = None
                end = j = j + 1
            else:
                break
            # hyphens and connectors inside a number: "twenty-six", "hundred and five", and a comma
            # after thousands: "one thousand, one hundred"
            k = j
            if k < n and doc[k].text in ("-", "‑") and not doc[k - 1].whitespace_:
                k += 1
            elif k + 1 < n and doc[k].text == "," and scale is not None and scale >= 1000 and card is None:
                k += 1
            if k < n and self.word(k) in w.connectors:
                k += 1
            if k < n and k != j and (self.lookup(w.cardinals, k) is not None or self.lookup(w.scales, k) is not None):
                j = k
        return end, total + current

    def fraction_after(self, j: int) -> tuple[int, float] | None:
        """The end and value of "and a half", "and one-half", «с половиной», "and one-quarter" after a
        whole number: a ``half_suffixes`` run (0.5), or a ``fraction_prefixes`` run and a fraction word."""
        for words in self.words.halves:
            k = self.words_after(j, words)
            if k is not None:
                return k, 0.5
        for words in self.words.fraction_prefixes:
            k = self.words_after(j, words)
            if k is None:
                continue
            k = self.past_hyphens(k)
            value = self.lookup(self.words.prefixed_fractions, k) if k < len(self.doc) else None
            if value is not None:
                return k + 1, value
        return None

    def words_after(self, j: int, words: tuple[str, ...]) -> int | None:
        """The end of ``words`` from ``j`` (hyphens between them skipped), or None."""
        k = j
        for word in words:
            k = self.past_hyphens(k)
            if k < len(self.doc) and word in self.keys(k):
                k += 1
            else:
                return None
        return k

    def past_hyphens(self, k: int) -> int:
        """The first token from ``k`` that is no hyphen ("one-quarter" is three tokens)."""
        while k < len(self.doc) and self.doc[k].text in ("-", "‑"):
            k += 1
        return k

    def fold_after(self, number: Number) -> Number:
        """"two-fold", "ten fold", «екі еселенген»: a number followed by a fold word is a multiple."""
        k = number.end
        if k < len(self.doc) and self.doc[k].text in ("-", "‑"):
            k += 1
        if k < len(self.doc) and self.word(k).startswith(tuple(self.words.fold_suffixes) or ("\0",)):
            return Number(number.start, k + 1, number.value, "multiple", number.digits)
        return number


def _merge_restated(doc: Doc, numbers: list[Number]) -> list[Number]:
    """"40 (forty)", "twenty-six (26)", "double (2)", "two-fold (200 %)": one number, not two."""
    out: list[Number] = []
    i = 0
    while i < len(numbers):
        a = numbers[i]
        b = numbers[i + 1] if i + 1 < len(numbers) else None
        if b is not None and a.end < len(doc) and doc[a.end].text == "(" and b.start == a.end + 1:
            close = b.end
            percent = close < len(doc) and doc[close].text in ("%", "percent", "per")
            if percent and close + 1 < len(doc) and doc[close].text == "per":
                close += 1  # "per cent"
            if percent:
                close += 1
            if close + 1 < len(doc) and doc[close].text in (",", ".") and doc[close + 1].text == ")":
                close += 1  # a stray comma before the parenthesis closes: "one and one-half (1½,) times"
            if close < len(doc) and doc[close].text == ")" and (a.kind == b.kind or percent or b.digits):
                same = a.value == b.value or (percent and a.kind == "multiple" and abs(a.value * 100 - b.value) < 1e-6)
                if same or not (a.digits and b.digits):
                    kind = a.kind if a.kind != "cardinal" else b.kind
                    value = a.value if (a.digits or not b.digits or percent) else b.value
                    out.append(Number(a.start, close + 1, value, kind, a.digits or b.digits))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def read_numbers(doc: Doc, lang: str) -> list[Number]:
    """Every number of a clause Doc, in reading order (see the module docstring)."""
    return _Reader(doc, lang).run()


def parse_number(text: str, lang: str) -> float | None:
    """The value of a text that is one number ("twenty-six", «1,5», "40 (forty)"), else None."""
    from extractors.nlp import get_nlp

    nlp = get_nlp(lang)
    doc = nlp.get_pipe("kel_lemmas")(nlp.make_doc(text))
    numbers = read_numbers(doc, lang)
    if len(numbers) == 1 and numbers[0].start == 0 and numbers[0].end == len(doc):
        return numbers[0].value
    return None


def format_value(value: float) -> str:
    """1.0 -> "1", 1.5 -> "1.5", 1000000.0 -> "1000000", 10000.75 -> "10000.75": how values are
    written in explanations, reports and CSV (never in exponent form, never rounded to 6 digits)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.12g}"

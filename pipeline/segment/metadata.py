"""Agreement metadata read from the text: title, level, language, parties, sector, region, validity.

Every value comes from words in the document; where the document does not say,
the value is ``None``. Vocabulary lives in ``pipeline/segment/metadata.yaml``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from extractors.language import detect_language
from pipeline.segment.dates import find_dates, year_range
from schemas.datafile import read_yaml

_DATA = Path(__file__).with_name("metadata.yaml")


@cache
def _vocabulary() -> dict:
    return read_yaml(_DATA)


def read_metadata(preamble: list[str], sample: list[str], all_text: list[str] | None = None) -> dict:
    """Metadata fields of ``schemas.Agreement`` (plus ``warnings``) from the preamble and clause texts."""
    title = _title(preamble)
    front = " ".join(preamble)
    level = _level(title, front)
    warnings: list[str] = []
    # PDF preambles arrive line by line: a sentence stating the period may wrap.
    valid_from, valid_to, how = _validity([front] + list(all_text or sample))
    if how:
        warnings.append(how)
    if valid_from is None and (years := year_range(title or "")):
        warnings.append(f"validity period not stated as dates (the title says {years[0]}-{years[1]})")
    return {
        "title": title,
        "level": level,
        "language": detect_language(" ".join(preamble + sample)),
        "parties": _parties(front),
        "sector": None if level == "general" else _first_key(_vocabulary()["sectors"], (title or "") + " \n " + front),
        "region": _region(title, front, level),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "warnings": warnings,
    }


# ----------------------------------------------------------------------------- title


_STAMP = re.compile(r"(?i)^(утвержд\w*|согласован\w*|approved|бекітемін|бекітілді)\b|_{3,}|^(директор|генеральный директор|председатель|director|chairman)\b")


def _title(preamble: list[str]) -> str | None:
    lines: list[str] = []
    body = [line for line in preamble[:12] if not _STAMP.search(line.strip())]  # an approval stamp is no title
    for line in body[:6]:
        words = line.split()
        if not lines and len(words) <= 4 and find_dates(line):
            continue  # the date of the approval stamp above the title
        if len(words) > 16 or find_dates(line) or re.match(r"(?i)(this|настоящ|осы)\b", line):
            break
        if len(words) <= 3 and _first_key(_vocabulary()["regions"], line):
            break  # the place of signing: "Karaganda", «г. Павлодар»
        lines.append(_decapitalise(line.strip()))
        if len(lines) == 3:
            break
    return " ".join(lines) or None


def _decapitalise(line: str) -> str:
    """"COLLECTIVE AGREEMENT" -> "Collective Agreement"; «КОЛЛЕКТИВНЫЙ ДОГОВОР» -> «Коллективный договор»."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters):
        return line
    if re.search(r"[A-Za-z]", line):
        return " ".join(w if len(w) <= 3 and w.isupper() and w in {"JSC", "LLP"} else w.capitalize()
                        for w in line.split())
    return line[:1] + line[1:].lower()


# ----------------------------------------------------------------------------- level, sector, region


def _first_key(table: dict[str, list[str]], text: str) -> str | None:
    """The key whose stem occurs earliest in ``text`` (the first thing a document says about itself)."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for key, stems in table.items():
        for stem in stems:
            pos = low.find(stem)
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, key)
    return best[1] if best else None


def _level(title: str | None, front: str) -> str | None:
    levels = _vocabulary()["levels"]
    return _first_key(levels, title or "") or _first_key(levels, front[:300])


def _region(title: str | None, front: str, level: str | None) -> str | None:
    regions = _vocabulary()["regions"]
    found = _first_key(regions, title or "")
    if found or level in ("general", "sectoral"):
        # Republic-wide agreements are signed in Astana: the place of signing is not their region.
        return found
    return _first_key(regions, front)


# ----------------------------------------------------------------------------- parties

# Two ways a preamble names its parties: "concluded between A, B and C" / «заключён между А и Б»,
# or the parties first: "A, B and C (hereinafter the Parties) have concluded" / «А и Б заключили».
_BETWEEN = re.compile(r"\b(?:between|между)\s+(?:the\s+)?", re.IGNORECASE)
_SUBJECT_END = re.compile(
    r"\((?:hereinafter|далее)[^()]*(?:Parties|Сторон)[^()]*\)|,?\s*hereinafter (?:referred to as )?the Parties"
    r"|\s(?:have|has) (?:concluded|signed|entered)|\s(?:заключили|подписали)\b",
    re.IGNORECASE,
)
# Where the list of parties of a "between" sentence ends.
_LIST_END = re.compile(
    r"\.\s|\.$|\s(?:in accordance with|on the basis of|for the period|for a term|for \d{4}|on the following)\b"
    r"|\s(?:в соответствии с|на основании|на период|на срок|на \d{4}|о нижеследующем)\b",
    re.IGNORECASE,
)
# A sentence starts after a full stop or after the date line of the heading ("Astana, 28 December 2023").
_SENTENCE_START = re.compile(r"(?:\.\s+|\b\d{4}(?:\s*(?:года|г\.))?\s+)(?=[A-ZА-ЯЁ«\"])")
# Parentheticals: "(hereinafter the Employer)", "(далее – Профсоюз)".
_PAREN = re.compile(r"\s*\([^()]*\)")
_AND = r"(?:and|и)"
_CAPITAL = r"(?=(?:the\s+)?[A-ZА-ЯЁ«\"]|the\s)"
# Between parties: ";", ", and", ", the ...", ", Capital ..."; a bare "and" only in a list without ", and".
_SPLIT = re.compile(rf";\s*|,\s*{_AND}\s+|,\s+{_CAPITAL}")
_SPLIT_BARE_AND = re.compile(rf"\s+{_AND}\s+{_CAPITAL}")
# What follows a party's name: an apposition in lower case, "represented by", "в лице".
_DESCRIPTION = re.compile(
    r",\s+(?=[a-zа-яё])|\s+(?:represented by|acting|representing|в лице|представляющ|действующ)", re.IGNORECASE
)
_NOT_A_PARTY = re.compile(
    r"^(?:represented|acting|hereinafter|в лице|действующ|именуем|далее|on the one|on the other|с одной|с другой)",
    re.IGNORECASE,
)


def _parties_span(front: str) -> str | None:
    """The words of the preamble that list the parties, or None when it does not list them."""
    between = _BETWEEN.search(front)
    subject = _SUBJECT_END.search(front)
    if between and (subject is None or between.start() < subject.start()):
        rest = front[between.end() :]
        stop = _LIST_END.search(rest)
        return rest[: stop.start()] if stop else rest
    if subject:
        starts = [m.end() for m in _SENTENCE_START.finditer(front, 0, subject.start())]
        return front[starts[-1] if starts else 0 : subject.start()]
    return None


def _parties(front: str) -> tuple[str, ...]:
    """The parties as the preamble names them, descriptions and "(hereinafter ...)" left out."""
    span = _parties_span(front)
    if not span:
        return ()
    span = _PAREN.sub("", span)
    parts = _SPLIT.split(span)
    if not re.search(rf",\s*{_AND}\s", span):
        parts = [piece for part in parts for piece in _SPLIT_BARE_AND.split(part)]
    parties = []
    for part in parts:
        part = _DESCRIPTION.split(part, maxsplit=1)[0].strip(" ,;.")
        part = re.sub(r"^the\s+", "", part, flags=re.IGNORECASE)
        if len(part) < 3 or _NOT_A_PARTY.match(part):
            continue
        parties.append(part[:1].upper() + part[1:])
    return tuple(dict.fromkeys(parties))


# ----------------------------------------------------------------------------- validity

_FROM_CUE = re.compile(r"(?i)(?:\bfrom|\bforce on|\beffect on|\bsince|\bcommenc\w* on|(?<!\w)с|вступает в силу)\s*$")
_TO_CUE = re.compile(r"(?i)(?:\bto|\buntil|\btill|\bthrough|\bexpires? on|\bending on|(?<!\w)по|(?<!\w)до)\s*$")
# Kazakh puts the cue after the date: «2024 жылғы 1 қаңтардан бастап ... 2026 жылғы 31 желтоқсанға дейін».
_FROM_AFTER = re.compile(r"^\S*\s*бастап")
_TO_AFTER = re.compile(r"^\S*\s*дейін")


def _validity(texts: list[str]) -> tuple[str | None, str | None, str | None]:
    """(valid_from, valid_to, a warning or None) as ISO dates, each named by the word that introduces it.

    Only sentences that speak of validity count, and a date counts only with its
    cue ("from", "until", «с», «по», «бастап»...): the date of signing on a title
    page stands next to such sentences but is not their start. The sentence that gives
    both ends wins over sentences that give one ("... in which the Sectoral Agreement is in
    force, or until 1 October 2003" names a date, not this agreement's term); an end before
    the start is never returned. A term given only as years in a validity sentence
    («заключен на 2017 - 2019 годы», "concluded for 2024-2026") gives 1 January to
    31 December, with a warning that says so.
    """
    cues = _vocabulary()["validity_cues"]
    starts: list[str] = []
    ends: list[str] = []
    years_said: tuple[int, int] | None = None
    for text in texts:
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if not any(cue in sentence.lower() for cue in cues):
                continue
            found_from = found_to = None
            for d in find_dates(sentence):
                before = sentence[max(0, d.start - 30):d.start]
                after = sentence[d.end:d.end + 20]
                if found_from is None and (_FROM_CUE.search(before) or _FROM_AFTER.match(after)):
                    found_from = d.value.isoformat()
                elif found_to is None and (_TO_CUE.search(before) or _TO_AFTER.match(after)):
                    found_to = d.value.isoformat()
            if found_from and found_to and found_to >= found_from:
                return found_from, found_to, None
            if found_from:
                starts.append(found_from)
            if found_to:
                ends.append(found_to)
            if years_said is None and not (found_from or found_to):
                years_said = year_range(sentence)
    valid_from = starts[0] if starts else None
    valid_to = next((e for e in ends if valid_from is None or e >= valid_from), None)
    if valid_from is None and valid_to is None and years_said:
        a, b = years_said
        return f"{a}-01-01", f"{b}-12-31", f"validity read from the years of the term ({a}-{b}): 1 January to 31 December"
    return valid_from, valid_to, None




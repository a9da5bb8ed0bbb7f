"""Agreements printed in Kazakh and Russian: the two language versions of one document.

The usual official layout in Kazakhstan prints both texts: one after the other, side by side in
two columns, or in a two-column table (Kazakh cell, Russian cell, row by row). Either way the
document is one agreement whose clauses exist twice, once per language, under the same numbers.

:func:`split` tells such a document from the text itself, block by block (a PDF line, a DOCX
paragraph, a table cell), never from the file name, and hands segmentation one Document per
language, each in reading order: a two-column page read left column first, then right, interleaves
the versions page by page, and the split puts each version's lines back together.

Downstream, :func:`compared` is the version ``check`` and ``diff`` compare (the Russian text), and
:func:`parallels` maps each of its clauses to its Kazakh counterpart, shown beside it in reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.language import KAZAKH_LETTERS
from pipeline.segment.numbering import parse_marker
from schemas import Agreement, Block, Clause, Document

#: The languages of a bilingual document, and the code its agreement gets.
KAZAKH, RUSSIAN = "kk", "ru"
BILINGUAL = "kk+ru"
#: The version ``check`` and ``diff`` compare; the other is shown beside it.
COMPARED = RUSSIAN
NAMES = {KAZAKH: "Kazakh", RUSSIAN: "Russian"}

_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_KAZAKH_LETTER = re.compile(f"[{''.join(sorted(KAZAKH_LETTERS))}]")
# A Kazakh name quoted in a Russian sentence («Қазақмыс» ЖШС) says nothing of the sentence's language.
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|“[^”]*”")
#: Share of a block's words spelt with Kazakh-only letters from which it is Kazakh: measured on the
#: corpus and the real agreements here, every Kazakh line of four words or more has at least a third
#: of its words so spelt, and no Russian line has one outside quotes.
_KAZAKH_SHARE = 0.15
#: Fewer words than this are not evidence of Russian. A short Kazakh line may have no Kazakh letter
#: («Осы шарт бойынша»): such a line alone among Kazakh ones is put back by :func:`_settled`.
_RUSSIAN_WORDS = 3
#: A block of fewer words than this whose language differs from its neighbours' takes theirs.
_SHORT = 6
#: Each language must hold at least this share of the document's classified letters: a Russian
#: agreement with a Kazakh signature block or heading is not bilingual.
_MIN_SHARE = 0.25
_MIN_LETTERS = 400


def text_language(text: str) -> str | None:
    """``"kk"``, ``"ru"`` or None (too few words to tell, or not Cyrillic) for one block of text.

    Counted by words rather than letters so that a Kazakh name in a Russian line does not make
    it Kazakh; a short line with no Kazakh letter is left undecided.
    """
    text = text.lower()
    if not _CYRILLIC.search(text):
        return None
    text = _QUOTED.sub(" ", text)
    words = [w for w in text.split() if _CYRILLIC.search(w)]
    if not words:
        return None
    kazakh = sum(1 for w in words if _KAZAKH_LETTER.search(w)) if _KAZAKH_LETTER.search(text) else 0
    if kazakh and kazakh >= _KAZAKH_SHARE * len(words):
        return KAZAKH
    if len(words) >= _RUSSIAN_WORDS:
        return RUSSIAN
    return None


# A table cell holding only a clause number ("5.3", "5.3."): its row's clause in both languages.
_NUMBER_CELL = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3}){0,3}\.?\s*$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _table_columns(block: Block) -> tuple[int, int] | None:
    """(Kazakh column, Russian column) of a table that prints the two versions side by side."""
    if block.table is None or not block.table.rows or max(len(r) for r in block.table.rows) < 2:
        return None
    votes: dict[tuple[int, int], int] = {}
    rows = 0
    for row in block.table.rows:
        langs = [text_language(cell) for cell in row]
        kk = [i for i, lang in enumerate(langs) if lang == KAZAKH]
        ru = [i for i, lang in enumerate(langs) if lang == RUSSIAN]
        if kk or ru:
            rows += 1
        if len(kk) == 1 and len(ru) == 1:
            votes[(kk[0], ru[0])] = votes.get((kk[0], ru[0]), 0) + 1
    if not votes:
        return None
    pair, count = max(votes.items(), key=lambda kv: kv[1])
    return pair if count >= min(2, rows) and count >= 0.5 * rows else None


def _classified(document: Document) -> list[tuple[Block, str | None, bool]]:
    """Every block with its language, and whether the layout settles it (a column of a bilingual
    table: one text block per line of each cell) or only its words do."""
    out: list[tuple[Block, str | None, bool]] = []
    for block in document.blocks:
        columns = _table_columns(block) if block.kind == "table" else None
        if columns is None:
            text = block.text if block.kind == "text" else " ".join(
                cell for row in (block.table.rows if block.table else ()) for cell in row)
            out.append((block, text_language(text), False))
            continue
        for row in block.table.rows:
            cells = {lang: row[i] if i < len(row) else "" for lang, i in zip((KAZAKH, RUSSIAN), columns, strict=True)}
            number = next((cell.strip() for i, cell in enumerate(row) if i not in columns and _NUMBER_CELL.match(cell)), None)
            if number:  # "№ | Kazakh | Russian": the clause number stands in a column of its own
                cells = {lang: f"{number} {cell}" if cell.strip() and parse_marker(cell) is None else cell
                         for lang, cell in cells.items()}
            if cells[KAZAKH] == cells[RUSSIAN]:  # a merged row (a title across both columns): read it once
                out.extend((Block(text=line, page=block.table.page), text_language(line), False)
                           for line in _lines(cells[KAZAKH]))
                continue
            for lang, cell in cells.items():
                out.extend((Block(text=line, page=block.table.page), lang, True) for line in _lines(cell))
    return out


def _letters(block: Block) -> int:
    if block.kind == "table" and block.table is not None:
        return sum(sum(map(str.isalpha, cell)) for row in block.table.rows for cell in row)
    return sum(map(str.isalpha, block.text))


def _opens(block: Block) -> bool:
    """A line that opens something: a clause number ("5.3."), or a title in capitals."""
    if block.kind != "text":
        return False
    letters = list(filter(str.isalpha, block.text))
    return parse_marker(block.text) is not None or (len(letters) >= 4 and all(map(str.isupper, letters)))


_SENTENCE_END = re.compile(r"[.;:!?»)]\s*$")


def _settled(blocks: list[tuple[Block, str | None, bool]]) -> list[str | None]:
    """Undecided blocks take their neighbours' language, read in order. Where the two neighbours
    differ (the boundary of a column or of a version), a line opening a clause or a title takes the
    next block's; a continuation takes the language whose text stopped mid-sentence (the end of a
    clause carried over from the previous page's other column), else the previous block's. A short
    block whose words alone disagree with both neighbours takes theirs too."""
    after: list[str | None] = [None] * len(blocks)
    last = None
    for i in range(len(blocks) - 1, -1, -1):
        after[i] = last
        last = blocks[i][1] or last
    out: list[str | None] = []
    last_text: dict[str, str] = {}
    for (block, lang, sure), nxt in zip(blocks, after, strict=True):
        prev = out[-1] if out else None
        alone = not sure and prev is not None and prev == nxt != lang and len(block.text.split()) < _SHORT
        if lang is None or alone:
            if _opens(block):
                lang = nxt or prev
            else:
                unfinished = [x for x, text in last_text.items() if not _SENTENCE_END.search(text)]
                lang = unfinished[0] if prev != nxt and len(unfinished) == 1 else (prev or nxt)
        out.append(lang)
        if lang is not None and block.kind == "text":
            last_text[lang] = block.text
    return out


def split(document: Document) -> dict[str, Document] | None:
    """The Kazakh and the Russian versions of a bilingual document, in the order the document
    prints them first; None for a document in one language."""
    blocks = _classified(document)
    if not ({KAZAKH, RUSSIAN} <= {lang for _, lang, _ in blocks}):
        return None  # one language has no letters, so less than its share
    letters = {KAZAKH: 0, RUSSIAN: 0}
    for block, lang, _ in blocks:
        if lang is not None:
            letters[lang] += _letters(block)
    total = sum(letters.values())
    if total < _MIN_LETTERS or min(letters.values()) < _MIN_SHARE * total:
        return None
    versions: dict[str, list[Block]] = {}
    for (block, _, _), lang in zip(blocks, _settled(blocks), strict=True):
        if lang is not None:
            versions.setdefault(lang, []).append(block)
    return {lang: document.model_copy(update={"blocks": tuple(found)}) for lang, found in versions.items()}


def link(versions: Iterable[tuple[str, list[Clause]]]) -> list[Clause]:
    """The clauses of both versions, each numbered clause linked (``parallel``) with the clause of
    the same number in the other language. Positional numbers ("3.¶2") are not printed and link nothing."""
    versions = list(versions)
    by_number = {lang: {c.number: c for c in clauses if c.numbered} for lang, clauses in versions}
    out = []
    for lang, clauses in versions:
        other = next((by_number[o] for o, _ in versions if o != lang), {})
        for c in clauses:
            twin = other.get(c.number) if c.numbered else None
            out.append(c.model_copy(update={"parallel": twin.id if twin is not None else None}))
    return out


def unmatched(versions: Iterable[tuple[str, list[Clause]]]) -> list[str]:
    """One warning per version naming the numbered clauses the other version does not have."""
    versions = list(versions)
    numbers = {lang: [c.number for c in clauses if c.numbered] for lang, clauses in versions}
    out = []
    for lang, own in numbers.items():
        others = set().union(*(set(n) for o, n in numbers.items() if o != lang))
        alone = [n for n in own if n not in others]
        if alone:
            shown = ", ".join(alone[:10]) + (f" and {len(alone) - 10} more" if len(alone) > 10 else "")
            out.append(f"clauses only in the {NAMES.get(lang, lang)} text: {shown}")
    return out


# --------------------------------------------------------------------------- for check and diff


def clause_language(agreement: Agreement, clause: Clause) -> str | None:
    """The language of a clause of a bilingual agreement: its own field, or (an agreement loaded
    from a store that does not keep it) its text's."""
    if clause.language is not None:
        return clause.language
    return text_language(clause.text) if agreement.language == BILINGUAL else None


def compared(agreement: Agreement) -> Agreement:
    """The agreement as ``check`` and ``diff`` compare it: a bilingual one by its Russian clauses."""
    if agreement.language != BILINGUAL:
        return agreement
    clauses = tuple(c for c in agreement.clauses if clause_language(agreement, c) != KAZAKH)
    return agreement.model_copy(update={"clauses": clauses})


def parallels(agreement: Agreement) -> dict[str, Clause]:
    """Clause id of the compared (Russian) version -> the Kazakh clause of the same number."""
    if agreement.language != BILINGUAL:
        return {}
    kazakh = {c.number: c for c in agreement.clauses if c.numbered and clause_language(agreement, c) == KAZAKH}
    by_id = {c.id: c for c in agreement.clauses}
    out = {}
    for c in agreement.clauses:
        if clause_language(agreement, c) == KAZAKH or not c.numbered:
            continue
        twin = by_id.get(c.parallel) if c.parallel else kazakh.get(c.number)
        if twin is not None:
            out[c.id] = twin
    return out

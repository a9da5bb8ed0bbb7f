"""Stage 2: Document -> Agreement. Clauses under their section headings, plus metadata.

The blocks arrive in reading order: PDF lines (headers and hyphenation already
dealt with) or DOCX paragraphs (with Word's automatic number in ``label``).
A block opens a clause when it starts with a clause number that can follow the
previous one; everything else continues the open clause. Section titles become the
``heading`` of the clauses under them; they are not clauses themselves.

No body text is dropped: unnumbered paragraphs under a heading (definitions, a
section's preamble, an article whose paragraphs are not numbered) become clauses of
their section with a positional number ("1.¶2": the second unnumbered paragraph of
section 1) and ``numbered`` false. Text before the first heading or clause is the
agreement's preamble (kept in ``Agreement.preamble``). A table of contents
(:mod:`pipeline.segment.contents`) is left out: it repeats the section titles with their pages.

A lead-in passes to the clauses that complete it: a paragraph ending with a colon
("The Employer undertakes:", «Работодатель обязуется:») to the clauses that follow it
in its section, a numbered clause ending with a colon to its children; each gets the
lead-in's words in ``Clause.lead_in``, so its verb and subject reach them.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass, field

from pipeline.ingest.common import page_list
from pipeline.numerals import roman_to_int
from pipeline.segment import bilingual, contents
from pipeline.segment.metadata import read_metadata
from pipeline.segment.numbering import APPENDIX, Marker, follows, number_key, parse_label, parse_marker
from schemas import Agreement, Block, Clause, Document, Table

_log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"[.;:!?»\")]\s*$")


def agreement_id(sha256: str) -> str:
    """Stable id for the same content."""
    return f"ag_{sha256[:12]}"


def segment(document: Document) -> Agreement:
    """Turn a Document into an Agreement: metadata and every numbered clause with its heading and page.

    A document printing the Kazakh and the Russian text (:mod:`pipeline.segment.bilingual`) is one agreement
    in ``kk+ru`` whose clauses are those of both versions, each with its language and linked to the
    clause of the same number in the other one; its metadata are read from the Russian text."""
    ag_id = agreement_id(document.source.sha256)
    versions = bilingual.split(document)
    if versions is None:
        main = _version(document, ag_id)
        clauses, preamble, warnings = main.clauses, main.preamble, main.warnings
    else:
        read = {lang: _version(version, ag_id, lang) for lang, version in versions.items()}
        main = read.get(bilingual.COMPARED) or next(iter(read.values()))
        pairs = [(lang, v.clauses) for lang, v in read.items()]
        clauses = bilingual.link(pairs)
        preamble = [line for v in read.values() for line in v.preamble]
        warnings = [w for v in read.values() for w in v.warnings] + bilingual.unmatched(pairs)
    numbered = [c for c in main.clauses if c.numbered]
    metadata = read_metadata(main.preamble, [c.text for c in numbered[:3]] + [c.text for c in numbered[-3:]],
                             all_text=[c.text for c in main.clauses])
    if versions is not None:
        metadata["language"] = bilingual.BILINGUAL
    return Agreement(
        id=ag_id,
        source=document.source,
        clauses=tuple(clauses),
        preamble="\n".join(preamble) or None,
        warnings=tuple(document.warnings) + tuple(warnings) + tuple(metadata.pop("warnings", ())),
        ocr=document.ocr,
        **metadata,
    )


@dataclass
class _Version:
    """The clauses, preamble and warnings read from one text (one language version of a bilingual one)."""

    clauses: list[Clause]
    preamble: list[str]
    warnings: list[str]


def _version(document: Document, ag_id: str, language: str | None = None) -> _Version:
    """Read one text's clauses; ``language`` is set for a version of a bilingual document, whose
    clauses other than the compared version's get ids of their own (``ag_…:kk:5.3``)."""
    recognised = set(document.ocr.pages) if document.ocr else set()
    toc = contents.find(document.blocks)
    blocks = document.blocks if toc is None else document.blocks[: toc.start] + document.blocks[toc.stop :]
    reading = _Reader(blocks, recognised)
    drafts, preamble, warnings = reading.run()
    drafts = _unique_numbers(drafts, warnings)
    prefix = f"{ag_id}:" if language in (None, bilingual.COMPARED) else f"{ag_id}:{language}:"
    clauses = [
        Clause(id=f"{prefix}{c.number}", number=c.number, heading=c.heading, text=c.text, page=c.page,
               numbered=c.numbered, lead_in=c.lead_in, tables=tuple(c.tables), ocr=c.page in recognised,
               language=language)
        for c in drafts
    ]
    if language is not None:
        warnings = [f"{bilingual.NAMES[language]} text: {w}" for w in warnings]
    if not any(c.numbered for c in drafts) and document.blocks:
        warnings.append("no numbered clauses found" + (f" in the {bilingual.NAMES[language]} text" if language else ""))
    return _Version(clauses, preamble, warnings)


@dataclass
class _Draft:
    number: str
    heading: str | None
    page: int | None
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    numbered: bool = True
    lead_in: str | None = None

    @property
    def text(self) -> str:
        return _join_lines(self.lines)


_SPACED_NUMBER = re.compile(r"^(\d{1,2}) (\d{1,2}\.\s)")


def _ocr_marker(text: str, marker: Marker | None) -> Marker | None:
    """The marker of a line read by OCR, the dot between two numbers it read as a space
    ("5 8. Развивать" for "5.8. Развивать") put back."""
    if marker is None or marker.kind != "clause":
        spaced = _SPACED_NUMBER.sub(r"\1.\2", text, count=1)
        if spaced != text and (m := parse_marker(spaced)) is not None and m.kind == "clause":
            return m
    return marker


def _dot_restored(marker: Marker, previous: tuple[int, ...] | None) -> Marker:
    """A clause number whose dot OCR lost ("21." for "2.1.", "10.114" for "10.1.14"), restored
    where exactly one way of putting a dot back gives a number that can follow the clause before
    it; any other number is left as read."""
    key = number_key(marker.number)
    if key is None or previous is None or follows(previous, key) or not marker.number.replace(".", "").isdigit():
        return marker
    number = marker.number
    candidates = set()
    for i in range(1, len(number)):
        if number[i - 1] == "." or number[i] == "." or number[i] == "0":
            continue
        dotted = f"{number[:i]}.{number[i:]}"
        candidate = number_key(dotted)
        if candidate is not None and follows(previous, candidate):
            candidates.add(dotted)
    if len(candidates) != 1:
        return marker
    return dataclasses.replace(marker, number=candidates.pop())


def _join_lines(lines: list[str]) -> str:
    """PDF lines of one clause into its text: items keep their own line, wrapped prose is re-flowed."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif (m := parse_marker(line)) is not None and m.kind == "item" and (
            m.number is not None or out.rstrip().endswith((":", ";", "."))
        ):
            # a dash at the start of a wrapped line mid-sentence ("... бригад\n– также ...") is prose
            out += "\n" + line
        else:
            out += " " + line
    return out


_PRIVATE_BULLET = re.compile(r"^[\uf020-\uf0ff•▪►●◦■]\s*")


def _item_line(text: str) -> str:
    """An item line as a clause text writes it: a Symbol-font bullet ("\uf02d") becomes a dash."""
    return _PRIVATE_BULLET.sub("– ", text, count=1)


#: A short paragraph that only names who undertakes what follows it: «Работодатель обязуется.»
_LEAD_IN_VERB = re.compile(r"(?i)(обязу\w+|undertakes?|agrees?|shall|обязан\w*|міндеттенеді)[.:]?$")


def _is_lead_in(text: str) -> bool:
    text = text.strip()
    return text.endswith(":") or (len(text.split()) <= 6 and bool(_LEAD_IN_VERB.search(text)))


def _paragraphs(lines: list[tuple[str, int | None]]) -> list[tuple[list[str], int | None]]:
    """Unnumbered lines into paragraphs: a new one at an item marker, or after a sentence's end
    when the line opens with a capital."""
    out: list[tuple[list[str], int | None]] = []
    for text, page in lines:
        marker = parse_marker(text)
        starts = not out or (marker is not None and marker.kind == "item") or (
            _SENTENCE_END.search(out[-1][0][-1]) and text[:1].isupper()
        )
        if starts:
            out.append(([text], page))
        else:
            out[-1][0].append(text)
    return out


def _is_title_like(text: str) -> bool:
    """Short, and not a sentence: "General Provisions", "REMUNERATION", «Оплата труда»."""
    words = text.split()
    if not words or len(words) > 14:
        return False
    if text.rstrip().endswith((".", ";", ",", ":")) and not text.isupper():
        return False
    return True


def _is_upper_heading(text: str) -> bool:
    letters = list(filter(str.isalpha, text))
    return len(letters) >= 4 and all(map(str.isupper, letters)) and len(text.split()) <= 12


def _heading_text(text: str) -> str:
    """"REMUNERATION AND SOCIAL GUARANTEES" -> "Remuneration and social guarantees"; others as printed."""
    text = text.strip().rstrip(".").strip()
    if _is_upper_heading(text):
        return text[:1] + text[1:].lower()
    return text


class _Reader:
    """One pass over the blocks, with a look-ahead at the numbers to come.

    The state of the pass: the clauses read so far and the one still open, the section and its
    heading, the unnumbered lines gathered under it, and the lead-in its next clauses complete."""

    def __init__(self, blocks: tuple[Block, ...], recognised: set[int] = frozenset()):
        self.blocks = blocks
        self.markers = [self._marker(b) for b in blocks]
        self.recognised = recognised  # pages read by OCR
        self.clauses: list[_Draft] = []
        self.preamble: list[str] = []
        self.warnings: list[str] = []
        self.heading: str | None = None
        self.heading_open = False  # a title may wrap onto the next line
        self.section_key: tuple[int, ...] | None = None
        self.section_label = ""  # how positional clauses of the section are numbered: "3", «П1»
        self.current: _Draft | None = None
        self.previous: tuple[int, ...] | None = None
        self.previous_line = ""
        self.pending: list[tuple[str, int | None]] = []  # unnumbered lines under the current heading
        self.lead: str | None = None  # a lead-in paragraph the next numbered clauses of the section complete
        self.positions: dict[str, int] = {}

    @staticmethod
    def _marker(block: Block) -> Marker | None:
        if block.kind != "text":
            return None
        if block.label:
            m = parse_label(block.label)
            if m is not None:
                return Marker(m.kind, m.number, block.text.strip(), word=m.word, paren=m.paren)
        return parse_marker(block.text)

    def _next_clause_number(self, i: int) -> tuple[int, ...] | None:
        for m in self.markers[i + 1:i + 40]:
            if m is None or m.kind == "item":
                continue
            if m.kind == "section":
                return None
            return number_key(m.number)
        return None

    def _is_section_title(self, i: int, marker: Marker) -> bool:
        """"3. Remuneration" is a section title when clauses 3.1, 3.2 ... follow it."""
        block = self.blocks[i]
        key = number_key(marker.number)
        if key is None or len(key) != 1 or marker.paren:
            return False
        if block.style and block.style.lower().startswith(("heading", "title")):
            return True
        nxt = self._next_clause_number(i)
        return bool(nxt and len(nxt) > 1 and nxt[0] == key[0] and _is_title_like(marker.rest))

    def run(self) -> tuple[list[_Draft], list[str], list[str]]:
        """The clauses, preamble and warnings of the blocks: a table goes to the open clause, the
        document's own title to the preamble, and every line of text to :meth:`_line`."""
        for i, (block, marker) in enumerate(zip(self.blocks, self.markers, strict=True)):
            if block.kind == "table":
                self._table(block)
                continue
            text = block.text.strip()
            if not text:
                continue
            is_heading_style = bool(block.style and block.style.lower().startswith(("heading", "title")))
            if is_heading_style and block.style.lower().startswith(("title", "subtitle")) and not self.clauses:
                self.preamble.append(text)  # the document's own title, in Word's Title style
                continue
            self._line(i, block, marker, text, is_heading_style)
            self.previous_line = text
        self._flush()
        return self.clauses, self.preamble, self.warnings

    def _line(self, i: int, block: Block, marker: Marker | None, text: str, is_heading_style: bool) -> None:
        """One line of text, the first of these it is: a numbered section title, a clause number that
        can follow the previous one, an unnumbered section title, or text of the open clause, of an
        unnumbered paragraph of the section, or of the preamble."""
        if marker is not None and marker.kind == "section" or (
            marker is not None and marker.kind == "clause" and self._is_section_title(i, marker)
        ):
            key = _section_key(marker)
            self._open_section(_heading_text(marker.rest) if marker.rest else None, key, _section_label(marker, key))
            self.previous = key
            return
        if block.page in self.recognised:
            marker = self._ocr_corrected(text, marker)
        if marker is not None and marker.kind == "clause" and self._opens_clause(block, marker):
            self._open_clause(block, marker)
            return
        if self._heading(text, is_heading_style):
            return
        self._text(block, marker, text)

    def _table(self, block: Block) -> None:
        if self.current is not None and block.table is not None:
            self.current.tables.append(block.table)
        elif block.table is not None:
            self.warnings.append(f"table on page {block.page} stands outside any clause")

    def _open_section(self, heading: str | None, key: tuple[int, ...] | None, label: str) -> None:
        """A section title closes the open clause and becomes the heading of the clauses after it."""
        self._flush()
        self.current, self.lead = None, None
        self.heading = heading
        self.heading_open = True
        self.section_key, self.section_label = key, label

    def _ocr_corrected(self, text: str, marker: Marker | None) -> Marker | None:
        """The marker of a line read by OCR, with the separators OCR lost put back."""
        marker = _ocr_marker(text, marker)
        if marker is not None and marker.kind == "clause":
            marker = _dot_restored(marker, self.previous)
        return marker

    def _opens_clause(self, block: Block, marker: Marker) -> bool:
        """Whether a clause number opens a clause: Word's own numbering, a number that can follow the
        previous one or belongs to the section, or the first number after a sentence or heading."""
        key = number_key(marker.number)
        previous, section_key = self.previous, self.section_key
        trusted = block.label is not None  # Word's own numbering is not prose
        starts_fresh = not self.previous_line or _SENTENCE_END.search(self.previous_line) or self.heading_open
        plausible = key is not None and (follows(previous, key) or (
            section_key is not None and key[: len(section_key)] == section_key) or (
            # a misprinted number in a renumbered agreement ("6.8" then "6.12"): a new
            # sentence with a later number under the same parent
            starts_fresh and previous is not None and len(key) == len(previous) > 1
            and key[:-1] == previous[:-1] and key[-1] > previous[-1]))
        return bool(trusted or plausible or (starts_fresh and self.current is None))

    def _open_clause(self, block: Block, marker: Marker) -> None:
        """A numbered clause, completing its parent's lead-in or the section's."""
        self._flush()
        key = number_key(marker.number)
        parent = _parent(self.clauses, key)
        lead_in = parent.text if parent is not None and parent.text.rstrip().endswith(":") else self.lead
        self.current = _Draft(marker.number, self.heading, block.page, [marker.rest] if marker.rest else [],
                              lead_in=lead_in)
        self.clauses.append(self.current)
        self.previous = key if key is not None else self.previous
        self.heading_open = False

    def _heading(self, text: str, is_heading_style: bool) -> bool:
        """An unnumbered section title, or the second line of one; False when ``text`` is not."""
        if self.current is None and not self.pending and (
            is_heading_style or (self.clauses or self.heading) and _is_upper_heading(text)
        ):
            # An unnumbered section title between clauses ("GENERAL PROVISIONS").
            if self.heading_open and self.heading and not is_heading_style:  # a title wrapped over two lines
                self.heading = f"{self.heading} {_heading_text(text)}"
            else:
                self.heading = _heading_text(text)
                self.lead = None
            self.heading_open = True
            return True
        if (self.current is not None or self.pending) and (
            is_heading_style or (_is_upper_heading(text) and _SENTENCE_END.search(self.previous_line))
        ):
            self._open_section(_heading_text(text), None, "")
            return True
        if (self.heading_open and self.current is None and not self.pending and self.heading
                and _is_title_like(text) and len(text.split()) <= 8):
            self.heading = f"{self.heading} {text.strip().rstrip('.')}"  # the title wrapped onto a second line
            return True
        return False

    def _text(self, block: Block, marker: Marker | None, text: str) -> None:
        """A line that opens nothing: it continues the open clause, gathers as an unnumbered paragraph
        of the section, or, before any heading or clause, belongs to the preamble."""
        word_item = block.label and marker is not None and marker.kind == "item"
        if self.current is not None:
            self.current.lines.append(f"{block.label} {text}" if word_item else _item_line(text))
        elif self.clauses or self.heading:
            self.pending.append((f"{block.label} {text}" if word_item else text, block.page))
            self.heading_open = False
        else:
            self.preamble.append(text)

    def _flush(self) -> None:
        """The unnumbered lines gathered so far become positional clauses of their section."""
        if not self.pending:
            return
        section = self.section_label
        own_lead: str | None = None
        clauses = self.clauses
        for lines, page in _paragraphs(self.pending):
            self.positions[section] = self.positions.get(section, 0) + 1
            number = f"{section}.¶{self.positions[section]}" if section else f"¶{self.positions[section]}"
            text = _join_lines([_item_line(x) for x in lines])
            draft = _Draft(number, self.heading, page, [text], numbered=False,
                           lead_in=own_lead if parse_marker(lines[0]) is not None else None)
            clauses.append(draft)
            own_lead = text if _is_lead_in(text) else (own_lead if draft.lead_in else None)
        self.lead = own_lead if own_lead is not None and _is_lead_in(clauses[-1].text) or clauses[-1].lead_in else None
        self.pending.clear()


def _parent(clauses: list[_Draft], key: tuple[int, ...] | None) -> _Draft | None:
    """The numbered clause ``key`` is a child of ("5.2" for "5.2.1"), if it is among the last ones."""
    if key is None or len(key) < 2:
        return None
    parent = ".".join(map(str, key[:-1]))
    for c in reversed(clauses[-40:]):
        if c.numbered and c.number == parent:
            return c
    return None


def _section_key(marker: Marker) -> tuple[int, ...] | None:
    if marker.number is None:
        return None
    key = number_key(marker.number)
    if key is not None:
        return key
    value = roman_to_int(marker.number)
    return (value,) if value else None


def _section_label(marker: Marker, key: tuple[int, ...] | None) -> str:
    """The section part of its positional clause numbers: "3" (also for "III"), «П1» for an appendix."""
    if key is None:
        return ""
    return marker.number if key[0] > APPENDIX else ".".join(map(str, key))


def _unique_numbers(clauses: list[_Draft], warnings: list[str]) -> list[_Draft]:
    """Clause ids must be unique: a number printed twice gets a suffix, and one warning per
    number says how often and where (a number repeated on 500 pages is one warning, not 499)."""
    seen: dict[str, int] = {}
    pages: dict[str, list[int]] = {}
    for c in clauses:
        if c.page is not None:
            pages.setdefault(c.number, []).append(c.page)
        if c.number in seen:
            seen[c.number] += 1
            c.number = f"{c.number}~{seen[c.number]}"
        else:
            seen[c.number] = 1
    for number, times in seen.items():
        if times == 2:
            warnings.append(f"clause number {number} appears more than once")
        elif times > 2:
            where = sorted(set(pages.get(number, ())))
            on = f" (pages {page_list(where)})" if len(where) > 1 else ""
            warnings.append(f"clause number {number} appears {times} times{on}")
    return clauses


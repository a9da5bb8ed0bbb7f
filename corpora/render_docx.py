"""Render an `AgreementSource` to a DOCX the way Word users write agreements.

With ``layout.auto_numbering`` the section and clause numbers come from real Word
automatic numbering (``numbering.xml``), never typed into the paragraph text, so
the DOCX parser has to resolve the numbering as Word displays it.

How the numbering is encoded, and the Word semantics it relies on:
- one multilevel ``w:abstractNum`` for sections and clauses: level 0 is the
  section ("Section %1."), level k the clause with k+1 parts ("%1.%2.",
  "%1.%2.%3."); when clause numbers do not begin with their section's number
  the sections and the clauses get two separate lists;
- ``w:num`` instances without overrides share their abstract list's counters;
  a new ``w:num`` whose ``w:lvlOverride/w:startOverride`` covers every level
  from 0 to the paragraph's level starts a fresh list at exactly those values;
  a level not yet used in a list shows its start value;
- a new instance is used only when the plain counter would not show the source
  number (a renumbered document starting at 3, a skipped clause), and also when
  the next value would depend on a level that was never used in that instance,
  the one point where Word and other readers disagree;
- lettered items "a)" are a separate one-level list (lowerLetter; Russian
  а..и as russianLower; numbered "1)" as decimal) with a new ``w:num`` per
  clause that restarts it.
``expected_labels`` replays this to check the rendered file independently.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from itertools import zip_longest

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from corpora.source import AgreementSource, BilingualSource, ClauseSource, SectionSource

_FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_REVISION_AUTHOR = "Legal Department"
_REVISION_DATE = "2023-12-14T10:00:00Z"
_DELETED_HEDGE = {"en": ", where possible", "ru": ", по возможности", "kk": ", мүмкіндігінше"}

_LOWER_LATIN = "abcdefghijklmnopqrstuvwxyz"
# Word's russianLower runs а б в г д е ж з и к ...; only the unambiguous start is used.
_LOWER_RUSSIAN = "абвгдежзи"

_PAGE_FOOTER = {
    "en": ("Page ", " of "),
    "ru": ("Страница ", " из "),
    "kk": ("", " / "),
}


# --------------------------------------------------------------------------- numbering plan


def _int_parts(number: str | None) -> tuple[int, ...] | None:
    if number is None:
        return None
    parts = number.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


@dataclass
class _ListState:
    """Counters of one abstract list as Word keeps them, in the numbering instance in use."""

    num_id: int | None = None
    starts: dict[int, int] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)
    # Levels shown so far only through their start value: their next increment is reader-dependent.
    unsettled: set[int] = field(default_factory=set)

    def predict(self, ilvl: int) -> tuple[int, ...] | None:
        if self.num_id is None or ilvl in self.unsettled:
            return None
        value = self.counters[ilvl] + 1 if ilvl in self.counters else self.starts.get(ilvl, 1)
        return tuple(self.counters.get(j, self.starts.get(j, 1)) for j in range(ilvl)) + (value,)

    def advance(self, ilvl: int, shown: tuple[int, ...]) -> None:
        for j in range(ilvl):
            if j not in self.counters:
                self.unsettled.add(j)
        self.counters[ilvl] = shown[ilvl]
        self.unsettled.discard(ilvl)
        for j in [k for k in self.counters if k > ilvl]:
            del self.counters[j]
        self.unsettled = {j for j in self.unsettled if j <= ilvl}


@dataclass
class _Numbering:
    """The abstract lists and instances to write into numbering.xml."""

    first_abstract: int
    first_num: int
    abstracts: list[str] = field(default_factory=list)  # XML of w:abstractNum
    nums: list[tuple[int, int, dict[int, int]]] = field(
        default_factory=list
    )  # (numId, abstractId, overrides)

    def add_abstract(self, levels: list[tuple[str, str, int, str]], multilevel: bool) -> int:
        """levels: (numFmt, lvlText, indent twips, suffix); returns the abstractNumId."""
        aid = self.first_abstract + len(self.abstracts)
        lvls = []
        for i, (fmt, text, indent, suff) in enumerate(levels):
            lvls.append(
                f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{indent}" w:firstLine="0"/></w:pPr></w:lvl>'
            )
        kind = "multilevel" if multilevel else "singleLevel"
        self.abstracts.append(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
            f'<w:multiLevelType w:val="{kind}"/>{"".join(lvls)}</w:abstractNum>'
        )
        return aid

    def add_num(self, abstract_id: int, overrides: dict[int, int] | None = None) -> int:
        nid = self.first_num + len(self.nums)
        self.nums.append((nid, abstract_id, dict(overrides or {})))
        return nid

    def place(self, state: _ListState, abstract_id: int, ilvl: int, target: tuple[int, ...]) -> int:
        """The numId under which a paragraph at `ilvl` shows `target`; opens a new instance if needed."""
        if state.predict(ilvl) != target:
            overrides = {j: target[j] for j in range(ilvl + 1)}
            if not any(aid == abstract_id for _, aid, _ in self.nums):
                # The first instance of a list is fresh anyway: it needs overrides only where it does not start at 1.
                overrides = {j: v for j, v in overrides.items() if v != 1}
            state.num_id = self.add_num(abstract_id, overrides)
            state.starts = dict(overrides)
            state.counters = {}
            state.unsettled = set()
        state.advance(ilvl, target)
        return state.num_id

    def install(self, numbering_element) -> None:
        """Append our lists to the document's numbering part (abstractNums must precede nums)."""
        first_num = numbering_element.find(qn("w:num"))
        for xml in self.abstracts:
            el = parse_xml(xml)
            if first_num is not None:
                first_num.addprevious(el)
            else:
                numbering_element.append(el)
        for nid, aid, overrides in self.nums:
            ov = "".join(
                f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{val}"/></w:lvlOverride>'
                for lvl, val in sorted(overrides.items())
            )
            numbering_element.append(
                parse_xml(
                    f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{ov}</w:num>'
                )
            )


def _lvl_text(depth: int, dot: bool) -> str:
    return ".".join(f"%{i + 1}" for i in range(depth)) + ("." if dot else "")


def _item_format(labels: list[str]) -> tuple[str, str] | None:
    """(numFmt, alphabet) when Word can number these item labels; None to type them."""
    if all(lb.isdigit() for lb in labels):
        return "decimal", ""
    if all(lb in _LOWER_LATIN for lb in labels):
        return "lowerLetter", _LOWER_LATIN
    if all(lb in _LOWER_RUSSIAN for lb in labels):
        return "russianLower", _LOWER_RUSSIAN
    return None


def _item_value(label: str, alphabet: str) -> int:
    return int(label) if not alphabet else alphabet.index(label) + 1


# --------------------------------------------------------------------------- document


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps and a stable member order, for byte-identical builds."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def _add_field(paragraph, instr: str, cached: str) -> None:
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" {instr} "><w:r><w:t>{cached}</w:t></w:r></w:fldSimple>'
        )
    )


def _header_footer(doc, src: AgreementSource) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = src.running_header
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if src.page_numbers == "page_of" else WD_ALIGN_PARAGRAPH.CENTER
        if src.page_numbers == "page_of":
            before, between = _PAGE_FOOTER.get(src.language, _PAGE_FOOTER["en"])
            if before:
                p.add_run(before)
            _add_field(p, "PAGE", "1")
            p.add_run(between)
            _add_field(p, "NUMPAGES", "1")
        elif src.page_numbers == "dashes":
            p.add_run("- ")
            _add_field(p, "PAGE", "1")
            p.add_run(" -")
        else:
            _add_field(p, "PAGE", "1")


def _set_num(paragraph, num_id: int, ilvl: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def _tracked_runs(paragraph, text: str, language: str) -> bool:
    """Write `text` with its last words as a tracked insertion and a tracked deletion of a hedge.

    Accepting the changes gives back `text` exactly; the deleted hedge is extra
    words that must not reach the clause text. Returns False when the text has
    no final full stop to anchor the change.
    """
    end = len(text) - 1
    if not text.endswith(".") or len(text.split()) < 8:
        return False
    words_start = end
    for _ in range(4):
        words_start = text.rfind(" ", 0, words_start)
    head, inserted, tail = text[: words_start + 1], text[words_start + 1 : end], text[end:]
    paragraph.add_run(head)
    w = nsdecls("w")
    meta = f'w:author="{_REVISION_AUTHOR}" w:date="{_REVISION_DATE}"'
    paragraph._p.append(
        parse_xml(
            f'<w:ins {w} w:id="901" {meta}><w:r><w:t xml:space="preserve">{_xml(inserted)}</w:t></w:r></w:ins>'
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {w} w:id="902" {meta}><w:r><w:delText xml:space="preserve">'
            f"{_xml(_DELETED_HEDGE.get(language, _DELETED_HEDGE['en']))}</w:delText></w:r></w:del>"
        )
    )
    paragraph.add_run(tail)
    return True


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tracked_clause(src: AgreementSource) -> ClauseSource | None:
    """The clause that carries the tracked change: the first single-paragraph obligation long enough."""
    for _, clause in src.clauses():
        lines = clause.lines
        if (
            clause.modality == "obligation"
            and len(lines) == 1
            and lines[0].text.endswith(".")
            and len(lines[0].text.split()) >= 10
        ):
            return clause
    return None


def render_docx(src: AgreementSource, tracked_change: bool = False) -> bytes:
    """The DOCX bytes of one agreement; the same source always gives the same bytes."""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(1.5)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman" if src.font == "serif" else "Arial"
    normal.font.size = Pt(12 if src.font == "serif" else 11)

    props = doc.core_properties
    props.title = ""  # as in most real files: metadata must be read from the text
    props.author = ""
    props.last_modified_by = ""
    props.revision = 1
    props.created = props.modified = _FIXED_TIME
    props.last_printed = _FIXED_TIME

    _header_footer(doc, src)

    numbering_el = doc.part.numbering_part.element
    used_abs = [int(a.get(qn("w:abstractNumId"))) for a in numbering_el.findall(qn("w:abstractNum"))]
    used_num = [int(n.get(qn("w:numId"))) for n in numbering_el.findall(qn("w:num"))]
    plan = _Numbering(first_abstract=max(used_abs, default=0) + 1, first_num=max(used_num, default=0) + 1)
    writer = _Writer(doc, src, plan, tracked_change)

    if isinstance(src, BilingualSource):
        _bilingual(doc, src, plan)
        if plan.abstracts:
            plan.install(numbering_el)
        buf = io.BytesIO()
        doc.save(buf)
        return _fixed_zip(buf.getvalue())

    _front_matter(doc, src)

    # Many Word users space their text with empty paragraphs instead of paragraph spacing.
    blank_lines = bool(src.variant >> 7 & 1)
    doc.add_paragraph()
    for section in src.sections:
        if blank_lines:
            doc.add_paragraph()
        writer.heading(section)
        for clause in section.clauses:
            writer.clause(clause)

    if plan.abstracts:
        plan.install(numbering_el)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _front_matter(container, src: AgreementSource, roles=None) -> None:
    """Title lines centred and bold, the place and date, the preamble (into the body or a cell)."""
    for role, line in roles if roles is not None else src.front_matter_roles():
        p = container.add_paragraph()
        if role in ("title", "subtitle"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(line)
            run.bold = True
            run.font.size = Pt(14 if role == "title" else 12)
        elif role == "place":
            p.add_run(line)
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.first_line_indent = Cm(1.25)
            p.add_run(line)


def _bilingual(doc, src: BilingualSource, plan: _Numbering) -> None:
    """The two versions one after the other (the second from a new page), or side by side in a
    two-column table, a row per front-matter line, section heading and clause: ruled for
    ``table``, without borders for ``columns``."""
    writers = [_Writer(doc, version, plan, False) for version in src.versions]
    if src.arrangement == "sequential":
        for k, (version, writer) in enumerate(zip(src.versions, writers, strict=True)):
            if k:
                doc.add_page_break()
            _front_matter(doc, version)
            doc.add_paragraph()
            for section in version.sections:
                writer.heading(section)
                for clause in section.clauses:
                    writer.clause(clause)
        return
    first, second = src.versions
    table = doc.add_table(rows=0, cols=2)
    if src.arrangement == "table":
        table.style = doc.styles["Table Grid"]
    for a, b in zip_longest(first.front_matter_roles(), second.front_matter_roles()):
        cells = table.add_row().cells
        for cell, role, version in ((cells[0], a, first), (cells[1], b, second)):
            if role is not None:
                _front_matter(cell, version, [role])
    for left, right in zip(first.sections, second.sections, strict=True):
        cells = table.add_row().cells
        for cell, writer, section in ((cells[0], writers[0], left), (cells[1], writers[1], right)):
            writer.doc = cell
            writer.heading(section)
        for a, b in zip(left.clauses, right.clauses, strict=True):
            cells = table.add_row().cells
            for cell, writer, clause in ((cells[0], writers[0], a), (cells[1], writers[1], b)):
                writer.doc = cell
                writer.clause(clause)


class _Writer:
    """Writes headings and clauses, numbering them automatically where the source allows."""

    def __init__(self, doc, src: AgreementSource, plan: _Numbering, tracked_change: bool):
        self.doc, self.src, self.plan = doc, src, plan
        self.auto = src.layout.auto_numbering
        self.tracked = _tracked_clause(src) if tracked_change else None
        self.dot = src.number_dot
        self.marker = next((s.marker for s in src.sections if s.number is not None), None)
        # One outline list when every clause number continues its section's number ("5" -> "5.3").
        self.hierarchical = all(
            (sp := _int_parts(s.number)) is not None
            and len(sp) == 1
            and all(
                (cp := _int_parts(c.number)) is not None and len(cp) >= 2 and cp[0] == sp[0]
                for c in s.clauses
            )
            for s in src.sections
        )
        depth = max((len(_int_parts(c.number) or ()) for _, c in src.clauses()), default=1)
        depth = max(depth, 1)
        head_text = f"{self.marker} %1." if self.marker else "%1."
        if self.hierarchical:
            levels = [("decimal", head_text, 0, "space")]
            levels += [("decimal", _lvl_text(k + 1, self.dot), 0, "space") for k in range(1, depth)]
            self.outline = plan.add_abstract(levels, multilevel=True) if self.auto else None
            self.section_list = self.outline
            self.clause_list = self.outline
        else:
            self.section_list = (
                plan.add_abstract([("decimal", head_text, 0, "space")], multilevel=False)
                if self.auto
                else None
            )
            levels = [("decimal", _lvl_text(k + 1, self.dot), 0, "space") for k in range(depth)]
            self.clause_list = plan.add_abstract(levels, multilevel=True) if self.auto else None
        self.section_state = _ListState()
        self.clause_state = self.section_state if self.hierarchical else _ListState()
        self.item_abstracts: dict[str, int] = {}

    def heading(self, section: SectionSource) -> None:
        p = self.doc.add_paragraph(style="Heading 1")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        parts = _int_parts(section.number)
        if self.auto and parts is not None and len(parts) == 1 and section.marker == self.marker:
            heading = section.heading if section.marker else section.heading.upper()
            p.add_run(heading)
            _set_num(p, self.plan.place(self.section_state, self.section_list, 0, parts), 0)
        else:
            p.add_run(section.printed_heading())

    def clause(self, clause: ClauseSource) -> None:
        parts = _int_parts(clause.number)
        lines = clause.lines
        items = [ln for ln in lines if ln.kind == "lettered"]
        item_fmt = _item_format([ln.label for ln in items]) if (self.auto and items) else None
        item_num = None
        for line in lines:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if line.kind == "lead":
                if self.auto and parts is not None:
                    ilvl = len(parts) - 1
                    _set_num(p, self.plan.place(self.clause_state, self.clause_list, ilvl, parts), ilvl)
                    body = line.text
                else:
                    body = f"{clause.number}{'.' if self.dot else ''} {line.text}"
                    p.paragraph_format.first_line_indent = Cm(1.25)
                if clause is self.tracked and _tracked_runs(p, body, self.src.language):
                    continue
                p.add_run(body)
            elif line.kind == "lettered":
                p.paragraph_format.left_indent = Cm(1.25)
                if item_fmt is not None:
                    fmt, alphabet = item_fmt
                    value = _item_value(line.label, alphabet)
                    abstract = self._item_abstract(fmt)
                    if item_num is None or value != item_num[1] + 1:
                        item_num = (self.plan.add_num(abstract, {0: value}), value)
                    else:
                        item_num = (item_num[0], value)
                    _set_num(p, item_num[0], 0)
                    p.add_run(line.text)
                else:
                    p.add_run(f"{line.label}) {line.text}")
            elif line.kind == "dashed":
                p.paragraph_format.left_indent = Cm(1.25)
                p.add_run(f"{line.label} {line.text}")
            else:
                p.paragraph_format.first_line_indent = Cm(1.25)
                p.add_run(line.text)
        if clause.table:
            self._table(clause.table)

    def _item_abstract(self, fmt: str) -> int:
        if fmt not in self.item_abstracts:
            self.item_abstracts[fmt] = self.plan.add_abstract([(fmt, "%1)", 709, "space")], multilevel=False)
        return self.item_abstracts[fmt]

    def _table(self, rows) -> None:
        ncols = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c in range(ncols):
                cell = table.cell(r, c)
                cell.text = row[c] if c < len(row) else ""
                if r == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True

"""Render an `AgreementSource` to a PDF that looks like a real signed agreement.

The quirks are deliberate, because the PDF parser is tested on these files:
running headers from page 2 on, page-number footers in three styles, clauses
that break across pages, two-column bodies, justified text hyphenated at line
ends, ruled tables right after their clause.

Hyphenation is reportlab's own line breaker fed by ``pyphen``
(``hyphenationLang``): it breaks a word only where it overflows a justified
line and prints a real "-" at the line end. ``embeddedHyphenation=1`` lets it
also break genuine compounds ("long-term", «социально-трудовых») at their own
hyphen, so a parser meets both kinds of line-end hyphen. Both are deterministic
for fixed text, fonts and widths.
"""

from __future__ import annotations

import io
from itertools import zip_longest
from pathlib import Path
from xml.sax.saxutils import escape

import pyphen
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from corpora.source import AgreementSource, BilingualSource, ClauseSource

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FONTS = {
    "DejaVuSerif": "DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic": "DejaVuSerif-Italic.ttf",
    "DejaVuSerif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
# pyphen has no Kazakh dictionary; Kazakh text is set without dictionary hyphenation.
_HYPHENATION = {"en": "en_GB", "ru": "ru_RU"}

_PAGE_LABEL = {
    "en": "Page {n} of {total}",
    "ru": "Страница {n} из {total}",
    "kk": "{total} беттің {n}-беті",
    "kk+ru": "Страница {n} из {total}",
}

_MARGINS = {"left": 2.5 * cm, "right": 1.5 * cm, "top": 2.2 * cm, "bottom": 2.0 * cm}
_COLUMN_GAP = 0.7 * cm


def register_fonts() -> None:
    """Register DejaVu (it has Cyrillic and Kazakh letters); fail clearly when it is missing."""
    missing = [f for f in _FONTS.values() if not (FONT_DIR / f).is_file()]
    if missing:
        raise RuntimeError(
            f"DejaVu fonts not found in {FONT_DIR} ({', '.join(missing)}); "
            "install the Debian package fonts-dejavu-core and fonts-dejavu-extra"
        )
    for name, file in _FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    for fam, (reg, bold, ital, boldital) in {
        "DejaVuSerif": ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic"),
        "DejaVuSans": ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"),
    }.items():
        pdfmetrics.registerFontFamily(fam, normal=reg, bold=bold, italic=ital, boldItalic=boldital)


def _hyphenator(lang: str):
    """pyphen's break points, except that a compound breaks only at its own hyphen.

    Typesetters break "long-term" as "long-" / "term", never "long-te-" / "rm";
    doing the same puts genuine compound hyphens at line ends next to the
    dictionary ones, which is the ambiguity a PDF parser has to resolve.
    """
    dictionary = pyphen.Pyphen(lang=lang)

    def pairs(word: str):
        if "-" in word.strip("-"):
            cuts = [i for i, ch in enumerate(word) if ch == "-" and 0 < i < len(word) - 1]
            return [(word[: i + 1], word[i + 1 :]) for i in reversed(cuts)]
        return list(dictionary.iterate(word))

    return pairs


class _Styles:
    """Paragraph styles of one document; its variant picks fonts and indents."""

    def __init__(self, src: AgreementSource):
        family = "DejaVuSerif" if src.font == "serif" else "DejaVuSans"
        self.family = family
        self.bold = family + "-Bold"
        self.italic = family + ("-Italic" if family == "DejaVuSerif" else "-Oblique")
        size = 10.5 if src.font == "serif" else 10.0
        lang = _HYPHENATION.get(src.language, "") if src.layout.hyphenate else ""
        hyphenator = _hyphenator(lang) if lang else ""
        body = dict(
            fontName=family,
            fontSize=size,
            leading=size * 1.3,
            alignment=TA_JUSTIFY if (src.layout.hyphenate or src.variant >> 6 & 1) else TA_LEFT,
            hyphenationLang=hyphenator,
            embeddedHyphenation=1 if lang else 0,
            hyphenationMinWordLength=5,
            spaceAfter=3,
            # Typed agreements have no widow/orphan control: a clause may leave one line behind.
            allowOrphans=1,
            allowWidows=1,
        )
        hanging = bool(src.variant >> 5 & 1)
        indent = 1.0 * cm
        self.clause = ParagraphStyle(
            "clause",
            **body,
            leftIndent=indent if hanging else 0,
            firstLineIndent=-indent if hanging else indent,
        )
        self.cont = ParagraphStyle(
            "continuation",
            **body,
            leftIndent=indent if hanging else 0,
            firstLineIndent=0 if hanging else indent,
        )
        self.item = ParagraphStyle(
            "item", **body, leftIndent=indent + (0.6 * cm if hanging else 0), firstLineIndent=0
        )
        self.preamble = ParagraphStyle("preamble", **body, firstLineIndent=indent)
        self.heading = ParagraphStyle(
            "heading",
            fontName=self.bold,
            fontSize=size + 0.5,
            leading=(size + 0.5) * 1.3,
            alignment=TA_CENTER,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=1,
        )
        self.title = ParagraphStyle(
            "title", fontName=self.bold, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=4
        )
        self.subtitle = ParagraphStyle(
            "subtitle", fontName=self.bold, fontSize=11.5, leading=15, alignment=TA_CENTER, spaceAfter=4
        )
        self.place = ParagraphStyle(
            "place",
            fontName=family,
            fontSize=size,
            leading=size * 1.3,
            alignment=TA_LEFT,
            spaceBefore=10,
            spaceAfter=12,
        )
        self.cell = ParagraphStyle("cell", fontName=family, fontSize=size - 1.5, leading=(size - 1.5) * 1.25)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell, fontName=self.bold)
        self.size = size


def _front_matter(src: AgreementSource, st: _Styles) -> list:
    """Title lines centred and bold, then a place/date line, then the preamble paragraph(s)."""
    style = {"title": st.title, "subtitle": st.subtitle, "place": st.place, "preamble": st.preamble}
    return [Paragraph(escape(line), style[role]) for role, line in src.front_matter_roles()]


def _number(src: AgreementSource, clause: ClauseSource) -> str:
    return clause.number + ("." if src.number_dot else "")


def _clause(src: AgreementSource, clause: ClauseSource, st: _Styles, width: float) -> list:
    out = []
    bold_number = bool(src.variant >> 4 & 1)
    for line in clause.lines:
        text = escape(line.text)
        if line.kind == "lead":
            num = escape(_number(src, clause))
            num = f"<b>{num}</b>" if bold_number else num
            out.append(Paragraph(f"{num} {text}", st.clause))
        elif line.kind == "lettered":
            out.append(Paragraph(f"{escape(line.label)}) {text}", st.item))
        elif line.kind == "dashed":
            out.append(Paragraph(f"{escape(line.label)} {text}", st.item))
        else:
            out.append(Paragraph(text, st.cont))
    if clause.table:
        out.append(Spacer(1, 3))
        out.append(_table(clause.table, st, width))
        out.append(Spacer(1, 6))
    return out


def _table(rows, st: _Styles, width: float) -> Table:
    ncols = max(len(r) for r in rows)
    rows = [list(r) + [""] * (ncols - len(r)) for r in rows]
    # Columns share the width by their longest cell, so a short "Grade" column stays narrow.
    longest = [max(min(len(r[c]), 60) for r in rows) + 4 for c in range(ncols)]
    col_widths = [width * n / sum(longest) for n in longest]
    data = [
        [Paragraph(escape(cell), st.cell_head if r == 0 else st.cell) for cell in row]
        for r, row in enumerate(rows)
    ]
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _canvas_class(src: AgreementSource, st: _Styles):
    """A canvas that draws header and footer at save time, when the page total is known."""
    header = src.running_header
    style = src.page_numbers
    label = _PAGE_LABEL.get(src.language, _PAGE_LABEL["en"])
    width, height = A4

    def decorate(c: rl_canvas.Canvas, n: int, total: int) -> None:
        c.saveState()
        if n > 1:
            c.setFont(st.italic, 8.5)
            c.drawCentredString(
                width / 2 + (_MARGINS["left"] - _MARGINS["right"]) / 2, height - 1.3 * cm, header
            )
            c.setLineWidth(0.4)
            c.line(_MARGINS["left"], height - 1.45 * cm, width - _MARGINS["right"], height - 1.45 * cm)
        c.setFont(st.family, 9)
        if style == "page_of":
            c.drawRightString(width - _MARGINS["right"], 1.1 * cm, label.format(n=n, total=total))
        elif style == "dashes":
            c.drawCentredString(width / 2, 1.1 * cm, f"- {n} -")
        else:
            c.drawCentredString(width / 2, 1.1 * cm, str(n))
        c.restoreState()

    class _Canvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                decorate(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return _Canvas


def render_pdf(src: AgreementSource) -> bytes:
    """The PDF bytes of one agreement; the same source always gives the same bytes."""
    register_fonts()
    st = _Styles(src)
    page_w, page_h = A4
    body_w = page_w - _MARGINS["left"] - _MARGINS["right"]
    body_h = page_h - _MARGINS["top"] - _MARGINS["bottom"]
    x0, y0 = _MARGINS["left"], _MARGINS["bottom"]
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    first = PageTemplate(id="first", frames=[Frame(x0, y0, body_w, body_h, id="first", **pad)])
    if src.layout.two_columns:
        col_w = (body_w - _COLUMN_GAP) / 2
        later_frames = [
            Frame(x0, y0, col_w, body_h, id="left", **pad),
            Frame(x0 + col_w + _COLUMN_GAP, y0, col_w, body_h, id="right", **pad),
        ]
        text_w = col_w
    else:
        later_frames = [Frame(x0, y0, body_w, body_h, id="body", **pad)]
        text_w = body_w
    later = PageTemplate(id="later", frames=later_frames)

    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        pageTemplates=[first, later],
        invariant=1,
        # What Word's "print to PDF" leaves behind, not the agreement's title: metadata must be read from the text.
        title=f"Microsoft Word - {src.doc_id}.docx",
        author="",
        subject="",
        creator="Kelisim corpus build",
        leftMargin=_MARGINS["left"],
        rightMargin=_MARGINS["right"],
        topMargin=_MARGINS["top"],
        bottomMargin=_MARGINS["bottom"],
    )
    story: list = [NextPageTemplate("later")]
    if isinstance(src, BilingualSource):
        story += _bilingual(src, st, text_w)
        doc.build(story, canvasmaker=_canvas_class(src, st))
        return buf.getvalue()
    story += _front_matter(src, st)
    if src.layout.two_columns:
        # The title page stays single-column; the two-column body starts on page 2.
        story.append(PageBreak())
    for section in src.sections:
        story.append(Paragraph(escape(section.printed_heading()), st.heading))
        for clause in section.clauses:
            story += _clause(src, clause, st, text_w)
    doc.build(story, canvasmaker=_canvas_class(src, st))
    return buf.getvalue()


def _version_story(src: BilingualSource, version: AgreementSource, st: _Styles, width: float) -> list:
    story = _front_matter(version, st)
    for section in version.sections:
        story.append(Paragraph(escape(section.printed_heading()), st.heading))
        for clause in section.clauses:
            story += _clause(src, clause, st, width)
    return story


def _bilingual(src: BilingualSource, st: _Styles, width: float) -> list:
    """The two versions one after the other (each from a new page), or side by side row by row:
    the front matter, then each section heading and each clause beside its translation, in a ruled
    table (``table``) or in one without rules, which reads as two columns (``columns``)."""
    first, second = src.versions
    if src.arrangement == "sequential":
        return _version_story(src, first, st, width) + [PageBreak()] + _version_story(src, second, st, width)
    gap = 0.5 * cm
    cell_w = (width - gap) / 2 - 6
    style = {"title": st.title, "subtitle": st.subtitle, "place": st.place, "preamble": st.preamble}
    rows = [[Paragraph(escape(a[1]), style[a[0]]) if a else "", Paragraph(escape(b[1]), style[b[0]]) if b else ""]
            for a, b in zip_longest(first.front_matter_roles(), second.front_matter_roles())]
    for left, right in zip(first.sections, second.sections, strict=True):
        rows.append([Paragraph(escape(left.printed_heading()), st.heading),
                     Paragraph(escape(right.printed_heading()), st.heading)])
        for a, b in zip(left.clauses, right.clauses, strict=True):
            rows.append([_clause(src, a, st, cell_w), _clause(src, b, st, cell_w)])
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if src.arrangement == "table":
        commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
    else:
        commands.append(("RIGHTPADDING", (0, 0), (0, -1), gap))
    # Without rules a row breaks across pages, as Word lets it, so a clause's end may open the next
    # page's columns; a ruled row is kept whole (reportlab draws no rule where it breaks one).
    table = Table(rows, colWidths=[width / 2, width / 2], hAlign="LEFT", splitByRow=1,
                  splitInRow=int(src.arrangement == "columns"))
    table.setStyle(TableStyle(commands))
    return [table]

"""DOCX -> Document: body paragraphs and tables in document order, numbered as Word shows them.

python-docx opens the package; the body is walked in its XML because the text a
reader sees is not ``paragraph.text``: tracked deletions must go, moved-to text must
stay, field codes are not text, and the clause number Word prints ("5.3.") is not in
the paragraph at all but in numbering.xml (see ``list_numbering``).

Hostile files are refused before python-docx inflates anything: the ZIP directory is
checked for sizes and compression ratios, and XML parts for DTDs.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx as python_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.styles import BabelFish
from lxml import etree

from pipeline.errors import InputError
from pipeline.ingest.common import DEFAULT_OPTIONS, ReadOptions, file_source
from pipeline.ingest.docx.list_numbering import MC, Definitions, Numbering, W
from schemas import Block, Document, Table

_log = logging.getLogger(__name__)

# Limits on the inflated package: a real 500-page agreement is a few MiB of XML.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 5000
# XML and text compress 5-20:1; zeros compress 1000:1. A part is refused by its ratio only
# when it is also large: what a bomb costs is the inflated size, and an honest part may be
# all repetition (an empty settings.xml; a 5 MiB document.xml of one repeated table row
# compresses 300:1). Above the size limits a part is refused whatever its ratio.
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 16 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = f"{{{W}}}"
# A tab between a typed number and its text ("5.3.<tab>The Employer") reads as a space.
_TAB, _SOFT_BREAK = " ", "\x0b"

# --------------------------------------------------------------------------- container checks


def has_ole_stream(path: Path, name: str) -> bool:
    """Whether an OLE compound file names a stream ``name`` (its directory stores names in UTF-16)."""
    marker = name.encode("utf-16-le")
    with open(path, "rb") as f:
        tail = b""
        for chunk in iter(lambda: f.read(1 << 20), b""):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker) :]
    return False


ENCRYPTED = "password-protected (encrypted) DOCX: remove the password in Word and save again"


def ole_reason(path: Path) -> str:
    """Why an OLE compound file is not read as a DOCX: a password-protected DOCX or a legacy .doc."""
    if has_ole_stream(path, "EncryptedPackage"):
        return ENCRYPTED
    return "legacy Word .doc or other OLE file: save it as DOCX"


def check_zip_directory(path: Path, z: zipfile.ZipFile, kind: str = "DOCX") -> None:
    """Refuse a ZIP package (``kind`` names it in the message) whose directory promises a zip bomb."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(path, f"{kind} has {len(infos)} parts (limit {MAX_MEMBERS}): refused as a zip bomb")
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > MAX_MEMBER_BYTES:
            raise InputError(
                path,
                f"{kind} part {info.filename} would inflate to {size >> 20} MiB "
                f"(limit {MAX_MEMBER_BYTES >> 20} MiB): refused as a zip bomb",
            )
        if size > RATIO_FLOOR_BYTES and size / packed > MAX_RATIO:
            raise InputError(
                path,
                f"{kind} part {info.filename} compresses {size // packed}:1 "
                f"(limit {MAX_RATIO}:1): refused as a zip bomb",
            )
        total += size
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            path,
            f"{kind} would inflate to {total >> 20} MiB "
            f"(limit {MAX_UNCOMPRESSED_BYTES >> 20} MiB): refused as a zip bomb",
        )


_DTD_MARKERS = tuple(
    m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")
)


def _has_dtd(z: zipfile.ZipFile, name: str) -> bool:
    # OOXML forbids DTDs, so any is hostile (entity expansion, external entities).
    overlap = max(len(m) for m in _DTD_MARKERS)
    with z.open(name) as member:
        tail = b""
        for chunk in iter(lambda: member.read(1 << 20), b""):
            window = tail + chunk  # XML keywords are case-sensitive: "<!doctype" is no DTD
            if any(m in window for m in _DTD_MARKERS):
                return True
            tail = chunk[-overlap:]
    return False


def _check_container(path: Path) -> None:
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(_OLE_MAGIC):
        raise InputError(path, ole_reason(path))
    try:
        with zipfile.ZipFile(path) as z:
            check_zip_directory(path, z)
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise InputError(path, "ZIP file without word/document.xml: not a DOCX")
            for name in sorted(names):
                if name.endswith((".xml", ".rels")) and _has_dtd(z, name):
                    raise InputError(
                        path,
                        f"DOCX part {name} declares a DTD or entities (possible XML entity bomb): refused",
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError) as e:
        raise InputError(path, f"corrupt ZIP container (not a readable DOCX: {e})") from None
    except (OSError, ValueError) as e:  # a member offset pointing before the file's start (seek fails)
        raise InputError(path, f"corrupt ZIP container (not a readable DOCX: {type(e).__name__}: {e})") from None


def _malformed_part(path: Path) -> str:
    """Which XML part fails to parse, for a message a user can act on."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(z.read(name), parser)
                except etree.XMLSyntaxError as e:
                    return f"malformed XML in {name} ({e})"
    return "malformed XML"


def _open_package(path: Path):
    try:
        return python_docx.Document(str(path))
    except etree.XMLSyntaxError:
        raise InputError(path, _malformed_part(path)) from None
    except PackageNotFoundError:
        raise InputError(path, "not a readable DOCX package") from None
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error) as e:
        raise InputError(path, f"broken DOCX package ({type(e).__name__}: {e})") from None
    except Exception as e:  # python-docx meeting a package it cannot model: bad input, not our bug
        _log.debug("python-docx could not open %s", path, exc_info=True)
        raise InputError(path, f"unreadable DOCX package ({type(e).__name__}: {e})") from None


# --------------------------------------------------------------------------- styles


def _val(el: etree._Element | None) -> str | None:
    return None if el is None else el.get(_W + "val")


def _on(el: etree._Element | None) -> bool | None:
    if el is None:
        return None
    return _val(el) not in ("0", "false", "off")


@dataclass(frozen=True)
class _Style:
    sid: str
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    bold: bool | None


@dataclass
class _Styles:
    by_id: dict[str, _Style]
    default_paragraph: str | None
    default_bold: bool
    _chains: dict[str | None, list[_Style]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> _Styles:
        by_id, default = {}, None
        if root is None:
            return cls({}, None, False)
        for st in root.findall(_W + "style"):
            sid = st.get(_W + "styleId")
            if sid is None:
                continue
            ilvl = _val(st.find(f"{_W}pPr/{_W}numPr/{_W}ilvl"))
            raw_name = _val(st.find(_W + "name")) or sid
            by_id[sid] = _Style(
                sid=sid,
                name=BabelFish.internal2ui(raw_name),
                based_on=_val(st.find(_W + "basedOn")),
                num_id=_val(st.find(f"{_W}pPr/{_W}numPr/{_W}numId")),
                ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
                bold=_on(st.find(f"{_W}rPr/{_W}b")),
            )
            if st.get(_W + "type") == "paragraph" and st.get(_W + "default") in ("1", "true"):
                default = sid
        bold = _on(root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}b"))
        return cls(by_id, default, bool(bold))

    def chain(self, style_id: str | None) -> list[_Style]:
        """The style and the styles it is based on, nearest first."""
        if style_id not in self._chains:
            self._chains[style_id] = self._walk(style_id)
        return self._chains[style_id]

    def _walk(self, style_id: str | None) -> list[_Style]:
        out, seen = [], set()
        while style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            out.append(self.by_id[style_id])
            style_id = self.by_id[style_id].based_on
        return out

    def numbering_styles(self) -> dict[str, str]:
        return {sid: st.num_id for sid, st in self.by_id.items() if st.num_id}


# --------------------------------------------------------------------------- paragraphs


@dataclass
class _Context:
    styles: _Styles
    numbering: Numbering
    warnings: list[str] = field(default_factory=list)
    carry: str = ""  # text of paragraphs whose mark was deleted, joining the next paragraph

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _paragraph_style(p: etree._Element, styles: _Styles) -> str | None:
    sid = _val(p.find(f"{_W}pPr/{_W}pStyle"))
    # A paragraph naming a style the document lacks is shown in the default style.
    return sid if sid in styles.by_id else styles.default_paragraph


def _num_pr(p: etree._Element, style_id: str | None, ctx: _Context) -> tuple[str, int] | None:
    """(numId, ilvl) of a paragraph: its own w:numPr, else the one its style chain carries."""
    num_pr = p.find(f"{_W}pPr/{_W}numPr")
    num_id = _val(num_pr.find(_W + "numId")) if num_pr is not None else None
    ilvl_raw = _val(num_pr.find(_W + "ilvl")) if num_pr is not None else None
    ilvl = int(ilvl_raw) if ilvl_raw and ilvl_raw.isdigit() else None
    chain = ctx.styles.chain(style_id)
    if num_id is None:
        num_id = next((st.num_id for st in chain if st.num_id), None)
        if ilvl is None:
            ilvl = next((st.ilvl for st in chain if st.ilvl is not None), None)
    if num_id is None or num_id == "0":  # numId 0 switches numbering off
        return None
    if num_id not in ctx.numbering.defs.instances:
        ctx.warn(f"numbered paragraphs refer to list {num_id}, which numbering.xml does not define")
        return None
    if ilvl is None:
        # Headings numbered through their style name their level in the list's w:pStyle
        # (or a style they are based on names it).
        ilvl = next(
            (lv for st in chain if (lv := ctx.numbering.defs.level_of_style(num_id, st.sid)) is not None),
            None,
        )
    return num_id, min(ilvl or 0, 8)


# Hand-typed list items after a soft line break ("…as follows:↵a) …↵b) …"): kept on
# their own line so the segmenter still sees each marker at a line start. Any other
# soft break is layout inside a sentence and becomes a space.
_HAND_MARKER = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-zа-яё]{1,2}\)|\(\w{1,3}\)|[-–—•·▪])\s")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_SKIPPED = {_W + n for n in ("del", "moveFrom", "pPr", "rPr", "sdtPr", "sdtEndPr", "fldData")}
_RUN_TEXT = {
    _W + "t": None,
    _W + "tab": _TAB,
    _W + "ptab": _TAB,
    _W + "noBreakHyphen": "-",
    _W + "softHyphen": "",
    _W + "cr": _SOFT_BREAK,
}


def _run_bold(run: etree._Element, paragraph_bold: bool, styles: _Styles) -> bool:
    direct = _on(run.find(f"{_W}rPr/{_W}b"))
    if direct is not None:
        return direct
    for st in styles.chain(_val(run.find(f"{_W}rPr/{_W}rStyle"))):
        if st.bold is not None:
            return st.bold
    return paragraph_bold


def _run_pieces(run: etree._Element) -> list[str]:
    if _on(run.find(f"{_W}rPr/{_W}vanish")):  # hidden text is not printed
        return []
    out = []
    for item in run:
        tag = item.tag
        if tag in _RUN_TEXT:
            out.append(item.text or "" if _RUN_TEXT[tag] is None else _RUN_TEXT[tag])
        elif tag == _W + "br":
            # Page and column breaks separate blocks of text, not lines of a list.
            out.append(_TAB if item.get(_W + "type") in ("page", "column") else _SOFT_BREAK)
        # delText, instrText (field codes), drawings, footnote marks: not body text.
    return out


def _collect_runs(el: etree._Element, out: list[tuple[etree._Element, list[str]]]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _W + "r":
            out.append((child, _run_pieces(child)))
        elif tag != _W + "p":  # ins, moveTo, hyperlink, smartTag, fldSimple, sdt, customXml …
            _collect_runs(child, out)


def _join_lines(raw: str) -> str:
    parts = raw.split(_SOFT_BREAK)
    text = parts[0]
    for part in parts[1:]:
        text += ("\n" if _HAND_MARKER.match(part) else " ") + part
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _paragraph_text(p: etree._Element, paragraph_bold: bool, styles: _Styles) -> tuple[str, bool]:
    runs: list[tuple[etree._Element, list[str]]] = []
    _collect_runs(p, runs)
    raw = "".join(piece for _, pieces in runs for piece in pieces)
    inked = [run for run, pieces in runs if "".join(pieces).strip()]
    bold = bool(inked) and all(_run_bold(run, paragraph_bold, styles) for run in inked)
    return _join_lines(raw), bold


def _mark_removed(p: etree._Element) -> bool:
    mark = p.find(f"{_W}pPr/{_W}rPr")
    return mark is not None and (mark.find(_W + "del") is not None or mark.find(_W + "moveFrom") is not None)


def _paragraph(p: etree._Element, ctx: _Context) -> Block | None:
    style_id = _paragraph_style(p, ctx.styles)
    chain = ctx.styles.chain(style_id)
    paragraph_bold = next((st.bold for st in chain if st.bold is not None), ctx.styles.default_bold)
    if _mark_removed(p):
        # A deleted paragraph mark merges what is left of the paragraph into the next
        # one, which keeps its own mark, so its own style and number; this one is not counted.
        text, _ = _paragraph_text(p, paragraph_bold, ctx.styles)
        ctx.carry = f"{ctx.carry} {text}".strip()
        return None
    label, level = None, None
    num = _num_pr(p, style_id, ctx)
    if num is not None and ctx.numbering.defs.level(*num) is not None:
        # Counted before the blank check: Word numbers empty list paragraphs too.
        label, level = ctx.numbering.next_label(*num), num[1]
    text, bold = _paragraph_text(p, paragraph_bold, ctx.styles)
    if ctx.carry:
        text, ctx.carry = f"{ctx.carry} {text}".strip(), ""
    if not text:  # blank paragraphs are Word users' vertical spacing
        return None
    return Block(
        kind="text", text=text, style=chain[0].name if chain else None, label=label, level=level, bold=bold
    )


def _text_boxes(p: etree._Element) -> list[etree._Element]:
    """Text box contents anchored in a paragraph, each once (mc:Fallback repeats mc:Choice)."""
    boxes = []
    for box in p.iter(_W + "txbxContent"):
        ancestor, duplicate = box.getparent(), False
        while ancestor is not None and ancestor is not p:
            if ancestor.tag in (f"{{{MC}}}Fallback", _W + "txbxContent"):
                duplicate = True
                break
            ancestor = ancestor.getparent()
        if not duplicate:
            boxes.append(box)
    return boxes


# --------------------------------------------------------------------------- tables


def _children(el: etree._Element, tag: str):
    """Children named ``tag``, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            yield from _children(child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child, tag)


def _cell_text(tc: etree._Element, ctx: _Context) -> str:
    lines = []
    for block in _blocks(tc, ctx):
        if block.kind == "table":  # a nested table is flattened into the cell's lines
            lines.extend(cell for row in block.table.rows for cell in row if cell)
        else:
            lines.append(f"{block.label} {block.text}" if block.label else block.text)
    return "\n".join(lines)


# Word tables have at most 63 columns; a larger span is a hostile file asking for
# millions of cells.
_MAX_COLUMNS = 64


def _int_attr(el: etree._Element | None, default: int = 0) -> int:
    value = _val(el)
    return min(int(value), _MAX_COLUMNS) if value and value.isdigit() else default


def _table(tbl: etree._Element, ctx: _Context) -> Table:
    """Rows of cell texts. Merged cells repeat their text in every grid cell they cover,
    so each row of a tariff grid reads on its own."""
    rows, above = [], {}
    for tr in _children(tbl, _W + "tr"):
        if tr.find(f"{_W}trPr/{_W}del") is not None:  # a row deleted with tracked changes
            continue
        skip_before = _int_attr(tr.find(f"{_W}trPr/{_W}gridBefore"))
        cells, col = [""] * skip_before, skip_before
        for tc in _children(tr, _W + "tc"):
            span = max(1, _int_attr(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1))
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and _val(vmerge) != "restart":
                text = above.get(col, "")
                _cell_text(tc, ctx)  # still counted: numbered paragraphs may hide there
            else:
                text = _cell_text(tc, ctx)
            for k in range(span):
                cells.append(text)
                above[col + k] = text
            col += span
        cells.extend([""] * _int_attr(tr.find(f"{_W}trPr/{_W}gridAfter")))
        rows.append(tuple(cells))
    return Table(rows=tuple(rows))


# --------------------------------------------------------------------------- body


def _blocks(container: etree._Element, ctx: _Context) -> list[Block]:
    out: list[Block] = []
    for child in container:
        tag = child.tag
        if tag == _W + "p":
            block = _paragraph(child, ctx)
            if block is not None:
                out.append(block)
            for box in _text_boxes(child):
                out.extend(_blocks(box, ctx))
        elif tag == _W + "tbl":
            _flush_carry(ctx, out)
            out.append(Block(kind="table", table=_table(child, ctx)))
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                out.extend(_blocks(content, ctx))
        elif tag in (_W + "customXml", _W + "ins", _W + "moveTo"):
            out.extend(_blocks(child, ctx))
        elif tag == _W + "altChunk":
            ctx.warn("an embedded foreign document (altChunk) was not read")
    _flush_carry(ctx, out)
    return out


def _flush_carry(ctx: _Context, out: list[Block]) -> None:
    # A deleted mark before a table or at the end of a cell has no paragraph to join.
    if ctx.carry:
        out.append(Block(kind="text", text=ctx.carry))
        ctx.carry = ""


def _part_element(document, reltype: str) -> etree._Element | None:
    try:
        return document.part.part_related_by(reltype).element
    except (KeyError, AttributeError):
        return None


def parse(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS) -> Document:
    """Read a DOCX file: body paragraphs and tables in order, automatic numbers as labels.
    (``options`` concern scanned pages, which a DOCX does not have.)"""
    path = Path(path)
    _check_container(path)
    document = _open_package(path)
    styles = _Styles.from_xml(_part_element(document, RT.STYLES))
    definitions = Definitions.from_xml(_part_element(document, RT.NUMBERING), styles.numbering_styles())
    ctx = _Context(styles, Numbering(definitions))
    body = document.element.body
    blocks = _blocks(body, ctx) if body is not None else []
    if not blocks:
        ctx.warn("the DOCX body has no text")
    for fmt in sorted(ctx.numbering.approximated):
        ctx.warn(f"automatic numbering in format {fmt} shown as decimal numbers")
    _log.debug("%s: %d blocks", path, len(blocks))
    return Document(source=file_source(path, "docx"), blocks=tuple(blocks), warnings=tuple(ctx.warnings))

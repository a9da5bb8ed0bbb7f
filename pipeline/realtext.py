"""Scores on real agreements nobody on the project wrote: hand labels read against their texts.

The labels (``corpora/realtext/<lang>/<doc>.yaml``, format in ``corpora/realtext/README.md``)
hold no text: each clause is found in its document by the words it starts and ends with.
Matching ignores case, spaces, line breaks, hyphens and punctuation, so a label written
from a PDF's text layer finds its words in our parse of the same PDF. The text between the
cues is annotated as one clause (with the label's lead-in), so the scores measure extraction
on real wording; :func:`evaluate_real` also reports every clause whose cues it could not find
and every document whose text is not at hand.

Texts are looked up by file name in ``texts`` folders, by default ``../shared/realdev``
beside the repository, ``$KELISIM_REALTEXT`` and ``../realtext`` (``<lang>/`` inside each
too). The repository keeps only labels, short cues and source pointers, not the texts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.evaluate import Scores, score_clause
from schemas import Agreement, Clause, Source
from schemas.datafile import read_yaml

ROOT = Path(__file__).resolve().parents[1]


def default_text_folders() -> list[Path]:
    folders = [ROOT.parent / "shared" / "realdev"]
    if os.environ.get("KELISIM_REALTEXT"):
        folders.append(Path(os.environ["KELISIM_REALTEXT"]))
    folders.append(ROOT.parent / "realtext")
    return folders


@dataclass
class RealDocument:
    """One labelled document: what was found of it, and its scores."""

    doc: str
    language: str
    file: str
    path: str | None = None
    labelled: int = 0
    located: int = 0
    missing_cues: list[str] = field(default_factory=list)
    scores: Scores = field(default_factory=Scores)
    unassigned_gold: int = 0
    unassigned_found: int = 0
    mismatches: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "doc": self.doc, "language": self.language, "file": self.file, "path": self.path,
            "labelled": self.labelled, "located": self.located, "missing_cues": self.missing_cues,
            "scores": self.scores.to_dict(), "unassigned": {"gold": self.unassigned_gold, "found": self.unassigned_found},
            "mismatches": self.mismatches,
        }


@dataclass
class RealReport:
    labels_dir: str
    documents: list[RealDocument] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # documents whose text was not found

    def by_language(self) -> dict[str, Scores]:
        out: dict[str, Scores] = {}
        for d in self.documents:
            for lang in ("all", d.language):
                out.setdefault(lang, Scores()).add(d.scores)
        return out

    def to_dict(self) -> dict:
        return {
            "labels_dir": self.labels_dir,
            "by_language": {k: v.to_dict() for k, v in self.by_language().items()},
            "documents": [d.to_dict() for d in self.documents],
            "absent": self.absent,
        }


# --------------------------------------------------------------------------- finding the clauses


_KEEP = re.compile(r"[^\w]|_", re.UNICODE)


def squash(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased with everything but letters and digits removed, and for each kept
    character its offset in ``text``."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if not _KEEP.match(ch):
            chars.append(ch.lower().replace("ё", "е"))
            offsets.append(i)
    return "".join(chars), offsets


def _squashed(text: str) -> str:
    return squash(text)[0]


def locate(text: str, clauses: list[dict]) -> list[tuple[int, int] | None]:
    """The character span of each labelled clause in ``text`` (None where its cues are not found),
    searching each one after the end of the previous one found."""
    flat, offsets = squash(text)
    spans: list[tuple[int, int] | None] = []
    at = 0
    for clause in clauses:
        start_cue, end_cue = _squashed(str(clause.get("start") or "")), _squashed(str(clause.get("end") or ""))
        if not start_cue or not end_cue:
            spans.append(None)
            continue
        s = flat.find(start_cue, at)
        e = flat.find(end_cue, s + len(start_cue) - len(end_cue) if s >= 0 else at) if s >= 0 else -1
        if s < 0 or e < 0:
            spans.append(None)
            continue
        e_end = e + len(end_cue)
        end = offsets[e_end - 1] + 1
        # the end cue's own signs after its last letter or digit ("на 0,9%."): the unit of a last number
        raw_end = str(clause.get("end")).rstrip()
        tail = raw_end[len(raw_end.rstrip("%)»”\".;:!?")):]
        if tail and text[end:end + len(tail)] == tail:
            end += len(tail)
        spans.append((offsets[s], end))
        at = e_end
    return spans


_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|%$])")  # "eight \(8\)" as Markdown writes "eight (8)"


def read_text(path: Path) -> str:
    """The text of a labelled document as kelisim reads it: a PDF or DOCX through the parser
    (running headers removed, hyphens undone), a .txt or .md as it is, an HTML page as a browser
    shows its words (one line per paragraph, headings as Markdown headings, entities resolved)."""
    if path.suffix.lower() in (".txt", ".md", ".html", ".htm"):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() in (".html", ".htm"):
            return _html_text(text)
        return _MARKDOWN_ESCAPE.sub(r"\1", text)  # texts copied from Markdown sources keep its escapes
    from pipeline.ingest import parse

    document = parse(path)
    return "\n".join(b.text for b in document.blocks if b.kind == "text")


def _html_text(markup: str) -> str:
    """The words of an HTML page, a line per block (``<p>``, ``<li>``, ``<tr>``, ...), "## " before headings."""
    from html.parser import HTMLParser

    blocks = {"p", "div", "li", "tr", "br", "section", "article", "ul", "ol", "table", "blockquote"}
    headings = {"h1", "h2", "h3", "h4", "h5", "h6"}
    lines: list[str] = []
    current: list[str] = []

    def flush(prefix: str = "") -> None:
        words = " ".join("".join(current).split())
        if words:
            lines.append(prefix + words)
        current.clear()

    class _Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in blocks or tag in headings:
                flush()
            elif tag in ("td", "th"):
                current.append(" | ")

        def handle_endtag(self, tag):
            if tag in headings:
                flush("## ")
            elif tag in blocks:
                flush()

        def handle_data(self, data):
            current.append(data)

    reader = _Reader(convert_charrefs=True)
    reader.feed(markup)
    reader.close()
    flush()
    return "\n".join(lines)


_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^[\s|:\-]+$")


def split_tables(text: str):
    """A clause's text and its Markdown pipe tables (``| Monday | 8 hours |``), as the PDF it was
    converted from gives them to kelisim: the prose, and each table as rows of cells."""
    from schemas import Table

    prose: list[str] = []
    tables: list[list[tuple[str, ...]]] = []
    in_table = False
    for line in text.split("\n"):
        if _PIPE_ROW.match(line):
            if not in_table:
                tables.append([])
                in_table = True
            if not _PIPE_RULE.match(line):
                tables[-1].append(tuple(cell.strip() for cell in line.strip().strip("|").split("|")))
            continue
        in_table = False
        prose.append(line)
    return "\n".join(prose), tuple(Table(rows=tuple(rows)) for rows in tables if rows)


def _text_document(path: Path, text: str):
    """A plain or Markdown text as a Document: one block per line, "## Article 15 - Overtime" a heading."""
    from schemas import Block, Document

    blocks = []
    for line in text.splitlines():
        line = line.strip().replace("**", "")
        if not line:
            continue
        heading = _MARKDOWN_HEADING.match(line)
        if heading:
            blocks.append(Block(text=heading.group(1).strip().lstrip("#").strip(), page=1, style="Heading 2"))
        else:
            blocks.append(Block(text=line, page=1))
    return Document(source=Source(path=str(path), sha256="0" * 64, format="pdf"), blocks=tuple(blocks))


def segmented(path: Path, text: str) -> Agreement:
    """The whole document as kelisim's segmentation reads it: its clauses and metadata (parties)."""
    from pipeline.segment import segment

    if path.suffix.lower() in (".txt", ".md", ".html", ".htm"):
        return segment(_text_document(path, text))
    from pipeline.ingest import parse

    return segment(parse(path))


def section_headings(whole: Agreement, text: str, spans: list[tuple[int, int] | None]) -> list[str | None]:
    """The section heading kelisim's segmentation of the ``whole`` document gives the place where
    each labelled clause starts (None where it finds none): in use a clause is always read under
    its heading, so the scores are too."""
    flat, offsets = squash(text)
    starts: list[tuple[int, str | None]] = []  # (offset in text, heading) of each segmented clause
    at = 0
    for clause in whole.clauses:
        head = _squashed(clause.text)[:40]
        found = flat.find(head, at) if head else -1
        if found >= 0:
            starts.append((offsets[found], clause.heading))
            at = found + 1
    out = []
    for span in spans:
        heading = None
        if span is not None:
            for offset, clause_heading in starts:
                if offset > span[0] + 2:
                    break
                heading = clause_heading
        out.append(heading)
    return out


def find_text(file: str, language: str, folders: list[Path]) -> Path | None:
    for folder in folders:
        for candidate in (folder / file, folder / language / file):
            if candidate.exists():
                return candidate
    return None


# --------------------------------------------------------------------------- scoring


def load_labels(labels_dir: str | Path) -> list[tuple[Path, dict]]:
    return [(p, read_yaml(p)) for p in sorted(Path(labels_dir).rglob("*.yaml"))]


def evaluate_real(labels_dir: str | Path, texts: list[Path] | None = None, annotate=None) -> RealReport:
    """Score extraction on every labelled real document whose text is at hand."""
    if annotate is None:
        from pipeline.analyze import analyze as annotate
    folders = texts or default_text_folders()
    report = RealReport(labels_dir=str(labels_dir))
    for path, labels in load_labels(labels_dir):
        language = labels["language"]
        result = RealDocument(doc=labels.get("doc") or path.stem, language=language, file=labels["file"])
        found = find_text(labels["file"], language, folders)
        if found is None:
            report.absent.append(f"{result.doc}: {labels['file']} not found in {', '.join(map(str, folders))}")
            continue
        result.path = str(found)
        gold = list(labels.get("clauses") or ())
        result.labelled = len(gold)
        text = read_text(found)
        located = locate(text, gold)
        whole = segmented(found, text)
        headings = section_headings(whole, text, located)
        clauses, golds = [], []
        for i, (g, span, heading) in enumerate(zip(gold, located, headings, strict=True)):
            if span is None:
                result.missing_cues.append(str(g.get("number") or g.get("start")))
                continue
            prose, tables = split_tables(text[span[0]:span[1]])
            clauses.append(Clause(id=f"{result.doc}:{i}", number=str(g.get("number") or f"¶{i}"),
                                  heading=g.get("heading") or heading, lead_in=g.get("lead_in"), text=prose, tables=tables))
            golds.append(g)
        result.located = len(clauses)
        agreement = Agreement(id=result.doc, source=Source(path=str(found), sha256="0" * 64, format="pdf"),
                              language=language, parties=whole.parties, clauses=tuple(clauses))
        annotated = annotate(agreement)
        for g, predicted in zip(golds, annotated.clauses, strict=True):
            gold_record = {"topics": g.get("topics") or [], "modality": g.get("modality"), "norms": g.get("norms") or []}
            scores, problems = score_clause(gold_record, predicted)
            result.scores.add(scores)
            result.unassigned_gold += sum(1 for n in gold_record["norms"] if n.get("parameter") == "unassigned")
            result.unassigned_found += sum(1 for n in predicted.norms if n.parameter == "unassigned")
            if problems:
                result.mismatches.append({"number": predicted.number, "text": predicted.text[:160], "problems": problems})
        report.documents.append(result)
    return report

"""Read one corpus source (`corpora/src/<doc_id>.yaml`, format in corpora/README.md).

The renderers and the gold writer all read the same `AgreementSource`, so the
text a renderer prints and the text the gold records cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from schemas.datafile import read_yaml

# An item line inside a clause: "a) ...", "б) ...", "1) ..." or a dashed "– ...".
_LETTERED = re.compile(r"^(?P<label>[a-zа-яёәғқңөұүһі]|\d{1,2})\)\s+(?P<text>.*)$")
_DASHED = re.compile(r"^(?P<label>[–—-])\s+(?P<text>.*)$")

_PLACE_DATE = re.compile(r"^[^,]{2,40},\s.*\b\d{4}\b")

_REQUIRED = ("doc_id", "title", "language", "level", "sections")


class SourceError(ValueError):
    """A source file that cannot be rendered; the message names the file and the reason."""


@dataclass(frozen=True)
class Line:
    """One printed line of a clause: its opening text, a lettered/dashed item, or a continuation."""

    kind: str  # "lead" | "lettered" | "dashed" | "plain"
    text: str  # without the item label
    label: str | None = None  # "a", "б", "1" for lettered items, the dash for dashed ones


@dataclass(frozen=True)
class ClauseSource:
    number: str
    text: str
    topics: tuple[str, ...]
    modality: str | None
    norms: tuple[dict, ...]
    table: tuple[tuple[str, ...], ...] | None
    language: str | None = None  # set for a clause of one language version of a bilingual source

    @property
    def lines(self) -> tuple[Line, ...]:
        out = []
        for i, raw in enumerate(self.text.split("\n")):
            if i == 0:
                out.append(Line("lead", raw))
            elif m := _LETTERED.match(raw):
                out.append(Line("lettered", m["text"], m["label"]))
            elif m := _DASHED.match(raw):
                out.append(Line("dashed", m["text"], m["label"]))
            else:
                out.append(Line("plain", raw))
        return tuple(out)


@dataclass(frozen=True)
class SectionSource:
    number: str | None
    marker: str | None
    heading: str
    clauses: tuple[ClauseSource, ...]

    def printed_heading(self) -> str:
        """The heading line as printed: "Section 3. Remuneration" or "3. REMUNERATION"."""
        if self.number is None:
            return self.heading
        if self.marker:
            return f"{self.marker} {self.number}. {self.heading}"
        return f"{self.number}. {self.heading.upper()}"


@dataclass(frozen=True)
class Layout:
    two_columns: bool = False
    hyphenate: bool = False
    auto_numbering: bool = False
    # Not in the README's format: optional overrides, otherwise chosen per document
    # from a stable hash of doc_id so the corpus shows every variant.
    page_numbers: str | None = None  # "page_of" | "dashes" | "plain"
    number_dot: bool | None = None  # "5.3. The Employer" vs "5.3 The Employer"
    font: str | None = None  # "serif" | "sans"
    tracked_changes: bool = False
    running_header: str | None = None


@dataclass(frozen=True)
class AgreementSource:
    path: Path
    doc_id: str
    title: str
    language: str
    level: str
    parties: tuple[str, ...]
    sector: str | None
    region: str | None
    valid_from: str | None
    valid_to: str | None
    holdout: bool
    reference: str | None
    previous_version: str | None
    layout: Layout
    front_matter: tuple[str, ...]
    sections: tuple[SectionSource, ...] = field(default=())

    @property
    def is_general_agreement(self) -> bool:
        return self.level == "general"

    @property
    def variant(self) -> int:
        """A stable per-document number that picks the cosmetic variant (crc32, not hash())."""
        return zlib.crc32(self.doc_id.encode("utf-8"))

    @property
    def page_numbers(self) -> str:
        return self.layout.page_numbers or ("page_of", "dashes", "plain")[self.variant % 3]

    @property
    def number_dot(self) -> bool:
        return self.layout.number_dot if self.layout.number_dot is not None else bool(self.variant >> 2 & 1)

    @property
    def font(self) -> str:
        return self.layout.font or ("serif", "sans")[self.variant >> 3 & 1]

    @property
    def running_header(self) -> str:
        """The short title printed at the top of pages 2..n."""
        if self.layout.running_header:
            return self.layout.running_header
        if len(self.title) <= 80:
            return self.title
        years = re.search(r"\d{4}\s*[-–]\s*\d{4}", self.title)
        first = self.front_matter[0] if self.front_matter else self.title.split(" ")[0]
        short = first[:1].upper() + first[1:].lower()
        return f"{short} {years.group(0)}" if years else short

    def front_matter_roles(self) -> list[tuple[str, str]]:
        """Each front-matter line with its role: "title", "subtitle", "place" (place and date) or "preamble"."""
        out = []
        in_title = True
        for i, line in enumerate(self.front_matter):
            is_place = bool(_PLACE_DATE.match(line)) and len(line) < 80
            is_prose = len(line) >= 150 or (line.endswith(".") and len(line) >= 60)
            if in_title and i > 0 and (is_place or is_prose):
                in_title = False
            if in_title:
                out.append(("title" if i == 0 else "subtitle", line))
            else:
                out.append(("place" if is_place else "preamble", line))
        return out

    def clauses(self):
        """(section, clause) pairs in document order."""
        for section in self.sections:
            for clause in section.clauses:
                yield section, clause


#: How a bilingual source prints its two versions: one after the other, or side by side in a
#: ruled two-column table, or in two columns (a table without rules: the page reads as two columns).
BILINGUAL_LAYOUTS = ("sequential", "table", "columns")


@dataclass(frozen=True)
class BilingualSource:
    """One agreement printed in Kazakh and Russian, made of two single-language sources.

    ``versions`` are in print order (first, or left); the Russian one gives the metadata, as
    kelisim reads them from the Russian text. ``differences`` are edits to one version that
    make the two official texts disagree (a seeded ``inconsistent`` finding).
    """

    path: Path
    doc_id: str
    arrangement: str
    versions: tuple[AgreementSource, ...]
    holdout: bool
    reference: str | None
    previous_version: str | None

    @property
    def russian(self) -> AgreementSource:
        return next(v for v in self.versions if v.language == "ru")

    def __getattr__(self, name):
        # Title, level, parties, dates, fonts and page furniture: the Russian version's.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.russian, name)

    @property
    def language(self) -> str:
        return "kk+ru"

    @property
    def is_general_agreement(self) -> bool:
        return False

    @property
    def variant(self) -> int:
        return zlib.crc32(self.doc_id.encode("utf-8"))

    @property
    def layout(self) -> Layout:
        # No dictionary hyphenation: pyphen has none for Kazakh, and cells of a table are not hyphenated.
        return Layout(auto_numbering=self.russian.layout.auto_numbering and self.arrangement == "sequential")

    def clauses(self):
        """(section, clause) pairs of every version in print order, each clause with its language."""
        for version in self.versions:
            for section, clause in version.clauses():
                yield section, dataclasses.replace(clause, language=version.language)


def _differences(version: AgreementSource, edits: list[dict], path: Path) -> AgreementSource:
    """The version with each edit applied: ``replace: [old, new]`` in the clause text (exactly once),
    ``norms:`` the clause's gold norms after the edit."""
    sections = []
    for section in version.sections:
        clauses = []
        for clause in section.clauses:
            for edit in (e for e in edits if str(e.get("clause")) == clause.number):
                old, new = edit["replace"]
                if clause.text.count(old) != 1:
                    raise SourceError(f"{path}: clause {clause.number} of {version.doc_id}: {old!r} must occur exactly once")
                clause = dataclasses.replace(clause, text=clause.text.replace(old, new),
                                             norms=tuple(dict(n) for n in edit.get("norms", clause.norms)))
            clauses.append(clause)
        sections.append(dataclasses.replace(section, clauses=tuple(clauses)))
    return dataclasses.replace(version, sections=tuple(sections))


def _load_bilingual(path: Path, raw: dict) -> BilingualSource:
    spec = raw["bilingual"]
    arrangement = spec.get("layout")
    if arrangement not in BILINGUAL_LAYOUTS:
        raise SourceError(f"{path}: bilingual layout must be one of {', '.join(BILINGUAL_LAYOUTS)}")
    names = spec.get("versions") or []
    versions = []
    for name in names:
        other = path.with_name(f"{name}.yaml")
        if not other.is_file():
            raise SourceError(f"{path}: no source {other.name} for the version {name}")
        edits = [e for e in spec.get("differences") or () if e.get("version") == name]
        versions.append(_differences(load_source(other), edits, path))
    if sorted(v.language for v in versions) != ["kk", "ru"]:
        raise SourceError(f"{path}: a bilingual source needs one Kazakh and one Russian version")
    return BilingualSource(path=path, doc_id=raw["doc_id"], arrangement=arrangement, versions=tuple(versions),
                           holdout=bool(raw.get("holdout", False)), reference=raw.get("reference"),
                           previous_version=raw.get("previous_version"))


def _text(value, where: str) -> str:
    if not isinstance(value, str):
        raise SourceError(f"{where}: text must be a string, got {type(value).__name__}")
    # Folded YAML keeps item lines apart only with "|": trailing spaces are never meaningful.
    lines = [ln.strip() for ln in value.strip().split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _opt_str(value) -> str | None:
    return None if value is None else str(value)


def load_source(path: Path) -> AgreementSource | BilingualSource:
    """Parse and check one source file; raises `SourceError` naming the file and the problem."""
    path = Path(path)
    try:
        raw = read_yaml(path)
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise SourceError(f"{path}: expected a mapping at the top level")
    if "bilingual" in raw:
        if raw.get("doc_id") != path.stem:
            raise SourceError(f"{path}: doc_id {raw.get('doc_id')!r} differs from the file name")
        return _load_bilingual(path, raw)
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise SourceError(f"{path}: missing keys {', '.join(missing)}")
    if raw["doc_id"] != path.stem:
        raise SourceError(f"{path}: doc_id {raw['doc_id']!r} differs from the file name")

    layout_raw = raw.get("layout") or {}
    known = set(Layout.__dataclass_fields__)
    unknown = set(layout_raw) - known
    if unknown:
        raise SourceError(f"{path}: unknown layout keys {', '.join(sorted(unknown))}")
    layout = Layout(**layout_raw)

    sections = []
    seen_numbers: set[str] = set()
    for s_i, sec in enumerate(raw["sections"] or []):
        where = f"{path}: section {sec.get('number', s_i + 1)}"
        if "heading" not in sec:
            raise SourceError(f"{where}: no heading")
        clauses = []
        for c in sec.get("clauses") or []:
            number = c.get("number")
            if number is None:
                raise SourceError(f"{where}: a clause without a number")
            number = str(number).rstrip(".")
            if number in seen_numbers:
                raise SourceError(f"{path}: clause {number} appears twice")
            seen_numbers.add(number)
            table = c.get("table")
            if table is not None:
                if not table or not all(isinstance(r, list) for r in table):
                    raise SourceError(f"{path}: clause {number}: table must be a list of rows")
                table = tuple(tuple("" if v is None else str(v) for v in row) for row in table)
            clauses.append(
                ClauseSource(
                    number=number,
                    text=_text(c.get("text"), f"{path}: clause {number}"),
                    topics=tuple(c.get("topics") or ()),
                    modality=c.get("modality"),
                    norms=tuple(dict(n) for n in (c.get("norms") or ())),
                    table=table,
                )
            )
        sections.append(
            SectionSource(
                number=_opt_str(sec.get("number")),
                marker=sec.get("marker"),
                heading=str(sec["heading"]).strip(),
                clauses=tuple(clauses),
            )
        )

    return AgreementSource(
        path=path,
        doc_id=raw["doc_id"],
        title=str(raw["title"]).strip(),
        language=raw["language"],
        level=raw["level"],
        parties=tuple(raw.get("parties") or ()),
        sector=raw.get("sector"),
        region=raw.get("region"),
        valid_from=_opt_str(raw.get("valid_from")),
        valid_to=_opt_str(raw.get("valid_to")),
        holdout=bool(raw.get("holdout", False)),
        reference=raw.get("reference"),
        previous_version=raw.get("previous_version"),
        layout=layout,
        front_matter=tuple(_text(x, f"{path}: front_matter") for x in (raw.get("front_matter") or ())),
        sections=tuple(sections),
    )

"""The data model: what each stage hands to the next.

file -> Document (blocks in reading order, tables) -> Agreement (metadata + clauses)
-> clauses with topics, modality, norms (+ evidence) -> Finding / search hits.

This module imports nothing else from the repository. Models are frozen: a stage
that adds information returns a copy (``model.model_copy(update=...)``).
The JSON shapes of Agreement, Clause, Norm and Finding are the public contract of
``shared/spec/interface.md``: fields may be added, never renamed or removed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["general", "sectoral", "regional", "collective"]
Language = Literal["en", "ru", "kk"]
#: The language of an agreement: one language, or ``kk+ru`` for one printed in Kazakh and Russian
#: (one text after the other, in two columns, or in a two-column table), both texts official.
AgreementLanguage = Literal["en", "ru", "kk", "kk+ru"]
Modality = Literal["obligation", "prohibition", "permission", "declaration"]
Comparator = Literal[">=", "<=", "=", ">", "<"]
FindingKind = Literal["lowered", "weakened", "missing", "removed", "unverifiable", "inconsistent", "unresolved", "ok"]
Severity = Literal["high", "medium", "low", "info"]
FileFormat = Literal["pdf", "docx", "doc", "rtf", "odt"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- Document


class Source(_Frozen):
    """The file an agreement was read from, as the user holds it: a .doc, .rtf or .odt keeps
    its own path, sha256 and format, though it is read through a conversion to DOCX."""

    path: str
    sha256: str
    format: FileFormat
    pages: int | None = None


class Table(_Frozen):
    """A table as rows of cell texts, e.g. a tariff grid."""

    rows: tuple[tuple[str, ...], ...]
    page: int | None = None


class Block(_Frozen):
    """One unit of running text in reading order, or one table.

    PDF: one block per line (running headers/footers removed, hyphenation undone).
    DOCX: one block per paragraph; ``label`` is the number Word's automatic
    numbering shows in front of it ("5.3.", "a)"), ``style`` its paragraph style.
    """

    kind: Literal["text", "table"] = "text"
    text: str = ""
    page: int | None = None
    style: str | None = None
    label: str | None = None
    level: int | None = None
    bold: bool | None = None
    table: Table | None = None


class OcrPages(_Frozen):
    """The pages of a PDF read by optical character recognition instead of a text layer.

    ``confidence`` is the recogniser's mean word confidence (0-100) on each of ``pages``, in the
    same order; ``languages`` are Tesseract's language codes used ("rus", "kaz+rus").
    """

    pages: tuple[int, ...]
    confidence: tuple[float | None, ...]
    languages: str = ""

    @property
    def mean_confidence(self) -> float | None:
        known = [c for c in self.confidence if c is not None]
        return sum(known) / len(known) if known else None


class Document(_Frozen):
    """What a format parser saw in a file, before any legal reading."""

    source: Source
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = ()
    ocr: OcrPages | None = None


# --------------------------------------------------------------------------- Agreement


class Evidence(_Frozen):
    """The words that made a rule assign a label: lawyers must be able to check us.

    ``start``/``end`` are character offsets into the clause text (or, with
    ``where="heading"``/``"table"``/``"lead_in"``, into that heading, table row text or
    lead-in). ``rule`` says in words how the label was reached.
    """

    kind: Literal["topic", "modality", "norm", "reference"]
    label: str
    text: str
    start: int | None = None
    end: int | None = None
    where: Literal["text", "heading", "table", "lead_in"] = "text"
    rule: str | None = None


class Norm(_Frozen):
    """One measurable guarantee: ``{parameter, comparator, value, unit, condition}``.

    ``parameter`` is ``"unassigned"`` for a quantity read in a guarantee whose parameter
    could not be decided: shown, never compared. ``by_reference`` names the provision of a
    higher agreement the value was taken from, when the clause applies it by reference
    ("in the amount established by clause 4.3 of the General Agreement").
    """

    parameter: str
    comparator: Comparator
    value: float
    unit: str
    condition: str | None = None
    text: str = ""
    by_reference: str | None = None


#: The level of an incorporation of the agreement's own provision, named instead of stated.
OWN = "own"


class Incorporation(_Frozen):
    """A clause applying a higher agreement's provisions by reference instead of stating them.

    ``level`` is the level of the cited agreement (``general``, ``sectoral``, ``regional``,
    ``collective``, or ``labour_code``; ``own`` for the agreement's own provision named instead
    of stated: "paid at the overtime rate"), ``clauses`` the clause numbers cited (empty when the
    clause cites the agreement as a whole), ``parameters`` the guarantees the clause's words
    name, ``text`` the referring words.
    """

    level: str
    clauses: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    text: str = ""


class Clause(_Frozen):
    """The smallest numbered unit of an agreement, or an unnumbered paragraph of its body.

    ``number`` is as printed; an unnumbered paragraph gets a positional number
    ("3.¶2": the second unnumbered paragraph of section 3) and ``numbered`` false.
    ``lead_in`` is the text of the clause it is an item of ("The Employer undertakes:"),
    whose verb and words reach it. ``ocr`` is true when the page the clause starts on was
    read by optical character recognition: its words should be checked against the scan.

    In a bilingual (``kk+ru``) agreement every clause has its ``language``, and ``parallel`` is the
    id of the clause with the same number in the other language (``None`` when that version has no
    such number). The Russian clause keeps the plain id (``ag_…:5.3``), the Kazakh one is
    ``ag_…:kk:5.3``; both keep the number as printed.
    """

    id: str
    number: str
    heading: str | None = None
    text: str
    page: int | None = None
    numbered: bool = True
    lead_in: str | None = None
    topics: tuple[str, ...] = ()
    modality: Modality | None = None
    norms: tuple[Norm, ...] = ()
    incorporations: tuple[Incorporation, ...] = ()
    tables: tuple[Table, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    ocr: bool = False
    language: Language | None = Field(default=None, description="set in a bilingual agreement: the clause's own language")
    parallel: str | None = Field(default=None, description="the id of the same clause in the other language version")


class Agreement(_Frozen):
    id: str
    source: Source
    title: str | None = None
    level: Level | None = None
    language: AgreementLanguage | None = None
    parties: tuple[str, ...] = ()
    sector: str | None = None
    region: str | None = None
    valid_from: str | None = None  # ISO date "2024-01-01"
    valid_to: str | None = None
    clauses: tuple[Clause, ...] = ()
    preamble: str | None = None  # the unnumbered text before the first heading or clause
    warnings: tuple[str, ...] = ()
    ocr: OcrPages | None = None  # pages read by OCR, with the recogniser's confidence

    @property
    def year(self) -> int | None:
        """First year of validity, as search filters and facets use it."""
        return int(self.valid_from[:4]) if self.valid_from else None


# --------------------------------------------------------------------------- Findings


class NormValue(_Frozen):
    comparator: Comparator
    value: float
    unit: str
    condition: str | None = None


class Finding(_Frozen):
    kind: FindingKind
    severity: Severity
    topic: str | None = None
    parameter: str | None = None
    agreement: str
    clause: str | None = None
    reference: str
    reference_clause: str | None = None
    expected: NormValue | None = None
    found: NormValue | None = None
    explanation: str
    # Additions to the spec's shape, for reports: where and what the two clauses say.
    clause_text: str | None = None
    reference_clause_text: str | None = None
    page: int | None = None
    reference_page: int | None = None
    agreement_title: str | None = None
    agreement_file: str | None = Field(default=None, description="the file the checked agreement was read from")
    reference_title: str | None = None
    evidence: tuple[str, ...] = Field(default=(), description="the words of each side that produced the finding")
    by_reference: bool = Field(default=False, description="ok because the clause applies the reference's provision by reference")
    level: str | None = Field(default=None, description="the level of the reference the finding comes from")
    parallel_text: str | None = Field(
        default=None, description="the Kazakh version of the clause, shown beside the compared Russian one")
    reference_parallel_text: str | None = Field(
        default=None, description="the Kazakh version of the reference clause, when the reference is bilingual")


class Report(_Frozen):
    """What ``check`` and ``diff`` print: ``{"findings": [...], "summary": {...}}``."""

    findings: tuple[Finding, ...] = ()
    summary: dict = Field(default_factory=dict)
    failures: tuple[str, ...] = ()  # one line per input that could not be read

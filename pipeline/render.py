"""Readable text for a person at a terminal: an agreement with its clauses."""

from __future__ import annotations

import textwrap

from extractors.numbers import format_value
from schemas import Agreement, Clause


def agreement_text(agreement: Agreement, explain: bool = False) -> str:
    a = agreement
    lines = [
        f"{a.title or '(untitled)'}",
        f"  id {a.id}   file {a.source.path} ({a.source.format}{f', {a.source.pages} pages' if a.source.pages else ''})",
        f"  level {a.level or '-'}   language {a.language or '-'}   sector {a.sector or '-'}   "
        f"region {a.region or '-'}   valid {a.valid_from or '?'} .. {a.valid_to or '?'}",
    ]
    if a.parties:
        lines.append("  parties: " + "; ".join(a.parties))
    if a.ocr is not None and a.ocr.pages:
        mean = a.ocr.mean_confidence
        lines.append(f"  OCR: {len(a.ocr.pages)} page(s) read by OCR ({a.ocr.languages}), mean confidence "
                     f"{'-' if mean is None else f'{mean:.1f} %'}; check their clauses against the scan")
    for w in a.warnings:
        lines.append(f"  warning: {w}")
    lines.append(f"  {len(a.clauses)} clauses")
    heading = None
    for c in a.clauses:
        if c.heading != heading:
            heading = c.heading
            lines += ["", f"== {heading or '(no heading)'} =="]
        lines += clause_text(c, explain)
    return "\n".join(lines)


def clause_text(c: Clause, explain: bool = False) -> list[str]:
    page = f" (p. {c.page}{', OCR' if c.ocr else ''})" if c.page else ""
    language = f" [{c.language}]" if c.language else ""  # a clause of a bilingual agreement
    out = [f"{c.number}{language}{page}  " + textwrap.shorten(c.text, 160, placeholder=" …")]
    tags = []
    if c.topics:
        tags.append("topics: " + ", ".join(c.topics))
    if c.modality:
        tags.append(f"modality: {c.modality}")
    if tags:
        out.append("    " + "   ".join(tags))
    for n in c.norms:
        cond = f" [{n.condition}]" if n.condition else ""
        out.append(f"    norm {n.parameter} {n.comparator} {format_value(n.value)} {n.unit}{cond}   «{n.text}»")
    for t in c.tables:
        out.append(f"    table: {len(t.rows)} rows")
    if explain:
        for e in c.evidence:
            where = "" if e.where == "text" else f" (in {e.where})"
            rule = f" [rule {e.rule}]" if e.rule else ""
            out.append(f"      because {e.kind} {e.label}: «{e.text}»{where}{rule}")
    return out

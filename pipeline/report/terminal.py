"""Everything a person reads at a terminal: an agreement with its clauses (``show``), findings
with the per-agreement summary after a batch (``check``, ``diff``), search hits with their facet
counts (``search``) and score tables (``eval``). Tables are drawn with rich."""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from extractors.numbers import format_value
from schemas import Agreement, Clause
from schemas.models import Report

_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
_KINDS = ("lowered", "weakened", "missing", "removed", "unverifiable", "ok")


def findings_table(report: Report) -> Table:
    # Against a chain each finding comes from one level of it: the reference clause cell names the level.
    chain = report.summary.get("reference") == "chain"
    table = Table(title="Findings", show_lines=True, expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Agreement", ratio=1, min_width=14)
    table.add_column("Clause", no_wrap=True)
    table.add_column("Reference clause", no_wrap=True)
    table.add_column("Explanation", ratio=3)
    for f in report.findings:
        style = _STYLE.get(f.severity, "")
        # Agreement text is user input: Text() keeps rich from reading "[...]" in it as markup.
        table.add_row(
            Text(f.severity, style=style),
            f.kind,
            _agreement_cell(f.agreement_title or f.agreement, f.agreement_file),
            Text(f"{f.clause or '-'}" + (f" (p. {f.page})" if f.page else "")),
            Text((f"{f.level} " if chain and f.level else "") + f"{f.reference_clause or '-'}"
                 + (f" (p. {f.reference_page})" if f.reference_page else "")),
            Text(f.explanation),
        )
    return table


def summary_table(report: Report) -> Table:
    """Per agreement: findings by kind (the end of a ``check`` batch)."""
    table = Table(title="Summary by agreement")
    table.add_column("Agreement")
    rows = report.summary.get("by_agreement", {}).items()
    # a column for the disagreements of bilingual agreements only where there are some
    # columns for the disagreements of bilingual agreements and unresolved chains only where there are some
    kinds = _KINDS + tuple(k for k in ("inconsistent", "unresolved") if any(e.get("by_kind", {}).get(k) for _, e in rows))
    for kind in kinds:
        table.add_column(kind, justify="right")
    table.add_column("total", justify="right")
    for agreement, entry in sorted(rows, key=lambda row: (row[1].get("file") or "", row[1].get("title") or "")):
        by_kind = entry.get("by_kind", {})
        table.add_row(
            _agreement_cell(entry.get("title") or agreement, entry.get("file")),
            *(str(by_kind.get(k, 0)) for k in kinds),
            str(entry["total"]),
        )
    return table


def _agreement_cell(title: str, file: str | None) -> Text:
    """The title, and under it the file's name: the PDF and the DOCX of one text share a title."""
    cell = Text(title)
    if file:
        cell.append("\n" + Path(file).name, style="dim")
    return cell


def _markup_free(text: str) -> str:
    return text.replace("[", r"\[")


def print_report(report: Report, console: Console, *, per_agreement: bool = True) -> None:
    """Write the findings, the clause summary of a diff, the per-agreement table and the failures."""
    if report.findings:
        console.print(findings_table(report))
    else:
        console.print("No findings to show.")
    summary = report.summary
    counts = ", ".join(f"{k} {v}" for k, v in summary.get("by_kind", {}).items() if v)
    console.print(
        f"Findings: {summary.get('total', len(report.findings))}" + (f" ({counts})" if counts else "")
    )
    if summary.get("reference") == "chain":
        console.print(
            f"Checked against the chain above each agreement: {summary.get('guarantees', 0)} guarantees in all,"
            " each with one verdict; the reference clause names the level it comes from."
        )
    elif summary.get("guarantees"):
        agreements = len(summary.get("by_agreement") or {}) or 1
        console.print(
            f"{'The old version' if 'clauses' in summary else 'The reference'} states {summary['guarantees']} guarantees; "
            "each agreement gets one verdict for each"
            + (f" ({agreements} agreements)." if agreements > 1 else ".")
        )
    if summary.get("ok_hidden"):
        console.print(f"{summary['ok_hidden']} ok findings hidden (--all shows them).")
    if "clauses" in summary:
        clauses = ", ".join(f"{k} {v}" for k, v in summary["clauses"].items())
        console.print(f"Clauses: {clauses}; improved guarantees: {summary.get('improved', 0)}")
    if per_agreement and summary.get("by_agreement"):
        console.print(summary_table(report))
    for failure in report.failures:
        console.print(f"[red]could not read[/] {_markup_free(failure)}")


def _snippet(snippet: str, topics: list[str]) -> Text:
    """The hit's snippet with its ``<mark>`` words highlighted, and its topics under it."""
    out = Text()
    for i, part in enumerate(re.split(r"</?mark>", snippet)):
        out.append(html.unescape(part), style="bold yellow" if i % 2 else "")
    if topics:
        out.append("\n" + ", ".join(topics), style="dim")
    return out


def search_table(results) -> Table:
    table = Table(title=f"{results.total} clause{'' if results.total == 1 else 's'}", title_justify="left", show_lines=True, expand=True)
    table.add_column("clause", no_wrap=True)
    table.add_column("agreement", ratio=1)
    table.add_column("text", ratio=3)
    for hit in results.hits:
        where = " · ".join(str(v) for v in (hit.level, hit.sector, hit.region, hit.year) if v)
        agreement = escape(hit.title or hit.agreement) + (f"\n[dim]{escape(where)}[/dim]" if where else "")
        page = f"\np. {hit.page}" if hit.page else ""
        table.add_row(escape(hit.number) + page, agreement, _snippet(hit.snippet, hit.topics))
    return table


def print_search_results(results, console: Console) -> None:
    """The hits as a table, then the eight largest counts of each facet."""
    if not results.hits:
        console.print("no clauses match")
        return
    console.print(search_table(results))
    facets = [
        f"{name}: " + ", ".join(f"{k} ({v})" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:8])
        for name, counts in results.facets.items()
        if counts
    ]
    if facets:
        console.print("\n".join(facets), style="dim", markup=False)


# ----------------------------------------------------------------------------- agreements (kelisim show)


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


# ----------------------------------------------------------------------------- scores (kelisim eval)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def scores_console(stream) -> Console:
    """Score tables are wide: at least 110 columns, a terminal's width where it is wider."""
    return Console(file=stream, soft_wrap=False, width=max(Console(file=stream).width, 110))


def _scores_table(title: str, rows) -> Table:
    table = Table(title=title)
    for name in ("lang", "clauses", "topic macro-F1", "topic P", "topic R", "modality acc", "norm P", "norm R"):
        table.add_column(name, justify="left" if name == "lang" else "right")
    for lang, s in rows:
        table.add_row(
            lang, str(s.clauses), _pct(s.topic_macro_f1), _pct(s.topic_micro.precision), _pct(s.topic_micro.recall),
            _pct(s.modality_accuracy), _pct(s.norms.precision), _pct(s.norms.recall),
        )
    return table


def print_real_scores(report, console: Console, *, labels_dir, details: bool) -> None:
    """``kelisim eval --real``: scores by language and by document on the real texts."""
    console.print(f"[bold]Real-text evaluation[/bold] of the labels in {labels_dir}: "
                  f"{len(report.documents)} documents read, {len(report.absent)} without their text")
    console.print(_scores_table("Scores by language (real texts)", sorted(report.by_language().items())))
    docs = Table(title="Documents")
    for name in ("document", "lang", "labelled", "located", "topic macro-F1", "modality", "norm P", "norm R",
                 "unassigned (gold/found)"):
        docs.add_column(name, justify="left" if name in ("document", "lang") else "right")
    for d in report.documents:
        docs.add_row(d.doc, d.language, str(d.labelled), str(d.located), _pct(d.scores.topic_macro_f1),
                     _pct(d.scores.modality_accuracy), _pct(d.scores.norms.precision), _pct(d.scores.norms.recall),
                     f"{d.unassigned_gold}/{d.unassigned_found}")
    console.print(docs)
    for d in report.documents:
        if d.missing_cues:
            console.print(f"{d.doc}: clauses not found by their cues: {', '.join(d.missing_cues)}", markup=False)
        if details:
            for m in d.mismatches:
                console.out(f"{d.doc} {m['number']}: " + "; ".join(m["problems"]), highlight=False)


def print_scores(report, console: Console, *, details: bool) -> None:
    """``kelisim eval``: scores by part and language, by topic and by document (an EvalReport)."""
    from pipeline.evaluate import METADATA_FIELDS

    mode = "gold texts (extraction only)" if report.from_text else "files, parsed end to end"
    console.print(f"[bold]Evaluation[/bold] of {len(report.documents)} gold documents in {report.gold_dir}: {mode}")

    summary = Table(title="Scores by part and language")
    for name in ("part", "lang", "clauses", "topic macro-F1", "topic micro-F1", "modality acc", "norm P", "norm R"):
        summary.add_column(name, justify="left" if name in ("part", "lang") else "right")
    for part, by_lang in report.groups().items():
        for lang, s in by_lang.items():
            if not s.clauses and lang == "all" and part != "all":
                continue
            summary.add_row(
                part, lang, str(s.clauses), _pct(s.topic_macro_f1), _pct(s.topic_micro.f1),
                _pct(s.modality_accuracy), _pct(s.norms.precision), _pct(s.norms.recall),
            )
    console.print(summary)
    by_language = report.groups()["all"]
    if by_language["all"].norms.outside:
        console.print(
            "Norms of parameters the gold never uses (the taxonomy gained them after it was written) are "
            "scored apart; norm P counting them as false: "
            + ", ".join(f"{lang} {_pct(s.norms.precision_all)} ({s.norms.outside} apart)"
                        for lang, s in by_language.items() if s.norms.outside),
            highlight=False,
        )

    overall = by_language["all"]
    topics = Table(title="Topics (all documents)")
    for name in ("topic", "support", "tp", "fp", "fn", "precision", "recall", "F1"):
        topics.add_column(name, justify="left" if name == "topic" else "right")
    for topic, c in sorted(overall.topics.items()):
        topics.add_row(topic, str(c.support), str(c.tp), str(c.fp), str(c.fn), _pct(c.precision), _pct(c.recall), _pct(c.f1))
    console.print(topics)

    docs = Table(title="Documents")
    columns = ["document", "lang", "holdout", "clause P", "clause R", "macro-F1", "modality"]
    if not report.from_text:
        columns += list(METADATA_FIELDS)
    for name in columns:
        docs.add_column(name, justify="left" if name in ("document", "lang", "holdout") else "right")
    for d in report.documents:
        row = [
            d.doc_id + (" [red](unread)[/red]" if d.error else ""), d.language or "?", "yes" if d.holdout else "no",
            _pct(d.clause_numbers.precision), _pct(d.clause_numbers.recall),
            _pct(d.scores.topic_macro_f1), _pct(d.scores.modality_accuracy),
        ]
        if not report.from_text:
            row += ["✓" if d.metadata.get(f, {}).get("exact") else "✗" for f in METADATA_FIELDS]
        docs.add_row(*row)
    console.print(docs)
    if not report.from_text:
        exact = report.metadata_exactness()
        console.print("Metadata exact: " + ", ".join(f"{f} {v['exact']}/{v['documents']}" for f, v in exact.items()))
    if details:
        for d in report.documents:
            for m in d.mismatches:
                console.out(f"{d.doc_id} {m['number']}: " + "; ".join(m["problems"]), highlight=False)


def print_findings_scores(scored, console: Console, *, details: bool) -> None:
    """``kelisim eval --findings``: recall and precision of check and diff against expected findings."""
    table = Table(title=f"Compliance findings against {scored.source} (agreements read from their PDFs)")
    for name in ("kind", "lang", "cases", "expected", "flagged", "matched", "recall", "precision",
                 "P, all flags", "must-not-flag hit", "no verdict"):
        table.add_column(name, justify="left" if name in ("kind", "lang") else "right")
    for kind in ("check", "diff"):
        for lang in ["all", *scored.languages()]:
            t = scored.totals(kind, None if lang == "all" else lang)
            if not t["cases"]:
                continue
            table.add_row(kind, lang, str(t["cases"]), str(t["expected"]), str(t["flagged"]), str(t["matched"]),
                          _pct(t["recall"]), _pct(t["precision"]), _pct(t["precision_all"]),
                          f"{t['must_not_flag_flagged']}/{t['must_not_flag']}", str(t["verdicts_missing"]))
    console.print(table)
    console.print("precision counts flags of the parameters the gold uses; 'all flags' counts every flag "
                  "(a gold written before the taxonomy gained a parameter cannot expect findings about it)")
    if details:
        for c in scored.cases:
            for k in c.missed:
                console.out(f"{c.name}: missed {k}", highlight=False)
            for k in c.extra:
                console.out(f"{c.name}: extra {k}", highlight=False)
            for k in c.outside:
                console.out(f"{c.name}: outside the gold's parameters {k}", highlight=False)
            for m in c.must_not_flag_flagged:
                console.out(f"{c.name}: must not flag {m['parameter']} {m['reference_clause']}: flagged {m['flagged']}", highlight=False)

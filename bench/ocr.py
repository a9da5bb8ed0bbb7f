"""How well kelisim reads a scan: each text PDF is scanned (bench/scanner.py) and both are read.

The reading of the original's text layer is the reference; the scan is read by OCR, one page at
a time on one core (``OMP_THREAD_LIMIT=1``, ``--jobs 1``). Per document:

- clause numbers: recall and precision of the scan's numbered clauses against the original's;
- norms equal: the share of the original's norms that the same-numbered clause of the scan has
  with the same parameter, comparator, value, unit and condition;
- CER: character error rate (Levenshtein distance / length) of the texts of the clauses found in
  both, and of the whole text (every clause, in order: what missed clauses lose counts here).
  Dashes and hyphens (- ‐ – —) count as one character: a scan does not tell an en dash from an
  em dash or a hyphen, and no reading depends on which it is; "raw" CER counts them too;
- seconds per page of reading the scan (rendering, OCR, layout, extraction).

    PYTHONPATH=. python bench/ocr.py corpora/samples/*.pdf ../shared/realdev/tmh-service-2017-2019.pdf
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner import Scanner, scan_pdf  # noqa: E402

from pipeline.analyze import read_agreement  # noqa: E402
from pipeline.ingest.common import ReadOptions  # noqa: E402
from schemas import Agreement  # noqa: E402

#: The issue's targets.
TARGETS = {"recall": 0.97, "precision": 0.97, "norms_equal": 0.95, "cer": 0.01}


@dataclass
class Comparison:
    document: str
    pages: int
    clauses: int  # numbered clauses of the original
    found: int  # numbered clauses of the scan
    matched: int
    recall: float
    precision: float
    norms: int
    norms_equal: float
    cer: float  # over clauses found in both
    cer_all: float  # over all clause text, in order
    cer_raw: float = 0.0  # over clauses found in both, dashes told apart
    chars: int = 0  # characters of the clauses found in both
    chars_all: int = 0
    seconds_per_page: float | None = None
    confidence: float | None = None
    missed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


_DASHES = str.maketrans("‐‑–—", "----")


def _fold(text: str) -> str:
    return text.translate(_DASHES)


def _norm_key(n) -> tuple:
    return (n.parameter, n.comparator, round(n.value, 6), n.unit, n.condition)


def _clause_key(clause) -> str:
    """A clause's number; in a bilingual agreement with its language ("kk:5.3"): each number is there twice."""
    return f"{clause.language}:{clause.number}" if clause.language else clause.number


def compare(original: Agreement, scan: Agreement, document: str = "") -> Comparison:
    """The scan's reading against the original's, clause by clause (by number)."""
    ours = {_clause_key(c): c for c in original.clauses if c.numbered}
    theirs = {_clause_key(c): c for c in scan.clauses if c.numbered}
    both = [n for n in ours if n in theirs]
    norms = sum(len(c.norms) for c in ours.values())
    equal = 0
    for n in both:
        equal += sum((Counter(map(_norm_key, ours[n].norms)) & Counter(map(_norm_key, theirs[n].norms))).values())
    distance = sum(Levenshtein.distance(_fold(ours[n].text), _fold(theirs[n].text)) for n in both)
    raw = sum(Levenshtein.distance(ours[n].text, theirs[n].text) for n in both)
    length = sum(len(ours[n].text) for n in both)
    whole_a = _fold("\n".join(c.text for c in original.clauses))
    whole_b = _fold("\n".join(c.text for c in scan.clauses))
    return Comparison(
        document=document, pages=original.source.pages or 0, clauses=len(ours), found=len(theirs),
        matched=len(both), recall=len(both) / len(ours) if ours else 1.0,
        precision=len(both) / len(theirs) if theirs else (1.0 if not ours else 0.0),
        norms=norms, norms_equal=equal / norms if norms else 1.0,
        cer=distance / length if length else 0.0, cer_raw=raw / length if length else 0.0,
        chars=length, chars_all=len(whole_a),
        cer_all=Levenshtein.distance(whole_a, whole_b) / len(whole_a) if whole_a else 0.0,
        confidence=scan.ocr.mean_confidence if scan.ocr else None,
        missed=tuple(n for n in ours if n not in theirs), extra=tuple(n for n in theirs if n not in ours),
    )  # fmt: skip


def measure(pdf: Path, scans: Path, scanner: Scanner) -> Comparison:
    scan = scans / f"{pdf.stem}.scan.pdf"
    scan_pdf(pdf, scan, scanner)
    original = read_agreement(pdf, ReadOptions(ocr="never"))
    start = time.perf_counter()
    read = read_agreement(scan, ReadOptions(ocr="auto", jobs=1))
    seconds = time.perf_counter() - start
    result = compare(original, read, pdf.name)
    result.seconds_per_page = seconds / max(1, result.pages)
    return result


def _line(c: Comparison) -> str:
    return (f"{c.document[:34]:34} {c.pages:3} {c.clauses:4} {c.found:4} {c.recall:6.3f} {c.precision:6.3f}"
            f" {c.norms:4} {c.norms_equal:6.3f} {c.cer * 100:6.2f} {c.cer_raw * 100:6.2f} {c.cer_all * 100:6.2f}"
            f" {c.seconds_per_page or 0:5.1f} {c.confidence or 0:5.1f}")


def _total(results: list[Comparison]) -> Comparison:
    """Pooled over documents: every clause, norm and character counts once."""
    clauses = sum(r.clauses for r in results)
    found = sum(r.found for r in results)
    matched = sum(r.matched for r in results)
    norms = sum(r.norms for r in results)
    pages = sum(r.pages for r in results)

    def weighted(field: str, weight: str) -> float:
        total = sum(getattr(r, weight) for r in results)
        return sum(getattr(r, field) * getattr(r, weight) for r in results) / total if total else 0.0

    return Comparison(
        document="all", pages=pages, clauses=clauses, found=found, matched=matched,
        recall=matched / clauses if clauses else 1.0, precision=matched / found if found else 1.0,
        norms=norms, norms_equal=weighted("norms_equal", "norms"), cer=weighted("cer", "chars"),
        cer_raw=weighted("cer_raw", "chars"), chars=sum(r.chars for r in results),
        chars_all=sum(r.chars_all for r in results),
        cer_all=weighted("cer_all", "chars_all"), seconds_per_page=weighted("seconds_per_page", "pages"),
        confidence=weighted("confidence", "pages"),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--dpi", type=int, default=Scanner.dpi, help="scanner resolution")
    parser.add_argument("--seed", type=int, default=Scanner.seed)
    parser.add_argument("--scans", type=Path, help="keep the scanned PDFs in this folder")
    parser.add_argument("--json", action="store_true", help="one JSON object per document, then the total")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    scanner = Scanner(dpi=args.dpi, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        scans = args.scans or Path(tmp)
        if not args.json:
            print(f"scanner: {scanner}")
            print(f"{'document':34} {'pp':>3} {'cl':>4} {'scan':>4} {'recall':>6} {'prec':>6} {'norm':>4}"
                  f" {'equal':>6} {'CER%':>6} {'raw%':>6} {'all%':>6} {'s/pp':>5} {'conf':>5}")
        results = []
        for pdf in args.pdfs:
            result = measure(pdf, scans, scanner)
            results.append(result)
            if args.json:
                print(json.dumps(asdict(result), ensure_ascii=False))
            else:
                print(_line(result), flush=True)
                if result.missed or result.extra:
                    print(f"{'':36}missed {', '.join(result.missed) or '-'}; extra {', '.join(result.extra) or '-'}")
    total = _total(results)
    print(json.dumps(asdict(total)) if args.json else _line(total))
    met = (total.recall >= TARGETS["recall"] and total.precision >= TARGETS["precision"]
           and total.norms_equal >= TARGETS["norms_equal"] and total.cer <= TARGETS["cer"])
    if not args.json:
        print(f"targets (recall, precision >= 0.97, norms equal >= 0.95, CER <= 1 %): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

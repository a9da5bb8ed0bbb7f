"""What reading .doc, .rtf and .odt costs, and whether it reads the same as the DOCX.

Run: ``PYTHONPATH=. .venv/bin/python bench/office.py [--files A.docx ...] [--formats doc rtf odt]``

Each DOCX (default: the corpus DOCX files) is first saved by LibreOffice as .doc, .rtf
and .odt (not timed: that only makes the inputs). Then, per file and format:
  convert   LibreOffice's conversion back to DOCX (``pipeline.ingest.office.convert``),
            a fresh headless process with its own profile, as every reading does:
            wall time, and the CPU time of LibreOffice's processes (steadier on a shared VM)
  parse     ``pipeline.ingest.parse``: conversion plus the DOCX reader
and the agreement read from it is compared with the one read from the DOCX itself:
clause numbers, clause texts and norms (parameter, comparator, value, unit,
condition) that are equal, out of the DOCX's.
Needs LibreOffice (``soffice``) on PATH.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_GLOBS = ["corpora/samples/*.docx", "corpora/general-agreement/*.docx"]


def _norms(clause) -> list[tuple]:
    return [(n.parameter, n.comparator, n.value, n.unit, n.condition) for n in clause.norms]


def compare(reference, other) -> dict[str, tuple[int, int]]:
    """(equal, of the reference's) for clause numbers, clause texts and norms, matched by clause number."""
    ours = {c.number: c for c in other.clauses}
    numbers = texts = norms = norm_total = 0
    for clause in reference.clauses:
        twin = ours.get(clause.number)
        expected = _norms(clause)
        norm_total += len(expected)
        if twin is None:
            continue
        numbers += 1
        texts += twin.text == clause.text
        found = _norms(twin)
        norms += sum(min(expected.count(n), found.count(n)) for n in set(expected))
    extra = len(set(ours) - {c.number for c in reference.clauses})
    return {
        "numbers": (numbers, len(reference.clauses)),
        "texts": (texts, len(reference.clauses)),
        "norms": (norms, norm_total),
        "extra": (extra, len(other.clauses)),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # children waited for: LibreOffice's processes
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", type=Path)
    parser.add_argument("--formats", nargs="*", default=["doc", "rtf", "odt"])
    args = parser.parse_args(argv)

    from pipeline import ingest
    from pipeline.analyze import analyze
    from pipeline.ingest import office
    from pipeline.segment import segment

    if office.soffice() is None:
        print(f"bench/office.py: LibreOffice is not installed ({office.INSTALL_HINT})")
        return 2
    files = args.files or sorted(p for pattern in CORPUS_GLOBS for p in ROOT.glob(pattern))
    header = f"{'file':36} {'fmt':4} {'KiB':>5} {'convert s':>9} {'cpu s':>6} {'parse s':>8}  numbers  texts    norms    extra"
    print(header)
    times: dict[str, list[float]] = {fmt: [] for fmt in args.formats}
    cpus: dict[str, list[float]] = {fmt: [] for fmt in args.formats}
    totals: dict[str, dict[str, list[int]]] = {fmt: {} for fmt in args.formats}
    with tempfile.TemporaryDirectory(prefix="kelisim-bench-office-") as tmp:
        tmp = Path(tmp)
        for source in files:
            reference = analyze(segment(ingest.parse(source)))
            for fmt in args.formats:
                work = tmp / f"{source.stem}-{fmt}"
                (work / "make").mkdir(parents=True)
                (work / "read").mkdir()
                made = work / f"{source.stem}.{fmt}"
                office.convert(source, "docx", work / "make", to=fmt).rename(made)
                started, cpu_before = time.perf_counter(), _children_cpu()
                office.convert(made, fmt, work / "read")
                convert_s, cpu_s = time.perf_counter() - started, _children_cpu() - cpu_before
                started = time.perf_counter()
                document = ingest.parse(made)
                parse_s = time.perf_counter() - started
                times[fmt].append(convert_s)
                cpus[fmt].append(cpu_s)
                scores = compare(reference, analyze(segment(document)))
                for key, (hit, total) in scores.items():
                    acc = totals[fmt].setdefault(key, [0, 0])
                    acc[0] += hit
                    acc[1] += total
                cells = "  ".join(f"{hit:>3}/{total:<3}" for hit, total in scores.values())
                print(f"{source.name:36} {fmt:4} {made.stat().st_size / 1024:5.0f} {convert_s:9.2f} {cpu_s:6.2f} {parse_s:8.2f}  {cells}")
    print()
    for fmt in args.formats:
        t = times[fmt]
        cells = "  ".join(f"{key} {hit}/{total}" for key, (hit, total) in totals[fmt].items())
        print(f"{fmt}: conversion per document median {statistics.median(t):.2f} s, "
              f"min {min(t):.2f}, max {max(t):.2f}, CPU median {statistics.median(cpus[fmt]):.2f} s "
              f"({len(t)} documents); {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

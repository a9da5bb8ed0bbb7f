"""The whole archive at scale: a synthetic archive, ingest, audit, incremental audit, stats.

Run: ``PYTHONPATH=. nice .venv/bin/python bench/archive.py [--agreements 300] [--new 100] [--jobs 2]``
(``--agreements 16000`` is the Federation's archive; the default is scaled down to run in minutes.)
``--tree`` only writes the archive's files (into ``--keep``, which later runs then read again instead
of generating them); ``--ingest-only`` stops after the ingest; ``--rounds N`` measures raw-pdfium and
the ingest N times, alternately, and prints each round's ratio (the machine's load moves single runs).

The archive is rendered from the corpus sources (``corpora/src``) by the corpus's own PDF and DOCX
renderers: each synthetic enterprise takes a collective agreement of the corpus as its model, with
its own name (in the title, the parties and every clause), its own figures (small integers of the
clauses moved by -2..+3) and one to three successive versions on consecutive three-year terms
between 2015 and 2029; the General, sectoral and regional agreements of the corpus are rendered for
every term, so chains resolve; one file in ten also exists as a DOCX of the same text. Sectors and
regions are those of the models (mining/Karaganda, energy/Pavlodar, healthcare/Almaty).

In one run, on the same files, it times:
  raw-pdfium   pypdfium2 ``get_text_range`` of every page, one core (the floor of text extraction)
  start-up     ``kelisim ingest`` of 2N of those files: what every run pays before its files (process
               start, imports, the pipelines and the bundled General Agreement: built once by the
               parent and shared by its forked workers on Linux, by each worker elsewhere)
  ingest       ``kelisim ingest DIR --jobs N`` end to end (process start, models, parsing, storing, index)
  texts        distinct clause texts among the stored clauses (the archive repeats its models' clauses)
  same-text    ``kelisim ingest`` of the DOCX twins, stored as second files of their PDFs' agreements
  audit        ``kelisim audit --jobs N`` of every stored agreement
  incremental  ``kelisim audit --jobs N`` after ingesting ``--new`` more agreements
  stats        ``kelisim stats annual_leave.days --by sector`` (the command, process start included)
Targets of issue 17 (at 16,000 agreements, 2 cores): ingest >= 1/3 of raw-pdfium pages/s;
audit < 30 min; incremental after 100 new < 1 min; stats < 2 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpora.render_docx import render_docx  # noqa: E402
from corpora.render_pdf import render_pdf  # noqa: E402
from corpora.source import load_source  # noqa: E402

KELISIM = [sys.executable, "-c", "from pipeline.cli import main; main()"]
TEMPLATE_YEAR = 2024
TERMS = (2015, 2018, 2021, 2024, 2027)  # three-year terms; a version follows the one before it

#: Models of collective agreements and the name each one's enterprise goes by in its texts.
MODELS = {
    "kazmetall-2024": "Kazmetall",
    "energoservice-2025": "Энергосервис",
    "energoservice-2025-kk": "Энергосервис",
    "medcentre-2024": "Городской медицинский центр",
    "medcentre-2024-kk": "Қалалық медициналық орталық",
}
HIGHER = ("general-agreement-2024-2026", "sectoral-mining-2024", "sectoral-healthcare-2024", "regional-karaganda-2024")
LATIN = ("Altyn", "Temir", "Kok", "Sary", "Zhana", "Aral", "Tau", "Dala", "Kumis", "Orda", "Nur", "Bereke")
CYRILLIC = ("Алтын", "Темір", "Көк", "Сары", "Жаңа", "Арал", "Тау", "Дала", "Күміс", "Орда", "Нұр", "Береке")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_SMALL = re.compile(r"(?<![\d.,])([2-9]|[1-5]\d)(?![\d.,%]?\d)")


def _transform(value, change):
    """Every string of a source (title, parties, front matter, headings, clause texts, table cells)
    through ``change``; numbers, norms' gold annotations and layout left as they are."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, tuple):
        return tuple(_transform(v, change) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and not type(value).__name__ == "Layout":
        updates = {f.name: _transform(getattr(value, f.name), change) for f in dataclasses.fields(value)
                   if f.name not in ("path", "norms", "layout", "number", "marker", "topics", "modality", "kind", "label")}  # fmt: skip
        return dataclasses.replace(value, **updates)
    return value


def _variant(src, *, shift: int, name: tuple[str, str] | None, rng: random.Random | None, doc_id: str):
    def change(text: str) -> str:
        text = _YEAR.sub(lambda m: str(int(m.group(0)) + shift), text)
        if name is not None:
            text = text.replace(name[0], name[1])
        if rng is not None:
            text = _SMALL.sub(lambda m: str(max(1, int(m.group(1)) + rng.randint(-2, 3))) if rng.random() < 0.3 else m.group(1), text)
        return text

    varied = _transform(src, change)
    return dataclasses.replace(varied, doc_id=doc_id)


def generate(folder: Path, count: int, *, seed: int, first: int = 0, higher: bool = True) -> dict:
    """Render ``count`` synthetic collective agreements (and, with ``higher``, the higher agreements of
    every term) into ``folder``; returns counts of files and pages."""
    rng = random.Random(seed)
    sources = {p.stem: load_source(p) for p in (ROOT / "corpora" / "src").glob("*.yaml")}
    folder.mkdir(parents=True, exist_ok=True)
    made = {"pdf": 0, "docx": 0}
    twins = folder.parent / f"{folder.name}-docx"

    def write(src, *, twin: bool) -> None:
        (folder / f"{src.doc_id}.pdf").write_bytes(render_pdf(src))
        made["pdf"] += 1
        if twin:
            twins.mkdir(exist_ok=True)
            (twins / f"{src.doc_id}.docx").write_bytes(render_docx(src))
            made["docx"] += 1

    if higher:
        for start in TERMS:
            for doc_id in HIGHER:
                write(_variant(sources[doc_id], shift=start - TEMPLATE_YEAR, name=None, rng=None,
                               doc_id=f"{doc_id}-{start}"), twin=False)  # fmt: skip
    number = first
    while number < first + count:
        model = rng.choice(sorted(MODELS))
        words = CYRILLIC if any("а" <= ch <= "я" for ch in MODELS[model].lower()) else LATIN
        new_name = f"{MODELS[model]} {rng.choice(words)} {rng.choice(words)} {number}"
        base = TERMS.index(rng.choice(TERMS[:-1]))
        for version in range(rng.randint(1, 3)):
            if number >= first + count or base + version >= len(TERMS):
                break
            start = TERMS[base + version]
            template_start = int(sources[model].valid_from[:4])
            src = _variant(sources[model], shift=start - template_start, name=(MODELS[model], new_name),
                           rng=random.Random(rng.random()), doc_id=f"synthetic-{number:05d}-{start}")  # fmt: skip
            write(src, twin=rng.random() < 0.1)
            number += 1
    return made


def _pages(folder: Path) -> tuple[int, float]:
    """Pages of every PDF and the seconds pypdfium2 takes to extract their text on one core."""
    import pypdfium2

    pages, started = 0, time.perf_counter()
    for path in sorted(folder.glob("*.pdf")):
        pdf = pypdfium2.PdfDocument(path)
        for page in pdf:
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages, time.perf_counter() - started


def _cpu() -> float:
    """Processor seconds of every finished child process (a command's workers roll up into it):
    moves less than the wall time when others share the cores."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(KELISIM + args, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"kelisim {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return seconds, done.stdout


def _archive(work: Path, args) -> dict:
    """The archive's files in ``work`` (``files``, ``files-docx``, ``new``), generated unless a run
    with the same size and seed left them there; returns the counts of files made."""
    made_at = work / "archive.json"
    wanted = {"agreements": args.agreements, "new": args.new, "seed": args.seed}
    if made_at.exists():
        made = json.loads(made_at.read_text())
        if made.pop("args") == wanted:
            return made
    for stale in ("files", "files-docx", "new", "new-docx"):
        shutil.rmtree(work / stale, ignore_errors=True)
    made = generate(work / "files", args.agreements, seed=args.seed)
    if args.new:
        made["new"] = generate(work / "new", args.new, seed=args.seed + 1, first=args.agreements, higher=False)["pdf"]
    made_at.write_text(json.dumps({**made, "args": wanted}))
    return made


def _fresh(db: Path) -> None:
    for stale in db.parent.glob(db.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, default=300, help="collective agreements in the archive")
    parser.add_argument("--new", type=int, default=100, help="agreements added before the incremental audit")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", type=Path, help="keep the archive and database in this folder (and reuse its files)")
    parser.add_argument("--tree", action="store_true", help="only write the archive's files into --keep")
    parser.add_argument("--ingest-only", action="store_true", help="stop after raw-pdfium, start-up and ingest")
    parser.add_argument("--rounds", type=int, default=1, help="raw-pdfium and ingest, alternately, this many times")
    args = parser.parse_args()
    if args.tree and args.keep is None:
        parser.error("--tree writes the archive into --keep FOLDER")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kelisim-archive-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "archive.db"
    rows = []
    try:
        started = time.perf_counter()
        made = _archive(work, args)
        rows.append(("generate", f"{made['pdf']} PDF + {made['docx']} DOCX twins", time.perf_counter() - started, ""))
        if args.tree:
            print(f"{made['pdf']} PDF + {made['docx']} DOCX twins in {work / 'files'}; {made.get('new', 0)} new in {work / 'new'}")
            return
        few = sorted((work / "files").glob("*.pdf"))[: 2 * args.jobs]
        _fresh(work / "archive.db-start")
        seconds, _ = _timed(["ingest", *map(str, few), "--jobs", str(args.jobs), "--db", str(work / "archive.db-start"), "-q"])
        rows.append(("start-up", f"ingest of {len(few)} files, --jobs {args.jobs}", seconds, "process start, pipelines, General Agreement"))
        ratios = []
        for round_ in range(1, args.rounds + 1):
            tag = f" {round_}" if args.rounds > 1 else ""
            pages, raw = _pages(work / "files")
            rows.append((f"raw-pdfium{tag}", f"{pages} pages, 1 core", raw, f"{pages / raw:.0f} pages/s"))
            _fresh(db)
            cpu = _cpu()
            seconds, _ = _timed(["ingest", str(work / "files"), "--jobs", str(args.jobs), "--db", str(db), "-q"])
            cpu = _cpu() - cpu
            ratios.append(raw / seconds)
            rows.append((f"ingest{tag}", f"--jobs {args.jobs}, end to end", seconds,
                         f"{pages / seconds:.0f} pages/s = {ratios[-1]:.2f} of raw; processor {cpu:.1f} s"))  # fmt: skip
        if args.rounds > 1:
            rows.append(("ratios", ", ".join(f"{r:.3f}" for r in ratios), 0.0, f"median {statistics.median(ratios):.3f}"))
        if not args.ingest_only:
            rows += _archive_stages(work, db, made, args)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{'stage':<12} {'what':<44} {'seconds':>8}  rate")
    for stage, what, seconds, rate in rows:
        print(f"{stage:<12} {what:<44} {seconds:>8.1f}  {rate}")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


def _archive_stages(work: Path, db: Path, made: dict, args) -> list[tuple[str, str, float, str]]:
    """same-text, texts, audit, incremental and stats on the ingested archive."""
    rows = []
    twins = work / "files-docx"
    if twins.exists():
        seconds, _ = _timed(["ingest", str(twins), "--jobs", str(args.jobs), "--db", str(db), "-q"])
        conn = sqlite3.connect(db)
        copies = conn.execute("SELECT count(*) FROM sources WHERE copy_of IS NOT NULL").fetchone()[0]
        conn.close()
        rows.append(("same-text", f"{made['docx']} DOCX twins", seconds, f"{copies} stored as second files"))
    conn = sqlite3.connect(db)
    agreements = conn.execute("SELECT count(*) FROM agreements").fetchone()[0]
    clauses = conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    distinct = conn.execute("SELECT count(DISTINCT text) FROM clauses").fetchone()[0]
    conn.close()
    # The archive is varied from a few models: say how much of its text repeats, which the
    # readers' memos of words and headings meet more often than in a real archive.
    rows.append(("texts", f"{distinct} distinct of {clauses} clause texts", 0.0, f"{distinct / clauses:.2f} distinct"))
    seconds, _ = _timed(["audit", "--jobs", str(args.jobs), "--db", str(db), "--format", "json", "-q"])
    rows.append(("audit", f"{agreements} agreements, {clauses} clauses", seconds, f"{agreements / seconds:.1f} agreements/s"))
    if args.new:
        _timed(["ingest", str(work / "new"), "--jobs", str(args.jobs), "--db", str(db), "-q"])
        seconds, out = _timed(["audit", "--jobs", str(args.jobs), "--db", str(db), "--format", "json", "-q"])
        redone = json.loads(out)["summary"]["audit"]["redone"]
        rows.append(("incremental", f"after {made['new']} new: {redone} audited again", seconds, ""))
    best = min(_timed(["stats", "annual_leave.days", "--by", "sector", "--db", str(db)])[0] for _ in range(3))
    rows.append(("stats", "annual_leave.days --by sector, best of 3", best, ""))
    return rows


if __name__ == "__main__":
    main()

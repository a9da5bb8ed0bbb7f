"""Render the corpus sources into PDF and DOCX files and derive the gold JSON.

    python corpora/build.py                 # every corpora/src/*.yaml
    python corpora/build.py kazmetall-2024  # only these doc_ids

Deterministic: the same sources give the same bytes (reportlab ``invariant=1``;
DOCX packages rewritten with fixed timestamps and member order), so committed
outputs change only when sources change.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make the repository importable as it is for the tests.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpora.render_docx import render_docx  # noqa: E402
from corpora.render_pdf import render_pdf  # noqa: E402
from corpora.source import AgreementSource, SourceError, load_source  # noqa: E402

CORPORA = Path(__file__).resolve().parent

# The one document whose DOCX carries a tracked insertion and deletion (unless a
# source asks for it with layout.tracked_changes). Chosen once, so adding other
# sources never moves it.
TRACKED_CHANGES_DOC = "kazmetall-2024"


@dataclass(frozen=True)
class Outputs:
    pdf: Path
    docx: Path
    gold: Path


def output_paths(src: AgreementSource, root: Path) -> Outputs:
    """Where one source's files go: samples/, or general-agreement/ for the General Agreement."""
    folder = root / ("general-agreement" if src.is_general_agreement else "samples")
    return Outputs(
        folder / f"{src.doc_id}.pdf", folder / f"{src.doc_id}.docx", root / "gold" / f"{src.doc_id}.json"
    )


def gold(src: AgreementSource, out: Outputs) -> dict:
    """The gold record of one agreement: metadata and the hand annotations of every clause."""
    gold_dir = out.gold.parent
    return {
        "doc_id": src.doc_id,
        "files": [_relative(out.pdf, gold_dir), _relative(out.docx, gold_dir)],
        "holdout": src.holdout,
        "reference": src.reference,
        "previous_version": src.previous_version,
        "metadata": {
            "title": src.title,
            "level": src.level,
            "language": src.language,
            "parties": list(src.parties),
            "sector": src.sector,
            "region": src.region,
            "valid_from": src.valid_from,
            "valid_to": src.valid_to,
        },
        "clauses": [
            {
                "number": clause.number,
                "heading": section.heading,
                "text": clause.text,
                "topics": list(clause.topics),
                "modality": clause.modality,
                "norms": [dict(n) for n in clause.norms],
                "table": [list(r) for r in clause.table] if clause.table else None,
                **({"language": clause.language} if clause.language else {}),
            }
            for section, clause in src.clauses()
        ],
    }


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def tracked_change_wanted(src: AgreementSource) -> bool:
    return src.layout.tracked_changes or src.doc_id == TRACKED_CHANGES_DOC


def build_one(src: AgreementSource, root: Path) -> Outputs:
    """Write the PDF, DOCX and gold JSON of one source under `root`; returns their paths."""
    out = output_paths(src, root)
    for path in (out.pdf, out.docx, out.gold):
        path.parent.mkdir(parents=True, exist_ok=True)
    _write_if_changed(out.pdf, render_pdf(src))
    _write_if_changed(out.docx, render_docx(src, tracked_change=tracked_change_wanted(src)))
    text = json.dumps(gold(src, out), ensure_ascii=False, indent=2) + "\n"
    _write_if_changed(out.gold, text.encode("utf-8"))
    return out


def _write_if_changed(path: Path, data: bytes) -> None:
    # Leaves mtimes alone for unchanged outputs, so a rebuild does not look like an edit.
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def sources(src_dir: Path, doc_ids: list[str] | None = None) -> list[Path]:
    if doc_ids:
        paths = [src_dir / f"{d}.yaml" for d in doc_ids]
        missing = [p for p in paths if not p.is_file()]
        if missing:
            raise SourceError(f"no source for {', '.join(p.stem for p in missing)} in {src_dir}")
        return paths
    return sorted(src_dir.glob("*.yaml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("doc_ids", nargs="*", help="doc_ids to build (default: all sources)")
    parser.add_argument("--src", type=Path, default=CORPORA / "src", help="folder of source YAML files")
    parser.add_argument(
        "--out", type=Path, default=CORPORA, help="root for samples/, general-agreement/, gold/"
    )
    args = parser.parse_args(argv)
    failed = 0
    try:
        paths = sources(args.src, args.doc_ids)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        try:
            src = load_source(path)
            build_one(src, args.out)
        except SourceError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        n = sum(1 for _ in src.clauses())
        print(f"{src.doc_id}: {n} clauses")
    print(f"built {len(paths) - failed} of {len(paths)} sources")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

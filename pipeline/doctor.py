"""What optional parts this installation has: OCR, old Word formats, Elasticsearch.

Each part is looked up without side effects (no network, no conversion), and an
absent part says in one line how to add it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import asdict, dataclass
from importlib import metadata


@dataclass(frozen=True)
class Part:
    name: str
    present: bool
    detail: str  # version, path, languages; or how to add it
    enables: str  # what kelisim does with it

    def to_json(self) -> dict:
        return asdict(self)


def _tesseract() -> Part:
    from pipeline.ingest import ocr

    engine = ocr.engine()
    enables = "reading scanned PDFs (OCR)"
    if engine.path is None:
        return Part("tesseract", False, ocr.HOW_TO_INSTALL, enables)
    missing = [code for code in ocr.LANGUAGES.values() if code not in engine.languages]
    detail = f"{engine.version} at {engine.path}; languages {', '.join(engine.languages) or 'none of ours'}"
    if missing:
        detail += f"; missing {', '.join(missing)}: apt-get install " + " ".join(
            f"tesseract-ocr-{code}" for code in missing)
    return Part("tesseract", engine.usable, detail, enables)


def _libreoffice() -> Part:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    enables = "reading .doc, .rtf and .odt files"
    if path is None:
        return Part("libreoffice", False, "apt-get install libreoffice-writer-nogui", enables)
    return Part("libreoffice", True, path, enables)


def _elasticsearch() -> Part:
    enables = "the Elasticsearch search backend (--backend elasticsearch)"
    try:
        version = metadata.version("elasticsearch")
    except metadata.PackageNotFoundError:
        return Part("elasticsearch", False, "pip install elasticsearch", enables)
    url = os.environ.get("KELISIM_ES_URL")
    return Part("elasticsearch", True,
                f"client {version}; KELISIM_ES_URL {url or 'not set (pass --es-url)'}", enables)


def optional_parts() -> list[Part]:
    """Every optional part, present or not."""
    return [_tesseract(), _libreoffice(), _elasticsearch()]

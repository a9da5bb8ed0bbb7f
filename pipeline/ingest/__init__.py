"""Stage 1: file -> Document. One module per format, dispatched by content, not extension."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest import docx, pdf
from pipeline.ingest.common import DEFAULT_OPTIONS, MAX_FILE_BYTES, ReadOptions
from schemas import Document

PARSERS = {"pdf": pdf.parse, "docx": docx.parse}
SUFFIXES = {".pdf", ".docx"}


def detect_format(path: Path) -> str:
    """The format of a file from its first bytes: ``"pdf"`` or ``"docx"``.

    A ``.pdf`` that is really a DOCX is read as a DOCX (and the reverse): users
    rename files, and the extension is not evidence.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(1024)
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except OSError as e:
        raise InputError(path, f"cannot open file ({e.strerror or e})") from None
    if size == 0:
        raise InputError(path, "empty file")
    if size > MAX_FILE_BYTES:
        raise InputError(path, f"file too large ({size // (1024 * 1024)} MiB; limit {MAX_FILE_BYTES // (1024 * 1024)} MiB)")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            raise InputError(path, "corrupt ZIP container (not a readable DOCX)") from None
        raise InputError(path, "ZIP file without word/document.xml: not a DOCX")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE: Word encrypts a DOCX into one, and .doc is one
        raise InputError(path, docx.ole_reason(path))
    raise InputError(path, "unsupported format: neither PDF nor DOCX")


def parse(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS) -> Document:
    """Read one PDF or DOCX file into a Document. Bad input raises InputError."""
    path = Path(path)
    return PARSERS[detect_format(path)](path, options)

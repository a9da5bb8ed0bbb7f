"""Stage 1: file -> Document. One module per format, dispatched by content, not extension."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest import docx, office, pdf
from pipeline.ingest.common import DEFAULT_OPTIONS, MAX_FILE_BYTES, ReadOptions
from schemas import Document

PARSERS = {"pdf": pdf.parse, "docx": docx.parse, **office.PARSERS}
#: What a folder is searched for; a file named on its own is read whatever its extension.
SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".odt"}


def detect_format(path: Path) -> str:
    """The format of a file from its content: ``"pdf"``, ``"docx"``, ``"doc"``, ``"rtf"`` or ``"odt"``.

    A ``.pdf`` that is really a DOCX is read as a DOCX (and the reverse), and an RTF
    saved as ``.doc`` (as Word lets users do) is read as RTF: users rename files, and
    the extension is not evidence.
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
                if office.is_odt(z):
                    return "odt"
        except (zipfile.BadZipFile, zlib.error):
            raise InputError(path, "corrupt ZIP container (not a readable DOCX or ODT)") from None
        raise InputError(path, "ZIP file that is neither a DOCX (no word/document.xml) nor an ODT (no text mimetype)")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE: a .doc, or a DOCX Word encrypted
        return office.ole_format(path, head, size)
    if office.is_rtf(head):
        return "rtf"
    raise InputError(path, "unsupported format: not a PDF, DOCX, DOC, RTF or ODT file")


def parse(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS) -> Document:
    """Read one PDF, DOCX, DOC, RTF or ODT file into a Document. Bad input raises InputError."""
    path = Path(path)
    return PARSERS[detect_format(path)](path, options)

"""DOC, RTF and ODT -> Document: converted to DOCX by LibreOffice, then read by the DOCX reader.

Word 97-2003 files (.doc), RTF and OpenDocument text are formats of their own that
LibreOffice reads well; converting them to DOCX keeps one reader of word-processor
documents (automatic numbering as Word shows it, tracked changes, tables) instead of
three. LibreOffice is a system package, not a Python one: where it is absent these
files are refused with one line saying how to install it.

The conversion runs headless in a temporary folder holding a copy of the input, the
output and a LibreOffice user profile of its own, so a LibreOffice the user has open,
or a parallel worker converting another file, is neither used nor disturbed; a
conversion that outlasts ``TIMEOUT_SECONDS`` is killed with everything it started.

The Document names the original file: its path, its sha256 (so the agreement id is
that of the file the user holds) and its format.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import zipfile
from functools import partial
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest import docx
from pipeline.ingest.common import DEFAULT_OPTIONS, ReadOptions, file_source
from schemas import Document

_log = logging.getLogger(__name__)

#: What each format is called in messages.
FORMATS = {"doc": "a Word 97-2003 .doc", "rtf": "an RTF document", "odt": "an OpenDocument text (.odt)"}
#: A document converts in 1-3 s here; a long one may take tens of seconds.
TIMEOUT_SECONDS = 120.0
INSTALL_HINT = "install it with: apt-get install libreoffice-writer-nogui"

# LibreOffice's export filter per target format.
_FILTERS = {"docx": "docx:MS Word 2007 XML", "doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format", "odt": "odt:writer8"}

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# A text document's mimetype member is one short line; anything larger is not one.
_MIMETYPE_MAX_BYTES = 200


# --------------------------------------------------------------------------- sniffing


def is_rtf(head: bytes) -> bool:
    """Whether a file's first bytes open an RTF document (``{\\rtf``, after a BOM or blank lines)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf")


def is_odt(z: zipfile.ZipFile) -> bool:
    """Whether a ZIP package is an OpenDocument text: its ``mimetype`` member says so."""
    try:
        info = z.getinfo("mimetype")
    except KeyError:
        return False
    return info.file_size <= _MIMETYPE_MAX_BYTES and z.read(info).strip() == ODT_MIMETYPE


def ole_format(path: Path, head: bytes, size: int) -> str:
    """``"doc"`` for an OLE compound file holding a Word 97-2003 document; anything else
    in an OLE container (a truncated file, a password-protected DOCX, an Excel sheet)
    raises InputError saying which."""
    # The header gives the sector size (2**shift) and the directory's first sector, after the
    # header's own sector: a file cut short before it cannot be read by anyone.
    if len(head) < 512 or (shift := struct.unpack_from("<H", head, 30)[0]) not in (9, 12):
        raise InputError(path, "corrupt OLE file: its header is not that of a Word .doc")
    first_directory = struct.unpack_from("<I", head, 48)[0]
    if (first_directory + 1) * (1 << shift) + 128 > size:
        raise InputError(path, "truncated OLE file: its directory lies beyond the end of the file")
    if docx.has_ole_stream(path, "WordDocument"):
        return "doc"
    if docx.has_ole_stream(path, "EncryptedPackage"):
        raise InputError(path, docx.ENCRYPTED)
    raise InputError(path, "OLE file without a WordDocument stream: not a Word .doc (an Excel or Outlook file?)")


# --------------------------------------------------------------------------- conversion


def soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, fmt: str, folder: Path, *, to: str = "docx", timeout: float | None = None) -> Path:
    """Convert ``path`` (of format ``fmt``) to format ``to`` inside ``folder``; bad input raises InputError.

    Reading needs only ``to="docx"``; the other targets make the test fixtures and the benchmark.
    """
    binary = soffice()
    if binary is None:
        raise InputError(path, f"reading {fmt.upper()} files needs LibreOffice, which is not installed: {INSTALL_HINT}")
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    # A copy under a plain name: the user's file name may start with '-' or hold characters
    # LibreOffice's URL handling trips on, and the output is named after the input.
    source = folder / f"source.{fmt}"
    shutil.copyfile(path, source)
    if fmt == "rtf":
        _end_with_empty_paragraph(source)
    out = folder / "out"
    command = [
        binary,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        "--convert-to", _FILTERS[to],
        "--outdir", str(out),
        str(source),
    ]  # fmt: skip
    # Its own session, so a timeout kills LibreOffice's whole process group, not only the launcher.
    proc = subprocess.Popen(
        command, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise InputError(path, f"LibreOffice did not convert it within {timeout:g} s: given up") from None
    result = out / f"source.{to}"
    if not result.is_file() or result.stat().st_size == 0:
        said = _error_line(err.decode("utf-8", "replace"))
        kind = FORMATS.get(fmt, f"a {fmt.upper()}")
        raise InputError(path, f"LibreOffice cannot open it as {kind}" + (f" ({said})" if said else ""))
    return result


def _end_with_empty_paragraph(rtf: Path) -> None:
    # LibreOffice (7.4) reads the last paragraph of an RTF without its list level, so a
    # closing "9.2 This Agreement enters into force ..." came out as a chapter "10.": an
    # empty paragraph after it keeps its level, and the DOCX reader drops empty paragraphs.
    data = rtf.read_bytes().rstrip(b"\x00 \t\r\n")
    if data.endswith(b"}"):
        rtf.write_bytes(data[:-1] + b"\\par }")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    # Not communicate(): a survivor holding the pipes would keep it waiting.
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()


def _error_line(stderr: str) -> str:
    # LibreOffice prints "Error: source file could not be loaded" and exits 0; Java warnings are noise.
    for line in stderr.splitlines():
        if line.startswith("Error:"):
            return line.removeprefix("Error:").strip()
    return ""


# --------------------------------------------------------------------------- reading


def parse(path: str | Path, options: ReadOptions = DEFAULT_OPTIONS, *, fmt: str) -> Document:
    """Read a .doc, .rtf or .odt file (``fmt``) through LibreOffice's DOCX conversion (``options``
    concern scanned pages, which these files do not have)."""
    path = Path(path)
    if fmt == "odt":  # LibreOffice would inflate a zip bomb: the DOCX reader's limits apply
        try:
            with zipfile.ZipFile(path) as z:
                docx.check_zip_directory(path, z, kind="ODT")
        except zipfile.BadZipFile as e:
            raise InputError(path, f"corrupt ZIP container (not a readable ODT: {e})") from None
    with tempfile.TemporaryDirectory(prefix="kelisim-office-") as folder:
        started = time.perf_counter()
        converted = convert(path, fmt, Path(folder))
        _log.debug("%s: converted to DOCX by LibreOffice in %.2f s", path, time.perf_counter() - started)
        try:
            document = docx.parse(converted)
        except InputError as e:
            raise InputError(path, f"LibreOffice converted it to a DOCX that cannot be read: {e.reason}") from None
    return document.model_copy(update={"source": file_source(path, fmt)})


#: The dispatcher's entries, one per format.
PARSERS = {fmt: partial(parse, fmt=fmt) for fmt in FORMATS}

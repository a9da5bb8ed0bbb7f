""".doc, .rtf and .odt: read through LibreOffice's conversion to DOCX, as the DOCX they came from.

The fixtures were saved from corpus DOCX files by LibreOffice
(``tests/fixtures/make_office_fixtures.py``). Tests that convert skip where LibreOffice
is not installed; the message for that case is tested everywhere.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import time
import zipfile
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.analyze import expand_paths, read_agreement
from pipeline.cli import cli
from pipeline.errors import InputError
from pipeline.ingest import detect_format, docx, office, parse
from pipeline.store.load import ingest_paths

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "office"
SAMPLES = ROOT / "corpora" / "samples"
sys.path.insert(0, str(FIXTURES.parent))
import make_office_fixtures  # noqa: E402

# Each fixture and the corpus DOCX LibreOffice saved it from: the table of the script that made them.
SOURCES = make_office_fixtures.FIXTURES
DOC = FIXTURES / "regional_karaganda.doc"

needs_soffice = pytest.mark.skipif(
    office.soffice() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)


@cache
def _read(path: Path):
    return read_agreement(path)


def _reason(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        parse(path)
    assert path.name in str(caught.value) and "\n" not in str(caught.value)
    return caught.value.reason


def _norms(agreement) -> dict[str, list[tuple]]:
    return {c.number: [(n.parameter, n.comparator, n.value, n.unit, n.condition) for n in c.norms]
            for c in agreement.clauses}


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize("name, fmt", [(name, Path(name).suffix[1:]) for name in SOURCES])
def test_office_format_is_detected_from_content(name, fmt, tmp_path):
    assert detect_format(FIXTURES / name) == fmt
    renamed = tmp_path / "agreement.pdf"  # the extension is not evidence
    shutil.copy(FIXTURES / name, renamed)
    assert detect_format(renamed) == fmt


def test_office_folders_are_searched_for_old_formats(tmp_path):
    for name in ("a.doc", "b.RTF", "c.odt", "d.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.doc", "b.RTF", "c.odt"]


# --------------------------------------------------------------------------- the same agreement as the DOCX


@needs_soffice
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_office_file_reads_as_the_docx_it_came_from(name):
    fixture, original = FIXTURES / name, SOURCES[name]
    ours, reference = _read(fixture), _read(original)
    assert [(c.number, c.heading, c.text) for c in ours.clauses] == [
        (c.number, c.heading, c.text) for c in reference.clauses]
    assert _norms(ours) == _norms(reference) and any(_norms(reference).values())
    assert [(c.topics, c.modality) for c in ours.clauses] == [(c.topics, c.modality) for c in reference.clauses]
    fields = ("title", "level", "language", "parties", "sector", "region", "valid_from", "valid_to")
    assert {f: getattr(ours, f) for f in fields} == {f: getattr(reference, f) for f in fields}


@needs_soffice
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_office_agreement_records_the_original_file_and_format(name):
    fixture = FIXTURES / name
    source = _read(fixture).source
    assert source.path == str(fixture)
    assert source.format == fixture.suffix[1:]
    assert source.sha256 == hashlib.sha256(fixture.read_bytes()).hexdigest()
    assert _read(fixture).id != _read(SOURCES[name]).id


@needs_soffice
def test_office_rtf_last_numbered_paragraph_keeps_its_level():
    """LibreOffice's RTF import read a document's last paragraph without its list level:
    Kazmetall's closing clause 9.2 (its validity) came out as a chapter "10."."""
    agreement = _read(FIXTURES / "numbered_last_paragraph.rtf")
    last = agreement.clauses[-1]
    assert last.number == "9.2" and last.text.startswith("This Agreement enters into force on 1 January 2024")
    assert str(agreement.valid_to) == "2026-12-31"


@needs_soffice
def test_office_rtf_saved_as_doc_is_read_as_rtf(tmp_path):
    """Word lets users save RTF with a .doc name: the content decides."""
    path = tmp_path / "agreement.doc"
    shutil.copy(FIXTURES / "regional_karaganda.rtf", path)
    document = parse(path)
    assert document.source.format == "rtf" and document.source.path == str(path)
    assert document.blocks


@needs_soffice
def test_office_show_json_names_the_odt(tmp_path):
    result = CliRunner().invoke(cli, ["show", str(FIXTURES / "regional_karaganda.odt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"format": "odt"' in result.output


# --------------------------------------------------------------------------- bad input


def test_office_text_file_named_doc_is_unsupported(tmp_path):
    path = tmp_path / "minutes.doc"
    path.write_text("Minutes of the meeting of the trade union committee.\n", encoding="utf-8")
    assert _reason(path) == "unsupported format: not a PDF, DOCX, DOC, RTF or ODT file"


def test_office_truncated_doc_is_refused_before_conversion(tmp_path):
    path = tmp_path / "truncated.doc"
    path.write_bytes(DOC.read_bytes()[: DOC.stat().st_size // 2])
    assert _reason(path) == "truncated OLE file: its directory lies beyond the end of the file"


def test_office_ole_file_without_word_stream_is_not_a_doc(tmp_path):
    """An Excel sheet or an Outlook message is an OLE file too; only a WordDocument stream makes a .doc."""
    path = tmp_path / "sheet.doc"
    name = "WordDocument".encode("utf-16-le")
    assert name in DOC.read_bytes()
    path.write_bytes(DOC.read_bytes().replace(name, "Workbook\0\0\0\0".encode("utf-16-le")))
    assert _reason(path).startswith("OLE file without a WordDocument stream: not a Word .doc")


def test_office_odt_that_is_a_zip_of_junk_is_refused(tmp_path):
    path = tmp_path / "junk.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.bin", os.urandom(3000))
        z.writestr("readme.txt", "not a document")
    assert _reason(path).startswith("ZIP file that is neither a DOCX")


def test_office_odt_zip_bomb_is_refused_before_conversion(tmp_path, monkeypatch):
    monkeypatch.setattr(docx, "MAX_MEMBER_BYTES", 10_000)
    monkeypatch.setattr(office, "soffice", lambda: pytest.fail("LibreOffice must not see a zip bomb"))
    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", office.ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", b"<" + bytes(50_000))
    assert _reason(path).startswith("ODT part content.xml would inflate to")


@needs_soffice
def test_office_odt_with_junk_content_is_one_line_from_libreoffice(tmp_path):
    path = tmp_path / "junk.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", office.ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", os.urandom(3000))
    assert _reason(path).startswith("LibreOffice cannot open it as an OpenDocument text (.odt)")


@needs_soffice
def test_office_damaged_doc_is_one_line_from_libreoffice(tmp_path):
    """The container is sound, the Word stream inside it is garbage."""
    data = bytearray(DOC.read_bytes())
    data[512 : len(data) // 2] = bytes(range(256)) * ((len(data) // 2 - 512) // 256) + bytes((len(data) // 2 - 512) % 256)
    path = tmp_path / "damaged.doc"
    path.write_bytes(bytes(data))
    assert detect_format(path) == "doc"
    assert _reason(path).startswith("LibreOffice cannot open it as a Word 97-2003 .doc")


def _processes_naming(folder: Path, *, within: float = 0.0) -> list[int]:
    """Processes whose command line names ``folder``, once none is left or ``within`` seconds
    have passed (a process killed with SIGKILL takes a moment to finish dying)."""
    deadline = time.monotonic() + within
    while (pids := _naming(folder)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


def _naming(folder: Path) -> list[int]:
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(folder).encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except OSError:  # the process ended while we looked
            continue
    return pids


@needs_soffice
def test_office_conversion_past_its_timeout_is_one_line(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        office.convert(DOC, "doc", folder, timeout=0.3)
    assert caught.value.reason == "LibreOffice did not convert it within 0.3 s: given up"
    assert _processes_naming(folder, within=5) == []


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to list processes")
def test_office_timeout_kills_the_launcher_and_what_it_started(tmp_path, monkeypatch):
    """soffice is a launcher that starts soffice.bin: killing the launcher alone leaves the
    converter running. A stand-in launcher starts a long-lived child the same way."""
    launcher = tmp_path / "soffice"
    launcher.write_text(f'#!/bin/sh\n"{sys.executable}" -c "import time; time.sleep(300)" "$@" &\nwait\n')
    launcher.chmod(0o755)
    monkeypatch.setattr(office, "soffice", lambda: str(launcher))
    folder = tmp_path / "work"
    folder.mkdir()
    try:
        with pytest.raises(InputError):
            office.convert(DOC, "doc", folder, timeout=0.5)
        assert _processes_naming(folder, within=5) == []
    finally:
        for pid in _processes_naming(folder):
            os.kill(pid, 9)


def test_office_without_libreoffice_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    reason = _reason(DOC)
    assert reason == ("reading DOC files needs LibreOffice, which is not installed: "
                      "install it with: apt-get install libreoffice-writer-nogui")


def test_office_show_without_libreoffice_exits_3_with_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["show", str(DOC)], env={"PATH": str(tmp_path)})
    assert result.exit_code == 3
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "regional_karaganda.doc" in lines[0] and "libreoffice-writer-nogui" in lines[0]


def test_office_ole_header_without_sectors_is_corrupt(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert _reason(path) == "corrupt OLE file: its header is not that of a Word .doc"


@needs_soffice
def test_office_folder_ingests_in_parallel_workers(tmp_path):
    """Two workers convert at once, each LibreOffice with its own profile; the database keeps each format."""
    folder = tmp_path / "agreements"
    folder.mkdir()
    for name in ("regional_karaganda.doc", "regional_karaganda.rtf", "regional_karaganda.odt"):
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "notes.doc").write_text("not a document", encoding="utf-8")
    db = tmp_path / "k.db"
    report = ingest_paths([folder], db, jobs=2)
    assert len(report.ingested) == 3
    assert len(report.failed) == 1 and "notes.doc: unsupported format" in report.failed[0]
    with sqlite3.connect(db) as conn:
        formats = sorted(row[0] for row in conn.execute("SELECT format FROM sources"))
    assert formats == ["doc", "odt", "rtf"]

"""Fuzzing the PDF and DOCX readers with mutations of real corpus files.

Every mutated file must end in a parsed agreement or in one clean error line
("FILE: reason"): never an exception, never an "internal error" (a traceback
turned into a line), never a read longer than the per-file timeout. The runs
are derandomised and bounded so the whole module stays under ~30 s in CI; set
KELISIM_FUZZ_EXAMPLES for a longer hunt.
"""

from __future__ import annotations

import faulthandler
import io
import os
import signal
import zipfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.analyze import read_outcome
from schemas import Agreement

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpora" / "samples"
PER_FILE_TIMEOUT_S = 10
EXAMPLES = int(os.environ.get("KELISIM_FUZZ_EXAMPLES", "30"))

PDFS = [SAMPLES / "kazmetall-2024.pdf", ROOT / "tests" / "fixtures" / "pdf" / "tariff_table.pdf"]
DOCXS = [
    SAMPLES / "kazmetall-2024.docx",
    ROOT / "tests" / "fixtures" / "docx" / "auto_numbering_multilevel.docx",
]

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class Hang(Exception):
    """A read that outlived the per-file timeout; ``read_outcome`` reports it as an internal error."""


@contextmanager
def _per_file_timeout(seconds: float):
    def _raise(signum, frame):
        raise Hang(f"still reading after {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    # A hang inside C code never returns to Python to see the alarm: dump where it is and stop.
    faulthandler.dump_traceback_later(seconds * 3, exit=True)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        faulthandler.cancel_dump_traceback_later()


def _assert_clean_outcome(path: Path, data: bytes) -> str:
    """Read ``data`` as a file; returns what became of it, for ``--hypothesis-show-statistics``."""
    path.write_bytes(data)
    with _per_file_timeout(PER_FILE_TIMEOUT_S):
        _, agreement, error = read_outcome(path)
    if agreement is not None:
        assert isinstance(agreement, Agreement) and error is None
        return "parsed"
    assert error is not None
    assert error.startswith(f"{path}: ") and "\n" not in error, error
    assert "internal error" not in error and "Traceback" not in error, error
    return "refused: " + error.removeprefix(f"{path}: ").split("(")[0].split(":")[0].strip()[:40]


# --------------------------------------------------------------------------- what the fuzzer found

# (source, mutations) the longer hunts (KELISIM_FUZZ_EXAMPLES=300) found, kept as fixed cases.
FOUND = [
    # Five bytes inside a compressed content stream: a text matrix scaled to 3e29 points made the
    # column finder allocate one counter per point (OverflowError).
    (SAMPLES / "kazmetall-2024.pdf", [("insert", 0.9502878608256893, b"!#,N#")]),
]


@pytest.mark.parametrize(("source", "edits"), FOUND, ids=lambda v: getattr(v, "name", None))
def test_inputs_the_fuzzer_found_read_cleanly(tmp_path, source, edits):
    _assert_clean_outcome(tmp_path / f"found{source.suffix}", _apply(source.read_bytes(), edits))


def test_a_zip_whose_members_start_before_the_file_is_a_clean_error(tmp_path):
    """Found by the fuzzer: a larger central-directory offset in the end record puts the first member
    before the file's start; zipfile's seek then failed with OSError (EINVAL), reported as an internal error."""
    data = bytearray((SAMPLES / "kazmetall-2024.docx").read_bytes())
    end = data.rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[end + 16 : end + 20], "little")
    data[end + 16 : end + 20] = (offset + 1000).to_bytes(4, "little")
    path = tmp_path / "offset.docx"
    _assert_clean_outcome(path, bytes(data))
    assert read_outcome(path)[2].startswith(f"{path}: corrupt ZIP container")


def test_a_malformed_xml_part_is_one_line(tmp_path):
    """Found by the fuzzer: a NUL byte in docProps/core.xml gave lxml's two-line message as the error."""
    members = _members(SAMPLES / "kazmetall-2024.docx")
    members["docProps/core.xml"] = members["docProps/core.xml"].replace(b"</dc:creator>", b"</dc:c\x00eator>")
    path = tmp_path / "nul.docx"
    _assert_clean_outcome(path, _zip(members))
    assert "malformed XML in docProps/core.xml" in read_outcome(path)[2]


def test_words_beyond_any_page_are_read_as_one_column():
    from pipeline.ingest.pdf.layout import Word, find_gutter

    rows = [[Word(0, 50, 800 - 20 * k, 790 - 20 * k, "word"), Word(3e29, 3e29 + 10, 800 - 20 * k, 790 - 20 * k, "x")]
            for k in range(5)]  # fmt: skip
    assert find_gutter(rows) is None


# --------------------------------------------------------------------------- mutations of bytes

_byte_edits = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=256)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 4096)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 4096)),
)


def _apply(data: bytes, edits) -> bytes:
    for kind, where, arg in edits:
        at = int(where * len(data))
        if kind == "flip":
            data = data[:at] + arg + data[at + len(arg) :]
        elif kind == "insert":
            data = data[:at] + arg + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + arg :]
        elif kind == "truncate":
            data = data[:at]
        else:
            data = data[:at] + data[at : at + arg] * 3 + data[at:]
    return data


# PDF structure words whose damage reaches the parser's deeper paths: object numbers, xref, streams.
_PDF_TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"startxref", b"/Length", b"/Filter",
               b"/Kids", b"/Count", b"/Font", b"/Contents", b"trailer", b"/Root"]  # fmt: skip


@st.composite
def _pdf_token_edit(draw, data: bytes) -> bytes:
    token = draw(st.sampled_from(_PDF_TOKENS))
    hits = [i for i in range(len(data)) if data.startswith(token, i)] or [0]
    at = draw(st.sampled_from(hits[:200]))
    replacement = draw(st.sampled_from([b"", b"0", b"99999999", b"-1", token[::-1], b"(" * 64, b"<<" * 64]))
    return data[:at] + replacement + data[at + len(token) :]


@pytest.mark.parametrize("source", PDFS, ids=lambda p: p.name)
@FUZZ
@given(edits=st.lists(_byte_edits, min_size=1, max_size=4), data=st.data())
def test_fuzz_pdf_reader(tmp_path, source, edits, data):
    mutated = _apply(_read(source), edits)
    if data.draw(st.booleans()):
        mutated = data.draw(_pdf_token_edit(mutated))
    event(_assert_clean_outcome(tmp_path / "fuzzed.pdf", mutated))


# --------------------------------------------------------------------------- mutations of DOCX parts


@cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


@cache
def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


_XML_TOKENS = [b"<w:p>", b"</w:p>", b"<w:numPr>", b"w:ilvl", b"w:numId", b"<w:tbl>", b"</w:tc>", b"w:val=\"",
               b"<w:t>", b"</w:t>", b"w:abstractNumId", b"w:lvlText", b"<w:rPr>", b"r:id"]  # fmt: skip


@st.composite
def _docx_edit(draw, members: dict[str, bytes]) -> dict[str, bytes]:
    members = dict(members)
    kind = draw(st.sampled_from(["part-bytes", "xml-token", "drop-part", "zip-bytes"]))
    names = sorted(members)
    name = draw(st.sampled_from([n for n in names if n.endswith(".xml")] or names))
    if kind == "part-bytes":
        members[name] = _apply(members[name], draw(st.lists(_byte_edits, min_size=1, max_size=3)))
    elif kind == "xml-token":
        body = members[name]
        token = draw(st.sampled_from(_XML_TOKENS))
        hits = [i for i in range(len(body)) if body.startswith(token, i)][:200] or [0]
        at = draw(st.sampled_from(hits))
        replacement = draw(
            st.sampled_from([b"", token * 50, b'w:val="999999"', b"<w:p>" * 200, b"&#0;", b"]]>"])
        )
        members[name] = body[:at] + replacement + body[at + len(token) :]
    elif kind == "drop-part":
        members.pop(name)
    return members


@pytest.mark.parametrize("source", DOCXS, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_fuzz_docx_reader(tmp_path, source, data):
    members = data.draw(_docx_edit(_members(source)))
    blob = _zip(members)
    if data.draw(st.booleans()):
        blob = _apply(blob, data.draw(st.lists(_byte_edits, min_size=1, max_size=2)))
    event(_assert_clean_outcome(tmp_path / "fuzzed.docx", blob))

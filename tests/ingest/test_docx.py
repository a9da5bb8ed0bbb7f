"""DOCX -> Document on real files: fixtures made by tests/fixtures/make_docx_fixtures.py.

Golden files: ``<fixture>.expected.json`` beside each ``<fixture>.docx``. Regenerate
with ``KELISIM_REGEN_GOLDEN=1``; a missing expected file fails, it is never written
silently (and a regenerated one must be read before it is committed).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest import docx, parse
from schemas import Document

FIXTURES = Path(__file__).parents[1] / "fixtures" / "docx"
GOLDEN = sorted(p.stem for p in FIXTURES.glob("*.docx") if p.stem != "encrypted")
REGEN = os.environ.get("KELISIM_REGEN_GOLDEN") == "1"


def _comparable(document: Document) -> dict:
    """What a golden file pins down: blocks and warnings, not the path or hash of the copy."""
    blocks = [b.model_dump(mode="json", exclude_defaults=True) for b in document.blocks]
    return {"blocks": blocks, "warnings": list(document.warnings)}


def assert_matches_golden(actual: dict, expected_path: Path) -> None:
    """The one compare helper for golden files: equal, or regenerated on request, or fail."""
    if REGEN:
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    if not expected_path.exists():
        pytest.fail(f"missing golden file {expected_path}: run with KELISIM_REGEN_GOLDEN=1 and review it")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("name", GOLDEN)
def test_docx_matches_golden(name):
    document = docx.parse(FIXTURES / f"{name}.docx")
    assert_matches_golden(_comparable(document), FIXTURES / f"{name}.expected.json")


def test_docx_fixtures_all_have_golden_files():
    assert len(GOLDEN) >= 8
    missing = [n for n in GOLDEN if not (FIXTURES / f"{n}.expected.json").exists()]
    assert missing == []


def _blocks(name):
    return docx.parse(FIXTURES / f"{name}.docx").blocks


def _texts(name):
    return [b.text for b in _blocks(name) if b.kind == "text"]


# --------------------------------------------------------------------------- body text


def test_docx_dispatch_by_content_reaches_docx_parser(tmp_path):
    renamed = tmp_path / "agreement.pdf"
    renamed.write_bytes((FIXTURES / "tables.docx").read_bytes())
    document = parse(renamed)
    assert document.source.format == "docx"
    assert document.blocks[0].label == "1."


def test_docx_blank_paragraphs_are_skipped():
    texts = _texts("auto_numbering_multilevel")
    assert "" not in texts
    assert len(texts) == 14


def test_docx_tracked_changes_keep_insertions_and_drop_deletions():
    texts = _texts("tracked_changes")
    assert texts[0] == "The Employer shall pay not less than two monthly salaries."
    assert "An inserted clause." in texts
    assert not any("deleted clause" in t for t in texts)
    assert not any("up to" in t for t in texts)


def test_docx_moved_text_appears_once_at_its_destination():
    texts = _texts("tracked_changes")
    assert [t for t in texts if "Moved sentence." in t] == ["Kept text. Moved sentence."]


def test_docx_deleted_paragraph_mark_joins_the_next_paragraph():
    assert "A clause whose paragraph mark was deleted joins the next paragraph." in _texts("tracked_changes")


def test_docx_numbered_paragraph_deleted_whole_is_not_counted():
    """Bug guard: counting a deleted list item shifts every later clause number by one."""
    labelled = [(b.label, b.text) for b in _blocks("tracked_changes") if b.label]
    assert labelled == [
        ("1.", "First numbered clause."),
        ("2.", "Second numbered clause: the deleted one is not counted."),
    ]


def test_docx_field_codes_are_not_text_but_their_results_are():
    texts = _texts("tracked_changes")
    assert "See clause 5.3." in texts
    assert not any("REF" in t for t in texts)


def test_docx_soft_breaks_before_hand_typed_items_become_newlines():
    texts = _texts("tracked_changes")
    assert "The Employer shall:\na) pay wages;\nb) grant leave." in texts
    assert "A line broken by hand inside a sentence." in texts


def test_docx_hidden_text_and_content_controls():
    texts = _texts("tracked_changes")
    assert "Visible text." in texts
    assert "Inside a content control." in texts
    assert "Tab separated and linked inline control." in texts


def test_docx_bold_only_when_every_run_is_bold():
    by_text = {b.text: b for b in _blocks("tracked_changes")}
    assert by_text["All bold runs."].bold is True
    assert by_text["Partly bold."].bold is False


def test_docx_bold_inherited_from_heading_style():
    heading = _blocks("numbering_from_style")[0]
    assert (heading.style, heading.bold) == ("Heading 1", True)


def test_docx_headers_footers_and_their_text_boxes_stay_out_of_the_body():
    texts = _texts("header_footer")
    assert texts == [
        "Body paragraph one.",
        "Body paragraph with a text box.",
        "Body text box",
        "Body paragraph two.",
    ]


def test_docx_text_box_with_fallback_is_read_once():
    """Bug guard: a text box is stored twice (DrawingML choice and VML fallback)."""
    assert _texts("header_footer").count("Body text box") == 1


# --------------------------------------------------------------------------- tables


def test_docx_table_block_in_document_order():
    blocks = _blocks("tables")
    assert [b.kind for b in blocks] == ["text", "table", "text"]


def test_docx_table_merged_cells_repeat_their_text():
    rows = _blocks("tables")[1].table.rows
    assert rows[0] == ("Grade", "Pay", "Pay")
    assert [r[2] for r in rows[1:]] == ["Applies to grades 1-3"] * 3


def test_docx_nested_table_is_flattened_into_its_cell():
    rows = _blocks("tables")[1].table.rows
    assert rows[2][0] == "2\nnested a\nnested b"


def test_docx_numbering_counts_through_table_cells():
    blocks = _blocks("tables")
    assert blocks[1].table.rows[3][1] == "1.5\n2. numbered inside a cell"
    assert blocks[2].label == "3."


# --------------------------------------------------------------------------- bad input


def test_docx_empty_document_gives_no_blocks_and_a_warning(tmp_path):
    path = tmp_path / "empty.docx"
    python_docx.Document().save(path)
    document = docx.parse(path)
    assert document.blocks == ()
    assert document.warnings == ("the DOCX body has no text",)


def _reason(path) -> str:
    with pytest.raises(InputError) as info:
        docx.parse(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    return info.value.reason


def test_docx_corrupt_zip_is_refused(tmp_path):
    path = tmp_path / "corrupt.docx"
    path.write_bytes((FIXTURES / "tables.docx").read_bytes()[:4000])
    assert "corrupt ZIP" in _reason(path)


def test_docx_zip_without_document_xml_is_refused(tmp_path):
    path = tmp_path / "not_word.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "without word/document.xml" in _reason(path)


def _copy_with(tmp_path, name, replace: dict[str, bytes], source: Path = FIXTURES / "tables.docx") -> Path:
    path = tmp_path / name
    with (
        zipfile.ZipFile(source) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, replace.get(item.filename, src.read(item.filename)))
    return path


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    """A 500 MiB member of zeros packs to about 500 KB: the directory gives it away."""
    path = _with_zeros(tmp_path, "bomb.docx", 500)
    assert path.stat().st_size < 4 * 1024 * 1024  # about 2.3 MB at deflate level 1
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    reason = _reason(path)
    assert "zip bomb" in reason and "word/media/zeros.bin" in reason and "500 MiB" in reason
    assert "word/media/zeros.bin" not in opened  # refused from the directory, not by inflating


def test_docx_member_under_size_limit_but_compressing_1000_to_1_is_refused(tmp_path):
    reason = _reason(_with_zeros(tmp_path, "ratio.docx", 20))
    assert "compresses" in reason and "zip bomb" in reason


def _with_zeros(tmp_path, name, mebibytes) -> Path:
    """A real DOCX plus a member of zeros, streamed so the test never holds it in memory."""
    path = _copy_with(tmp_path, name, {})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("word/media/zeros.bin", "w", force_zip64=True) as f:
            block = bytes(1 << 20)
            for _ in range(mebibytes):
                f.write(block)
    return path


def test_docx_many_compressible_parts_over_total_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(docx, "MAX_UNCOMPRESSED_BYTES", 100_000)
    path = _copy_with(tmp_path, "big.docx", {})
    assert "limit" in _reason(path) and "zip bomb" in _reason(path)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""


def test_docx_xml_entity_bomb_is_refused(tmp_path):
    path = _copy_with(tmp_path, "laughs.docx", {"word/document.xml": BILLION_LAUGHS})
    reason = _reason(path)
    assert "word/document.xml" in reason and "entity" in reason


def test_docx_utf16_entity_bomb_is_refused(tmp_path):
    xml = BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
    path = _copy_with(tmp_path, "laughs16.docx", {"word/document.xml": xml.decode().encode("utf-16")})
    assert "entity" in _reason(path)


def test_docx_malformed_document_xml_names_the_part(tmp_path):
    path = _copy_with(tmp_path, "malformed.docx", {"word/document.xml": b"<w:document><w:body><w:p>"})
    reason = _reason(path)
    assert reason.startswith("malformed XML in word/document.xml")


def test_docx_corrupt_compressed_stream_is_refused(tmp_path):
    """The directory is sound but word/document.xml's deflate data is garbage."""
    source = FIXTURES / "tables.docx"
    with zipfile.ZipFile(source) as z:
        info = z.getinfo("word/document.xml")
    data = bytearray(source.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 20 : start + 220] = bytes(range(200))
    path = tmp_path / "garbled.docx"
    path.write_bytes(bytes(data))
    assert "corrupt ZIP" in _reason(path)


def test_docx_legacy_ole_word_file_is_named_as_such(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert _reason(path) == "legacy Word .doc or other OLE file: save it as DOCX"


def test_docx_password_protected_file_is_named_as_such():
    reason = _reason(FIXTURES / "encrypted.docx")
    assert reason.startswith("password-protected (encrypted) DOCX")


def test_docx_dispatcher_refuses_encrypted_file_without_traceback():
    with pytest.raises(InputError) as caught:
        parse(FIXTURES / "encrypted.docx")
    assert "password-protected (encrypted) DOCX" in caught.value.reason


# --------------------------------------------------------------------------- speed


def test_docx_forty_pages_keep_their_numbering_to_the_end(tmp_path):
    """A long document: every paragraph read, the counters still right on page 40.
    (Its speed is measured by bench/ingest.py, not here.)"""
    spec = importlib.util.spec_from_file_location(
        "make_docx_fixtures", FIXTURES.parent / "make_docx_fixtures.py"
    )
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    path = tmp_path / "forty_pages.docx"
    maker.many_pages().save(path)
    document = docx.parse(path)
    assert len(document.blocks) == 490
    assert document.blocks[-1].label == "16.10.1."


# --------------------------------------------------------------------------- hostile values

_ODD_VALUES = ["-1", "0", "8", "9", "99999999999999999999", "abc", "", "1.5", "%1", "٣"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_docx_odd_attribute_values_never_raise_anything_but_input_error(tmp_path, data):
    """Every numeric w:val in numbering, styles and body replaced by odd strings: no traceback."""
    fixture = data.draw(st.sampled_from(["tables", "numbering_from_style", "auto_numbering_start_override"]))
    replaced = {}
    with zipfile.ZipFile(FIXTURES / f"{fixture}.docx") as z:
        for name in ("word/document.xml", "word/numbering.xml", "word/styles.xml"):
            xml = z.read(name).decode()
            count = len(re.findall(r'(?<=w:val=")\d+(?=")', xml))
            values = iter(data.draw(st.lists(st.sampled_from(_ODD_VALUES), min_size=count, max_size=count)))
            replaced[name] = re.sub(r'(?<=w:val=")\d+(?=")', lambda _m, v=values: next(v), xml).encode()
    path = _copy_with(tmp_path, "odd.docx", replaced, source=FIXTURES / f"{fixture}.docx")
    try:
        document = docx.parse(path)
    except InputError:
        return
    assert all(len(row) <= 3 * 64 for b in document.blocks if b.table for row in b.table.rows)

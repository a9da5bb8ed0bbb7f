"""kelisim show on real files: JSON shape, readable text, and bad input with exit status 3."""

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "samples" / "kazmetall-2024.pdf"


def test_show_bad_inputs_exit_3_and_name_each_file(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    junk = tmp_path / "notes.docx"
    junk.write_text("just text, not a document", encoding="utf-8")
    result = CliRunner().invoke(cli, ["show", str(empty), str(junk), str(tmp_path / "missing.pdf")])
    assert result.exit_code == 3
    lines = [line for line in result.output.splitlines() if line.startswith("kelisim: ")]
    assert len(lines) == 3
    assert "empty.pdf: empty file" in lines[0]
    assert "notes.docx" in lines[1] and "unsupported format: not a PDF, DOCX, DOC, RTF or ODT file" in lines[1]
    assert "missing.pdf: file not found" in lines[2]
    assert "Traceback" not in result.output


def test_show_json_is_the_agreement_object_and_good_files_survive_bad_ones(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    result = CliRunner().invoke(cli, ["show", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"].startswith("ag_") and data["source"]["format"] == "pdf"
    assert data["level"] == "collective" and data["language"] == "en"
    assert data["clauses"] and all(c["id"] == f"{data['id']}:{c['number']}" for c in data["clauses"])
    mixed = CliRunner().invoke(cli, ["show", str(bad), str(SAMPLE)])
    assert mixed.exit_code == 3
    assert "bad.pdf" in mixed.output and "Collective Agreement of Kazmetall JSC" in mixed.output

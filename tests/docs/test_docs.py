"""The documentation says what the code does: the README's examples are the commands' real output,
and docs/interface.md is the shared interface contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_SPEC = ROOT.parent / "shared" / "spec" / "interface.md"


def test_readme_examples_are_the_real_output():
    """Every example block of README.md is run again; a changed output fails (make readme-examples renews them)."""
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "readme_examples.py"), "--check"],
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_readme_has_examples_of_check_diff_and_search():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("$ kelisim check ", "$ kelisim diff ", "$ kelisim search "):
        assert f"<!-- example -->\n```console\n{command}" in readme, command


def test_interface_copy_agrees_with_the_shared_contract():
    """docs/interface.md is the shared contract word for word, then what this repository adds."""
    if not SHARED_SPEC.exists():
        pytest.skip(f"{SHARED_SPEC} is not beside the repository")
    ours = (ROOT / "docs" / "interface.md").read_text(encoding="utf-8")
    assert ours.startswith(SHARED_SPEC.read_text(encoding="utf-8"))


def test_architecture_names_files_that_exist():
    """Every repository path docs/architecture.md names in backquotes is there."""
    import re

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:pipeline|extractors|schemas|tests|bench|corpora|docs)/[\w/.<>-]+)`", text))
    assert named
    absent = [p for p in sorted(named) if "<" not in p and not (ROOT / p.rstrip("/")).exists()]
    assert absent == []

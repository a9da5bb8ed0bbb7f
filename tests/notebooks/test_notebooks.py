"""Every notebook in notebooks/ runs top to bottom against the current library.

Jupyter is not a dependency: the code cells are executed in order in one
namespace, from the repository root, as a kernel would.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    namespace: dict = {"__name__": "__notebook__"}
    printed = io.StringIO()
    for n, cell in enumerate(cells, 1):
        source = "".join(cell["source"])
        with contextlib.redirect_stdout(printed):
            try:
                exec(compile(source, f"{path.name}[cell {n}]", "exec"), namespace)
            except Exception as e:  # name the cell: a notebook failure must be findable
                pytest.fail(f"{path.name}: code cell {n} raised {type(e).__name__}: {e}")
    out = printed.getvalue()
    if path.name == "walkthrough.ipynb":
        assert "Collective Agreement of Kazmetall JSC" in out
        assert "lowered" in out  # the diff of the two Kazmetall versions finds lowered guarantees
        assert namespace["results"].hits, "the Russian query found nothing"

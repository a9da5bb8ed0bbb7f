"""Reading the YAML data files that hold vocabularies, rules and the taxonomy: one loader for all.

Files are read with PyYAML's libyaml binding (``CSafeLoader``, in the PyYAML wheels):
the same safe types as the pure-Python parser, about ten times faster on the rule files
(bench/README.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(source: Path | str) -> Any:
    """The data of a YAML file (a ``Path``) or of YAML text (a ``str``), safe types only."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader

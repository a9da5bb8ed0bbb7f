"""Which extractor modules setup.py compiles to C with mypyc, and whether the compiled ones are used.

Compiled, the same code extracts in about 0.83 of the time (the README's
"Measured"). The plain modules stay beside them and are the reference:
``KELISIM_PURE_PYTHON=1`` runs them instead, at install time (nothing is
compiled, no C compiler needed) or at run time (the compiled files are left
alone).

A compiled module is a copy of its source at build time. An editable install
keeps it beside the source, and Python prefers it, so a module edited since
would silently not run. The build therefore records each source's SHA-256
(:data:`RECORD`); when a source no longer matches, every module of the list runs
from source (they call each other directly once compiled, so all or none), with
one warning saying how to compile them again.

This module is never compiled, imports nothing heavy, and is read by setup.py
as a plain file.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path

# The hot modules (extraction time, py-spy). Their factories live in extractors/factories.py,
# which is not compiled: spaCy reads a factory's signature, and a compiled function has none.
MODULES = ("regexes", "patterns", "quantities", "units", "norms", "topics", "modality", "extensions")
GROUP = "native"  # the compiled modules' shared library: extractors/native__mypyc.*.so
RECORD = "compiled-sources.json"  # written by setup.py beside the modules: module -> SHA-256 of its source
PURE_ENV = "KELISIM_PURE_PYTHON"

HERE = Path(__file__).resolve().parent


def source_digests(folder: Path = HERE) -> dict[str, str]:
    """Module -> SHA-256 of its source file, for every module of :data:`MODULES`."""
    return {name: hashlib.sha256((folder / f"{name}.py").read_bytes()).hexdigest() for name in MODULES}


def compiled_files(folder: Path = HERE) -> dict[str, Path]:
    """Module -> its compiled file in ``folder``, for the modules that have one."""
    found = {}
    for name in MODULES:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.exists():
                found[name] = path
                break
    return found


def why_source(folder: Path = HERE, environ: Mapping[str, str] | None = None) -> str | None:
    """Why the compiled modules in ``folder`` must not run (None: they may, or there are none)."""
    compiled = compiled_files(folder)
    if not compiled:
        return None
    if (os.environ if environ is None else environ).get(PURE_ENV):
        return f"{PURE_ENV} is set"
    missing = [name for name in MODULES if name not in compiled]
    if missing:
        return f"no compiled {', '.join(missing)}"
    try:
        recorded = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{RECORD} is missing or unreadable"
    changed = [name for name, digest in source_digests(folder).items() if recorded.get(name) != digest]
    if changed:
        return f"{', '.join(f'{name}.py' for name in changed)} changed since the build"
    return None


class _FromSource(importlib.abc.MetaPathFinder):
    """Finds the listed extractor modules as their source files, ahead of the compiled ones."""

    def __init__(self, folder: Path):
        self.paths = {f"extractors.{name}": folder / f"{name}.py" for name in MODULES}

    def find_spec(self, fullname, path=None, target=None):
        source = self.paths.get(fullname)
        return None if source is None else importlib.util.spec_from_file_location(fullname, source)


def choose(folder: Path = HERE) -> bool:
    """Make the ``extractors`` package run its compiled modules or, if it must not, their sources.

    Called once by ``extractors/__init__.py``, before any of them is imported.
    Returns whether the compiled modules will run.
    """
    reason = why_source(folder)
    if reason is None:
        return bool(compiled_files(folder))
    if not any(isinstance(f, _FromSource) for f in sys.meta_path):
        sys.meta_path.insert(0, _FromSource(folder))
    if not os.environ.get(PURE_ENV):
        warnings.warn(
            f"extractors: running the plain Python modules ({reason}); `make install` compiles them again",
            RuntimeWarning,
            stacklevel=2,
        )
    return False


def in_use() -> bool:
    """Whether the extractor modules imported so far are the compiled ones."""
    module = sys.modules.get("extractors.norms") or importlib.import_module("extractors.norms")
    return not str(module.__file__ or "").endswith(".py")

"""Build step beside pyproject.toml: the extractors' hot modules compiled to C by mypyc.

mypyc compiles the type-annotated Python of ``extractors.compiled.MODULES`` to a C
extension each; the sources stay in the package and run instead when
``KELISIM_PURE_PYTHON=1`` is set, here (nothing is compiled: no C compiler
needed) or at run time. The SHA-256 of each compiled source is recorded beside
it, so an edited source is never shadowed by an older compiled copy
(``extractors/compiled.py``).
"""

import json
import os
import runpy
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
_compiled = runpy.run_path(str(ROOT / "extractors" / "compiled.py"))  # a plain file: the package's needs are not installed yet


def _ext_modules() -> list:
    record = ROOT / "extractors" / _compiled["RECORD"]
    if os.environ.get(_compiled["PURE_ENV"]):
        record.unlink(missing_ok=True)
        return []
    from mypyc.build import mypycify

    modules = [f"extractors/{name}.py" for name in _compiled["MODULES"]]
    built = mypycify(modules, opt_level="3", group_name=f"extractors.{_compiled['GROUP']}")
    record.write_text(json.dumps(_compiled["source_digests"](ROOT / "extractors"), indent=1) + "\n", encoding="utf-8")
    return built


setup(ext_modules=_ext_modules())

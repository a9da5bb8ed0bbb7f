"""Fill the examples of README.md with the real output of their commands.

An example is a ``console`` code block right after a line ``<!-- example -->``; its first line
is ``$ COMMAND`` and the rest is what COMMAND prints. The commands run in order, from the
repository's root, through bash (globs and ``| head`` work as in a terminal), with this Python's
``kelisim`` first on the PATH, a clause database of their own in a temporary folder
(``$KELISIM_DB``: an ``ingest`` example stores what a later ``search`` example finds) and
tables 120 columns wide (``$COLUMNS``). Trailing spaces are dropped.

    python docs/readme_examples.py           rewrite README.md (make readme-examples)
    python docs/readme_examples.py --check   exit 1, naming each example whose output changed
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
COLUMNS = 120
_EXAMPLE = re.compile(r"(<!-- example -->\n```console\n\$ (?P<command>[^\n]+)\n)(?P<output>.*?)(```)", re.DOTALL)


def run(command: str, env: dict[str, str]) -> str:
    """What ``command`` prints on standard output and standard error, as a terminal shows them."""
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    text = done.stdout + done.stderr
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def refresh(readme: str) -> tuple[str, list[str]]:
    """README text with every example's output renewed, and the commands whose output changed."""
    changed: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "KELISIM_DB": str(Path(folder) / "kelisim.db"), "COLUMNS": str(COLUMNS),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip
        env.pop("KELISIM_ES_URL", None)

        def renew(match: re.Match) -> str:
            output = run(match["command"], env)
            if output != match["output"]:
                changed.append(match["command"])
            return match.group(1) + output + match.group(4)

        return _EXAMPLE.sub(renew, readme), changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if an example's output changed")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    renewed, changed = refresh(readme)
    if not _EXAMPLE.search(readme):
        print(f"{README}: no examples found", file=sys.stderr)
        return 1
    if args.check:
        for command in changed:
            print(f"README.md: the output of `{command}` is not what it prints now; run make readme-examples",
                  file=sys.stderr)
        return 1 if changed else 0
    README.write_text(renewed, encoding="utf-8")
    print(f"README.md: {len(_EXAMPLE.findall(readme))} examples, {len(changed)} renewed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

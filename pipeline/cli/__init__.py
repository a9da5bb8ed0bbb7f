"""Command-line interface: thin commands that parse options, call the library, format output."""

from pipeline.cli import archive, compare, doctor, evaluate, serve, show, store  # noqa: F401  (they register commands)
from pipeline.cli.app import cli


def main() -> None:
    cli(prog_name="kelisim")


__all__ = ["cli", "main"]

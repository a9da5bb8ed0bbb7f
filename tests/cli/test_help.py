"""Every command has help text with an example, and the spec's commands all exist."""

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

SPEC_COMMANDS = {"show", "ingest", "check", "diff", "search", "index", "eval"}


def _commands():
    return sorted(cli.commands)


def test_every_spec_command_exists():
    assert SPEC_COMMANDS <= set(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_command_help_has_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"kelisim {name} --help has no Example: line"
    command = cli.commands[name]
    assert isinstance(command, click.Command) and command.help


def test_unknown_option_is_usage_error_exit_2():
    result = CliRunner().invoke(cli, ["show", "--no-such-option", "x.pdf"])
    assert result.exit_code == 2


def test_the_cli_starts_without_spacy():
    """spaCy (about a second to import) loads where a clause is read, not with every command."""
    import subprocess
    import sys

    code = "import sys, pipeline.cli; print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

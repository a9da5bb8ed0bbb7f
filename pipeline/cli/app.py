"""The ``kelisim`` command group. Commands live in sibling modules and register here."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kelisim")
def cli() -> None:
    """Kelisim reads labour agreements and shows where workers' guarantees are lowered.

    Example: kelisim check corpora/samples --against general-agreement
    """

"""Reports: findings, agreements, search hits and scores at a terminal (terminal.py); findings as CSV and a self-contained HTML file.

Each format is one function ``render(report, **options) -> str`` (the table writes to a
rich console instead); :data:`RENDERERS` dispatches on the ``--format`` name.
"""

from __future__ import annotations

from pipeline.report import csv, html, terminal

RENDERERS = {"csv": csv.render, "html": html.render}

__all__ = ["RENDERERS", "csv", "html", "terminal"]

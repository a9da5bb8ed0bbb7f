"""Bargaining statistics as one self-contained HTML file: the table and the chart (inline SVG)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from pipeline.report.html import template


def inline_svg(draw) -> Markup:
    """The SVG ``draw(path)`` writes, without its XML prologue, ready to sit inside HTML.

    matplotlib escapes the texts it writes into SVG (group names come from documents)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chart.svg"
        draw(path)
        svg = path.read_text(encoding="utf-8")
    return Markup(svg[svg.index("<svg") :])


def render(stats, *, svg: Markup | None = None, placements=None, title: str | None = None) -> str:
    return template("stats.html.j2").render(
        title=title or f"Kelisim statistics: {stats.parameter if stats else 'one agreement'}",
        stats=stats, svg=svg, placements=placements or [],
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )  # fmt: skip

"""Errors that bad input raises. Tracebacks are for bugs, not for bad input."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A file that cannot be read as an agreement: one line naming the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        # Library messages quoted in a reason (lxml's, for one) may span lines; the user gets one.
        self.reason = " ".join(reason.split())
        super().__init__(f"{self.path}: {self.reason}")

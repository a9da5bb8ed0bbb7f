"""Kelisim's data model. Imports nothing else from the repository."""

from schemas.models import (
    Agreement,
    Block,
    Clause,
    Document,
    Evidence,
    Finding,
    Incorporation,
    Norm,
    NormValue,
    OcrPages,
    Report,
    Source,
    Table,
)
from schemas.taxonomy import taxonomy

__all__ = [
    "Agreement", "Block", "Clause", "Document", "Evidence", "Finding", "Incorporation", "Norm", "NormValue", "OcrPages",
    "Report", "Source", "Table", "taxonomy",
]

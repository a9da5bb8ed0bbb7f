"""Compliance: findings where a target lowers the guarantees of its reference.

Entry points: :func:`check` (targets against a higher-level reference) and
:func:`diff` (a new version against the old one). Both use the one comparison
engine of :mod:`pipeline.compliance.engine`.
"""

from pipeline.compliance.check import check
from pipeline.compliance.diff import diff
from pipeline.compliance.engine import compare, compare_norms
from pipeline.compliance.summary import flagged, select, summarise

__all__ = ["check", "diff", "compare", "compare_norms", "flagged", "select", "summarise"]

"""Whether an agreement was really read: a file that gave no clauses must never pass for a clean one.

A scan without a text layer parses without error into an agreement with no clauses;
compared with anything it would say "nothing lowered". Every stage that trusts an
agreement's clauses (a reference, an old version, a target, the clause database) asks
:func:`unread_reason` first.
"""

from __future__ import annotations

from schemas import Agreement

#: From this many pages on, fewer than one clause per this many pages means the text was mostly
#: not read (a scan with a typed cover page). Agreements read here give 5 to 20 clauses a page;
#: one with long annexes of tables still gives several clauses for every 5 pages.
PAGES_PER_CLAUSE = 5

#: How many of the parser's warnings the reason quotes.
_QUOTED_WARNINGS = 2


def unread_reason(agreement: Agreement) -> str | None:
    """Why ``agreement``'s clauses cannot be trusted to be its text, or None when they can."""
    clauses = len(agreement.clauses)
    pages = agreement.source.pages or 0
    if clauses == 0:
        reason = "no clauses read"
    elif pages >= PAGES_PER_CLAUSE and clauses * PAGES_PER_CLAUSE < pages:
        reason = f"only {clauses} clause{'s' if clauses > 1 else ''} read from {pages} pages"
    else:
        return None
    warnings = agreement.warnings[:_QUOTED_WARNINGS]
    return f"{reason} ({'; '.join(warnings)})" if warnings else reason

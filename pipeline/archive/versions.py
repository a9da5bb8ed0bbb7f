"""Successive versions of one agreement, and one text in two files.

Same text: the fingerprint of an agreement is the sha256 of its clause texts with case,
spaces and punctuation folded away, so the PDF and the DOCX of one text (whose line breaks,
hyphens and quotes differ) have one fingerprint; the store keeps such a file as the second
file of the agreement already stored (:func:`pipeline.store.database.store_agreement`). An
agreement printed in Kazakh and Russian is read version by version, so its printings one text
after the other, in two columns and in a two-column table are one text where they read alike.

Versions: two stored agreements are versions of one agreement when they are of the same kind
(level, language, sector, region), between the same parties (or, where a text names no
parties, under the same title once its years are taken out) and their terms overlap or follow
one another within :data:`MAX_GAP` (bargaining often runs past the old term's end).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from pipeline.archive.records import Record

#: The longest pause between one version's end and the next one's start that still links them.
MAX_GAP = timedelta(days=366)

_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")


def fingerprint(texts: Iterable[str], head: Iterable[str | None] = ()) -> str | None:
    """The fingerprint of clause texts under a head (term, kind, parties: an agreement prolonged word
    for word is another agreement); None when there is no text (two unread scans are not one text)."""
    folded = [_NOT_WORD.sub("", text.casefold()) for text in texts]
    if not any(folded):
        return None
    heading = [_NOT_WORD.sub("", (part or "").casefold()) for part in head]
    return hashlib.sha256("\n".join([*heading, "", *folded]).encode("utf-8")).hexdigest()


def fingerprint_texts(clauses: Iterable[tuple[str | None, str]]) -> list[str]:
    """The clause texts a fingerprint reads, from (clause language, text) in printed order: those of a
    bilingual agreement version by version, the Kazakh one first, so the printings of one text that put
    either version first (one after the other, in two columns, in a two-column table) are one text."""
    return [text for _, text in _by_version(list(clauses), key=lambda lt: lt[0])]


def _by_version(items: list, key) -> list:
    from pipeline.segment.bilingual import KAZAKH

    return sorted(items, key=lambda item: key(item) != KAZAKH)  # stable: printed order within each version


def agreement_fingerprint(agreement) -> str | None:
    """The fingerprint of an agreement: its clause texts under its head (:func:`head`)."""
    return fingerprint(fingerprint_texts((c.language, c.text) for c in agreement.clauses), head(agreement))


def head(agreement) -> tuple[str | None, ...]:
    """What besides its clauses makes an agreement this one: term, kind and parties (a model text adopted
    word for word by two employers is two agreements). The title only where no parties were read (the
    Kazakh texts here): the PDF and the DOCX of one text may give it differently (the General
    Agreement's title page set in two lines)."""
    who = sorted(agreement.parties) if agreement.parties else ["title", agreement.title]
    return (agreement.valid_from, agreement.valid_to, agreement.level, agreement.language, agreement.sector,
            agreement.region, *who)  # fmt: skip


#: How alike two texts' folded words must be (rapidfuzz ratio, 0-100) to be one text read twice:
#: a running header the PDF reader left in a clause, or OCR's misread letters, cost a point or two.
SAME_TEXT_RATIO = 97

#: One clause as same-text detection compares it: its number, its text, its norms as plain tuples.
ClauseKey = tuple[str, str, tuple]


def clause_keys(agreement) -> list[ClauseKey]:
    """Its clauses as same-text detection compares them, a bilingual agreement's version by version as
    :func:`fingerprint_texts` reads them."""
    return [
        (c.number, c.text, tuple((n.parameter, n.comparator, n.value, n.unit, n.condition) for n in c.norms))
        for c in _by_version(list(agreement.clauses), key=lambda c: c.language)
    ]


def near_same(one: list[ClauseKey], other: list[ClauseKey]) -> bool:
    """Whether two readings of clauses are one text: the same clause numbers and norms (so a version
    that changed a single figure is never taken for a copy) and words at least :data:`SAME_TEXT_RATIO` alike."""
    from rapidfuzz import fuzz

    if not one or [(n, norms) for n, _, norms in one] != [(n, norms) for n, _, norms in other]:
        return False
    def words(clauses: list[ClauseKey]) -> str:
        return "\n".join(_NOT_WORD.sub("", text.casefold()) for _, text, _ in clauses)

    return fuzz.ratio(words(one), words(other)) >= SAME_TEXT_RATIO


def _party_key(parties: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(_NOT_WORD.sub("", p.casefold()) for p in parties if p.strip()))


def _title_key(title: str | None) -> str:
    return _NOT_WORD.sub("", _DIGITS.sub("", (title or "").casefold()))


def kinship(record: Record) -> tuple | None:
    """What versions of one agreement share; None when nothing identifies the agreement."""
    who = _party_key(record.parties)
    if not who:
        title = _title_key(record.title)
        if not title:
            return None
        who = ("title", title)
    return (record.level, record.language, record.sector, (record.region or "").casefold(), who)


@dataclass(frozen=True)
class VersionChain:
    """The versions of one agreement, oldest first; ``undated`` are of the same agreement but cannot be ordered."""

    versions: tuple[Record, ...]
    undated: tuple[Record, ...] = ()

    def to_json(self) -> dict:
        def one(r: Record) -> dict:
            return {"id": r.id, "title": r.title, "valid_from": r.valid_from, "valid_to": r.valid_to,
                    "files": list(r.files)}  # fmt: skip

        return {"versions": [one(r) for r in self.versions], "undated": [one(r) for r in self.undated]}


def _follows(earlier: Record, later: Record) -> bool:
    if earlier.start is None or later.start is None or later.start <= earlier.start:
        return False
    return earlier.end is None or later.start <= earlier.end + MAX_GAP


def version_chains(records: Iterable[Record]) -> list[VersionChain]:
    """Every chain of versions among ``records`` (an agreement without versions is a chain of one)."""
    groups: dict[tuple, list[Record]] = {}
    alone: list[VersionChain] = []
    for record in records:
        key = kinship(record)
        if key is None:
            alone.append(VersionChain((record,)))
        else:
            groups.setdefault(key, []).append(record)
    chains = list(alone)
    for members in groups.values():
        dated = sorted((r for r in members if r.start is not None), key=lambda r: (r.start, r.id))
        undated = tuple(r for r in members if r.start is None)
        current: list[Record] = []
        for record in dated:
            if current and not _follows(current[-1], record):
                chains.append(VersionChain(tuple(current)))
                current = []
            current.append(record)
        if current:
            chains.append(VersionChain(tuple(current), undated))
        elif undated:
            chains.append(VersionChain((), undated))
    return sorted(chains, key=lambda c: (c.versions or c.undated)[0].id)


def chain_of(agreement_id: str, records: Iterable[Record]) -> VersionChain | None:
    """The chain of versions holding ``agreement_id``."""
    for chain in version_chains(records):
        if any(r.id == agreement_id for r in (*chain.versions, *chain.undated)):
            return chain
    return None


def previous_versions(records: Iterable[Record]) -> dict[str, Record]:
    """For each agreement that has one, the version just before it."""
    out: dict[str, Record] = {}
    for chain in version_chains(records):
        for earlier, later in zip(chain.versions, chain.versions[1:], strict=False):
            out[later.id] = earlier
    return out


def versions_of(agreement_id: str, *, db) -> VersionChain | None:
    """``kelisim versions``: the chain of versions of a stored agreement; None when it is not stored."""
    from pipeline.archive.records import records
    from pipeline.store import database

    conn = database.connect(db, read_only=True)
    try:
        stored = records(conn)
    finally:
        conn.close()
    if not any(r.id == agreement_id for r in stored):
        return None
    return chain_of(agreement_id, stored)

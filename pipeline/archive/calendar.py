"""``kelisim expiring``: the agreements whose term ends soon, so that bargaining starts in time;
and the same as an iCalendar file (RFC 5545, written by the ``icalendar`` library).

A term is given as ``90d``, ``12w``, ``3m`` or ``1y`` (calendar months and years, from ``on``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline.archive.chain import Chain, higher, resolve
from pipeline.archive.records import Record, records

_WITHIN = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$")


def parse_within(text: str) -> tuple[int, str]:
    """``90d`` -> (90, "d"); a bare number is days. A ValueError names what is accepted."""
    match = _WITHIN.match(text.lower())
    if not match:
        raise ValueError(f"{text!r}: give a term as days, weeks, months or years: 90d, 12w, 3m, 1y")
    return int(match.group(1)), match.group(2) or "d"


def horizon(on: date, within: tuple[int, str]) -> date:
    """The last day of the term ``within`` from ``on``."""
    from dateutil.relativedelta import relativedelta

    count, unit = within
    step = {"d": relativedelta(days=count), "w": relativedelta(weeks=count),
            "m": relativedelta(months=count), "y": relativedelta(years=count)}[unit]  # fmt: skip
    return on + step


@dataclass(frozen=True)
class Expiring:
    """An agreement whose term ends within the horizon, with its chain and its last audit."""

    record: Record
    chain: Chain
    audit_status: str | None  # None: never audited
    audited_at: str | None

    def to_json(self) -> dict:
        r = self.record
        return {"id": r.id, "title": r.title, "level": r.level, "sector": r.sector, "region": r.region,
                "valid_from": r.valid_from, "valid_to": r.valid_to, "files": list(r.files),
                "chain": self.chain.to_json()["links"], "audit": self.audit_status, "audited_at": self.audited_at}  # fmt: skip


def expiring(db: str | Path, *, within: tuple[int, str], on: date | None = None) -> list[Expiring]:
    """Stored agreements whose term ends between ``on`` (today) and ``within`` after it, soonest first."""
    from pipeline.store import database

    if not Path(db).exists():
        raise database.DatabaseError(f"{db}: no clause database here; run `kelisim ingest PATH...` first")
    on = on or date.today()
    last = horizon(on, within)
    conn = database.connect(db, read_only=True)
    try:
        stored = records(conn)
        soon = sorted((r for r in stored if r.end is not None and on <= r.end <= last), key=lambda r: (r.end, r.id))
        audits = database.load_audits(conn, [r.id for r in soon])
    finally:
        conn.close()
    above = higher(stored)
    return [
        Expiring(r, resolve(r, above), audits[r.id].status if r.id in audits else None,
                 audits[r.id].audited_at if r.id in audits else None)  # fmt: skip
        for r in soon
    ]


def ical(items: list[Expiring], *, remind: timedelta = timedelta(days=90)) -> bytes:
    """One all-day event on the last day of each agreement's term, with a reminder ``remind`` before."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Kelisim//renewal calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Kelisim: agreements expiring")
    stamp = datetime.now(UTC)
    for item in items:
        r = item.record
        event = Event()
        event.add("uid", f"{r.id}-{r.valid_to}@kelisim")
        event.add("dtstamp", stamp)
        event.add("dtstart", r.end)
        event.add("dtend", r.end + timedelta(days=1))
        event.add("summary", f"Expires: {r.title or r.id}")
        above = "; ".join(
            f"{link.level}: {link.agreement or 'unresolved (' + (link.note or '') + ')'}" for link in item.chain.links
        )
        event.add("description", "\n".join([
            f"Agreement {r.id}, in force {r.valid_from or '?'} to {r.valid_to}.",
            f"Chain: {above}.",
            f"Last audit: {item.audit_status or 'never audited'}" + (f" ({item.audited_at})" if item.audited_at else "") + ".",
            *(f"File: {path}" for path in r.files),
        ]))  # fmt: skip
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Start bargaining: {r.title or r.id} expires on {r.valid_to}")
        alarm.add("trigger", -remind)
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()

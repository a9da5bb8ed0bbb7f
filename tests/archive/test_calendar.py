"""The renewal calendar: agreements expiring soon, and the same as an iCalendar file (issue 17, item 5)."""

from __future__ import annotations

import json
from datetime import date

import icalendar
import pytest
from archive_files import stored_id
from click.testing import CliRunner

from pipeline.archive.audit import audit
from pipeline.archive.calendar import expiring, horizon, parse_within
from pipeline.cli import cli


@pytest.mark.parametrize(
    "text,on,last",
    [("90d", "2026-10-01", "2026-12-30"), ("12w", "2026-10-01", "2026-12-24"), ("3m", "2026-11-30", "2027-02-28"),
     ("1y", "2024-02-29", "2025-02-28"), ("30", "2026-12-01", "2026-12-31")],
)  # fmt: skip
def test_terms_are_days_weeks_calendar_months_or_years(text, on, last):
    assert horizon(date.fromisoformat(on), parse_within(text)) == date.fromisoformat(last)


def test_a_term_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="90d, 12w, 3m, 1y"):
        parse_within("soon")


def test_expiring_lists_the_agreements_ending_within_the_term_with_chain_and_audit(writable_db):
    audit(writable_db)
    soon = expiring(writable_db, within=(90, "d"), on=date(2026, 10, 15))
    assert soon and all(date(2026, 10, 15) <= item.record.end <= date(2027, 1, 13) for item in soon)
    ids = {item.record.id for item in soon}
    assert stored_id(writable_db, "kazmetall-2024.pdf") in ids
    assert stored_id(writable_db, "medcentre-2024.pdf") not in ids  # ends 2027-02-28
    assert stored_id(writable_db, "kazmetall-2021.pdf") not in ids  # ended 2023-12-31
    kazmetall = next(item for item in soon if item.record.id == stored_id(writable_db, "kazmetall-2024.pdf"))
    assert kazmetall.audit_status == "high" and kazmetall.chain.resolved
    later = expiring(writable_db, within=(6, "m"), on=date(2026, 10, 15))
    assert stored_id(writable_db, "medcentre-2024.pdf") in {item.record.id for item in later}


def test_the_icalendar_file_holds_one_event_per_agreement_with_a_reminder(samples_db, tmp_path):
    ics = tmp_path / "renewals.ics"
    result = CliRunner().invoke(cli, ["expiring", "--within", "90d", "--on", "2026-10-15", "--db", str(samples_db),
                                      "--ics", str(ics), "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    raw = ics.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 folds lines at 75 octets
    calendar = icalendar.Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]).split("-")[0] for e in events] == [item["id"] for item in listed]
    for event, item in zip(events, listed, strict=True):
        assert event.decoded("dtstart") == date.fromisoformat(item["valid_to"])
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("trigger").days == -90  # as far ahead as --within
        assert item["title"] in str(event["summary"])


def test_expiring_command_text_and_missing_database(samples_db, tmp_path):
    runner = CliRunner()
    text = runner.invoke(cli, ["expiring", "--within", "3m", "--on", "2026-10-15", "--db", str(samples_db)])
    assert text.exit_code == 0 and text.output.startswith("5 agreements expire between 2026-10-15 and 2027-01-15")
    assert "last audit: never" in text.output
    assert runner.invoke(cli, ["expiring", "--within", "soon", "--db", str(samples_db)]).exit_code == 2
    assert runner.invoke(cli, ["expiring", "--db", str(tmp_path / "none.db")]).exit_code == 3

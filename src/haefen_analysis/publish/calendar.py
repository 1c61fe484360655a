"""Meetings as a calendar file (``meetings.ics``, RFC 5545) for a report set: one event per
meeting with a date (a day, or the whole month or year when only that is known, as an
all-day event over that span), its topic as summary and its source in the description.

Text values are escaped (backslash, semicolon, comma, newline) and every content line is
folded at 75 octets, never inside a UTF-8 character; lines end in CRLF.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pandas as pd

from haefen_analysis.common import dates

PRODID = "-//haefen-analysis//Sichere Haefen Treffen//DE"
LINE_OCTETS = 75


def escape(text: object) -> str:
    """An RFC 5545 TEXT value (3.3.11)."""
    value = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """A content line folded into lines of at most 75 octets (3.1), continuation lines
    starting with one space; a multi-byte character is never split."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not out else LINE_OCTETS - 1
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _span(day: pd.Timestamp, precision: str) -> tuple[date, date]:
    """First day and the day after the last of a date at its precision."""
    start = day.date()
    if precision == "year":
        return date(start.year, 1, 1), date(start.year + 1, 1, 1)
    if precision == "month":
        first = date(start.year, start.month, 1)
        return first, (first + timedelta(days=32)).replace(day=1)
    return start, start + timedelta(days=1)


def calendar(meetings: pd.DataFrame, names: dict[str, str], stamp: str | None = None) -> str:
    """The calendar of every dated meeting (``datasets.meetings``); ``names`` maps member ids
    to names (host, participants)."""
    stamp = stamp or dates.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.append("X-WR-CALNAME:Sichere Häfen – Treffen")
    for row in meetings.dropna(subset=["date"]).itertuples():
        start, end = _span(row.date, str(row.date_precision))
        host = names.get(row.host, row.host) if isinstance(row.host, str) else ""
        listed = row.participants if isinstance(row.participants, str) else ""
        people = [names.get(p, p) for p in listed.split(";") if p]
        described = [f"Quelle: {row.source}"]
        if host:
            described.insert(0, f"Gastgeber: {host}")
        if people:
            described.insert(1, f"Teilnehmende ({len(people)}): {', '.join(people)}")
        if str(row.date_precision) != "day":
            described.append(f"Datum nur als {dates.german(row.date, row.date_precision)} bekannt")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{row.meeting_id}@haefen-analysis",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{escape(row.topic)}",
            f"DESCRIPTION:{escape(chr(10).join(described))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

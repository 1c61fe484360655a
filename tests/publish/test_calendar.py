"""meetings.ics (RFC 5545): escaping of TEXT values, folding at 75 octets, all-day spans."""

from __future__ import annotations

import pandas as pd

from haefen_analysis.publish import calendar


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_values_are_escaped():
    assert calendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_never_inside_a_character():
    line = "DESCRIPTION:" + "Lübeck, Köln; Düsseldorf – " * 12
    folded = calendar.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 3
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    for p in parts:
        p.encode("utf-8").decode("utf-8")  # every physical line is whole UTF-8
    assert folded.replace("\r\n ", "") == line


def test_calendar_has_one_event_per_dated_meeting_with_its_source():
    meetings = pd.DataFrame(
        {
            "meeting_id": ["m1", "m2", "m3"],
            "date": pd.to_datetime(["2023-06-14", "2021-03-01", pd.NaT]),
            "date_precision": ["day", "month", pd.NA],
            "host": ["kiel", pd.NA, pd.NA],
            "participants": ["kiel;luebeck", pd.NA, pd.NA],
            "topic": ["Treffen; Bündnis, Kiel", "Landestreffen", "ohne Datum"],
            "source": ["https://example.org/a?b=1,2", "https://example.org/c", "x"],
        }
    )
    names = {"kiel": "Kiel", "luebeck": "Lübeck"}
    text = calendar.calendar(meetings, names, stamp="20260101T000000Z")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    lines = _unfold(text)
    assert lines.count("BEGIN:VEVENT") == 2  # the undated meeting has no event
    assert "SUMMARY:Treffen\\; Bündnis\\, Kiel" in lines
    assert "DTSTART;VALUE=DATE:20230614" in lines and "DTEND;VALUE=DATE:20230615" in lines
    assert "DTSTART;VALUE=DATE:20210301" in lines and "DTEND;VALUE=DATE:20210401" in lines
    described = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert described[0] == (
        "DESCRIPTION:Gastgeber: Kiel\\nTeilnehmende (2): Kiel\\, Lübeck\\n"
        "Quelle: https://example.org/a?b=1\\,2"
    )
    assert described[1].endswith("Datum nur als 03/2021 bekannt")
    assert "UID:m1@haefen-analysis" in lines and "DTSTAMP:20260101T000000Z" in lines

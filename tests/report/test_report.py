"""The in-notebook helpers without a kernel: German cells, titles from the catalogue, escaped
HTML, the "< 3" rule for small counts of minors, sources and provenance."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis import report


@pytest.fixture(autouse=True)
def fresh_report():
    report.setup(public=True)
    yield
    report.setup(public=True)


def test_german_cells():
    frame = pd.DataFrame(
        {
            "places": pd.array([1234, pd.NA], dtype="Int64"),
            "share": [1234.5, float("nan")],
            "status": pd.Categorical(["declared", "revoked"]),
            "crediting": ["no/yes", "unknown"],
            "declared_on": pd.to_datetime(["2018-09-01", "2019-07-11"]),
            "declared_on_precision": ["month", "day"],
            "source": ["a ; b ; c", None],
        }
    )
    text = report.german(frame)
    assert text["places"].tolist() == ["1.234", "–"]
    assert text["share"].tolist() == ["1.234,50", "–"]
    assert text["status"].tolist() == ["erklärt", "Erklärung aufgehoben"]
    assert text["crediting"].tolist() == ["keine Anrechnung / wird angerechnet", "unbekannt"]
    assert text["declared_on"].tolist() == ["09/2018", "11.07.2019"]  # at their precision
    assert text["source"].tolist() == ["a (+2 weitere)", "–"]


def _headers(html: str) -> list[str]:
    import re

    return re.findall(r"<th>(.*?)</th>", html)


def test_table_titles_come_from_the_catalogue():
    frame = pd.DataFrame(
        {
            "name": ["<b>Lübeck</b>"],
            "declared_on": pd.to_datetime(["2018-09-27"]),
            "declared_on_precision": ["day"],
            "members_per_million": [1.5],
            "demand": ["transparency"],
            "source": ["https://example.org"],
        }
    )
    html = report.table(
        frame, "members", columns=["name", "declared_on", "members_per_million"]
    ).data
    assert _headers(html) == ["Name", "Beschluss", "Sichere Häfen je Mio. Einwohner"]
    assert "&lt;b&gt;Lübeck&lt;/b&gt;" in html and "<b>Lübeck" not in html  # escaped
    assert "27.09.2018" in html and "1,50" in html
    html = report.table(frame, columns=["demand", "source"], labels={"source": "Beleg"}).data
    assert _headers(html) == ["Forderung", "Beleg"]  # unambiguous title; labels override
    assert "Transparenz" in html  # enum label
    assert report._state["sources"] == ["https://example.org"]  # cited for the provenance


def test_table_of_a_table_uses_its_own_titles_and_labels():
    pledges = pd.DataFrame({"land": ["01"], "credited": ["no"], "member_id": ["Kiel"]})
    assert _headers(report.table(pledges, "pledges").data) == ["Gebiet", "Anrechnung", "Mitglied"]
    rules = pd.DataFrame({"level": ["land"]})  # free text in land_rules, an enum in meetings
    assert ">land<" in report.table(rules, "land_rules").data
    assert ">Land<" in report.table(rules, "meetings").data


def test_small_counts_of_minors_in_public_and_internal_reports():
    values = pd.Series(pd.array([1, 2, 3, 2, pd.NA], dtype="Int64"))
    groups = pd.Series(["umf", "umf", "umf", "persons", "umf"])
    assert report.small_counts(values, groups).tolist() == ["< 3", "< 3", "3", "2", "–"]
    assert report.small_counts(values, groups, public=False).tolist() == ["1", "2", "3", "2", "–"]
    report.setup(public=False)
    assert report.small_counts(values, groups).tolist()[:2] == ["1", "2"]


def test_cite_and_provenance():
    report.cite("b ; a", "a", None)
    html = report.provenance().data
    assert html.index("<li>b</li>") < html.index("<li>a</li>")
    assert html.count("<li>a</li>") == 1
    assert report.data_hash() in html and "öffentlich" in html
    report.setup(public=False)
    assert "<li>–</li>" in report.provenance().data and "intern" in report.provenance().data


def test_numbers_dates_and_labels():
    assert report.number(1234.5, 1) == "1.234,5" and report.number(None) == "unbekannt"
    assert report.date(pd.Timestamp("2019-07-01"), "month") == "07/2019"
    assert report.date(pd.NaT) == ""
    assert report.label("status", "pending") == "Antrag offen"
    assert report.label("status", None) == "unbekannt"

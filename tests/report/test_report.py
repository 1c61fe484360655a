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
    assert text["places"].tolist() == ["1.234", "unbekannt"]  # missing is unknown, never "–"
    assert text["share"].tolist() == ["1.234,50", "unbekannt"]
    assert text["status"].tolist() == ["erklärt", "Erklärung aufgehoben"]
    assert text["crediting"].tolist() == ["keine Anrechnung / wird angerechnet", "unbekannt"]
    assert text["declared_on"].tolist() == ["09/2018", "11.07.2019"]  # at their precision
    assert text["source"].str.count("@@ref-").tolist()[:1] == [1]  # references, see table()


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
    html = report.table_html(
        frame, "members", columns=["name", "declared_on", "members_per_million"]
    )
    assert _headers(html) == ["Name", "Beschluss", "Sichere Häfen je Mio. Einwohner"]
    assert "&lt;b&gt;Lübeck&lt;/b&gt;" in html and "<b>Lübeck" not in html  # escaped
    assert "27.09.2018" in html and "1,5<" in html  # per million: one decimal everywhere
    html = report.table_html(frame, columns=["demand", "source"], labels={"source": "Beleg"})
    assert _headers(html) == ["Forderung", "Beleg"]  # unambiguous title; labels override
    assert "Transparenz" in html  # enum label
    assert report._state["sources"] == ["https://example.org"]  # cited for the provenance
    assert '<a class="ref" href="#quelle-1">[1]</a>' in html  # a numbered reference


def test_table_of_a_table_uses_its_own_titles_and_labels():
    offers = pd.DataFrame({"land": ["01"], "credited_as_offered": ["no"], "member_id": ["Kiel"]})
    headers = ["Gebiet", "Anrechnung (Angebot)", "Mitglied"]
    assert _headers(report.table_html(offers, "offers")) == headers
    rules = pd.DataFrame({"level": ["land"]})  # free text in land_rules, an enum in meetings
    assert ">land<" in report.table_html(rules, "land_rules")
    assert ">Land<" in report.table_html(rules, "meetings")


def test_small_counts_of_minors_in_public_and_internal_reports():
    values = pd.Series(pd.array([1, 2, 3, 2, pd.NA], dtype="Int64"))
    groups = pd.Series(["umf", "umf", "umf", "persons", "umf"])
    public = ["< 3", "< 3", "3", "2", "unbekannt"]
    assert report.small_counts(values, groups).tolist() == public
    internal = ["1", "2", "3", "2", "unbekannt"]
    assert report.small_counts(values, groups, public=False).tolist() == internal
    report.setup(public=False)
    assert report.small_counts(values, groups).tolist()[:2] == ["1", "2"]


def test_cite_and_provenance():
    assert report.cite("b ; a", "a", None) == [1, 2]
    assert report.cite("a") == [2]  # the same number wherever it is cited again
    html = report.provenance_html()
    assert html.index('<li id="quelle-1">b</li>') < html.index('<li id="quelle-2">a</li>')
    assert html.count(">a</li>") == 1
    assert report.data_hash() in html and "öffentlich" in html
    report.setup(public=False)
    assert "<li>keine</li>" in report.provenance_html() and "intern" in report.provenance_html()


def test_source_list_links_only_web_and_mail_addresses():
    report.cite(
        "Stadt X, Vorlage 12 https://example.org/a?b=1&c=2 ; javascript:alert(1) ; "
        "mailto:amt@example.org ; <b>fett</b>"
    )
    html = report.provenance_html()
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in html
    assert "Stadt X, Vorlage 12 <a" in html  # the text stays, the address is linked
    assert '<a href="mailto:amt@example.org">' in html
    assert 'href="javascript' not in html and "javascript:alert(1)" in html  # shown, not live
    assert "&lt;b&gt;fett&lt;/b&gt;" in html


def test_escape_for_html_and_markdown():
    hostile = "[Klick](javascript:alert(1)) <script>x</script> *fett* _k_ `c` # h http://evil"
    text = report.escape(hostile)
    import re

    bare = re.sub(r"&#\d+;", "", text)
    for char in "[]()<>*_`#:":
        assert char not in bare  # as character references: no renderer reads syntax
    import html as html_

    assert html_.unescape(text) == hostile  # and shows exactly as written


def test_table_displays_itself(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    assert report.table(pd.DataFrame({"name": ["Kiel"]}), "members") is None
    assert report.provenance() is None
    assert "Kiel" in shown[0]["text/html"] and "Herkunft" in shown[1]["text/html"]
    assert ">Daten</a>" in shown[0]["text/html"]  # the table's data link
    data = shown[0][report.DATA_MIME]
    assert data["columns"] == ["Name"] and data["rows"] == [["Kiel"]]


def test_empty_cells_that_mean_none():
    frame = pd.DataFrame(
        {
            "status_qualifier": [pd.NA, "contested"],
            "buendnis_member": ["no", "yes"],
            "buendnis_since": pd.to_datetime([pd.NaT, pd.NaT]),
            "buendnis_since_precision": [pd.NA, pd.NA],
        }
    )
    text = report.german(frame, table="members")
    assert text["status_qualifier"].tolist() == ["–", "umstritten"]  # no qualification
    assert text["buendnis_since"].tolist() == ["–", "unbekannt"]  # not a member; unknown


def test_numbers_dates_and_labels():
    assert report.number(1234.5, 1) == "1.234,5" and report.number(None) == "unbekannt"
    assert report.date(pd.Timestamp("2019-07-01"), "month") == "07/2019"
    assert report.date(pd.NaT) == ""
    assert report.label("status", "pending") == "Antrag offen"
    assert report.label("status", None) == "unbekannt"

"""The composite parts of the pages: collapsed offers, the answer box, meetings."""

from __future__ import annotations

import html

import pytest

from haefen_analysis import analysis, datasets, report
from haefen_analysis.report import sections


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(sections, "_display", out.append)
    monkeypatch.setattr(
        "IPython.display.display", lambda obj: out.append(getattr(obj, "data", str(obj)))
    )
    report.setup(public=True)
    return out


def _names():
    return datasets.members().set_index("member_id")["name"].to_dict()


def test_near_identical_offers_collapse_into_one_row():
    offers = datasets.offers()
    nrw = offers[offers["offered_on"].astype(str).str.startswith("2020-01-15")]
    assert len(nrw) == 32
    rows = sections.collapse_offers(nrw, _names())
    assert len(rows) == 1
    assert rows.loc[0, "member_id"].startswith("16 Kommunen (Bielefeld, Blomberg, Bonn")
    assert rows.loc[0, "group"] == "lager/umf"


def test_answer_box_of_kiel(shown):
    sections.answer_box(analysis.member_profile("kiel"))
    box = html.unescape(shown[-1])
    assert "Kurz beantwortet" in box
    assert "Mitglied seit 14.06.2019" in box
    assert "8 Personen" in box and "von zusammen 18 in Schleswig-Holstein" in box
    assert "Flensburg 3 + Kiel 8 + Lübeck 7" in box
    assert "48 Plätze in 2 Zusagen" in box  # 40 (Seenotrettung) + 8 (UMF)


def test_answer_box_names_a_capacity_statement_as_no_pledge(shown):
    sections.answer_box(analysis.member_profile("duesseldorf"))
    box = html.unescape(shown[-1])
    assert "Kapazitätsangabe, keine Zusage (26.07.2018)" in box
    assert "1.250" not in box.split("Kapazitätsangabe")[0]  # not among the offered places


def test_meetings_show_what_was_asked_next_to_the_land_rule(shown):
    meetings = analysis.land_meetings("NRW")
    sections.meetings(meetings, _names(), datasets.offers(), datasets.land_rules(), "05")
    page = html.unescape(shown[-1])
    assert "Teilnehmende (16)" in page and "<b>ohne Anrechnung</b>" in page
    assert "Was das Land tut: Nordrhein-Westfalen: wird angerechnet" in page

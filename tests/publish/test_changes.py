""" "Was hat sich geändert": changed key numbers, and which report shows which change."""

from __future__ import annotations

from pathlib import Path

from haefen_analysis.publish import changes


def _numbers(members: str, pledged: str) -> dict:
    land = {
        "name": "Schleswig-Holstein",
        "members": members,
        "members_per_million": "5,7",
        "buendnis": "4 (13 unbekannt)",
        "pledged": "unbekannt",
        "admitted": "18",
    }
    person = {"name": "Kiel", "land": "01", "pledged": pledged}
    return {"laender": {"01": land}, "members": {"kiel": person}}


def test_changed_figures_name_old_and_new_value():
    found = changes._number_changes(_numbers("16", "unbekannt"), _numbers("17", "20"))
    texts = [c.text for c in found]
    assert texts == [
        "Schleswig-Holstein, Sichere Häfen: 16 → 17",
        "Kiel, zugesagte Plätze: unbekannt → 20",
    ]
    assert [(c.land, c.member_id) for c in found] == [("01", None), ("01", "kiel")]
    assert changes._number_changes(_numbers("17", "20"), _numbers("17", "20")) == []


def test_each_report_shows_the_changes_of_its_subject():
    found = [
        changes.Change("neu", "01", "kiel", "Neu: Kiel"),
        changes.Change("zahl", "05", None, "NRW"),
    ]
    assert changes.concerning(found, {"gemeinde": "kiel"}) == found[:1]
    assert changes.concerning(found, {"land": "05"}) == found[1:]
    assert changes.concerning(found, {"public": True}) == found
    html = changes.section_html(found[:1], Path("2026-01-31"))
    assert "Seit dem Berichtssatz vom 31.01.2026" in html and "<li>Neu: Kiel</li>" in html
    assert changes.section_html([], Path("2026-01-31")) == ""


def test_previous_set_is_the_newest_earlier_dated_set_with_a_registry(tmp_path):
    for day in ("2026-01-01", "2026-02-01", "2026-03-01"):
        (tmp_path / day / "register").mkdir(parents=True)
    (tmp_path / "2026-01-01" / "register" / "members.csv").write_text("member_id\n", "utf-8")
    assert changes.previous_set(tmp_path / "2026-03-01") == tmp_path / "2026-01-01"
    assert changes.previous_set(tmp_path / "2026-01-01") is None

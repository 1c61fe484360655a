"""Meeting deck: built for SH and Germany from the real data, read back with python-pptx."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pptx import Presentation
from pptx.util import Emu
from typer.testing import CliRunner

from haefen_analysis import analysis, config, report
from haefen_analysis.catalogue import labels
from haefen_analysis.cli import app
from haefen_analysis.ingest import codes
from haefen_analysis.publish.deck import build_deck

SLIDES = 5
ATTRIBUTIONS = ("© GeoBasis-DE / BKG (2020), dl-de/by-2-0", "GeoNames, CC BY 4.0")


def _texts(slide) -> str:
    """All text of a slide: text frames and table cells."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def _key_rows(slide) -> dict[str, str]:
    table = next(s.table for s in slide.shapes if s.has_table)
    return {row.cells[0].text: row.cells[1].text for row in list(table.rows)[1:]}


def _pictures(prs) -> list:
    return [shape for slide in prs.slides for shape in slide.shapes if shape.shape_type == 13]


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both decks as a user makes them: SH at the default path, Germany with --out."""
    tmp = tmp_path_factory.mktemp("decks")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.REPORTS_DIR_ENV, str(tmp / "reports"))
        done = runner.invoke(app, ["deck", "--land", "Schleswig-Holstein"])
        assert done.exit_code == 0, done.output
        target = tmp / "elsewhere" / "sitzung.pptx"
        done = runner.invoke(app, ["deck", "--land", "DE", "--out", str(target)])
        assert done.exit_code == 0, done.output
    today = datetime.now(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d")
    return {"SH": tmp / "reports" / today / "deck-SH.pptx", "DE": target}


@pytest.fixture(scope="module")
def per_land():
    return analysis.per_land.table(2020)


@pytest.mark.browser
@pytest.mark.parametrize("which", ["SH", "DE"])
def test_deck_shape_title_and_attribution(decks: dict[str, Path], which: str) -> None:
    prs = Presentation(decks[which])
    assert len(prs.slides) == SLIDES
    assert prs.slide_width * 9 == prs.slide_height * 16
    assert prs.slide_width == Emu(12_192_000)
    name = "Schleswig-Holstein" if which == "SH" else "Deutschland"
    title_text = _texts(prs.slides[0])
    assert f"Sichere Häfen in {name}" in title_text
    assert "Stand der Daten" in title_text
    sources = _texts(prs.slides[-1])
    for attribution in ATTRIBUTIONS:
        assert attribution in sources
    assert report.data_hash() in sources
    assert "haefen-analysis" in sources
    notes = prs.slides[-1].notes_slide.notes_text_frame.text
    assert "Quellen der gezeigten Zahlen" in notes


@pytest.mark.browser
@pytest.mark.parametrize("which", ["SH", "DE"])
def test_deck_has_map_and_comparison_pictures(decks: dict[str, Path], which: str) -> None:
    prs = Presentation(decks[which])
    pictures = _pictures(prs)
    assert len(pictures) == 2
    for pic in pictures:
        width, height = pic.image.size
        assert width >= 800 and height >= 800 * 0.6  # rendered, not a placeholder
        assert len(pic.image.blob) > 30_000  # a drawn map/chart, not an empty canvas
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
        assert pic.top >= 0 and pic.top + pic.height <= prs.slide_height
    assert pictures[0].image.sha1 != pictures[1].image.sha1


@pytest.mark.browser
def test_sh_key_numbers_match_per_land_table(decks: dict[str, Path], per_land) -> None:
    prs = Presentation(decks["SH"])
    rows = _key_rows(prs.slides[1])
    sh = per_land.loc[codes.land_code("SH")]
    title = labels.title
    assert rows[title("members")] == report.number(sh["members"])
    buendnis = f"{sh['buendnis_members']} ({sh['buendnis_unknown']} unbekannt)"
    assert rows[title("buendnis_members")] == buendnis  # the count rule, as in the reports
    rank = int(
        per_land.drop(index="DE")["members_per_million"].rank(ascending=False, method="min")["01"]
    )
    assert rows[title("members_per_million")] == (
        f"{report.number(sh['members_per_million'], 1)} (Rang {rank} von 16)"  # as in HTML
    )
    assert rows[title("pledged_places")].startswith(report.number(sh["pledged_places"]))
    assert rows[title("admitted_sichere_haefen")] == "18"
    assert rows[title("admitted_landesaufnahme")] == report.number(sh["admitted_landesaufnahme"])
    assert rows[title("key_share_percent")] == report.number(sh["key_share_percent"], 2)
    crediting = labels.value_label("crediting", sh["crediting"], "land_rules")
    assert rows[title("crediting")] == crediting
    # the comparison slide names the highlighted Land with its rank
    assert "Schleswig-Holstein (hervorgehoben): " in _texts(prs.slides[3])


@pytest.mark.browser
def test_germany_key_numbers(decks: dict[str, Path], per_land) -> None:
    rows = _key_rows(Presentation(decks["DE"]).slides[1])
    de = per_land.loc[codes.GERMANY]
    assert rows[labels.title("members")] == report.number(de["members"])
    assert "Rang" not in rows[labels.title("members_per_million")]
    assert "Schleswig-Holstein" in rows[labels.title("crediting")]  # the Land that credits


def test_unknown_land_fails_before_writing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(config.REPORTS_DIR_ENV, str(tmp_path / "reports"))
    with pytest.raises(codes.UnknownLandError, match="Atlantis"):
        build_deck("Atlantis", tmp_path / "out" / "deck.pptx")
    with pytest.raises(codes.UnknownLandError, match="ähnlich: Schleswig-Holstein"):
        build_deck("Schleswig-Holstien")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
def test_cli_default_path_and_out(decks: dict[str, Path]) -> None:
    folder = decks["SH"].parent  # reports/<today>/ under $HAEFEN_REPORTS_DIR
    assert [p.name for p in folder.iterdir()] == ["deck-SH.pptx"]  # no temp file left
    assert len(Presentation(decks["SH"]).slides) == SLIDES
    assert [p.name for p in decks["DE"].parent.iterdir()] == ["sitzung.pptx"]
    assert "Deutschland" in _texts(Presentation(decks["DE"]).slides[0])


def test_cli_unknown_land(tmp_path: Path) -> None:
    bad = CliRunner().invoke(app, ["deck", "--land", "XY", "--out", str(tmp_path / "bad.pptx")])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Fehler: --land: unbekanntes Land 'XY'")
    assert list(tmp_path.iterdir()) == []

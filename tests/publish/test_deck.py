"""Meeting decks: built once per session for Germany, SH and one member from the real data as
a user makes them (the CLI), read back with python-pptx; the SH deck rendered by LibreOffice."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu, Pt
from typer.testing import CliRunner

from haefen_analysis import analysis, config, datasets, report
from haefen_analysis.catalogue import labels
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.cli import app
from haefen_analysis.common import dates
from haefen_analysis.common.processes import run_bounded
from haefen_analysis.ingest import codes
from haefen_analysis.publish import deck, runner
from haefen_analysis.publish.config import load_config
from haefen_analysis.publish.deck import build_deck
from haefen_analysis.report import sections

ATTRIBUTIONS = ("© GeoBasis-DE / BKG (2020), dl-de/by-2-0", "GeoNames, CC BY 4.0")
SH = codes.land_code("SH")
#: The slides of a Land's and Germany's deck, in order ("(1/3)" parts of one title dropped).
LAND_TITLES = [
    "Kennzahlen: {name}",
    "{members}",
    "Zusagen, Aufnahmen und Königsteiner Schlüssel",
    "Vergleich der Länder",
    "Königsteiner Schlüssel",
    "Erklärungen im Zeitverlauf",
    "Treffen",
    "Karte: Sichere Häfen in {name}",
    "Was nicht bekannt ist",
    "Quellen und Nachweise",
]
MEMBER_TITLES = [
    "Kurz beantwortet",
    "Zusagen und Aufnahmen",
    "Treffen und Netzwerke",
    "Karte: Lübeck: Sicherer Hafen",
    "Was nicht bekannt ist",
    "Quellen",
]
_PART = re.compile(r" \(\d+/\d+\)$")


def _texts(slide) -> str:
    """All text of a slide: text frames and table cells."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def _titles(prs) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in prs.slides]


def _base_titles(prs) -> list[str]:
    """Titles with the "(n/m)" of split slides dropped, each once."""
    return list(dict.fromkeys(_PART.sub("", t) for t in _titles(prs)))


def _slide(prs, title: str):
    return next(s for s in prs.slides if s.shapes.title.text_frame.text.startswith(title))


def _charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def _chart_values(chart) -> tuple[list[str], dict[str, list]]:
    plot = chart.plots[0]
    return list(plot.categories), {s.name: list(s.values) for s in plot.series}


def _frames(prs):
    """Every text frame of every slide (table cells included) and of the master."""
    for shape in prs.slide_master.shapes:
        if shape.has_text_frame and not shape.is_placeholder:
            yield "Master", shape.text_frame
    for n, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield n, shape.text_frame
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield n, cell.text_frame


@pytest.fixture(scope="session")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three decks as a user makes them: SH and Lübeck at the default paths (the dated
    report folder), Germany with --out."""
    tmp = tmp_path_factory.mktemp("decks")
    runner = CliRunner()
    target = tmp / "elsewhere" / "sitzung.pptx"
    folder = tmp / "reports" / dates.now().strftime("%Y-%m-%d")
    folder.mkdir(parents=True)  # a report set is there already: its portal learns of the decks
    land = {"slug": "land-01", "kind": "land", "title": "Land: Schleswig-Holstein"}
    land |= {"parameters": {"land": "01"}, "kind_order": 1, "order": 0, "status": "ok"}
    good = {"finished": "02.12.2026 08:00:00", "files": {"html": "land-01.html"}}
    land |= {"good": good, **good, "seconds": 1.0, "error": None, "failed_ipynb": None}
    (folder / "manifest.json").write_text(json.dumps({"reports": {"land-01": land}}), "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.REPORTS_DIR_ENV, str(tmp / "reports"))
        for args in (
            ["deck", "--land", "Schleswig-Holstein"],
            ["deck", "--land", "DE", "--out", str(target)],
            ["deck", "--member", "Lübeck"],
        ):
            done = runner.invoke(app, args)
            assert done.exit_code == 0, done.output
    return {"SH": folder / "deck-SH.pptx", "DE": target, "luebeck": folder / "deck-luebeck.pptx"}


@pytest.fixture(scope="module")
def per_land() -> pd.DataFrame:
    return analysis.per_land.table(deck.DEFAULT_YEAR)


@pytest.mark.browser
def test_portal_of_the_set_links_the_new_deck(decks: dict[str, Path]) -> None:
    index = (decks["SH"].parent / "index.html").read_text(encoding="utf-8")
    assert '<a href="deck-SH.pptx">Folien (PowerPoint)</a>' in index


@pytest.mark.browser
@pytest.mark.parametrize("which", ["SH", "DE"])
def test_deck_slides_and_titles(decks: dict[str, Path], which: str) -> None:
    prs = Presentation(decks[which])
    assert prs.slide_width * 9 == prs.slide_height * 16
    assert prs.slide_width == Emu(12_192_000)
    members = datasets.members()
    if which == "SH":
        name, shown = "Schleswig-Holstein", int((members["land"] == SH).sum())
        listed = f"Mitglieder und Beschlüsse: {shown} Einträge"
    else:
        name, shown = "Deutschland", int((members["status"] == "declared").sum())
        listed = f"Sichere Häfen: {shown} Erklärungen"
    expected = [f"Sichere Häfen in {name}"]
    expected += [t.format(name=name, members=listed) for t in LAND_TITLES]
    assert _base_titles(prs) == expected
    # every member is named once on the member slides, split so the text stays >= 14 pt
    member_slides = [s for s in prs.slides if s.shapes.title.text_frame.text.startswith(listed)]
    lines = [
        p.text
        for s in member_slides
        for sh in s.shapes
        if sh.has_text_frame and not sh.is_placeholder
        for p in sh.text_frame.paragraphs
    ]
    assert len(lines) == shown
    assert (len(member_slides) > 1) == (which == "DE")
    title_text = _texts(prs.slides[0])
    assert f"Stand der Daten: {deck.as_of_text(catalogue()['members'].as_of)}" in title_text
    sources = _texts(prs.slides[-1])
    for attribution in ATTRIBUTIONS:
        assert attribution in sources
    assert report.data_hash() in sources
    assert "Quellen der gezeigten Zahlen" in prs.slides[-1].notes_slide.notes_text_frame.text


@pytest.mark.browser
def test_member_deck(decks: dict[str, Path]) -> None:
    prs = Presentation(decks["luebeck"])
    assert _base_titles(prs) == ["Lübeck: Sicherer Hafen", *MEMBER_TITLES]
    profile = analysis.member_profile("luebeck")
    answers = "\n".join(_texts(s) for s in prs.slides if "Kurz beantwortet" in _titles_of(s))
    for question, answer in sections.answer_rows(profile):
        assert question in answers
        assert deck.plain(answer) in answers  # the profile's own sentence, without HTML
    assert "<" not in answers and "&#" not in answers
    assert "27.09.2018" in answers  # the council's decision, as members.csv dates it
    sources = "\n".join(_texts(s) for s in prs.slides if _titles_of(s).startswith("Quellen"))
    assert profile.member["source"].split(" ; ")[0] in sources


def _titles_of(slide) -> str:
    return slide.shapes.title.text_frame.text


@pytest.mark.browser
@pytest.mark.parametrize("which", ["SH", "DE", "luebeck"])
def test_every_text_is_at_least_14_pt(decks: dict[str, Path], which: str) -> None:
    prs = Presentation(decks[which])
    small = []
    for where, frame in _frames(prs):
        for para in frame.paragraphs:
            for run in para.runs:
                size = run.font.size or para.font.size
                if run.text.strip() and (size is None or size < Pt(14)):
                    small.append((where, run.text[:40], size))
    assert small == []
    master = "".join(sh.text_frame.text for sh in prs.slide_master.shapes if sh.has_text_frame)
    assert "Stand der Daten" in master and "Folie" in master
    assert prs.slide_master.element.xpath('.//a:fld[@type="slidenum"]')  # the page number
    for slide in prs.slides:
        for chart in _charts(slide):
            assert chart.font.size >= Pt(14)
            assert chart.value_axis.tick_labels.font.size >= Pt(14)
            assert chart.category_axis.tick_labels.font.size >= Pt(14)
            if chart.has_legend:
                assert chart.legend.font.size >= Pt(14)
            if chart.plots[0].has_data_labels:
                assert chart.plots[0].data_labels.font.size >= Pt(14)
            sizes = [int(e.get("sz")) for e in chart._chartSpace.iter() if e.get("sz")]
            assert sizes and min(sizes) >= 1400  # title, axes, labels, legend: all at 14 pt+


@pytest.mark.browser
def test_sh_numbers_are_the_reports(decks: dict[str, Path], per_land: pd.DataFrame) -> None:
    prs = Presentation(decks["SH"])
    counts = sections.per_land_counts(per_land, datasets.admissions()).loc[SH]
    table = next(s.table for s in _slide(prs, "Kennzahlen").shapes if s.has_table)
    rows = {row.cells[0].text: row.cells[1].text for row in list(table.rows)[1:]}
    for column in (
        "buendnis_members",
        "pledged_places",
        *deck.analysis.per_land.ADMITTED_COLUMNS.values(),
    ):
        assert rows[labels.title(column)] == counts[column]  # the count rule, as in the HTML
    sh = per_land.loc[SH]
    place = analysis.rank(per_land, "members_per_million", SH)
    assert rows[labels.title("members_per_million")] == (
        f"{report.number(sh['members_per_million'], 1)} (Rang {place} von 16)"
    )
    # places offered and people admitted: one bar each, unknown named, never a bar of 0
    categories, series = _chart_values(_charts(_slide(prs, "Zusagen"))[0])
    values = series["Schleswig-Holstein"]
    for category, value, column in zip(categories, values, deck.OFFER_COLUMNS, strict=True):
        if pd.isna(sh[column]):
            assert value is None and category.endswith("(unbekannt)")
        else:
            assert value == sh[column] and category == labels.title(column)
    side = _texts(_slide(prs, "Zusagen"))
    assert labels.key_caption(per_land.attrs["key_attrs"]) in side  # the key year named
    assert report.number(sh["key_share_percent"], 2) in side
    # the comparison charts hold the per-Land columns, SH highlighted
    for title, column in (
        ("Vergleich", "members_per_million"),
        ("Königsteiner", "key_share_percent"),
    ):
        chart = _charts(_slide(prs, title))[0]
        categories, series = _chart_values(chart)
        (values,) = series.values()
        expected = per_land.drop(index=codes.GERMANY).sort_values(column, ascending=False)
        assert categories == list(expected["land_name"])
        assert values == pytest.approx([float(v) for v in expected[column]])
        point = chart.plots[0].series[0].points[categories.index("Schleswig-Holstein")]
        assert str(point.format.fill.fore_color.rgb) == "D55E00"
    # the timeline ends where the overview's count ends
    chart = _charts(_slide(prs, "Erklärungen"))[0]
    _, series = _chart_values(chart)
    over_time = analysis.members_over_time(datasets.members().query("land == @SH"))
    for code, part in over_time.groupby("series"):
        assert series[labels.value_label("series", code)][-1] == part["count"].iloc[-1]


@pytest.mark.browser
def test_germany_offers_charts(decks: dict[str, Path], per_land: pd.DataFrame) -> None:
    prs = Presentation(decks["DE"])
    places, admissions = (_chart_values(c) for c in _charts(_slide(prs, "Zusagen")))
    laender = per_land.drop(index=codes.GERMANY)
    pledged = labels.title("pledged_places")
    ordered = laender.sort_values("pledged_places", ascending=False, na_position="last")
    assert [c.removesuffix(" (unbekannt)") for c in places[0]] == list(ordered["land_name"])
    expected = [None if pd.isna(v) else float(v) for v in ordered["pledged_places"]]
    assert places[1] == {pledged: expected}
    kinds = list(deck.OFFER_COLUMNS[1:])
    came = laender[laender[kinds].notna().any(axis=1)]
    assert admissions[0] == list(came["land_name"])
    for column in kinds:
        expected = [None if pd.isna(v) else float(v) for v in came[column]]
        assert admissions[1][labels.title(column)] == expected
    assert "Schleswig-Holstein" in _texts(_slide(prs, "Kennzahlen"))  # the Land that credits


@pytest.mark.browser
def test_maps_are_pictures_for_the_slide(decks: dict[str, Path]) -> None:
    for which in ("SH", "luebeck"):
        prs = Presentation(decks[which])
        slide = _slide(prs, "Karte")
        (pic,) = [shape for shape in slide.shapes if shape.shape_type == 13]
        width, height = pic.image.size
        assert width >= pic.width / Emu(914_400) * 150  # at least 150 dpi on the slide
        assert len(pic.image.blob) > 30_000  # a drawn map, not an empty canvas
        assert pic.left + pic.width <= prs.slide_width
        assert pic.top + pic.height <= prs.slide_height
    assert "Hervorgehoben: Lübeck." in _texts(_slide(Presentation(decks["luebeck"]), "Karte"))


def _soffice() -> str:
    found = shutil.which("soffice")
    assert found, "kein LibreOffice (soffice): scripts/ensure_libreoffice.sh installiert es"
    return found


@pytest.mark.browser
@pytest.mark.libreoffice
def test_libreoffice_renders_the_sh_deck(decks: dict[str, Path], tmp_path: Path) -> None:
    profile = (tmp_path / "profil").as_uri()  # own profile: parallel runs do not collide
    done = run_bounded(
        [
            _soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(decks["SH"]),
        ],
        timeout=120,
    )
    pdf = tmp_path / "deck-SH.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    pages = len(Presentation(decks["SH"]).slides)
    for page in (1, 4):  # the title and the offers chart
        run_bounded(
            [
                "pdftoppm",
                "-r",
                "40",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                str(tmp_path / f"s{page}"),
            ],
            timeout=60,
        )
        (png,) = tmp_path.glob(f"s{page}*.png")
        grey = Image.open(png).convert("L")
        dark = sum(1 for v in grey.getdata() if v < 200)
        assert dark > grey.width * grey.height * 0.01, f"Seite {page} fast leer"
    info = run_bounded(["pdfinfo", str(pdf)], timeout=30).stdout
    assert re.search(r"Pages:\s+(\d+)", info).group(1) == str(pages)


def test_missing_browser_drops_only_the_map(tmp_path: Path, no_browser) -> None:
    """The map slide says why there is no map; everything else is there (the failure without
    --skip-without-browser: ``test_without_browser``)."""
    runner = CliRunner()
    out = tmp_path / "ohne.pptx"
    done = runner.invoke(app, ["deck", "--land", "SH", "--out", str(out), "--skip-without-browser"])
    assert done.exit_code == 0, done.output
    assert "Übersprungen: Karte im Foliensatz SH" in done.stderr
    prs = Presentation(out)
    text = _texts(_slide(prs, "Karte"))
    assert deck.NO_MAP in text
    assert not [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(_charts(_slide(prs, "Vergleich"))) == 1  # the native charts need no browser


def test_unknown_land_fails_before_writing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(config.REPORTS_DIR_ENV, str(tmp_path / "reports"))
    with pytest.raises(codes.UnknownLandError, match="Atlantis"):
        build_deck("Atlantis", tmp_path / "out" / "deck.pptx")
    with pytest.raises(codes.UnknownLandError, match="ähnlich: Schleswig-Holstein"):
        build_deck("Schleswig-Holstien")
    assert list(tmp_path.iterdir()) == []


def test_cli_unknown_land_and_member(tmp_path: Path) -> None:
    bad = CliRunner().invoke(app, ["deck", "--land", "XY", "--out", str(tmp_path / "bad.pptx")])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Fehler: --land: unbekanntes Land 'XY'")
    bad = CliRunner().invoke(app, ["deck", "--member", "Atlantis", "--out", str(tmp_path / "b")])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Fehler: --member: ")
    assert list(tmp_path.iterdir()) == []


def test_charts_hold_only_what_the_report_writes_as_a_number() -> None:
    """A count the public report hides ("< 3", a range) or does not know gets no bar and no
    value in the chart's embedded data."""
    assert deck.shown_value(88, "88 (2 unbekannt)") == 88.0
    assert deck.shown_value(1234, "1.234") == 1234.0
    assert deck.shown_value(0, "0") == 0.0  # a known zero stays a zero
    for raw, text in ((2, "< 3"), (10, "10–12"), (pd.NA, "unbekannt")):
        assert deck.shown_value(raw, text) is None


def test_cli_all_takes_no_single_scope(tmp_path: Path) -> None:
    for extra in (["--land", "SH"], ["--member", "Kiel"], ["--out", str(tmp_path / "x.pptx")]):
        bad = CliRunner().invoke(app, ["deck", "--all", *extra])
        assert bad.exit_code == 1 and bad.stderr.startswith("Fehler: --all ")
    assert list(tmp_path.iterdir()) == []


def test_member_deck_named_like_its_report() -> None:
    """The portal links a member's deck by the slug of its report (``member-<slug>.html``)."""
    (job,) = runner.plan(load_config(), ["member"], ["Lübeck"])
    target = deck.scope(None, member="Lübeck")
    assert deck.default_path(target).name == f"deck-{job.slug.removeprefix('member-')}.pptx"
    assert deck.default_path(deck.scope("Schleswig-Holstein")).name == "deck-SH.pptx"


@pytest.mark.browser
def test_cli_default_paths(decks: dict[str, Path]) -> None:
    folder = decks["SH"].parent  # reports/<today>/ under $HAEFEN_REPORTS_DIR
    decks_there = sorted(p.name for p in folder.glob("*.pptx"))
    assert decks_there == ["deck-SH.pptx", "deck-luebeck.pptx"]
    assert deck.default_path(deck.scope(None)).name == "deck-DE.pptx"
    assert [p.name for p in decks["DE"].parent.iterdir()] == ["sitzung.pptx"]

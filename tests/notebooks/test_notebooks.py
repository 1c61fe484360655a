"""The real notebooks, executed by the report runner with small parameters: they run, their
HTML holds the figures (plotly divs) and fetches nothing, names from data are escaped, and
the public version hides counts of 1–2 minors."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from haefen_analysis import config
from haefen_analysis.cli import app
from haefen_analysis.publish.html import remote_resources

pytestmark = pytest.mark.slow

CONFIG = """
public = true
[kinds.overview]
title = "Überblick"
notebook = "overview.ipynb"
[kinds.land]
title = "Land"
notebook = "land_report.ipynb"
parameter = "land"
values = ["SH"]
[kinds.member]
title = "Profil"
notebook = "member_profile.ipynb"
parameter = "gemeinde"
values = ["luebeck"]
[kinds.allocation]
title = "Szenario"
notebook = "allocation_scenario.ipynb"
[[kinds.allocation.sets]]
name = "klein"
persons = 100
year = 2020
key = "easy"
[kinds.explore]
title = "Erkunden"
notebook = "explore.ipynb"
"""
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Run the set once (internal and public land report) on a data copy with a hostile name."""
    import os
    import shutil

    tmp = tmp_path_factory.mktemp("nb")
    data = tmp / "data"
    data.mkdir()
    src = config.PROJECT_DIR / "data"
    for f in [*src.glob("*.csv"), src / "datapackage.json"]:
        shutil.copy(f, data / f.name)
    (data / "geo").symlink_to(src / "geo", target_is_directory=True)
    members = (data / "members.csv").read_text(encoding="utf-8")
    (data / "members.csv").write_text(members.replace(",Lübeck,", f",Lübeck {SCRIPT},", 1), "utf-8")
    cfg = tmp / "reports.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    old = os.environ.get(config.DATA_DIR_ENV)
    os.environ[config.DATA_DIR_ENV] = str(data)
    try:
        runner = CliRunner()
        out = tmp / "out"
        public = runner.invoke(
            app, ["report", "all", "--config", str(cfg), "--out", str(out), "--jobs", "2"]
        )
        internal = runner.invoke(
            app,
            [
                "report",
                "land",
                "SH",
                "--config",
                str(cfg),
                "--out",
                str(tmp / "internal"),
                "--internal",
            ],
        )
    finally:
        if old is None:
            os.environ.pop(config.DATA_DIR_ENV)
        else:
            os.environ[config.DATA_DIR_ENV] = old
    assert public.exit_code == 0, public.output
    assert internal.exit_code == 0, internal.output
    day = next(out.iterdir())
    return {"day": day, "internal": next((tmp / "internal").iterdir())}


@pytest.mark.parametrize(
    "name", ["overview", "land-01", "member-luebeck", "allocation-klein", "explore"]
)
def test_notebook_html_has_figures_and_fetches_nothing(reports, name):
    html = (reports["day"] / f"{name}.html").read_text(encoding="utf-8")
    assert html.count('class="plotly-graph-div"') >= 1
    assert remote_resources(html) == []
    assert "Traceback" not in html


def test_names_from_data_are_escaped(reports):
    html = (reports["day"] / "member-luebeck.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert not re.search(r"<script>\s*alert", html)


def test_public_report_hides_small_counts_of_minors(reports):
    public = (reports["day"] / "land-01.html").read_text(encoding="utf-8")
    internal = (reports["internal"] / "land-01.html").read_text(encoding="utf-8")
    # SH received 2 UMF in the spring 2020 relocation: "< 3" in public, the number internally
    assert "&lt; 3" in public and "Unbegleitete Minderjährige (UMF)" in public
    assert "&lt; 3" not in internal


def test_every_report_ends_with_provenance(reports):
    for path in reports["day"].glob("*.html"):
        if path.name == "index.html":
            continue
        html = path.read_text(encoding="utf-8")
        if "explore" in path.name:
            continue  # the explorer is for JupyterLab; it has no provenance block
        assert "Herkunft" in html and "Daten-Prüfsumme (sha256)" in html, path.name


def _text(html: str) -> str:
    """The visible text of a report (scripts and tags removed, whitespace folded)."""
    import html as html_

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html_.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _row_text(frame, columns, decimals=1) -> str:
    """How report.table renders one row: cells in German, joined by spaces."""
    from haefen_analysis import report

    return " ".join(report.german(frame[columns], decimals).iloc[0].astype(str))


def test_official_statistics_section_in_the_land_report(reports):
    from haefen_analysis import report
    from haefen_analysis.analysis import regional

    html = (reports["day"] / "land-01.html").read_text(encoding="utf-8")
    text = _text(html)
    section = text[text.index("Amtliche Statistik") : text.index("Herkunft")]
    official = regional.figures("01")
    land = official.by_land.loc["01"]
    share = report.percent(land["member_population_share"])
    assert f"Einwohner in einem Sicheren Hafen: {share} (Gemeinden der erklärten" in section
    seekers = report.number(land["seekers_per_1000"], 1)
    assert f"Schutzsuchende je 1.000 Einwohner am 31.12.2024: {seekers} im Land" in section
    compare = official.member_vs_rest.loc[["01"]]
    assert _row_text(compare, regional.COMPARE_COLUMNS) in section  # member Kreise vs the rest
    kiel = official.places[official.places["member_id"] == "kiel"]
    assert _row_text(kiel, regional.PLACES_COLUMNS, 2) in section  # places per 1,000 (Zensus)
    assert "Schutzsuchende je 1.000 Einwohner am 31.12.2024, Schleswig-Holstein" in html  # map


def test_official_statistics_section_in_the_overview(reports):
    from haefen_analysis import analysis, report
    from haefen_analysis.analysis import regional

    text = _text((reports["day"] / "overview.html").read_text(encoding="utf-8"))
    section = text[text.index("Amtliche Statistik") : text.index("Herkunft")]
    official = regional.figures()
    share = report.percent(official.by_land.loc["DE", "member_population_share"])
    assert f"Einwohner Deutschlands in einem Sicheren Hafen: {share}" in section
    assert _row_text(official.member_vs_rest.loc[["DE"]], regional.COMPARE_COLUMNS) in section
    per_land = analysis.per_land.table(2020).join(official.by_land["seekers_per_1000"])
    assert _row_text(per_land.loc[["10"]], regional.LAND_COLUMNS, 2) in section  # Saarland

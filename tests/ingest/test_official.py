"""The build step: official downloads → data/gemeinden.csv, data/kreise.csv and provenance.

Fixtures in tests/fixtures/official hold made-up values in the real layouts (see its README);
expected values are worked out there. The real downloads beside the project are read only when
present (they are never committed).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from haefen_analysis import config
from haefen_analysis.datasets import geo
from haefen_analysis.errors import GenesisFormatError, OfficialTableError
from haefen_analysis.ingest import official
from haefen_analysis.ingest.official_build import DEFAULT_SOURCE, PROVENANCE, build

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official"
KREISE = ["01001", "01054", "02000", "03241", "03459", "06611", "06633"]


@pytest.fixture(scope="module")
def geo_kreise() -> pd.DataFrame:
    kreise = geo.kreise()
    return kreise[kreise["ags"].isin(KREISE)][["ags", "name", "bez"]].reset_index(drop=True)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "official"
    shutil.copytree(FIXTURES, folder)
    return folder


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_build_writes_both_tables_and_provenance(source, geo_kreise, tmp_path) -> None:
    out = tmp_path / "data"
    written = build(source, out, geo_kreise)
    assert sorted(p.name for p in written) == ["gemeinden.csv", "kreise.csv", PROVENANCE]
    gemeinden = read(out / "gemeinden.csv").set_index("ars")
    assert len(gemeinden) == 15
    sylt = gemeinden.loc["010540168168"]
    assert (sylt["ags"], sylt["name"], sylt["kreis"], sylt["land"]) == (
        "01054168",
        "Sylt",
        "01054",
        "01",
    )
    assert gemeinden.loc["010545439061", "name"] == "Kampen (Sylt)"
    assert gemeinden.loc["020000000000", "population"] == "1800000"
    assert (gemeinden["population_date"] == "2022-05-15").all()
    record = json.loads((out / PROVENANCE).read_text(encoding="utf-8"))
    assert [i["table"] for i in record["inputs"]] == ["1000A-0000", "12411-01-01-4", "12531-0043"]
    assert {i["licence"] for i in record["inputs"]} == {official.LICENCE}
    assert all(i["changes"].startswith("verändert (aggregiert)") for i in record["inputs"])
    assert record["inputs"][0]["stichtag"] == "2022-05-15"
    assert record["checks"]["zensus_sum"]["difference"] == 0
    assert record["checks"]["published_figures"] == []  # none known for 31.12.2023


def test_status_hierarchy_is_not_counted_twice(source, geo_kreise, tmp_path) -> None:
    build(source, tmp_path, geo_kreise)
    kreise = read(tmp_path / "kreise.csv").set_index("ags")
    flensburg = kreise.loc["01001"]
    # n = 1: open 45, recognised 540 (not + AK-2 + AK-5 again), rejected 45 (not + AUSRPFL)
    counts = ["seekers_open", "seekers_recognised", "seekers_rejected", "seekers_total"]
    assert flensburg[counts].tolist() == ["45", "540", "45", "630"]
    assert flensburg["seekers_per_1000"] == "6.56"  # 630 / 96,000
    assert (flensburg["kind"], flensburg["seekers_area"], flensburg["seekers_note"]) == (
        "kreisfreie_stadt",
        "01001",
        "",
    )
    assert kreise.loc["01054", "kind"] == "kreis"
    assert kreise.loc["03241", "kind"] == "landkreis"  # "Region Hannover, Landkreis"
    assert kreise.loc["03241", "population"] == "1150000"  # the Kreis, not Hannover's 8-digit row
    record = json.loads((tmp_path / PROVENANCE).read_text(encoding="utf-8"))
    ak1 = next(h for h in record["checks"]["status_hierarchy"] if h["category"] == "SCHUTZST-AK-1")
    assert ak1["value"] == ak1["parts_sum"]


def test_kreis_missing_from_12531_has_its_reason_never_zero(source, geo_kreise, tmp_path) -> None:
    build(source, tmp_path, geo_kreise)
    kreise = read(tmp_path / "kreise.csv").set_index("ags")
    land_kassel, city = kreise.loc["06633"], kreise.loc["06611"]
    assert land_kassel["seekers_total"] == "" and land_kassel["seekers_open"] == ""
    assert "Stadt und Landkreis Kassel" in land_kassel["seekers_note"]
    assert land_kassel["seekers_note"].startswith("nicht einzeln ausgewiesen")
    assert city["seekers_note"] == (
        "enthält die Schutzsuchenden von 06633 (gemeinsame Ausländerbehörde)"
    )
    # the rate of the joint reporting area: 6 · 630 / (200,000 + 236,000) inhabitants
    assert city["seekers_per_1000"] == land_kassel["seekers_per_1000"] == "8.67"
    assert city["seekers_area"] == land_kassel["seekers_area"] == "06611 06633"
    assert "kassel.de" in land_kassel["source"]


def test_build_is_byte_for_byte_reproducible(source, geo_kreise, tmp_path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build(source, first, geo_kreise)
    build(source, second, geo_kreise)
    for name in ("gemeinden.csv", "kreise.csv", PROVENANCE):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _rewrite(path: Path, change) -> None:
    text = path.read_text(encoding="utf-8-sig")
    path.write_text("\ufeff" + change(text), encoding="utf-8")


def _swap_code_and_name(text: str) -> str:
    """The values of the code and the name column swapped (a column moved, header kept)."""
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    code, name = "1_variable_attribute_code", "1_variable_attribute_label"
    frame[[code, name]] = frame[[name, code]].to_numpy()
    return frame.to_csv(sep=";", index=False, lineterminator="\n")


def _drop_last_lines(text: str) -> str:
    return "\n".join(text.splitlines()[:-4]) + "\n"


def _unknown_kreis(text: str) -> str:
    return text.replace(";01054;Nordfriesland, Kreis;", ";01099;Nirgendwo, Kreis;", 1)


def _reverse_columns(text: str) -> str:
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    return frame[list(reversed(frame.columns))].to_csv(sep=";", index=False)


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "zensus_1000A-0000_gemeinden.csv",
            _swap_code_and_name,
            r"zensus_1000A-0000_gemeinden\.csv, Zeile 3: .*'Kassel, documenta-Stadt' ist kein "
            r"12-stelliger Regionalschlüssel \(Spalten vertauscht\?\)",
        ),
        (
            "zensus_1000A-0000_gemeinden.csv",
            _drop_last_lines,
            r"zensus_1000A-0000_gemeinden\.csv: die Gemeinden ergeben .* Einwohner, die "
            r"Deutschland-Zeile .*abgeschnitten",
        ),
        (
            "zensus_1000A-0000_gemeinden.csv",
            _reverse_columns,
            r"zensus_1000A-0000_gemeinden\.csv, Zeile 1: Spaltenreihenfolge geändert: .*"
            r"'value_variable_label' vorn und 'statistics_code' an Stelle 13",
        ),
        (
            "regionalstatistik_12411-01-01-4_kreise.csv",
            _drop_last_lines,
            r"regionalstatistik_12411-01-01-4_kreise\.csv.*(fehlt in der Datei|unvollständig)",
        ),
        (
            "destatis_12531-0043_kreise.csv",
            _unknown_kreis,
            r"destatis_12531-0043_kreise\.csv, Zeile \d+: Kreis 01099 \(Nirgendwo, Kreis, Wert "
            r"\d+\) ist nicht in den Geodaten",
        ),
    ],
)
def test_bad_input_names_file_line_value_and_writes_nothing(
    source, geo_kreise, tmp_path, file, change, message
) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "kreise.csv").write_text("unverändert\n", encoding="utf-8")
    _rewrite(source / file, change)
    with pytest.raises(GenesisFormatError, match=message):
        build(source, out, geo_kreise)
    assert sorted(p.name for p in out.iterdir()) == ["kreise.csv"]
    assert (out / "kreise.csv").read_text(encoding="utf-8") == "unverändert\n"


def test_a_status_category_outside_the_hierarchy_is_refused(source, geo_kreise) -> None:
    _rewrite(
        source / "destatis_12531-0043_kreise.csv",
        lambda t: t.replace("AUSRPFL-G;Geduldet", "AUSRPFL-Q;Unbekannt", 1),
    )
    with pytest.raises(OfficialTableError, match=r"AUSRPFL-Q.*keinen bekannten Platz"):
        build(source, source.parent / "out", geo_kreise)


def test_published_total_is_checked() -> None:
    frame = pd.DataFrame(
        {
            "seekers_date": ["2024-12-31"],
            "seekers_total": [3_278_005],
            "seekers_recognised": [2_695_775],
            "seekers_open": [419_495],
            "seekers_rejected": [162_735],
        }
    )
    rows = {r["column"]: r for r in official.compare_published(frame, "x.csv")}
    assert rows["seekers_total"]["deviation_percent"] == -0.82
    assert rows["seekers_total"]["published"] == 3_305_000
    assert "biaj.de" in rows["seekers_total"]["source"]
    expected = r"3\.000\.000 weicht um -9,2 % von .*3,305 Millionen ab \(erlaubt 2 %\)"
    with pytest.raises(OfficialTableError, match=expected):
        official.compare_published(frame.assign(seekers_total=3_000_000), "x.csv")


def test_committed_tables_match_their_provenance() -> None:
    data = config.PROJECT_DIR / "data"
    record = json.loads((data / PROVENANCE).read_text(encoding="utf-8"))
    for name, digest in record["outputs"].items():
        import hashlib

        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == digest, name
    missing = {
        m["ags"]: m.get("reported_by") for m in record["checks"]["kreise_missing_from_12531"]
    }
    assert missing == {
        "06633": "06611",
        "10041": "10044",
        "10042": "10044",
        "10043": "10044",
        "10045": "10044",
        "10046": "10044",
        "12071": "12052",
    }


@pytest.mark.skipif(not DEFAULT_SOURCE.is_dir(), reason="the downloads live beside the clone")
def test_real_downloads_rebuild_the_committed_tables(tmp_path) -> None:
    build(DEFAULT_SOURCE, tmp_path, geo.kreise()[["ags", "name", "bez"]])
    data = config.PROJECT_DIR / "data"
    for name in ("gemeinden.csv", "kreise.csv", PROVENANCE):
        assert (tmp_path / name).read_bytes() == (data / name).read_bytes(), name

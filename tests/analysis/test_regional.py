"""Official regional statistics joined to members: member Kreise vs the rest of their Land."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from haefen_analysis.analysis import regional
from haefen_analysis.ingest.genesis import parse_genesis

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "genesis"
TABLE_LAENDER = FIXTURES / "table_12411_laender.csv"
TABLE_NESTED = FIXTURES / "table_12531_transponiert.csv"
FLAT_12531 = FIXTURES / "ffcsv_12531_kreise.csv"
FLAT_REGIO = FIXTURES / "regionalstatistik_12411_kreise.csv"


def parse_text(content: str) -> pd.DataFrame:
    return parse_genesis(content.encode("utf-8"), "test.csv")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


MEMBERS = pd.DataFrame(
    {
        "member_id": ["m1", "m2", "m3", "m4"],
        "land": ["01", "01", "01", "05"],
        "kreis_ags": ["01001", "01003", None, None],
    }
)


def test_protection_seekers_member_kreise_vs_rest_of_land() -> None:
    s = parse_genesis(FLAT_12531.read_bytes(), FLAT_12531)
    p = parse_genesis(FLAT_REGIO.read_bytes(), FLAT_REGIO)
    out = regional.protection_seekers_member_vs_rest(s, p, MEMBERS).set_index("land")
    sh = out.loc["01"]
    assert (sh["schutzsuchende_mitglieder"], sh["einwohner_mitglieder"]) == (4500.0, 300000.0)
    assert sh["je_1000_mitglieder"] == pytest.approx(15.0)
    assert (sh["schutzsuchende_rest"], sh["einwohner_rest"]) == (3500.0, 400000.0)
    assert sh["je_1000_rest"] == pytest.approx(8.75)
    assert (sh["kreise_mitglieder"], sh["kreise_rest"], sh["mitglieder_ohne_kreis"]) == (2, 2, 1)
    assert sh["land_name"] == "Schleswig-Holstein"
    nrw = out.loc["05"]
    assert nrw["kreise_mitglieder"] == 0 and pd.isna(nrw["je_1000_mitglieder"])
    assert nrw["je_1000_rest"] == pytest.approx(14000 / 1150000 * 1000)
    assert nrw["mitglieder_ohne_kreis"] == 1
    # the dissolved Kreis 15151 ("-" population, absent from 12531) counts as zero, not unknown
    assert out.loc["15", "kreise_unbekannt"] == 0


def test_unknown_kreis_value_makes_its_group_unknown() -> None:
    s = parse_genesis(FLAT_12531.read_bytes(), FLAT_12531)
    p = parse_text(
        text(FLAT_REGIO).replace(
            "Kiel, kreisfreie Stadt;GES;Geschlecht;;Insgesamt;250000",
            "Kiel, kreisfreie Stadt;GES;Geschlecht;;Insgesamt;.",
        )
    )
    sh = regional.protection_seekers_member_vs_rest(s, p, MEMBERS).set_index("land").loc["01"]
    assert pd.isna(sh["je_1000_rest"]) and sh["kreise_unbekannt"] == 1
    assert sh["je_1000_mitglieder"] == pytest.approx(15.0)


def test_land_level_population_cannot_split_member_kreise() -> None:
    s = parse_genesis(FLAT_12531.read_bytes(), FLAT_12531)
    p = parse_genesis(TABLE_LAENDER.read_bytes(), TABLE_LAENDER)
    with pytest.raises(regional.RegionalJoinError, match="Bevölkerung: Tabelle nach Land"):
        regional.protection_seekers_member_vs_rest(s, p, MEMBERS)
    by_land = regional.protection_seekers_by_land(s, p)
    assert by_land["land"].tolist() == ["01"]  # the only Land in both tables
    assert by_land["je_1000"].iloc[0] == pytest.approx(8000 / 1000120 * 1000)


@pytest.mark.parametrize(
    ("land", "kreis", "message"),
    [("17", None, "kein AGS-Ländercode"), ("01", "05111", "nicht|kein fünfstelliger")],
)
def test_bad_members_are_named(land: str, kreis: str | None, message: str) -> None:
    s = parse_genesis(FLAT_12531.read_bytes(), FLAT_12531)
    p = parse_genesis(FLAT_REGIO.read_bytes(), FLAT_REGIO)
    members = pd.DataFrame({"member_id": ["x9"], "land": [land], "kreis_ags": [kreis]})
    with pytest.raises(regional.RegionalJoinError, match=f"Mitglied x9: .*({message})"):
        regional.protection_seekers_member_vs_rest(s, p, members)

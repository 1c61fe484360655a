"""Members keyed by their official code: the directory's name index, the resolver step behind
``haefen data keys``, the validator's key checks and the DCAT-AP.de URIs."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from haefen_analysis import datasets
from haefen_analysis.cli import app
from haefen_analysis.errors import AmbiguousNameError, DataValidationError, UnknownNameError
from haefen_analysis.ingest import member_keys
from haefen_analysis.ingest.directory import directory, full_key, short_key


@pytest.fixture(scope="module")
def found():
    return directory()


@pytest.mark.parametrize(
    ("name", "full", "short"),
    [
        ("Wasserburg a.Inn, St", "wasserburg a inn", "wasserburg"),
        ("Wasserburg am Inn", "wasserburg a inn", "wasserburg"),
        ("Leer (Ostfriesland), Stadt", "leer ostfriesland", "leer"),
        ("Lübeck, Hansestadt", "luebeck", "luebeck"),
        ("Grafing b.München, St", "grafing b muenchen", "grafing"),
        ("Grafing bei München", "grafing b muenchen", "grafing"),
    ],
)
def test_official_and_common_spellings_share_keys(name, full, short) -> None:
    assert (full_key(name), short_key(name)) == (full, short)


@pytest.mark.parametrize(
    ("name", "land", "kind", "ars", "how"),
    [
        ("Sylt", "01", "gemeinde", "010540168168", "exact"),  # not Kampen (Sylt)
        ("Kampen (Sylt)", "01", "gemeinde", "010545439061", "exact"),
        ("Lübeck", "01", "kreisfreie_stadt", "010030000000", "exact"),
        ("Leer", "03", "stadt", "034570013013", "alias"),  # Leer (Ostfriesland), Stadt
        ("Burgdorf", "03", "stadt", "032410003003", "exact"),  # the town, not the village
        ("Buchholz", "03", "stadt", "033530005005", "alias"),  # Buchholz in der Nordheide
        ("Grafing bei München", "09", "stadt", "091750122122", "exact"),
        ("Halle (Saale)", "15", "kreisfreie_stadt", "150020000000", "exact"),
    ],
)
def test_members_resolve_within_their_land(found, name, land, kind, ars, how) -> None:
    hit = member_keys.resolve_member(pd.Series({"name": name, "land": land, "kind": kind}), found)
    assert (hit.ars, hit.match, hit.level) == (ars, how, "gemeinde")


def test_kreise_laender_and_verbaende(found) -> None:
    def key(name: str, land: str, kind: str) -> member_keys.Match:
        member = pd.Series({"name": name, "land": land, "kind": kind})
        return member_keys.resolve_member(member, found)

    kassel = key("Landkreis Kassel", "06", "landkreis")  # not the city 06611
    assert (kassel.ars, kassel.ags, kassel.level) == ("066330000000", "06633", "kreis")
    assert key("Region Hannover", "03", "region").ags == "03241"
    assert (key("Hamburg", "02", "land").ars, key("Hamburg", "02", "land").ags) == (
        "020000000000",
        "02",
    )
    bodenheim = key("Verbandsgemeinde Bodenheim", "07", "samtgemeinde")
    assert (bodenheim.ars, bodenheim.ags, bodenheim.level) == (
        "073395002000",
        "",
        "gemeindeverband",
    )
    assert "Bodenheim (073395002006)" in bodenheim.note


def test_shared_names_are_refused_with_the_candidates(found) -> None:
    member = pd.Series({"name": "Neuenkirchen", "land": "03", "kind": "samtgemeinde"})
    with pytest.raises(AmbiguousNameError) as err:
        member_keys.resolve_member(member, found)
    message = str(err.value)
    assert message.startswith("4 Gemeindeverbände mit einer Gemeinde 'Neuenkirchen'")
    assert "Neuenkirchen (Landkreis Osnabrück) (034595404027" in message
    # with the Kreis known (a "kreis" row of member_keys.csv) it is decided
    hit = member_keys.resolve_member(member, found, kreis="03459")
    assert (hit.ars, hit.match) == ("034595404000", "kreis")
    with pytest.raises(UnknownNameError, match="keine Gemeinde 'Papenteich'"):
        member_keys.resolve_member(member.replace({"Neuenkirchen": "Papenteich"}), found)


def test_every_member_of_the_registry_has_a_validated_key() -> None:
    from haefen_analysis.analysis.coverage import members_without_key

    members = datasets.members()
    assert members["ars"].notna().all()
    assert members_without_key().empty
    sylt = members.set_index("member_id").loc["sylt"]
    assert (sylt["ars"], sylt["ags"], sylt["key_name"]) == ("010540168168", "01054168", "Sylt")
    assert (members["ars"].str[:2] == members["land"]).all()


def test_geocoding_uris_follow_dcat_ap_de() -> None:
    m = datasets.members().set_index("member_id")["geocoding_uri"]
    base = "http://dcat-ap.de/def/politicalGeocoding/"
    assert m["sylt"] == base + "municipalityKey/01054168"
    assert m["landkreis-goettingen"] == base + "districtKey/03159"
    assert m["isenbuettel"] == base + "municipalAssociationKey/031515404"
    assert m["thueringen"] == base + "stateKey/16"


def test_resolver_keeps_hand_rows_lists_the_rest_and_is_idempotent(data_copy) -> None:
    members = data_copy / "members.csv"
    lines = members.read_text(encoding="utf-8").splitlines()
    neu = next(line for line in lines if line.startswith("neuenkirchen,"))
    extra = neu.replace("neuenkirchen,Neuenkirchen,samtgemeinde", "halle-x,Halle,stadt", 1)
    members.write_text("\n".join([*lines, extra.replace(",03,", ",05,", 1)]) + "\n", "utf-8")
    keys = data_copy / "member_keys.csv"
    before = keys.read_bytes()
    first = member_keys.resolve_keys()
    hand = pd.read_csv(keys, dtype=str, keep_default_na=False)["match"].isin(["manual", "kreis"])
    assert first.kept == int(hand.sum())  # hand rows (manual, kreis) are kept
    assert [u[0] for u in first.unresolved] == []  # Halle in NRW is Halle (Westf.)
    rows = pd.read_csv(keys, dtype=str, keep_default_na=False).set_index("member_id")
    assert rows.loc["halle-x", "ars"] == "057540012012"
    assert rows.loc["samtgemeinde-papenteich", "match"] == "manual"
    assert rows.loc["neuenkirchen", ["ars", "match"]].tolist() == ["034595404000", "kreis"]
    again = keys.read_bytes()
    member_keys.resolve_keys()
    assert keys.read_bytes() == again
    assert len(again) > len(before)


def test_cli_lists_what_it_cannot_resolve(data_copy) -> None:
    members = data_copy / "members.csv"
    lines = members.read_text(encoding="utf-8").splitlines()
    sylt = next(line for line in lines if line.startswith("sylt,"))
    members.write_text(
        "\n".join([*lines, sylt.replace("sylt,Sylt,gemeinde", "blomberg-x,Blomberg,stadt", 1)])
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["data", "keys"])
    assert result.exit_code == 0, result.output
    assert "1 nicht aufgelöst" in result.output
    assert "nicht aufgelöst: Blomberg (blomberg-x, Land 01): keine Gemeinde 'Blomberg'" in (
        result.output
    )
    coverage = CliRunner().invoke(app, ["data", "coverage"])
    assert "Ohne amtlichen Schlüssel: 1" in coverage.output
    assert "keine Gemeinde 'Blomberg' in" in coverage.output


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("ars", "020000000000", "land_prefix"),  # Flensburg with Hamburg's key
        ("ags", "01001", "derived"),
        ("ars", "010019999999", "directory"),
    ],
)
def test_the_validator_checks_keys(data_copy, column, value, rule) -> None:
    keys = data_copy / "member_keys.csv"
    frame = pd.read_csv(keys, dtype=str, keep_default_na=False)
    row = frame.index[frame["member_id"] == "flensburg"][0]
    frame.loc[row, column] = value
    frame.to_csv(keys, index=False)
    with pytest.raises(DataValidationError) as err:
        datasets.members()
    assert f"Zeile {row + 2}, Spalte '{column}', Wert '{value}'" in str(err.value)
    assert f"[Regel: {rule}]" in str(err.value)

"""GENESIS-Online and Regionalstatistik readers: layouts, bad input, the cache.

Fixtures in tests/fixtures/genesis hold made-up values in the real layouts (see its README).
Expected values below are read off those files by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from haefen_analysis.ingest.genesis import GenesisFormatError, parse_genesis, read_genesis

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "genesis"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
TABLE_LAENDER = FIXTURES / "table_12411_laender.csv"
TABLE_NESTED = FIXTURES / "table_12531_transponiert.csv"
FLAT_12531 = FIXTURES / "ffcsv_12531_kreise.csv"
FLAT_REGIO = FIXTURES / "regionalstatistik_12411_kreise.csv"
OFFICIAL = FIXTURES.parent / "official"
ZENSUS = OFFICIAL / "zensus_1000A-0000_gemeinden.csv"
KREISE_12411 = OFFICIAL / "regionalstatistik_12411-01-01-4_kreise.csv"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def parse_text(content: str, encoding: str = "utf-8", **kwargs: object) -> pd.DataFrame:
    return parse_genesis(content.encode(encoding), "test.csv", **kwargs)


def one(df: pd.DataFrame, **where: str) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for column, value in where.items():
        mask &= df[column].eq(value)
    assert mask.sum() == 1, where
    return df[mask].iloc[0]


def data_lines(content: str) -> int:
    return sum(1 for line in content.splitlines()[1:] if line.strip())


# --------------------------------------------------------------------------- layouts


def test_table_csv_laender_as_columns() -> None:
    df = parse_genesis(TABLE_LAENDER.read_bytes(), TABLE_LAENDER)
    assert len(df) == 3 * 4  # 3 Stichtage x 4 Länder, nothing lost
    assert df.attrs["format"] == "genesis_table_csv"
    assert df.attrs["encoding"] == "utf-8-sig"
    assert df.attrs["stand"] == "01.01.2026 / 12:00:00"
    assert df.attrs["notes"] == "Erfundene Testwerte.\nKeine amtlichen Zahlen."
    row = one(df, time="2021-12-31", DLAND_label="Hamburg")
    assert (row["DLAND_code"], row["value"], row["quality"]) == ("02", 2000200.0, "e")
    assert (row["statistic"], row["table"], row["unit"]) == ("12411", "12411-0010", "Anzahl")
    assert row["measure_label"] == "Bevölkerungsstand"
    assert row["statistic_label"] == "Fortschreibung des Bevölkerungsstandes"
    assert row["source_line"] == 7
    bremen = one(df, time="2022-12-31", DLAND_label="Bremen")
    assert pd.isna(bremen["value"]) and bremen["missing_marker"] == "-"
    assert pd.isna(bremen["quality"])
    saar = one(df, time="2023-12-31", DLAND_code="10")
    assert pd.isna(saar["value"]) and saar["missing_marker"] == "."
    assert one(df, time="2023-12-31", DLAND_code="01")["quality"] == "p"
    assert set(df["time_code"]) == {"STAG"}
    assert not df["is_total"].any()


def test_table_csv_transposed_variables_and_nested_row_labels() -> None:
    df = parse_genesis(TABLE_NESTED.read_bytes(), TABLE_NESTED)
    assert len(df) == 8 * 4  # 2 Stichtage x 2 Länder x 2 Staatsangehörigkeiten x 4 columns
    assert set(df.attrs["variables"]) == {"DLAND", "GES", "Schutzstatus", "Staatsangehörigkeit"}
    row = one(
        df,
        time="2022-12-31",
        DLAND_code="01",
        Staatsangehörigkeit_label="Afghanistan",
        GES_code="GESM",
        Schutzstatus_label="Insgesamt",
    )
    assert row["value"] == 1205.0  # "1.205": thousands separator
    assert row["is_total"] and row["Schutzstatus_total"] and not row["GES_total"]
    assert any("Tausenderpunkt" in c for c in df.attrs["corrections"])
    # Hamburg under 31.12.2023 carries the date over from two headings above
    hh = df[df["DLAND_label"].eq("Hamburg") & df["time"].eq("2023-12-31")]
    assert len(hh) == 8 and set(hh["quality"].dropna()) == {"p"}
    syr = hh[hh["Staatsangehörigkeit_label"].eq("Syrien") & hh["GES_code"].eq("GESW")]
    assert sorted(syr["missing_marker"]) == [".", "/"]
    assert set(syr["source_line"]) == {21}
    assert (
        one(
            df,
            time="2023-12-31",
            DLAND_label="Schleswig-Holstein",
            Staatsangehörigkeit_label="Syrien",
            GES_code="GESW",
            Schutzstatus_label="Schutzstatus anerkannt",
        )["value"]
        == 800.0
    )
    assert int(df["is_total"].sum()) == 16


def test_genesis_ffcsv_with_quality_column() -> None:
    df = parse_genesis(FLAT_12531.read_bytes(), FLAT_12531)
    assert len(df) == data_lines(text(FLAT_12531)) == 36
    assert df.attrs["format"] == "ffcsv"
    assert list(df.attrs["variables"]) == ["KREISE", "GES", "SCHST2"]
    flensburg = one(df, KREISE_code="01001", GES_label="Insgesamt", SCHST2_label="Insgesamt")
    assert (flensburg["value"], flensburg["quality"], flensburg["source_line"]) == (1500.0, "e", 2)
    assert pd.isna(flensburg["GES_code"]) and flensburg["GES_total"] and flensburg["is_total"]
    assert (flensburg["measure_code"], flensburg["time"]) == ("BEV030", "2023-12-31")
    dot = one(df, missing_marker=".")
    assert (dot["KREISE_code"], dot["GES_code"], dot["source_line"]) == ("01051", "GESW", 25)
    assert pd.isna(dot["value"]) and pd.isna(dot["quality"])


def test_regionalstatistik_ffcsv_keeps_leading_zeros_and_dashes() -> None:
    df = parse_genesis(FLAT_REGIO.read_bytes(), FLAT_REGIO)
    assert len(df) == 21
    assert df["KREISE_code"].str.fullmatch(r"\d{5}").all()
    assert one(df, KREISE_code="01002", GES_code="GESW")["value"] == 125000.0
    dashes = df[df["missing_marker"].eq("-")]
    assert set(dashes["KREISE_code"]) == {"15151"} and len(dashes) == 3
    assert dashes["value"].isna().all()
    assert df["quality"].isna().all()


def test_zensus_flat_file_mixes_geography_levels_in_one_column() -> None:
    """1000A-0000: a Germany row (GEODL1) before the Gemeinde rows (GEOGM4) in column 1."""
    df = parse_genesis(ZENSUS.read_bytes(), ZENSUS)
    assert df.attrs["variables"] == {"GEOGM4": "Gemeinden (Gebietsstand 15.05.2022)"}
    assert df.attrs["levels"] == {"GEOGM4": {"deutschland": 1, "gemeinde": 15}}
    germany = one(df, GEOGM4_code="DG")
    assert (germany["GEOGM4_level"], germany["is_total"], germany["measure_code"]) == (
        "deutschland",
        True,
        "PRS001",
    )
    sylt = one(df, GEOGM4_code="010540168168")
    assert (sylt["GEOGM4_label"], sylt["GEOGM4_level"], sylt["is_total"]) == (
        "Sylt",
        "gemeinde",
        False,
    )
    details = df[df["GEOGM4_level"].eq("gemeinde")]
    assert details["value"].sum() == germany["value"]  # totals kept apart from the details
    assert any("GEODL1, GEOGM4 als ein Regionalmerkmal" in c for c in df.attrs["corrections"])


def test_kreis_file_keeps_gemeinde_rows_below_the_kreise_apart() -> None:
    df = parse_genesis(KREISE_12411.read_bytes(), KREISE_12411)
    assert df.attrs["levels"] == {"KREISE": {"kreis": 24, "gemeinde": 3}}
    hannover = one(df, KREISE_code="03241001", GES_code="GESM")
    assert (hannover["KREISE_level"], hannover["KREISE_total"]) == ("gemeinde", False)
    assert one(df, KREISE_code="03241", GES_code="GESM")["KREISE_level"] == "kreis"


def test_a_germany_row_in_a_kreis_file_is_a_total() -> None:
    content = text(FLAT_REGIO)
    germany = content.splitlines()[1].replace(
        ";01001;Flensburg, kreisfreie Stadt;", ";DG;Deutschland;"
    )
    df = parse_text(content + germany.replace("100000", "9999999") + "\n")
    row = one(df, KREISE_code="DG")
    assert (row["KREISE_level"], row["KREISE_total"], row["is_total"]) == (
        "deutschland",
        True,
        True,
    )


def test_other_variables_changing_within_a_column_are_still_refused() -> None:
    lines = text(FLAT_REGIO).splitlines()
    lines[5] = lines[5].replace(";GES;Geschlecht;", ";ALTER;Altersgruppen;")
    with pytest.raises(
        GenesisFormatError, match=r"Zeile 6: .*wechselt von 'GES' zu 'ALTER'.*gemischten"
    ):
        parse_text("\n".join(lines) + "\n")


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples live beside the clone, not in it")
def test_real_samples_read_read_only() -> None:
    table = read_genesis(SAMPLES / "destatis_genesis_12411-0010_de.csv", cache=False)
    assert len(table) == 15 * 16
    bw = one(table, time="2010-12-31", DLAND_label="Baden-Württemberg")
    assert (bw["DLAND_code"], bw["value"]) == ("08", 10753880.0)
    assert one(table, time="2024-12-31", DLAND_code="16")["value"] == 2100277.0
    assert "Zensus 2022" in table.attrs["notes"]
    flat = read_genesis(SAMPLES / "regionalstatistik_ffcsv_12411-01-01-4_sample.csv", cache=False)
    assert len(flat) == 18
    assert one(flat, KREISE_code="01002", GES_code="GESW")["value"] == 129136.0
    assert int(flat["missing_marker"].eq("-").sum()) == 4


# --------------------------------------------------------------------------- bad input


def test_cp1252_without_any_declaration_is_detected() -> None:
    utf8 = parse_genesis(TABLE_LAENDER.read_bytes(), TABLE_LAENDER)
    df = parse_text(text(TABLE_LAENDER), "cp1252")
    assert df.attrs["encoding"] == "cp1252"
    assert df["statistic_label"].iloc[0] == "Fortschreibung des Bevölkerungsstandes"
    pd.testing.assert_series_equal(df["value"], utf8["value"])


def test_utf8_with_and_without_bom() -> None:
    with_bom = parse_genesis(FLAT_REGIO.read_bytes(), FLAT_REGIO)
    without = parse_text(text(FLAT_REGIO))
    assert (with_bom.attrs["encoding"], without.attrs["encoding"]) == ("utf-8-sig", "utf-8")
    pd.testing.assert_frame_equal(with_bom, without)


def test_undecodable_bytes_name_the_line() -> None:
    raw = text(FLAT_REGIO).encode("utf-8").replace(b"Kiel", b"Ki\x81el")
    with pytest.raises(GenesisFormatError, match=r"Zeile 5: Zeichenkodierung"):
        parse_genesis(raw, "x.csv")


@pytest.mark.parametrize("raw", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n"])
def test_empty_file(raw: bytes) -> None:
    with pytest.raises(GenesisFormatError, match="leer"):
        parse_genesis(raw, "leer.csv")


def test_header_that_is_not_genesis() -> None:
    with pytest.raises(GenesisFormatError, match=r"Zeile 1: keine GENESIS-Datei"):
        parse_text("Name;Wert\nKiel;1\n")


def test_ffcsv_header_with_unknown_columns() -> None:
    content = text(FLAT_REGIO).replace("value_unit", "einheit", 1)
    with pytest.raises(GenesisFormatError, match="Zeile 1: Kopfzeile.*unbekannt: einheit"):
        parse_text(content)


def test_truncated_table_csv_misses_its_footer() -> None:
    content = text(TABLE_LAENDER)
    cut = content[: content.index("31.12.2023;1000120") + 20]
    with pytest.raises(GenesisFormatError, match="Fußzeile.*abgeschnitten"):
        parse_text(cut)


def test_truncated_ffcsv_mid_line_names_the_line() -> None:
    content = text(FLAT_REGIO)
    cut = content[: content.rindex("Geschlecht;") + 5]
    with pytest.raises(GenesisFormatError, match=r"Zeile 22: \d+ Felder statt 17"):
        parse_text(cut)


def test_ffcsv_cut_at_a_line_end_keeps_every_complete_row() -> None:
    lines = text(FLAT_REGIO).splitlines()[:10]
    df = parse_text("\n".join(lines) + "\n")
    assert len(df) == 9


def test_ffcsv_cut_inside_its_last_field_is_an_error() -> None:
    """The last line keeps its number of fields, only its last value is shorter: without the
    line end a download always has, this would be a table with a wrong value."""
    content = text(FLAT_REGIO).rstrip("\n")
    assert content.endswith(";Bevölkerungsstand") and content.count("\n") == 21
    with pytest.raises(GenesisFormatError, match=r"Zeile 22: Datei endet mitten in der Zeile"):
        parse_text(content[:-1])


def test_ffcsv_with_a_field_too_many_names_the_line() -> None:
    lines = text(FLAT_REGIO).splitlines()
    lines[4] += ";extra"
    with pytest.raises(GenesisFormatError, match=r"Zeile 5: 18 Felder statt 17"):
        parse_text("\n".join(lines) + "\n")


def test_ffcsv_saved_with_commas_is_read_the_same() -> None:
    rows = list(csv.reader(io.StringIO(text(FLAT_12531)), delimiter=";"))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    commas = parse_text(buffer.getvalue())
    semicolons = parse_text(text(FLAT_12531))
    assert commas.attrs["delimiter"] == ","
    pd.testing.assert_frame_equal(commas, semicolons)


def test_table_csv_saved_with_commas_is_an_error() -> None:
    rows = list(csv.reader(io.StringIO(text(TABLE_LAENDER)), delimiter=";"))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with pytest.raises(GenesisFormatError, match="kein ';' als Trennzeichen"):
        parse_text(buffer.getvalue())


def flat_with_values(values: list[str], measure: str = "Bevölkerungsstand") -> str:
    """The Regionalstatistik fixture with its first values replaced."""
    lines = text(FLAT_REGIO).splitlines()
    for i, value in enumerate(values, start=1):
        cells = lines[i].split(";")
        cells[13], cells[16] = value, measure
        lines[i] = ";".join(cells)
    return "\n".join(lines) + "\n"


def test_numbers_with_thousands_separators_and_decimal_commas() -> None:
    df = parse_text(flat_with_values(["1.234.567", "1,5", "2.000,25"]))
    assert df["value"].iloc[:3].tolist() == [1234567.0, 1.5, 2000.25]
    assert any("2 Werte mit Tausenderpunkt" in c for c in df.attrs["corrections"])


@pytest.mark.parametrize("value", ["12.5", "1 234", "abc", ""])
def test_values_that_are_no_german_number(value: str) -> None:
    with pytest.raises(GenesisFormatError, match=rf"Zeile 3: Spalte 'value': Wert '{value}'"):
        parse_text(flat_with_values(["10", value]))


def test_all_missing_markers_are_kept() -> None:
    df = parse_text(flat_with_values(["-", ".", "...", "/", "x"]))
    assert df["missing_marker"].iloc[:5].tolist() == ["-", ".", "...", "/", "x"]
    assert df["value"].iloc[:5].isna().all()
    assert len(df) == 21


def test_negative_persons_are_an_error() -> None:
    with pytest.raises(GenesisFormatError, match=r"Zeile 4: negativer Wert -5.*Personenzahlen"):
        parse_text(flat_with_values(["10", "20", "-5"]))
    allowed = parse_text(flat_with_values(["10", "20", "-5"]), allow_negative=True)
    assert allowed["value"].iloc[2] == -5.0


def test_negative_balance_is_allowed() -> None:
    df = parse_text(flat_with_values(["-120"], measure="Wanderungssaldo"))
    assert df["value"].iloc[0] == -120.0


def test_exact_duplicate_rows_are_dropped_and_reported() -> None:
    lines = text(FLAT_REGIO).splitlines()
    content = "\n".join([*lines, lines[3]]) + "\n"
    with pytest.warns(UserWarning, match="1 doppelte Zeilen entfernt"):
        df = parse_text(content)
    assert len(df) == 21  # 22 data lines, one reported duplicate
    assert df.attrs["dropped_duplicate_lines"] == [23]


def test_conflicting_duplicate_rows_are_an_error() -> None:
    lines = text(FLAT_REGIO).splitlines()
    changed = lines[3].replace(";50000;", ";50001;")
    with pytest.raises(GenesisFormatError, match=r"Zeile 4: dieselbe Zelle.*\[4, 23\]"):
        parse_text("\n".join([*lines, changed]) + "\n")


def test_leading_zeros_stripped_by_a_spreadsheet_are_restored() -> None:
    df = parse_text(text(FLAT_REGIO).replace(";01001;", ";1001;"))
    assert set(df["KREISE_code"]) >= {"01001"} and "1001" not in set(df["KREISE_code"])
    assert any("3 KREISE-Codes" in c for c in df.attrs["corrections"])


def test_table_csv_deeper_nesting_than_first_group_is_an_error() -> None:
    content = text(TABLE_NESTED).replace("Hamburg;;;;;;;;\n", "Extra;;;;;;;;\nHamburg;;;;;;;;\n", 1)
    content = content.replace("31.12.2023;;;;;;;;\n", "Nord;;;;;;;;\n31.12.2023;;;;;;;;\n", 1)
    with pytest.raises(GenesisFormatError, match="verschachtelte Überschriften"):
        parse_text(content)


def test_table_csv_number_in_flag_column_is_an_error() -> None:
    content = text(TABLE_LAENDER).replace("1000110;e;", "1000110;77;")
    with pytest.raises(GenesisFormatError, match=r"Zeile 8: Spalte 3: '77' ist kein Qualität"):
        parse_text(content)


def test_table_csv_short_data_row_is_an_error() -> None:
    content = text(TABLE_LAENDER).replace("300320;p;.;\n", "300320\n")
    with pytest.raises(GenesisFormatError, match=r"Zeile 9: \d+ Felder statt 9"):
        parse_text(content)


def test_table_csv_without_title_unit_line() -> None:
    content = text(TABLE_LAENDER).replace("Bevölkerungsstand (Anzahl)", "Bevölkerungsstand")
    with pytest.raises(GenesisFormatError, match="Titelzeilen nicht erkannt"):
        parse_text(content)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GenesisFormatError, match="nicht lesbar"):
        read_genesis(tmp_path / "fehlt.csv", data_dir=tmp_path)


# --------------------------------------------------------------------------- cache


def test_cache_hits_are_exact_and_keyed_by_content(tmp_path: Path) -> None:
    fresh = read_genesis(TABLE_NESTED, data_dir=tmp_path)
    cached = read_genesis(TABLE_NESTED, data_dir=tmp_path)
    assert (fresh.attrs["from_cache"], cached.attrs["from_cache"]) == (False, True)
    pd.testing.assert_frame_equal(fresh, cached)
    assert fresh.attrs == cached.attrs | {"from_cache": False}
    files = list((tmp_path / "cache" / "genesis").glob("*.parquet"))
    assert len(files) == 1 and files[0].name.startswith(fresh.attrs["sha256"])
    copy = tmp_path / "kopie.csv"
    copy.write_bytes(TABLE_NESTED.read_bytes())
    assert read_genesis(copy, data_dir=tmp_path).attrs["from_cache"] is True
    copy.write_bytes(TABLE_NESTED.read_bytes().replace(b"1300;e", b"1305;e"))
    changed = read_genesis(copy, data_dir=tmp_path)
    assert changed.attrs["from_cache"] is False and 1305.0 in set(changed["value"])
    assert not read_genesis(TABLE_NESTED, data_dir=tmp_path, cache=False).attrs["from_cache"]


def test_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    read_genesis(FLAT_REGIO, data_dir=tmp_path)
    (cache_file,) = (tmp_path / "cache" / "genesis").glob("*.parquet")
    cache_file.write_bytes(b"kaputt")
    with pytest.warns(UserWarning, match="unlesbar"):
        df = read_genesis(FLAT_REGIO, data_dir=tmp_path)
    assert len(df) == 21


def test_table_csv_with_two_label_columns_carries_labels_down() -> None:
    content = (
        "Tabelle: 12411-9998\n"
        "Bevölkerung: Bundesländer, Stichtag, Geschlecht;;;;;\n"
        "Fortschreibung des Bevölkerungsstandes;;;;;\n"
        "Bevölkerungsstand (Anzahl);;;;;\n"
        ";;männlich;;weiblich;\n"
        "31.12.2023;Hamburg;10;e;20;e\n"
        ";Bremen;5;e;6;e\n"
        "__________\n"
        "Stand: 01.01.2026 / 12:00:00\n"
    )
    df = parse_text(content)
    assert len(df) == 4
    bremen = one(df, DLAND_code="04", GES_code="GESW")
    assert (bremen["time"], bremen["value"], bremen["source_line"]) == ("2023-12-31", 6.0, 7)


def test_utf16_with_bom_is_read_without_bom_refused() -> None:
    utf8 = parse_text(text(FLAT_REGIO))
    utf16 = parse_genesis(text(FLAT_REGIO).encode("utf-16"), "excel.csv")
    assert utf16.attrs["encoding"] == "utf-16"
    pd.testing.assert_series_equal(utf16["value"], utf8["value"])
    with pytest.raises(GenesisFormatError, match="excel.csv, Zeile 1: .*UTF-16 ohne BOM"):
        parse_genesis(text(FLAT_REGIO).encode("utf-16-le"), "excel.csv")

"""A corpus of bad and hostile inputs a user could plausibly send, generated here (no binaries
committed): nothing poisons the data, nothing is lost silently, every refusal is one German
line naming the input and the rule, and the loaders keep loading afterwards.

Each case is a defect that reached the data or ended in a traceback before: the test says
which in its docstring.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from haefen_analysis import config, datasets
from haefen_analysis.cli import app
from haefen_analysis.common import files
from haefen_analysis.errors import EncodingError, GenesisFormatError, ParseError
from haefen_analysis.ingest.genesis import read_genesis
from haefen_analysis.ingest.intake import validate_file

TODAY = date(2026, 1, 1)
#: The analysts' table of offers (places pledged, contingents, …) and one good row of it.
OFFER_COLUMNS = [
    "offer_id",
    "member_id",
    "land",
    "offered_on",
    "kind",
    "group",
    "places",
    "places_max",
    "places_qualifier",
    "addressee",
    "document",
    "credited_as_offered",
    "response",
    "response_on",
    "response_source",
    "valid_until",
    "description",
    "source",
    "note",
]
OFFER = dict.fromkeys(OFFER_COLUMNS, "") | {
    "offer_id": "kiel-2024-umf",
    "member_id": "Kiel",
    "land": "SH",
    "offered_on": "12.03.2024",
    "kind": "pledge",
    "group": "umf",
    "places": "4",
    "places_qualifier": "exact",
    "addressee": "bmi",
    "credited_as_offered": "no",
    "response": "none",
    "description": "4 Plätze",
    "source": "https://example.org/kiel",
}
GENESIS = Path(__file__).resolve().parents[1] / "fixtures" / "genesis"
OFFICIAL = GENESIS.parent / "official"
cli = CliRunner()


def csv_file(tmp_path: Path, rows: list[dict], columns=OFFER_COLUMNS, name="p.csv", end="\n"):
    lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


def offer(**changes: str) -> dict[str, str]:
    return {**OFFER, **changes}


def user_file(data: Path, table: str = "offers") -> Path:
    return data / "user" / f"{table}.csv"


def loads_everything(data: Path) -> None:
    for name in ("members", "offers", "admissions"):
        datasets.load(name, data)


# --- one validator: what the intake accepts, every loader loads ----------------------------


def test_a_trailing_space_in_an_id_never_breaks_the_loaders(data_copy, tmp_path):
    """Before: 'luebeck ' was accepted (exit 0) and then every loader raised (duplicate)."""
    lines = (data_copy / "members.csv").read_text(encoding="utf-8").splitlines()
    header, luebeck = lines[0], next(line for line in lines if line.startswith("luebeck,"))
    changed = luebeck.replace("luebeck,", "luebeck ,", 1).replace("Bürgerschaft", "Rat", 1)
    path = tmp_path / "mitglieder.csv"
    path.write_text(f"{header}\n{changed}\n", encoding="utf-8")
    result = validate_file(path, today=TODAY)
    assert (result.accepted, result.rejected) == (0, 1)
    assert result.problems[0].rule == "conflict" and result.problems[0].value == "luebeck"
    assert not user_file(data_copy, "members").exists()
    loads_everything(data_copy)


def test_an_id_with_blanks_is_stored_stripped(data_copy, tmp_path):
    path = csv_file(tmp_path, [offer(offer_id="  kiel-2024-neu ")])
    assert validate_file(path, today=TODAY).accepted == 1
    stored = pd.read_csv(user_file(data_copy), dtype=str)
    assert stored["offer_id"].tolist() == ["kiel-2024-neu"]
    loads_everything(data_copy)


def test_nothing_is_merged_when_the_merged_table_would_not_load(data_copy, tmp_path):
    """The intake loads the merged file through the loaders before it replaces the old one.
    Here the analyst's earlier file was edited by hand and no longer loads: before, the new
    rows were appended to it anyway."""
    (data_copy / "user").mkdir()
    stored = offer(offer_id="alt", member_id="kiel", land="01", offered_on="2024-03-12")
    csv_file(data_copy / "user", [stored | {"places": "-1"}], name="offers.csv")
    before = user_file(data_copy).read_bytes()
    result = validate_file(csv_file(tmp_path, [offer()]), today=TODAY)
    assert result.accepted == 0 and result.rejected == 1
    load = next(p for p in result.problems if p.rule == "load")
    assert load.message.startswith("nichts übernommen: mit diesen Zeilen bestünde die Tabelle")
    assert f"{user_file(data_copy)}, Zeile 2, Spalte 'places', Wert '-1': muss ≥ 0" in load.message
    assert user_file(data_copy).read_bytes() == before
    assert [p for p in user_file(data_copy).parent.iterdir() if p.name.startswith(".")] == []


def test_the_same_rows_in_another_column_order_are_the_same_rows(data_copy, tmp_path):
    """Before: generated ids hashed the file's column order, so the rows were stored twice."""
    rows = [offer(offer_id=""), offer(offer_id="", places="7", description="7 Plätze")]
    first = validate_file(csv_file(tmp_path, rows, name="a.csv"), today=TODAY)
    shuffled = list(reversed(OFFER_COLUMNS))
    again = validate_file(csv_file(tmp_path, rows, shuffled, name="b.csv"), today=TODAY)
    assert (first.accepted, again.accepted, again.already_present) == (2, 0, 2)
    assert len(pd.read_csv(user_file(data_copy), dtype=str)) == 2


# --- every physical line is accounted for -----------------------------------------------------


def test_a_stray_quote_that_swallows_the_next_line_is_refused_with_its_lines(data_copy, tmp_path):
    """Before: the two lines became one row (the second offer was lost without a word)."""
    path = csv_file(
        tmp_path,
        [
            offer(description='"4 Plätze'),
            offer(offer_id="kiel-2024-b", description='Ende"'),
        ],
    )
    with pytest.raises(ParseError, match=r"p\.csv, Zeilen 2–3: Zeilenumbruch in einem Feld"):
        validate_file(path, today=TODAY)
    assert not user_file(data_copy).exists()


def test_a_file_cut_inside_a_quoted_field_is_refused(data_copy, tmp_path):
    path = csv_file(tmp_path, [offer(), offer(offer_id="b", note='"abgeschnitt')])
    with pytest.raises(ParseError, match=r"Zeile 3: ein Anführungszeichen öffnet hier ein Feld"):
        validate_file(path, today=TODAY)


def test_a_trailing_delimiter_names_the_line_and_the_rule(data_copy, tmp_path):
    """Before: pandas took the first column as the index: 'invalid literal for int()' (a
    traceback) with no row."""
    path = csv_file(tmp_path, [offer()])
    path.write_text(path.read_text(encoding="utf-8").replace("\nkiel", ",\nkiel") + ",", "utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(",note,", ",note"), "utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{lines[0].rstrip(',')}\n{lines[1]},\n", encoding="utf-8")
    done = cli.invoke(app, ["validate", str(path)])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert done.stderr.strip() == (
        f"Fehler: {path}, Zeile 2: 20 Felder statt 19 wie in der Kopfzeile: Trennzeichen am "
        "Zeilenende (leere Felder nach der letzten Spalte)"
    )


# --- encodings: one decoder ---------------------------------------------------------------------


def test_utf8_and_cp1252_mixed_is_refused_with_the_line(data_copy, tmp_path):
    """Before: read as cp1252, the UTF-8 line was stored as 'fÃ¼r'."""
    path = tmp_path / "gemischt.csv"
    good = ",".join(offer(description="für UMF").values())
    other = ",".join(offer(offer_id="b", description="für UMF").values())
    path.write_bytes(
        (",".join(OFFER_COLUMNS) + "\n" + good + "\n").encode() + other.encode("cp1252") + b"\n"
    )
    with pytest.raises(EncodingError, match="gemischt.csv, Zeile 3: nicht UTF-8, Zeile 2 aber"):
        validate_file(path, today=TODAY)
    assert not user_file(data_copy).exists()


@pytest.mark.parametrize(
    ("encode", "expected"),
    [
        (lambda text: text.encode("utf-16"), None),  # with BOM: read
        (lambda text: text.encode("utf-16-le"), "UTF-16 ohne BOM"),
        (lambda text: text.replace("4 Plätze", "4\x00Plätze").encode(), "NUL-Bytes"),
    ],
)
def test_utf16_and_nul_bytes(data_copy, tmp_path, encode, expected):
    text = csv_file(tmp_path, [offer()]).read_text(encoding="utf-8")
    path = tmp_path / "kodiert.csv"
    path.write_bytes(encode(text))
    if expected is None:
        result = validate_file(path, today=TODAY)
        assert result.accepted == 1 and datasets.offers()["offer_id"].eq("kiel-2024-umf").any()
    else:
        with pytest.raises(EncodingError, match=expected):
            validate_file(path, today=TODAY)


# --- formula injection -------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.org/x";"Klick")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def test_formula_cells_are_stored_as_text_and_neutralised_in_every_csv(data_copy, tmp_path):
    """Before: '=HYPERLINK(…)' went into data/user/ as it came (a live formula in Excel)."""
    rows = [
        offer(offer_id=f"f{i}", description=text.replace(",", ";"))
        for i, text in enumerate(FORMULAS)
    ]
    rows.append(offer(offer_id="neg", places="-3"))  # rejected: goes to the quarantine CSV
    rows[-1]["note"] = "=cmd"
    result = validate_file(csv_file(tmp_path, rows), today=TODAY)
    assert (result.accepted, result.rejected) == (5, 1)
    stored = pd.read_csv(user_file(data_copy), dtype=str, keep_default_na=False)
    assert all(cell.startswith("'") for cell in stored["description"])
    assert stored["places"].tolist() == ["4"] * 5  # numbers stay numbers
    quarantined = pd.read_csv(result.quarantine, dtype=str, keep_default_na=False)
    assert quarantined["note"].tolist() == ["'=cmd"] and quarantined["places"].tolist() == ["-3"]
    loaded = datasets.offers().set_index("offer_id")["description"]
    assert loaded["f0"] == '=HYPERLINK("http://example.org/x";"Klick")'  # the value, unchanged
    assert loaded["f4"] == "=1"  # cells are stripped: the tab goes, the "=" stays text


def test_the_research_merge_writes_formula_cells_neutralised_too():
    from haefen_analysis.catalogue.schema import resource
    from haefen_analysis.ingest.research import members_csv

    members = resource("members")
    text = members_csv([{"member_id": "x", "note": "=1+1", "name": "-"}], members)
    assert text.splitlines()[1].startswith("x,-,") and text.splitlines()[1].endswith(",'=1+1")


def test_write_csv_neutralises_only_what_a_spreadsheet_would_run(tmp_path):
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "@x", "+49 431 1", "-", "-3", "+1,5", "normal"],
            "n": [1, -2, 3, 4, 5, 6, 7],
        }
    )
    written = files.write_csv(frame, tmp_path / "x.csv").read_text(encoding="utf-8")
    assert written.splitlines()[1:] == [
        "'=1+1,1",
        "'@x,-2",
        "'+49 431 1,3",
        "-,4",
        "-3,5",
        '"+1,5",6',
        "normal,7",
    ]


# --- joins check what they join -----------------------------------------------------------------


def test_population_passed_as_protection_seekers_names_both_statistics():
    """Before: 1,000 per 1,000 (the join took whatever it was given). The build of the Kreis
    table now checks each download's statistic."""
    from haefen_analysis.datasets import geo
    from haefen_analysis.ingest import official

    path = OFFICIAL / "regionalstatistik_12411-01-01-4_kreise.csv"
    population = read_genesis(path, cache=False)
    fixture = ["01001", "01054", "02000", "03241", "03459", "06611", "06633"]  # its Kreise
    kreise = geo.kreise()
    kreise = kreise.loc[kreise["ags"].isin(fixture), ["ags", "name", "bez"]]
    with pytest.raises(GenesisFormatError, match=r"Statistik \['12411'\] statt 12531-0043"):
        official.kreise_table(population, population, kreise, path, path)


# --- one clear line instead of a traceback (haefen validate) -------------------------------------


def test_a_count_too_big_for_the_column_is_a_rejected_row(data_copy, tmp_path):
    """Before: TypeError 'cannot safely cast non-equivalent float64 to int64' (traceback)."""
    path = csv_file(tmp_path, [offer(places="99999999999999999999999")])
    done = cli.invoke(app, ["validate", str(path)], env={"COLUMNS": "300"})
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert (
        "Spalte 'places', Wert '99999999999999999999999': Zahl zu groß für diese Spalte "
        "(höchstens 9.223.372.036.854.775.807) [Regel: type]" in done.stdout
    )


def test_table_option_with_a_corrupt_workbook_is_one_line(data_copy, tmp_path):
    """Before: pandas' 'Excel file format cannot be determined' (traceback)."""
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 kein Excel")
    done = cli.invoke(app, ["validate", "--table", "offers", str(path)])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert done.stderr.startswith(f"Fehler: {path}: keine lesbare Excel-Arbeitsmappe")


def test_a_members_workbook_is_read_like_the_members_csv(data_copy, tmp_path):
    """Before: 'kein Datenblatt gefunden' (only the template's two sheets were known)."""
    header = (data_copy / "members.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    row = dict.fromkeys(header, "")
    row |= {
        "member_id": "neudorf",
        "name": "Neudorf",
        "kind": "gemeinde",
        "land": "Schleswig-Holstein",
        "status": "declared",
        "declared_on": "11. Juli 2019",
        "buendnis_member": "unknown",
        "potsdamer_erklaerung": "unknown",
        "source": "https://example.org/neudorf",
    }
    wb = Workbook()
    wb.active.title = "Mitglieder"
    wb.active.append(header)
    wb.active.append([row[c] for c in header])
    wb.save(tmp_path / "mitglieder.xlsx")
    done = cli.invoke(app, ["validate", str(tmp_path / "mitglieder.xlsx")])
    assert done.exit_code == 0, done.output
    assert "Tabelle 'members': 1 Zeilen, 1 übernommen" in done.stdout
    member = datasets.members().set_index("member_id").loc["neudorf"]
    assert (member["land"], member["declared_on_precision"]) == ("01", "day")


def test_rule_names_and_markup_in_cells_are_printed_as_they_are(data_copy, tmp_path):
    path = csv_file(tmp_path, [offer(places="-4", description="[/bold] [red]x")])
    done = cli.invoke(app, ["validate", str(path)], env={"COLUMNS": "300"})
    assert done.exit_code == 1
    assert "Wert '-4': muss ≥ 0 sein [Regel: minimum]" in done.stdout
    quarantine = pd.read_csv(next((data_copy / "user" / "quarantine").iterdir()), dtype=str)
    assert quarantine["description"].tolist() == ["[/bold] [red]x"]


def test_a_reference_table_takes_no_user_rows(data_copy, tmp_path):
    path = tmp_path / "laender.csv"
    path.write_text((data_copy / "laender.csv").read_text(encoding="utf-8"), encoding="utf-8")
    done = cli.invoke(app, ["validate", "--table", "laender", str(path)])
    assert done.exit_code == 1
    assert "Tabelle 'laender' nimmt keine eigenen Zeilen auf" in done.stderr
    assert not (data_copy / "user").exists()


def test_a_read_only_data_folder_is_one_line(data_copy, tmp_path, monkeypatch):
    """Before: PermissionError (traceback). Simulated: the tests may run as root, who may
    write anywhere."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    done = cli.invoke(app, ["validate", str(csv_file(tmp_path, [offer()]))])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert done.stderr.strip() == (
        f"Fehler: {user_file(data_copy)}: nicht schreibbar (keine Schreibrechte)"
    )


# --- where things live ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["data"],
        ["validate", "x.csv"],
        ["import", "genesis", str(GENESIS / "ffcsv_12531_kreise.csv")],
        ["report", "overview"],
        ["deck"],
    ],
)
def test_a_data_dir_that_does_not_exist_is_one_line(tmp_path, monkeypatch, args):
    """Before: 'haefen report' started kernels whose notebooks failed; 'haefen import' created
    the folder (and a cache in it) where the typo pointed."""
    missing = tmp_path / "tippfehler"
    monkeypatch.setenv(config.DATA_DIR_ENV, str(missing))
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    done = cli.invoke(app, [*args, "--out", str(tmp_path / "out")] if args[0] == "report" else args)
    assert done.exit_code == 1, done.output
    assert (
        done.stderr.strip() == f"Fehler: HAEFEN_DATA_DIR={missing}: Ordner nicht gefunden "
        "(Pfad prüfen oder weglassen)"
    )
    assert not missing.exists() and not (tmp_path / "out").exists()


def test_import_out_below_a_file_is_one_line(tmp_path, monkeypatch):
    """Before: 'nicht schreibbar (File exists)' (English) — and for a read-only folder the
    OSError text of whatever the write met."""
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path))
    laender = config.PROJECT_DIR / "data" / "laender.csv"
    (tmp_path / "laender.csv").write_bytes(laender.read_bytes())
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    out = tmp_path / "datei" / "tidy.csv"
    source = GENESIS / "ffcsv_12531_kreise.csv"
    done = cli.invoke(app, ["import", "genesis", str(source), "--out", str(out), "--no-cache"])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert done.stderr.strip() == (
        f"Fehler: {out}: nicht schreibbar (ein Teil des Pfads ist eine Datei, kein Ordner)"
    )


def test_report_out_that_is_a_file_is_one_line(tmp_path):
    """Before: NotADirectoryError (traceback)."""
    target = tmp_path / "bericht.txt"
    target.write_text("x", encoding="utf-8")
    done = cli.invoke(app, ["report", "overview", "--out", str(target)])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert done.stderr.startswith(f"Fehler: --out {target}: {target}/")
    assert "nicht schreibbar (ein Teil des Pfads ist eine Datei, kein Ordner)" in done.stderr


def test_public_must_be_a_boolean(tmp_path):
    """Before: '-p public=vielleicht' was replaced by the default without a word."""
    done = cli.invoke(
        app, ["report", "overview", "-p", "public=vielleicht", "--out", str(tmp_path)]
    )
    assert done.exit_code == 1
    assert "Parameter public='vielleicht': erwartet Wahrheitswert" in done.stderr
    assert list(tmp_path.iterdir()) == []

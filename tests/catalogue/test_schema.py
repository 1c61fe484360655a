"""The catalogue is read strictly, and shared fields are declared once."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from haefen_analysis import config
from haefen_analysis.catalogue.schema import catalogue, resource
from haefen_analysis.errors import CatalogueError, UnknownTableError
from haefen_analysis.ingest.validate import check_table


def _edit(data_copy, change) -> None:
    path = data_copy / "datapackage.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    change(spec)
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")


def _members_field(spec, name):
    members = next(r for r in spec["resources"] if r["name"] == "members")
    return next(f for f in members["schema"]["fields"] if isinstance(f, dict) and f["name"] == name)


def test_misspelled_key_names_file_table_field_and_key(data_copy):
    def misspell(spec):
        field = _members_field(spec, "status")
        field["requried"] = field.pop("required")

    _edit(data_copy, misspell)
    with pytest.raises(CatalogueError) as err:
        catalogue(data_copy)
    text = str(err.value)
    assert str(data_copy / "datapackage.json") in text
    assert "Tabelle 'members', Feld 'status': unbekannter Schlüssel 'requried'" in text
    assert "erlaubt: name, type" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: _members_field(s, "kind").update(required="yes"), "'required': erwartet true"),
        (lambda s: _members_field(s, "kind").update(type="date"), "Typ 'date' unbekannt"),
        (
            lambda s: _members_field(s, "status")["enum_labels"].update(widerrufen="x"),
            "enum_labels: widerrufen ist kein Wert von enum",
        ),
        (lambda s: s["fields"]["note"].update(titel="x"), "gemeinsames Feld 'note': unbekannter"),
        (lambda s: s["resources"][0].pop("path"), "Tabelle 'laender': Schlüssel 'path' fehlt"),
        (
            lambda s: s["resources"][4]["schema"]["fields"].__setitem__(0, {"ref": "member"}),
            "gemeinsames Feld 'member' unbekannt",
        ),
        (lambda s: s.update(resourcen=[]), "unbekannter Schlüssel 'resourcen'"),
    ],
)
def test_every_kind_of_mistake_is_one_clear_error(data_copy, change, message):
    _edit(data_copy, change)
    with pytest.raises(CatalogueError, match=message):
        catalogue(data_copy)


def test_shared_fields_are_declared_once_and_used_by_reference():
    path = config.PROJECT_DIR / "data" / "datapackage.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    assert set(spec["fields"]) >= {"source", "note", "land", "member_id"}
    inline = [
        (r["name"], f["name"])
        for r in spec["resources"]
        for f in r["schema"].get("fields", [])
        if isinstance(f, dict) and "ref" not in f and f["name"] in ("source", "note", "land")
    ]
    assert inline == []  # every source, note and land column is a reference
    sources = {repr(r.field("source")) for r in catalogue().values() if r.name != "aliases"}
    assert len(sources) == 1  # the same definition in every table
    assert resource("offers").field("land").pattern == "^(DE|0[1-9]|1[0-6])$"  # scope, renamed
    assert resource("demands").field("member_id").required


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(
        UnknownTableError, match="unbekannte Tabelle 'mitglieder'; bekannt: laender"
    ):
        resource("mitglieder")


def test_staging_takes_the_members_columns_without_the_english_twins():
    staged, members = resource("research_members_new"), resource("members")
    assert staged.is_glob and not members.is_glob
    assert staged.columns == [c for c in members.columns if not c.endswith("_en")]
    assert staged.field("status") == members.field("status")


def test_omit_of_an_unknown_column_is_an_error(data_copy):
    def change(spec):
        r = next(r for r in spec["resources"] if r["name"] == "research_members_new")
        r["schema"]["omit"].append("nonexistent")

    _edit(data_copy, change)
    with pytest.raises(CatalogueError, match="omit nennt unbekannte Felder: nonexistent"):
        catalogue(data_copy)


def test_language_is_only_for_text_fields(data_copy):
    def change(spec):
        r = next(r for r in spec["resources"] if r["name"] == "funding")
        fields = r["schema"]["fields"]
        f = next(f for f in fields if isinstance(f, dict) and f.get("name") == "year_from")
        f["language"] = "de"

    _edit(data_copy, change)
    with pytest.raises(CatalogueError, match="language 'de': nur 'de' und nur für Textfelder"):
        catalogue(data_copy)


def test_german_field_rejects_english_and_an_english_twin_alone():
    res = resource("members")
    raw = pd.DataFrame(
        {c: [""] * 2 for c in res.columns}
        | {
            "declaring_body": ["Council (unanimous)", ""],
            "declaring_body_en": ["", "City council"],
        }
    )
    _typed, problems = check_table(raw, res, "m.csv")
    language = [str(p) for p in problems if p.rule == "language"]
    assert language == [
        "m.csv, Zeile 2, Spalte 'declaring_body', Wert 'Council (unanimous)': Text ist Englisch: "
        "deutschen Text eintragen (declaring_body_en) [Regel: language]",
        "m.csv, Zeile 3, Spalte 'declaring_body', Wert '': deutscher Text fehlt (nur "
        "declaring_body_en ausgefüllt) [Regel: language]",
    ]

"""German labels in one place: titles and value labels from the catalogue, derived columns in
catalogue.labels, nothing typed twice."""

from __future__ import annotations

import json
import re

from haefen_analysis import config
from haefen_analysis.catalogue import labels
from haefen_analysis.catalogue.schema import catalogue, resource


def test_title_precedence():
    assert labels.title("land", "pledges") == "Gebiet"  # the table's own title first
    assert labels.title("land") == "Land (AGS)"  # then a derived column's
    assert labels.title("declared_on") == "Beschluss"  # then the one catalogue title
    assert labels.title("member_id") == "member_id"  # "ID" or "Mitglied": ambiguous, the code
    assert labels.titles(["land", "rows"], labels={"land": "Land"}) == {
        "land": "Land",
        "rows": "Zeilen",
    }


def test_no_derived_title_retypes_a_catalogue_title():
    catalogue_titles = {(f.name, f.title) for r in catalogue().values() for f in r.fields}
    assert not set(labels.DERIVED.items()) & catalogue_titles


def test_value_labels():
    assert labels.value_label("credited", "no", "pledges") == "nicht angerechnet"
    assert labels.value_label("credited", "no", "admissions") == "nicht angerechnet"
    assert labels.value_label("crediting", "no/yes") == "keine Anrechnung / wird angerechnet"
    assert labels.value_label("category", "all") == "alle Kategorien"  # derived code
    assert labels.value_label("category", "umf") == "Unbegleitete Minderjährige (UMF)"
    assert labels.value_label("status", None) == "unbekannt"
    assert labels.value_label("status", "somewhere") == "somewhere"


def test_one_wording_per_status_everywhere():
    statuses = resource("members").field("status").enum_labels
    assert {key: labels.status_class(key) for key in statuses} == statuses  # the map legend
    assert labels.status_class("buendnis") == "Bündnis-Mitglied"
    assert len(set(statuses.values())) == len(statuses)


def test_notebooks_type_no_column_titles():
    for path in config.NOTEBOOKS_DIR.glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert not re.search(r"report\.table\([^)]*\{", code), path.name  # no label dicts
        assert "LABELS" not in code, path.name

"""The registry agrees with itself: notes vs dates, members vs networks, German display text."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis import datasets
from haefen_analysis.analysis.consistency import network_disagreements, note_contradictions
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.ingest.validate import looks_english


def members(**columns) -> pd.DataFrame:
    base = {
        "member_id": ["a", "b", "c"],
        "name": ["A", "B", "C"],
        "declared_on": pd.to_datetime(["2019-05-01", None, "2020-01-01"]),
        "note": ["only list evidence: X; no decision found", "no decision found", ""],
        "buendnis_member": ["yes", "unknown", "no"],
        "buendnis_since": pd.to_datetime(["2019-06-14", None, None]),
        "buendnis_since_precision": ["day", None, None],
        "potsdamer_erklaerung": ["yes", "unknown", "unknown"],
    }
    return pd.DataFrame(base | columns)


def test_a_note_saying_the_date_is_missing_beside_a_date_is_flagged():
    out = note_contradictions(members())
    assert out["member_id"].tolist() == ["a"]  # b has no date, so its note is true
    assert out.loc[0, "phrase"] == "only list evidence:"


def test_a_quoted_old_phrase_is_no_contradiction():
    note = "die Angabe 'only list evidence' ist überholt; Beschluss 'no decision found' ersetzt"
    assert note_contradictions(members(note=[note, "", ""])).empty


def test_members_and_networks_disagreements_are_listed():
    nets = pd.DataFrame(
        {
            "member_id": ["a", "c"],
            "network": ["buendnis", "buendnis"],
            "role": ["founding_member", "member"],
            "since": pd.to_datetime(["2019-07-01", None]),
            "since_precision": ["month", None],
        }
    )
    out = network_disagreements(members(), nets).set_index(["member_id", "column"])
    assert out.loc[("c", "buendnis_member"), "networks_value"] == "ja"  # members says no
    assert out.loc[("a", "potsdamer_erklaerung"), "members_value"] == "yes"  # no networks row
    assert ("a", "buendnis_since") in out.index  # 14.06.2019 vs 07/2019
    assert ("b", "buendnis_member") not in out.index  # unknown and no row agree


def test_the_curated_registry_is_consistent():
    m, n = datasets.members(), datasets.networks()
    assert note_contradictions(m).empty
    assert network_disagreements(m, n).empty


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Council (unanimous vote)", True),
        ("motion rejected by majority", True),
        ("Stadtrat (einstimmig; Resolution der Grünen)", False),
        ("Beitritt zur International Alliance of Safe Harbours", False),
        ("Patenschaft mit SOS Humanity (Humanity 1) und Save Me", False),
    ],
)
def test_english_is_recognised_by_function_words(text, english):
    assert looks_english(text) is english


def test_every_german_display_field_of_the_curated_tables_is_german():
    for name, res in catalogue().items():
        frame = datasets.load(name)
        for f in res.fields:
            if f.language == "de":
                english = frame[f.name].dropna().map(looks_english)
                assert not english.any(), (name, f.name, frame.loc[english[english].index, f.name])


def test_qualified_statuses_are_data():
    m = datasets.members().set_index("member_id")
    assert m.loc["erfurt", ["status", "status_qualifier"]].tolist() == ["declared", "contested"]
    assert m.loc["sehnde", "status_qualifier"] == "conditional"
    assert m.loc["isny-im-allgaeu", "status_qualifier"] == "suspended"

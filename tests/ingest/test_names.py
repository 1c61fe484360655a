import warnings

import pandas as pd
import pytest

from haefen_analysis.ingest.names import (
    AmbiguousNameError,
    NameMismatchWarning,
    UnknownNameError,
    name_key,
    resolve_member,
    resolver,
)


@pytest.mark.parametrize(
    ("spelling", "member"),
    [("Hansestadt Lübeck", "luebeck"), ("Lübeck, Hansestadt", "luebeck"), ("Luebeck", "luebeck"),
     ("Stadt Köln", "koeln"), ("Köln, Stadt", "koeln"), ("Koeln", "koeln"),
     ("Halle (Westf.)", "halle-westf"), ("Landkreis Göttingen", "landkreis-goettingen")],
)  # fmt: skip
def test_real_spellings(spelling, member):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these may warn
        assert resolve_member(spelling) == member


def test_misspelling_matches_with_warning():
    with pytest.warns(NameMismatchWarning, match="Halle in Wetsfalen"):
        assert resolve_member("Halle in Wetsfalen") == "halle-westf"


@pytest.mark.parametrize(
    ("name", "other"), [("Blomberg", "Niedersachsen"), ("Halle", "Sachsen-Anhalt")]
)
def test_ambiguous_needs_land(name, other):
    with pytest.raises(AmbiguousNameError, match=other):
        resolve_member(name)


def test_land_resolves_ambiguity():
    assert resolve_member("Blomberg", "NRW") == "blomberg"
    assert resolve_member("Halle", "NW") == "halle-westf"
    with pytest.raises(UnknownNameError, match="kein Mitglied"):
        resolve_member("Blomberg", "Niedersachsen")


def test_unknown_name_lists_close_matches():
    with pytest.raises(UnknownNameError, match="Lübeck"):
        resolve_member("Lubeck")


def test_a_place_that_is_no_member_is_named_as_such():
    with pytest.raises(UnknownNameError, match=r"'Kampen \(Sylt\)' ist Gemeinde Kampen \(Sylt\) "):
        resolve_member("Kampen (Sylt)", "SH")
    with pytest.raises(UnknownNameError, match=r"kein Mitglied 'Lübeck' in Bayern .*gefunden"):
        resolve_member("Lübeck", "Freistaat Bayern")


def test_key_drops_admin_words_only():
    assert name_key("Freie und Hansestadt Hamburg") == "hamburg"
    assert name_key("Landkreis Cuxhaven") != name_key("Cuxhaven")


def test_harmonise_reports_what_it_cannot_map():
    names = pd.Series(["Koeln", "Atlantis", "Köln, Stadt"])
    with pytest.warns(UserWarning, match="1 Name\\(n\\) nicht zugeordnet: Atlantis"):
        out = resolver().harmonise(names)
    assert out["member_id"].tolist()[0::2] == ["koeln", "koeln"]
    assert out["member_id"].isna().tolist() == [False, True, False]
    assert "unbekannter Name" in out["problem"][1]


def test_member_id_is_accepted_as_is():
    # "Blomberg" alone is ambiguous, the id is not (the report runner passes ids)
    assert resolve_member("blomberg") == "blomberg"
    assert resolve_member("halle-saale") == "halle-saale"


def test_resolver_follows_a_renamed_member(data_copy):
    assert resolve_member("Kiel") == "kiel"
    path = data_copy / "members.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",Kiel,", ",Kiel Ost,"), "utf-8")
    assert resolve_member("Kiel Ost") == "kiel"  # same row count, new name: not a stale index

import pytest

from haefen_analysis.ingest.codes import UnknownLandError, laender, land_code, scope_code


@pytest.mark.parametrize(
    "spelling",
    ["NRW", "NW", "Nordrhein-Westfalen", "nordrhein westfalen", "DE-NW", "05", "5",
     "North Rhine-Westphalia", " Nordrhein-Westfalen "],
)  # fmt: skip
def test_nrw_spellings_give_one_code(spelling):
    assert land_code(spelling) == "05"


@pytest.mark.parametrize(
    ("spelling", "code"),
    [("Thüringen", "16"), ("Thueringen", "16"), ("Baden-Württemberg", "08"), ("BaWü", "08"),
     ("Bavaria", "09"), ("DE-SH", "01"), ("Schleswig-Holstein", "01"), ("HB", "04")],
)  # fmt: skip
def test_other_laender(spelling, code):
    assert land_code(spelling) == code


def test_unknown_land_lists_close_matches():
    with pytest.raises(UnknownLandError, match="Nordrhein-Westfalen"):
        land_code("Nordrhein-Westfahlen")
    with pytest.raises(UnknownLandError, match="ähnlich: keine"):
        land_code("Atlantis")


def test_sixteen_laender_with_unique_codes():
    lands = laender()
    assert [x.ags for x in lands] == [f"{i:02d}" for i in range(1, 17)]
    assert len({x.iso for x in lands}) == 16


def test_scope_accepts_germany():
    assert scope_code("Deutschland") == "DE"
    assert scope_code("Bayern") == "09"


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        # official long forms (bpb, Das junge Politik-Lexikon, "Freistaat")
        ("Freistaat Bayern", "09"),
        ("Freistaat Sachsen", "14"),
        ("Freistaat Thüringen", "16"),
        ("Freie und Hansestadt Hamburg", "02"),
        ("Freie Hansestadt Bremen", "04"),
        ("Land Berlin", "11"),
        ("Land Nordrhein-Westfalen", "05"),
        # inverted as in Regionalstatistik 12411-01-01-4 (label of Kreis 02000)
        ("Hamburg, kreisfreie Stadt, Freie und Hansestadt", "02"),
        ("Bayern, Freistaat", "09"),
        # abbreviation in official documents (GVOBl. M-V, landesrecht-mv.de)
        ("M-V", "13"),
        ("LSA", "15"),
    ],
)
def test_official_forms_and_abbreviations(spelling, code):
    assert land_code(spelling) == code


@pytest.mark.parametrize("spelling", ["Freistaat Hessen", "Freie Hansestadt Hamburg"])
def test_a_title_the_land_does_not_carry_is_refused(spelling):
    with pytest.raises(UnknownLandError, match="unbekanntes Land"):
        land_code(spelling)

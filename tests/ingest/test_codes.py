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

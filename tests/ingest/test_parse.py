from datetime import date

import pytest

from haefen_analysis.ingest.parse import ParseError, parse_date, parse_number


@pytest.mark.parametrize(
    ("text", "day", "precision", "iso"),
    [
        ("11. Juli 2019", date(2019, 7, 11), "day", "2019-07-11"),
        ("04.12.2023", date(2023, 12, 4), "day", "2023-12-04"),
        ("Juli 2019", date(2019, 7, 1), "month", "2019-07"),
        ("2019", date(2019, 1, 1), "year", "2019"),
        ("2019-07-11", date(2019, 7, 11), "day", "2019-07-11"),
        ("2018-09", date(2018, 9, 1), "month", "2018-09"),
        ("3. März 2020", date(2020, 3, 3), "day", "2020-03-03"),
        ("07/2019", date(2019, 7, 1), "month", "2019-07"),
    ],
)
def test_german_dates_keep_precision(text, day, precision, iso):
    parsed = parse_date(text)
    assert (parsed.date, parsed.precision, parsed.iso) == (day, precision, iso)


def test_month_is_not_silently_a_day():
    parsed = parse_date("2018-09")
    assert parsed.iso == "2018-09" and parsed.german == "09/2018"


@pytest.mark.parametrize("bad", ["31.02.2019", "Juno 2019", "gestern", ""])
def test_bad_dates_are_errors(bad):
    with pytest.raises(ParseError):
        parse_date(bad)


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "vmax"),
    [
        ("1.234", 1234, "exact", None),
        ("1.234,5", 1234.5, "exact", None),
        ("ca. 40", 40, "about", None),
        ("bis zu 100", 100, "up_to", None),
        ("über 120", 120, "more_than", None),
        ("350-500", 350, "range", 500),
        ("12", 12, "exact", None),
    ],
)
def test_german_numbers(text, value, qualifier, vmax):
    n = parse_number(text)
    assert (n.value, n.qualifier, n.value_max) == (value, qualifier, vmax)


def test_bad_number():
    with pytest.raises(ParseError, match="keine Zahl"):
        parse_number("vierzig")

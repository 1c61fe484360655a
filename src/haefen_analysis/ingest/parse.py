"""Reading what German sources write: dates with their precision, numbers with qualifiers.

A source saying "Juli 2019" must never become "2019-07-01" without saying so: every date comes
back with its precision (day / month / year). "bis zu 100" is not 100: numbers come back with a
qualifier (exact / up_to / about / more_than / range).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from haefen_analysis.common import dates
from haefen_analysis.errors import ParseError

MONTHS = {
    "januar": 1,
    "jan": 1,
    "jänner": 1,
    "februar": 2,
    "feb": 2,
    "märz": 3,
    "maerz": 3,
    "mär": 3,
    "mrz": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
}


@dataclass(frozen=True)
class PartialDate:
    """A date known to a precision: ``date`` is the first day of the period it names."""

    date: date
    precision: str

    @property
    def iso(self) -> str:
        """ISO form that keeps the precision: "2019", "2019-07" or "2019-07-11"."""
        return {"day": self.date.isoformat(), "month": self.date.isoformat()[:7]}.get(
            self.precision, str(self.date.year)
        )

    @property
    def german(self) -> str:
        """German display form: "11.07.2019", "07/2019" or "2019"."""
        return dates.german(self.date, self.precision)


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$")
_SLASH_MONTH = re.compile(r"^(\d{1,2})[/.](\d{4})$")
_WORDS = re.compile(r"^(?:(\d{1,2})\.?\s+)?([a-zäöü]+)\.?\s+(\d{4})$")


def parse_date(text: str) -> PartialDate:
    """Read "11. Juli 2019", "04.12.2023", "Juli 2019", "07/2019", "2019" or ISO forms."""
    raw = str(text).strip()
    s = raw.casefold()
    try:
        if m := _ISO.match(s):
            y, mo, d = m.groups()
            if d:
                return PartialDate(date(int(y), int(mo), int(d)), "day")
            if mo:
                return PartialDate(date(int(y), int(mo), 1), "month")
            return PartialDate(date(int(y), 1, 1), "year")
        if m := _DOTTED.match(s):
            d, mo, y = m.groups()
            return PartialDate(date(int(y), int(mo), int(d)), "day")
        if m := _SLASH_MONTH.match(s):
            mo, y = m.groups()
            return PartialDate(date(int(y), int(mo), 1), "month")
        if (m := _WORDS.match(s)) and m.group(2) in MONTHS:
            d, mo, y = m.group(1), MONTHS[m.group(2)], int(m.group(3))
            if d:
                return PartialDate(date(y, mo, int(d)), "day")
            return PartialDate(date(y, mo, 1), "month")
    except ValueError as exc:  # e.g. 31.02.2019
        raise ParseError(f"kein gültiges Datum: {raw!r} (diesen Tag gibt es nicht)") from exc
    raise ParseError(
        f"kein Datum: {raw!r} (erwartet z. B. '11. Juli 2019', '04.12.2023', 'Juli 2019', "
        "'2019', '2019-07-11')"
    )


@dataclass(frozen=True)
class Number:
    """A number as a source states it."""

    value: float
    qualifier: str = "exact"
    value_max: float | None = None


_QUALIFIERS = (
    ("up_to", ("bis zu", "bis", "maximal", "max.", "höchstens", "up to")),
    ("more_than", ("mehr als", "über", "ueber", "more than", "over", ">")),
    ("about", ("ca.", "ca", "circa", "etwa", "rund", "ungefähr", "about", "approx.", "~")),
)
_NUMBER = r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?"


def _german_float(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def parse_number(text: str) -> Number:
    """Read "1.234", "1.234,5", "ca. 40", "bis zu 100", "über 120", "350-500" (German notation)."""
    raw = str(text).strip()
    s = raw.casefold()
    qualifier = "exact"
    for name, words in _QUALIFIERS:
        for word in words:
            if s.startswith(word) and (len(s) == len(word) or not s[len(word)].isalpha()):
                qualifier, s = name, s[len(word) :].strip()
                break
        if qualifier != "exact":
            break
    if m := re.fullmatch(rf"({_NUMBER})\s*(?:-|–|bis)\s*({_NUMBER})", s):
        return Number(_german_float(m.group(1)), "range", _german_float(m.group(2)))
    if re.fullmatch(_NUMBER, s):
        return Number(_german_float(s), qualifier)
    raise ParseError(
        f"keine Zahl: {raw!r} (erwartet deutsche Schreibweise wie '1.234', '1.234,5', "
        "'ca. 40', 'bis zu 100' oder '350-500')"
    )

"""German dates at their precision: "11.07.2019" (day), "07/2019" (month), "2019" (year).

A source saying "Juli 2019" must never be shown as "01.07.2019": every date shown goes
through ``german`` with its precision.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # pandas is imported where a frame or Timestamp is at hand: the report
    import pandas as pd  # runner's workers import this module and must start light

#: German time: report folders are named by its day, reports say when they were made in it.
TIMEZONE = ZoneInfo("Europe/Berlin")

#: strftime format per precision (day / month / year).
FORMATS = {"day": "%d.%m.%Y", "month": "%m/%Y", "year": "%Y"}
#: An ISO partial date and its precision by length: "2019", "2019-07", "2019-07-11".
ISO_PARTIAL = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}


def german(value: object, precision: object = "day") -> str:
    """German text of a date at its precision; "" when the date is unknown."""
    import pandas as pd

    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime(FORMATS.get(str(precision), FORMATS["year"]))


def german_iso(text: str) -> str:
    """German text of an ISO partial date ("2026-11-22" → "22.11.2026", "2025" → "2025");
    "" for "", ``ValueError`` for anything else."""
    if not text:
        return ""
    if not ISO_PARTIAL.fullmatch(text):
        raise ValueError(f"kein Datum der Form JJJJ, JJJJ-MM oder JJJJ-MM-TT: {text!r}")
    day = date.fromisoformat(text + "-01-01"[len(text) - 4 :])  # "2025" → "2025-01-01"
    return day.strftime(FORMATS[PRECISION_BY_LENGTH[len(text)]])


def german_columns(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The frame with each date column replaced by its German text, at the precision held in
    ``<column>_precision``."""
    out = frame.copy()
    for col in columns:
        pairs = zip(frame[col], frame[f"{col}_precision"], strict=True)
        out[col] = [german(v, p) for v, p in pairs]
    return out


def now() -> datetime:
    """The current moment in German time."""
    return datetime.now(TIMEZONE)


def german_time(moment: datetime, *, seconds: bool = False) -> str:
    """A moment as German text: "22.11.2026 06:00" (or with seconds)."""
    return moment.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def period_end(value: object, precision: object) -> pd.Timestamp:
    """Last day of the period a date names ("07/2019" → 31.07.2019, a day → itself)."""
    import pandas as pd

    start = pd.Timestamp(value)
    if precision == "month":
        return start + pd.offsets.MonthEnd(0)
    if precision == "day":
        return start
    return start + pd.offsets.YearEnd(0)

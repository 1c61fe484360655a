"""One rule for every count a page shows, and the "< 3" rule for minors.

Counts: "N" when every contribution is known, "N (M unbekannt)" when M contributions have no
number, "unbekannt" when none has; "–" (or 0) only where there is nothing: no member, no row.

Small counts of minors (public reports): a figure of 1 or 2 unaccompanied minors is "< 3".
So that no small count can be derived from a sum or a difference, a total into which such a
figure goes is shown as the range it may take ("9–10" for 8 persons and "< 3" minors), and
"< 3" when its upper end is below 3.
"""

from __future__ import annotations

import pandas as pd

from haefen_analysis.catalogue.labels import UNKNOWN
from haefen_analysis.figures import theme

#: Counts of these groups below ``SMALL_COUNT_LIMIT`` could identify someone.
SMALL_COUNT_LIMIT = 3
SMALL_COUNT_GROUPS = ("umf",)
SMALL_COUNT_LABEL = f"< {SMALL_COUNT_LIMIT}"
#: "There is nothing to count" (never "unknown").
NONE = "–"
#: The sentence under a table whose counts follow the rule.
RULE_NOTE = (
    "„N (M unbekannt)“: Summe der bekannten Zahlen, M Angaben ohne Zahl; „unbekannt“: keine "
    "Zahl bekannt; „–“: nichts zu zählen."
)
PUBLIC_NOTE = (
    "Öffentliche Fassung: 1 oder 2 Minderjährige stehen als „< 3“, Summen mit solchen Zahlen "
    "als Spanne (z. B. „9–10“), damit sich keine kleine Zahl zurückrechnen lässt."
)


def number(value: object) -> str:
    """A whole number in German ("1.234")."""
    return theme.format_number(value, 0, missing=UNKNOWN)


def count_text(
    known: object, unknown: int = 0, rows: int | None = None, *, empty: str = NONE
) -> str:
    """The count rule: ``known`` is the sum (or count) of what is known, ``unknown`` how many
    contributions have no number, ``rows`` how many contributions there are (``None``: at
    least one). ``empty`` is shown when there is nothing to count."""
    if rows == 0:
        return empty
    if known is None or pd.isna(known) or (rows is not None and unknown >= rows):
        return UNKNOWN
    text = number(known)
    return f"{text} ({unknown} {UNKNOWN})" if unknown else text


def _protected(groups: pd.Series | None, index: pd.Index) -> pd.Series:
    if groups is None:
        return pd.Series(False, index=index)
    return groups.astype("string").isin(SMALL_COUNT_GROUPS).fillna(False).astype(bool)


def total_text(
    values: pd.Series,
    groups: pd.Series | None = None,
    *,
    public: bool,
    empty: str = UNKNOWN,
) -> str:
    """The total of ``values`` (one contribution per row; <NA> = no number) by the count rule;
    in public mode contributions of 1–2 persons of a protected ``groups`` value make it a
    range (or "< 3"). ``empty`` when there is no row (default: unknown, since no row about
    admissions does not mean none came)."""
    values = pd.Series(values).astype("Float64")
    if len(values) == 0:
        return empty
    unknown = int(values.isna().sum())
    if unknown == len(values):
        return UNKNOWN
    small = pd.Series(False, index=values.index)
    if public:
        small = _protected(groups, values.index) & values.between(1, SMALL_COUNT_LIMIT - 1)
        small = small.fillna(False).astype(bool)
    exact = values[~small].sum()
    hidden = int(small.sum())
    suffix = f" ({unknown} {UNKNOWN})" if unknown else ""
    if not hidden:
        return number(exact) + suffix
    low, high = exact + hidden, exact + 2 * hidden
    if high < SMALL_COUNT_LIMIT:
        return SMALL_COUNT_LABEL + suffix
    return f"{number(low)}–{number(high)}" + suffix


def cell_texts(values: pd.Series, groups: pd.Series | None = None, *, public: bool) -> pd.Series:
    """Each value as its own count ("< 3" for 1–2 protected persons in public mode,
    "unbekannt" where there is no number)."""
    texts = []
    for i in range(len(values)):
        group = None if groups is None else groups.iloc[[i]]
        texts.append(total_text(values.iloc[[i]], group, public=public))
    return pd.Series(texts, index=values.index, dtype=object)


def totals(
    rows: pd.DataFrame,
    by: str | list[str],
    *,
    public: bool,
    value: str = "value",
    group: str | None = "group",
    index: pd.Index | None = None,
    empty: str = UNKNOWN,
) -> pd.Series:
    """``total_text`` per ``by`` value (a Series of text), reindexed to ``index`` with
    ``empty`` where there is no row."""
    out = {
        key: total_text(
            part[value], part[group] if group and group in part else None, public=public
        )
        for key, part in rows.groupby(by, observed=True, sort=True)
    }
    series = pd.Series(out, dtype=object)
    return series.reindex(index, fill_value=empty) if index is not None else series

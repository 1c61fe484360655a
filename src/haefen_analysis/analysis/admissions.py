"""Which admission figures add up: one programme kind at a time, and no period counted twice.

``admissions.csv`` holds what sources published: a yearly figure next to a cumulative "Stand"
of the same programme (Landesaufnahmeprogramm SH: 85 in 2019, 426 in 2021, 511 by 17.12.2021)
and figures of different kinds (a Land's own programme, federal relocation, the Sichere-Häfen
admissions of its cities). Summing every row double counts and mixes unlike things; the
functions here pick, per programme kind, area and member, the rows whose periods do not
overlap, latest first, and total them by kind.
"""

from __future__ import annotations

from hashlib import sha256

import pandas as pd

from haefen_analysis.common.dates import period_end

#: Programme kinds that are special admissions, in display order ("kontext" rows are general
#: asylum figures and never part of a total).
KINDS = ("sichere_haefen", "landesaufnahme", "bund_eu")
CONTEXT = "kontext"
#: Metrics counted as "admitted".
ARRIVED = ("arrived",)


def _series_key(frame: pd.DataFrame) -> pd.Series:
    """Rows that describe the same stream of people: the Sichere-Häfen admissions of one member
    (whatever the programme is called), else one programme in one area (a Land's programme
    is the same whether a row names the Land as member or not)."""
    programme = frame["programme_id"].fillna(frame["programme"]).astype(str)
    kind = frame["programme_kind"].astype(str)
    member = frame["member_id"].fillna("").astype(str)
    stream = member.where(kind == "sichere_haefen", programme)
    return kind + "|" + frame["scope"].astype(str) + "|" + stream


#: ``counted``'s choice per content of the admissions table (a batch of reports asks for the
#: same table's count many times; ~60 ms each).
_COUNTED: dict[str, list[object]] = {}


def counted(admissions: pd.DataFrame, metrics: tuple[str, ...] = ARRIVED) -> pd.DataFrame:
    """The admissions rows (of ``metrics``, without context rows) that a total may add: per
    stream (see ``_series_key``) the largest figure first (a cumulative "Stand" holds the
    yearly figures inside it), then every further figure whose period overlaps none already
    taken. Periods run from the start to the end of their precision ("2021" = the whole
    year)."""
    try:
        hashed = pd.util.hash_pandas_object(admissions, index=True).to_numpy().tobytes()
    except TypeError:  # cells that do not hash: chosen afresh
        return admissions[admissions.index.isin(_counted_rows(admissions, metrics))]
    key = sha256(hashed + repr((list(admissions.columns), metrics)).encode()).hexdigest()
    if key not in _COUNTED:
        if len(_COUNTED) > 32:
            _COUNTED.clear()
        _COUNTED[key] = _counted_rows(admissions, metrics)
    return admissions[admissions.index.isin(_COUNTED[key])]


def _counted_rows(admissions: pd.DataFrame, metrics: tuple[str, ...]) -> list[object]:
    rows = admissions[
        admissions["metric"].astype(str).isin(metrics)
        & (admissions["programme_kind"].astype(str) != CONTEXT)
    ]
    start = rows["period_start"]
    end = rows["period_end"].fillna(start)
    precision = (
        rows["period_end_precision"]
        .astype(str)
        .where(rows["period_end"].notna(), rows["period_start_precision"].astype(str))
    )
    work = rows.assign(
        _key=_series_key(rows).to_numpy(),
        _start=start,
        _end=[period_end(v, p) for v, p in zip(end, precision, strict=True)],
    ).sort_values(["_key", "value", "_end"], ascending=[True, False, False])
    keep: list[object] = []
    for _, stream in work.groupby("_key", sort=False):
        taken: list[tuple[pd.Timestamp, pd.Timestamp]] = []
        for idx, row in stream.iterrows():
            if all(row["_end"] < s or row["_start"] > e for s, e in taken):
                keep.append(idx)
                taken.append((row["_start"], row["_end"]))
    return keep


def by_kind(counted_rows: pd.DataFrame, by: str = "scope") -> pd.DataFrame:
    """Totals of ``counted`` rows per ``by`` value (rows) and programme kind (a column per
    kind of ``KINDS``); <NA> where no figure of that kind is known."""
    kinds = counted_rows["programme_kind"].astype(str)
    out = {
        kind: counted_rows[kinds == kind].groupby(by)["value"].sum(min_count=1).astype("Int64")
        for kind in KINDS
    }
    return pd.DataFrame(out)

"""What is loaded and how complete it is: the numbers behind ``haefen data``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.analysis.members import DECLARED
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.common import dates
from haefen_analysis.ingest import codes


def data_summary(data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per table: rows, as-of date, distinct sources, known gaps."""
    dd = Path(data_dir) if data_dir is not None else None
    rows = []
    for name, res in catalogue(dd).items():
        frame = datasets.load(name, dd)
        rows.append(
            {
                "table": name,
                "title": res.title,
                "rows": len(frame),
                "as_of": res.as_of,
                "sources": frame["source"].nunique() if "source" in frame else 0,
                "gaps": res.gaps,
            }
        )
    return pd.DataFrame(rows)


#: The columns of ``member_coverage`` a reader sees (the CLI and the overview report).
SHOWN_COLUMNS = (
    "land_name",
    "in_data",
    "dated",
    "published",
    "published_as_of",
    "difference",
    "explanation",
)


def member_coverage(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Per Land: members in the data vs the latest published count, and how many are dated.

    The latest dated count is used; an undated count only where no dated one exists.

    ``dated`` counts decision dates of at least month precision (the registry's target).
    """
    mem = datasets.members(data_dir)
    declared = mem[mem["status"].isin(DECLARED)]
    counts = datasets.counts_over_time(data_dir)
    published = (
        counts[(counts["metric"] == "sichere_haefen") & (counts["scope"] != codes.GERMANY)]
        .sort_values("as_of", na_position="first")
        .groupby("scope")
        .tail(1)
        .set_index("scope")
    )
    rows = []
    for land in codes.laender(Path(data_dir) if data_dir else None):
        here = declared[declared["land"] == land.ags]
        dated = here["declared_on_precision"].isin(["day", "month"]).sum()
        pub = published.loc[land.ags] if land.ags in published.index else None
        when = (pd.NaT, None) if pub is None else (pub["as_of"], pub["as_of_precision"])
        rows.append(
            {
                "land": land.ags,
                "land_name": land.name,
                "in_data": len(here),
                "dated": int(dated),
                "published": pd.NA if pub is None else int(pub["value"]),
                "published_as_of": "" if pub is None else dates.german(*when) or "undatiert",
                "published_end": dates.period_end(*when) if pd.notna(when[0]) else pd.NaT,
                "published_source": "" if pub is None else pub["source"],
            }
        )
    out = pd.DataFrame(rows)
    out["published"] = out["published"].astype("Int64")
    out["difference"] = out["in_data"] - out["published"]
    out["explanation"] = [
        _explain(row, declared[declared["land"] == row.land], counts) for row in out.itertuples()
    ]
    return out.drop(columns="published_end")


def members_without_key(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Members without an official key (no row in ``member_keys``) and why: the resolver's
    reason (a name shared in the Land, no Gemeinde of that name), so a row can be added by
    hand with a source. Columns member_id, name, land_name, reason."""
    from haefen_analysis.ingest.member_keys import why_unkeyed

    mem = datasets.members(data_dir)
    unkeyed = mem[mem["ars"].isna()]
    reasons = why_unkeyed(unkeyed, data_dir) if len(unkeyed) else {}
    return pd.DataFrame(
        {
            "member_id": unkeyed["member_id"].to_numpy(),
            "name": unkeyed["name"].to_numpy(),
            "land_name": [codes.land_name(c) for c in unkeyed["land"]],
            "reason": [reasons[m] for m in unkeyed["member_id"]],
        }
    )


#: A Land's count is "close" to the published one within this share.
TOLERANCE = 0.10


def _explain(row: object, members: pd.DataFrame, counts: pd.DataFrame) -> str:
    """Why the data and the latest published count differ (empty within ``TOLERANCE``)."""
    undated = counts[(counts["scope"] == row.land) & counts["as_of"].isna()]
    extra = f"; undatierte Zählung: {int(undated['value'].max())}" if len(undated) else ""
    if pd.isna(row.published):
        return "keine veröffentlichte Zahl für das Land" + extra
    if abs(row.difference) <= TOLERANCE * row.published:
        return "" if not extra else extra.lstrip("; ")
    if row.difference > 0:
        first = members["declared_on"].fillna(members["listed_by"])
        after = int((first > row.published_end).sum())
        who = "Mitglied" if after == 1 else "Mitglieder"
        return (
            f"Zählung vom {row.published_as_of}; {after} {who} danach beschlossen oder belegt"
            + extra
        )
    return (
        f"{-row.difference} fehlen: keine vollständige Liste des Landes in den gelesenen "
        "Quellen (data/RESEARCH.md)" + extra
    )

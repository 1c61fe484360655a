"""Members: over time, as points and areas for maps, per Kreis, one member's profile, demands.

Each function takes the loaders' tables (or loads them) and returns a tidy frame; figures and
notebooks only display what these return.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.common import dates
from haefen_analysis.ingest import codes

#: Statuses that count as "is (or was) a Sicherer Hafen".
DECLARED = ("declared", "revoked")
MONTHS = ("day", "month")


def members_over_time(members: pd.DataFrame) -> pd.DataFrame:
    """Cumulative counts per month: Sichere Häfen by decision date (month precision or
    better), by earliest dated evidence where the decision date is unknown, and Bündnis
    members by joining date. Rows without any usable date are counted in ``attrs``."""
    m = members[members["status"].isin(DECLARED)]
    by_decision = m["declared_on"].where(m["declared_on_precision"].isin(MONTHS))
    evidence = by_decision.fillna(m["listed_by"].where(m["listed_by_precision"].isin(MONTHS)))
    joined = m["buendnis_since"].where(m["buendnis_since_precision"].isin(MONTHS))
    series = {
        "Sichere Häfen (Beschlussdatum bekannt)": by_decision,
        "Sichere Häfen (Beschluss oder frühester Beleg)": evidence,
        "Bündnis-Mitglieder (Beitrittsdatum bekannt)": joined,
    }
    frames = []
    for label, when in series.items():
        monthly = when.dropna().dt.to_period("M").value_counts().sort_index().cumsum()
        frames.append(
            pd.DataFrame({"month": monthly.index.to_timestamp(), "count": monthly.values}).assign(
                series=label
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out.attrs["undated"] = int(evidence.isna().sum())
    out.attrs["members"] = len(m)
    return out


def member_points(data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per member for the member map: location, status, pledged places, admissions,
    decision date label and source. Members that could not be located have no lat/lon."""
    import warnings

    from haefen_analysis.datasets import geo

    mem = datasets.members(data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", geo.UnresolvedMembersWarning)  # reported by callers
        located = geo.locate_members_cached(mem, Path(data_dir) if data_dir else None)
    pledged = datasets.pledges(data_dir).groupby("member_id")["places"].sum(min_count=1)
    adm = datasets.admissions(data_dir)
    admitted = adm[adm["metric"] == "arrived"].groupby("member_id")["value"].sum(min_count=1)
    out = mem.merge(
        located[
            ["member_id", "lat", "lon", "kreis_ags", "geometry_level", "match", "geonameid", "note"]
        ],
        on="member_id",
        how="left",
        suffixes=("", "_geo"),
    )
    out["pledged"] = out["member_id"].map(pledged).astype("Int64")
    out["admitted"] = out["member_id"].map(admitted).astype("Int64")
    out["size_value"] = out["pledged"]
    out["declared_label"] = dates.german_columns(out, "declared_on")["declared_on"]
    return out


def map_inputs(points: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Split member points into what ``figures.maps.member_map`` draws: points (towns) and
    areas (members that are Kreise or Länder, keyed by their AGS)."""
    towns = points[(points["geometry_level"] == "point") & points["lat"].notna()]
    towns = towns.assign(declared_on=towns["declared_label"])
    kreise = points[points["geometry_level"] == "kreis"].dropna(subset=["kreis_ags"])
    laender = points[points["geometry_level"] == "land"]
    area_cols = ["name", "status", "buendnis_member", "size_value", "source"]
    return {
        "points": towns,
        "kreis_areas": kreise.assign(ags=kreise["kreis_ags"])[["ags", *area_cols]],
        "land_areas": laender.assign(ags=laender["land"])[["ags", *area_cols]],
    }


def members_per_kreis(points: pd.DataFrame, land: str | None = None) -> pd.Series:
    """Per Kreis (5-digit AGS): 2 = the Kreis itself is a Sicherer Hafen, 1 = a town in it
    is, 0 = none in the data (only declared members count)."""
    from haefen_analysis.datasets import geo

    kreise = geo.kreise()
    if land is not None:
        kreise = kreise[kreise["ags"].str[:2] == codes.land_code(land)]
    p = points[points["status"] == "declared"]
    towns = set(p.loc[p["geometry_level"] == "point", "kreis_ags"].dropna())
    own = set(p.loc[p["geometry_level"].isin(["kreis", "land"]), "kreis_ags"].dropna())
    value = [2 if a in own else 1 if a in towns else 0 for a in kreise["ags"]]
    return pd.Series(value, index=kreise["ags"].to_numpy(), name="status")


KREIS_CLASSES = {
    0: "kein Sicherer Hafen in den Daten",
    1: "Stadt/Gemeinde im Kreis",
    2: "Kreis selbst",
}
#: Light to dark with membership, so the map also reads in black and white.
KREIS_COLOURS = dict(zip(KREIS_CLASSES.values(), ["#f2f2f2", "#56B4E9", "#0072B2"], strict=True))


def kreis_classes(points: pd.DataFrame, land: str | None = None) -> pd.Series:
    """``members_per_kreis`` as ordered German categories (for ``maps.kreise_choropleth``)."""
    values = members_per_kreis(points, land).map(KREIS_CLASSES)
    return values.astype(pd.CategoricalDtype(list(KREIS_CLASSES.values()), ordered=True))


@dataclass
class Profile:
    """Everything a council inquiry asks about one member (see ``member_profile``)."""

    member: pd.Series
    pledges: pd.DataFrame
    admissions: pd.DataFrame
    meetings: pd.DataFrame
    contacts: pd.DataFrame
    demands: pd.DataFrame
    land_members: pd.DataFrame
    rank_in_land: int | None


def member_profile(member_id: str, data_dir: str | Path | None = None) -> Profile:
    """The member's decision, Bündnis membership, contacts, meetings, measures and its
    position among the members of its Land (order of decision)."""
    mem = datasets.members(data_dir)
    row = mem.set_index("member_id").loc[member_id]
    meetings = datasets.meetings(data_dir)
    involved = meetings["participants"].fillna("").str.split(";").apply(lambda ps: member_id in ps)
    in_land = mem[(mem["land"] == row["land"]) & mem["status"].isin(DECLARED)].copy()
    in_land["first_date"] = in_land["declared_on"].fillna(in_land["listed_by"])
    in_land = in_land.sort_values(["first_date", "name"], na_position="last").reset_index(drop=True)
    dated = in_land[in_land["first_date"].notna()].reset_index(drop=True)
    hits = dated.index[dated["member_id"] == member_id]
    rank = int(hits[0]) + 1 if len(hits) else None
    adm = datasets.admissions(data_dir)
    demands = datasets.demands(data_dir)
    return Profile(
        member=row,
        pledges=datasets.pledges(data_dir).query("member_id == @member_id"),
        admissions=adm[adm["member_id"] == member_id],
        meetings=meetings[involved | (meetings["host"] == member_id)],
        contacts=datasets.contacts(data_dir).query("member_id == @member_id"),
        demands=demands[demands["member_id"] == member_id],
        land_members=in_land,
        rank_in_land=rank,
    )


def _demand_titles(data_dir: str | Path | None = None) -> dict[str, str]:
    from haefen_analysis.catalogue.schema import resource

    return resource("demands", Path(data_dir) if data_dir else None).field("demand").enum_labels


def demand_summary(demands: pd.DataFrame) -> pd.DataFrame:
    """Per demand: how many members decided / fulfilled it (ja / nein / unbekannt)."""
    rows = {}
    for demand, part in demands.groupby("demand", observed=True):
        counts = {}
        for col, label in (("decided", "beschlossen"), ("fulfilled", "umgesetzt")):
            vc = part[col].value_counts()
            for value, text in (("yes", "ja"), ("no", "nein"), ("unknown", "unbekannt")):
                counts[f"{label}: {text}"] = int(vc.get(value, 0))
        rows[_demand_titles()[demand]] = counts
    return pd.DataFrame.from_dict(rows, orient="index")


def demand_labels(demands: pd.DataFrame) -> pd.DataFrame:
    """One member's eight demands with German labels (ja / nein / unbekannt) and sources."""
    yes_no = {"yes": "ja", "no": "nein", "unknown": "unbekannt"}
    titles = _demand_titles()
    return pd.DataFrame(
        {
            "Forderung": demands["demand"].map(titles),
            "beschlossen": demands["decided"].astype(str).map(yes_no),
            "umgesetzt": demands["fulfilled"].astype(str).map(yes_no),
            "Quelle": demands["source"].where(demands["decided"].astype(str) != "unknown", ""),
        }
    )

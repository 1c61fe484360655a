"""Official regional statistics joined to members through their keys: population living in a
Sicherer Hafen, places offered per 1,000 inhabitants, protection seekers in member Kreise vs
the rest of their Land.

Inputs are the shipped tables (``datasets.kreise``, ``datasets.gemeinden``, members with
their keys from ``datasets.members``) or, for downloads of one's own, tidy GENESIS frames
(``region_values``, ``member_values``). A member covers the Gemeinden its key names: itself, the
Gemeinden of its Gemeindeverband, of its Kreis, of its Land; the union is counted, so a
Landkreis and a town in it are not counted twice. Population shares use the Zensus 2022 for
numerator and denominator alike (15.05.2022).

Protection seekers are compared by reporting area (``kreise.seekers_area``): Kreise whose
Ausländerbehörde reports together are one unit. Unknown stays unknown: a unit without its
count makes its group's sum <NA>, counted in ``kreise_unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.common.frames import require_columns
from haefen_analysis.common.sources import distinct_sources
from haefen_analysis.errors import RegionalJoinError
from haefen_analysis.ingest import codes
from haefen_analysis.ingest.genesis import variable_keys

#: Region variables of GENESIS and the level they stand for.
REGION_LEVELS = {"KREISE": "kreis", "DLAND": "land", "GEMEIN": "gemeinde"}
#: Statuses that count (a rejected motion makes no Sicherer Hafen).
DECLARED = ("declared",)
#: Width of the key prefix that a member covers, by key level.
COVER_WIDTH = {"gemeinde": 12, "gemeindeverband": 9, "kreis": 5, "land": 2}
KEY_COLUMNS = ("member_id", "land", "status", "ars", "key_level")
#: What the reports show of ``places_per_1000`` and of the per-Land table with the Kreis rates.
PLACES_COLUMNS = ["name", "pledges", "pledged_places", "census_population", "places_per_1000"]
COMPARE_COLUMNS = [
    "land_name",
    "member_kreise",
    "member_per_1000",
    "rest_kreise",
    "rest_per_1000",
    "kreise_unknown",
]
LAND_COLUMNS = [
    "land_name",
    "member_population_share",
    "places_per_1000",
    "seekers_per_1000",
]


def region_values(df: pd.DataFrame, name: str = "Tabelle") -> pd.DataFrame:
    """One value per region and time of a GENESIS frame: rows of the region variable's main
    level (``<KEY>_level``; a Germany row or Berlin's Bezirke in a Kreis table are left out)
    where every other variable is at its total.

    Returns columns ``time``, ``ags``, ``level``, ``value`` (``"-"`` read as 0) and ``known``.
    """
    keys = variable_keys(df)
    regions = [k for k in keys if f"{k}_level" in df]
    if len(regions) != 1:
        raise RegionalJoinError(f"{name}: braucht genau ein Regionalmerkmal, gefunden {regions}")
    region = regions[0]
    measures = df["measure_label"].dropna().unique()
    if len(measures) > 1:
        raise RegionalJoinError(f"{name}: mehrere Merkmale {list(measures)}; bitte vorher filtern")
    level = df[f"{region}_level"]
    main = level.value_counts().idxmax()
    mask = level.eq(main) & ~df[f"{region}_total"]
    for key in keys:
        if key != region:
            mask &= df[f"{key}_total"]
    out = df.loc[mask, ["time", f"{region}_code", "value", "missing_marker"]]
    out = out.rename(columns={f"{region}_code": "ags"})
    repeated = out.duplicated(["time", "ags"], keep=False)
    if repeated.any():
        first = out[repeated].iloc[0]
        raise RegionalJoinError(
            f"{name}: Region {first['ags']} am {first['time']} mehrfach nach Auswahl der Summen"
        )
    zero = out["missing_marker"].eq("-")
    return pd.DataFrame(
        {
            "time": out["time"],
            "ags": out["ags"],
            "level": main,
            "value": out["value"].mask(zero, 0.0),
            "known": out["value"].notna() | zero,
        }
    ).reset_index(drop=True)


def member_values(df: pd.DataFrame, members: pd.DataFrame, name: str = "Tabelle") -> pd.DataFrame:
    """The values of a GENESIS table for each member, joined by key, not by name: a Gemeinde
    table (8-digit AGS or 12-digit ARS) gives the members that are Gemeinden, a Kreis table the
    Kreise, a Land table the Länder. Columns member_id, time, ags, value, known."""
    require_columns(members, ("member_id", "ars", "key_level"), "Mitglieder", RegionalJoinError)
    values = region_values(df, name)
    level = values["level"].iloc[0] if len(values) else None
    width = values["ags"].str.len().max() if len(values) else 0
    keyed = members.dropna(subset=["ars"])
    ars = keyed["ars"].astype(str)
    code = {5: ars.str[:5], 2: ars.str[:2], 8: ars.str[:5] + ars.str[9:], 12: ars}.get(width)
    if code is None:
        raise RegionalJoinError(f"{name}: Codes mit {width} Stellen lassen sich nicht zuordnen")
    own_level = keyed["key_level"].astype(str).eq(level)
    joined = pd.DataFrame({"member_id": keyed["member_id"], "ags": code})[own_level.to_numpy()]
    return joined.merge(values, on="ags")[["member_id", "time", "ags", "value", "known"]]


def _declared(members: pd.DataFrame) -> pd.DataFrame:
    require_columns(members, KEY_COLUMNS, "Mitglieder", RegionalJoinError)
    return members[members["status"].astype("string").isin(DECLARED)]


def covered_gemeinden(members: pd.DataFrame, gemeinden: pd.DataFrame) -> pd.DataFrame:
    """Each declared, keyed member with every Gemeinde its key covers (member_id, ars)."""
    keyed = _declared(members).dropna(subset=["ars"])
    parts = []
    ars = gemeinden["ars"].astype(str)
    for level, width in COVER_WIDTH.items():
        these = keyed[keyed["key_level"].astype(str) == level]
        prefix = these.assign(prefix=these["ars"].astype(str).str[:width])
        own = pd.DataFrame({"ars": ars, "prefix": ars.str[:width]})
        parts.append(prefix[["member_id", "prefix"]].merge(own, on="prefix")[["member_id", "ars"]])
    return pd.concat(parts, ignore_index=True)


def member_population(members: pd.DataFrame, gemeinden: pd.DataFrame) -> pd.Series:
    """Inhabitants per declared member (Zensus 2022): its Gemeinden together (Int64)."""
    pop = gemeinden.set_index("ars")["population"]
    covered = covered_gemeinden(members, gemeinden)
    return covered.assign(p=covered["ars"].map(pop)).groupby("member_id")["p"].sum().astype("Int64")


def population_in_members(members: pd.DataFrame, gemeinden: pd.DataFrame) -> pd.DataFrame:
    """Per Land (AGS index, and "DE"): the Zensus 2022 population, the part living in a
    Gemeinde covered by a declared member (each Gemeinde once), the share, and the declared
    members without a key (the share is <NA> while there are any)."""
    covered = covered_gemeinden(members, gemeinden)["ars"].drop_duplicates()
    pop = gemeinden.assign(land=gemeinden["ars"].str[:2], covered=gemeinden["ars"].isin(covered))
    laender = [land.ags for land in codes.laender()]
    total = pop.groupby("land")["population"].sum().reindex(laender)
    inside = pop[pop["covered"]].groupby("land")["population"].sum().reindex(laender, fill_value=0)
    unkeyed = _declared(members)["ars"].isna().groupby(_declared(members)["land"]).sum()
    out = pd.DataFrame(
        {
            "census_population": total,
            "member_census_population": inside,
            "members_without_key": unkeyed.reindex(laender, fill_value=0),
        }
    )
    out.loc[codes.GERMANY] = out.sum()
    out = out.astype("Int64")
    share = out["member_census_population"] / out["census_population"]
    out["member_population_share"] = share.where(out["members_without_key"].eq(0)).astype("Float64")
    out.index.name = "land"
    return out


def places_per_1000(
    members: pd.DataFrame, pledges: pd.DataFrame, gemeinden: pd.DataFrame
) -> pd.DataFrame:
    """Per declared member with a pledge: places offered (known numbers summed; <NA> when no
    pledge names one), inhabitants (Zensus 2022) and places per 1,000 inhabitants."""
    require_columns(pledges, ("member_id", "places"), "pledges", RegionalJoinError)
    mem = _declared(members)
    pledged = pledges.dropna(subset=["member_id"]).groupby("member_id")["places"]
    out = pd.DataFrame(
        {"pledges": pledged.size(), "pledged_places": pledged.sum(min_count=1).astype("Int64")}
    )
    out = out[out.index.isin(mem["member_id"])]
    out["census_population"] = member_population(members, gemeinden).reindex(out.index)
    per = out["pledged_places"].astype("Float64") / out["census_population"] * 1000
    out["places_per_1000"] = per.astype("Float64")
    info = mem.set_index("member_id")[["name", "land", "key_level"]]
    out = info.join(out, how="inner").reset_index()
    return out.sort_values(["land", "places_per_1000"], ascending=[True, False], na_position="last")


def member_kreise(members: pd.DataFrame, kreise: pd.DataFrame) -> set[str]:
    """Kreise (5-digit AGS) with a declared member: the Kreis itself, or a Gemeinde or
    Gemeindeverband in it. A Land that is a member counts only where it is a city (Berlin,
    Hamburg, Bremen: all its Kreise are kreisfreie Städte); otherwise every Kreis of Thüringen
    would be a "member Kreis" and there would be no rest to compare with."""
    keyed = _declared(members).dropna(subset=["ars"])
    level = keyed["key_level"].astype(str)
    out = set(keyed.loc[level != "land", "ars"].astype(str).str[:5])
    cities = kreise.groupby("land")["kind"].apply(
        lambda k: k.astype(str).eq("kreisfreie_stadt").all()
    )
    for land in keyed.loc[level == "land", "ars"].astype(str).str[:2]:
        if cities.get(land, False):
            out |= set(kreise.loc[kreise["land"] == land, "ags"])
    return out


def _areas(kreise: pd.DataFrame, member: set[str]) -> pd.DataFrame:
    """One row per reporting area: Land, member area or not, seekers, population, Kreise."""
    require_columns(
        kreise,
        ("ags", "population", "seekers_total", "seekers_area"),
        "kreise",
        RegionalJoinError,
    )
    k = kreise.assign(area=kreise["seekers_area"].astype(str), member=kreise["ags"].isin(member))
    grouped = k.groupby("area")
    return pd.DataFrame(
        {
            "land": grouped["ags"].first().str[:2],
            "member": grouped["member"].any(),
            "seekers": grouped["seekers_total"].sum(min_count=1),
            "known": grouped["seekers_total"].apply(lambda s: s.notna().any()),
            "population": grouped["population"].sum(),
            "kreise": grouped.size(),
        }
    )


def _group(areas: pd.DataFrame) -> pd.Series:
    known = areas["known"].all()
    seekers = areas["seekers"].sum() if known else pd.NA
    people = areas["population"].sum()
    return pd.Series(
        {
            "kreise": int(areas["kreise"].sum()),
            "seekers": seekers,
            "population": people,
            "per_1000": seekers / people * 1000 if known and people else pd.NA,
            "unknown": int((~areas["known"]).sum()),
        }
    )


def protection_seekers_member_vs_rest(kreise: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Per Land (and "DE"): protection seekers per 1,000 inhabitants in the reporting areas
    with a member Kreis (``member_kreise``) vs the other areas of the Land. ``kreise`` needs
    ags, land, kind, population, seekers_total, seekers_area.

    Columns member_kreise, member_seekers, member_population, member_per_1000, the same for
    ``rest_…``, ``kreise_unknown`` (areas without a count) and ``members_without_key``."""
    areas = _areas(kreise, member_kreise(members, kreise))
    rows = {}
    laender = [land.ags for land in codes.laender()]
    for land in [*laender, codes.GERMANY]:
        scope = areas if land == codes.GERMANY else areas[areas["land"] == land]
        row: dict[str, object] = {}
        unknown = 0
        for prefix, part in (("member", scope[scope["member"]]), ("rest", scope[~scope["member"]])):
            g = _group(part)
            unknown += g["unknown"]
            row |= {f"{prefix}_{k}": g[k] for k in ("kreise", "seekers", "population", "per_1000")}
        rows[land] = row | {"kreise_unknown": unknown}
    out = pd.DataFrame.from_dict(rows, orient="index")
    unkeyed = _declared(members)
    unkeyed = unkeyed["ars"].isna().groupby(unkeyed["land"]).sum().reindex(laender, fill_value=0)
    out["members_without_key"] = pd.concat([unkeyed, pd.Series([unkeyed.sum()], ["DE"])])
    for column in out.columns:
        kind = "Float64" if column.endswith("per_1000") else "Int64"
        out[column] = pd.array(out[column].tolist(), dtype=kind)
    out.insert(0, "land_name", [codes.land_name(c) for c in out.index])
    out.index.name = "land"
    return out


def protection_seekers_by_land(kreise: pd.DataFrame) -> pd.DataFrame:
    """Per Land (and "DE"): protection seekers by top-level status and per 1,000 inhabitants,
    summed from the Kreise (the Saarland's joint count is the Land's count)."""
    columns = ["seekers_open", "seekers_recognised", "seekers_rejected", "seekers_total"]
    require_columns(kreise, ("land", "population", *columns), "kreise", RegionalJoinError)
    by_land = kreise.groupby("land")[["population", *columns]].sum(min_count=1)
    by_land.loc[codes.GERMANY] = by_land.sum()
    out = by_land.astype("Int64")
    out["seekers_per_1000"] = (out["seekers_total"] / out["population"] * 1000).astype("Float64")
    out.insert(0, "land_name", [codes.land_name(c) for c in out.index])
    out.index.name = "land"
    return out


@dataclass
class OfficialFigures:
    """The "Amtliche Statistik" section of a report, for Germany or one Land."""

    land: str | None
    kreise: pd.DataFrame  # the Kreise of the scope (``datasets.kreise`` rows)
    by_land: pd.DataFrame  # ``protection_seekers_by_land`` joined with the population share
    member_vs_rest: pd.DataFrame  # ``protection_seekers_member_vs_rest``
    places: pd.DataFrame  # ``places_per_1000`` of the scope
    sources: list[str] = field(default_factory=list)

    @property
    def notes(self) -> pd.DataFrame:
        """Kreise of the scope without counts of their own, or counting others, with why."""
        return self.kreise.loc[self.kreise["seekers_note"].notna(), ["name", "seekers_note"]]


def figures(land: str | None = None, data_dir: str | Path | None = None) -> OfficialFigures:
    """Everything the section shows, for Germany (``land=None``) or a Land (any spelling)."""
    code = None if land is None else codes.land_code(land)
    dd = Path(data_dir) if data_dir is not None else None
    all_kreise = datasets.kreise(dd)
    gemeinden = datasets.gemeinden(dd)
    pledges = datasets.pledges(dd)
    places, by_land, member_vs_rest = (f.copy() for f in _national(dd, datasets.state(dd)))
    kreise = all_kreise
    if code is not None:
        kreise = all_kreise[all_kreise["land"] == code]
        places = places[places["land"] == code]
    shown = pledges.loc[pledges["member_id"].isin(places["member_id"]), "source"]
    return OfficialFigures(
        land=code,
        kreise=kreise,
        by_land=by_land,
        member_vs_rest=member_vs_rest,
        places=places,
        sources=distinct_sources([*kreise["source"], gemeinden["source"].iloc[0], *shown]),
    )


@cache
def _national(
    data_dir: Path | None, state: tuple
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The tables of every Land's section (the same for all 16 and the overview): built once
    per process and state of the tables."""
    all_kreise = datasets.kreise(data_dir)
    members = datasets.members(data_dir)
    gemeinden = datasets.gemeinden(data_dir)
    places = places_per_1000(members, datasets.pledges(data_dir), gemeinden)
    by_land = protection_seekers_by_land(all_kreise).join(population_in_members(members, gemeinden))
    return places, by_land, protection_seekers_member_vs_rest(all_kreise, members)

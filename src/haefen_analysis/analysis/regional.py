"""Official regional statistics joined to members: rates per 1,000 inhabitants.

Inputs are tidy frames from ``genesis.read_genesis`` (Schutzsuchende, table 12531; population,
table 12411) and a members frame. The question a report asks: do Kreise with a Sicherer Hafen
host more protection seekers per inhabitant than the rest of their Land?

Missing markers: "-" means "nichts vorhanden" (exactly zero) and counts as 0 in sums; any other
marker (".", "...", "/", "x") or a Kreis absent from one table makes the group's sum unknown, and
the ``kreise_unbekannt`` column says how many Kreise caused it.
"""

from __future__ import annotations

import pandas as pd

from haefen_analysis.common.frames import require_columns
from haefen_analysis.errors import RegionalJoinError
from haefen_analysis.ingest import codes
from haefen_analysis.ingest.genesis import variable_keys

#: Region variables of GENESIS and the level they stand for.
REGION_LEVELS = {"KREISE": "kreis", "DLAND": "land"}
#: The statistics (GENESIS codes) each side of a rate may come from: a population table passed
#: as protection seekers would give 1,000 per 1,000 without a word.
PROTECTION_SEEKERS = {"12531": "Statistik der Schutzsuchenden"}
POPULATION = {
    "12411": "Fortschreibung des Bevölkerungsstandes",
    "12111": "Zensus 2011",
    "1000A": "Zensus 2022",
}


def _expect_statistic(df: pd.DataFrame, allowed: dict[str, str], role: str) -> None:
    """``df`` must come from one of the ``allowed`` statistics; the error names both."""
    found = df[["statistic", "statistic_label"]].drop_duplicates().astype(str)
    if len(found) and found["statistic"].isin(list(allowed)).all():
        return
    wanted = " oder ".join(f"{code} ({label})" for code, label in allowed.items())
    given = ", ".join(f"{c} ({label})" for c, label in found.itertuples(index=False)) or "keine"
    raise RegionalJoinError(f"{role}: erwartet Statistik {wanted}, übergeben {given}")


def region_values(df: pd.DataFrame, name: str = "Tabelle") -> pd.DataFrame:
    """One value per region and time: rows where every non-region variable is at its total.

    Returns columns ``time``, ``ags``, ``level`` ("kreis" or "land"), ``value`` (``"-"`` read
    as 0) and ``known`` (False where the value is unknown).
    """
    keys = variable_keys(df)
    regions = [k for k in keys if k in REGION_LEVELS]
    if len(regions) != 1:
        raise RegionalJoinError(
            f"{name}: braucht genau ein Regionalmerkmal (KREISE oder DLAND), gefunden {regions}"
        )
    region = regions[0]
    measures = df["measure_label"].dropna().unique()
    if len(measures) > 1:
        raise RegionalJoinError(f"{name}: mehrere Merkmale {list(measures)}; bitte vorher filtern")
    mask = ~df[f"{region}_total"]
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
            "level": REGION_LEVELS[region],
            "value": out["value"].mask(zero, 0.0),
            "known": out["value"].notna() | zero,
        }
    ).reset_index(drop=True)


def _check_members(members: pd.DataFrame) -> pd.DataFrame:
    """Members must name a known Land; a Kreis, when given, must lie in that Land."""
    require_columns(members, ("member_id", "land", "kreis_ags"), "Mitglieder", RegionalJoinError)
    laender = {land.ags for land in codes.laender()}
    for row in members.itertuples(index=False):
        if row.land not in laender:
            raise RegionalJoinError(
                f"Mitglied {row.member_id}: Land {row.land!r} ist kein AGS-Ländercode (01–16)"
            )
        kreis = row.kreis_ags
        if pd.notna(kreis) and (len(str(kreis)) != 5 or str(kreis)[:2] != row.land):
            raise RegionalJoinError(
                f"Mitglied {row.member_id}: Kreis {kreis!r} ist kein fünfstelliger AGS in Land "
                f"{row.land}"
            )
    return members


def protection_seekers_member_vs_rest(
    schutzsuchende: pd.DataFrame, population: pd.DataFrame, members: pd.DataFrame
) -> pd.DataFrame:
    """Per Land and time: Schutzsuchende per 1,000 inhabitants in member Kreise vs the rest.

    Both tables must be by Kreis (e.g. 12531-0043 and 12411-01-01-4). A member Kreis is a Kreis
    with at least one member; members without a Kreis are counted in ``mitglieder_ohne_kreis``.
    """
    members = _check_members(members)
    _expect_statistic(schutzsuchende, PROTECTION_SEEKERS, "Schutzsuchende")
    _expect_statistic(population, POPULATION, "Bevölkerung")
    s = region_values(schutzsuchende, "Schutzsuchende")
    p = region_values(population, "Bevölkerung")
    for name, frame in (("Schutzsuchende", s), ("Bevölkerung", p)):
        if (frame["level"] != "kreis").any():
            raise RegionalJoinError(
                f"{name}: Tabelle nach Land; für Mitglieds-Kreise wird eine Tabelle nach Kreisen "
                "gebraucht (z. B. 12531-0043, 12411-01-01-4)"
            )
    member_kreise = set(members["kreis_ags"].dropna())
    absent = sorted(member_kreise - set(p["ags"]))
    if absent:
        raise RegionalJoinError(f"Mitglieds-Kreise fehlen in der Bevölkerungstabelle: {absent}")
    joined = s.merge(p, on=["time", "ags"], how="outer", suffixes=("_s", "_p"))
    # A Kreis missing from one table is harmless where the other table says exactly zero
    # (e.g. a dissolved Kreis with "-" for its population).
    for absent, other in (("s", "p"), ("p", "s")):
        zero = joined[f"known_{absent}"].isna() & joined[f"value_{other}"].eq(0)
        joined.loc[zero, [f"value_{absent}", f"known_{absent}"]] = (0.0, True)
    joined["known"] = joined["known_s"].eq(True) & joined["known_p"].eq(True)
    joined["land"] = joined["ags"].str[:2]
    joined["gruppe"] = joined["ags"].isin(member_kreise).map({True: "mitglieder", False: "rest"})
    grouped = joined.groupby(["time", "land", "gruppe"]).agg(
        schutzsuchende=("value_s", "sum"),
        einwohner=("value_p", "sum"),
        kreise=("ags", "size"),
        unbekannt=("known", lambda k: int((~k).sum())),
    )
    unknown = grouped["unbekannt"].gt(0)
    grouped.loc[unknown, ["schutzsuchende", "einwohner"]] = float("nan")
    grouped["je_1000"] = grouped["schutzsuchende"] / grouped["einwohner"] * 1000
    wide = grouped.unstack("gruppe")
    wide.columns = [f"{measure}_{group}" for measure, group in wide.columns]
    for group in ("mitglieder", "rest"):
        for column in ("kreise", "unbekannt"):
            wide[f"{column}_{group}"] = wide.get(f"{column}_{group}", 0)
            wide[f"{column}_{group}"] = wide[f"{column}_{group}"].fillna(0).astype("int64")
    wide = wide.reset_index()
    wide["kreise_unbekannt"] = wide.pop("unbekannt_mitglieder") + wide.pop("unbekannt_rest")
    without = members.loc[members["kreis_ags"].isna()].groupby("land").size()
    wide["mitglieder_ohne_kreis"] = wide["land"].map(without).fillna(0).astype("int64")
    wide.insert(2, "land_name", wide["land"].map(codes.land_name))
    order = ["time", "land", "land_name"] + [
        f"{m}_{g}"
        for g in ("mitglieder", "rest")
        for m in ("schutzsuchende", "einwohner", "je_1000", "kreise")
    ]
    return wide.reindex(columns=[*order, "kreise_unbekannt", "mitglieder_ohne_kreis"])


def protection_seekers_by_land(
    schutzsuchende: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """Per Land and time: Schutzsuchende per 1,000 inhabitants; Kreis tables are summed up."""
    _expect_statistic(schutzsuchende, PROTECTION_SEEKERS, "Schutzsuchende")
    _expect_statistic(population, POPULATION, "Bevölkerung")
    parts = []
    for name, df in (("schutzsuchende", schutzsuchende), ("einwohner", population)):
        values = region_values(df, name.capitalize())
        values["land"] = values["ags"].str[:2]
        grouped = values.groupby(["time", "land"]).agg(
            value=("value", "sum"), unknown=("known", lambda k: int((~k).sum()))
        )
        parts.append(grouped["value"].mask(grouped["unknown"] > 0).rename(name))
    out = pd.concat(parts, axis=1, join="inner").reset_index()
    out["je_1000"] = out["schutzsuchende"] / out["einwohner"] * 1000
    out.insert(2, "land_name", out["land"].map(codes.land_name))
    return out

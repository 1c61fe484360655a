"""What-if scenarios: persons distributed to the Länder by the Königsteiner Schlüssel
(Hare–Niemeyer), then inside a Land to its members (capped Sainte-Laguë by offered places, or by
population), and the Land's intake with or without crediting ("Anrechnung")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.analysis import members
from haefen_analysis.analysis.apportionment import capped_sainte_lague, hare_niemeyer
from haefen_analysis.analysis.keys import key_shares
from haefen_analysis.common.frames import require_columns
from haefen_analysis.errors import ParameterError, QuotaDataError
from haefen_analysis.ingest import codes


def allocate_to_laender(total: int, shares: pd.Series) -> pd.DataFrame:
    """Distribute ``total`` persons to the Länder by ``shares`` (Hare–Niemeyer).

    Shares are read at their published 5 decimals as exact integers, so ties are real ties
    (settled by the larger share, then the lower AGS). Columns: share_percent, quota (exact
    arithmetic share), persons.
    """
    shares = shares.sort_index()
    units = np.rint(shares.to_numpy(dtype=float) * 100_000).astype(np.int64)
    out = pd.DataFrame({"share_percent": shares})
    out["quota"] = total * units / units.sum()
    out["persons"] = hare_niemeyer(units, total)
    out.attrs = dict(shares.attrs)
    return out


@dataclass(frozen=True)
class MemberAllocation:
    """Persons per member (``table``), how many were placed, not placed, and rows left out."""

    table: pd.DataFrame
    placed: int
    unplaced: int
    excluded: int


def allocate_to_members(
    members: pd.DataFrame, total: int, weight: str, cap: str | None = None
) -> MemberAllocation:
    """Distribute ``total`` persons to members in proportion to column ``weight``.

    With ``cap`` (a column of offered places) no member gets more than it offered and
    ``unplaced`` says how many found no place (capacity-constrained Sainte-Laguë, see
    ``apportionment.capped_sainte_lague``). Typical: weight="population" or weight="places",
    cap="places". Rows with an unknown weight or cap are kept with persons <NA> and counted in
    ``excluded``: an unknown offer is not a zero offer. Ties: larger weight, then row order.
    """
    columns = (weight,) if cap is None else (weight, cap)
    require_columns(members, columns, "members", error=QuotaDataError)
    table = members[list(dict.fromkeys(columns))].copy()
    usable = table.notna().all(axis=1)
    result = capped_sainte_lague(
        table.loc[usable, weight].astype(float),
        total,
        None if cap is None else table.loc[usable, cap].astype(float),
    )
    table["persons"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[usable, "persons"] = result.persons
    if cap is not None:
        table["remaining_capacity"] = table[cap].astype("Int64") - table["persons"]
    return MemberAllocation(table, result.placed, result.unplaced, int((~usable).sum()))


def crediting_scenarios(regular: pd.Series, special: pd.Series) -> pd.DataFrame:
    """Compare "credited" (SH practice) with "additional" (NRW demand) for Länder or members.

    ``regular``: the regular quota obligation of each unit (e.g. from ``allocate_to_laender``
    and a Land key); ``special``: its special admissions (same index). Credited: special
    admissions count against the obligation, total = max(obligation, special). Additional:
    they come on top, total = obligation + special. ``extra_persons`` is the difference.
    """
    if not regular.index.equals(special.index):
        raise QuotaDataError("regular und special brauchen denselben Index (dieselben Einheiten)")
    for name, s in (("regular", regular), ("special", special)):
        if s.isna().any() or (s < 0).any():
            raise QuotaDataError(
                f"{name}: jeder Wert muss bekannt und ≥ 0 sein; erhalten {s.to_dict()}"
            )
    out = pd.DataFrame({"regular_obligation": regular, "special_admissions": special})
    out["credited_regular"] = (regular - special).clip(lower=0)
    out["credited_total"] = out["credited_regular"] + special
    out["additional_total"] = regular + special
    out["extra_persons"] = out["additional_total"] - out["credited_total"]
    return out


#: How the Land's persons are distributed among its members (captions: ``catalogue.labels``).
WITHIN = ("pledges", "population")


@dataclass
class Scenario:
    """A what-if: ``persons`` admitted by the federation, distributed to the Länder by a key,
    then inside ``land`` to its members (by their offers, capped, or by population). The
    caption is ``catalogue.labels.scenario_caption(scenario)``."""

    persons: int
    year: int
    rule: str
    land: str  # AGS
    within: str  # one of WITHIN
    key_year: int  # the GWK key year the rule resolved to
    laender: pd.DataFrame  # land_name, share_percent, quota, persons per Land
    members: pd.DataFrame  # per member (index: name): weight and cap columns, persons, …
    placed: int
    unplaced: int
    excluded: int
    crediting: pd.DataFrame  # "credited" vs "additional" for the Land


def allocation_scenario(
    persons: int,
    year: int,
    rule: str,
    land: str,
    within: str = "pledges",
    data_dir: str | Path | None = None,
) -> Scenario:
    """Where would ``persons`` go? Königsteiner Schlüssel to the Länder (Hare–Niemeyer), then
    to the members of ``land``: by their pledged places, never more than offered (capped
    Sainte-Laguë), or by population. Crediting: the Land's share of the persons as regular
    intake vs the same persons placed with its members – credited (SH practice) they replace
    regular admissions, additional (NRW demand) they come on top."""
    from haefen_analysis.datasets import geo

    if within not in WITHIN:
        raise ParameterError(
            f"Verteilung im Land {within!r} unbekannt; erlaubt: {', '.join(WITHIN)}"
        )
    code = codes.land_code(land)
    shares = key_shares(datasets.quota_keys(data_dir), year, rule)
    laender = allocate_to_laender(int(persons), shares)
    laender.insert(0, "land_name", [codes.land_name(c) for c in laender.index])
    points = members.member_points(data_dir)
    mine = points[(points["land"] == code) & (points["status"] == "declared")].set_index("name")
    land_persons = int(laender.loc[code, "persons"])
    if within == "pledges":
        mine = mine.assign(pledged_places=mine["pledged"])
        result = allocate_to_members(mine, land_persons, "pledged_places", "pledged_places")
    else:
        pop = geo.places().set_index("geonameid")["population"]
        mine = mine.assign(population=mine["geonameid"].map(pop).astype("Int64"))
        result = allocate_to_members(mine, land_persons, "population")
    crediting = crediting_scenarios(
        pd.Series([land_persons], index=[code]), pd.Series([result.placed], index=[code])
    )
    return Scenario(
        persons=int(persons),
        year=int(year),
        rule=rule,
        land=code,
        within=within,
        key_year=int(shares.attrs["key_year"]),
        laender=laender,
        members=result.table,
        placed=result.placed,
        unplaced=result.unplaced,
        excluded=result.excluded,
        crediting=crediting,
    )

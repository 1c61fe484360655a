"""The per-Land table: members, population, offers, admissions by programme kind,
Königsteiner share and crediting per Land and for Germany, the offers per Land and category,
and a Land's rank.

Unknown is not zero: sums of numbers nobody stated are <NA>, and counts say how many were
unknown. Unlike things are not summed: admissions stay split by programme kind
(``analysis.admissions``), and a ratio to the Königsteiner Schlüssel is computed only when
enough Länder have a known figure.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.analysis import admissions as admitted
from haefen_analysis.analysis.keys import DEFAULT_RULE, key_shares
from haefen_analysis.common import dates
from haefen_analysis.common.frames import require_columns
from haefen_analysis.errors import KeyNotFoundError, QuotaDataError
from haefen_analysis.ingest import codes

#: Member kinds that are municipalities (kept for the 0.1 API through ``quota``; the
#: population share now counts every member's Gemeinden once, ``regional``).
MUNICIPAL_KINDS = ("kreisfreie_stadt", "stadt", "gemeinde", "samtgemeinde")
#: Admission metrics counted as "admitted" by default.
ADMITTED_METRICS = admitted.ARRIVED
#: Per-Land admission columns, one per programme kind (``analysis.admissions.KINDS``).
ADMITTED_COLUMNS = {kind: f"admitted_{kind}" for kind in admitted.KINDS}
#: The programme kind compared with the Königsteiner Schlüssel (the Sichere-Häfen admissions).
RATIO_KIND = "sichere_haefen"
#: A ratio to the Königsteiner Schlüssel needs a known figure for at least this many Länder
#: (three quarters): with fewer, the "expected" share is computed from a handful of Länder.
RATIO_MIN_LAENDER = 12
#: Code of the all-categories rows in ``cumulative_offer``.
ALL_CATEGORIES = "all"


def _known_sum(grouped: pd.core.groupby.SeriesGroupBy) -> pd.Series:
    """Sum of the known values per group, <NA> where none is known (unknown is not zero)."""
    return grouped.sum(min_count=1).astype("Int64")


def _offer_groups(pledges: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = pledges.groupby(by, observed=True, dropna=False)["places"]
    return pd.DataFrame(
        {
            "pledges": grouped.size(),
            "pledged_places": _known_sum(grouped),
            "pledges_places_unknown": grouped.size() - grouped.count(),
        }
    )


def _admitted(admissions: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    require_columns(
        admissions,
        ("scope", "member_id", "metric", "value", "programme_kind", "period_start"),
        "admissions",
        error=QuotaDataError,
    )
    return admissions[admissions["metric"].isin(metrics)]


def cumulative_offer(
    pledges: pd.DataFrame,
    admissions: pd.DataFrame | None = None,
    metrics: tuple[str, ...] = ADMITTED_METRICS,
) -> pd.DataFrame:
    """Pledged places per Land and for Germany, by category, and how much admissions used.

    ``pledges`` are offers (``datasets.pledges()``: kind pledge or contingent), their
    ``group`` the category. Rows: (land, category) for every Land with pledges plus ``"DE"``
    (all pledges, including Bündnis-wide offers), each with a category ``"all"`` row. Pledges
    without a number are counted in ``pledges_places_unknown``; ``pledged_places`` is <NA>
    when no pledge of the group names a number. With ``admissions``:
    ``admitted_by_pledging_members`` (the admissions, ``metric`` in ``metrics``, that the data
    links to one of the pledges by ``offer_id``, counted once per period:
    ``analysis.admissions.counted``) and ``used_share`` on the "all" rows (the links do not
    follow the categories of other offers of the same member).
    """
    require_columns(
        pledges, ("member_id", "land", "group", "places"), "offers", error=QuotaDataError
    )
    p = pledges.assign(category=pledges["group"].astype("string"))
    germany = p.assign(land=codes.GERMANY)
    both = pd.concat([p[p["land"] != codes.GERMANY], germany], ignore_index=True)
    parts = [
        _offer_groups(both, ["land", "category"]),
        _offer_groups(both.assign(category=ALL_CATEGORIES), ["land", "category"]),
    ]
    out = pd.concat(parts).sort_index()
    if admissions is not None:
        adm = admitted.counted(_admitted(admissions, metrics), metrics)
        if "offer_id" in pledges:
            offers = both.dropna(subset=["offer_id"])[["land", "offer_id"]]
            used = offers.merge(adm[["offer_id", "value"]], on="offer_id")
        else:
            used = pd.DataFrame({"land": [], "value": pd.array([], dtype="Int64")})
        used_by_land = _known_sum(used.groupby("land")["value"])
        idx = pd.MultiIndex.from_product([used_by_land.index, [ALL_CATEGORIES]])
        out["admitted_by_pledging_members"] = pd.Series(
            used_by_land.to_numpy(), index=idx, dtype="Int64"
        ).reindex(out.index)
        out["used_share"] = (
            out["admitted_by_pledging_members"] / out["pledged_places"].replace(0, pd.NA)
        ).astype("Float64")
    return out.reset_index()


def _one_crediting(values: pd.Series) -> str:
    """One crediting value for a Land with several rule rows: the known one, "unknown" if none,
    "no/yes" when the rows disagree (e.g. different levels)."""
    known = sorted(set(values.dropna().astype(str)) - {"unknown"})
    return "/".join(known) or "unknown"


def _population_at(population: pd.DataFrame, date: object | None) -> pd.Series:
    require_columns(population, ("land", "date", "population"), "population", error=QuotaDataError)
    when = pd.Timestamp(date) if date is not None else population["date"].max()
    rows = population[population["date"] == when]
    if rows.empty:
        known = ", ".join(dates.german(d) for d in sorted(population["date"].unique()))
        raise KeyNotFoundError(
            f"keine Einwohnerzahl zum {dates.german(when)}; Stichtage in den Daten: {known}"
        )
    pop = rows.set_index("land")["population"].astype("Int64")
    pop.attrs["date"] = when
    return pop


def per_land_table(
    members: pd.DataFrame,
    pledges: pd.DataFrame,
    admissions: pd.DataFrame,
    population: pd.DataFrame,
    keys: pd.DataFrame,
    land_rules: pd.DataFrame,
    *,
    year: int,
    rule: str = DEFAULT_RULE,
    population_date: object | None = None,
    member_population: pd.DataFrame | None = None,
    admission_metrics: tuple[str, ...] = ADMITTED_METRICS,
    statements: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per Land (AGS index, "01".."16") plus Germany ("DE"); the columns' German titles
    and definitions are ``catalogue.labels.DERIVED`` and ``DEFINITIONS``.

    ``year`` and ``rule`` choose the Königsteiner Schlüssel (``key_shares``);
    ``population_date`` the population Stichtag (default: the latest in ``population``).
    ``member_population`` is ``regional.population_in_members`` (Zensus 2022 population of
    each Land and the part covered by declared members, each Gemeinde once): without it
    ``member_population_share`` is <NA>, and so where a declared member has no key.
    ``attrs``: ``key_attrs`` (the key used, see ``key_shares``) and ``population_date``.
    """
    require_columns(
        members,
        ("member_id", "kind", "land", "status", "buendnis_member"),
        "members",
        error=QuotaDataError,
    )
    laender = [land.ags for land in codes.laender()]
    index = pd.Index([*laender, codes.GERMANY], name="land")
    pop = _population_at(population, population_date)
    shares = key_shares(keys, year, rule, statements)
    declared = members[members["status"].astype("string") == "declared"]

    def per_land(counts: pd.Series) -> pd.Series:
        """Per-Land values with the Germany total appended."""
        counts = counts.reindex(laender)
        return pd.concat([counts, pd.Series([counts.sum()], index=[codes.GERMANY])])

    out = pd.DataFrame(index=index)
    out["land_name"] = [codes.land_name(c) for c in index]
    out["population"] = per_land(pop).astype("Int64")
    out["members"] = per_land(declared.groupby("land").size().reindex(laender, fill_value=0))
    out["members_per_million"] = (out["members"] / out["population"] * 1e6).astype("Float64")

    out["member_population_share"] = pd.array([pd.NA] * len(index), dtype="Float64")
    if member_population is not None:
        share = member_population["member_population_share"].reindex(index)
        out["member_population_share"] = share.astype("Float64")

    offers = _offer_groups(
        pledges.assign(land=pledges["land"].where(pledges["land"].isin(laender))), ["land"]
    )
    germany_offer = _offer_groups(pledges.assign(land=codes.GERMANY), ["land"])
    offers = pd.concat([offers[offers.index.notna()], germany_offer])
    out["pledged_places"] = offers["pledged_places"].reindex(index).astype("Int64")
    out["pledges_places_unknown"] = (
        offers["pledges_places_unknown"].reindex(index, fill_value=0).astype("Int64")
    )
    per_1000 = out["pledged_places"].astype("Float64") / out["population"] * 1000
    out["places_per_1000"] = per_1000.astype("Float64")

    counted = admitted.counted(_admitted(admissions, admission_metrics), admission_metrics)
    by_kind = admitted.by_kind(counted[counted["scope"].isin(laender)])
    for kind, column in ADMITTED_COLUMNS.items():
        values = by_kind[kind].reindex(laender) if kind in by_kind else pd.Series(pd.NA, laender)
        total = values.sum() if values.notna().any() else pd.NA
        out[column] = pd.concat([values, pd.Series([total], index=[codes.GERMANY])]).astype("Int64")
    out["key_share_percent"] = per_land(shares)
    compared = out.loc[laender, ADMITTED_COLUMNS[RATIO_KIND]]
    known = int(compared.notna().sum())
    if known >= RATIO_MIN_LAENDER:
        total_known = compared.sum()
        share_known = out.loc[compared.dropna().index, "key_share_percent"].sum()
        expected = out["key_share_percent"] / share_known * total_known
        out["expected_admissions"] = expected.where(out.index.isin(compared.dropna().index))
        out.loc[codes.GERMANY, "expected_admissions"] = total_known
        out["expected_admissions"] = out["expected_admissions"].astype("Float64")
        ratio = out[ADMITTED_COLUMNS[RATIO_KIND]].astype("Float64") / out["expected_admissions"]
        out["admissions_ratio"] = ratio.astype("Float64")
    else:
        out["expected_admissions"] = pd.array([pd.NA] * len(index), dtype="Float64")
        out["admissions_ratio"] = pd.array([pd.NA] * len(index), dtype="Float64")
    is_declared = members["status"].astype("string") == "declared"
    buendnis = members["buendnis_member"].astype("string")
    out["buendnis_members"] = per_land(
        members[is_declared & (buendnis == "yes")]
        .groupby("land")
        .size()
        .reindex(laender, fill_value=0)
    ).astype("Int64")
    out["buendnis_unknown"] = per_land(
        members[is_declared & (buendnis == "unknown")]
        .groupby("land")
        .size()
        .reindex(laender, fill_value=0)
    ).astype("Int64")
    require_columns(land_rules, ("land", "crediting"), "land_rules", error=QuotaDataError)
    crediting = land_rules.groupby("land")["crediting"].agg(_one_crediting)
    out["crediting"] = crediting.reindex(index).fillna("unknown").astype("string")
    out.attrs = dict(
        key_attrs=shares.attrs,
        population_date=pop.attrs["date"],
        ratio_known_laender=known,
        ratio_min_laender=RATIO_MIN_LAENDER,
    )
    return out


def table(
    year: int,
    *,
    rule: str = DEFAULT_RULE,
    data_dir: str | Path | None = None,
    population_date: object | None = None,
) -> pd.DataFrame:
    """The per-Land table for ``year`` from the curated tables (loaded here): what the
    notebooks, the explorer and the deck show. See ``per_land_table`` for the columns.
    Built once per process and state of the tables (every Land report and the overview of a
    batch ask for the same one); each caller gets its own copy."""
    dd = Path(data_dir) if data_dir is not None else None
    kept = _table(year, rule, dd, population_date, datasets.state(dd))
    out = kept.copy(deep=True)
    out.attrs = copy.deepcopy(kept.attrs)
    return out


@cache
def _table(
    year: int, rule: str, data_dir: Path | None, population_date: object, state: tuple
) -> pd.DataFrame:
    from haefen_analysis.analysis.regional import population_in_members

    members = datasets.members(data_dir)
    return per_land_table(
        members,
        datasets.pledges(data_dir),
        datasets.admissions(data_dir),
        datasets.population(data_dir),
        datasets.quota_keys(data_dir),
        datasets.land_rules(data_dir),
        year=year,
        rule=rule,
        population_date=population_date,
        member_population=population_in_members(members, datasets.gemeinden(data_dir)),
    )


def rank(table: pd.DataFrame, column: str, land: str) -> int:
    """Rank of a Land (any spelling) among the 16 by ``column`` of the per-Land table (1 =
    highest; ties share the better rank)."""
    laender = table.drop(index=codes.GERMANY)[column]
    return int(laender.rank(ascending=False, method="min")[codes.land_code(land)])

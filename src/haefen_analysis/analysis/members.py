"""Members: over time, as points and areas for maps, per Kreis, one member's profile (with its
offers, admissions by year, funding, networks and its Land's programmes), a Land's programmes
and funding, demands.

Each function takes the loaders' tables (or loads them) and returns a tidy frame of codes;
figures and notebooks display what these return, with the words of ``catalogue.labels``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from haefen_analysis import config, datasets
from haefen_analysis.analysis import admissions as admitted
from haefen_analysis.ingest import codes

#: Statuses that count as "is (or was) a Sicherer Hafen".
DECLARED = ("declared", "revoked")
MONTHS = ("day", "month")


def members_over_time(members: pd.DataFrame) -> pd.DataFrame:
    """Cumulative counts per month (columns month, count, series): Sichere Häfen by decision
    date of month precision or better (series "by_decision"), by the earliest dated evidence
    where the decision date is unknown ("by_evidence"), and Bündnis members by joining date
    ("buendnis_joined"). Rows without any usable date are counted in ``attrs``."""
    m = members[members["status"].isin(DECLARED)]
    by_decision = m["declared_on"].where(m["declared_on_precision"].isin(MONTHS))
    evidence = by_decision.fillna(m["listed_by"].where(m["listed_by_precision"].isin(MONTHS)))
    joined = m["buendnis_since"].where(m["buendnis_since_precision"].isin(MONTHS))
    series = {"by_decision": by_decision, "by_evidence": evidence, "buendnis_joined": joined}
    frames = []
    for code, when in series.items():
        monthly = when.dropna().dt.to_period("M").value_counts().sort_index().cumsum()
        frames.append(
            pd.DataFrame({"month": monthly.index.to_timestamp(), "count": monthly.values}).assign(
                series=code
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out.attrs["undated"] = int(evidence.isna().sum())
    out.attrs["members"] = len(m)
    return out


def member_points(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``_points`` (below), computed once per version of the data: every member profile and Land
    report of a run asks for the same table (a warm worker keeps it between reports)."""
    from haefen_analysis.catalogue.schema import catalogue

    dd = Path(data_dir) if data_dir is not None else None
    stamp = tuple(datasets.version(name, dd) for name in catalogue(dd))
    geo = config.geo_dir(dd) / "provenance.json"
    geo_stamp = (geo.stat().st_mtime_ns, geo.stat().st_size) if geo.exists() else None
    return _member_points(dd, stamp, geo_stamp).copy()


@cache
def _member_points(data_dir: Path | None, stamp: tuple, geo_stamp: tuple | None) -> pd.DataFrame:
    return _points(data_dir)


def _points(data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per member (every column of ``datasets.members``) with its location (lat, lon,
    kreis_ags, geometry_level, match, geonameid, ``location_note``: the flag of a Kreis point,
    or why a member is not on the map), its pledged places (``pledged``: the known sum of its
    pledges and contingents, ``pledged_unknown``: those without a number, ``pledged_rows``), its
    Sichere-Häfen admissions (``admitted``, ``admitted_rows``: arrived, each period once, see
    ``analysis.admissions``) and ``size_value`` (the pledged places, for the marker size;
    capacity statements and requests are not pledges and never size a marker). Members that
    could not be located have no lat/lon."""
    import warnings

    from haefen_analysis.datasets import geo
    from haefen_analysis.ingest.member_keys import member_aliases, why_unkeyed

    mem = datasets.members(data_dir)
    unkeyed = mem[mem["ars"].isna()]
    reasons = why_unkeyed(unkeyed, data_dir) if len(unkeyed) else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", geo.UnresolvedMembersWarning)  # reported by callers
        located = geo.locate_members_cached(
            mem,
            Path(data_dir) if data_dir else None,
            aliases=member_aliases(data_dir),
            reasons=reasons,
        )
    places = datasets.pledges(data_dir).groupby("member_id")["places"]
    adm = admitted.counted(datasets.admissions(data_dir))
    adm = adm[adm["programme_kind"].astype(str) == "sichere_haefen"].groupby("member_id")["value"]
    columns = ["member_id", "lat", "lon", "kreis_ags", "geometry_level", "match", "geonameid"]
    out = mem.merge(
        located[[*columns, "note"]].rename(columns={"note": "location_note"}),
        on="member_id",
        how="left",
    )
    ids = out["member_id"]
    out["pledged"] = ids.map(places.sum(min_count=1)).astype("Int64")
    out["pledged_unknown"] = ids.map(places.size() - places.count()).fillna(0).astype("Int64")
    out["pledged_rows"] = ids.map(places.size()).fillna(0).astype("Int64")
    out["admitted"] = ids.map(adm.sum(min_count=1)).astype("Int64")
    out["admitted_rows"] = ids.map(adm.size()).fillna(0).astype("Int64")
    out["size_value"] = out["pledged"]
    return out


@dataclass(frozen=True)
class MapLayers:
    """What the member map of a scope (Germany or one Land) draws, and what it cannot."""

    land: str | None  # AGS of the Land, None for Germany
    members: pd.DataFrame  # every member of the scope (``member_points`` rows)
    points: pd.DataFrame  # towns with a location
    kreis_areas: pd.DataFrame  # members that are Kreise (or regions), keyed by ``ags``
    land_areas: pd.DataFrame  # members that are Länder, keyed by ``ags``
    unplaced: pd.DataFrame  # members of the scope the map cannot show (not located)

    @property
    def areas(self) -> pd.DataFrame:
        """Members drawn as areas (Länder and Kreise)."""
        return pd.concat([self.land_areas, self.kreis_areas], ignore_index=True)


AREA_COLUMNS = ("name", "status", "buendnis_member", "size_value", "source")


def map_layers(
    land: str | None = None,
    *,
    member_id: str | None = None,
    points: pd.DataFrame | None = None,
    data_dir: str | Path | None = None,
) -> MapLayers:
    """The member map's layers for Germany (``land=None``) or one Land (any spelling), or for
    one member of it (``member_id``). ``points`` reuses ``member_points()`` already loaded."""
    code = None if land is None else codes.land_code(land)
    scope = member_points(data_dir) if points is None else points
    if code is not None:
        scope = scope[scope["land"] == code]
    if member_id is not None:
        scope = scope[scope["member_id"] == member_id]
    level = scope["geometry_level"]
    towns = scope[(level == "point") & scope["lat"].notna()]
    kreise = scope[(level == "kreis") & scope["kreis_ags"].notna()]
    laender = scope[level == "land"]
    drawn = set(towns.index) | set(kreise.index) | set(laender.index)
    return MapLayers(
        land=code,
        members=scope,
        points=towns,
        kreis_areas=kreise.assign(ags=kreise["kreis_ags"])[["ags", *AREA_COLUMNS]],
        land_areas=laender.assign(ags=laender["land"])[["ags", *AREA_COLUMNS]],
        unplaced=scope[~scope.index.isin(drawn)],
    )


def members_per_kreis(points: pd.DataFrame, land: str | None = None) -> pd.Series:
    """Per Kreis (5-digit AGS), a class code: 2 = the Kreis itself is a Sicherer Hafen (a
    Landkreis or region, a Land, or a kreisfreie Stadt, which is its own Kreis), 1 = a town
    in it is, 0 = none in the data (only declared members count). ``points`` are
    ``member_points`` rows; ``land`` (any spelling) keeps the Kreise of one Land."""
    from haefen_analysis.datasets import geo

    kreise = geo.kreise()
    if land is not None:
        kreise = kreise[kreise["ags"].str[:2] == codes.land_code(land)]
    p = points[points["status"] == "declared"]
    itself = p["geometry_level"].isin(["kreis", "land"]) | (p["kind"] == "kreisfreie_stadt")
    towns = set(p.loc[(p["geometry_level"] == "point") & ~itself, "kreis_ags"].dropna())
    own = set(p.loc[itself, "kreis_ags"].dropna())
    value = [2 if a in own else 1 if a in towns else 0 for a in kreise["ags"]]
    return pd.Series(value, index=kreise["ags"].to_numpy(), name="kreis_class")


@dataclass
class Profile:
    """Everything a council inquiry asks about one member (see ``member_profile``)."""

    member: pd.Series
    pledges: pd.DataFrame  # the offers that promise places (kind pledge or contingent)
    admissions: pd.DataFrame
    meetings: pd.DataFrame
    contacts: pd.DataFrame
    demands: pd.DataFrame
    land_members: pd.DataFrame
    rank_in_land: int | None
    offers: pd.DataFrame  # every offer with addressee and answer (the ledger)
    admissions_by_year: pd.DataFrame  # see ``admissions_by_year``
    funding: pd.DataFrame
    networks: pd.DataFrame
    programmes: pd.DataFrame  # programmes of the member's Land (not the federal ones)
    land_admissions: pd.DataFrame  # Sichere-Häfen admissions of every member of its Land
    land_rules: pd.DataFrame  # how its Land distributes, and whether it credits


#: Columns of ``admissions_by_year``.
BY_YEAR_COLUMNS = (
    "year_from",
    "year_to",
    "programme",
    "programme_kind",
    "group",
    "metric",
    "value",
    "qualifier",
    "credited",
    "offer_id",
    "source",
)


def admissions_by_year(admissions: pd.DataFrame) -> pd.DataFrame:
    """Admissions rows with their period as years (``year_from``, ``year_to``), oldest first:
    a figure for 2018–2020 stays one row, never split into years nobody published."""
    start = admissions["period_start"].dt.year.astype("Int64")
    end = admissions["period_end"].dt.year.astype("Int64").fillna(start)
    out = admissions.assign(year_from=start, year_to=end)
    return out.sort_values(["year_from", "year_to"])[list(BY_YEAR_COLUMNS)].reset_index(drop=True)


def member_profile(member_id: str, data_dir: str | Path | None = None) -> Profile:
    """The member's decision, Bündnis membership and networks, contacts, meetings, offers and
    what came of them, admissions by year, funding, the programmes of its Land and its
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
    offers = datasets.offers(data_dir).query("member_id == @member_id")
    programmes = datasets.programmes(data_dir)
    return Profile(
        member=row,
        pledges=offers[offers["kind"].isin(datasets.PLEDGE_KINDS)],
        admissions=adm[adm["member_id"] == member_id],
        meetings=meetings[involved | (meetings["host"] == member_id)],
        contacts=datasets.contacts(data_dir).query("member_id == @member_id"),
        demands=demands[demands["member_id"] == member_id],
        land_members=in_land,
        rank_in_land=rank,
        offers=offers.sort_values("offered_on", na_position="last").reset_index(drop=True),
        admissions_by_year=admissions_by_year(adm[adm["member_id"] == member_id]),
        funding=_of_member(datasets.funding(data_dir), member_id),
        networks=_of_member(datasets.networks(data_dir), member_id),
        programmes=programmes[programmes["land"] == row["land"]].reset_index(drop=True),
        land_admissions=sichere_haefen_admissions(adm, row["land"]),
        land_rules=datasets.land_rules(data_dir).query("land == @row.land").reset_index(drop=True),
    )


def sichere_haefen_admissions(admissions: pd.DataFrame, land: str) -> pd.DataFrame:
    """The Sichere-Häfen admissions (arrived, each period once) of the members of a Land
    (AGS), largest first: what a Land total such as "18 = Flensburg 3 + Kiel 8 + Lübeck 7"
    is made of."""
    rows = admitted.counted(admissions)
    rows = rows[(rows["programme_kind"].astype(str) == "sichere_haefen") & (rows["scope"] == land)]
    return rows.sort_values(["value", "member_id"], ascending=[False, True]).reset_index(drop=True)


def land_meetings(land: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Meetings that a member of the Land (any spelling) hosted or took part in, oldest first
    (recurring ones last), with ``in_land`` (its participants from the Land, member_ids) and
    ``others`` (how many took part from elsewhere)."""
    code = codes.land_code(land)
    mem = datasets.members(data_dir)
    local = set(mem.loc[mem["land"] == code, "member_id"])
    meetings = datasets.meetings(data_dir)
    people = meetings["participants"].fillna("").str.split(";")
    people = [[p for p in ps if p] for ps in people]
    in_land = [[p for p in ps if p in local] for ps in people]
    hosted = meetings["host"].isin(local).to_numpy()
    keep = [bool(here) or h for here, h in zip(in_land, hosted, strict=True)]
    out = meetings.assign(
        in_land=in_land,
        others=[len(ps) - len(here) for ps, here in zip(people, in_land, strict=True)],
    )[keep]
    return out.sort_values("date", na_position="last").reset_index(drop=True)


def _of_member(frame: pd.DataFrame, member_id: str) -> pd.DataFrame:
    return frame[frame["member_id"] == member_id].reset_index(drop=True)


@dataclass
class LandSummary:
    """A Land's programmes and the money its members gave (see ``land_summary``)."""

    land: str
    programmes: pd.DataFrame  # the Land's own programmes
    arrivals: pd.DataFrame  # per programme: the latest published arrivals (or NA)
    funding: pd.DataFrame  # funding rows of the Land's members
    funding_by_kind: pd.DataFrame  # per kind and ``per``: decisions, known sum, unknown amounts


def land_summary(land: str, data_dir: str | Path | None = None) -> LandSummary:
    """Programmes of a Land (any spelling) with their latest arrivals, and the funding of its
    members by kind. Amounts are summed only within one kind and one ``per`` (a yearly
    Patenschaft is not added to a one-off donation); unknown amounts are counted, not 0."""
    code = codes.land_code(land)
    progs = datasets.programmes(data_dir)
    progs = progs[progs["land"] == code].reset_index(drop=True)
    adm = datasets.admissions(data_dir)
    arrived = adm[adm["programme_id"].isin(progs["programme_id"]) & (adm["metric"] == "arrived")]
    latest = arrived.sort_values("period_end").groupby("programme_id").tail(1)
    shown = ["programme_id", "period_end", "period_end_precision", "value", "qualifier", "source"]
    arrivals = progs[["programme_id", "name"]].merge(
        latest[shown],
        on="programme_id",
        how="left",
    )
    funding = datasets.funding(data_dir)
    funding = funding[funding["land"] == code].reset_index(drop=True)
    grouped = funding.groupby(["kind", "per"], observed=True, dropna=False)["amount_eur"]
    by_kind = pd.DataFrame(
        {
            "decisions": grouped.size(),
            "amount_known_eur": grouped.sum(min_count=1),
            "amount_unknown": grouped.size() - grouped.count(),
        }
    ).reset_index()
    return LandSummary(code, progs, arrivals, funding, by_kind)


def demand_summary(demands: pd.DataFrame) -> pd.DataFrame:
    """Per demand (code): how many members decided it and fulfilled it, by yes / no / unknown
    (columns ``decided_yes`` … ``fulfilled_unknown``)."""
    rows = []
    for demand, part in demands.groupby("demand", observed=True):
        row: dict[str, object] = {"demand": demand}
        for col in ("decided", "fulfilled"):
            counts = part[col].value_counts()
            for value in ("yes", "no", "unknown"):
                row[f"{col}_{value}"] = int(counts.get(value, 0))
        rows.append(row)
    return pd.DataFrame(rows)


def demand_rows(demands: pd.DataFrame) -> pd.DataFrame:
    """One member's demands (demand, decided, fulfilled, source); the source only where the
    decision is known (an unknown decision has nothing to cite)."""
    known = demands["decided"].astype(str) != "unknown"
    out = demands[["demand", "decided", "fulfilled", "source"]].copy()
    out["source"] = out["source"].where(known)
    return out.reset_index(drop=True)

"""Quota analytics: which Königsteiner Schlüssel applies, Land keys, offers and the per-Land table.

Every function takes the tidy frames of ``haefen_analysis.datasets`` (``quota_keys()``,
``population()``, ``members()``, ``pledges()``, ``admissions()``, ``land_rules()``) as
arguments, so notebooks pass what they loaded and tests pass small frames.

Which key applies (``key_shares``):

* ``rule="gwk"``: the GWK Königsteiner Schlüssel *for* the year (final values, 5 decimals).
* ``rule="easy"`` (default, ``DEFAULT_RULE``): the key BAMF's EASY system applied *in* the
  year. Where a source says which key EASY applied, that wins (see ``easy_key_years``);
  otherwise the documented default ``EASY_KEY_LAG``: the previous year's GWK key.

A year for which no key can be resolved is an error naming the years that exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from haefen_analysis import codes, datasets
from haefen_analysis.allocation import capped_proportional, hare_niemeyer

#: Key-selection rules accepted by ``key_shares``.
RULES = {
    "gwk": "GWK-Schlüssel für das Jahr",
    "easy": "von EASY im Jahr angewandter Schlüssel",
}
DEFAULT_RULE = "easy"

#: EASY applies the previous year's GWK key unless a source says otherwise. Sources: BAMF quota
#: 2015 = KS 2014 (Landkreis Hof FAQ), BIAJ "KS 2015 gilt 2016", BAMF quotas for 2017 = KS 2016
#: (rows of quota_keys with key_type easy_quoted), design notes §4.
EASY_KEY_LAG = 1

#: Land distribution keys (criterion weights) as data.
LAND_KEY_WEIGHTS_FILE = "land_key_weights.csv"

#: Member kinds whose inhabitants "live in a member municipality" (Landkreise, regions and
#: Länder are excluded: their population overlaps with the municipalities in them).
MUNICIPAL_KINDS = ("kreisfreie_stadt", "stadt", "gemeinde", "samtgemeinde")
#: Admission metrics counted as "admitted" by default.
ADMITTED_METRICS = ("arrived",)
#: Code of the all-categories rows in ``cumulative_offer``.
ALL_CATEGORIES = "all"

#: German display labels for the column codes of this module's tables.
LABELS: dict[str, str] = {
    "land": "Land (AGS)",
    "land_name": "Land",
    "category": "Kategorie",
    "population": "Einwohner",
    "members": "Sichere Häfen",
    "members_per_million": "Sichere Häfen je Mio. Einwohner",
    "member_population_share": "Anteil der Bevölkerung in Sicheren-Hafen-Kommunen",
    "pledges": "Zusagen",
    "pledged_places": "Zugesagte Plätze",
    "pledges_places_unknown": "Zusagen ohne Platzzahl",
    "admissions": "Aufnahmen",
    "admissions_not_exact": "Aufnahmeangaben nicht exakt",
    "key_share_percent": "Königsteiner Schlüssel (%)",
    "expected_admissions": "Erwartete Aufnahmen nach Königsteiner Schlüssel",
    "admissions_ratio": "Aufnahmen je erwarteter Aufnahme",
    "buendnis_members": "Mitglieder im Bündnis Städte Sicherer Häfen",
    "crediting": "Anrechnung auf die Quote",
    "admitted_by_pledging_members": "Aufgenommen von zusagenden Kommunen",
    "used_share": "Genutzter Anteil der Zusagen",
    "regular_obligation": "Reguläre Aufnahmeverpflichtung",
    "special_admissions": "Sonderaufnahmen",
    "credited_regular": "Reguläre Aufnahme bei Anrechnung",
    "credited_total": "Insgesamt bei Anrechnung",
    "additional_total": "Insgesamt ohne Anrechnung (zusätzlich)",
    "extra_persons": "Mehr Aufnahmen ohne Anrechnung",
    "share_percent": "Anteil (%)",
    "quota": "Rechnerischer Anteil (Personen)",
    "persons": "Personen",
    "weight": "Gewicht",
    "cap": "Angebotene Plätze",
    "remaining_capacity": "Freie Plätze",
    ALL_CATEGORIES: "alle Kategorien",
}

#: Definitions of the per-Land and offer figures, in German, for reports.
DEFINITIONS: dict[str, str] = {
    "members": "Zahl der Kommunen, Kreise und Länder mit Status 'erklärt' (ohne widerrufene, "
    "abgelehnte und offene Beschlüsse).",
    "members_per_million": "Sichere Häfen je eine Million Einwohner des Landes zum Stichtag der "
    "Bevölkerungszahl.",
    "member_population_share": "Summe der Einwohner der erklärten Sicheren Häfen der Arten "
    "kreisfreie Stadt, Stadt, Gemeinde, Samtgemeinde geteilt durch die Einwohner des Landes. "
    "Leer, wenn für eine dieser Kommunen keine Einwohnerzahl vorliegt.",
    "pledged_places": "Summe der zugesagten Plätze mit bekannter Zahl; leer, wenn keine Zusage "
    "eine Zahl nennt. Zusagen ohne Zahl werden gesondert gezählt, nicht als null.",
    "pledges_places_unknown": "Zahl der Zusagen ohne bekannte Platzzahl.",
    "admissions": "Summe der Aufnahmen (Kennzahl 'arrived', sofern nicht anders gewählt) mit dem "
    "Land als Bereich; leer, wenn keine Angabe vorliegt. Überlappende Zeiträume werden nicht "
    "bereinigt. Zeile Deutschland: Summe der Länder (bundesweite Angaben ohne Land zählen "
    "nicht).",
    "admissions_not_exact": "Zahl der Aufnahmeangaben, die nicht exakt sind ('bis zu', 'etwa', "
    "Spanne, 'mehr als') oder keinen Wert haben.",
    "expected_admissions": "Anteil des Landes nach dem gewählten Königsteiner Schlüssel mal der "
    "Summe der Aufnahmen aller Länder.",
    "admissions_ratio": "Aufnahmen geteilt durch erwartete Aufnahmen; über 1 heißt: mehr als der "
    "Anteil nach dem Königsteiner Schlüssel.",
    "buendnis_members": "Zahl der Einträge mit Mitgliedschaft im Bündnis Städte Sicherer Häfen "
    "('ja').",
    "crediting": "Ob Sonderaufnahmen auf die Verteilquote angerechnet werden (ja / nein / "
    "unbekannt), laut Länderregeln.",
    "admitted_by_pledging_members": "Aufnahmen in Kommunen, die im Land eine Zusage gemacht "
    "haben; nur in der Zeile 'alle Kategorien', da Aufnahmen keine Kategorie tragen.",
    "used_share": "Aufgenommen von zusagenden Kommunen geteilt durch zugesagte Plätze mit "
    "bekannter Zahl.",
    "credited_total": "Mit Anrechnung (Praxis in Schleswig-Holstein) mindern Sonderaufnahmen die "
    "reguläre Verpflichtung: insgesamt max(Verpflichtung, Sonderaufnahmen).",
    "additional_total": "Ohne Anrechnung (Forderung der NRW-Initiative) kommen Sonderaufnahmen "
    "hinzu: Verpflichtung + Sonderaufnahmen.",
}


class KeyNotFoundError(LookupError):
    """No Königsteiner Schlüssel can be resolved for a year and rule."""


class UnknownLandKeyError(LookupError):
    """No distribution key (criterion weights) is known for a Land."""


class QuotaDataError(ValueError):
    """A data file or frame breaks a rule this module relies on."""


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise QuotaDataError(f"{what}: missing column(s) {missing}; has {list(frame.columns)}")


def _years_text(years: list[int]) -> str:
    return ", ".join(str(int(y)) for y in sorted(set(years))) or "none"


_KEY_COLUMNS = ("year", "land", "share_percent", "key_type", "easy_year", "source")


@dataclass(frozen=True)
class _KeyRow:
    year: int | None
    land: str
    share: float
    kind: str
    easy_year: int | None
    source: str


def _key_rows(keys: pd.DataFrame) -> list[_KeyRow]:
    """The quota_keys rows as plain records: the frame is small, pandas overhead is not."""
    _require(keys, _KEY_COLUMNS, "quota_keys")

    def opt_int(value: object) -> int | None:
        return None if pd.isna(value) else int(value)

    return [
        _KeyRow(opt_int(y), str(land), float(share), str(kind), opt_int(e), str(src))
        for y, land, share, kind, e, src in keys[list(_KEY_COLUMNS)].itertuples(index=False)
    ]


def _gwk_keys(rows: list[_KeyRow]) -> dict[int, dict[str, float]]:
    table: dict[int, dict[str, float]] = {}
    for r in rows:
        if r.kind == "gwk" and r.year is not None:
            if r.land in table.setdefault(r.year, {}):
                raise QuotaDataError(f"quota_keys: GWK key {r.year} lists Land {r.land} twice")
            table[r.year][r.land] = r.share
    return table


def _decimals(values: list[float]) -> int:
    """Fewest decimals (0-5) that reproduce every quoted value: the precision of a rounded quote."""
    return next(d for d in range(6) if all(abs(round(v, d) - v) < 1e-12 for v in values))


def _match_rounded(quote: dict[str, float], gwk: dict[int, dict[str, float]]) -> list[int]:
    """GWK key years whose shares round to the quoted (rounded) shares, Land by Land."""
    half = 0.5 * 10.0 ** -_decimals(list(quote.values())) + 1e-9
    return sorted(
        year
        for year, shares in gwk.items()
        if all(land in shares and abs(shares[land] - q) <= half for land, q in quote.items())
    )


def easy_key_statements(data_dir: Path | None = None) -> pd.DataFrame:
    """Sourced statements "EASY applied key year K in year Y" (``data/easy_key_years.csv``)."""
    return datasets.load("easy_key_years", data_dir)


def _easy_mapping(
    rows: list[_KeyRow],
    gwk: dict[int, dict[str, float]],
    statements: pd.DataFrame | None,
    data_dir: Path | None,
) -> dict[int, tuple[int, str, str]]:
    """EASY year -> (GWK key year, basis, source), from quotes and statements; see below."""
    found: list[tuple[int, int, str, str]] = []
    for kind, basis in (("easy_quoted", "quoted"), ("easy_quoted_rounded", "quoted_rounded")):
        quotes = [r for r in rows if r.kind == kind]
        for easy_year in sorted({r.easy_year for r in quotes if r.easy_year is not None}):
            quote = [r for r in quotes if r.easy_year == easy_year]
            if basis == "quoted":
                years = sorted({r.year for r in quote if r.year is not None})
            else:
                years = _match_rounded({r.land: r.share for r in quote}, gwk)
            if len(years) != 1:
                raise QuotaDataError(
                    f"quota_keys: the {kind} rows for EASY year {easy_year} match GWK key years "
                    f"{years or 'none'}; exactly one is required"
                )
            source = "; ".join(dict.fromkeys(r.source for r in quote))
            found.append((easy_year, years[0], basis, source))
    stated = easy_key_statements(data_dir) if statements is None else statements
    for rec in stated[["easy_year", "key_year", "source"]].itertuples(index=False):
        found.append((int(rec.easy_year), int(rec.key_year), "statement", str(rec.source)))
    mapping: dict[int, tuple[int, str, str]] = {}
    for easy_year, key_year, basis, source in found:
        if easy_year in mapping and mapping[easy_year][0] != key_year:
            raise QuotaDataError(
                f"sources disagree on the key EASY applied in {easy_year}: GWK "
                f"{mapping[easy_year][0]} ({mapping[easy_year][2]}) vs {key_year} ({source})"
            )
        mapping.setdefault(easy_year, (key_year, basis, source))
    return mapping


def easy_key_years(
    keys: pd.DataFrame, statements: pd.DataFrame | None = None, data_dir: Path | None = None
) -> pd.DataFrame:
    """Which GWK key year EASY applied in which year, where a source says so.

    Derived from data, in this order: BAMF share tables quoted with their key year
    (``easy_quoted``), rounded BAMF quotes matched to the only GWK year that rounds to them
    (``easy_quoted_rounded``), then statements without a share table
    (``data/easy_key_years.csv``; default ``statements=None`` reads it). Sources that disagree
    are an error. Years not listed follow ``EASY_KEY_LAG``.
    Columns: easy_year, key_year, basis (quoted / quoted_rounded / statement), source.
    """
    rows = _key_rows(keys)
    mapping = _easy_mapping(rows, _gwk_keys(rows), statements, data_dir)
    table = pd.DataFrame(
        [(e, *mapping[e]) for e in sorted(mapping)],
        columns=["easy_year", "key_year", "basis", "source"],
    )
    return table.astype({"easy_year": "Int64", "key_year": "Int64"})


def key_shares(
    keys: pd.DataFrame,
    year: int,
    rule: str = DEFAULT_RULE,
    statements: pd.DataFrame | None = None,
    data_dir: Path | None = None,
) -> pd.Series:
    """Königsteiner Schlüssel shares (percent, 5 decimals) per Land for ``year`` under ``rule``.

    Returns a Series indexed by Land (AGS, "01".."16"), named ``share_percent``, with
    ``attrs`` rule, year, key_year, basis (gwk / quoted / quoted_rounded / statement /
    default) and source, so a caption can say which key was used.
    """
    if rule not in RULES:
        raise ValueError(f"rule {rule!r} unknown; use one of {sorted(RULES)}")
    rows = _key_rows(keys)
    gwk = _gwk_keys(rows)
    key_year, basis, source = int(year), "gwk", ""
    if rule == "easy":
        mapping = _easy_mapping(rows, gwk, statements, data_dir)
        default = (
            int(year) - EASY_KEY_LAG,
            "default",
            f"default rule: EASY applies the GWK key of the year {EASY_KEY_LAG} before",
        )
        key_year, basis, source = mapping.get(int(year), default)
    if key_year not in gwk:
        text = f"no Königsteiner Schlüssel for year {year} under rule {rule!r}"
        if rule == "easy":
            resolvable = set(mapping) | {y + EASY_KEY_LAG for y in gwk}
            text += (
                f" (it would be the GWK key {key_year}, basis {basis}); EASY years that resolve: "
                f"{_years_text(list(resolvable))}"
            )
        raise KeyNotFoundError(f"{text}; GWK key years in the data: {_years_text(list(gwk))}")
    shares = pd.Series(gwk[key_year], name="share_percent", dtype=float).sort_index()
    shares.index.name = "land"
    if not source:
        source = "; ".join(
            dict.fromkeys(r.source for r in rows if r.kind == "gwk" and r.year == key_year)
        )
    shares.attrs = dict(rule=rule, year=int(year), key_year=key_year, basis=basis, source=source)
    return shares


def key_caption(shares: pd.Series) -> str:
    """German caption for a ``key_shares`` result, e.g. for a figure subtitle."""
    a = shares.attrs
    return f"Königsteiner Schlüssel {a['key_year']} ({RULES[a['rule']]} {a['year']})"


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


# --- Land distribution keys -----------------------------------------------------------------


def land_key_weights(data_dir: Path | None = None) -> pd.DataFrame:
    """Criterion weights of the Länder's distribution keys (``data/land_key_weights.csv``),
    validated by the catalogue; here only the rule across rows: weights sum to 1 per Land."""
    frame = datasets.load("land_key_weights", data_dir)
    frame["weight"] = frame["weight"].astype(float)
    sums = frame.groupby("land")["weight"].sum()
    off = sums[(sums - 1).abs() > 1e-9]
    if len(off):
        raise QuotaDataError(f"land_key_weights: weights must sum to 1 per Land; {off.to_dict()}")
    return frame


def land_key(
    land: str,
    weights: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    data_dir: Path | None = None,
) -> pd.DataFrame:
    """The criterion weights of a Land's distribution key, or ``UnknownLandKeyError``.

    The error names the Länder whose key is known and, when ``rules`` (``land_rules()``) is
    given, what is known about the Land's rule in words.
    """
    code = codes.land_code(land)
    weights = land_key_weights(data_dir) if weights is None else weights
    rows = weights[weights["land"] == code].reset_index(drop=True)
    if rows.empty:
        known = ", ".join(codes.land_name(c) for c in sorted(weights["land"].unique()))
        text = (
            f"distribution key of {codes.land_name(code)} ({code}) is unknown: no criterion "
            f"weights in {LAND_KEY_WEIGHTS_FILE} (known for: {known or 'none'})"
        )
        if rules is not None and "key_or_rule" in rules:
            said = rules.loc[rules["land"] == code, "key_or_rule"].dropna()
            text += f"; land_rules says: {said.iloc[0]!r}" if len(said) else "; land_rules: none"
        raise UnknownLandKeyError(text)
    return rows


def apply_land_key(
    municipalities: pd.DataFrame,
    land: str,
    weights: pd.DataFrame | None = None,
    data_dir: Path | None = None,
) -> pd.Series:
    """Each municipality's share (fraction, sums to 1) of its Land's intake under the Land key.

    ``municipalities`` needs one numeric column per criterion of the key (e.g. ``population``
    and ``area`` for NRW); share = sum over criteria of weight x value / Land total of that
    value. ``attrs["rule_notes"]`` carries the notes of the key (e.g. the NRW cap that is
    not applied).
    """
    key = land_key(land, weights, data_dir=data_dir)
    _require(municipalities, tuple(key["criterion"]), f"municipalities for the key of {land}")
    share = pd.Series(0.0, index=municipalities.index, name="share")
    for criterion, weight in zip(key["criterion"], key["weight"], strict=True):
        values = pd.to_numeric(municipalities[criterion], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            label = bad[bad].index[0]
            raise QuotaDataError(
                f"municipalities row {label!r}, column {criterion}: "
                f"{municipalities.loc[label, criterion]} is not a number >= 0"
            )
        if values.sum() <= 0:
            raise QuotaDataError(f"municipalities column {criterion}: the total is 0")
        share += weight * values / values.sum()
    share.attrs = dict(land=codes.land_code(land), rule_notes=list(key["rule_note"]))
    return share


# --- Allocation to members ------------------------------------------------------------------


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
    ``allocation.capped_proportional``). Typical: weight="population" or weight="places",
    cap="places". Rows with an unknown weight or cap are kept with persons <NA> and counted in
    ``excluded``: an unknown offer is not a zero offer. Ties: larger weight, then row order.
    """
    columns = (weight,) if cap is None else (weight, cap)
    _require(members, columns, "members")
    table = members[list(dict.fromkeys(columns))].copy()
    usable = table.notna().all(axis=1)
    result = capped_proportional(
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
        raise ValueError("regular and special must have the same index (the same units)")
    for name, s in (("regular", regular), ("special", special)):
        if s.isna().any() or (s < 0).any():
            raise ValueError(f"{name}: every value must be known and >= 0; got {s.to_dict()}")
    out = pd.DataFrame({"regular_obligation": regular, "special_admissions": special})
    out["credited_regular"] = (regular - special).clip(lower=0)
    out["credited_total"] = out["credited_regular"] + special
    out["additional_total"] = regular + special
    out["extra_persons"] = out["additional_total"] - out["credited_total"]
    return out


# --- Offers and the per-Land table ----------------------------------------------------------


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
    _require(admissions, ("scope", "member_id", "metric", "value", "qualifier"), "admissions")
    return admissions[admissions["metric"].isin(metrics)]


def cumulative_offer(
    pledges: pd.DataFrame,
    admissions: pd.DataFrame | None = None,
    metrics: tuple[str, ...] = ADMITTED_METRICS,
) -> pd.DataFrame:
    """Pledged places per Land and for Germany, by category, and how much admissions used.

    Rows: (land, category) for every Land with pledges plus ``"DE"`` (all pledges, including
    Bündnis-wide offers), each with a category ``"all"`` row. Pledges without a number are
    counted in ``pledges_places_unknown``; ``pledged_places`` is <NA> when no pledge of the
    group names a number. With ``admissions``: ``admitted_by_pledging_members`` (admissions
    with ``metric`` in ``metrics`` into member municipalities that pledged in the Land) and
    ``used_share`` on the "all" rows (admissions carry no category).
    """
    _require(pledges, ("member_id", "land", "category", "places"), "pledges")
    p = pledges.assign(category=pledges["category"].astype("string"))
    germany = p.assign(land=codes.GERMANY)
    both = pd.concat([p[p["land"] != codes.GERMANY], germany], ignore_index=True)
    parts = [
        _offer_groups(both, ["land", "category"]),
        _offer_groups(both.assign(category=ALL_CATEGORIES), ["land", "category"]),
    ]
    out = pd.concat(parts).sort_index()
    if admissions is not None:
        adm = _admitted(admissions, metrics)
        adm = adm[adm["member_id"].notna()]
        pledgers = both.dropna(subset=["member_id"])[["land", "member_id"]].drop_duplicates()
        used = pledgers.merge(adm[["member_id", "value"]], on="member_id")
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
    _require(population, ("land", "date", "population"), "population")
    when = pd.Timestamp(date) if date is not None else population["date"].max()
    rows = population[population["date"] == when]
    if rows.empty:
        dates = ", ".join(d.strftime("%d.%m.%Y") for d in sorted(population["date"].unique()))
        raise KeyNotFoundError(f"no population for {when:%d.%m.%Y}; dates in the data: {dates}")
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
    member_population: pd.Series | None = None,
    admission_metrics: tuple[str, ...] = ADMITTED_METRICS,
    statements: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per Land (AGS index, "01".."16") plus Germany ("DE"); definitions in DEFINITIONS.

    ``year`` and ``rule`` choose the Königsteiner Schlüssel (``key_shares``);
    ``population_date`` the population Stichtag (default: the latest in ``population``).
    ``member_population`` (population per member_id) is not in the data yet: without it
    ``member_population_share`` is <NA> (and so where a declared municipal member lacks it).
    German headers: ``table.rename(columns=LABELS)``.
    """
    _require(members, ("member_id", "kind", "land", "status", "buendnis_member"), "members")
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
        municipal = declared[declared["kind"].isin(MUNICIPAL_KINDS)]
        mp = municipal.assign(mp=municipal["member_id"].map(member_population))
        grouped = mp.groupby("land")["mp"]
        complete = grouped.apply(lambda s: s.notna().all()).reindex(laender, fill_value=True)
        summed = per_land(grouped.sum(min_count=0).reindex(laender, fill_value=0))
        share = summed / out["population"].astype(float)
        known = pd.concat([complete, pd.Series([complete.all()], index=[codes.GERMANY])])
        out["member_population_share"] = share.where(known).astype("Float64")

    offers = _offer_groups(
        pledges.assign(land=pledges["land"].where(pledges["land"].isin(laender))), ["land"]
    )
    germany_offer = _offer_groups(pledges.assign(land=codes.GERMANY), ["land"])
    offers = pd.concat([offers[offers.index.notna()], germany_offer])
    out["pledged_places"] = offers["pledged_places"].reindex(index).astype("Int64")
    out["pledges_places_unknown"] = (
        offers["pledges_places_unknown"].reindex(index, fill_value=0).astype("Int64")
    )

    adm = _admitted(admissions, admission_metrics)
    adm = adm[adm["scope"].isin(laender)]
    by_scope = _known_sum(adm.groupby("scope")["value"]).reindex(laender)
    out["admissions"] = per_land(by_scope).astype("Int64")
    out.loc[codes.GERMANY, "admissions"] = by_scope.sum() if by_scope.notna().any() else pd.NA
    inexact = (adm["qualifier"].astype("string") != "exact") | adm["value"].isna()
    out["admissions_not_exact"] = per_land(
        inexact.groupby(adm["scope"]).sum().reindex(laender, fill_value=0)
    ).astype("Int64")
    out["key_share_percent"] = per_land(shares)
    total_admitted = by_scope.sum()
    out["expected_admissions"] = (out["key_share_percent"] / 100 * total_admitted).astype("Float64")
    ratio = out["admissions"].astype("Float64") / out["expected_admissions"].replace(0, pd.NA)
    out["admissions_ratio"] = ratio.astype("Float64")
    yes = members["buendnis_member"].astype("string") == "yes"
    out["buendnis_members"] = per_land(
        members[yes].groupby("land").size().reindex(laender, fill_value=0)
    ).astype("Int64")
    _require(land_rules, ("land", "crediting"), "land_rules")
    crediting = land_rules.groupby("land")["crediting"].agg(_one_crediting)
    out["crediting"] = crediting.reindex(index).fillna("unknown").astype("string")
    out.attrs = dict(
        key=key_caption(shares), key_attrs=shares.attrs, population_date=pop.attrs["date"]
    )
    return out

"""Königsteiner Schlüssel: which key applies in a year, and its shares per Land.

Functions take the tidy ``datasets.quota_keys()`` frame as an argument, so notebooks pass what
they loaded and tests pass small frames.

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

import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.common.frames import require_columns
from haefen_analysis.errors import KeyNotFoundError, ParameterError, QuotaDataError

#: Key-selection rules accepted by ``key_shares`` (their captions: ``catalogue.labels``).
RULES = ("gwk", "easy")
DEFAULT_RULE = "easy"

#: EASY applies the previous year's GWK key unless a source says otherwise. Sources: BAMF quota
#: 2015 = KS 2014 (Landkreis Hof FAQ), BIAJ "KS 2015 gilt 2016", BAMF quotas for 2017 = KS 2016
#: (rows of quota_keys with key_type easy_quoted), design notes §4.
EASY_KEY_LAG = 1


def _years_text(years: list[int]) -> str:
    return ", ".join(str(int(y)) for y in sorted(set(years))) or "keine"


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
    require_columns(keys, _KEY_COLUMNS, "quota_keys", error=QuotaDataError)

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
                raise QuotaDataError(
                    f"quota_keys: GWK-Schlüssel {r.year} nennt Land {r.land} zweimal"
                )
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
                    f"quota_keys: die {kind}-Zeilen für EASY-Jahr {easy_year} passen zu den "
                    f"GWK-Schlüsseljahren {years or 'keinem'}; genau eines muss passen"
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
                f"Quellen widersprechen sich, welchen Schlüssel EASY {easy_year} anwandte: GWK "
                f"{mapping[easy_year][0]} ({mapping[easy_year][2]}) oder {key_year} ({source})"
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
        raise ParameterError(f"Regel {rule!r} unbekannt; erlaubt: {', '.join(RULES)}")
    rows = _key_rows(keys)
    gwk = _gwk_keys(rows)
    key_year, basis, source = int(year), "gwk", ""
    if rule == "easy":
        mapping = _easy_mapping(rows, gwk, statements, data_dir)
        default = (
            int(year) - EASY_KEY_LAG,
            "default",
            f"Standardregel: EASY wendet den GWK-Schlüssel des Vorjahres an (Abstand "
            f"{EASY_KEY_LAG} Jahr)",
        )
        key_year, basis, source = mapping.get(int(year), default)
    if key_year not in gwk:
        text = f"kein Königsteiner Schlüssel für {year} nach Regel {rule!r}"
        if rule == "easy":
            resolvable = set(mapping) | {y + EASY_KEY_LAG for y in gwk}
            text += (
                f" (es wäre der GWK-Schlüssel {key_year}, Grundlage {basis}); auflösbare "
                f"EASY-Jahre: {_years_text(list(resolvable))}"
            )
        raise KeyNotFoundError(f"{text}; GWK-Schlüsseljahre in den Daten: {_years_text(list(gwk))}")
    shares = pd.Series(gwk[key_year], name="share_percent", dtype=float).sort_index()
    shares.index.name = "land"
    if not source:
        source = "; ".join(
            dict.fromkeys(r.source for r in rows if r.kind == "gwk" and r.year == key_year)
        )
    shares.attrs = dict(rule=rule, year=int(year), key_year=key_year, basis=basis, source=source)
    return shares

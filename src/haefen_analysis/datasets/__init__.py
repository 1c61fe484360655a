"""Loaders: each curated table as a validated DataFrame with proper dtypes.

Strings are pandas ``string``, enumerations categoricals, counts nullable ``Int64``, dates
``datetime64`` plus a ``<column>_precision`` categorical (day / month / year), so "2018-09"
stays a month. Rows an analyst added with ``haefen validate`` (``data/user/``) are merged in.
Parsed tables are cached per process and re-read when a file changes; between processes the
validated frames are kept by content (``datasets.stored``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache, wraps
from pathlib import Path

import pandas as pd

from haefen_analysis import config
from haefen_analysis.catalogue.schema import Resource, catalogue, resource
from haefen_analysis.common.tables import read_csv
from haefen_analysis.datasets import stored
from haefen_analysis.errors import DataValidationError, TableNotFoundError
from haefen_analysis.ingest.validate import Problem, check_table

DEMANDS_DERIVED_FROM_MEMBERS = "buendnis_membership"


def read_raw(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells as stripped strings ("" for empty), indexed by line minus 2, and the encoding
    used; delimiter ',' or ';'; any line that is not one record is a ``ParseError``."""
    return read_csv(path)


def empty(res: Resource) -> pd.DataFrame:
    """A table's columns without rows, as text (an object-typed empty frame would turn every
    table concatenated to it into Python objects: several times the memory)."""
    return pd.DataFrame({c: pd.Series(dtype=str) for c in res.columns})


def _files(res: Resource, data_dir: Path | None) -> list[Path]:
    if res.is_glob:  # research staging: every round's file, none in data/user/
        return sorted(config.data_dir(data_dir).glob(res.path))
    files = [config.data_dir(data_dir) / res.path, config.user_dir(data_dir) / res.path]
    return [f for f in files if f.exists()]


def _stamp(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


def version(name: str, data_dir: Path | None = None) -> tuple[tuple[str, int, int], ...]:
    """Files behind a table with their mtime and size: changes whenever the table can."""
    return _stamp(_files(resource(name, data_dir), data_dir))


def state(data_dir: Path | None = None) -> tuple:
    """The versions of every table: what a per-process cache of a product of many tables
    (the per-Land table) is keyed by."""
    return tuple(version(name, data_dir) for name in catalogue(data_dir))


def references(res: Resource, data_dir: Path | None) -> dict[str, set[str]]:
    """Allowed values of each foreign key; a referenced table missing from a partial data
    folder is taken from the project's own data (the Länder codes, above all)."""
    refs = {}
    for fk in res.foreign_keys:
        ref = resource(fk.resource, data_dir)
        column = load(fk.resource, _reference_dir(ref, data_dir))[fk.reference_fields[0]]
        values = column.dropna().astype(str)
        refs[f"{fk.resource}.{fk.reference_fields[0]}"] = set(values)
    return refs


def check_files(res: Resource, paths: list[Path], data_dir: Path | None) -> pd.DataFrame:
    """The typed table of these files (curated, then the analyst's rows): what every loader
    returns, and what the intake runs on a merged file before it replaces the old one. Every
    problem names its own file and line; any problem raises ``DataValidationError``."""
    refs = references(res, data_dir)
    frames, origin, problems = [], [], []
    for path in paths:
        raw, _enc = read_raw(path)
        frames.append(raw)
        origin += [(str(path), int(i) + 2) for i in raw.index]
        if len(paths) > 1 and set(raw.columns) != set(res.columns):  # name the file's header
            problems += check_table(raw, res, str(path), references=refs)[1]
    if problems:
        raise DataValidationError(problems)
    raw = pd.concat(frames, ignore_index=True) if frames else empty(res)
    label = " + ".join(map(str, paths)) or res.path
    typed, problems = check_table(raw, res, label, references=refs)
    if problems:
        raise DataValidationError([_located(p, origin) for p in problems])
    return typed


def _located(problem: Problem, origin: list[tuple[str, int]]) -> Problem:
    """A problem of the concatenated table as the file and line it comes from."""
    if problem.row is None:
        return problem
    file, line = origin[problem.row - 2]
    return replace(problem, file=file, row=line)


def _reference_dir(ref: Resource, data_dir: Path | None) -> Path | None:
    """Where a referenced table is read: this data folder, else the project's own data."""
    return data_dir if _files(ref, data_dir) else config.PROJECT_DIR / "data"


def _table_key(name: str, data_dir: Path | None) -> str:
    """What a typed table is built from (``stored.key``), the referenced tables included."""
    res = resource(name, data_dir)
    refs = []
    for fk in res.foreign_keys:
        ref = resource(fk.resource, data_dir)
        refs.append(_table_key(fk.resource, _reference_dir(ref, data_dir)))
    return stored.key(res, _files(res, data_dir), refs)


@cache
def _load(name: str, data_dir: Path | None, stamp: tuple) -> pd.DataFrame:
    """Validated once per content (``stored``), then kept for this process."""
    res = resource(name, data_dir)
    paths = [Path(p) for p, *_ in stamp]
    return stored.frame(
        name, _table_key(name, data_dir), data_dir, lambda: check_files(res, paths, data_dir)
    )


def load(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Any table of the catalogue by name, validated (raises ``DataValidationError``)."""
    dd = Path(data_dir) if data_dir is not None else None
    res = resource(name, dd)
    files = _files(res, dd)
    if not files and not res.is_glob:
        raise TableNotFoundError(f"Tabelle {name!r}: {config.data_dir(dd) / res.path} fehlt")
    return _load(name, dd, _stamp(files)).copy()


def validated(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """A table through the validator now, never from the stored frames (what a check of the
    data itself must see)."""
    dd = Path(data_dir) if data_dir is not None else None
    res = resource(name, dd)
    return check_files(res, _files(res, dd), dd)


def laender(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The 16 Länder: ags, iso, short, name, name_en."""
    return load("laender", data_dir)


def quota_keys(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Königsteiner Schlüssel rows (GWK keys, BAMF EASY quotes); ``analysis.keys`` says which
    applies."""
    return load("koenigsteiner_schluessel", data_dir)


def population(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Population of the Länder on 31 December, 2010–2024."""
    return load("population", data_dir)


def _per_state(build: Callable[[Path | None], pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """A table derived from others, built once per process and state of the tables (every
    report of a batch asks for it); each caller gets its own copy."""

    @cache
    def kept(data_dir: Path | None, tables: tuple) -> pd.DataFrame:
        return build(data_dir)

    @wraps(build)
    def derived(data_dir: str | Path | None = None) -> pd.DataFrame:
        dd = Path(data_dir) if data_dir is not None else None
        return kept(dd, state(dd)).copy()

    return derived


@_per_state
def members(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Sichere Häfen (all statuses: a revocation stays a fact), each with its official key:
    ``ars``, ``ags``, ``key_level``, ``key_name`` (the name in the directory) and the
    DCAT-AP.de ``geocoding_uri`` (<NA> for a member without a row in ``member_keys``;
    ``analysis.coverage.members_without_key`` says why)."""
    from haefen_analysis.ingest.member_keys import geocoding_uri

    mem = load("members", data_dir)
    keys = member_keys(data_dir)[["member_id", "ars", "ags", "level", "matched_name"]]
    keys = keys.rename(columns={"level": "key_level", "matched_name": "key_name"})
    out = mem.merge(keys, on="member_id", how="left")
    uris = [geocoding_uri(a, lv) for a, lv in zip(out["ars"], out["key_level"], strict=True)]
    out["geocoding_uri"] = pd.array(uris, dtype="string")
    return out


def member_keys(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Official keys of the members, validated: the catalogue's rules and ``check_keys`` (the
    Land prefix is the member's Land, the key is in the directory). Empty (with the columns)
    in a data folder without the table."""
    dd = Path(data_dir) if data_dir is not None else None
    res = resource("member_keys", dd)
    if not _files(res, dd):
        return pd.DataFrame({c: pd.Series(dtype="string") for c in res.columns})
    stamp = tuple(version(n, dd) for n in ("member_keys", "members", "gemeinden", "kreise"))
    return _checked_keys(dd, stamp).copy()


@cache
def _checked_keys(data_dir: Path | None, stamp: tuple) -> pd.DataFrame:
    from haefen_analysis.ingest.member_keys import check_keys

    keys = load("member_keys", data_dir)
    gemeinden = set(load("gemeinden", data_dir)["ars"])
    kreise = set(load("kreise", data_dir)["ags"])
    label = " + ".join(p for p, *_ in version("member_keys", data_dir))
    problems = check_keys(keys, load("members", data_dir), gemeinden, kreise, label)
    if problems:
        raise DataValidationError(problems)
    return keys


def gemeinden(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The municipal directory: every Gemeinde with ARS, AGS, name, Kreis, Zensus 2022
    population."""
    return load("gemeinden", data_dir)


def kreise(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The 400 Kreise: population and protection seekers (31.12.2024) by top-level status,
    per 1,000 inhabitants of the reporting area."""
    return load("kreise", data_dir)


#: Kinds of offer that promise places (a capacity statement or a request does not).
PLEDGE_KINDS = ("pledge", "contingent")


def offers(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The offers ledger: pledges, contingents, capacity statements and requests, each with
    its addressee and the answer; ``places`` NA = number not stated."""
    return load("offers", data_dir)


def pledges(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Deprecated alias (until version 0.3): the offers that promise places (kind pledge or
    contingent), with the offers' columns (``group``, ``offered_on``, ``credited_as_offered``)."""
    out = offers(data_dir)
    return out[out["kind"].isin(PLEDGE_KINDS)].reset_index(drop=True)


def funding(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Money for sea rescue and admission: Patenschaften, donations, boats, costs."""
    return load("funding", data_dir)


def networks(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Members in networks (Bündnis, Potsdamer Erklärung, IASH, …), dated, with roles."""
    return load("networks", data_dir)


def programmes(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Admission programmes of the Länder, the federation and the EU."""
    return load("programmes", data_dir)


def admissions(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Admission figures per programme, period and area."""
    return load("admissions", data_dir)


def counts_over_time(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Published counts of Sichere Häfen and Bündnis members."""
    return load("counts_over_time", data_dir)


def land_rules(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Distribution rules and crediting practice per Land."""
    return load("land_rules", data_dir)


def meetings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Meetings and exchange between members."""
    return load("meetings", data_dir)


def contacts(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Contact units and roles of members."""
    return load("contacts", data_dir)


@_per_state
def demands(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The full member × demand grid: stated facts, Bündnis membership derived from the
    members table, everything else explicitly ``unknown``."""
    facts = load("demands", data_dir)
    mem = members(data_dir)
    field = resource("demands", data_dir).field("demand")
    grid = pd.MultiIndex.from_product(
        [mem["member_id"], list(field.enum)], names=["member_id", "demand"]
    )
    out = grid.to_frame(index=False).merge(facts, on=["member_id", "demand"], how="left")
    derived = out["demand"].eq(DEMANDS_DERIVED_FROM_MEMBERS) & out["source"].isna()
    by_member = mem.set_index("member_id")
    for col in ("decided", "fulfilled"):
        values = out[col].astype("string")
        values[derived] = (
            out.loc[derived, "member_id"].map(by_member["buendnis_member"]).astype("string")
        )
        out[col] = pd.Categorical(values.fillna("unknown"), categories=["yes", "no", "unknown"])
    out.loc[derived, "source"] = out.loc[derived, "member_id"].map(by_member["source"])
    out.loc[derived, "note"] = "derived from members.buendnis_member"
    out["demand"] = pd.Categorical(out["demand"], categories=list(field.enum))
    return out


def load_all(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the catalogue (what ``haefen data`` summarises)."""
    return {name: load(name, data_dir) for name in catalogue(Path(data_dir) if data_dir else None)}

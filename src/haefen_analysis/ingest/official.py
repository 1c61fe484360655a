"""Official statistics into the curated tables ``gemeinden`` and ``kreise``.

Inputs are tidy frames of ``ingest.genesis.read_genesis``:

* Zensus 2022, table 1000A-0000: every Gemeinde with its 12-digit ARS, official name and
  population on 15.05.2022, after one Germany row (the check of the sum);
* Regionalstatistik 12411-01-01-4: population per Kreis and sex on 31.12.; the file also holds
  dissolved Kreise (all values "-") and some Gemeinden with 8-digit codes (Berlin's Bezirke,
  Hannover), which are left out by their level;
* GENESIS 12531-0043: Schutzsuchende per Kreis × Schutzstatuskategorie × sex × citizenship.

The status categories nest (``STATUS_PARENT``): only the three top-level ones are summed, so
nobody is counted twice. Kreise whose Ausländerbehörde reports together with another Kreis are
absent from 12531-0043 (``JOINT_REPORTING``): they carry that reason and the rate of the joint
reporting area, never 0. A file whose content does not fit (a code not in the geodata, a Kreis
without population, a category not in the hierarchy) raises ``OfficialTableError`` naming the
file, the line and the value, before anything is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pandas as pd

from haefen_analysis.errors import OfficialTableError
from haefen_analysis.ingest.genesis import variable_keys

#: Licence of every official table used here.
LICENCE = "Datenlizenz Deutschland – Namensnennung – 2.0 (dl-de/by-2-0)"
CHANGED = "verändert (aggregiert)"


@dataclass(frozen=True)
class OfficialTable:
    """What a curated table cites for one official download."""

    code: str
    statistic: str
    provider: str
    portal: str
    source: str  # the short citation in each row's ``source`` (the provenance has the rest)


ZENSUS = OfficialTable(
    "1000A-0000",
    "1000A",
    "Statistisches Bundesamt (Destatis)",
    "www.zensus2022.de",
    "Zensus 2022, Tabelle 1000A-0000 (Destatis)",
)
POPULATION = OfficialTable(
    "12411-01-01-4",
    "12411",
    "Statistische Ämter des Bundes und der Länder",
    "www.regionalstatistik.de",
    "Regionalstatistik, Tabelle 12411-01-01-4 (www.regionalstatistik.de)",
)
SEEKERS = OfficialTable(
    "12531-0043",
    "12531",
    "Statistisches Bundesamt (Destatis)",
    "www-genesis.destatis.de",
    "GENESIS-Online, Tabelle 12531-0043 (www-genesis.destatis.de)",
)

#: The three top-level Schutzstatuskategorien of 12531 (SCHST2) and the column each fills:
#: Destatis' three subgroups "offen", "anerkannt", "abgelehnt" (GENESIS label of X: "Ohne
#: Schutzstatus"), https://www.destatis.de/DE/Themen/Gesellschaft-Umwelt/Bevoelkerung/Migration-Integration/Glossar/schutzsuchende.html
TOP_STATUS = {
    "SCHUTZST-OF": "seekers_open",
    "SCHUTZST-AK-1": "seekers_recognised",
    "SCHUTZST-X": "seekers_rejected",
}
#: Every other category and the one it is part of (by the labels: befristet/unbefristet
#: anerkannt; befristet aus / nicht aus dem Asylverfahren; geduldet, latent, vollziehbar
#: ausreisepflichtig, which Destatis counts among the rejected). Summing them as well would
#: count people twice.
STATUS_PARENT = {
    "SCHUTZST-AK-2": "SCHUTZST-AK-1",
    "SCHUTZST-AK-5": "SCHUTZST-AK-1",
    "SCHUTZST-AK-3": "SCHUTZST-AK-2",
    "SCHUTZST-AK-4": "SCHUTZST-AK-2",
    "AUSRPFL-G": "SCHUTZST-X",
    "AUSRPFL-L": "SCHUTZST-X",
    "AUSRPFL-V": "SCHUTZST-X",
}
#: Rounded cells (multiples of 5) let the parts of a category exceed it by a little.
HIERARCHY_TOLERANCE = 0.01

_KASSEL = (
    "https://www.kassel.de/service/oe/Dezernate_-_DEZ/II_-_Dezernat_II_-_Buergerangelegenheiten_"
    "und_Soziales/33_-_Buergeramt/334_-_Abteilung_fuer_Zuwanderung_und_Integration_Stadt_und_"
    "Landkreis_Kassel/334-Abteilung-fuer-Zuwanderung-und-Integration-Stadt-und-Landkreis-Kassel.php"
)
_COTTBUS = "https://cottbus.de/verwaltung/gb-3/dz-3-1/fb-33-buergerservice/auslaenderbehoerde"
_SAARLAND = (
    "https://www.saarland.de/lava/DE/themen-aufgaben/aufgaben/aufgabe2/aufgabe2_node.html ; "
    "http://www.sr.de/sr/home/nachrichten/nachrichten_einfach/ne_auslaenderbehoerde_nur_in_lebach_100.html"
)
_SAARLAND_REASON = (
    "Die Zentrale Ausländerbehörde des Saarlandes (Landesverwaltungsamt, Lebach, Landkreis "
    "Saarlouis) ist für das ganze Land zuständig; 12531-0043 weist alle Schutzsuchenden des "
    "Saarlandes unter Saarlouis (10044) aus"
)


@dataclass(frozen=True)
class JointReporting:
    """A Kreis absent from 12531-0043 because another Kreis's Ausländerbehörde reports it."""

    reported_by: str
    reason: str
    source: str


#: Kreise absent from 12531-0043 (31.12.2024) and why: the Ausländerzentralregister assigns a
#: person to the Kreis of the Ausländerbehörde in charge. The Kreise named as reporting them
#: have the highest rates per 1,000 inhabitants of the table (Saarlouis 264, Kassel 122), as a
#: joint count over a larger area would.
JOINT_REPORTING = {
    "06633": JointReporting(
        "06611",
        "Die „Abteilung für Zuwanderung und Integration Stadt und Landkreis Kassel“ der Stadt "
        "Kassel ist Ausländerbehörde auch für den Landkreis; 12531-0043 weist dessen "
        "Schutzsuchende unter Kassel, kreisfreie Stadt (06611) aus",
        _KASSEL,
    ),
    "12071": JointReporting(
        "12052",
        "Die Ausländerbehörde der Stadt Cottbus ist auch für den Landkreis Spree-Neiße "
        "zuständig; 12531-0043 weist dessen Schutzsuchende unter Cottbus (12052) aus",
        _COTTBUS,
    ),
    **{
        ags: JointReporting("10044", _SAARLAND_REASON, _SAARLAND)
        for ags in ("10041", "10042", "10043", "10045", "10046")
    },
}


@dataclass(frozen=True)
class PublishedFigure:
    """A published total the built table is checked against."""

    column: str
    value: int
    text: str
    source: str


_PRESS = (
    "Destatis, Pressemitteilung „4 % mehr Schutzsuchende im Jahr 2024“ (30.06.2025), "
    "https://www.finanznachrichten.de/nachrichten-2025-06/65783524-4-mehr-schutzsuchende-im-jahr-2024-007.htm"
)
_BIAJ = (
    "BIAJ-Tabelle nach Destatis 12531 (03.07.2025), "
    "http://www.biaj.de/archiv-materialien/2111-schutzsuchende-in-der-bundesrepublik-deutschland-"
    "geschlecht-und-schutzstatus-43-am-31-12-2024.html"
)
#: Published German totals per Stichtag: the tolerance for the total is ``PUBLISHED_TOLERANCE``;
#: the status figures are compared and recorded (they are rounded to thousands).
PUBLISHED = {
    "2024-12-31": (
        PublishedFigure("seekers_total", 3_305_000, "3,305 Millionen", _BIAJ),
        PublishedFigure("seekers_recognised", 2_700_000, "rund 2,7 Millionen", _PRESS),
        PublishedFigure("seekers_open", 427_000, "427 000", _PRESS),
        PublishedFigure("seekers_rejected", 171_000, "171 000", _PRESS),
    )
}
PUBLISHED_TOLERANCE = 0.02

#: Kinds of Kreise: the last part of the 12411 label names it, else the VG250 ``bez``.
KREIS_KINDS = {
    "kreisfreie stadt": "kreisfreie_stadt",
    "stadtkreis": "stadtkreis",
    "kreis": "kreis",
    "landkreis": "landkreis",
    "regionalverband": "regionalverband",
}
#: Zensus tolerance: the Gemeinden must add up to the Germany row within this share.
ZENSUS_SUM_TOLERANCE = 0.001


def _german(number: float) -> str:
    """A whole number with German thousands dots (messages only)."""
    return f"{int(number):,}".replace(",", ".")


def _fail(path: str | os.PathLike[str], line: object, reason: str) -> OfficialTableError:
    return OfficialTableError(path, None if pd.isna(line) else int(line), reason)


def _region(df: pd.DataFrame, path: str | os.PathLike[str]) -> str:
    """The region variable of a tidy frame (the one with a level)."""
    keys = [k for k in variable_keys(df) if f"{k}_level" in df]
    if len(keys) != 1:
        raise _fail(path, None, f"erwartet genau ein Regionalmerkmal, gefunden {keys or 'keins'}")
    return keys[0]


def _expect(df: pd.DataFrame, table: OfficialTable, path: str | os.PathLike[str]) -> str:
    """The file is the table it should be, at one Stichtag; returns the Stichtag (ISO)."""
    statistic = set(df["statistic"])
    if statistic != {table.statistic}:
        raise _fail(
            path, df["source_line"].iloc[0], f"Statistik {sorted(statistic)} statt {table.code}"
        )
    times = sorted(set(df["time"].dropna()))
    if len(times) != 1:
        raise _fail(path, None, f"ein Stichtag erwartet, gefunden {times}")
    return str(times[0])


def gemeinden_table(zensus: pd.DataFrame, path: str | os.PathLike[str]) -> pd.DataFrame:
    """The ``gemeinden`` table: ARS, AGS, name, Land, Kreis, population (Zensus 2022).

    The Gemeinden must add up to the file's Germany row (``ZENSUS_SUM_TOLERANCE``), which
    catches a file cut at a line end."""
    stichtag = _expect(zensus, ZENSUS, path)
    key = _region(zensus, path)
    level = zensus[f"{key}_level"]
    rows = zensus[level.eq("gemeinde")]
    code = rows[f"{key}_code"]
    bad = ~code.str.fullmatch(r"\d{12}").fillna(False)
    if bad.any():
        i = bad.to_numpy().argmax()
        raise _fail(
            path,
            rows["source_line"].iloc[i],
            f"Spalte Regionalschlüssel: {code.iloc[i]!r} ist kein 12-stelliger Regionalschlüssel "
            "(Spalten vertauscht?)",
        )
    names = rows[f"{key}_label"].str.strip()
    if names.eq("").any() or names.str.fullmatch(r"\d+").any():
        i = (names.eq("") | names.str.fullmatch(r"\d+")).to_numpy().argmax()
        raise _fail(
            path, rows["source_line"].iloc[i], f"Gemeindename {names.iloc[i]!r} ist kein Name"
        )
    population = rows["value"].mask(rows["missing_marker"].eq("-"), 0.0)
    total = zensus.loc[level.eq("deutschland"), "value"]
    if len(total) != 1:
        raise _fail(path, None, "keine Deutschland-Zeile (GEODL1) zum Abgleich der Summe")
    summed = population.sum()
    if abs(summed - total.iloc[0]) > ZENSUS_SUM_TOLERANCE * total.iloc[0]:
        raise _fail(
            path,
            None,
            f"die Gemeinden ergeben {_german(summed)} Einwohner, die Deutschland-Zeile "
            f"{_german(total.iloc[0])}: Datei unvollständig oder abgeschnitten?",
        )
    out = pd.DataFrame(
        {
            "ars": code.to_numpy(),
            "ags": (code.str[:5] + code.str[9:]).to_numpy(),
            "name": names.to_numpy(),
            "land": code.str[:2].to_numpy(),
            "kreis": code.str[:5].to_numpy(),
            "population": population.astype("Int64").to_numpy(),
            "population_date": stichtag,
            "source": ZENSUS.source,
        }
    )
    return out.sort_values("ars").reset_index(drop=True)


def check_kreise_of_gemeinden(
    gemeinden: pd.DataFrame,
    zensus: pd.DataFrame,
    geo_kreise: set[str],
    path: str | os.PathLike[str],
) -> None:
    """Every Gemeinde lies in a Kreis of the geodata (its ARS[:5])."""
    unknown = gemeinden[~gemeinden["kreis"].isin(geo_kreise)]
    if len(unknown):
        first = unknown.iloc[0]
        key = _region(zensus, path)
        line = zensus.loc[zensus[f"{key}_code"].eq(first["ars"]), "source_line"].iloc[0]
        raise _fail(
            path,
            line,
            f"Kreis {first['kreis']} der Gemeinde {first['name']} ({first['ars']}) ist nicht in "
            "den Geodaten (data/geo/kreise.geojson)",
        )


def _in_geodata(
    rows: pd.DataFrame, key: str, geo: pd.DataFrame, path: str | os.PathLike[str]
) -> None:
    """Every Kreis code of ``rows`` is a Kreis of the geodata; else the first one is named."""
    stray = ~rows[f"{key}_code"].isin(set(geo["ags"]))
    if stray.any():
        row = rows[stray].iloc[0]
        value = "" if pd.isna(row["value"]) else f", Wert {row['value']:.0f}"
        raise _fail(
            path,
            row["source_line"],
            f"Kreis {row[f'{key}_code']} ({row[f'{key}_label']}{value}) ist nicht in den "
            "Geodaten (data/geo/kreise.geojson)",
        )


def _kind(label: str, bez: str) -> str:
    parts = [p.strip().casefold() for p in label.split(",")[1:]]
    for part in parts:
        if part in KREIS_KINDS:
            return KREIS_KINDS[part]
    return KREIS_KINDS[bez.casefold()]


def _population(
    pop: pd.DataFrame, geo: pd.DataFrame, path: str | os.PathLike[str]
) -> tuple[pd.DataFrame, str]:
    """Population per Kreis of the geodata: the all-sexes total, checked against its parts."""
    stichtag = _expect(pop, POPULATION, path)
    key = _region(pop, path)
    rows = pop[pop[f"{key}_level"].eq("kreis")]
    others = [k for k in variable_keys(pop) if k != key]
    if len(others) != 1:
        raise _fail(path, None, f"erwartet Kreis × Geschlecht, gefunden {variable_keys(pop)}")
    sex = others[0]
    code = rows[f"{key}_code"]
    _in_geodata(rows[rows["value"].notna()], key, geo, path)  # dissolved Kreise: "-" only
    totals = rows[rows[f"{sex}_total"]].set_index(code[rows[f"{sex}_total"]])
    parts = rows[~rows[f"{sex}_total"]].groupby(f"{key}_code")["value"].sum(min_count=1)
    out = []
    for kreis in geo.itertuples(index=False):
        if kreis.ags not in totals.index:
            raise _fail(path, None, f"Kreis {kreis.ags} ({kreis.name}) fehlt in der Datei")
        row = totals.loc[kreis.ags]
        if pd.isna(row["value"]):
            raise _fail(
                path,
                row["source_line"],
                f"Kreis {kreis.ags}: Einwohnerzahl fehlt (Wert {row['missing_marker']!r})",
            )
        if kreis.ags in parts.index and parts[kreis.ags] != row["value"]:
            raise _fail(
                path,
                row["source_line"],
                f"Kreis {kreis.ags}: männlich + weiblich = {parts[kreis.ags]:.0f}, Insgesamt "
                f"{row['value']:.0f} (Datei unvollständig?)",
            )
        label = re.sub(r"\s+", " ", row[f"{key}_label"]).strip()
        out.append(
            {
                "ags": kreis.ags,
                "name": label,
                "kind": _kind(label, kreis.bez),
                "land": kreis.ags[:2],
                "population": int(row["value"]),
                "population_date": stichtag,
            }
        )
    return pd.DataFrame(out), stichtag


def _seekers(
    seekers: pd.DataFrame, geo: pd.DataFrame, path: str | os.PathLike[str]
) -> tuple[pd.DataFrame, str, dict[str, float]]:
    """Top-level status sums per Kreis (rows: Kreise present), the Stichtag and the national
    sum of every category (for the hierarchy check)."""
    stichtag = _expect(seekers, SEEKERS, path)
    key = _region(seekers, path)
    rows = seekers[seekers[f"{key}_level"].eq("kreis")]
    status_keys = [k for k in variable_keys(seekers) if k.startswith("SCHST")]
    if len(status_keys) != 1:
        raise _fail(path, None, f"kein Merkmal Schutzstatuskategorie (SCHST…) in {status_keys}")
    status = status_keys[0]
    _in_geodata(rows, key, geo, path)
    codes = rows[f"{status}_code"]
    unknown = codes.notna() & ~codes.isin([*TOP_STATUS, *STATUS_PARENT])
    if unknown.any():
        row = rows[unknown].iloc[0]
        raise _fail(
            path,
            row["source_line"],
            f"Schutzstatuskategorie {row[f'{status}_code']!r} ({row[f'{status}_label']}) hat "
            "keinen bekannten Platz in der Hierarchie: Summen würden doppelt zählen",
        )
    # other variables (sex, citizenship): their totals if the file has them, else every detail
    for other in variable_keys(seekers):
        if other not in (key, status) and rows[f"{other}_total"].any():
            rows = rows[rows[f"{other}_total"]]
    rows = rows[rows[f"{status}_code"].notna()]
    zero = rows["missing_marker"].eq("-")
    value = rows["value"].mask(zero, 0.0)
    unknown_value = value.isna()
    frame = pd.DataFrame(
        {"ags": rows[f"{key}_code"], "status": rows[f"{status}_code"], "value": value}
    )
    national = frame.groupby("status")["value"].sum().to_dict()
    top = frame[frame["status"].isin(TOP_STATUS)]
    summed = top.groupby(["ags", "status"])["value"].sum(min_count=1)
    incomplete = frame[unknown_value & frame["status"].isin(TOP_STATUS)]
    # a flat file leaves out empty cells: a status without rows in a Kreis listed is zero
    wide = summed.unstack("status").reindex(columns=list(TOP_STATUS)).fillna(0.0)
    for row in incomplete.itertuples(index=False):
        wide.loc[row.ags, row.status] = float("nan")  # one unknown cell: the sum is unknown
    wide = wide.rename(columns=TOP_STATUS)
    wide.index.name = "ags"
    return wide.reset_index(), stichtag, national


def check_hierarchy(national: dict[str, float], path: str | os.PathLike[str]) -> list[dict]:
    """The parts of each category add up to no more than the category (within rounding):
    the hierarchy read off the labels holds in the numbers."""
    checks = []
    for parent in sorted(set(STATUS_PARENT.values())):
        children = sorted(c for c, p in STATUS_PARENT.items() if p == parent)
        if parent not in national:
            continue
        parts = sum(national.get(c, 0.0) for c in children)
        whole = national[parent]
        checks.append(
            {"category": parent, "value": int(whole), "parts": children, "parts_sum": int(parts)}
        )
        if parts > whole * (1 + HIERARCHY_TOLERANCE):
            raise _fail(
                path,
                None,
                f"Teile {', '.join(children)} ergeben {parts:.0f}, mehr als {parent} "
                f"({whole:.0f}): die Kategorien sind nicht so verschachtelt wie angenommen",
            )
    return checks


def kreise_table(
    population: pd.DataFrame,
    seekers: pd.DataFrame,
    geo: pd.DataFrame,
    population_path: str | os.PathLike[str],
    seekers_path: str | os.PathLike[str],
) -> tuple[pd.DataFrame, dict[str, object]]:
    """The ``kreise`` table (one row per Kreis of the geodata ``geo``: ags, name, bez) and the
    facts the provenance records: missing Kreise, the hierarchy check, the status sums."""
    pop, pop_date = _population(population, geo, population_path)
    seek, seek_date, national = _seekers(seekers, geo, seekers_path)
    if pop_date != seek_date:
        raise _fail(
            seekers_path,
            None,
            f"Stichtag {seek_date}, die Bevölkerung ist vom {pop_date}: je 1.000 Einwohner nur "
            "zum selben Stichtag",
        )
    hierarchy = check_hierarchy(national, seekers_path)
    out = pop.merge(seek, on="ags", how="left")
    columns = list(TOP_STATUS.values())
    out["seekers_total"] = out[columns].sum(axis=1, min_count=len(columns))
    out.loc[out[columns].isna().any(axis=1), "seekers_total"] = float("nan")
    out["seekers_date"] = seek_date
    present = set(seek["ags"])
    area = {a: [a] for a in out["ags"]}
    notes = dict.fromkeys(out["ags"], "")
    sources = {a: f"{POPULATION.source} ; {SEEKERS.source}" for a in out["ags"]}
    missing = []
    for ags in sorted(set(out["ags"]) - present):
        joint = JOINT_REPORTING.get(ags)
        if joint is None or joint.reported_by not in present:
            notes[ags] = f"in {SEEKERS.code} ({seek_date}) nicht enthalten; Grund nicht bekannt"
            missing.append({"ags": ags, "reason": notes[ags]})
            continue
        area[joint.reported_by].append(ags)
        area[ags] = area[joint.reported_by]
        notes[ags] = f"nicht einzeln ausgewiesen: {joint.reason}"
        sources[ags] += f" ; {joint.source}"
        sources[joint.reported_by] = sources[ags]
        missing.append({"ags": ags, "reported_by": joint.reported_by, "reason": joint.reason})
    for reporter, members in {tuple(v)[0]: v for v in area.values() if len(v) > 1}.items():
        others = ", ".join(sorted(m for m in members if m != reporter))
        notes[reporter] = f"enthält die Schutzsuchenden von {others} (gemeinsame Ausländerbehörde)"
    by_ags = out.set_index("ags")
    rates = {}
    for ags, members in area.items():
        seekers_sum = by_ags.loc[members, "seekers_total"].sum(min_count=1)
        rows_known = by_ags.loc[members[0], "seekers_total"]
        people = by_ags.loc[members, "population"].sum()
        rates[ags] = (
            round(float(seekers_sum) / people * 1000, 2) if pd.notna(rows_known) else float("nan")
        )
    out["seekers_per_1000"] = out["ags"].map(rates)
    out["seekers_area"] = out["ags"].map(lambda a: " ".join(sorted(area[a])))
    out["seekers_note"] = out["ags"].map(notes)
    out["source"] = out["ags"].map(sources)
    order = [
        "ags",
        "name",
        "kind",
        "land",
        "population",
        "population_date",
        *columns,
        "seekers_total",
        "seekers_per_1000",
        "seekers_date",
        "seekers_area",
        "seekers_note",
        "source",
    ]
    out = out[order].sort_values("ags").reset_index(drop=True)
    for column in [*columns, "seekers_total"]:
        out[column] = out[column].astype("Int64")
    facts = {"missing": missing, "hierarchy": hierarchy, "national": national}
    return out, facts


def compare_published(kreise: pd.DataFrame, path: str | os.PathLike[str]) -> list[dict]:
    """The table's German sums against the published figures of its Stichtag (empty list when
    none is known); the total must agree within ``PUBLISHED_TOLERANCE``."""
    stichtag = str(kreise["seekers_date"].iloc[0])
    rows = []
    for figure in PUBLISHED.get(stichtag, ()):
        summed = int(kreise[figure.column].sum())
        deviation = (summed - figure.value) / figure.value
        rows.append(
            {
                "column": figure.column,
                "table_sum": summed,
                "published": figure.value,
                "published_text": figure.text,
                "deviation_percent": round(deviation * 100, 2),
                "source": figure.source,
            }
        )
        if figure.column == "seekers_total" and abs(deviation) > PUBLISHED_TOLERANCE:
            percent = f"{deviation * 100:.1f}".replace(".", ",")
            raise _fail(
                path,
                None,
                f"Summe der Kreise {_german(summed)} weicht um {percent} % von der "
                f"veröffentlichten Zahl {figure.text} ab (erlaubt {PUBLISHED_TOLERANCE * 100:.0f} "
                "%): Datei unvollständig?",
            )
    return rows

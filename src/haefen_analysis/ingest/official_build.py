"""The build step behind ``make official``: find the three downloads, read them with the
importer, build the ``gemeinden`` and ``kreise`` tables, validate them against the catalogue and
write them with their provenance record — all or nothing, byte for byte the same on every run.

The downloads stay where they are (``../shared/official`` beside the project by default); only
the derived tables and ``official_provenance.json`` go into ``data/``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from haefen_analysis import config
from haefen_analysis.catalogue.schema import resource
from haefen_analysis.common.files import atomic_write_all, csv_text
from haefen_analysis.errors import DataValidationError, OfficialTableError
from haefen_analysis.ingest import official
from haefen_analysis.ingest.genesis import read_genesis
from haefen_analysis.ingest.validate import check_table

#: Where the downloads are unless told otherwise: beside the project, not in it.
DEFAULT_SOURCE = config.PROJECT_DIR.parent / "shared" / "official"
PROVENANCE = "official_provenance.json"
#: Date of the last change to this recipe; the provenance's build date (keeps output stable).
RECIPE_DATE = "2026-12-01"


@dataclass(frozen=True)
class Input:
    """One download: the table it must be and the file name pattern it is found by."""

    table: official.OfficialTable
    pattern: str
    what: str
    changes: str


INPUTS = (
    Input(
        official.ZENSUS,
        "*1000A-0000*.csv",
        "Gemeinden: Regionalschlüssel, Name, Einwohner (Zensus 2022)",
        "Gemeinde-Zeilen (GEOGM4) übernommen, AGS und Kreis aus dem ARS abgeleitet; "
        "Deutschland-Zeile nur zum Abgleich der Summe",
    ),
    Input(
        official.POPULATION,
        "*12411-01-01-4*.csv",
        "Bevölkerung je Kreis nach Geschlecht",
        "Kreis-Zeilen „Insgesamt“ der 400 Kreise der Geodaten; aufgelöste Kreise (nur „-“) und "
        "Gemeinde-Zeilen (8-stellig) weggelassen; männlich + weiblich gegen Insgesamt geprüft",
    ),
    Input(
        official.SEEKERS,
        "*12531-0043*.csv",
        "Schutzsuchende je Kreis × Schutzstatuskategorie × Geschlecht × Staatsangehörigkeit",
        "über Geschlecht und Staatsangehörigkeit summiert; nur die drei obersten "
        "Schutzstatuskategorien (OF, AK-1, X) addiert, Unterkategorien nur zur Prüfung der "
        "Hierarchie; je 1.000 Einwohner des Meldegebiets",
    ),
)
OUTPUTS = ("gemeinden.csv", "kreise.csv")


def find_inputs(source: Path) -> dict[str, Path]:
    """The download of each table in ``source`` (exactly one file per table)."""
    found = {}
    for item in INPUTS:
        hits = sorted(source.glob(item.pattern))
        if len(hits) != 1:
            what = "keine Datei" if not hits else f"{len(hits)} Dateien"
            raise OfficialTableError(
                source, None, f"{what} zu Tabelle {item.table.code} ({item.pattern})"
            )
        found[item.table.code] = hits[0]
    return found


def _csv(frame: pd.DataFrame) -> str:
    """Stable CSV text: no index, "\\n" line ends, numbers without a trailing ".0"."""
    return csv_text(frame.astype("string"))


def _validated(frame: pd.DataFrame, name: str, text: str, refs: dict[str, set[str]]) -> None:
    """The table as written, read back as strings, passes the catalogue's validation."""
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    _typed, problems = check_table(raw, resource(name), f"{name}.csv", references=refs)
    if problems:
        raise DataValidationError(problems)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_date() -> str:
    """The recipe date, or ``$SOURCE_DATE_EPOCH`` (reproducible-builds convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return pd.Timestamp(int(epoch), unit="s", tz="UTC").date().isoformat()
    return RECIPE_DATE


def build(source: Path, out: Path, geo_kreise: pd.DataFrame) -> list[Path]:
    """Build ``gemeinden.csv``, ``kreise.csv`` and the provenance record into ``out``.

    ``geo_kreise`` (ags, name, bez) are the Kreise of the geodata: every code must be one of
    them. Nothing is written unless every table is built and valid."""
    paths = find_inputs(source)
    frames = {code: read_genesis(path, cache=False) for code, path in paths.items()}
    zensus_path = paths[official.ZENSUS.code]
    gemeinden = official.gemeinden_table(frames[official.ZENSUS.code], zensus_path)
    official.check_kreise_of_gemeinden(
        gemeinden, frames[official.ZENSUS.code], set(geo_kreise["ags"]), zensus_path
    )
    kreise, facts = official.kreise_table(
        frames[official.POPULATION.code],
        frames[official.SEEKERS.code],
        geo_kreise,
        paths[official.POPULATION.code],
        paths[official.SEEKERS.code],
    )
    published = official.compare_published(kreise, paths[official.SEEKERS.code])
    texts = {"gemeinden.csv": _csv(gemeinden), "kreise.csv": _csv(kreise)}
    laender = {f"{a:02d}" for a in range(1, 17)}
    _validated(kreise, "kreise", texts["kreise.csv"], {"laender.ags": laender})
    refs = {"laender.ags": laender, "kreise.ags": set(kreise["ags"])}
    _validated(gemeinden, "gemeinden", texts["gemeinden.csv"], refs)
    record = {
        "build_date": build_date(),
        "build_date_note": "date of the build recipe (ingest/official_build.py RECIPE_DATE) or "
        "$SOURCE_DATE_EPOCH; fixed so that a rebuild is byte-for-byte identical",
        "built_by": "scripts/build_official.py (make official)",
        "outputs": {name: _sha256(text.encode("utf-8")) for name, text in texts.items()},
        "inputs": [_input_record(item, paths, frames) for item in INPUTS],
        "checks": {
            "zensus_sum": _zensus_sum(frames[official.ZENSUS.code], gemeinden),
            "status_hierarchy": facts["hierarchy"],
            "published_figures": published,
            "kreise_missing_from_12531": facts["missing"],
        },
    }
    texts[PROVENANCE] = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    return atomic_write_all({out / name: text for name, text in texts.items()})


def _zensus_sum(zensus: pd.DataFrame, gemeinden: pd.DataFrame) -> dict[str, int]:
    level = next(c for c in zensus.columns if c.endswith("_level"))
    germany = int(zensus.loc[zensus[level].eq("deutschland"), "value"].iloc[0])
    summed = int(gemeinden["population"].sum())
    return {"germany_row": germany, "gemeinden_sum": summed, "difference": germany - summed}


def _input_record(item: Input, paths: dict[str, Path], frames: dict) -> dict[str, object]:
    path, frame = paths[item.table.code], frames[item.table.code]
    return {
        "what": item.what,
        "table": item.table.code,
        "title": str(frame["statistic_label"].iloc[0]),
        "provider": item.table.provider,
        "portal": item.table.portal,
        "file": path.name,
        "sha256": _sha256(path.read_bytes()),
        "bytes": path.stat().st_size,
        "stichtag": str(frame["time"].iloc[0]),
        "rows": len(frame),
        "licence": official.LICENCE,
        "attribution": f"© {item.table.provider}, {item.table.code}",
        "changes": f"{official.CHANGED}: {item.changes}",
    }

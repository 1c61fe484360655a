"""What a report gives away besides its page, and what a report set publishes once.

Per report (the runner calls these in the worker, after the notebook ran):

* :func:`finish_page`: the page's "Daten" links get the report's file name, the provenance
  block gets the citation line (crediting the original providers as their licences require)
  and the links to the data files, and a report whose subject changed since the previous
  set gets its "Was hat sich geändert" section;
* :func:`write_data`: every table and figure of the notebook (``report.DATA_MIME``) as a CSV
  beside the report (``daten/<report>-NN.csv``: German headers, UTF-8 with BOM, ";") and all
  of them in one XLSX (``<report>.xlsx``: a sheet per table or figure, and one of sources).

Per set (:func:`publish_set`, while the reports are built; the runner skips it when the data
and the package are as they were for this folder): the registry (``publish.registry``), the
meetings calendar, the key numbers the next set compares with; after the batch ``latest``
(:func:`point_latest`).
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from haefen_analysis.common import dates
from haefen_analysis.common.files import atomic_write
from haefen_analysis.common.spreadsheets import excel_csv, xlsx_bytes
from haefen_analysis.report import DATA_FOLDER, DATA_MIME, REPORT_PLACEHOLDER, SOURCES_MIME

CALENDAR_FILE = "meetings.ics"
LATEST = "latest"
#: Who the reports' data come from, as their licences ask to be credited (dl-de/by-2-0: name,
#: licence with its address, and that the data were changed).
CITATION = (
    "Bevölkerung, Zensus 2022, Einwohner und Schutzsuchende der Kreise: © Statistisches "
    "Bundesamt (Destatis) / Statistische Ämter des Bundes und der Länder (GENESIS 12411-0010, "
    "1000A-0000, 12411-01-01-4, 12531-0043), Datenlizenz Deutschland – Namensnennung – "
    "Version 2.0 (www.govdata.de/dl-de/by-2-0), verändert (zusammengefasst, Anteile und "
    "Werte je 1.000 Einwohner berechnet)",
    "Verwaltungsgrenzen: © GeoBasis-DE / BKG (2020), VG250, Datenlizenz Deutschland – "
    "Namensnennung – Version 2.0 (www.govdata.de/dl-de/by-2-0), verändert (vereinfacht)",
    "Ortskoordinaten: GeoNames (www.geonames.org), CC BY 4.0",
    "Königsteiner Schlüssel: Gemeinsame Wissenschaftskonferenz (GWK), Bundesanzeiger",
    "Beschlüsse, Zusagen, Aufnahmen, Treffen: die öffentlichen Quellen im Quellenverzeichnis",
)
COMPILATION = "Zusammenstellung: haefen-analysis, Lizenz CC BY 4.0"


def citation(title: str, version: str) -> str:
    """The line a reader quotes the report with."""
    day = dates.german(dates.now())
    return (
        f"haefen-analysis, {title}, Bericht vom {day}; Daten: {version}. {COMPILATION}. "
        f"Enthält: {'; '.join(CITATION)}."
    )


def _outputs(nb: Any, mime: str) -> list[Any]:
    return [
        output["data"][mime]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if mime in output.get("data", {})
    ]


def changes_section(parameters: dict[str, Any], previous: Path | None, found: list[Any]) -> str:
    """What changed since the previous set, for this report's subject (HTML, maybe empty); the
    runner keys a report by it too (a reused page must not show another set's changes)."""
    from haefen_analysis.publish import changes

    if previous is None:
        return ""
    return changes.section_html(changes.concerning(found, parameters), previous)


def finish_page(page: str, slug: str, title: str, parameters: dict[str, Any], out_dir: Path) -> str:
    """The page as it is published (see the module docstring)."""
    from haefen_analysis.publish import changes, pdf

    page = page.replace(REPORT_PLACEHOLDER, slug)
    block = (
        f'<p class="citation"><strong>Zitieren:</strong> '
        f"{html.escape(citation(title, pdf.data_version()))}</p>"
        f'<p class="downloads">Alle Tabellen und Abbildungen dieses Berichts als Daten: '
        f'<a href="{slug}.xlsx">{html.escape(slug)}.xlsx</a> (Excel, ein Blatt je Tabelle und '
        f"Abbildung, dazu die Quellen); einzeln als CSV über „Daten“.</p>"
    )
    marker = '<section class="provenance">'
    section = changes_section(parameters, *changes.since_previous(out_dir))
    if marker in page:
        start = page.index(marker)
        end = page.index("</section>", start)
        page = page[:start] + section + page[start:end] + block + page[end:]
    return page


def write_data(nb: Any, slug: str, work: Path) -> dict[str, Path]:
    """The CSV of every table and figure and the report's XLSX, written into ``work``
    (``daten/…`` and ``<slug>.xlsx``); returns them by kind (``csv-NN``, ``xlsx``)."""
    staged: dict[str, Path] = {}
    sheets: dict[str, pd.DataFrame] = {}
    for item in _outputs(nb, DATA_MIME):
        frame = pd.DataFrame(item["rows"], columns=item["columns"])
        number = int(item["number"])
        path = atomic_write(work / DATA_FOLDER / f"{slug}-{number:02d}.csv", excel_csv(frame))
        staged[f"csv-{number:02d}"] = path
        sheets[item["title"]] = frame
    found = _outputs(nb, SOURCES_MIME)
    sources = found[-1] if found else []
    sheets["Quellen"] = pd.DataFrame(
        {"Nr.": range(1, len(sources) + 1), "Quelle": sources}, columns=["Nr.", "Quelle"]
    )
    staged["xlsx"] = atomic_write(work / f"{slug}.xlsx", xlsx_bytes(sheets))
    return staged


def _latest(out_dir: Path) -> None:
    """``latest`` beside the dated folders points to this one (a relative link, replaced
    atomically; the dated folders themselves stay as they are)."""
    link = out_dir.parent / LATEST
    tmp = out_dir.parent / f".{LATEST}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(out_dir.name, tmp, target_is_directory=True)
    os.replace(tmp, link)


def publish_set(out_dir: Path, data_dir: Path | None = None) -> list[str]:
    """The set's own files (registry, calendar, key numbers), built from the data alone;
    returns their names in ``out_dir``."""
    from haefen_analysis import datasets
    from haefen_analysis.publish import calendar, changes, registry, summary

    registered = registry.write_registry(out_dir, data_dir)
    names = datasets.members(data_dir).set_index("member_id")["name"].to_dict()
    atomic_write(out_dir / CALENDAR_FILE, calendar.calendar(datasets.meetings(data_dir), names))
    numbers = json.dumps(summary.key_numbers(data_dir), ensure_ascii=False, indent=1)
    atomic_write(out_dir / changes.KEY_NUMBERS_FILE, numbers)
    written = [p.relative_to(out_dir).as_posix() for p in registered]
    return [*written, CALENDAR_FILE, changes.KEY_NUMBERS_FILE]


def point_latest(out_dir: Path) -> None:
    """``latest`` to this set, once it is complete (a folder not named by date: nothing)."""
    from haefen_analysis.publish import changes

    if changes.DATED.fullmatch(out_dir.name):
        _latest(out_dir)

"""The registry published with every report set (``register/``): the curated tables as CSV,
one XLSX with a sheet per table, the data package describing them, and a DCAT-AP.de
catalogue (Turtle) that a municipal or Land open-data portal can harvest.

The compilation is published under CC BY 4.0 (the licence EU and German open-data rules
recommend; every row keeps its own source). Tables that are someone else's work under their
own licence (Destatis population and Zensus tables) are not republished here: the reports
credit them (``publish.exports.CITATION``).
"""

from __future__ import annotations

import json
from pathlib import Path

from haefen_analysis import config
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.common import dates, digests
from haefen_analysis.common.files import atomic_write_all
from haefen_analysis.common.spreadsheets import xlsx_bytes
from haefen_analysis.datasets import stored

FOLDER = "register"
WORKBOOK = "haefen-register.xlsx"
CATALOGUE_FILE = "katalog.ttl"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Namensnennung 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.de",
}
#: The licence in the vocabulary DCAT-AP.de requires (dcatde licences list).
DCAT_LICENCE = "http://dcat-ap.de/def/licenses/cc-by/4.0"
ATTRIBUTION = "haefen-analysis: Sichere Häfen – kuratierte Daten (Quellen je Zeile)"
PUBLISHER = "haefen-analysis (Sichere-Häfen-Register)"
#: Licences of tables that are the compilation's own (facts compiled from public sources,
#: official codes, the GWK's keys as official works).
_OWN = ("facts", "official figures")


def published_tables(data_dir: Path | None = None) -> list[str]:
    """Names of the catalogue's tables published under the compilation's licence."""
    return [
        name
        for name, res in catalogue(data_dir).items()
        if not res.is_glob and res.licence.startswith(_OWN)
    ]


def _datapackage(data_dir: Path | None, names: list[str]) -> str:
    source = json.loads((config.data_dir(data_dir) / "datapackage.json").read_text("utf-8"))
    resources = [r for r in source["resources"] if r["name"] in names]
    package = {
        "name": source["name"],
        "title": source["title"],
        "description": "Sichere Häfen: Beschlüsse, Bündnis, Zusagen, Aufnahmen, Programme, "
        "Geld, Netzwerke, Treffen – jede Zeile mit Quelle. Zusammengestellt mit haefen-analysis.",
        "licenses": [LICENCE],
        "created": dates.now().isoformat(timespec="seconds"),
        "fields": source.get("fields", {}),
        "resources": resources,
    }
    return json.dumps(package, ensure_ascii=False, indent=1)


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@de'


def dcat_turtle(data_dir: Path | None, names: list[str], issued: str) -> str:
    """The DCAT-AP.de catalogue: one dcat:Dataset per table with its CSV distribution,
    publisher, licence and attribution text (the mandatory properties of catalogue, dataset
    and distribution in DCAT-AP.de 2.0); relative addresses, resolved against where the file
    is published. No ``dcatde:contributorID``: GovData assigns it to the publishing portal,
    which adds its own when it harvests the file."""
    tables = catalogue(data_dir)
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix dcatde: <http://dcat-ap.de/def/dcatde/> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        "<#herausgeber> a foaf:Agent ;",
        f"    foaf:name {_literal(PUBLISHER)} .",
        "",
        "<#katalog> a dcat:Catalog ;",
        f"    dct:title {_literal('Sichere Häfen – Register')} ;",
        "    dct:description "
        + _literal(
            "Register der Sicheren Häfen mit Quellen, veröffentlicht mit jedem Berichtssatz."
        )
        + " ;",
        "    dct:publisher <#herausgeber> ;",
        "    dct:language <http://publications.europa.eu/resource/authority/language/DEU> ;",
        f'    dct:issued "{issued}"^^xsd:date ;',
        "    dcat:dataset " + ", ".join(f"<#{n}>" for n in names) + " .",
    ]
    csv_type = "<http://publications.europa.eu/resource/authority/file-type/CSV>"
    for name in names:
        res = tables[name]
        file = Path(res.path).name
        lines += [
            "",
            f"<#{name}> a dcat:Dataset ;",
            f"    dct:title {_literal(res.title)} ;",
            "    dct:description "
            + _literal(f"{res.title} (Stand {res.as_of}); jede Zeile nennt ihre Quelle.")
            + " ;",
            "    dct:publisher <#herausgeber> ;",
            *([f'    dct:modified "{res.as_of}"^^xsd:date ;'] if res.as_of else []),
            "    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/SOCI> ;",
            f"    dcat:distribution <#{name}-csv> .",
            "",
            f"<#{name}-csv> a dcat:Distribution ;",
            f"    dct:title {_literal(res.title + ' (CSV)')} ;",
            f"    dcat:accessURL <{file}> ;",
            f"    dcat:downloadURL <{file}> ;",
            f"    dct:format {csv_type} ;",
            "    dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ;",
            f"    dct:license <{DCAT_LICENCE}> ;",
            f"    dcatde:licenseAttributionByText {_literal(ATTRIBUTION)} .",
        ]
    return "\n".join(lines) + "\n"


def write_registry(out_dir: Path, data_dir: Path | None = None) -> list[Path]:
    """Write ``<out_dir>/register/`` (all files together or none); returns the files."""
    folder = out_dir / FOLDER
    names = published_tables(data_dir)
    tables = catalogue(data_dir)
    files: dict[Path, str | bytes] = {}
    sources = [config.data_dir(data_dir) / tables[name].path for name in names]
    for source in sources:
        files[folder / source.name] = source.read_bytes()

    def workbook() -> bytes:
        cells = (stored.cells(source, data_dir) for source in sources)
        return xlsx_bytes({tables[n].title: frame for n, frame in zip(names, cells, strict=True)})

    # the workbook (~1 s to write) is kept for the same data and package (``datasets.stored``)
    key = digests.digest(digests.package_hash(), [digests.file_hash(p) for p in sources], names)
    files[folder / WORKBOOK] = stored.product("register.xlsx", key, data_dir, workbook)
    files[folder / "datapackage.json"] = _datapackage(data_dir, names)
    files[folder / CATALOGUE_FILE] = dcat_turtle(data_dir, names, dates.now().date().isoformat())
    files[folder / "LIZENZ.txt"] = (
        f"{ATTRIBUTION}\nLizenz der Zusammenstellung: {LICENCE['title']} ({LICENCE['name']}), "
        f"{LICENCE['path']}\nJede Zeile nennt ihre Quelle (Spalte source).\n"
    )
    return atomic_write_all(files)

"""Meeting deck: a 16:9 PPTX for one Land (or Germany) that a council or Bündnis meeting can
project without a network: title, key numbers, the member map, the per-Land comparison, sources.

Every number comes from ``analysis.per_land.table`` (the same table the reports show) and every
figure from ``figures.maps`` / ``figures.charts``; this module only lays them out. Figures are
rendered to PNG through the shared kaleido server (``figures.static.write_image``). The file is
written atomically: a failed run never leaves half a deck nor replaces the last good one.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from haefen_analysis import analysis, config, datasets, report
from haefen_analysis.analysis.per_land import rank
from haefen_analysis.catalogue import labels
from haefen_analysis.catalogue.labels import DEFINITIONS
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.common import browser, dates
from haefen_analysis.common.files import atomic_write
from haefen_analysis.common.sources import distinct_sources
from haefen_analysis.figures import theme
from haefen_analysis.ingest import codes
from haefen_analysis.publish import runner

#: Key year passed to ``analysis.per_land.table`` (as in the land_report notebook's default).
DEFAULT_YEAR = 2020
#: 16:9 at PowerPoint's default widescreen size (13,333 × 7,5 in).
SLIDE_WIDTH = Emu(12_192_000)
SLIDE_HEIGHT = Emu(6_858_000)
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.4)
BODY_BOTTOM = SLIDE_HEIGHT - Inches(0.45)
#: Columns of the key numbers slide, in order (titles: ``catalogue.labels``).
KEY_COLUMNS = (
    "members",
    "buendnis_members",
    "members_per_million",
    "pledged_places",
    "admitted_sichere_haefen",
    "admitted_landesaufnahme",
    "admitted_bund_eu",
    "crediting",
    "key_share_percent",
)
#: Tables whose numbers the deck shows (their "Stand" goes on the sources slide).
USED_TABLES = (
    "members",
    "offers",
    "admissions",
    "land_rules",
    "population",
    "koenigsteiner_schluessel",
)
#: Tables whose rows carry the sources listed in the speaker notes, with the scope column.
SCOPED_SOURCES = {
    "members": "land",
    "offers": "land",
    "admissions": "scope",
    "land_rules": "land",
}
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
_GREY = RGBColor(0x55, 0x55, 0x55)


@dataclass(frozen=True)
class Scope:
    """What the deck is about: a Land (AGS) or Germany, with the names used on the slides."""

    code: str
    name: str
    file_code: str

    @property
    def is_germany(self) -> bool:
        return self.code == codes.GERMANY


def scope(land: str | None, data_dir: Path | None = None) -> Scope:
    """Resolve any accepted Land spelling (None or "DE" = Germany); unknown ones raise
    ``codes.UnknownLandError`` naming the close matches, before anything is loaded."""
    code = codes.GERMANY if land is None else codes.scope_code(land, data_dir)
    if code == codes.GERMANY:
        return Scope(code, codes.land_name(code), codes.GERMANY)
    record = codes.land(code, data_dir)
    return Scope(code, record.name, record.short)


def default_path(target: Scope, base: Path | None = None) -> Path:
    """``reports/<YYYY-MM-DD>/deck-<SH|DE>.pptx`` under ``config.reports_dir(base)``."""
    return runner.dated_dir(base) / f"deck-{target.file_code}.pptx"


def as_of_text(as_of: str) -> str:
    """German text of a catalogue "as_of" ("2026-11-22" -> "22.11.2026"), "unbekannt" if none."""
    return dates.german_iso(as_of) or labels.UNKNOWN


def _names_or_count(names: list[str], noun: str) -> str:
    """Up to three names spelled out, more as a count (a slide line stays one line)."""
    return ", ".join(names) if len(names) <= 3 else f"{len(names)} {noun}"


def _crediting_by_land(table: pd.DataFrame) -> str:
    """Germany: which Länder credit special admissions; unknown listed last."""
    laender = table.drop(index=codes.GERMANY)
    groups = sorted(laender.groupby("crediting"), key=lambda g: (g[0] == "unknown", g[0]))
    parts = []
    for value, rows in groups:
        label = labels.value_label("crediting", value, "land_rules")
        parts.append(f"{label}: {_names_or_count(list(rows['land_name']), 'Länder')}")
    return "; ".join(parts)


def key_numbers(table: pd.DataFrame, target: Scope) -> list[tuple[str, str]]:
    """(German label, German value text) for the key numbers slide, from the per-Land table."""
    row = table.loc[target.code]
    per_million = report.number(row["members_per_million"], labels.decimals("members_per_million"))
    if not target.is_germany:
        per_million += f" (Rang {rank(table, 'members_per_million', target.code)} von 16)"
    unknown_places = int(row["pledges_places_unknown"])
    pledged = report.counts.count_text(
        row["pledged_places"], unknown_places, None if pd.notna(row["pledged_places"]) else 0
    )
    crediting = labels.value_label("crediting", row["crediting"], "land_rules")
    if target.is_germany:
        crediting = f"je Land – {_crediting_by_land(table)}"
    key_share = report.number(row["key_share_percent"], labels.decimals("key_share_percent"))
    if target.is_germany:
        key_share += " (Summe der Länder)"
    values = {
        "members": report.number(row["members"]),
        "buendnis_members": report.counts.count_text(
            row["buendnis_members"], int(row["buendnis_unknown"]), int(row["members"])
        ),
        "members_per_million": per_million,
        "pledged_places": pledged,
        "crediting": crediting,
        "key_share_percent": key_share,
    }
    for column in analysis.per_land.ADMITTED_COLUMNS.values():
        values[column] = report.number(row[column])
    return [(labels.title(c), values[c]) for c in KEY_COLUMNS]


def _in_scope(frame: pd.DataFrame, column: str, target: Scope) -> pd.DataFrame:
    return frame if target.is_germany else frame[frame[column] == target.code]


def sources(
    tables: dict[str, pd.DataFrame], table: pd.DataFrame, target: Scope
) -> dict[str, list[str]]:
    """Distinct sources of the rows behind the deck's numbers, by table: the scope's rows, the
    population table and the GWK rows of the key year used."""
    out = {
        name: distinct_sources(_in_scope(tables[name], col, target)["source"])
        for name, col in SCOPED_SOURCES.items()
    }
    out["population"] = distinct_sources(tables["population"]["source"])
    keys = tables["quota_keys"]
    key_year = table.attrs["key_attrs"]["key_year"]
    gwk = keys[(keys["key_type"] == "gwk") & (keys["year"] == key_year)]
    out["koenigsteiner_schluessel"] = distinct_sources(gwk["source"])
    return out


# --- slide helpers --------------------------------------------------------------------------


def _title(slide, text: str) -> None:
    """Use the layout's title placeholder (an outline reader finds it), placed for 16:9."""
    title = slide.shapes.title
    title.left, title.top = MARGIN, Inches(0.35)
    title.width, title.height = SLIDE_WIDTH - 2 * MARGIN, Inches(0.9)
    title.text = text
    frame = title.text_frame.paragraphs[0]
    frame.font.size = Pt(32)
    frame.font.bold = True


def _text(slide, left, top, width, height, lines: list[str], size: int = 18, colour=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.font.size = Pt(size)
        para.space_after = Pt(size * 0.4)
        if colour is not None:
            para.font.color.rgb = colour
    return box


def _picture(slide, path: Path, left, top, width, height):
    """The image scaled to fit the box, aspect kept, centred in it."""
    pic = slide.shapes.add_picture(str(path), left, top, width=width)
    if pic.height > height:
        pic.width = int(pic.width * height / pic.height)
        pic.height = height
    pic.left = int(left + (width - pic.width) / 2)
    pic.top = int(top + (height - pic.height) / 2)
    return pic


def _notes(slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


# --- the deck -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figures:
    map_png: Path
    bars_png: Path
    areas: pd.DataFrame  # members drawn as areas (Kreise, Länder)
    unplaced: pd.DataFrame  # members without a location (not in the map)


def _render_figures(
    table: pd.DataFrame, target: Scope, folder: Path, data_dir: Path | None
) -> _Figures:
    """Map and comparison chart as PNG files, with what the map's side text explains."""
    from haefen_analysis.figures import charts, maps, static

    land = None if target.is_germany else target.code
    layers = analysis.map_layers(land, data_dir=data_dir)
    fig_map = maps.scope_map(layers, name_buendnis=True, data_dir=data_dir)
    fig_bars = charts.per_land_bars(table, "members_per_million", highlight=land)
    return _Figures(
        static.write_image(fig_map, folder / "karte.png"),
        static.write_image(fig_bars, folder / "vergleich.png"),
        layers.areas,
        layers.unplaced,
    )


def _key(table: pd.DataFrame) -> str:
    return labels.key_caption(table.attrs["key_attrs"])


def _population_date(table: pd.DataFrame) -> str:
    return f"Stichtag {dates.german(table.attrs['population_date'])}"


def _title_slide(prs, target: Scope, today: str, as_of: dict[str, str], table) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    title.left, title.top = MARGIN, Inches(2.0)
    title.width, title.height = SLIDE_WIDTH - 2 * MARGIN, Inches(1.6)
    title.text = f"Sichere Häfen in {target.name}"
    subtitle.left, subtitle.top = MARGIN, Inches(3.9)
    subtitle.width, subtitle.height = SLIDE_WIDTH - 2 * MARGIN, Inches(1.6)
    subtitle.text_frame.text = today
    para = subtitle.text_frame.add_paragraph()
    para.text = (
        f"Stand der Daten: {as_of['members']} (Sichere Häfen); "
        f"Einwohner zum {dates.german(table.attrs['population_date'])}"
    )
    for para in subtitle.text_frame.paragraphs:
        para.font.size = Pt(22)


def _key_slide(prs, target: Scope, table: pd.DataFrame) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, f"Kennzahlen: {target.name}")
    rows = key_numbers(table, target)
    width = SLIDE_WIDTH - 2 * MARGIN
    shape = slide.shapes.add_table(
        len(rows) + 1, 2, MARGIN, BODY_TOP, width, Inches(0.45) * (len(rows) + 1)
    )
    grid = shape.table
    grid.columns[0].width = Inches(5.2)
    grid.columns[1].width = width - Inches(5.2)
    for i, (label, value) in enumerate([("Kennzahl", "Wert"), *rows]):
        for j, text in enumerate((label, value)):
            cell = grid.cell(i, j)
            cell.text = text
            cell.text_frame.paragraphs[0].font.size = Pt(18)
    note = (
        f"Einwohner: {_population_date(table)}. {_key(table)}. Zusagen und Aufnahmen: "
        "Summe der bekannten Zahlen, Aufnahmen je Programmart (nicht addiert); unbekannt "
        "heißt nicht null."
    )
    _text(slide, MARGIN, BODY_BOTTOM - Inches(0.55), width, Inches(0.5), [note], 12, _GREY)
    _notes(
        slide,
        [f"{labels.title(c)}: {DEFINITIONS[c]}" for c in KEY_COLUMNS if c in DEFINITIONS],
    )


def _area_lines(areas: pd.DataFrame) -> list[str]:
    """Which Kreise and Länder are drawn as areas, by status (the map's legend shows only the
    statuses of point members)."""
    classes = [
        labels.status_class(theme.status_key(s, b))
        for s, b in zip(areas["status"], areas["buendnis_member"], strict=True)
    ]
    grouped = areas.assign(label=classes).groupby("label", sort=True)["name"]
    return [
        f"{label}: {_names_or_count(sorted(names), 'Kreise und Länder')}"
        for label, names in grouped
    ]


def _map_slide(prs, target: Scope, figures: _Figures) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, f"Karte: Sichere Häfen in {target.name}")
    height = BODY_BOTTOM - BODY_TOP
    _picture(slide, figures.map_png, MARGIN, BODY_TOP, Inches(7.6), height)
    lines = ["Punkte: Städte und Gemeinden; Symbolfläche ∝ zugesagte Plätze."]
    if len(figures.areas):
        lines.append("Flächen: Kreise und Länder, die selbst beschlossen haben.")
        lines += _area_lines(figures.areas)
    if len(figures.unplaced):
        names = _names_or_count(sorted(figures.unplaced["name"]), "Einträge")
        lines.append(f"Ohne Ortsangabe, nicht in der Karte: {names}.")
    lines.append(f"Karte: {theme.ATTRIBUTION_BKG}; Orte: {theme.ATTRIBUTION_GEONAMES}.")
    left = MARGIN + Inches(7.9)
    _text(slide, left, BODY_TOP, SLIDE_WIDTH - MARGIN - left, height, lines, 16)


def _comparison_slide(prs, target: Scope, png: Path, table: pd.DataFrame) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, "Vergleich der Länder")
    height = BODY_BOTTOM - BODY_TOP
    _picture(slide, png, MARGIN, BODY_TOP, Inches(8.4), height)
    label = labels.title("members_per_million")
    places = labels.decimals("members_per_million")
    germany = report.number(table.loc[codes.GERMANY, "members_per_million"], places)
    lines = [
        f"{label}. Einwohnerzahlen: Destatis 12411-0010, {_population_date(table)}.",
        f"Deutschland: {germany}.",
    ]
    if not target.is_germany:
        value = report.number(table.loc[target.code, "members_per_million"], places)
        place = rank(table, "members_per_million", target.code)
        lines.insert(1, f"{target.name} (hervorgehoben): {value}, Rang {place} von 16.")
    left = MARGIN + Inches(8.7)
    _text(slide, left, BODY_TOP, SLIDE_WIDTH - MARGIN - left, height, lines, 16)


def _sources_slide(
    prs, target: Scope, table, as_of: dict[str, str], found: dict[str, list[str]], data_dir
) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, "Quellen und Nachweise")
    titles = {name: res.title for name, res in catalogue(data_dir).items()}
    licence = catalogue(data_dir)["population"].licence
    counted = [
        f"{titles[name]} (Stand {as_of[name]}): {len(found[name])} "
        + ("Quelle" if len(found[name]) == 1 else "Quellen")
        for name in SCOPED_SOURCES
    ]
    version = metadata.version("haefen-analysis")
    lines = [
        f"Kartengrundlage: {theme.ATTRIBUTION_BKG}",
        f"Ortskoordinaten: {theme.ATTRIBUTION_GEONAMES}",
        f"Einwohner: Destatis GENESIS 12411-0010, {_population_date(table)} "
        f"(Stand {as_of['population']}); {licence}",
        f"{_key(table)}: GWK (Stand {as_of['koenigsteiner_schluessel']})",
        "Zusammengestellt aus öffentlichen Quellen – " + "; ".join(counted) + ". "
        "Vollständige Liste in den Notizen.",
        f"Erstellt mit haefen-analysis {version}; "
        f"Daten-Prüfsumme (sha256): {report.data_hash(data_dir)}",
    ]
    width = SLIDE_WIDTH - 2 * MARGIN
    _text(slide, MARGIN, BODY_TOP, width, BODY_BOTTOM - BODY_TOP, lines, 15)
    notes = [f"Quellen der gezeigten Zahlen ({target.name}):"]
    for name, items in found.items():
        notes.append(f"{titles[name]}:")
        notes += [f"– {s}" for s in items] or ["– keine"]
    _notes(slide, notes)


def build_deck(
    land: str | None = None,
    out: str | Path | None = None,
    *,
    data_dir: str | Path | None = None,
    year: int | None = None,
) -> Path:
    """Write the meeting deck for ``land`` (any accepted spelling; None = Germany) and return
    its path (default ``default_path``); ``year`` picks the Königsteiner Schlüssel (default
    ``DEFAULT_YEAR``). Unknown Länder and a missing browser fail before anything is loaded or
    written."""
    dd = Path(data_dir) if data_dir is not None else None
    config.data_dir(dd)  # a data folder that does not exist is said first
    target = scope(land, dd)
    browser.find()  # no browser for the figures: one clear line now, not after the data
    path = Path(out) if out is not None else default_path(target)
    tables = {
        "members": datasets.members(dd),
        "offers": datasets.pledges(dd),
        "admissions": datasets.admissions(dd),
        "population": datasets.population(dd),
        "quota_keys": datasets.quota_keys(dd),
        "land_rules": datasets.land_rules(dd),
    }
    table = analysis.per_land.table(DEFAULT_YEAR if year is None else year, data_dir=dd)
    as_of = {name: as_of_text(catalogue(dd)[name].as_of) for name in USED_TABLES}
    today = dates.german(dates.now())

    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    prs.core_properties.title = f"Sichere Häfen in {target.name}"
    prs.core_properties.language = "de-DE"
    with tempfile.TemporaryDirectory(prefix="haefen-deck-") as tmp:
        figures = _render_figures(table, target, Path(tmp), dd)
        _title_slide(prs, target, today, as_of, table)
        _key_slide(prs, target, table)
        _map_slide(prs, target, figures)
        _comparison_slide(prs, target, figures.bars_png, table)
        _sources_slide(prs, target, table, as_of, sources(tables, table, target), dd)
        buffer = io.BytesIO()
        prs.save(buffer)
    return atomic_write(path, buffer.getvalue())

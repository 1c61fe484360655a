"""Meeting decks: a 16:9 PPTX for Germany, one Land or one member that a council, Land or
Bündnis meeting can project without a network and without editing.

Every number comes from the library the HTML reports use (``analysis.per_land.table``,
``report.sections.per_land_counts`` for the count rule, ``sections.answer_rows`` for a
member), so a deck and its report never disagree; this module only chooses what goes on which
slide, ``publish.slides`` lays it out. Bar and line charts are native PowerPoint charts (their
data editable); only the map is a picture, rendered for the slide's size through the export
browser (``figures.static``). Without a browser the map slide says so (``skip_map``). The file
is written atomically: a failed run never leaves half a deck nor replaces the last good one.
"""

from __future__ import annotations

import html
import io
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
from pptx.util import Inches

from haefen_analysis import analysis, config, datasets, report
from haefen_analysis.analysis import admissions as admitted
from haefen_analysis.analysis import coverage
from haefen_analysis.analysis.per_land import rank
from haefen_analysis.catalogue import labels
from haefen_analysis.catalogue.labels import DEFINITIONS, UNKNOWN, value_label
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.common import browser, dates
from haefen_analysis.common.files import atomic_write
from haefen_analysis.common.sources import distinct_sources
from haefen_analysis.errors import BrowserNotFoundError
from haefen_analysis.figures import charts, theme
from haefen_analysis.ingest import codes
from haefen_analysis.publish import runner, slides
from haefen_analysis.publish.slides import BODY_BOTTOM, BODY_TOP, BODY_WIDTH, MARGIN, MIN_PT
from haefen_analysis.report import sections

#: Key year passed to ``analysis.per_land.table`` (as in the land_report notebook's default).
DEFAULT_YEAR = 2020
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
#: The bars of the offers chart: as ``figures.charts.pledges_vs_admissions`` (never added up).
OFFER_COLUMNS = tuple(column for column, _ in charts.OFFER_BARS)
#: Tables whose numbers the deck shows (their "Stand" goes on the sources slide).
USED_TABLES = (
    "members",
    "offers",
    "admissions",
    "land_rules",
    "meetings",
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
#: The map's size on its slide, and the CSS pixels per inch it is rendered at: a font of
#: ``MAP_FONT_PX`` then shows at 14,25 pt.
MAP_BOX = (Inches(8.4), BODY_BOTTOM - BODY_TOP)
MAP_DPI = 96
MAP_FONT_PX = 19
#: Text sizes of a member's few lines and of a scope's meetings and unknowns (the member
#: lists stay at ``MIN_PT``: many names on few slides).
MEMBER_PT, LIST_PT = 18, 16
#: What the map slide says instead of the map when there is no browser.
NO_MAP = "Karte nicht enthalten: auf diesem Rechner fehlt ein Browser für die Kartengrafik"
_REF = re.compile(r'\s*<a class="ref"[^>]*>\[\d+\]</a>')
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Scope:
    """What the deck is about: Germany, a Land (its AGS) or a member (and its Land)."""

    code: str
    name: str
    file_code: str
    member_id: str | None = None

    @property
    def is_germany(self) -> bool:
        return self.code == codes.GERMANY and self.member_id is None

    @property
    def title(self) -> str:
        if self.member_id is not None:
            return f"{self.name}: Sicherer Hafen"
        return f"Sichere Häfen in {self.name}"


def scope(land: str | None, data_dir: Path | None = None, member: str | None = None) -> Scope:
    """Resolve any accepted Land spelling (None or "DE" = Germany) or a member (name or
    member_id, ``land`` then only tells apart members of the same name, as in ``haefen
    report member``); unknown ones raise naming the close matches, before anything else."""
    if member is not None:
        member_id = runner.member_parameter(member, land)
        row = datasets.members(data_dir).set_index("member_id").loc[member_id]
        return Scope(row["land"], row["name"], file_code(member_id), member_id)
    code = codes.GERMANY if land is None else codes.scope_code(land, data_dir)
    if code == codes.GERMANY:
        return Scope(code, codes.land_name(code), codes.GERMANY)
    record = codes.land(code, data_dir)
    return Scope(code, record.name, record.short)


def file_code(member_id: str) -> str:
    """A member's part of its deck's name: the slug of its report (``member-<slug>.html``)."""
    return runner._slug(member_id)


def default_path(target: Scope, base: Path | None = None) -> Path:
    """``reports/<YYYY-MM-DD>/deck-<DE|SH|member slug>.pptx`` under ``config.reports_dir``."""
    return runner.dated_dir(base) / f"deck-{target.file_code}.pptx"


def as_of_text(as_of: str) -> str:
    """German text of a catalogue "as_of" ("2026-11-22" -> "22.11.2026"), "unbekannt" if none."""
    return dates.german_iso(as_of) or UNKNOWN


def plain(fragment: str) -> str:
    """An HTML fragment of ``report.sections`` as slide text: references and tags dropped,
    character references decoded (the slide shows data as written, it renders no HTML)."""
    return html.unescape(_TAG.sub("", _REF.sub("", fragment))).strip()


def _names_or_count(names: list[str], noun: str) -> str:
    """Up to three names spelled out, more as a count (a slide line stays one line)."""
    return ", ".join(names) if len(names) <= 3 else f"{len(names)} {noun}"


def _crediting_by_land(table: pd.DataFrame) -> str:
    """Germany: which Länder credit special admissions; unknown listed last."""
    laender = table.drop(index=codes.GERMANY)
    groups = sorted(laender.groupby("crediting"), key=lambda g: (g[0] == "unknown", g[0]))
    parts = []
    for value, rows in groups:
        label = value_label("crediting", value, "land_rules")
        parts.append(f"{label}: {_names_or_count(list(rows['land_name']), 'Länder')}")
    return "; ".join(parts)


def key_numbers(table: pd.DataFrame, counts: pd.DataFrame, target: Scope) -> list[tuple[str, str]]:
    """(German label, German value text) for the key numbers slide: the per-Land table, its
    counts as the reports write them (``sections.per_land_counts``)."""
    row, text = table.loc[target.code], counts.loc[target.code]
    per_million = report.number(row["members_per_million"], labels.decimals("members_per_million"))
    if not target.is_germany:
        per_million += f" (Rang {rank(table, 'members_per_million', target.code)} von 16)"
    crediting = value_label("crediting", row["crediting"], "land_rules")
    if target.is_germany:
        crediting = f"je Land – {_crediting_by_land(table)}"
    key_share = report.number(row["key_share_percent"], labels.decimals("key_share_percent"))
    if target.is_germany:
        key_share += " (Summe der Länder)"
    values = {
        "members": report.number(row["members"]),
        "buendnis_members": text["buendnis_members"],
        "members_per_million": per_million,
        "pledged_places": text["pledged_places"],
        "crediting": crediting,
        "key_share_percent": key_share,
    }
    for column in analysis.per_land.ADMITTED_COLUMNS.values():
        values[column] = text[column]
    return [(labels.title(c), values[c]) for c in KEY_COLUMNS]


def shown_value(raw: object, text: str) -> float | None:
    """What a chart may hold of a count: the number where the report writes it as such
    ("18", "88 (2 unbekannt)"), else nothing (unknown; "< 3" or a range of the public
    version, which the chart's embedded data must not give away either)."""
    if pd.isna(raw) or str(text).split(" (")[0] != report.number(raw):
        return None
    return float(raw)


def _named(name: str, raw: object, text: str) -> str:
    """A category named with why it has no bar ("Saarland (unbekannt)", "… (< 3)")."""
    return name if shown_value(raw, text) is not None else f"{name} ({str(text).split(' (')[0]})"


def offer_charts(
    table: pd.DataFrame, counts: pd.DataFrame, target: Scope
) -> tuple[list[tuple[str, list[str], list[tuple]]], list[str]]:
    """(title, categories, series) of the offers charts, from the per-Land table and its
    counts as the reports write them, and the counts no bar shows (``shown_value``). A Land:
    one bar per measure. Germany: the places pledged per Land, and the admissions per
    programme kind for the Länder with one (the overview's chart in two parts, readable at
    14 pt); never added up."""
    if not target.is_germany:
        row, text = table.loc[target.code], counts.loc[target.code]
        categories = [_named(labels.title(c), row[c], text[c]) for c in OFFER_COLUMNS]
        series = [(target.name, [shown_value(row[c], text[c]) for c in OFFER_COLUMNS])]
        return [("Personen bzw. Plätze", categories, series)], []
    laender = table[table.index != codes.GERMANY]
    pledged, kinds = OFFER_COLUMNS[0], list(OFFER_COLUMNS[1:])
    ordered = laender.sort_values(pledged, ascending=False, na_position="last")
    texts = counts.loc[ordered.index, pledged]
    places = [
        _named(n, v, t)
        for n, v, t in zip(ordered["land_name"], ordered[pledged], texts, strict=True)
    ]
    values = [shown_value(v, t) for v, t in zip(ordered[pledged], texts, strict=True)]
    came = laender[laender[kinds].notna().any(axis=1)]
    series, hidden = [], []
    for column in kinds:
        texts = counts.loc[came.index, column]
        values_ = [shown_value(v, t) for v, t in zip(came[column], texts, strict=True)]
        series.append((labels.title(column), values_))
        hidden += [
            f"{name} ({labels.title(column)}): {t}"
            for name, v, t, shown in zip(
                came["land_name"], came[column], texts, values_, strict=True
            )
            if shown is None and pd.notna(v)
        ]
    charts_ = [
        (labels.title(pledged), places, [(labels.title(pledged), values)]),
        ("Aufnahmen (Personen) je Programmart", list(came["land_name"]), series),
    ]
    return charts_, hidden


def ratio_text(table: pd.DataFrame, target: Scope) -> str:
    """What the land report says about admissions relative to the Königsteiner Schlüssel."""
    key = _key(table)
    known, needed = table.attrs["ratio_known_laender"], table.attrs["ratio_min_laender"]
    if table["admissions_ratio"].notna().any() and not target.is_germany:
        ratio = report.number(
            table.loc[target.code, "admissions_ratio"], labels.decimals("admissions_ratio")
        )
        return (
            f"Aufnahmen als Sichere Häfen je erwarteter Aufnahme ({key}): {ratio} (über 1 = "
            f"mehr als der Anteil; berechnet aus {known} Ländern mit bekannter Zahl)."
        )
    return (
        "Ein Verhältnis der Aufnahmen zum Königsteiner Schlüssel wird nicht gezeigt: Aufnahmen "
        f"als Sichere Häfen sind nur für {known} der 16 Länder bekannt; berechnet wird es ab "
        f"{needed} Ländern."
    )


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


def _in_scope(frame: pd.DataFrame, column: str, target: Scope) -> pd.DataFrame:
    return frame if target.is_germany else frame[frame[column] == target.code]


def _key(table: pd.DataFrame) -> str:
    return labels.key_caption(table.attrs["key_attrs"])


def _population_date(table: pd.DataFrame) -> str:
    return f"Stichtag {dates.german(table.attrs['population_date'])}"


def _date_or(value: object, precision: object, fallback: str) -> str:
    return dates.german(value, precision) or fallback


def _member_line(row: pd.Series, with_land: bool) -> str:
    """ "Kiel – 20.09.2018, Bündnis" (status named unless declared; the Land for Germany)."""
    when = dates.german(row["declared_on"], row["declared_on_precision"])
    if not when:
        listed = dates.german(row["listed_by"], row["listed_by_precision"])
        when = f"belegt seit {listed}" if listed else "Datum unbekannt"
    parts = [when]
    if str(row["status"]) != "declared":
        parts.append(value_label("status", row["status"], "members"))
    if str(row["buendnis_member"]) == "yes":
        parts.append("Bündnis")
    land = f" ({codes.land(row['land']).short})" if with_land else ""
    return f"{row['name']}{land} – {', '.join(parts)}"


def _meeting_lines(meetings: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """One line per meeting: date (or how often), level, topic, who took part by name."""
    lines = []
    for _, m in meetings.iterrows():
        when = dates.german(m["date"], m.get("date_precision", "day")) or value_label(
            "recurrence", m.get("recurrence"), "meetings"
        )
        people = sorted(names.get(p, p) for p in str(m["participants"] or "").split(";") if p)
        who = ", ".join(people) if len(people) <= 6 else f"{len(people)} Mitglieder"
        level = value_label("level", m["level"], "meetings")
        lines.append(f"{when} ({level}): {m['topic']} – Teilnehmende: {who or UNKNOWN}")
    return lines


# --- the map ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Map:
    png: Path | None  # None: no browser, the slide says so
    areas: pd.DataFrame  # members drawn as areas (Kreise, Länder)
    unplaced: pd.DataFrame  # members without a location (not in the map)
    reason: str = ""


def _readable(fig) -> None:
    """Every text of the figure at ``MAP_FONT_PX`` (14 pt once placed on the slide); its title
    and notes go, the slide's title and side text say them (room for the map)."""
    fig.update_layout(
        font={"size": MAP_FONT_PX},
        legend={"font": {"size": MAP_FONT_PX}},
        title={"text": ""},
        annotations=[],
        margin={"t": 10, "b": 10},
    )
    fig.update_traces(textfont={"size": MAP_FONT_PX}, selector={"mode": "text"})


def _render_map(target: Scope, folder: Path, data_dir: Path | None, missing: str | None) -> _Map:
    """The member map as PNG for its box on the slide (``MAP_BOX``), labelled; ``missing``
    (why there is no browser): no picture, the reason instead."""
    from haefen_analysis.figures import maps, static

    land = None if target.is_germany else target.code
    layers = analysis.map_layers(land, data_dir=data_dir)
    if missing is not None:
        return _Map(None, layers.areas, layers.unplaced, missing)
    # names: the member of a profile, a Land's Bündnis members (Germany's would overlap)
    fig = maps.scope_map(
        layers,
        data_dir=data_dir,
        highlight=target.member_id,
        name_buendnis=target.member_id is None and land is not None,
    )
    _readable(fig)
    width, height = (int(side / Inches(1) * MAP_DPI) for side in MAP_BOX)
    png = static.write_image(fig, folder / "karte.png", width=width, height=height, scale=2.5)
    return _Map(png, layers.areas, layers.unplaced)


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


def _map_slide(prs, target: Scope, drawn: _Map) -> None:
    new = slides.slide(prs, f"Karte: {target.title}")
    width, height = MAP_BOX
    if drawn.png is None:
        lines = [f"{NO_MAP}.", drawn.reason, "Die Karte steht im HTML-Bericht."]
        slides.text(new, MARGIN, BODY_TOP, width, height, lines, 20)
    else:
        slides.picture(new, drawn.png, MARGIN, BODY_TOP, width, height)
    from haefen_analysis.figures.maps import SIZE_CAP

    lines = [
        f"Punkte: Städte und Gemeinden; Symbolfläche ∝ zugesagte Plätze (ab {SIZE_CAP} gleich "
        "groß)."
    ]
    if target.member_id:
        lines.insert(0, f"Hervorgehoben: {target.name}.")
    if len(drawn.areas):
        lines.append("Flächen: Kreise und Länder, die selbst beschlossen haben.")
        lines += _area_lines(drawn.areas)
    if len(drawn.unplaced):
        names = _names_or_count(sorted(drawn.unplaced["name"]), "Einträge")
        lines.append(f"Ohne Ortsangabe, nicht in der Karte: {names}.")
    lines.append(f"Karte: {theme.ATTRIBUTION_BKG}; Orte: {theme.ATTRIBUTION_GEONAMES}.")
    slides.side_text(new, MARGIN + width, lines)


# --- the slides of Germany and a Land ---------------------------------------------------


@dataclass(frozen=True)
class _Data:
    tables: dict[str, pd.DataFrame]
    table: pd.DataFrame  # per-Land table
    counts: pd.DataFrame  # its counts as text (``sections.per_land_counts``)
    names: dict[str, str]  # member_id -> name
    as_of: dict[str, str]


def _load(dd: Path | None, year: int) -> _Data:
    tables = {
        "members": datasets.members(dd),
        "offers": datasets.pledges(dd),
        "admissions": datasets.admissions(dd),
        "population": datasets.population(dd),
        "quota_keys": datasets.quota_keys(dd),
        "land_rules": datasets.land_rules(dd),
        "meetings": datasets.meetings(dd),
    }
    table = analysis.per_land.table(year, data_dir=dd)
    return _Data(
        tables,
        table,
        sections.per_land_counts(table, tables["admissions"]),
        tables["members"].set_index("member_id")["name"].to_dict(),
        {name: as_of_text(catalogue(dd)[name].as_of) for name in USED_TABLES},
    )


def _title_slide(prs, target: Scope, data: _Data, subtitle: str | None = None) -> None:
    lines = [subtitle] if subtitle else []
    lines += [
        f"Foliensatz vom {dates.german(dates.now())}",
        f"Stand der Daten: {data.as_of['members']} (Sichere Häfen); "
        f"Einwohner zum {dates.german(data.table.attrs['population_date'])}",
    ]
    slides.title_slide(prs, target.title, lines)


def _key_slide(prs, target: Scope, data: _Data) -> None:
    new = slides.slide(prs, f"Kennzahlen: {target.name}")
    rows = [("Kennzahl", "Wert"), *key_numbers(data.table, data.counts, target)]
    slides.table(new, rows, Inches(5.2), 17)
    note = (
        f"Einwohner: {_population_date(data.table)}. {_key(data.table)}. Aufnahmen je "
        "Programmart, nicht addiert. " + report.counts.RULE_NOTE
    )
    slides.text(new, MARGIN, BODY_BOTTOM - Inches(0.75), BODY_WIDTH, Inches(0.7), [note], MIN_PT)
    slides.notes(
        new, [f"{labels.title(c)}: {DEFINITIONS[c]}" for c in KEY_COLUMNS if c in DEFINITIONS]
    )


def _member_slides(prs, target: Scope, data: _Data) -> None:
    """The members of the scope by name and date (Germany: the declared ones, with Land; a
    Land: every entry of its report's table, status named), split over as many slides."""
    members = data.tables["members"]
    if target.is_germany:
        shown = members[members["status"] == "declared"].sort_values("name")
        title = f"Sichere Häfen: {len(shown)} Erklärungen"
    else:
        shown = members[members["land"] == target.code]
        shown = shown.sort_values(["declared_on", "name"], na_position="last")
        title = f"Mitglieder und Beschlüsse: {len(shown)} Eintr{'ag' if len(shown) == 1 else 'äge'}"
    lines = [_member_line(row, target.is_germany) for _, row in shown.iterrows()]
    slides.column_slides(prs, title, lines or ["keine in den Daten"])


def _offers_slide(prs, target: Scope, data: _Data) -> None:
    """Places offered next to people admitted by programme kind (never added up) and the
    Königsteiner share of the scope, each in its own unit."""
    new = slides.slide(prs, "Zusagen, Aufnahmen und Königsteiner Schlüssel")
    charts_, hidden = offer_charts(data.table, data.counts, target)
    text = data.counts.loc[target.code]
    lines = [
        f"{labels.title('pledged_places')}: {text['pledged_places']} – Kapazitätsangaben und "
        "Bitten um Zuweisung sind keine Zusagen."
    ]
    if target.is_germany:  # two charts side by side, the notes below them
        height = BODY_BOTTOM - BODY_TOP - Inches(0.8)
        width = (BODY_WIDTH - Inches(0.3)) // 2
        for i, (title, categories, series) in enumerate(charts_):
            box = (MARGIN + i * (width + Inches(0.3)), BODY_TOP, width, height)
            slides.bar_chart(new, box, categories, series, title=title)
        lines.append(
            "Aufnahmen: angekommene Personen je Programmart, jeder Zeitraum einmal "
            "gezählt, nicht addiert; ohne Balken: unbekannt."
        )
        if hidden:
            lines.append("Geschützte kleine Zahlen (ohne Balken): " + "; ".join(hidden) + ".")
        top = BODY_TOP + height + Inches(0.05)
        slides.text(new, MARGIN, top, BODY_WIDTH, BODY_BOTTOM - top, [" ".join(lines)], MIN_PT)
        return
    ((title, categories, series),) = charts_
    width = Inches(7.6)
    slides.bar_chart(
        new, (MARGIN, BODY_TOP, width, BODY_BOTTOM - BODY_TOP), categories, series, title=title
    )
    rows = analysis.sichere_haefen_admissions(data.tables["admissions"], target.code)
    if len(rows):
        each = " + ".join(
            f"{data.names.get(m, m)} {report.total(p['value'], p['group'])}"
            for m, p in sorted(rows.groupby("member_id"))
        )
        lines.append(f"Aufnahmen als Sichere Häfen: {text['admitted_sichere_haefen']} ({each}).")
    lines.append("Aufnahmen: angekommene Personen je Programmart, jeder Zeitraum einmal gezählt.")
    share = report.number(
        data.table.loc[target.code, "key_share_percent"], labels.decimals("key_share_percent")
    )
    lines.append(f"Anteil am {_key(data.table)}: {share} %.")
    lines.append(ratio_text(data.table, target))
    slides.side_text(new, MARGIN + width, lines)


def _per_land_chart_slide(
    prs, target: Scope, data: _Data, column: str, title: str, chart_title: str, lines: list[str]
) -> None:
    """One per-Land column as sorted bars (largest on top), the scope's Land highlighted."""
    new = slides.slide(prs, title)
    laender = data.table[data.table.index != codes.GERMANY]
    ordered = laender.sort_values(column, ascending=False, na_position="last")
    categories = [
        n + (f" ({UNKNOWN})" if pd.isna(v) else "")
        for n, v in zip(ordered["land_name"], ordered[column], strict=True)
    ]
    values = [None if pd.isna(v) else float(v) for v in ordered[column]]
    number_format = slides.number_format(labels.decimals(column, 0))
    highlight = None if target.is_germany else list(ordered.index).index(target.code)
    width = Inches(8.2)
    box = (MARGIN, BODY_TOP, width, BODY_BOTTOM - BODY_TOP)
    slides.bar_chart(
        new,
        box,
        categories,
        [(chart_title, values)],
        title=chart_title,
        number_format=number_format,
        highlight=highlight,
    )
    slides.side_text(new, MARGIN + width, lines)


def _comparison_slides(prs, target: Scope, data: _Data) -> None:
    table = data.table
    label = labels.title("members_per_million")
    places = labels.decimals("members_per_million")
    germany = report.number(table.loc[codes.GERMANY, "members_per_million"], places)
    lines = [
        f"Einwohner: Destatis 12411-0010, {_population_date(table)}.",
        f"Deutschland: {germany}.",
    ]
    if not target.is_germany:
        value = report.number(table.loc[target.code, "members_per_million"], places)
        place = rank(table, "members_per_million", target.code)
        lines.insert(0, f"{target.name} (hervorgehoben): {value}, Rang {place} von 16.")
    _per_land_chart_slide(
        prs, target, data, "members_per_million", "Vergleich der Länder", label, lines
    )
    key = _key(table)
    lines = [f"Anteile der Länder nach dem {key}.", ratio_text(table, target)]
    _per_land_chart_slide(
        prs,
        target,
        data,
        "key_share_percent",
        "Königsteiner Schlüssel",
        f"Anteil in % ({key})",
        lines,
    )


def timeline(members: pd.DataFrame) -> pd.DataFrame:
    """``analysis.members_over_time`` as one column per series and one row per month (a
    series is carried forward between its steps, 0 before its first)."""
    frame = analysis.members_over_time(members)
    wide = frame.pivot_table(index="month", columns="series", values="count", aggfunc="last")
    if len(wide):  # whole years, so that a tick every 12 months falls on a January
        first = wide.index.min()
        last = max(wide.index.max(), pd.Timestamp(dates.now().date()))  # up to today
        months = pd.date_range(f"{first.year}-01-01", f"{last.year}-12-01", freq="MS")
        wide = wide.reindex(months)
    order = list(dict.fromkeys(frame["series"]))
    wide = wide[order].ffill().fillna(0).astype(int)
    wide.attrs = frame.attrs
    return wide


def _timeline_slide(prs, target: Scope, data: _Data) -> None:
    members = data.tables["members"]
    if not target.is_germany:
        members = members[members["land"] == target.code]
    new = slides.slide(prs, "Erklärungen im Zeitverlauf")
    wide = timeline(members)
    if wide.empty:
        slides.text(new, MARGIN, BODY_TOP, BODY_WIDTH, Inches(1), ["Kein datierter Beschluss."])
        return
    series = [(value_label("series", c), list(wide[c])) for c in wide.columns]
    box = (MARGIN, BODY_TOP, BODY_WIDTH, BODY_BOTTOM - BODY_TOP - Inches(0.5))
    categories = [m.date() for m in wide.index]
    slides.line_chart(new, box, categories, series, title=labels.title("count"))
    note = (
        f"Monatlich, jede Erklärung ab ihrem Datum; {wide.attrs['undated']} ohne "
        "Beschlussdatum und ohne datierten Beleg fehlen in den Kurven."
    )
    slides.text(new, MARGIN, BODY_BOTTOM - Inches(0.5), BODY_WIDTH, Inches(0.5), [note], MIN_PT)


def _meetings_slides(prs, target: Scope, data: _Data) -> None:
    if target.is_germany:
        met = data.tables["meetings"].sort_values("date", na_position="last")
    else:
        met = analysis.land_meetings(target.code)
    lines = _meeting_lines(met, data.names) or ["Keine Treffen in den Daten."]
    slides.column_slides(prs, "Treffen", lines, 1, LIST_PT)


def unknown_lines(target: Scope, data: _Data, drawn: _Map) -> list[str]:
    """What the data of the scope does not say, counted (unknown is never shown as 0)."""
    members = _in_scope(data.tables["members"], "land", target)
    declared = members[members["status"] == "declared"]
    undated = int(declared["declared_on"].isna().sum())
    row = data.table.loc[target.code]
    lines = [
        f"Beschlussdatum unbekannt: {undated} von {len(declared)} erklärten Mitgliedern.",
        f"Bündnis-Mitgliedschaft unbekannt: {int(row['buendnis_unknown'])}.",
        f"Zusagen ohne Zahl der Plätze: {int(row['pledges_places_unknown'])}.",
    ]
    for kind, column in analysis.per_land.ADMITTED_COLUMNS.items():
        if pd.isna(row[column]):
            label = value_label("programme_kind", kind, "admissions")
            lines.append(f"Aufnahmen ({label}): {UNKNOWN}, keine Zahl in den Daten.")
    laender = data.table.drop(index=codes.GERMANY)
    unknown_rule = list(laender.loc[laender["crediting"] == "unknown", "land_name"])
    if target.is_germany and unknown_rule:
        lines.append(f"Anrechnung unbekannt in: {', '.join(unknown_rule)}.")
    elif not target.is_germany and row["crediting"] == "unknown":
        lines.append("Ob das Land Sonderaufnahmen anrechnet: unbekannt.")
    if len(drawn.unplaced):
        lines.append(f"Ohne Ortsangabe (nicht in der Karte): {len(drawn.unplaced)}.")
    cover = coverage.member_coverage()
    if not target.is_germany:
        cover = cover[cover["land"] == target.code]
    for _, c in cover.iterrows():
        if str(c["explanation"]).strip():
            lines.append(f"{c['land_name']}: {c['explanation']}")
    lines.append(sections.HOW_TO_ADD.replace("`", ""))
    return lines


def _sources_slide(prs, target: Scope, data: _Data, found: dict[str, list[str]], dd) -> None:
    new = slides.slide(prs, "Quellen und Nachweise")
    table, as_of = data.table, data.as_of
    titles = {name: res.title for name, res in catalogue(dd).items()}
    licence = catalogue(dd)["population"].licence
    counted = [
        f"{titles[name]} (Stand {as_of[name]}): {len(found[name])} "
        + ("Quelle" if len(found[name]) == 1 else "Quellen")
        for name in SCOPED_SOURCES
    ]
    lines = [
        f"Kartengrundlage: {theme.ATTRIBUTION_BKG}",
        f"Ortskoordinaten: {theme.ATTRIBUTION_GEONAMES}",
        f"Einwohner: Destatis GENESIS 12411-0010, {_population_date(table)} "
        f"(Stand {as_of['population']}); {licence}",
        f"{_key(table)}: GWK (Stand {as_of['koenigsteiner_schluessel']})",
        "Zusammengestellt aus öffentlichen Quellen – " + "; ".join(counted) + ". "
        "Vollständige Liste in den Notizen.",
        _made_with(dd),
    ]
    slides.text(new, MARGIN, BODY_TOP, BODY_WIDTH, BODY_BOTTOM - BODY_TOP, lines, 16)
    notes = [f"Quellen der gezeigten Zahlen ({target.name}):"]
    for name, items in found.items():
        notes.append(f"{titles[name]}:")
        notes += [f"– {s}" for s in items] or ["– keine"]
    slides.notes(new, notes)


def _made_with(dd: Path | None) -> str:
    version = metadata.version("haefen-analysis")
    return (
        f"Erstellt mit haefen-analysis {version}; Daten-Prüfsumme (sha256): {report.data_hash(dd)}"
    )


# --- the slides of a member -------------------------------------------------------------


def _offer_lines(profile, names: dict[str, str]) -> list[str]:
    """The member's offers (collapsed as in the profile): date, kind, places, group."""
    lines = []
    for _, row in sections.collapse_offers(profile.offers, names).iterrows():
        when = _date_or(row["offered_on"], row.get("offered_on_precision", "day"), UNKNOWN)
        kind = value_label("kind", row["kind"], "offers")
        places = report.counts.number(row["places"])
        group = value_label("group", row["group"], "offers") if pd.notna(row["group"]) else ""
        lines.append(
            f"{when}: {kind}, Plätze: {places}{f' ({group})' if group else ''} – "
            f"{row['description']}"
        )
    return lines


def _admission_lines(profile) -> list[str]:
    """The member's admissions, each period once, by the count and "< 3" rules."""
    rows = admitted.counted(profile.admissions)
    shown = report.small_counts(rows["value"], rows["group"])
    lines = []
    for (_, row), value, when in zip(rows.iterrows(), shown, sections.periods(rows), strict=True):
        kind = value_label("programme_kind", row["programme_kind"], "admissions")
        credited = value_label("credited", row["credited"], "admissions")
        lines.append(f"{when}: {value} Personen ({kind}; {row['programme']}; {credited})")
    return lines


def _network_lines(profile) -> list[str]:
    lines = []
    for _, row in profile.networks.iterrows():
        since = dates.german(row["since"], row["since_precision"])
        role = value_label("role", row["role"], "networks")
        network = value_label("network", row["network"], "networks")
        lines.append(f"{network}: {role}" + (f", seit {since}" if since else ""))
    return lines


def member_missing(profile) -> list[str]:
    """The parts of the profile with no row, named as the profile names them."""
    measures = profile.admissions[profile.admissions["programme_kind"] != "kontext"]
    known = analysis.demand_rows(profile.demands)
    known = known[known["decided"].astype(str) != "unknown"]
    parts = {
        "Ansprechstellen": profile.contacts,
        "Netzwerke": profile.networks,
        "Treffen": profile.meetings,
        "Zusagen": profile.offers,
        "Aufnahmen": measures,
        "Geld für Seenotrettung": profile.funding,
        "Beschlüsse zu den Forderungen der Seebrücke": known,
    }
    return [name for name, frame in parts.items() if frame.empty]


def _items(lines: list[str]) -> list[str]:
    """Lines under a heading line, as a list."""
    return [f"• {line}" for line in lines]


def _member_deck(prs, target: Scope, data: _Data, drawn: _Map, dd) -> None:
    profile = analysis.member_profile(target.member_id, dd)
    member = profile.member
    kind = value_label("kind", member["kind"], "members")
    _title_slide(prs, target, data, f"{kind} in {codes.land_name(member['land'])}")
    rows = [(question, plain(answer)) for question, answer in sections.answer_rows(profile)]
    slides.table_slides(prs, "Kurz beantwortet", ("Frage", "Antwort"), rows, Inches(3.4))
    offers = _offer_lines(profile, data.names) or ["keine in den Daten"]
    came = _admission_lines(profile) or [f"{UNKNOWN}: keine Aufnahmezahl in den Daten"]
    lines = ["Zusagen und Angebote:", *_items(offers), "Aufnahmen:", *_items(came)]
    slides.column_slides(prs, "Zusagen und Aufnahmen", lines, 1, MEMBER_PT)
    met = _meeting_lines(profile.meetings, data.names) or ["kein Treffen in den Daten"]
    networks = _network_lines(profile) or ["keine in den Daten"]
    lines = ["Treffen:", *_items(met), "Netzwerke:", *_items(networks)]
    slides.column_slides(prs, "Treffen und Netzwerke", lines, 1, MEMBER_PT)
    _map_slide(prs, target, drawn)
    missing = member_missing(profile)
    lines = [
        f"Nicht bekannt: {', '.join(missing)}." if missing else "Zu allen Teilen gibt es Angaben."
    ]
    lines.append(sections.HOW_TO_ADD.replace("`", ""))
    slides.column_slides(prs, "Was nicht bekannt ist", lines, 1, MEMBER_PT)
    found = distinct_sources(
        [
            member["source"],
            *profile.offers["source"],
            *profile.admissions["source"],
            *profile.meetings["source"],
            *profile.networks["source"],
            *profile.land_rules["source"],
        ]
    )
    lines = [
        *found,
        f"Karte: {theme.ATTRIBUTION_BKG}; Orte: {theme.ATTRIBUTION_GEONAMES}",
        _made_with(dd),
    ]
    slides.column_slides(prs, "Quellen", lines, 1)


# --- the deck ---------------------------------------------------------------------------


def _browser_missing(skip_map: bool) -> str | None:
    """Why there is no browser for the map (None: there is one); without ``skip_map`` the
    missing browser is the error, said at once, before any data is loaded."""
    try:
        browser.find()
    except BrowserNotFoundError as exc:
        if not skip_map:
            raise
        return str(exc)
    return None


def _write(target: Scope, path: Path, data: _Data, missing: str | None, dd: Path | None) -> Path:
    prs = slides.presentation(target.title)
    slides.master_footer(
        prs, f"{target.title} · Stand der Daten: {data.as_of['members']} · haefen-analysis"
    )
    with tempfile.TemporaryDirectory(prefix="haefen-deck-") as tmp:
        drawn = _render_map(target, Path(tmp), dd, missing)
        if target.member_id is not None:
            _member_deck(prs, target, data, drawn, dd)
        else:
            _title_slide(prs, target, data)
            _key_slide(prs, target, data)
            _member_slides(prs, target, data)
            _offers_slide(prs, target, data)
            _comparison_slides(prs, target, data)
            _timeline_slide(prs, target, data)
            _meetings_slides(prs, target, data)
            _map_slide(prs, target, drawn)
            slides.column_slides(
                prs, "Was nicht bekannt ist", unknown_lines(target, data, drawn), 1, LIST_PT
            )
            _sources_slide(prs, target, data, sources(data.tables, data.table, target), dd)
        buffer = io.BytesIO()
        prs.save(buffer)
    return atomic_write(path, buffer.getvalue())


def build_deck(
    land: str | None = None,
    out: str | Path | None = None,
    *,
    member: str | None = None,
    data_dir: str | Path | None = None,
    year: int | None = None,
    skip_map: bool = False,
) -> Path:
    """Write the deck for ``member`` (name or member_id; ``land`` tells apart equal names), else
    for ``land`` (any accepted spelling; None = Germany), and return its path (default
    ``default_path``); ``year`` picks the Königsteiner Schlüssel (default ``DEFAULT_YEAR``).
    Unknown Länder and members fail before anything is loaded or written, and so does a
    missing browser unless ``skip_map`` (the map slide then says why there is no map)."""
    dd = Path(data_dir) if data_dir is not None else None
    config.data_dir(dd)  # a data folder that does not exist is said first
    target = scope(land, dd, member)
    missing = _browser_missing(skip_map)
    path = Path(out) if out is not None else default_path(target)
    return _write(target, path, _load(dd, DEFAULT_YEAR if year is None else year), missing, dd)


def build_decks(
    lands: Sequence[str | None],
    *,
    data_dir: str | Path | None = None,
    year: int | None = None,
    skip_map: bool = False,
) -> Iterator[Path]:
    """``build_deck`` for several Länder (None = Germany) at their default paths, the data
    loaded once (``haefen deck --all``); every Land is checked before the first is written."""
    dd = Path(data_dir) if data_dir is not None else None
    config.data_dir(dd)
    targets = [scope(land, dd) for land in lands]
    missing = _browser_missing(skip_map)
    data = _load(dd, DEFAULT_YEAR if year is None else year)
    for target in targets:
        yield _write(target, default_path(target), data, missing, dd)

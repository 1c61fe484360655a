"""German labels in one place, keyed by code: column titles and value labels of the catalogue
(read from ``datapackage.json``), and the titles, value labels and definitions of the columns
the analysis derives (which the catalogue does not hold). Analysis returns codes; whatever
shows a table, a figure or a sentence asks here for the words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from haefen_analysis.catalogue.schema import Resource, catalogue, resource
from haefen_analysis.ingest.codes import land_name

if TYPE_CHECKING:
    from haefen_analysis.analysis.scenario import Scenario

#: Titles of derived columns (the analysis tables), keyed by column code. A column that is
#: also a catalogue column with the same meaning (``population``, ``category``, …) takes the
#: catalogue's title and is not repeated here.
DERIVED: dict[str, str] = {
    "land": "Land (AGS)",
    "land_name": "Land",
    "category": "Kategorie",  # analysis.per_land.cumulative_offer: the offers' group
    "members": "Sichere Häfen",
    "members_per_million": "Sichere Häfen je Mio. Einwohner",
    "member_population_share": "Anteil der Bevölkerung in einem Sicheren Hafen",
    "places_per_1000": "Zugesagte Plätze je 1.000 Einwohner",
    "pledges": "Zusagen",
    "pledged_places": "Zugesagte Plätze",
    "pledges_places_unknown": "Zusagen ohne Platzzahl",
    "admitted_sichere_haefen": "Aufnahmen: als Sichere Häfen",
    "admitted_landesaufnahme": "Aufnahmen: Landesprogramme",
    "admitted_bund_eu": "Aufnahmen: Bund/EU",
    "key_share_percent": "Königsteiner Schlüssel (%)",
    "expected_admissions": "Erwartete Aufnahmen als Sichere Häfen nach Königsteiner Schlüssel",
    "admissions_ratio": "Aufnahmen als Sichere Häfen je erwarteter Aufnahme",
    "buendnis_members": "Mitglieder im Bündnis Städte Sicherer Häfen",
    "buendnis_unknown": "Bündnis-Mitgliedschaft unbekannt",
    "crediting": "Anrechnung auf die Quote",
    "admitted_by_pledging_members": "Aufnahmen auf diese Zusagen",
    "used_share": "Genutzter Anteil der Zusagen",
    "regular_obligation": "Reguläre Aufnahmeverpflichtung",
    "special_admissions": "Sonderaufnahmen",
    "credited_regular": "Reguläre Aufnahme bei Anrechnung",
    "credited_total": "Insgesamt bei Anrechnung",
    "additional_total": "Insgesamt ohne Anrechnung (zusätzlich)",
    "extra_persons": "Mehr Aufnahmen ohne Anrechnung",
    "quota": "Rechnerischer Anteil (Personen)",
    "persons": "Personen",
    "remaining_capacity": "Freie Plätze",
    # analysis.coverage
    "in_data": "in den Daten",
    "dated": "mit Beschlussdatum (≥ Monat)",
    "published": "zuletzt veröffentlicht",
    "published_as_of": "Stand",
    "published_source": "Quelle der Zählung",
    "difference": "Differenz",
    "explanation": "Erklärung",
    "table": "Tabelle",
    "title": "Titel",
    "rows": "Zeilen",
    "sources": "Quellen",
    "reason": "Grund",
    # analysis.regional
    "census_population": "Einwohner (Zensus 2022)",
    "member_census_population": "davon in einem Sicheren Hafen (Zensus 2022)",
    "members_without_key": "Mitglieder ohne amtlichen Schlüssel",
    "key_level": "Ebene des Schlüssels",
    "member_kreise": "Kreise mit Sicherem Hafen",
    "member_seekers": "Schutzsuchende dort",
    "member_population": "Einwohner dort",
    "member_per_1000": "Schutzsuchende je 1.000 Einwohner (Kreise mit Sicherem Hafen)",
    "rest_kreise": "übrige Kreise",
    "rest_seekers": "Schutzsuchende in den übrigen Kreisen",
    "rest_population": "Einwohner der übrigen Kreise",
    "rest_per_1000": "Schutzsuchende je 1.000 Einwohner (übrige Kreise)",
    "kreise_unknown": "Meldegebiete ohne Zahl",
    # report.sections
    "period": "Zeitraum",
    "in_sum": "In der Summe",
    "arrived": "Angekommen",
    "decisions": "Beschlüsse",
    "amount": "Betrag (€)",
    # analysis.members
    "kreis_class": "Sicherer Hafen",
    "series": "Reihe",
    "month": "Monat",
    "count": "Anzahl",
    # analysis.members.demand_summary
    "decided_yes": "beschlossen: ja",
    "decided_no": "beschlossen: nein",
    "decided_unknown": "beschlossen: unbekannt",
    "fulfilled_yes": "umgesetzt: ja",
    "fulfilled_no": "umgesetzt: nein",
    "fulfilled_unknown": "umgesetzt: unbekannt",
}

#: Value labels of derived columns (codes the analysis returns), by column code.
DERIVED_VALUES: dict[str, dict[str, str]] = {
    # analysis.per_land.cumulative_offer: the all-categories rows
    "category": {"all": "alle Kategorien"},
    # analysis.members.members_over_time
    "series": {
        "by_decision": "Sichere Häfen (Beschlussdatum bekannt)",
        "by_evidence": "Sichere Häfen (Beschluss oder frühester Beleg)",
        "buendnis_joined": "Bündnis-Mitglieder (Beitrittsdatum bekannt)",
    },
    # analysis.members.members_per_kreis, in order: light to dark on the map
    "kreis_class": {
        "0": "kein Sicherer Hafen in den Daten",
        "1": "Stadt/Gemeinde im Kreis",
        "2": "Kreis selbst",
    },
    # the member map's legend: statuses (catalogue) plus declared members of the Bündnis
    "status_class": {"buendnis": "Bündnis-Mitglied"},
    # analysis.keys.RULES
    "rule": {
        "gwk": "GWK-Schlüssel für das Jahr",
        "easy": "wie von EASY angewandt",
    },
    # analysis.scenario.WITHIN
    "within": {
        "pledges": "nach zugesagten Plätzen (höchstens so viele wie angeboten)",
        "population": "nach Einwohnerzahl (GeoNames)",
    },
}

#: Definitions of the per-Land and offer figures, in German, for reports.
DEFINITIONS: dict[str, str] = {
    "members": "Zahl der Kommunen, Kreise und Länder mit Status 'erklärt' (ohne widerrufene, "
    "abgelehnte und offene Beschlüsse).",
    "members_per_million": "Sichere Häfen je eine Million Einwohner des Landes zum Stichtag der "
    "Bevölkerungszahl.",
    "member_population_share": "Einwohner der Gemeinden, die zu einem erklärten Sicheren Hafen "
    "gehören (die Gemeinde selbst, ihr Gemeindeverband, ihr Kreis oder ihr Land; jede Gemeinde "
    "einmal gezählt), geteilt durch die Einwohner des Landes, beides nach dem Zensus 2022 "
    "(15.05.2022). Leer, solange ein erklärtes Mitglied des Landes keinen amtlichen Schlüssel "
    "hat.",
    "places_per_1000": "Zugesagte Plätze mit bekannter Zahl je 1.000 Einwohner (beim Land: "
    "Einwohner zum Stichtag der Tabelle; beim Mitglied: Zensus 2022).",
    "member_per_1000": "Schutzsuchende je 1.000 Einwohner in den Meldegebieten, in denen ein "
    "Kreis einen Sicheren Hafen hat (der Kreis selbst oder eine Gemeinde darin; Länder als "
    "Mitglied zählen nicht). Meldegebiet: der Kreis, oder die Kreise, deren Ausländerbehörde "
    "gemeinsam meldet. Stichtag 31.12.2024.",
    "rest_per_1000": "Schutzsuchende je 1.000 Einwohner in den übrigen Meldegebieten des Landes.",
    "pledged_places": "Summe der zugesagten Plätze mit bekannter Zahl; leer, wenn keine Zusage "
    "eine Zahl nennt. Zusagen ohne Zahl werden gesondert gezählt, nicht als null.",
    "pledges_places_unknown": "Zahl der Zusagen ohne bekannte Platzzahl.",
    "admitted_sichere_haefen": "Angekommene Personen, die Sichere Häfen des Landes als "
    "Sichere Häfen aufgenommen haben (Programmart „Sichere Häfen“); je Mitglied die größte "
    "Angabe (ein kumulierter Stand) und Angaben aus Zeiträumen, die sich damit nicht "
    "überschneiden. Leer = unbekannt. Zeile Deutschland: Summe der Länder.",
    "admitted_landesaufnahme": "Angekommene Personen in Landesaufnahmeprogrammen des Landes, "
    "gezählt wie bei den Sicheren Häfen (je Programm kein Zeitraum doppelt).",
    "admitted_bund_eu": "Angekommene Personen aus Bundes- und EU-Programmen (Seenotrettung "
    "2018–2020, Griechenland 2020), soweit eine Quelle die Zahl für das Land nennt.",
    "expected_admissions": "Anteil des Landes am Königsteiner Schlüssel der Länder mit bekannten "
    "Aufnahmen als Sichere Häfen mal deren Summe; nur berechnet, wenn mindestens 12 der 16 "
    "Länder eine bekannte Zahl haben.",
    "admissions_ratio": "Aufnahmen als Sichere Häfen geteilt durch erwartete Aufnahmen; über 1 "
    "heißt: mehr als der Anteil nach dem Königsteiner Schlüssel. Nur bei mindestens 12 "
    "Ländern mit bekannter Zahl.",
    "buendnis_members": "Zahl der erklärten Sicheren Häfen, die Mitglied im Bündnis Städte "
    "Sicherer Häfen sind ('ja'); wo die Mitgliedschaft unbekannt ist, wird sie gesondert "
    "gezählt.",
    "crediting": "Ob Sonderaufnahmen auf die Verteilquote angerechnet werden (ja / nein / "
    "unbekannt), laut Länderregeln.",
    "admitted_by_pledging_members": "Angekommene Personen, die die Daten einer Zusage im Land "
    "zuordnen (jeder Zeitraum einmal); nur in der Zeile 'alle Kategorien'.",
    "used_share": "Aufnahmen auf diese Zusagen geteilt durch zugesagte Plätze mit bekannter Zahl.",
    "credited_total": "Mit Anrechnung (Praxis in Schleswig-Holstein) mindern Sonderaufnahmen die "
    "reguläre Verpflichtung: insgesamt max(Verpflichtung, Sonderaufnahmen).",
    "additional_total": "Ohne Anrechnung (Forderung der NRW-Initiative) kommen Sonderaufnahmen "
    "hinzu: Verpflichtung + Sonderaufnahmen.",
}

#: Shown for a missing value.
UNKNOWN = "unbekannt"

#: Decimals of derived figures, the same in every report, table, sentence and deck.
DECIMALS: dict[str, int] = {
    "members_per_million": 1,
    "member_population_share": 1,
    "key_share_percent": 2,
    "share_percent": 2,
    "expected_admissions": 1,
    "admissions_ratio": 2,
    "used_share": 2,
}


#: Shares (0–1) that tables show as percent ("20,4 %"), with the decimals of ``DECIMALS``.
PERCENT: frozenset[str] = frozenset({"member_population_share", "used_share"})


def decimals(column: str, default: int = 0) -> int:
    """Decimals to show for a column (``DECIMALS``), else ``default``."""
    return DECIMALS.get(column, default)


def _catalogue_titles() -> dict[str, str]:
    """Column name → title, for names whose title is the same in every table."""
    found: dict[str, set[str]] = {}
    for res in catalogue().values():
        for f in res.fields:
            found.setdefault(f.name, set()).add(f.title)
    return {name: titles.pop() for name, titles in found.items() if len(titles) == 1}


def _resource(table: str | Resource | None) -> Resource | None:
    if table is None or isinstance(table, Resource):
        return table
    return resource(table)


def title(column: str, table: str | Resource | None = None) -> str:
    """German title of a column: the table's own title (``table`` given and the column is
    its), else the title of a derived column, else the catalogue's title when every table
    that has the column calls it the same, else the code itself."""
    res = _resource(table)
    if res is not None and column in res.columns:
        return res.field(column).title
    if column in DERIVED:
        return DERIVED[column]
    return _catalogue_titles().get(column, column)


def titles(
    columns: Iterable[str],
    table: str | Resource | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Column → German title for every column; explicit ``labels`` win."""
    return {c: (labels or {}).get(c) or title(c, table) for c in columns}


#: Derived columns that hold the codes of a catalogue column: (table, column).
SAME_CODES_AS: dict[str, tuple[str, str]] = {"category": ("offers", "group")}


def value_labels(column: str, table: str | Resource | None = None) -> dict[str, str]:
    """Code → German label of a coded column: the table's enum labels (``table`` given), else
    those of the first table that has the column as an enum; derived codes added."""
    if column in SAME_CODES_AS and table is None:
        source_table, source_column = SAME_CODES_AS[column]
        return value_labels(source_column, source_table) | DERIVED_VALUES.get(column, {})
    res = _resource(table)
    out: dict[str, str] = {}
    tables = [res] if res is not None else list(catalogue().values())
    for r in tables:
        if column in r.columns and r.field(column).enum_labels:
            out = dict(r.field(column).enum_labels)
            break
    return out | DERIVED_VALUES.get(column, {})


def _label(known: Mapping[str, str], value: object) -> str:
    if value is None or pd.isna(value):
        return UNKNOWN
    text = str(value)
    if text in known:
        return known[text]
    parts = text.split("/")
    if len(parts) > 1 and all(p in known for p in parts):
        return " / ".join(known[p] for p in parts)
    return text


def value_label(column: str, value: object, table: str | Resource | None = None) -> str:
    """German label of one coded value ("declared" → "erklärt"); "unbekannt" when missing.
    A combined value such as "no/yes" (Länder with rules that differ) is labelled by part."""
    return _label(value_labels(column, table), value)


def label_values(values: pd.Series, column: str, table: str | Resource | None = None) -> pd.Series:
    """``value_label`` for every value of a column (missing values stay missing)."""
    known = value_labels(column, table)
    return values.astype("string").map(lambda v: _label(known, v), na_action="ignore")


def status_class(key: str) -> str:
    """Legend label of a member map class: a status, or "buendnis" (declared, in the Bündnis)."""
    return value_label("status_class", key) if key == "buendnis" else value_label("status", key)


def key_caption(key: Mapping[str, object] | pd.Series) -> str:
    """Caption of a Königsteiner key (``key_shares(...)`` or its ``attrs``), naming key year
    and rule: "Königsteiner Schlüssel 2019, wie von EASY 2020 angewandt" or "Königsteiner
    Schlüssel 2020 (GWK-Schlüssel für das Jahr 2020)"."""
    attrs = key.attrs if isinstance(key, pd.Series) else key
    rule = value_label("rule", attrs["rule"])
    if attrs["rule"] == "easy":
        return f"Königsteiner Schlüssel {attrs['key_year']}, wie von EASY {attrs['year']} angewandt"
    return f"Königsteiner Schlüssel {attrs['key_year']} ({rule} {attrs['year']})"


def scenario_caption(scenario: Scenario) -> str:
    """The sentence under a what-if scenario (``analysis.scenario.Scenario``)."""
    persons = f"{int(scenario.persons):,}".replace(",", ".")
    where = f"{land_name(scenario.land)} {value_label('within', scenario.within)}"
    key = {"rule": scenario.rule, "year": scenario.year, "key_year": scenario.key_year}
    return f"{persons} Personen nach dem {key_caption(key)}; in {where}."

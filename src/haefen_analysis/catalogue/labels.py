"""German labels of what the reports show that is not a catalogue column: the derived columns
of the analysis tables (keyed by column code) and their definitions."""

from __future__ import annotations

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
    "all": "alle Kategorien",
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

"""The portal of a report set (its ``index.html``): for people, not for the build.

Germany first, then the 16 Länder, each with its members in alphabetical order, a few key
numbers per row (``publish.summary``) and links to each report's page, PDF, deck and data; a
search box that filters as one types (plain JavaScript in the page: no server, no network,
works from ``file://``; umlauts match their spellings "ue", "oe", "ae", "ss"; ``?q=…`` fills
it); what changed since the previous set; the build itself (status, durations, parameters,
errors) folded into a technical section at the end. Every value is HTML-escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

STATUS_LABELS = {
    "ok": "fertig",
    "reused": "wiederverwendet",
    "failed": "Fehler",
    "skipped": "übersprungen",
    "interrupted": "abgebrochen",
}
FILE_LABELS = {"html": "HTML", "pdf": "PDF", "xlsx": "Daten (Excel)", "ipynb": "Notebook"}
#: Folding applied to the search text and to what is typed (the same in Python and JS).
FOLD = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"}

_SCRIPT = """
(function () {
  var FOLD = %(fold)s;
  function fold(text) {
    return text.toLowerCase().replace(/[äöüßéè]/g, function (c) { return FOLD[c]; });
  }
  var box = document.getElementById('suche');
  var count = document.getElementById('treffer');
  var rows = Array.prototype.slice.call(document.querySelectorAll('[data-suche]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('.gruppe'));
  rows.forEach(function (row) { row.dataset.folded = fold(row.dataset.suche); });
  function filter() {
    var words = fold(box.value).split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var hit = words.every(function (w) { return row.dataset.folded.indexOf(w) >= 0; });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('[data-suche]:not([hidden])'); });
    count.textContent = words.length ? shown + ' Treffer' : rows.length + ' Berichte';
  }
  box.addEventListener('input', filter);
  var query = new URLSearchParams(location.search).get('q');
  if (query) { box.value = query; }
  filter();
})();
"""

#: The page (Jinja2, autoescaped): beside this module so that its long lines are HTML.
_TEMPLATE = Path(__file__).with_name("portal.html.j2")


def deck_name(slug: str) -> str | None:
    """The deck file that belongs to a report, as ``haefen deck`` names it: overview →
    ``deck-DE.pptx``, land-01 → ``deck-SH.pptx``, member-luebeck → ``deck-luebeck.pptx``."""
    from haefen_analysis.ingest import codes

    if slug == "overview":
        return f"deck-{codes.GERMANY}.pptx"
    if slug.startswith("land-") and len(slug) == 7:
        try:
            return f"deck-{codes.land(slug[5:]).short}.pptx"
        except ValueError:
            return None
    if slug.startswith("member-"):  # member-luebeck.html → deck-luebeck.pptx
        return f"deck-{slug.removeprefix('member-')}.pptx"
    return None


def _files(record: Mapping[str, Any], out_dir: Path | None) -> list[tuple[str, str]]:
    good = record.get("good") or {}
    files = good.get("files", {})
    shown = [(FILE_LABELS[k], files[k]) for k in ("html", "pdf", "xlsx") if k in files]
    deck = deck_name(record["slug"])
    if out_dir is not None and deck and (out_dir / deck).is_file():
        shown.append(("Folien (PowerPoint)", deck))
    return shown


def _row(record: Mapping[str, Any], label: str, facts: str, out_dir: Path | None, search: str):
    good = record.get("good")
    problem = ""  # a reused report is current (its inputs did not change): no word on its row
    if record.get("status") not in ("ok", "reused"):
        status = STATUS_LABELS.get(record.get("status", ""), record.get("status", ""))
        problem = f"{status}" + (
            f" – letzter guter Stand: {good['finished']}" if good else " – kein Stand vorhanden"
        )
    return {
        "label": label,
        "facts": facts,
        "href": good["files"].get("html") if good else None,
        "files": _files(record, out_dir),
        "problem": problem,
        "search": search,
        "member": record.get("kind") == "member",
    }


def _land_facts(numbers: Mapping[str, str]) -> str:
    from haefen_analysis.publish.summary import LAND_FIELDS

    return " · ".join(f"{label}: {numbers[field]}" for field, label in LAND_FIELDS.items())


def _member_facts(numbers: Mapping[str, str]) -> str:
    return (
        f"{numbers['kind']}, {numbers['status']} · Beschluss: {numbers['declared']} · "
        f"Bündnis: {numbers['buendnis']} · zugesagte Plätze: {numbers['pledged']}"
    )


def _groups(rows: list[Mapping[str, Any]], numbers: dict, out_dir: Path | None) -> list[dict]:
    from haefen_analysis.ingest import codes

    laender = numbers.get("laender", {})
    people = numbers.get("members", {})
    germany = {"id": "deutschland", "title": "Deutschland", "rows": []}
    by_land = {
        land.ags: {"id": f"land-{land.ags}", "title": land.name, "rows": [], "members": []}
        for land in codes.laender()
    }
    other = {"id": "weitere", "title": "Weitere Berichte", "rows": []}
    for record in rows:
        params = record.get("parameters", {})
        kind = record.get("kind")
        if kind == "overview":
            facts = _land_facts(laender["DE"]) if "DE" in laender else ""
            germany["rows"].append(
                _row(record, "Überblick Deutschland", facts, out_dir, "deutschland überblick")
            )
        elif kind == "land" and str(params.get("land")) in by_land:
            code = str(params["land"])
            group = by_land[code]
            facts = _land_facts(laender[code]) if code in laender else ""
            search = f"{group['title']} landesbericht"
            group["rows"].append(
                _row(record, f"Landesbericht {group['title']}", facts, out_dir, search)
            )
        elif kind == "member" and str(params.get("gemeinde")) in people:
            person = people[str(params["gemeinde"])]
            group = by_land.get(person["land"], other)
            search = f"{person['name']} {person['land_name']} {record['slug'][7:]}"
            row = _row(record, person["name"], _member_facts(person), out_dir, search)
            group.setdefault("members", []).append((person["name"], row))
        else:
            other["rows"].append(
                _row(
                    record,
                    record.get("title", record["slug"]),
                    "",
                    out_dir,
                    record.get("title", ""),
                )
            )
    from haefen_analysis.ingest.codes import fold

    out = [germany] if germany["rows"] else []
    for group in by_land.values():
        members = sorted(group.pop("members"), key=lambda item: fold(item[0]))
        group["rows"] += [row for _, row in members]
        if group["rows"]:
            profiles = "Mitgliedsprofil" if len(members) == 1 else "Mitgliedsprofile"
            group["title"] += f" ({len(members)} {profiles})" if members else ""
            out.append(group)
    return [*out, other] if other["rows"] else out


@cache
def _template() -> Any:
    """The portal's Jinja template, compiled once per process (a batch renders it often)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
    return env.from_string(_TEMPLATE.read_text(encoding="utf-8"))


def index_html(records: Iterable[Mapping[str, Any]], day: str, out_dir: Path | None = None) -> str:
    """The portal page of a report set (``out_dir``: the set's folder, for decks, the
    registry and what changed; without it, the page lists the reports only)."""
    import markupsafe

    rows = sorted(records, key=lambda r: (r["kind_order"], r["order"], r["slug"]))
    numbers, changed, since, extras = {}, [], "", []
    if out_dir is not None:
        from haefen_analysis.common import dates
        from haefen_analysis.errors import HaefenError
        from haefen_analysis.publish import changes, summary

        try:  # data that cannot be read fails the reports, and the portal still lists them
            numbers = summary.key_numbers()
            previous, found = changes.since_previous(out_dir)
        except HaefenError:
            numbers, previous, found = {}, None, []
        changed = [c.text for c in found]
        since = (dates.german_iso(previous.name) or previous.name) if previous else ""
        for label, name in (
            ("Register (CSV, Excel, Datenpaket, DCAT-AP.de)", "register/haefen-register.xlsx"),
            ("Treffen als Kalender (ICS)", "meetings.ics"),
        ):
            if (out_dir / name).exists():
                extras.append((label, name))
    failed = sum(r["status"] not in ("ok", "reused") for r in rows)
    summary_text = f"{len(rows)} Berichte" + (
        f", davon {failed} ohne aktuellen Stand" if failed else ""
    )
    return _template().render(
        heading=f"Sichere Häfen – Berichte vom {day}",
        summary=summary_text,
        extras=extras,
        groups=_groups(rows, numbers, out_dir),
        changes=changed,
        changes_since=since,
        records=rows,
        labels=STATUS_LABELS,
        file_labels=FILE_LABELS,
        script=markupsafe.Markup(_SCRIPT % {"fold": json.dumps(FOLD, ensure_ascii=False)}),
    )


def refresh(out_dir: Path) -> None:
    """Write the portal of ``out_dir`` again from its ``manifest.json`` (after a deck was
    added); nothing if the folder holds no report set."""
    from haefen_analysis.common import dates
    from haefen_analysis.common.files import atomic_write

    manifest = out_dir / "manifest.json"
    if not manifest.is_file():
        return
    records = json.loads(manifest.read_text(encoding="utf-8"))["reports"]
    day = dates.german_iso(out_dir.name) or out_dir.name
    atomic_write(out_dir / "index.html", index_html(records.values(), day, out_dir))

"""The index of a report folder: every report, its status, time and files, in German."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

STATUS_LABELS = {
    "ok": "fertig",
    "reused": "wiederverwendet",
    "failed": "Fehler",
    "skipped": "übersprungen",
    "interrupted": "abgebrochen",
}

_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{{ heading }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .6rem; text-align: left;
         vertical-align: top; }
.ok { color: #1a7f37; } .failed, .interrupted { color: #b42318; } .skipped { color: #777; }
.error { font-family: monospace; font-size: .85em; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>{{ heading }}</h1>
<p>{{ summary }}</p>
<table>
<thead><tr><th>Bericht</th><th>Parameter</th><th>Status</th><th>Dauer (s)</th>
<th>Erstellt</th><th>Dateien</th></tr></thead>
<tbody>
{%- for r in records %}
<tr>
<td>{% if r.good %}<a href="{{ r.good.files.html }}">{{ r.title }}</a>{% else %}{{ r.title }}
{%- endif %}</td>
<td>{{ r.parameters | dictsort | map('join', '=') | join(', ') }}</td>
<td class="{{ r.status }}">{{ labels.get(r.status, r.status) }}
{%- if r.error %}<div class="error">{{ r.error }}</div>{% endif %}
{%- if r.status == 'reused' %}<div>Eingaben unverändert seit {{ r.good.finished }}</div>
{%- elif r.status != 'ok' and r.good %}<div>letzter guter Stand: {{ r.good.finished }}</div>
{%- endif %}</td>
<td>{{ '%.1f' | format(r.seconds) if r.seconds is not none else '–' }}</td>
<td>{{ r.finished or '–' }}</td>
<td>
{%- if r.good %}{% for kind, path in r.good.files | dictsort %}
<a href="{{ path }}">{{ file_labels.get(kind, kind) }}</a>{% endfor %}{% endif %}
{%- if r.failed_ipynb %} <a href="{{ r.failed_ipynb }}">fehlgeschlagenes Notebook</a>{% endif %}
</td>
</tr>
{%- endfor %}
</tbody>
</table>
</body>
</html>
"""


def index_html(records: Iterable[Mapping[str, Any]], day: str) -> str:
    """The German index of a report folder; every value is HTML-escaped (autoescape)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    rows = sorted(records, key=lambda r: (r["kind_order"], r["order"], r["slug"]))
    failed = sum(r["status"] not in ("ok", "reused") for r in rows)
    summary = f"{len(rows)} Berichte, davon {failed} ohne aktuellen Stand."
    return env.from_string(_INDEX_TEMPLATE).render(
        heading=f"Berichte vom {day}",
        summary=summary,
        records=rows,
        labels=STATUS_LABELS,
        file_labels={"html": "HTML", "pdf": "PDF", "ipynb": "Notebook"},
    )

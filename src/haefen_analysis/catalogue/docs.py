"""Generated documentation: the table reference in data/README.md comes from the catalogue."""

from __future__ import annotations

from pathlib import Path

from haefen_analysis import config
from haefen_analysis.catalogue.schema import Field, Resource, catalogue
from haefen_analysis.common.files import atomic_write
from haefen_analysis.errors import CatalogueError

BEGIN = "<!-- BEGIN GENERATED: tables (haefen data docs) -->"
END = "<!-- END GENERATED: tables -->"


def _constraints(f: Field) -> str:
    parts = []
    if f.required:
        parts.append("required")
    if f.unique:
        parts.append("unique")
    if f.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in f.enum))
    if f.pattern:
        parts.append(f"pattern `{f.pattern}`")
    if f.minimum is not None:
        parts.append(f"≥ {f.minimum:g}")
    if f.maximum is not None:
        parts.append(f"≤ {f.maximum:g}")
    if f.not_future:
        parts.append("not in the future")
    return "; ".join(parts)


def _shared(resources: list[Resource]) -> list[str]:
    """The shared fields (declared once in the package's ``fields``) and where they are used."""
    used: dict[str, list[str]] = {}
    for r in resources:
        for f in r.fields:
            if f.shared:
                name = f"`{r.name}`" + (f" (as `{f.name}`)" if f.name != f.shared else "")
                used.setdefault(f.shared, []).append(name)
    lines = [
        "### Shared fields",
        "",
        "Declared once under `fields` in `datapackage.json` and used by reference; a table may",
        "change only the name, the description and `required`.",
        "",
        "| field | used by |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {', '.join(tables)} |" for name, tables in used.items()]
    return [*lines, ""]


def render_docs(data_dir: Path | None = None) -> str:
    """Markdown documentation of every table, generated from the catalogue."""
    resources = list(catalogue(data_dir).values())
    lines = _shared(resources)
    for r in resources:
        lines += [
            f"### `{r.path}` – {r.title}",
            "",
            r.description,
            "",
            f"- As of: {r.as_of} · Licence: {r.licence}",
            f"- Primary key: {', '.join(r.primary_key) or '(none)'}",
            f"- Known gaps: {r.gaps}",
            "",
            "| column | German title | type | constraints | description |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{f.name}` | {f.title} | {f.type} | {_constraints(f)} | {f.description} |"
            for f in r.fields
        ]
        lines.append("")
    return "\n".join(lines)


def update_data_readme(data_dir: str | Path | None = None, *, write: bool = True) -> bool:
    """Replace the generated block of data/README.md; True if it changed (or would change)."""
    dd = Path(data_dir) if data_dir is not None else None
    path = config.data_dir(dd) / "README.md"
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise CatalogueError(f"{path}: Markierungen {BEGIN!r} … {END!r} fehlen")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n\n{render_docs(dd)}\n{END}{tail}"
    if new == text:
        return False
    if write:
        atomic_write(path, new)
    return True

"""Generated documentation: the table reference in data/README.md comes from the catalogue."""

from __future__ import annotations

from pathlib import Path

from haefen_analysis import config
from haefen_analysis.schema import render_docs

BEGIN = "<!-- BEGIN GENERATED: tables (haefen data docs) -->"
END = "<!-- END GENERATED: tables -->"


def update_data_readme(data_dir: str | Path | None = None, *, write: bool = True) -> bool:
    """Replace the generated block of data/README.md; True if it changed (or would change)."""
    dd = Path(data_dir) if data_dir is not None else None
    path = config.data_dir(dd) / "README.md"
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{path}: markers {BEGIN!r} … {END!r} not found")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n\n{render_docs(dd)}\n{END}{tail}"
    if new == text:
        return False
    if write:
        path.write_text(new, encoding="utf-8")
    return True

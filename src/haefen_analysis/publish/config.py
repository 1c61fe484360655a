"""``reports/reports.toml``: which report kinds exist, their notebook and their parameter sets.

Loaded and checked before anything runs; every error names the file and the key, so a typo in
the config is one clear line instead of a failing notebook an hour later.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haefen_analysis import config
from haefen_analysis.errors import ReportConfigError
from haefen_analysis.publish.inputs import Inputs

#: The committed config (reports/ itself is generated; this file and its README are not).
DEFAULT_CONFIG = config.PROJECT_DIR / "reports" / "reports.toml"

#: Named value lists a kind can use instead of listing its values (expanded from the data).
VALUE_SOURCES = ("laender", "declared_members")

_TOP_KEYS = {"notebooks_dir", "public", "kinds"}
_KIND_KEYS = {"title", "notebook", "parameter", "values", "sets", "in_all", "inputs"}
_INPUT_KEYS = {"subject", "land_rows", "land_columns", "columns", "whole"}
SUBJECTS = ("land", "member")


@dataclass(frozen=True)
class Kind:
    """One report kind: a notebook and the parameter sets it is run with."""

    name: str
    title: str
    notebook: Path
    parameter: str | None = None
    values: str | tuple[Any, ...] | None = None
    sets: tuple[dict[str, Any], ...] = ()
    in_all: bool = True
    order: int = 0
    inputs: Inputs = Inputs()


@dataclass(frozen=True)
class ReportConfig:
    path: Path
    notebooks_dir: Path
    public: bool
    kinds: dict[str, Kind] = field(default_factory=dict)

    def kind(self, name: str) -> Kind:
        try:
            return self.kinds[name]
        except KeyError:
            known = ", ".join(self.kinds) or "keine"
            raise ReportConfigError(
                f"{self.path}: Berichtsart {name!r} fehlt unter [kinds] (vorhanden: {known})"
            ) from None


def _expect(path: Path, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ReportConfigError(f"{path}: {key}: {what} erwartet, gefunden {value!r}")
    return value


def _unknown(path: Path, key: str, keys: set[str], allowed: set[str]) -> None:
    extra = sorted(keys - allowed)
    if extra:
        raise ReportConfigError(
            f"{path}: {key}: unbekannte Schlüssel {', '.join(extra)} "
            f"(erlaubt: {', '.join(sorted(allowed))})"
        )


def _names(path: Path, key: str, value: Any) -> tuple[str, ...]:
    _expect(path, key, value, list, "eine Liste von Namen")
    for one in value:
        _expect(path, key, one, str, "ein Name")
    return tuple(value)


def _inputs(path: Path, key: str, raw: Any) -> Inputs:
    """What a kind reads (see ``publish.inputs``); absent: everything, always rebuilt on change."""
    if raw is None:
        return Inputs()
    _expect(path, key, raw, dict, "eine Tabelle")
    _unknown(path, key, set(raw), _INPUT_KEYS)
    subject = raw.get("subject")
    if subject is not None and subject not in SUBJECTS:
        raise ReportConfigError(
            f"{path}: {key}.subject: {subject!r} unbekannt (erlaubt: {', '.join(SUBJECTS)})"
        )
    columns = {}
    for name in ("land_columns", "columns"):
        tables = _expect(path, f"{key}.{name}", raw.get(name, {}), dict, "eine Tabelle")
        columns[name] = {t: _names(path, f"{key}.{name}.{t}", c) for t, c in tables.items()}
    return Inputs(
        subject,
        _names(path, f"{key}.land_rows", raw.get("land_rows", [])),
        columns["land_columns"],
        columns["columns"],
        _names(path, f"{key}.whole", raw.get("whole", [])),
    )


def _kind(path: Path, notebooks: Path, name: str, raw: Any, order: int) -> Kind:
    key = f"kinds.{name}"
    _expect(path, key, raw, dict, "eine Tabelle")
    _unknown(path, key, set(raw), _KIND_KEYS)
    for required in ("title", "notebook"):
        if required not in raw:
            raise ReportConfigError(f"{path}: {key}.{required} fehlt")
    title = _expect(path, f"{key}.title", raw["title"], str, "Text")
    notebook = notebooks / _expect(path, f"{key}.notebook", raw["notebook"], str, "Text")
    parameter = raw.get("parameter")
    if parameter is not None:
        _expect(path, f"{key}.parameter", parameter, str, "ein Parametername")
    values = raw.get("values")
    if values is not None:
        if parameter is None:
            raise ReportConfigError(f"{path}: {key}.values braucht {key}.parameter")
        if isinstance(values, str):
            if values not in VALUE_SOURCES:
                raise ReportConfigError(
                    f"{path}: {key}.values: {values!r} unbekannt "
                    f"(erlaubt: eine Liste oder {', '.join(VALUE_SOURCES)})"
                )
        else:
            values = tuple(_expect(path, f"{key}.values", values, list, "eine Liste"))
    sets = _expect(path, f"{key}.sets", raw.get("sets", []), list, "eine Liste von Tabellen")
    for i, one in enumerate(sets):
        _expect(path, f"{key}.sets[{i}]", one, dict, "eine Tabelle")
        if "name" in one:
            _expect(path, f"{key}.sets[{i}].name", one["name"], str, "Text")
    if values is not None and sets:
        raise ReportConfigError(f"{path}: {key}: entweder values oder sets, nicht beides")
    in_all = _expect(path, f"{key}.in_all", raw.get("in_all", True), bool, "true oder false")
    inputs = _inputs(path, f"{key}.inputs", raw.get("inputs"))
    return Kind(name, title, notebook, parameter, values, tuple(sets), in_all, order, inputs)


def load_config(path: str | Path | None = None) -> ReportConfig:
    """Read and check the report config (default: the project's ``reports/reports.toml``)."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportConfigError(f"{path}: Berichtskonfiguration nicht gefunden") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReportConfigError(f"{path}: kein gültiges TOML: {exc}") from None
    _unknown(path, "(oberste Ebene)", set(raw), _TOP_KEYS)
    notebooks = config.NOTEBOOKS_DIR
    if "notebooks_dir" in raw:
        folder = _expect(path, "notebooks_dir", raw["notebooks_dir"], str, "ein Pfad")
        notebooks = (path.parent / folder).resolve()
    public = _expect(path, "public", raw.get("public", True), bool, "true oder false")
    kinds_raw = _expect(path, "kinds", raw.get("kinds", {}), dict, "eine Tabelle")
    if not kinds_raw:
        raise ReportConfigError(f"{path}: [kinds] ist leer")
    kinds = {
        name: _kind(path, notebooks, name, value, i)
        for i, (name, value) in enumerate(kinds_raw.items())
    }
    return ReportConfig(path, notebooks, public, kinds)

"""The schema catalogue: ``data/datapackage.json`` is the single source of truth.

Columns, types, allowed values, German titles and descriptions live there (Frictionless
Data Package layout with a few extra keys); validation (``ingest.validate``) and the data
documentation (``catalogue.docs``) are both built from it, so they cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from haefen_analysis import config
from haefen_analysis.errors import CatalogueError, UnknownTableError

CATALOGUE_FILE = "datapackage.json"
TYPES = ("string", "integer", "number", "partial_date")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    enum_labels: dict[str, str] = field(default_factory=dict)
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    not_future: bool = False


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    as_of: str
    licence: str
    gaps: str

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _field(spec: dict) -> Field:
    if spec["type"] not in TYPES:
        raise CatalogueError(
            f"{CATALOGUE_FILE}: field {spec['name']!r} has unknown type {spec['type']!r}"
        )
    return Field(
        name=spec["name"],
        type=spec["type"],
        title=spec.get("title", spec["name"]),
        description=spec.get("description", ""),
        required=spec.get("required", False),
        unique=spec.get("unique", False),
        enum=tuple(spec["enum"]) if "enum" in spec else None,
        enum_labels=spec.get("enum_labels", {}),
        pattern=spec.get("pattern"),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        not_future=spec.get("not_future", False),
    )


@cache
def _read(path: Path, mtime_ns: int) -> dict[str, Resource]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for r in spec["resources"]:
        out[r["name"]] = Resource(
            name=r["name"],
            path=r["path"],
            title=r["title"],
            description=r["description"],
            fields=tuple(_field(f) for f in r["schema"]["fields"]),
            primary_key=tuple(r.get("primaryKey", [])),
            foreign_keys=tuple(
                ForeignKey(
                    tuple(fk["fields"]),
                    fk["reference"]["resource"],
                    tuple(fk["reference"]["fields"]),
                )
                for fk in r.get("foreignKeys", [])
            ),
            as_of=r.get("as_of", ""),
            licence=r.get("licence", ""),
            gaps=r.get("gaps", ""),
        )
    return out


def catalogue(data_dir: Path | None = None) -> dict[str, Resource]:
    """All resources of the catalogue, by name (re-read when the file changes)."""
    path = config.data_dir(data_dir) / CATALOGUE_FILE
    if not path.exists():
        path = config.PROJECT_DIR / "data" / CATALOGUE_FILE
    return _read(path, path.stat().st_mtime_ns)


def resource(name: str, data_dir: Path | None = None) -> Resource:
    """One resource; an unknown name is an error listing the known ones."""
    cat = catalogue(data_dir)
    if name not in cat:
        raise UnknownTableError(f"unknown table {name!r}; known tables: {', '.join(cat)}")
    return cat[name]

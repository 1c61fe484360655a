"""The schema catalogue: ``data/datapackage.json`` is the single source of truth.

Columns, types, allowed values, German titles and descriptions live there (Frictionless
Data Package layout with a few extra keys); validation (``ingest.validate``), the labels of
reports (``catalogue.labels``) and the data documentation (``catalogue.docs``) are all built
from it, so they cannot drift apart.

The file is read strictly: a key the reader does not know (a misspelled ``"requried"``), a
missing one or a value of the wrong type is an error naming the file, the table, the field and
the key. Fields several tables share (``source``, ``note``, ``land``, ``scope``,
``member_id``) are declared once under the package's ``fields`` and used by reference: the
string ``"source"`` for the field as declared, or ``{"ref": "member_id", "required": true}``
where the column's name, description or ``required`` differ (like PUDL's field metadata).

A table whose rows wait to become rows of another (the research staging, ``research/``) takes
that table's columns: ``"schema": {"fields_from": "members", "omit": [...]}``, so the two
cannot drift apart. A ``path`` may be a glob (``research/members_new*.csv``): every matching
file is part of the table. A text field with ``"language": "de"`` is shown to readers and
must be German (``ingest.validate`` rejects recognisably English text).
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
LANGUAGES = ("de",)


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
    language: str | None = None  # "de": display text that must be German
    shared: str | None = None  # the package's shared field this column uses, if any


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
    def is_glob(self) -> bool:
        """True when ``path`` names several files (research staging rounds)."""
        return any(c in self.path for c in "*?[")

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


#: Allowed keys per level of the file, with the JSON type of their values. A key not listed is
#: an error (a misspelled "requried" must not silently make a column optional).
_KEYS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "package": {
        "name": str,
        "title": str,
        "profile": str,
        "description": str,
        "fields": dict,
        "resources": list,
    },
    "resource": {
        "name": str,
        "path": str,
        "title": str,
        "description": str,
        "as_of": str,
        "licence": str,
        "gaps": str,
        "primaryKey": list,
        "foreignKeys": list,
        "schema": dict,
    },
    "schema": {"fields": list, "fields_from": str, "omit": list},
    "field": {
        "name": str,
        "type": str,
        "title": str,
        "description": str,
        "required": bool,
        "unique": bool,
        "enum": list,
        "enum_labels": dict,
        "pattern": str,
        "minimum": (int, float),
        "maximum": (int, float),
        "not_future": bool,
        "language": str,
    },
    # a column defined by a shared field of the package ("fields"), with what may differ
    "reference": {"ref": str, "name": str, "description": str, "required": bool},
    "foreign_key": {"fields": list, "reference": dict},
    "foreign_key_reference": {"resource": str, "fields": list},
}
_REQUIRED = {
    "package": ("resources",),
    "resource": ("name", "path", "title", "description", "schema"),
    "schema": (),
    "field": ("name", "type"),
    "reference": ("ref",),
    "foreign_key": ("fields", "reference"),
    "foreign_key_reference": ("resource", "fields"),
}
_TYPE_TEXT = {str: "Text", dict: "ein Objekt", list: "eine Liste", bool: "true oder false"}


class _Reader:
    """Reads the file strictly: every problem names the file, the table, the field and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: list[str], text: str) -> CatalogueError:
        return CatalogueError(", ".join([str(self.path), *where]) + f": {text}")

    def check(self, spec: object, level: str, where: list[str]) -> dict:
        if not isinstance(spec, dict):
            raise self.fail(where, f"erwartet ein Objekt, gefunden {spec!r}")
        allowed = _KEYS[level]
        for key, value in spec.items():
            if key not in allowed:
                known = ", ".join(allowed)
                raise self.fail(where, f"unbekannter Schlüssel {key!r} (erlaubt: {known})")
            kind = allowed[key]
            if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                text = _TYPE_TEXT.get(kind, "eine Zahl")  # type: ignore[call-overload]
                raise self.fail(where, f"Schlüssel {key!r}: erwartet {text}, gefunden {value!r}")
        for key in _REQUIRED.get(level, ()):
            if key not in spec:
                raise self.fail(where, f"Schlüssel {key!r} fehlt")
        return spec

    def field(self, spec: dict, where: list[str], shared: str | None = None) -> Field:
        if spec["type"] not in TYPES:
            raise self.fail(where, f"Typ {spec['type']!r} unbekannt (erlaubt: {', '.join(TYPES)})")
        enum = spec.get("enum")
        labels = spec.get("enum_labels", {})
        stray = sorted(set(labels) - set(enum or ()))
        if stray:
            raise self.fail(where, f"enum_labels: {', '.join(stray)} ist kein Wert von enum")
        language = spec.get("language")
        if language is not None and (language not in LANGUAGES or spec["type"] != "string"):
            raise self.fail(where, f"language {language!r}: nur 'de' und nur für Textfelder")
        return Field(
            name=spec["name"],
            type=spec["type"],
            title=spec.get("title", spec["name"]),
            description=spec.get("description", ""),
            required=spec.get("required", False),
            unique=spec.get("unique", False),
            enum=tuple(enum) if enum is not None else None,
            enum_labels=dict(labels),
            pattern=spec.get("pattern"),
            minimum=spec.get("minimum"),
            maximum=spec.get("maximum"),
            not_future=spec.get("not_future", False),
            language=language,
            shared=shared,
        )

    def shared(self, spec: dict) -> dict[str, dict]:
        """The package's shared fields (declared once, used by reference), checked."""
        out = {}
        for name, one in spec.get("fields", {}).items():
            where = [f"gemeinsames Feld {name!r}"]
            if isinstance(one, dict) and "name" in one:
                raise self.fail(where, "Schlüssel 'name' überflüssig (der Name ist der Schlüssel)")
            spec_with_name = {"name": name, **one} if isinstance(one, dict) else one
            out[name] = self.check(spec_with_name, "field", where)
        return out

    def column(self, spec: object, shared: dict[str, dict], where: list[str]) -> Field:
        """One column: a field, or a reference to a shared field ("source" or {"ref": …})."""
        if isinstance(spec, str):
            spec = {"ref": spec}
        if isinstance(spec, dict) and "ref" in spec:
            ref = self.check(spec, "reference", where + [f"Feld {spec.get('name', spec['ref'])!r}"])
            if ref["ref"] not in shared:
                known = ", ".join(shared) or "keine"
                raise self.fail(where, f"gemeinsames Feld {ref['ref']!r} unbekannt ({known})")
            merged = {**shared[ref["ref"]], **{k: v for k, v in ref.items() if k != "ref"}}
            return self.field(merged, where + [f"Feld {merged['name']!r}"], ref["ref"])
        name = spec.get("name") if isinstance(spec, dict) else None
        field_where = where + [f"Feld {name!r}"] if name else where
        return self.field(self.check(spec, "field", field_where), field_where)

    def foreign_key(self, spec: object, where: list[str]) -> ForeignKey:
        fk = self.check(spec, "foreign_key", where + ["foreignKeys"])
        ref = self.check(fk["reference"], "foreign_key_reference", where + ["foreignKeys"])
        return ForeignKey(tuple(fk["fields"]), ref["resource"], tuple(ref["fields"]))

    def fields(
        self, schema: dict, shared: dict[str, dict], done: dict[str, Resource], where: list[str]
    ) -> tuple[Field, ...]:
        """The columns: listed, or those of an earlier table (``fields_from``) minus ``omit``."""
        if ("fields" in schema) == ("fields_from" in schema):
            raise self.fail(where, "genau einer der Schlüssel 'fields' oder 'fields_from' nötig")
        if "fields" in schema:
            if "omit" in schema:
                raise self.fail(where, "'omit' nur zusammen mit 'fields_from'")
            return tuple(self.column(f, shared, where) for f in schema["fields"])
        source = done.get(schema["fields_from"])
        if source is None:
            raise self.fail(where, f"fields_from: Tabelle {schema['fields_from']!r} unbekannt")
        omit = schema.get("omit", [])
        unknown = sorted(set(omit) - set(source.columns))
        if unknown:
            raise self.fail(where, f"omit nennt unbekannte Felder: {', '.join(unknown)}")
        return tuple(f for f in source.fields if f.name not in omit)

    def resource(
        self, spec: object, shared: dict[str, dict], number: int, done: dict[str, Resource]
    ) -> Resource:
        name = spec.get("name", f"#{number + 1}") if isinstance(spec, dict) else f"#{number + 1}"
        where = [f"Tabelle {name!r}"]
        r = self.check(spec, "resource", where)
        schema = self.check(r["schema"], "schema", where + ["schema"])
        fields = self.fields(schema, shared, done, where)
        names = [f.name for f in fields]
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise self.fail(where, f"Feld(er) mehrfach: {', '.join(doubled)}")
        keys = [k for k in r.get("primaryKey", []) if k not in names]
        if keys:
            raise self.fail(where, f"primaryKey nennt unbekannte Felder: {', '.join(keys)}")
        return Resource(
            name=r["name"],
            path=r["path"],
            title=r["title"],
            description=r["description"],
            fields=fields,
            primary_key=tuple(r.get("primaryKey", [])),
            foreign_keys=tuple(self.foreign_key(fk, where) for fk in r.get("foreignKeys", [])),
            as_of=r.get("as_of", ""),
            licence=r.get("licence", ""),
            gaps=r.get("gaps", ""),
        )

    def check_references(self, out: dict[str, Resource]) -> None:
        for res in out.values():
            for fk in res.foreign_keys:
                where = [f"Tabelle {res.name!r}", "foreignKeys"]
                target = out.get(fk.resource)
                if target is None:
                    raise self.fail(where, f"Tabelle {fk.resource!r} unbekannt")
                missing = [f for f in (*fk.fields,) if f not in res.columns]
                missing += [f for f in fk.reference_fields if f not in target.columns]
                if missing:
                    raise self.fail(where, f"unbekannte Felder: {', '.join(missing)}")

    def read(self) -> dict[str, Resource]:
        try:
            spec = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise self.fail([f"Zeile {exc.lineno}"], f"kein gültiges JSON ({exc.msg})") from None
        spec = self.check(spec, "package", [])
        shared = self.shared(spec)
        out: dict[str, Resource] = {}
        for number, r in enumerate(spec["resources"]):
            res = self.resource(r, shared, number, out)
            if res.name in out:
                raise self.fail([f"Tabelle {res.name!r}"], "Tabelle mehrfach")
            out[res.name] = res
        self.check_references(out)
        return out


@cache
def _read(path: Path, mtime_ns: int) -> dict[str, Resource]:
    return _Reader(path).read()


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
        raise UnknownTableError(f"unbekannte Tabelle {name!r}; bekannt: {', '.join(cat)}")
    return cat[name]

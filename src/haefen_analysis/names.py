"""Moved: ``haefen_analysis.ingest.names``. This module only re-exports it, until version 0.3."""

from haefen_analysis.ingest.names import (
    ADMIN_WORDS,
    AmbiguousNameError,
    Candidate,
    NameMismatchWarning,
    NameResolutionError,
    NameResolver,
    UnknownNameError,
    name_key,
    resolve_member,
    resolver,
)

__all__ = [
    "ADMIN_WORDS",
    "AmbiguousNameError",
    "Candidate",
    "NameMismatchWarning",
    "NameResolutionError",
    "NameResolver",
    "UnknownNameError",
    "name_key",
    "resolve_member",
    "resolver",
]

"""Moved: ``haefen_analysis.ingest.genesis``. This module only re-exports it, until version 0.3."""

from haefen_analysis.ingest.genesis import (
    GenesisError,
    GenesisFormatError,
    parse_genesis,
    read_genesis,
    variable_keys,
)

__all__ = ["GenesisError", "GenesisFormatError", "parse_genesis", "read_genesis", "variable_keys"]

"""Every error a user may read: one base class, ``HaefenError``, that the ``haefen`` command
turns into one German line on stderr and exit code 1 (``cli.common.fail``), never a traceback.

Each domain error also keeps a built-in second base (``ValueError``, ``LookupError``, …) so
that callers' ``except`` clauses written against it keep working. Messages are German (what a
user reads); class names are English (what a programmer types).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from haefen_analysis.ingest.validate import Problem


class HaefenError(Exception):
    """Base of every error this package raises on purpose (bad input, data or configuration)."""


# --- catalogue ---------------------------------------------------------------------------------


class CatalogueError(HaefenError, ValueError):
    """``datapackage.json`` breaks a rule of the catalogue; the message names file, table,
    field and key."""


class UnknownTableError(HaefenError, KeyError):
    """A table name the catalogue does not know; the message lists the known ones."""

    __str__ = BaseException.__str__  # KeyError would quote the whole message


# --- reading files -----------------------------------------------------------------------------


class EncodingError(HaefenError, ValueError):
    """Bytes that are no text the package can read; ``line`` (1-based, may be ``None``) says
    where."""

    def __init__(self, name: str | os.PathLike[str], line: int | None, reason: str) -> None:
        self.name, self.line, self.reason = str(name), line, reason
        where = f"{Path(self.name).name}, Zeile {line}" if line else Path(self.name).name
        super().__init__(f"{where}: {reason}")


class ParseError(HaefenError, ValueError):
    """A value that cannot be read (a German date or number); the message says what was
    expected."""


class UnknownLandError(HaefenError, ValueError):
    """A Land spelling that matches no Land; the message lists the close matches."""


class NameResolutionError(HaefenError, ValueError):
    """Base of name resolution errors (a name that does not resolve to exactly one member)."""


class UnknownNameError(NameResolutionError):
    """No member has this name; the message lists close matches."""


class AmbiguousNameError(NameResolutionError):
    """Several places share this name; the Land decides. The message names the candidates."""


class DataValidationError(HaefenError, ValueError):
    """A curated table breaks its schema; lists every problem (file, row, column, value, rule)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        rest = len(self.problems) - 50
        more = f"\n  … und {rest} weitere" if rest > 0 else ""
        super().__init__(f"{len(self.problems)} Problem(e):\n{shown}{more}")


class IntakeError(HaefenError, ValueError):
    """An analyst's file that cannot be taken in at all (its table cannot be told)."""


class WorkbookError(HaefenError, ValueError):
    """A workbook that cannot be read at all (not Excel, no data sheet)."""


class GenesisError(HaefenError, ValueError):
    """Any problem reading an official statistics file."""


class GenesisFormatError(GenesisError):
    """The file is not a GENESIS / Regionalstatistik download the reader understands.

    ``path`` and ``line`` (1-based, may be ``None``) say where; the message says what and why.
    """

    def __init__(self, path: str | os.PathLike[str], line: int | None, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path.name}, Zeile {line}" if line else self.path.name
        super().__init__(f"{where}: {reason}")


class OfficialTableError(GenesisFormatError):
    """An official download that reads but cannot build the curated tables: a code that is not
    in the geodata, a Kreis without its population, totals that do not add up, a status
    category whose place in the hierarchy is unknown. Names file, line and value."""


# --- datasets ----------------------------------------------------------------------------------


class TableNotFoundError(HaefenError, FileNotFoundError):
    """A catalogued table whose file is missing from the data folder."""


class DataDirError(HaefenError, FileNotFoundError):
    """The data folder named by ``$HAEFEN_DATA_DIR`` or ``--data-dir`` does not exist."""

    __str__ = BaseException.__str__


class LocationError(HaefenError, ValueError):
    """Members that cannot be located because a row is malformed (unknown kind or Land)."""


# --- analysis ----------------------------------------------------------------------------------


class KeyNotFoundError(HaefenError, LookupError):
    """No Königsteiner Schlüssel (or population date) can be resolved for a year and rule."""


class UnknownLandKeyError(HaefenError, LookupError):
    """No distribution key (criterion weights) is known for a Land."""


class QuotaDataError(HaefenError, ValueError):
    """A data file or frame breaks a rule the quota analysis relies on."""


class AllocationError(HaefenError, ValueError):
    """Input that cannot be apportioned (negative, missing or non-finite values, no weight)."""


class RegionalJoinError(HaefenError, ValueError):
    """Tables or members that cannot be joined; the message names the table and the rule."""


# --- publish -----------------------------------------------------------------------------------


class ParameterError(HaefenError, ValueError):
    """A parameter a report or scenario does not accept; raised before any kernel starts."""


class ReportConfigError(HaefenError, ValueError):
    """The report config breaks a rule; the message names the file and the key."""


class ExportError(HaefenError, RuntimeError):
    """An output that cannot be written as promised (remote resources, a browser that does not
    start or answer in time)."""


class BrowserNotFoundError(ExportError):
    """No browser for PNG, PDF and deck exports; the message says how to get one. The only
    export failure ``--skip-without-browser`` turns into a skipped output."""


class OutputError(HaefenError, OSError):
    """A file or folder that cannot be written (read-only, a file where a folder should be, a
    full disk); the message names the path and the reason in German."""

    __str__ = BaseException.__str__  # OSError would format its own errno text

"""Writing files: one atomic write for every output (reports, caches, merged rows, decks), and
one for several files that change together (all or nothing).

Readers (a web server, the next report run, an analyst's Excel) see the old file or the new
one, never a part: the bytes go to a temporary file in the same folder, are flushed to disk
(fsync) and then renamed over the target; a failure removes the temporary file. Files get
mode 0644 (mkstemp's 0600 would hide reports from a web server). A path that cannot be written
is one ``OutputError`` naming it and the reason in German.

Temporary files and private work folders carry the pid of the process that made them: one
killed with ``kill -9`` cannot remove its own, and :func:`remove_stale` lets the next run remove
those whose process is gone (and only those, so two runs can share a folder).

Every CSV the package writes has formula cells neutralised (OWASP, CSV injection): a text
cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'``, so Excel or LibreOffice show it as text instead of running it. Numbers ("-3", "+1,5")
and the lone "-" of official statistics stay as they are. The package's CSV reader
(``common.tables``) removes the quote again, so values round-trip unchanged.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from haefen_analysis.errors import OutputError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Cells that start with a trigger but are no formula: plain numbers and the lone "-".
_NOT_A_FORMULA = r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)|-"
_TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)
_SAFE_NUMBER = re.compile(_NOT_A_FORMULA)

#: German reasons for the errors a write meets in practice.
_REASONS = {
    errno.EACCES: "keine Schreibrechte",
    errno.EPERM: "keine Schreibrechte",
    errno.EROFS: "Dateisystem nur lesbar",
    errno.ENOSPC: "Datenträger voll",
    errno.EDQUOT: "Speicherkontingent erschöpft",
    errno.ENOTDIR: "ein Teil des Pfads ist eine Datei, kein Ordner",
    errno.EEXIST: "ein Teil des Pfads ist eine Datei, kein Ordner",
    errno.EISDIR: "ist ein Ordner, keine Datei",
    errno.ENAMETOOLONG: "Name zu lang",
}


def output_error(path: Path, exc: OSError) -> OutputError:
    """``exc`` as one German line naming ``path`` (what every write raises)."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    return OutputError(f"{path}: nicht schreibbar ({reason})")


def _tag() -> str:
    """``~<pid>~``: mkstemp's random part never holds "~", so the pid is read back exactly."""
    return f"~{os.getpid()}~"


def _stage(path: Path, data: str | bytes) -> str:
    """Write ``data`` to a flushed temporary file beside ``path``; return its name."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{_tag()}", suffix=".tmp")
    except OSError as exc:
        raise output_error(path, exc) from None
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise output_error(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(
    path: Path, data: str | bytes, check: Callable[[Path], None] | None = None
) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    The temporary file lives in the same folder (``os.replace`` is atomic only within one file
    system) and is removed when anything fails. ``check`` is called with the temporary file
    before it replaces ``path``: if it raises, the old file stays and the error propagates.
    """
    checks = None if check is None else (lambda staged: check(staged[path]))
    return atomic_write_all({path: data}, checks)[0]


def atomic_write_all(
    files: Mapping[Path, str | bytes], check: Callable[[dict[Path, Path]], None] | None = None
) -> list[Path]:
    """Write several files all or nothing: every temporary file is written and flushed first,
    then ``check`` gets them (target → temporary file), then all are renamed; a failure before
    the renames leaves every target as it was."""
    staged: list[tuple[str, Path]] = []
    target = None
    try:
        for target, data in files.items():
            staged.append((_stage(target, data), target))
        if check is not None:
            check({path: Path(tmp) for tmp, path in staged})
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise output_error(target, exc) from None
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [path for _, path in staged]


def place_copy(source: Path, target: Path) -> Path:
    """``target`` with the content of ``source``: a hard link (no second copy on disk), else a
    copy; moved into place atomically through a pid-tagged temporary (``remove_stale``)."""
    staged = target.parent / f".{target.name}.{_tag()}.tmp"
    try:
        staged.unlink(missing_ok=True)
        try:
            os.link(source, staged)
        except OSError:
            shutil.copy2(source, staged)
        os.replace(staged, target)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise output_error(target, exc) from None
    return target


def private_folder(parent: Path, prefix: str) -> Path:
    """A new hidden work folder ``.<prefix>-~<pid>~<random>`` in ``parent``."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{prefix}-{_tag()}", dir=parent))
    except OSError as exc:
        raise output_error(parent, exc) from None


_OWNED = re.compile(r"^\..*~(\d+)~[^~]*$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(folder: Path, pattern: str = ".*") -> list[Path]:
    """Remove the temporary files and work folders in ``folder`` (those matching ``pattern``)
    whose process is gone (killed mid-write); returns what was removed."""
    removed = []
    for entry in folder.glob(pattern):
        found = _OWNED.match(entry.name)
        if not found or _alive(int(found.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.endswith(".tmp"):
            entry.unlink(missing_ok=True)
        else:
            continue
        removed.append(entry)
    return removed


def neutralise(value: str) -> str:
    """One cell as ``neutralise_formulas`` writes it (for writers that build CSV rows)."""
    return f"'{value}" if _risky(value) else value


def _risky(cell: object) -> bool:
    if cell is None:
        return False
    if not isinstance(cell, str):
        cell = str(cell)
    return cell[:1] in _TRIGGER_CHARS and not _SAFE_NUMBER.fullmatch(cell)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas (see above).
    Cell by cell in Python: a report writes dozens of small tables, where pandas' string
    methods cost more to set up than to run."""
    import pandas as pd

    out = frame.copy(deep=False)  # columns are replaced, never changed in place
    for number, column in enumerate(out.columns):
        values = out.iloc[:, number]
        if values.dtype.kind in "biufcmM":  # numbers and dates are no formulas
            continue
        objects = values.astype(object)
        cells = objects.where(values.notna(), None).tolist()
        risky = [i for i, cell in enumerate(cells) if _risky(cell)]
        if risky:
            shown = objects.tolist()  # missing cells stay as they were
            for i in risky:
                shown[i] = f"'{cells[i]}"
            out[column] = pd.Series(shown, index=out.index, dtype=object)
    return out


def csv_text(frame: pd.DataFrame, sep: str = ",", lineterminator: str = "\n") -> str:
    """A table as CSV text: no index, formula cells neutralised (the form of every CSV
    written; the data files use the defaults, files for Excel ";" and CRLF)."""
    return neutralise_formulas(frame).to_csv(index=False, sep=sep, lineterminator=lineterminator)


def write_csv(frame: pd.DataFrame, path: Path, check: Callable[[Path], None] | None = None) -> Path:
    """A table as UTF-8 CSV (``csv_text``), written atomically (``check`` as for
    ``atomic_write``)."""
    return atomic_write(path, csv_text(frame).encode("utf-8"), check)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """A table as parquet (no index, ``attrs`` kept), written atomically."""
    return atomic_write(path, frame.to_parquet(index=False))

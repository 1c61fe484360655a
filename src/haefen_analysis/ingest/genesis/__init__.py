"""Readers for official statistics as analysts download them: GENESIS-Online and Regionalstatistik.

Two formats exist and both are read by ``read_genesis``:

* the table CSV ("CSV" download of a GENESIS table), ``table.py``;
* the flat file ("ffcsv") of GENESIS-Online and Regionalstatistik, ``flat.py``.

Bytes become text in ``decode.py``; both formats end as the same tidy frame through the same
rules (``checks.py``), so an analysis does not care which download it got. A layout the reader
does not understand raises ``GenesisFormatError`` naming the file and line: a wrong table is
worse than no table. The public API is this module's: ``read_genesis``, ``parse_genesis``,
``variable_keys`` and the errors.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

import pandas as pd

from haefen_analysis import config
from haefen_analysis.common.files import write_parquet
from haefen_analysis.errors import GenesisError, GenesisFormatError
from haefen_analysis.ingest.genesis.checks import finish, variable_keys
from haefen_analysis.ingest.genesis.decode import decode_download
from haefen_analysis.ingest.genesis.flat import HEAD, read_flat
from haefen_analysis.ingest.genesis.table import TABLE_LINE, read_table

__all__ = ["GenesisError", "GenesisFormatError", "parse_genesis", "read_genesis", "variable_keys"]

#: Bump when the parser's output changes, so stale cache files are not reused.
PARSER_VERSION = "2"


def read_genesis(
    path: str | os.PathLike[str],
    *,
    cache: bool = True,
    data_dir: str | os.PathLike[str] | None = None,
    allow_negative: bool | None = None,
) -> pd.DataFrame:
    """Read a GENESIS table CSV or a GENESIS/Regionalstatistik flat file into a tidy frame.

    Columns: ``statistic``, ``statistic_label``, ``table``, ``time_code``, ``time_label``,
    ``time`` (ISO ``yyyy-mm-dd`` or ``yyyy``), per variable ``<KEY>_code``, ``<KEY>_label`` and
    ``<KEY>_total``, then ``measure_code``, ``measure_label``, ``value`` (float, NaN when
    missing), ``missing_marker``, ``unit``, ``quality``, ``is_total`` (the row is an aggregate in
    at least one variable) and ``source_line`` (line in the file). ``df.attrs`` holds the format,
    encoding, variables, notes, "Stand" and every correction made.

    Negative values raise for counts of persons unless ``allow_negative`` is true; ``None``
    allows them only for balances ("Saldo", "Veränderung"). Parsed files are cached as parquet
    under ``config.cache_dir()/genesis``, keyed by the sha256 of the file's bytes.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GenesisFormatError(path, None, f"Datei nicht lesbar ({exc.strerror})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    neg = {None: "auto", True: "neg", False: "noneg"}[allow_negative]
    cache_file = (
        config.cache_dir(data_dir) / "genesis" / f"{digest}-v{PARSER_VERSION}-{neg}.parquet"
    )
    if cache and cache_file.exists():
        try:
            df = pd.read_parquet(cache_file)
        except Exception as exc:  # a broken cache file is rebuilt, never trusted
            warnings.warn(f"Cache {cache_file.name} unlesbar ({exc}); neu eingelesen", stacklevel=2)
        else:
            df.attrs.update(path=str(path), from_cache=True)
            return df
    df = parse_genesis(raw, path, allow_negative=allow_negative)
    df.attrs["sha256"] = digest
    if cache:
        try:
            write_parquet(df, cache_file)
        except OSError as exc:  # a read-only data folder must not stop the analysis
            warnings.warn(
                f"Cache nicht geschrieben ({exc}); Ergebnis ist trotzdem gültig", stacklevel=2
            )
    df.attrs.update(path=str(path), from_cache=False)
    return df


def parse_genesis(
    raw: bytes, path: str | os.PathLike[str] = "<bytes>", *, allow_negative: bool | None = None
) -> pd.DataFrame:
    """Parse the bytes of a download (no cache); ``path`` only names the file in errors."""
    text, encoding = decode_download(raw, path)
    first = text.split("\n", 1)[0].rstrip("\r")
    if first.startswith(HEAD[0]):
        df = read_flat(text, path)
    elif TABLE_LINE.match(first):
        df = read_table(text, path)
    elif HEAD[0] in first:
        moved = first.split(first[first.index(HEAD[0]) - 1])
        raise GenesisFormatError(
            path,
            1,
            f"Spaltenreihenfolge geändert: ein Flatfile beginnt mit {HEAD[0]!r}, hier steht "
            f"{moved[0]!r} vorn und {HEAD[0]!r} an Stelle {moved.index(HEAD[0]) + 1} (Datei "
            "nach dem Download bearbeitet? bitte neu herunterladen)",
        )
    else:
        raise GenesisFormatError(
            path,
            1,
            "keine GENESIS-Datei: erwartet 'Tabelle: <Code>' (Tabellen-CSV) oder die Kopfzeile "
            f"'statistics_code;…' (Flatfile), gefunden {first[:60]!r}",
        )
    df = finish(df, path, allow_negative)
    df.attrs["encoding"] = encoding
    return df

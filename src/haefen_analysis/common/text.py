"""Bytes to text: the one decoder for every file the package reads (curated tables, analysts'
files, official statistics).

UTF-8 with or without BOM; UTF-16 with BOM; otherwise cp1252, which Excel on Windows writes
without saying so (the returned encoding tells the caller, so it can report it). NUL bytes
without a UTF-16 BOM mean a binary file or UTF-16 without BOM, and a file that is UTF-8 in one
line and not in another is mixed: both are refused with the line rather than read as garbage.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from haefen_analysis.errors import EncodingError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _line(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


#: A UTF-8 sequence of two to four bytes ("ü" is C3 BC): cp1252 text practically never has one.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _refuse_mixed(raw: bytes, name: str | os.PathLike[str], exc: UnicodeDecodeError) -> None:
    """UTF-8 in one place and something else in another (rows pasted from two files): read as
    cp1252, the UTF-8 part would be stored as "fÃ¼r". Refused, naming both lines."""
    utf8 = _UTF8_SEQUENCE.search(raw)
    if utf8 is not None and _is_cp1252(raw):  # else: neither, reported by decode
        raise EncodingError(
            name,
            _line(raw, exc.start),
            f"nicht UTF-8, Zeile {_line(raw, utf8.start())} aber schon: gemischte "
            "Zeichenkodierung (z. B. Zeilen aus zwei Dateien); bitte einheitlich als UTF-8 "
            "speichern",
        )


def decode(raw: bytes, name: str | os.PathLike[str] = "<bytes>") -> tuple[str, str]:
    """Text and the encoding that read it: "utf-8-sig", "utf-16", "utf-8" or "cp1252".

    ``name`` only names the file in errors (``EncodingError`` with the line).
    """
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", raw[len(codecs.BOM_UTF8) :], "utf-8")]
    elif raw.startswith(_UTF16_BOMS):
        candidates = [("utf-16", raw, "utf-16")]
    elif (nul := raw.find(b"\x00")) >= 0:
        raise EncodingError(
            name,
            _line(raw, nul),
            "Binärdatei oder UTF-16 ohne BOM (NUL-Bytes, z. B. eine Excel-Datei): bitte als "
            "CSV in UTF-8 speichern",
        )
    else:
        candidates = [("utf-8", raw, "utf-8"), ("cp1252", raw, "cp1252")]
    bad_at = 0
    for label, body, codec in candidates:
        try:
            return body.decode(codec), label
        except UnicodeDecodeError as exc:
            if label == "utf-8":
                _refuse_mixed(raw, name, exc)
            bad_at = exc.start + len(raw) - len(body)
    tried = " noch ".join(label for label, *_ in candidates)
    reason = f"Zeichenkodierung weder {tried}" if len(candidates) > 1 else f"kein gültiges {tried}"
    raise EncodingError(name, _line(raw, bad_at), reason)


def read_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """Text of a file and the encoding that read it (see ``decode``)."""
    return decode(Path(path).read_bytes(), path)

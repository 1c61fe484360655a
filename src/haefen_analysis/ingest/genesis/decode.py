"""Bytes of a download to text: ``common.text.decode`` (UTF-8, UTF-16 with BOM, cp1252), with
an empty file and undecodable bytes as ``GenesisFormatError`` naming the line."""

from __future__ import annotations

import os

from haefen_analysis.common.text import decode
from haefen_analysis.errors import EncodingError, GenesisFormatError


def decode_download(raw: bytes, path: str | os.PathLike[str]) -> tuple[str, str]:
    """Text and encoding (``common.text.decode``); an empty file is an error of its own."""
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise GenesisFormatError(path, None, "Datei ist leer")
    try:
        return decode(raw, path)
    except EncodingError as exc:
        raise GenesisFormatError(path, exc.line, exc.reason) from None

"""The one text decoder: UTF-8 with or without BOM, UTF-16 with BOM, cp1252 reported, NUL bytes
refused."""

from __future__ import annotations

import pytest

from haefen_analysis.common.text import decode, read_text
from haefen_analysis.errors import EncodingError


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Lübeck".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "Lübeck".encode(), "utf-8-sig"),
        ("Lübeck".encode("cp1252"), "cp1252"),
        ("Lübeck".encode("utf-16"), "utf-16"),  # with BOM (what Python and Excel write)
        ("Lübeck".encode("utf-16-be"), None),  # no BOM: refused, never read as garbage
    ],
)
def test_encodings(tmp_path, data, encoding):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    if encoding is None:
        with pytest.raises(EncodingError, match="f.csv, Zeile 1: .*UTF-16 ohne BOM"):
            read_text(path)
    else:
        assert read_text(path) == ("Lübeck", encoding)


def test_undecodable_bytes_name_the_line():
    raw = "Kopf\nKiel\nLübeck\n".encode().replace("ü".encode(), b"\x81")
    with pytest.raises(EncodingError, match="x.csv, Zeile 3: Zeichenkodierung weder utf-8 noch"):
        decode(raw, "x.csv")


def test_the_same_decoder_serves_tables_intake_and_genesis():
    from haefen_analysis import datasets
    from haefen_analysis.common import tables
    from haefen_analysis.ingest.genesis import decode as genesis_decode

    assert datasets.read_csv is tables.read_csv  # curated tables and analysts' CSV files
    assert tables.read_text is read_text
    assert genesis_decode.decode is decode  # official statistics

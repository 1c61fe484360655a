"""One atomic write for every output: old file or new file, never a part, no temp files."""

from __future__ import annotations

import pytest

from haefen_analysis.common import files
from haefen_analysis.common.files import atomic_write


def test_atomic_write_never_leaves_temp_files(tmp_path, monkeypatch):
    target = tmp_path / "bericht.html"
    atomic_write(target, "alt")
    atomic_write(target, "neu")
    assert target.read_text() == "neu" and sorted(tmp_path.iterdir()) == [target]

    def broken_replace(src, dst):
        raise OSError("Datenträger voll")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="voll"):
        atomic_write(target, "halb")
    assert target.read_text() == "neu" and sorted(tmp_path.iterdir()) == [target]

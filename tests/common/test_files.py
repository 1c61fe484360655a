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


def test_several_files_all_or_nothing(tmp_path, monkeypatch):
    first, second = tmp_path / "gemeinden.csv", tmp_path / "kreise.csv"
    files.atomic_write_all({first: "alt 1", second: "alt 2"})
    real_stage = files._stage

    def stage_then_fail(path, data):
        if path == second:
            raise OSError("Datenträger voll")
        return real_stage(path, data)

    monkeypatch.setattr(files, "_stage", stage_then_fail)
    with pytest.raises(OSError, match="voll"):
        files.atomic_write_all({first: "neu 1", second: "neu 2"})
    assert (first.read_text(), second.read_text()) == ("alt 1", "alt 2")
    assert sorted(tmp_path.iterdir()) == [first, second]  # no temporary file left

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


def test_temporary_names_carry_the_pid_and_only_dead_ones_are_removed(tmp_path):
    """A run killed with kill -9 cannot remove its temporary files; the next run removes
    those whose process is gone, never those of a run still writing into the folder."""
    import os
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead = int(gone.stdout)
    stale_file = tmp_path / f".bericht.html.~{dead}~abc123.tmp"
    stale_dir = tmp_path / f".run-~{dead}~xyz"
    live_file = tmp_path / f".bericht.html.~{os.getpid()}~def456.tmp"
    stale_file.write_text("halb")
    stale_dir.mkdir()
    (stale_dir / "land-01.html").write_text("halb")
    live_file.write_text("wird gerade geschrieben")
    (tmp_path / ".gitignore").write_text("*")
    assert sorted(files.remove_stale(tmp_path)) == sorted([stale_file, stale_dir])
    assert {p.name for p in tmp_path.iterdir()} == {".gitignore", live_file.name}
    assert files.private_folder(tmp_path, "run").name.startswith(f".run-~{os.getpid()}~")


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

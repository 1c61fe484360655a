"""Validated tables kept between processes: read back only for the same content, schema and
package; a changed file goes through the validator again, a broken stored file is rebuilt."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from haefen_analysis import config, datasets
from haefen_analysis.datasets import stored
from haefen_analysis.errors import DataValidationError


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables the validator ran on (in-process caches cleared: as a new process)."""
    seen: list[str] = []
    real = datasets.check_files

    def counted(res, paths, data_dir):
        seen.append(res.name)
        return real(res, paths, data_dir)

    monkeypatch.setattr(datasets, "check_files", counted)
    datasets._load.cache_clear()
    yield seen
    datasets._load.cache_clear()


def fresh_process(seen: list[str]) -> None:
    datasets._load.cache_clear()
    seen.clear()


def test_a_table_is_validated_once_per_content(data_copy: Path, validations: list[str]):
    first = datasets.load("offers")
    assert "offers" in validations  # a new data folder: nothing stored yet
    assert list(stored.folder(None).glob("offers-*.pickle"))
    assert stored.folder(None) == config.cache_dir() / "tables"

    fresh_process(validations)
    again = datasets.load("offers")
    assert validations == []  # read back: same files, schema, package
    pd.testing.assert_frame_equal(first, again)


def test_a_changed_file_goes_through_the_validator_again(data_copy: Path, validations):
    datasets.load("members")
    path = data_copy / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    assert "declared" in lines[1]
    lines[1] = lines[1].replace(",declared,", ",vielleicht,", 1)
    path.write_text("".join(lines), encoding="utf-8")

    fresh_process(validations)
    with pytest.raises(DataValidationError) as caught:
        datasets.load("members")
    assert "members" in validations
    assert "vielleicht" in str(caught.value) and "status" in header


def test_a_broken_stored_file_is_rebuilt_never_trusted(data_copy: Path, validations):
    first = datasets.load("offers")
    for kept in stored.folder(None).glob("offers-*.pickle"):
        kept.write_bytes(b"not a pickle")
    fresh_process(validations)
    again = datasets.load("offers")
    assert "offers" in validations
    pd.testing.assert_frame_equal(first, again)

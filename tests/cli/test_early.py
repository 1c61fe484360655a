"""``cli.early``: the report worker started from the console script's first lines, taken by
the report command for the same engine, stopped otherwise."""

from __future__ import annotations

import pytest

from haefen_analysis.cli import early


class FakePool:
    def __init__(self, size: int, engine: str) -> None:
        self.size, self.initargs, self.stopped = size, (None, True, engine), False

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[FakePool]:
    made: list[FakePool] = []

    def new(size: int, engine: str) -> FakePool:
        made.append(FakePool(size, engine))
        return made[-1]

    monkeypatch.setattr(early, "_new", new)
    monkeypatch.setattr(early, "_started", [])
    return made


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["report", "member", "Lübeck"], True),
        (["report", "all", "--pdf"], True),
        (["report"], False),  # help of the group
        (["report", "--help"], False),
        (["report", "land", "SH", "--help"], False),
        (["report", "all", "--engine", "kernel"], False),
        (["report", "all", "--engine=warm"], False),
        (["data"], False),
        (["deck", "--all"], False),
    ],
)
def test_only_a_report_command_with_the_default_engine_starts_early(started, args, wanted):
    early.start(args)
    assert len(started) == int(wanted)


def test_the_command_takes_the_early_pool_for_its_engine(started):
    early.start(["report", "member", "Lübeck"])
    pool = early.pool(2, early.ENGINE)
    assert pool is started[0] and pool.size == 2 and not pool.stopped
    early.stop()
    assert not pool.stopped  # taken: the command stops it, not ``stop``


def test_another_engine_stops_the_early_worker_and_starts_its_own(started):
    early.start(["report", "member", "Lübeck"])
    pool = early.pool(1, "kernel")
    assert started[0].stopped and pool is started[1] and pool.initargs[2] == "kernel"


def test_a_command_that_took_nothing_leaves_no_worker(started):
    early.start(["report", "nichtda"])
    early.stop()
    assert started[0].stopped

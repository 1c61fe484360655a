"""The report runner under failure: every wait has a bound, a dead worker or kernel fails only
its report, and a batch killed with ``kill -9`` leaves no process and no temporary folder that
the next run does not remove.

Tiny fixture notebooks (tests/fixtures/runner): ``kill`` kills its worker or its own kernel,
``slow`` sleeps, ``report`` succeeds. Processes are found by an environment marker each test
sets, so other test runs on the machine are never counted (or touched).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from haefen_analysis.publish import runner

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "runner"
MARKER = "HAEFEN_TEST_RUN"


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> str:
    """A value of ``$HAEFEN_TEST_RUN`` that every process this test starts inherits."""
    value = uuid.uuid4().hex
    monkeypatch.setenv(MARKER, value)
    return value


def marked(value: str) -> list[psutil.Process]:
    """Live processes (not zombies) started under this marker, with their command lines;
    multiprocessing's resource tracker of this test process itself lives as long as pytest and
    is not counted."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() == psutil.STATUS_ZOMBIE or proc.environ().get(MARKER) != value:
                continue
            proc.info = {"cmdline": " ".join(proc.cmdline())}
            own_helper = proc.ppid() == os.getpid() and "resource_tracker" in proc.info["cmdline"]
            if not own_helper:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def kernels(value: str) -> list[psutil.Process]:
    out = []
    for proc in marked(value):
        try:
            if "ipykernel" in " ".join(proc.cmdline()):
                out.append(proc)
        except psutil.NoSuchProcess:
            continue
    return out


def settle(value: str, seconds: float = 30) -> list[psutil.Process]:
    """What is still running under the marker after up to ``seconds`` (kernels poll their
    parent once a second; a stopped worker gets time to shut its kernel down)."""
    deadline = time.monotonic() + seconds
    while (left := marked(value)) and time.monotonic() < deadline:
        time.sleep(0.3)
    return left


def job(slug: str, notebook: str, **parameters) -> runner.Job:
    return runner.Job(slug, "test", slug, FIXTURES / notebook, {"public": True, **parameters})


def test_a_killed_worker_or_kernel_fails_its_report_and_the_batch_goes_on(tmp_path, marker):
    jobs = [
        job("worker-weg", "kill.ipynb", opfer="worker"),
        job("gut", "report.ipynb"),
        job("kernel-weg", "kill.ipynb", opfer="kernel"),
        job("auch-gut", "report.ipynb"),
    ]
    opts = runner.Options(out_dir=tmp_path / "day", engine="kernel")
    results, interrupted = runner.run(jobs, opts, workers=1)
    assert not interrupted
    assert [r.status for r in results] == ["failed", "ok", "failed", "ok"]
    assert results[0].error == "Arbeitsprozess beendet (Signal 9)"
    assert "DeadKernelError" in results[2].error
    assert (tmp_path / "day" / "gut.html").exists()
    assert (tmp_path / "day" / "auch-gut.html").exists()
    manifest = json.loads((tmp_path / "day" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"]["worker-weg"]["error"] == "Arbeitsprozess beendet (Signal 9)"
    assert [p.info for p in settle(marker)] == []


def test_a_crashed_warm_worker_fails_its_report_and_the_batch_goes_on(tmp_path, marker):
    """In the warm engine a report runs in its worker: killing "its kernel" kills the worker,
    which is replaced; the reports around it are built."""
    jobs = [job("gut", "report.ipynb"), job("weg", "kill.ipynb", opfer="kernel")]
    jobs.append(job("auch-gut", "report.ipynb"))
    opts = runner.Options(out_dir=tmp_path / "day", engine=runner.WARM)
    results, _ = runner.run(jobs, opts, workers=1)
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert results[1].error == "Arbeitsprozess beendet (Signal 9)"
    assert [p.info for p in settle(marker)] == []


def test_a_hung_cell_in_the_warm_engine_fails_its_report_only(tmp_path, marker):
    jobs = [job("haengt", "slow.ipynb", sekunden=600.0), job("gut", "report.ipynb")]
    opts = runner.Options(out_dir=tmp_path / "day", engine=runner.WARM, timeout=2)
    results, _ = runner.run(jobs, opts, workers=1)
    assert [r.status for r in results] == ["failed", "ok"]
    assert results[0].error.startswith("CellTimeoutError: "), results[0].error
    assert [p.info for p in settle(marker)] == []


@pytest.mark.parametrize("engine", runner.ENGINES)
def test_a_report_over_its_time_bound_is_stopped(tmp_path, marker, engine):
    jobs = [job("haengt", "slow.ipynb", sekunden=600.0), job("gut", "report.ipynb")]
    opts = runner.Options(out_dir=tmp_path / "day", report_timeout=8, engine=engine)
    results, _ = runner.run(jobs, opts, workers=1)
    assert [r.status for r in results] == ["failed", "ok"]
    assert results[0].error == "länger als die Höchstdauer je Bericht (8 s)"
    assert [p.info for p in settle(marker)] == []


def test_kernel_start_is_bounded(tmp_path, marker, monkeypatch):
    """A kernel that never answers (here: a program that only sleeps) fails its report after
    ``kernel_start_timeout`` and is not left running."""
    spec = tmp_path / "jupyter" / "kernels" / "stumm"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", "import time; time.sleep(600)", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "stumm", "language": "python"}), "utf-8"
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    opts = runner.Options(
        out_dir=tmp_path / "day", kernel="stumm", kernel_start_timeout=3, engine="kernel"
    )
    results, _ = runner.run([job("stumm", "report.ipynb")], opts, workers=1)
    assert results[0].status == "failed"
    assert "RuntimeError: Kernel didn't respond in 3 seconds" in results[0].error
    assert [p.info for p in settle(marker)] == []


@pytest.mark.parametrize("engine", runner.ENGINES)
def test_kill_9_of_a_batch_leaves_nothing_the_next_run_does_not_clean(tmp_path, marker, engine):
    out = tmp_path / "out"
    config = tmp_path / "slow.toml"
    config.write_text(
        f'notebooks_dir = "{FIXTURES.as_posix()}"\n'
        '[kinds.eins]\ntitle = "Eins"\nnotebook = "slow.ipynb"\n'
        '[kinds.zwei]\ntitle = "Zwei"\nnotebook = "slow.ipynb"\n',
        encoding="utf-8",
    )
    code = "from haefen_analysis.cli import app; app()"
    args = ["report", "all", "--config", str(config), "--out", str(out), "--jobs", "2"]
    started = tmp_path / "gestartet"
    started.mkdir()
    args += ["--engine", engine]
    batch = subprocess.Popen(
        [sys.executable, "-c", code, *args, "-p", f"zeichen={started}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while len(list(started.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert len(list(started.iterdir())) == 2, "the two reports never started"
        if engine == runner.KERNEL:
            assert len(kernels(marker)) == 2
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait(10)
        assert settle(marker) == [], "workers or kernels outlived the killed batch"
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.wait(10)
    day = runner.dated_dir(out)
    stale = [p.name for p in day.glob(".run-*")]
    assert stale and all(f"~{batch.pid}~" in name for name in stale)

    again = subprocess.run(
        [sys.executable, "-c", code, *args, "-p", "sekunden=0", "-p", f"zeichen={started}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert [p.name for p in day.iterdir() if p.name.startswith(".")] == []
    assert len(list(day.glob("eins-*.html"))) == 1 and len(list(day.glob("zwei-*.html"))) == 1
    assert [p.info for p in settle(marker)] == []


def test_the_console_script_starts_its_worker_early_and_leaves_none(tmp_path, marker):
    """``haefen report …`` (``cli.main``) starts its first worker before the command's own
    imports; after a report, and after a mistyped command, no process is left."""
    config = tmp_path / "eins.toml"
    config.write_text(
        f'notebooks_dir = "{FIXTURES.as_posix()}"\n'
        '[kinds.eins]\ntitle = "Eins"\nnotebook = "report.ipynb"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = "from haefen_analysis.cli import main; main()"
    common = ["--config", str(config), "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", code, "report", "all", *common, "-p", "titel=Früh"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (page,) = runner.dated_dir(out).glob("eins-*.html")
    assert "Früh" in page.read_text(encoding="utf-8")
    assert page.name in done.stdout  # the summary table, flushed before the quick exit
    assert [p.info for p in settle(marker)] == []

    typo = subprocess.run(
        [sys.executable, "-c", code, "report", "alle", *common],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert typo.returncode == 2 and "alle" in typo.stderr
    assert [p.info for p in settle(marker)] == []

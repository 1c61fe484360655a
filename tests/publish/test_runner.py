"""The report runner: checks before kernels, failure handling, atomic and offline outputs.

The notebooks are small fixtures (tests/fixtures/runner): ``report`` (plotly figure, typed
parameters, fails on ``fail=True``), ``broken`` (always raises), ``slow`` (sleeps).
"""

from __future__ import annotations

import dataclasses
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from haefen_analysis.cli import report as reports_cli
from haefen_analysis.publish import html, portal, runner
from haefen_analysis.publish.config import ReportConfigError, load_config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "runner"
cli = CliRunner()


def write_config(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "reports.toml"
    path.write_text(
        f'notebooks_dir = "{FIXTURES.as_posix()}"\n'
        '[kinds.land]\ntitle = "Test"\nnotebook = "report.ipynb"\nparameter = "land"\n'
        'values = ["SH", "HH"]\n'
        '[kinds.broken]\ntitle = "Kaputt"\nnotebook = "broken.ipynb"\n' + body,
        encoding="utf-8",
    )
    return path


def leftovers(folder: Path) -> list[Path]:
    """Temporary files or run folders a clean run must not leave behind."""
    return [p for p in folder.rglob("*") if p.name.startswith(".")]


@pytest.fixture
def no_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the runner gets as far as creating its process pool."""

    def refuse(*args, **kwargs):
        raise AssertionError("a process pool (and so a kernel) was started")

    monkeypatch.setattr(runner, "WorkerPool", refuse)


# --- config and parameters (no kernels) ------------------------------------------------------


def test_config_errors_name_file_and_key(tmp_path):
    bad = write_config(tmp_path, '[kinds.extra]\ntitle = "X"\nnotebok = "x.ipynb"\n')
    with pytest.raises(
        ReportConfigError, match=r"reports\.toml: kinds\.extra: unbekannte.*notebok"
    ):
        load_config(bad)
    wrong = write_config(tmp_path, '[kinds.extra]\ntitle = "X"\nnotebook = 3\n')
    with pytest.raises(ReportConfigError, match=r"kinds\.extra\.notebook: Text erwartet"):
        load_config(wrong)


def test_project_config_is_valid():
    cfg = load_config()
    assert {"overview", "land", "member", "allocation"} <= set(cfg.kinds)
    assert cfg.kinds["land"].parameter == "land" and cfg.kinds["member"].parameter == "gemeinde"
    assert cfg.public is True and not cfg.kinds["allocation"].in_all


def test_values_are_cast_to_the_notebooks_types():
    assert runner.cast("anzahl", "3", 3) == 3 and isinstance(runner.cast("anzahl", "3", 3), int)
    assert runner.cast("anteil", "0.25", 0.5) == 0.25
    assert runner.cast("anteil", 2, 0.5) == 2.0 and isinstance(runner.cast("a", 2, 0.5), float)
    assert runner.cast("public", "nein", True) is False
    assert runner.cast("public", "true", False) is True
    assert runner.cast("land", "01", "05") == "01"  # papermill -p would make this the int 1
    for name, value, default in [("anzahl", "drei", 3), ("public", "vielleicht", True)]:
        with pytest.raises(runner.ParameterError, match=name):
            runner.cast(name, value, default)
    with pytest.raises(runner.ParameterError):
        runner.cast("anzahl", True, 3)


def test_plan_normalises_spellings_and_deduplicates(tmp_path):
    cfg = load_config(write_config(tmp_path))
    jobs = runner.plan(cfg, ["land"], ["SH", "Schleswig-Holstein", "1", "Bayern"])
    assert [j.slug for j in jobs] == ["land-01", "land-09"]
    assert jobs[0].parameters == {"land": "01", "public": True}
    assert jobs[1].title == "Test: Bayern"
    member = runner.plan(cfg, ["land"], ["HH"], {"gemeinde": "Lübeck", "anzahl": "7"}, False)
    assert member[0].parameters == {
        "land": "02",
        "gemeinde": "luebeck",
        "anzahl": 7,
        "public": False,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["land", "SH", "-p", "farbe=rot"], "unbekannte(r) Parameter farbe"),
        (["land", "Atlantis"], "unbekanntes Land 'Atlantis'"),
        (["land", "SH", "-p", "gemeinde=Blomberg"], "mehrdeutig"),
        (["land", "SH", "-p", "anzahl=viele"], "erwartet ganze Zahl"),
    ],
)
def test_bad_parameters_fail_before_any_kernel(tmp_path, no_kernels, args, message):
    out = tmp_path / "out"
    cfg = write_config(tmp_path)
    result = cli.invoke(reports_cli.app, [*args, "--config", str(cfg), "--out", str(out)])
    assert result.exit_code == 1
    assert message in result.output and "Fehler:" in result.output
    assert "Traceback" not in result.output
    if "farbe" in message:  # the message lists what the notebook accepts
        assert "titel, anzahl, anteil, land, gemeinde, public, fail" in result.output
    assert not out.exists()


def test_ambiguous_member_names_its_candidates(no_kernels):
    with pytest.raises(ValueError, match="Nordrhein-Westfalen.*Niedersachsen"):
        runner.member_parameter("Blomberg")
    assert runner.member_parameter("Blomberg", "NW") == runner.member_parameter("blomberg")


# --- export helpers (no kernels) -------------------------------------------------------------


def test_index_escapes_names_and_parameters():
    record = {
        "slug": "member-x",
        "title": "Mitgliedsprofil: <script>alert(1)</script>",
        "parameters": {"gemeinde": "<script>x</script>", "public": True},
        "status": "failed",
        "error": "ValueError: <b>kaputt</b>",
        "seconds": 1.0,
        "finished": None,
        "good": {"finished": "01.01.2025 10:00:00", "files": {"html": "member-x.html"}},
        "failed_ipynb": "_failed/member-x.ipynb",
        "kind_order": 0,
        "order": 0,
    }
    page = portal.index_html([record], "01.01.2025")
    assert page.count("<script>") == 1  # the portal's own search, nothing from data
    assert "<script>alert" not in page and "<script>x" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "gemeinde=&lt;script&gt;x&lt;/script&gt;" in page
    assert 'href="member-x.html"' in page and "letzter guter Stand" in page


def test_remote_resources_finds_what_a_browser_would_fetch():
    page = (
        '<a href="https://example.org">Quelle</a><script src="local.js"></script>'
        '<script src="https://cdn.example.org/x.js"></script>'
        "<script>import('https://cdn.example.org/m.js')</script>"
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
    )
    found = html.remote_resources(page)
    assert len(found) == 3 and not any('example.org">Quelle' in f for f in found)
    assert html.remote_resources('<script src="plotly.min.js"></script>') == []


# --- real runs -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_batch_failure_keeps_others_and_previous_good_output(tmp_path):
    out = tmp_path / "out"
    cfg = write_config(tmp_path)
    first = cli.invoke(
        reports_cli.app,
        ["all", "--config", str(cfg), "--out", str(out), "--jobs", "2"],
        env={"COLUMNS": "300"},
    )
    assert first.exit_code == 1, first.output
    assert "kaputt: dieser Bericht schlägt immer fehl" in first.output
    day = runner.dated_dir(out)
    good = (day / "land-01.html").read_bytes()
    assert (day / "land-02.html").exists() and (day / "_failed" / "broken.ipynb").exists()
    assert not (day / "broken.html").exists()

    # The same report now fails (its data changed): the other report and the PDF still come,
    # the last good HTML stays, the failed notebook is kept with its error.
    jobs = runner.plan(load_config(cfg), ["land"])
    failing = dataclasses.replace(jobs[0], parameters={**jobs[0].parameters, "fail": True})
    opts = runner.Options(out_dir=day, pdf=True, shared_plotlyjs=True)
    results, interrupted = runner.run([failing, jobs[1]], opts, workers=2)
    assert not interrupted
    assert [r.status for r in results] == ["failed", "ok"]
    assert "RuntimeError: absichtlicher Fehler im Test" in results[0].error
    assert (day / "land-01.html").read_bytes() == good
    assert not (day / "land-01.pdf").exists()
    failed_nb = nbformat.read(day / "_failed" / "land-01.ipynb", as_version=4)
    assert any(
        o.get("ename") == "RuntimeError" for c in failed_nb.cells for o in c.get("outputs", [])
    )
    assert (day / "land-02.pdf").read_bytes().startswith(b"%PDF")
    index = (day / "index.html").read_text(encoding="utf-8")
    assert "absichtlicher Fehler" in index and "letzter guter Stand" in index
    assert 'href="land-01.html"' in index and 'href="_failed/land-01.ipynb"' in index
    assert leftovers(day) == []

    # Offline HTML: the figure is there, the code is not, nothing is loaded from the network.
    for name, limit in (("land-01.html", 5.5e6), ("land-02.html", 0.5e6)):
        page = (day / name).read_text(encoding="utf-8")
        assert 'class="plotly-graph-div' in page and "Plotly.newPlot" in page
        assert "assert isinstance(anzahl, int)" not in page  # no code cells
        assert html.remote_resources(page) == []
        rest = page.replace(html.plotlyjs(), "")
        assert "https://cdn" not in rest and "require.js" not in rest.lower()
        assert re.search(r"src=[\"'][^\"']*mathjax", rest, re.I) is None
        assert len(page.encode()) <= limit
    # plotly's notebook renderer did ask for MathJax from a CDN; the export removed it.
    assert "cdnjs.cloudflare.com/ajax/libs/mathjax" in (day / "land-02.ipynb").read_text("utf-8")
    shared = (day / "land-02.html").read_text(encoding="utf-8")
    assert '<script src="plotly.min.js"></script>' in shared and html.plotlyjs() not in shared
    assert (day / "plotly.min.js").read_text(encoding="utf-8") == html.plotlyjs()


@pytest.mark.slow
def test_interrupt_leaves_no_partial_files_and_no_kernels(tmp_path, monkeypatch):
    out = tmp_path / "out"
    cfg = tmp_path / "slow.toml"
    cfg.write_text(
        f'notebooks_dir = "{FIXTURES.as_posix()}"\n'
        '[kinds.overview]\ntitle = "Langsam"\nnotebook = "slow.ipynb"\n',
        encoding="utf-8",
    )
    day = runner.dated_dir(out)
    day.mkdir(parents=True)
    (day / "overview.html").write_text("letzter guter Stand", encoding="utf-8")
    code = "from haefen_analysis.cli.report import app; app()"
    args = ["overview", "--config", str(cfg), "--out", str(out), "--engine", "kernel"]
    marker = uuid.uuid4().hex
    monkeypatch.setenv("HAEFEN_TEST_RUN", marker)
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not fixture_kernels(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fixture_kernels(marker), "the notebook's kernel never started"
        time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 130
        assert (day / "overview.html").read_text(encoding="utf-8") == "letzter guter Stand"
        assert leftovers(day) == [] and not (day / "overview.ipynb").exists()
        time.sleep(1)
        assert fixture_kernels(marker) == [], "a kernel outlived the interrupted run"
    finally:  # a failed assertion must not leave the slow run behind
        if proc.poll() is None:
            proc.terminate()  # the clean path: workers and kernels shut down too
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert "abgebrochen" in (day / "index.html").read_text(encoding="utf-8")


def fixture_kernels(marker: str) -> list[Path]:
    """Running kernels started under ``$HAEFEN_TEST_RUN=marker`` (by this test only: tests run
    in parallel, and other tests' kernels must not count)."""
    return [
        p
        for p in Path("/proc").glob("[0-9]*")
        if b"ipykernel" in _read(p / "cmdline")
        and f"HAEFEN_TEST_RUN={marker}".encode() in _read(p / "environ").split(b"\0")
    ]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_shared_plotlyjs_also_slims_the_kept_notebook():
    bundle = f"<script type='text/javascript'>{html.plotlyjs()}</script>"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": [bundle, "<div>x</div>"]})]
    nb.cells = [cell]
    slim = html.share_plotlyjs_in_notebook(nb)
    page = slim.cells[0].outputs[0]["data"]["text/html"]
    assert page == '<script src="plotly.min.js"></script><div>x</div>'


@pytest.mark.parametrize(
    "notebook", sorted((runner.config.PROJECT_DIR / "notebooks").glob("*.ipynb")), ids=str
)
def test_parameters_are_read_as_papermill_reads_them(notebook):
    """The runner reads the parameters cell itself (papermill's import costs ~1 s of a
    one-report command); what it finds must be what papermill injects against."""
    import ast

    import papermill

    expected = {
        name: ast.literal_eval(info["default"])
        for name, info in papermill.inspect_notebook(str(notebook)).items()
    }
    assert runner.notebook_parameters(notebook) == expected
    assert expected  # every report notebook has parameters


def test_a_notebook_without_parameters_is_refused(tmp_path):
    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "plain.ipynb"
    path.write_text(nbformat.writes(plain), encoding="utf-8")
    with pytest.raises(runner.ParameterError, match="keine Zelle mit dem Tag 'parameters'"):
        runner.notebook_parameters(path)

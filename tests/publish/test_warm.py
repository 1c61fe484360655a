"""The warm engine: the same outputs as a kernel, and nothing of one report visible to the next.

Equality: the same reports (a member profile, a Land report, the fixture report with its plotly
figure) run with ``--engine kernel`` and with the warm engine; every cell's outputs (text, HTML
with plotly's random div ids masked, the figure JSON), execution counts and errors must agree.
Isolation: in one worker, a report that changes everything a report can change (its variables,
builtins, environment, options, working folder, ``sys.path``, warnings, plotly's defaults, the
report helpers' state) runs between two runs of a report that shows that state; both must show
what a fresh kernel shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from haefen_analysis.publish import runner
from haefen_analysis.publish.config import load_config

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "runner"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FIGURE_ID = re.compile(r"\b(abb-\d+-)[0-9a-f]{6}\b")  # report.show's random element id
_CREATED = re.compile(r"Erstellt am \d\d\.\d\d\.\d{4} \d\d:\d\d")  # the provenance's clock


def _masked(text: str) -> str:
    text = _FIGURE_ID.sub(r"\1ID", _UUID.sub("ID", text))
    return _CREATED.sub("Erstellt am ZEIT", text)


def outputs(path: Path) -> list[dict]:
    """Per code cell: its source, execution count and outputs (random ids and the creation time
    masked)."""
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shown = []
        for out in cell.outputs:
            out = dict(out)
            if "data" in out:
                out["data"] = {
                    mime: json.dumps(value, sort_keys=True)
                    if mime.endswith("json")
                    else _masked("".join(value) if isinstance(value, list) else value)
                    for mime, value in out["data"].items()
                }
            shown.append(out)
        cells.append({"source": cell.source, "count": cell.execution_count, "outputs": shown})
    return cells


def test_both_engines_give_the_same_outputs(tmp_path):
    cfg = load_config()
    jobs = [
        *runner.plan(cfg, ["member"], ["Lübeck"]),
        *runner.plan(cfg, ["land"], ["SH"]),
        runner.Job("fixture", "test", "Fixture", FIXTURES / "report.ipynb", {"titel": "Ä & <b>"}),
    ]
    for engine in runner.ENGINES:
        opts = runner.Options(out_dir=tmp_path / engine, engine=engine, force=True)
        results, _ = runner.run(jobs, opts, workers=2)
        assert [r.status for r in results] == ["ok"] * len(jobs), [r.error for r in results]
    for job in jobs:
        warm = outputs(tmp_path / runner.WARM / f"{job.slug}.ipynb")
        kernel = outputs(tmp_path / runner.KERNEL / f"{job.slug}.ipynb")
        assert len(warm) == len(kernel) and warm, job.slug
        for number, (w, k) in enumerate(zip(warm, kernel, strict=True)):
            assert w == k, f"{job.slug}, Zelle {number}"
    # The figure is there in both, as plotly's JSON (what the HTML export draws).
    figures = [
        o for c in outputs(tmp_path / runner.WARM / "member-luebeck.ipynb") for o in c["outputs"]
    ]
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in figures)


def test_an_error_is_reported_as_a_kernel_reports_it(tmp_path):
    job = runner.Job("kaputt", "test", "Kaputt", FIXTURES / "broken.ipynb", {})
    errors = {}
    for engine in runner.ENGINES:
        opts = runner.Options(out_dir=tmp_path / engine, engine=engine, force=True)
        (result,), _ = runner.run([job], opts, workers=1)
        assert result.status == "failed"
        errors[engine] = result.error
        failed = outputs(tmp_path / engine / "_failed" / "kaputt.ipynb")
        (error,) = [o for c in failed for o in c["outputs"] if o["output_type"] == "error"]
        assert error["ename"] == "ValueError"
        assert "ValueError" in error["traceback"][-1]
    assert errors[runner.WARM] == errors[runner.KERNEL]
    assert "dieser Bericht schlägt immer fehl" in errors[runner.WARM]


LEAK = """
import builtins, os, sys, warnings
import pandas as pd
import plotly.io as pio
from haefen_analysis import report

geheim = 42
builtins.geheim_eingebaut = 1
os.environ["HAEFEN_LECK"] = "1"
pd.set_option("display.max_rows", 3)
os.chdir("/")
sys.path.append("/leck")
warnings.simplefilter("error")
pio.renderers.default = "json"
pio.templates.default = "plotly_dark"
report.setup(public=False)
print(os.getpid())
"""

SHOW = """
import builtins, os, sys, warnings
import pandas as pd
import plotly.io as pio
from haefen_analysis import report

state = {
    "geheim": "geheim" in globals(),
    "eingebaut": hasattr(builtins, "geheim_eingebaut"),
    "umgebung": os.environ.get("HAEFEN_LECK"),
    "zeilen": pd.get_option("display.max_rows"),
    "ordner": os.getcwd(),
    "pfad": "/leck" in sys.path,
    "warnungen": [f[0] for f in warnings.filters[:2]],
    "renderer": pio.renderers.default,
    "vorlage": pio.templates.default,
    "oeffentlich": report.is_public(),
}
print(os.getpid())
print(state)
"""


def notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("public = True")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "haefen", "display_name": "Python (haefen)"}
    nbformat.write(nb, path)
    return path


def test_a_report_sees_nothing_of_the_report_before(tmp_path):
    show = notebook(tmp_path / "zeigen.ipynb", SHOW)
    leak = notebook(tmp_path / "leck.ipynb", LEAK)
    jobs = [
        runner.Job("vorher", "test", "Vorher", show, {}),
        runner.Job("leck", "test", "Leck", leak, {}),
        runner.Job("nachher", "test", "Nachher", show, {}),
    ]
    opts = runner.Options(out_dir=tmp_path / "out", engine=runner.WARM)
    results, _ = runner.run(jobs, opts, workers=1)
    assert [r.status for r in results] == ["ok"] * 3, [r.error for r in results]

    def printed(slug: str) -> list[str]:
        (cell,) = outputs(tmp_path / "out" / f"{slug}.ipynb")[-1:]
        return "".join(o["text"] for o in cell["outputs"] if o["output_type"] == "stream").split(
            "\n"
        )

    before, leaked, after = printed("vorher"), printed("leck"), printed("nachher")
    assert before[0] == leaked[0] == after[0], "the three reports ran in different workers"
    assert before[1] == after[1]
    assert "'geheim': False" in after[1] and "'oeffentlich': True" in after[1]
    assert f"'ordner': '{tmp_path}'" in after[1] and "'zeilen': 60" in after[1]
    assert "'umgebung': None" in after[1] and "'vorlage': 'plotly_dark'" not in after[1]


def test_a_worker_collects_garbage_every_few_reports_not_after_each(monkeypatch):
    """IPython's reset runs a full collection (a tenth of a member profile in a worker that
    holds every table); the warm engine runs one after every ``COLLECT_EVERY`` reports."""
    from haefen_analysis.publish import warm

    collections = []
    monkeypatch.setattr(warm.gc, "collect", lambda *args: collections.append(args) or 0)
    monkeypatch.setattr(warm, "_closed", [0])
    for _ in range(2 * warm.COLLECT_EVERY):
        with warm.report_session() as kernel:
            assert kernel.execute("frame = list(range(10))", None)["status"] == "ok"
    assert len(collections) == 2


def test_a_lone_report_written_by_the_parent_is_the_one_a_worker_writes(tmp_path, monkeypatch):
    """With one report to build and a second core, the worker only runs the notebook and the
    parent writes its files (``runner._build``); they must be the files a worker writes."""
    job = runner.plan(load_config(), ["member"], ["Lübeck"])[0]
    written_here: list[str] = []  # write_outputs in this process (the worker's are not seen)
    write = runner.write_outputs
    monkeypatch.setattr(
        runner, "write_outputs", lambda job, *a: written_here.append(job.slug) or write(job, *a)
    )
    built = {}
    for cores in (1, 2):
        monkeypatch.setattr(runner.os, "cpu_count", lambda cores=cores: cores)
        opts = runner.Options(out_dir=tmp_path / f"{cores}", shared_plotlyjs=True, force=True)
        (result,), _ = runner.run([job], opts, workers=1)
        assert result.status == "ok", result.error
        built[cores] = {kind: opts.out_dir / name for kind, name in result.files.items()}
    assert written_here == [job.slug]  # only with two cores
    by_worker, by_parent = built[1], built[2]
    assert by_worker.keys() == by_parent.keys() and {"html", "ipynb", "xlsx"} <= by_parent.keys()
    assert outputs(by_worker["ipynb"]) == outputs(by_parent["ipynb"])
    page, worker_page = (built[n]["html"].read_text(encoding="utf-8") for n in (2, 1))
    cell_id = re.compile(r"cell-id=[0-9a-f]{8}")  # papermill's parameter cell: a new id each run
    assert cell_id.sub("", _masked(page)) == cell_id.sub("", _masked(worker_page))
    assert "Lübeck" in page and "plotly-graph-div" in page
    for kind in [k for k in by_parent if k.startswith("csv-")]:
        assert by_parent[kind].read_bytes() == by_worker[kind].read_bytes(), kind

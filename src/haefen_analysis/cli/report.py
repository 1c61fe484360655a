"""``haefen report all | overview | land LAND… | member NAME… | allocation``.

Parameters are checked before any kernel starts; errors are one line and exit code 1. A batch
goes on past a failing report (unless ``--fail-fast``) and exits 1 when anything failed.

The commands are built by one factory with closures in their annotations, so this module does
not use ``from __future__ import annotations`` (typer must evaluate them at definition time).
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from haefen_analysis.cli import common, early
from haefen_analysis.cli.common import (
    SkipWithoutBrowser,
    console,
    err_console,
    fail,
    say,
    skipped,
)

if TYPE_CHECKING:
    from haefen_analysis.publish.config import ReportConfig
    from haefen_analysis.publish.workers import WorkerPool

app = common.app(
    "Berichte aus den Notebooks: HTML ohne Code, ausgeführtes Notebook, PDF, Übersicht."
)

Jobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Parallele Notebooks (Vorgabe: Zahl der Kerne)."),
]
Pdf = Annotated[bool, typer.Option("--pdf", help="Auch PDF (Browser: Chromium) schreiben.")]
SharedJs = Annotated[
    bool,
    typer.Option(
        "--shared-plotlyjs/--self-contained",
        help="Eine gemeinsame plotly.min.js neben den Berichten (kleiner; ohne sie zeigt jede "
        "Abbildung einen Hinweis) oder plotly in jedem Bericht (Vorgabe: eine Datei, die "
        "allein verschickt werden kann).",
    ),
]
Public = Annotated[
    bool | None,
    typer.Option(
        "--public/--internal",
        help="Öffentlich: 1–2 Minderjährige als „< 3“ (Vorgabe aus reports.toml: öffentlich).",
    ),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="Basisordner (sonst $HAEFEN_REPORTS_DIR oder reports/)."),
]
FailFast = Annotated[
    bool,
    typer.Option(
        "--fail-fast/--continue-on-error", help="Beim ersten Fehler aufhören (Vorgabe: weiter)."
    ),
]
Limit = Annotated[
    int | None,
    typer.Option("--limit", min=1, help="Nur die ersten N Parametersätze je Berichtsart."),
]
Params = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="Parameter NAME=WERT für jeden Bericht (mehrfach)."),
]
ConfigPath = Annotated[
    Path | None, typer.Option("--config", help="Andere Berichtskonfiguration (TOML).")
]
Force = Annotated[
    bool,
    typer.Option("--force", help="Alles neu bauen, auch Berichte mit unveränderten Eingaben."),
]
EngineName = Annotated[
    str,
    typer.Option(
        "--engine",
        help="warm: Zellen in einer frischen IPython-Umgebung im laufenden Arbeitsprozess "
        "(Importe und Tabellen bleiben geladen); kernel: ein Jupyter-Kernel je Bericht.",
    ),
]
Timeout = Annotated[
    float, typer.Option("--timeout", min=1, help="Höchstdauer je Notebook-Zelle in Sekunden.")
]


def _overrides(params: list[str] | None) -> dict[str, str]:
    """``-p NAME=WERT`` pairs; values stay text here and are cast by the runner's check."""
    out: dict[str, str] = {}
    for item in params or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"-p {item!r}: erwartet NAME=WERT")
        out[name.strip()] = value
    return out


def _summary(jobs, results, opts) -> Table:
    from haefen_analysis.figures.theme import format_number
    from haefen_analysis.publish.portal import STATUS_LABELS

    table = Table(title=escape(f"Berichte in {opts.out_dir}"))
    for label in ("Bericht", "Status", "Sekunden", "Ausgabe"):
        table.add_column(label)
    for job, result in zip(jobs, results, strict=True):
        path = result.files.get("html") or result.failed_ipynb
        status = STATUS_LABELS.get(result.status, result.status)
        if result.error:
            status += f": {result.error}"
        seconds = format_number(result.seconds, 1, missing="–")  # "–": not run
        table.add_row(escape(job.title), escape(status), seconds, escape(path or "–"))
    return table


def _run(
    kinds: list[str],
    values: list[str] | None = None,
    *,
    jobs: int | None,
    pdf: bool,
    shared_plotlyjs: bool,
    public: bool | None,
    out: Path | None,
    fail_fast: bool,
    limit: int | None,
    params: list[str] | None,
    cfg: "ReportConfig",
    timeout: float,
    skip_without_browser: bool,
    force: bool = False,
    engine: str = "warm",
    pool: "WorkerPool | None" = None,
) -> None:
    from haefen_analysis import config
    from haefen_analysis.common import browser
    from haefen_analysis.errors import BrowserNotFoundError, OutputError
    from haefen_analysis.publish import runner

    runner.skip_iri_checker()  # this process only reads notebooks (see runner)
    if engine not in runner.ENGINES:
        fail(f"--engine {engine!r}: erlaubt sind {', '.join(runner.ENGINES)}")
    config.data_dir()  # a missing $HAEFEN_DATA_DIR fails here, not in every notebook
    planned = runner.plan(cfg, kinds, values, _overrides(params), public, limit)
    if not planned:
        fail("keine Berichte ausgewählt")
    no_pdf = None  # why the PDFs are skipped (said after the HTML reports are written)
    if pdf:
        try:
            browser.find()
        except BrowserNotFoundError as exc:
            if not skip_without_browser:
                raise
            no_pdf, pdf = exc, False
    try:
        out_dir = runner.prepare_out_dir(runner.dated_dir(out))  # before any kernel starts
    except OutputError as exc:
        fail(f"--out {out or config.reports_dir()}: {exc}")
    opts = runner.Options(
        out_dir=out_dir,
        pdf=pdf,
        shared_plotlyjs=shared_plotlyjs,
        timeout=timeout,
        force=force,
        engine=engine,
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=err_console) as progress:
        task = progress.add_task("Berichte", total=len(planned))

        def advance(job, result) -> None:
            progress.update(task, advance=1, description=f"{job.slug}: {result.status}")

        results, interrupted = runner.run(
            planned, opts, jobs or os.cpu_count(), fail_fast, on_result=advance, pool=pool
        )
    console.print(_summary(planned, results, opts))
    say(f"Übersicht: {opts.out_dir / 'index.html'}")
    if no_pdf is not None:
        count = f"{len(planned)} Bericht" + ("e" if len(planned) != 1 else "")
        skipped(f"PDF ({count}, nur HTML geschrieben)", no_pdf)
    if interrupted:
        raise typer.Exit(130)
    failed = [r for r in results if r.status not in runner.GOOD]
    if failed:
        fail(f"{len(failed)} von {len(results)} Berichten ohne Erfolg")


@app.callback()
def _group() -> None:
    """Berichte aus den Notebooks: HTML ohne Code, ausgeführtes Notebook, PDF, Übersicht."""


def _kind_command(name: str, help_text: str, kind: str | None, subject: str | None = None) -> None:
    """Register ``haefen report <name>`` for one kind (``kind=None``: every kind in_all)."""

    def command(
        values: Annotated[
            list[str] | None,
            typer.Argument(
                help=subject[1] if subject else "",
                metavar=subject[0] if subject else "",
                hidden=subject is None,
            ),
        ] = None,
        land: Annotated[
            str | None,
            typer.Option(
                "--land", help="Land, wenn ein Name mehrdeutig ist.", hidden=kind != "member"
            ),
        ] = None,
        jobs: Jobs = None,
        pdf: Pdf = False,
        shared_plotlyjs: SharedJs = False,
        public: Public = None,
        out: Out = None,
        fail_fast: FailFast = False,
        limit: Limit = None,
        param: Params = None,
        config_path: ConfigPath = None,
        timeout: Timeout = 600,
        skip_without_browser: SkipWithoutBrowser = False,
        force: Force = False,
        engine: EngineName = early.ENGINE,
    ) -> None:
        # One worker imports while this process imports and plans (~1.5 s): a single report
        # waits that much less (started by the console script already, ``cli.early``, or
        # now); stopped at once if nothing needs building.
        pool = early.pool(jobs or os.cpu_count() or 1, engine)
        try:
            from haefen_analysis.publish.config import load_config
            from haefen_analysis.publish.runner import member_parameter

            cfg = load_config(config_path)
            kinds = [kind] if kind else [k.name for k in cfg.kinds.values() if k.in_all]
            if land is not None:
                values = [member_parameter(v, land) for v in values or []]
            _run(
                kinds,
                values or None,
                jobs=jobs,
                pdf=pdf,
                shared_plotlyjs=shared_plotlyjs,
                public=public,
                out=out,
                fail_fast=fail_fast,
                limit=limit,
                params=param,
                cfg=cfg,
                timeout=timeout,
                skip_without_browser=skip_without_browser,
                force=force,
                engine=engine,
                pool=pool,
            )
        finally:
            pool.stop()

    command.__doc__ = help_text
    app.command(name)(command)


_kind_command("all", "Der Gesamtsatz: Überblick, 16 Länder, alle Mitgliedsprofile.", None)
_kind_command("overview", "Überblick Deutschland.", "overview")
_kind_command(
    "land", "Landesberichte (ohne LAND: alle 16).", "land", ("LAND", "z. B. SH, 01, Bayern")
)
_kind_command(
    "member",
    "Mitgliedsprofile (ohne NAME: alle erklärten).",
    "member",
    ("NAME", "Gemeinde oder member_id"),
)
_kind_command(
    "allocation", "Verteilungsszenarien (Sätze aus reports.toml, -p ändert sie).", "allocation"
)

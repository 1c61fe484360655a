"""Run parameterised notebooks into reports: check, execute in a process pool, write atomically.

papermill alone injects unknown parameters silently, passes ``-p`` values as strings and lets
one failing notebook end a batch. Here:

* :func:`plan` checks every parameter set against the notebook's ``parameters`` cell and the
  data (Länder, members) and casts values to the type of the notebook's default, before any
  kernel starts;
* :func:`run` executes the jobs in a pool of long-lived workers (``workers.WorkerPool``:
  papermill and nbconvert are imported once per worker, not once per notebook), keeps going
  past failures unless told otherwise, and moves outputs into place only when a report
  succeeded. A failed notebook is kept in ``_failed/`` and never replaces the last good report;
* reuses a report whose key (``publish.inputs``: notebook, parameters, the data rows it reads,
  package, output options) matches a good output of this or an earlier dated folder, placed
  into this folder (``Options.force`` rebuilds);
* runs notebooks with the warm engine (``publish.warm``: cells in a fresh IPython shell inside
  the worker, imports and tables loaded once) or one kernel per report (``engine="kernel"``).

Every wait is bounded: kernel start (``Options.kernel_start_timeout``), each cell
(``timeout``), the PDF print, each report as a whole (``report_timeout``, enforced by the
parent, which stops the worker). A worker, kernel or browser that dies fails its report and the
batch goes on. Workers die with the parent, kernels exit when their worker is gone (ipykernel
polls its parent), and the next run removes a killed run's work folder.

Workers are started with "spawn" (no fork of a process that runs threads, e.g. the progress
bar): a script that calls :func:`run` needs the usual ``if __name__ == "__main__":`` guard.
The ``haefen`` command, pytest and Jupyter need nothing.
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from functools import cache
from hashlib import sha1
from pathlib import Path
from typing import Any

from haefen_analysis import config
from haefen_analysis.common import dates, digests
from haefen_analysis.common.files import (
    atomic_write,
    output_error,
    place_copy,
    private_folder,
    remove_stale,
)
from haefen_analysis.errors import HaefenError, ParameterError
from haefen_analysis.publish import exports, html, inputs, pdf, portal
from haefen_analysis.publish.config import Kind, ReportConfig
from haefen_analysis.publish.workers import WorkerPool
from haefen_analysis.report import PLOTLYJS_SRC_ENV

#: The Jupyter kernel the reports run in (``make venv`` registers it inside the venv).
KERNEL_NAME = "haefen"

#: jsonschema imports rfc3987-syntax only to check the "iri" string formats; the import builds
#: a Lark grammar (~1.1 s, design notes §3) in every process that imports nbformat: the runner
#: and each kernel that shows a plotly figure. nbformat's schemas use no string formats, so
#: marking the module absent (``None`` in ``sys.modules`` makes ``import`` raise ImportError,
#: which jsonschema handles) loses nothing the reports use.
IRI_CHECKER_MODULE = "rfc3987_syntax"
KERNEL_FAST_IMPORTS = (
    f"--IPKernelApp.exec_lines=__import__('sys').modules.setdefault({IRI_CHECKER_MODULE!r}, None)"
)

_TRUE = {"true", "1", "ja", "yes", "wahr", "on"}
_FALSE = {"false", "0", "nein", "no", "falsch", "off"}
_TYPE_LABELS = {bool: "Wahrheitswert", int: "ganze Zahl", float: "Zahl", str: "Text"}
_UNTYPED = object()


def skip_iri_checker() -> None:
    """Spare this process the rfc3987-syntax import (see ``IRI_CHECKER_MODULE``)."""
    sys.modules.setdefault(IRI_CHECKER_MODULE, None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Job:
    """One notebook run: ``slug`` names its files (``land-01.html``)."""

    slug: str
    kind: str
    title: str
    notebook: Path
    parameters: dict[str, Any]
    kind_order: int = 0
    order: int = 0
    subject: str | None = None  # the value of the kind's subject parameter (a Land, a member)
    inputs: inputs.Inputs = field(default=inputs.Inputs(), compare=False)


#: How notebooks run: "warm" (``publish.warm``: cells in a fresh IPython shell inside the
#: long-lived worker, imports and loaded tables kept) or "kernel" (one Jupyter kernel per
#: report, the reference).
WARM, KERNEL = "warm", "kernel"
ENGINES = (WARM, KERNEL)

#: Result statuses that leave a current report in the folder.
GOOD = ("ok", "reused")


@dataclass(frozen=True)
class Options:
    out_dir: Path  # the dated folder, e.g. reports/2025-11-22
    kernel: str = KERNEL_NAME
    timeout: float | None = 600  # per cell: a hung kernel must not hang the batch
    kernel_start_timeout: float = 60  # a kernel that does not answer in time fails its report
    report_timeout: float = 1800  # per report, in the parent: a hung worker is stopped
    pdf: bool = False
    shared_plotlyjs: bool = False
    fast_imports: bool = True
    force: bool = False  # rebuild even a report whose inputs have not changed
    engine: str = "warm"  # see ENGINES

    def output_key(self) -> dict[str, Any]:
        """The options that change what a report's files hold (part of its key)."""
        return {"pdf": self.pdf, "shared_plotlyjs": self.shared_plotlyjs}


@dataclass
class Result:
    slug: str
    status: str  # ok | reused | failed | skipped | interrupted
    seconds: float | None = None
    files: dict[str, str] = field(default_factory=dict)  # html/ipynb/pdf -> name in out_dir
    error: str | None = None
    failed_ipynb: str | None = None
    finished: str | None = None
    key: str | None = None  # what the report was built from (``publish.inputs``)
    reused_from: str | None = None  # the folder a reused report was built in


# --- checking parameters ---------------------------------------------------------------------


@cache
def _declared(path: Path, stamp: float) -> dict[str, Any]:
    """The assignments of the cell tagged ``parameters``, read as papermill reads them (its
    own ``inspect_notebook`` imports papermill, nbclient and jupyter_client: ~1 s of a
    one-report command that executes nothing in this process)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError) as exc:
        raise ParameterError(f"{path}: kein lesbares Notebook ({exc})") from None
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    source = tagged[0].get("source", "") if tagged else ""
    try:
        tree = ast.parse("".join(source) if isinstance(source, list) else source)
    except SyntaxError as exc:
        raise ParameterError(f"{path}: Parameterzelle, Zeile {exc.lineno}: {exc.msg}") from None
    defaults: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                defaults[target.id] = ast.literal_eval(value)
            except ValueError:
                defaults[target.id] = _UNTYPED
    if not defaults:
        raise ParameterError(f"{path}: keine Zelle mit dem Tag 'parameters' (oder sie ist leer)")
    return defaults


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Names and default values of the notebook's ``parameters`` cell (read with papermill)."""
    if not path.is_file():
        raise ParameterError(f"{path}: Notebook nicht gefunden")
    return _declared(path, path.stat().st_mtime)


def cast(name: str, value: Any, default: Any) -> Any:
    """``value`` as the type of the notebook's default (CLI values arrive as text)."""
    if default is _UNTYPED or default is None:
        return value
    target = type(default)
    text = value.strip() if isinstance(value, str) else None
    if target is bool:
        if isinstance(value, bool):
            return value
        if text is not None and text.casefold() in _TRUE | _FALSE:
            return text.casefold() in _TRUE
    elif target is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if text is not None:
            with suppress(ValueError):
                return int(text)
    elif target is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if text is not None:
            with suppress(ValueError):
                return float(text)
    elif isinstance(value, target):
        return value
    elif text is not None:
        with suppress(ValueError, SyntaxError):
            parsed = ast.literal_eval(text)
            if isinstance(parsed, target):
                return parsed
    label = _TYPE_LABELS.get(target, target.__name__)
    raise ParameterError(
        f"Parameter {name}={value!r}: erwartet {label} (Vorgabe im Notebook: {default!r})"
    )


def land_parameter(value: Any) -> str:
    """Any spelling of a Land ("SH", "Schleswig-Holstein", "1") as its AGS code."""
    from haefen_analysis.ingest.codes import land_code

    return land_code(value)


@cache
def _names_of(stamp: tuple) -> dict[str, str]:
    from haefen_analysis import datasets

    members = datasets.members()
    return dict(zip(members["member_id"], members["name"], strict=True))


def member_names() -> dict[str, str]:
    """member_id → name, read once per version of the table (a plan asks for every job)."""
    from haefen_analysis import datasets

    return _names_of(datasets.version("members"))


def member_parameter(value: Any, land: str | None = None) -> str:
    """A member_id as it is, else a name resolved to one (ambiguous names need the Land)."""
    from haefen_analysis.ingest.names import resolve_member

    text = str(value).strip()
    if land is None and text in member_names():
        return text
    return resolve_member(text, land)


_SUBJECT_CHECKS: dict[str, Callable[[Any], str]] = {
    "land": land_parameter,
    "gemeinde": member_parameter,
}


def check_parameters(notebook: Path, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters as the notebook will receive them; ``ParameterError`` otherwise."""
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"{notebook.name}: unbekannte(r) Parameter {', '.join(unknown)}; "
            f"das Notebook nimmt: {', '.join(declared)}"
        )
    checked: dict[str, Any] = {}
    for name, value in parameters.items():
        if name in _SUBJECT_CHECKS:
            try:
                value = _SUBJECT_CHECKS[name](value)
            except ValueError as exc:
                raise ParameterError(
                    f"{notebook.name}: Parameter {name}={value!r}: {exc}"
                ) from None
        try:
            checked[name] = cast(name, value, declared[name])
        except ParameterError as exc:
            raise ParameterError(f"{notebook.name}: {exc}") from None
    return checked


# --- planning --------------------------------------------------------------------------------


def _expand(kind: Kind) -> list[tuple[str | None, dict[str, Any]]]:
    """(set name, parameters) for every configured parameter set of a kind."""
    if kind.values == "laender":
        from haefen_analysis.ingest.codes import laender

        return [(None, {kind.parameter: land.ags}) for land in laender()]
    if kind.values == "declared_members":
        from haefen_analysis import datasets

        members = datasets.members()
        ids = members.loc[members["status"] == "declared", "member_id"]
        return [(None, {kind.parameter: mid}) for mid in ids]
    if kind.values is not None:
        return [(None, {kind.parameter: v}) for v in kind.values]
    if kind.sets:
        return [
            (one.get("name", str(i + 1)), {k: v for k, v in one.items() if k != "name"})
            for i, one in enumerate(kind.sets)
        ]
    return [(None, {})]


def _slug(text: str) -> str:
    from haefen_analysis.ingest.codes import fold

    return fold(text).replace(" ", "-") or "x"


def _label(name: str, value: Any) -> str:
    """What a reader calls the subject: the Land's or member's name, else the value."""
    if name == "land":
        from haefen_analysis.ingest.codes import land_name

        return land_name(value)
    if name == "gemeinde":
        return str(member_names().get(value, value))
    return str(value)


def plan(
    cfg: ReportConfig,
    kinds: Iterable[str],
    values: Iterable[Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    public: bool | None = None,
    limit: int | None = None,
) -> list[Job]:
    """Every job of the given kinds, checked. ``values`` replace a kind's configured values of
    its subject parameter (``haefen report land SH``); ``overrides`` apply to every set and are
    cast like the rest (``-p public=vielleicht`` is an error, never the default)."""
    overrides = dict(overrides or {})
    if public is not None and "public" in overrides:
        raise ParameterError(
            f"public zweimal angegeben (-p public={overrides['public']} und --public/--internal)"
        )
    values = list(values) if values is not None else None
    jobs: dict[str, Job] = {}
    for name in kinds:
        kind = cfg.kind(name)
        if values is not None:
            if kind.parameter is None:
                raise ParameterError(
                    f"Berichtsart {name!r} hat keinen Hauptparameter; Werte mit -p NAME=WERT"
                )
            sets = [(None, {kind.parameter: v}) for v in values]
        else:
            sets = _expand(kind)
        for order, (set_name, params) in enumerate(sets[:limit]):
            wanted = {"public": cfg.public if public is None else public, **params, **overrides}
            checked = check_parameters(kind.notebook, wanted)
            subject = checked.get(kind.parameter) if kind.parameter else None
            slug, title = kind.name, kind.title
            if set_name is not None:
                slug, title = f"{slug}-{_slug(set_name)}", f"{title}: {set_name}"
            elif subject is not None:
                slug = f"{slug}-{_slug(str(subject))}"
                title = f"{title}: {_label(kind.parameter, subject)}"
            if overrides:
                digest = json.dumps(overrides, sort_keys=True, default=str).encode()
                slug += f"-{sha1(digest).hexdigest()[:8]}"
            job = Job(
                slug,
                kind.name,
                title,
                kind.notebook,
                checked,
                kind.order,
                order,
                str(subject) if subject is not None else None,
                kind.inputs,
            )
            jobs.setdefault(slug, job)
    return list(jobs.values())


# --- executing (in the worker processes) -----------------------------------------------------


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds papermill, whose cleanup shuts the kernel down


_log: list[str] = []  # the log this worker's output goes to


def _log_to(path: str | None) -> None:
    """This process's output (and its kernels') into ``path``: their chatter must not cut
    into the progress bar. A worker started early learns its log with its first job."""
    if path is None or _log == [path]:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    _log[:] = [path]


def _init_worker(log_path: str | None, fast_imports: bool, engine: str = "kernel") -> None:
    """Once per worker: signals, kernel output to a log (``None``: from the first job on),
    the imports every notebook needs (with the warm engine also the libraries and tables the
    reports use)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides on Ctrl-C
    signal.signal(signal.SIGTERM, _stop)
    _log_to(log_path)
    if fast_imports:
        skip_iri_checker()
    import papermill  # noqa: F401 - imported once here, not once per notebook

    html.plotlyjs()  # nbconvert's templates load with the first export: a lone report's
    # worker never needs them (its parent writes the files, ``_build``)
    if engine == WARM:
        from haefen_analysis.publish import warm

        warm.prepare()


def _now() -> str:
    return dates.german_time(dates.now(), seconds=True)


def _describe(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (Zelle [{exc.exec_count}])"
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _engine(name: str) -> dict[str, str]:
    """papermill's ``engine_name`` for an engine of :data:`ENGINES` (the kernel: its default)."""
    if name == WARM:
        from haefen_analysis.publish import warm

        return {"engine_name": warm.ENGINE_NAME}
    return {}


@dataclass
class Executed:
    """A notebook a worker ran whose files the parent writes (:func:`write_outputs`)."""

    nb: Any  # the executed notebook (nbformat's NotebookNode)
    seconds: float


def execute(job: Job, opts: Options, work_dir: str, outputs: bool = True) -> Result | Executed:
    """Run one job; outputs go to ``work_dir`` first and into ``opts.out_dir`` only on success.
    ``outputs=False``: only the notebook, its files are left to the parent (see ``_build``)."""
    import papermill

    _log_to(str(kernel_log(opts.out_dir)))
    start = time.perf_counter()
    staged_nb = Path(work_dir) / f"{job.slug}.ipynb"
    if opts.shared_plotlyjs:  # figures load the shared file: no copy through the notebook
        os.environ[PLOTLYJS_SRC_ENV] = html.PLOTLYJS_NAME
    else:
        os.environ.pop(PLOTLYJS_SRC_ENV, None)
    try:
        nb = papermill.execute_notebook(
            str(job.notebook),
            str(staged_nb),
            parameters=job.parameters,
            kernel_name=opts.kernel,
            progress_bar=False,
            request_save_on_cell_execute=False,  # 2 saves, not 2 per cell (~0.2 s per report)
            cwd=str(job.notebook.parent),
            execution_timeout=opts.timeout,
            start_timeout=opts.kernel_start_timeout,
            extra_arguments=[KERNEL_FAST_IMPORTS] if opts.fast_imports else [],
            **_engine(opts.engine),
        )
    except Exception as exc:
        return _failed(job, opts, staged_nb, time.perf_counter() - start, exc)
    if not outputs:
        return Executed(nb, time.perf_counter() - start)
    # The first export imports nbconvert, whose modules add warning filters; the next report
    # must not see them (a kernel never imports nbconvert).
    with warnings.catch_warnings():
        return write_outputs(job, opts, work_dir, Executed(nb, time.perf_counter() - start))


def write_outputs(job: Job, opts: Options, work_dir: str, executed: Executed) -> Result:
    """The files of an executed notebook: HTML without code, CSV and XLSX, the PDF."""
    start = time.perf_counter() - executed.seconds
    work = Path(work_dir)
    staged_nb = work / f"{job.slug}.ipynb"
    staged: dict[str, Path] = {"ipynb": staged_nb}
    nb = executed.nb
    try:
        page = html.to_html(nb, job.title)
        page = exports.finish_page(page, job.slug, job.title, job.parameters, opts.out_dir)
        if remote := html.remote_resources(page):
            raise html.ExportError(f"HTML lädt aus dem Netz: {', '.join(remote[:3])}")
        staged["html"] = atomic_write(work / f"{job.slug}.html", page)
        staged |= exports.write_data(nb, job.slug, work)  # CSV per table and figure, XLSX
        if opts.pdf:  # shared plotly.js: the work folder has a copy (``_build``)
            staged["pdf"] = pdf.write_pdf(staged["html"], work / f"{job.slug}.pdf", title=job.title)
        if opts.shared_plotlyjs and (shared_page := html.share_plotlyjs(page)) != page:
            import nbformat  # a kernel that embedded plotly.js after all (another version)

            atomic_write(staged["html"], shared_page)
            atomic_write(staged_nb, nbformat.writes(html.share_plotlyjs_in_notebook(nb)))
    except Exception as exc:
        return _failed(job, opts, staged_nb, time.perf_counter() - start, exc)
    files = {}
    for kind, path in staged.items():
        name = path.relative_to(work).as_posix()  # e.g. daten/land-01-03.csv
        (opts.out_dir / name).parent.mkdir(exist_ok=True)
        os.replace(path, opts.out_dir / name)
        files[kind] = name
    (opts.out_dir / "_failed" / staged_nb.name).unlink(missing_ok=True)  # fixed now
    return Result(job.slug, "ok", time.perf_counter() - start, files, finished=_now())


def _failed(job: Job, opts: Options, staged_nb: Path, seconds: float, exc: Exception) -> Result:
    """A failed report; its notebook as far as it ran is kept in ``_failed/``."""
    failed = None
    if staged_nb.exists():
        target = opts.out_dir / "_failed" / staged_nb.name
        target.parent.mkdir(exist_ok=True)
        os.replace(staged_nb, target)
        failed = target.relative_to(opts.out_dir).as_posix()
    return Result(job.slug, "failed", seconds, {}, _describe(exc), failed)


# --- the batch (in the parent process) -------------------------------------------------------


#: Seconds between two writes of the portal during a batch: rendering it for 270 reports
#: takes ~0.3 s, and after every report that was a third of the parent's CPU in a full build.
PORTAL_INTERVAL = 5.0


class Manifest:
    """What the dated folder holds (``manifest.json``) and its ``index.html``: written at
    most every ``PORTAL_INTERVAL`` seconds during a batch and always at its end (also when it
    is interrupted), so that a folder being built shows its progress and a finished or
    stopped batch leaves a correct index."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / "manifest.json"
        self.records: dict[str, dict[str, Any]] = {}
        self._written = -PORTAL_INTERVAL  # monotonic time of the last write
        #: the set's own files (``exports.publish_set``) and the key they were built from
        self.set: dict[str, Any] = {}
        if self.path.exists():
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.records, self.set = raw["reports"], raw.get("set") or {}

    def _good(self, slug: str) -> dict[str, Any] | None:
        good = self.records.get(slug, {}).get("good")
        if good and all((self.out_dir / f).exists() for f in good["files"].values()):
            return good
        return None

    def record(self, job: Job, result: Result, write: bool = True) -> None:
        good = self._good(job.slug)
        if result.status in GOOD:
            good = {"finished": result.finished, "files": result.files, "key": result.key}
        described = {k: v for k, v in asdict(job).items() if k != "inputs"}
        record = described | asdict(result) | {"good": good, "notebook": job.notebook.name}
        self.records[job.slug] = record
        if write and time.monotonic() - self._written >= PORTAL_INTERVAL:
            self.write()

    def set_current(self, key: str) -> bool:
        """Whether the set's files in this folder were built from ``key`` and are all there."""
        files = self.set.get("files") or []
        return self.set.get("key") == key and all((self.out_dir / f).is_file() for f in files)

    def write(self) -> None:
        self._written = time.monotonic()
        try:
            day = dates.german_iso(self.out_dir.name)
        except ValueError:  # run() called with a folder that is not named by date
            day = self.out_dir.name
        content = {"reports": self.records, "set": self.set}
        data = json.dumps(content, ensure_ascii=False, indent=1, default=str)
        atomic_write(self.path, data)
        page = portal.index_html(self.records.values(), day, self.out_dir)
        atomic_write(self.out_dir / "index.html", page)


def report_keys(jobs: list[Job], opts: Options) -> tuple[dict[str, str], str]:
    """Every job's key (``publish.inputs``) and the key of the set's own files (the whole
    data, the package, the day: the registry's catalogue is dated); the data folder and the
    package are read once."""
    from haefen_analysis.publish import changes

    data = inputs.DataIndex()
    package = digests.package_hash()
    try:  # the page shows what changed since the previous set (``exports.finish_page``)
        since = changes.since_previous(opts.out_dir)
    except HaefenError:  # data that does not read: the reports will say so
        since = (None, [])
    keys = {}
    for job in jobs:
        output = opts.output_key() | {"changes": exports.changes_section(job.parameters, *since)}
        data_key = data.key(job.inputs, job.subject)
        keys[job.slug] = inputs.report_key(job.notebook, job.parameters, data_key, package, output)
    whole = data.key(inputs.Inputs(), None)
    return keys, digests.digest(whole, package, dates.now().date().isoformat())


class Earlier:
    """The last good outputs of this folder and of the dated folders before it, by key."""

    def __init__(self, manifest: Manifest) -> None:
        self.out_dir = manifest.out_dir
        folders = sorted(
            (  # dated folders; not ``latest``, the link to one of them
                p
                for p in self.out_dir.parent.iterdir()
                if p.is_dir() and not p.is_symlink() and p != self.out_dir
            ),
            reverse=True,
        )
        self._folders = [self.out_dir, *folders]
        self._records: dict[Path, dict[str, Any]] = {self.out_dir: manifest.records}

    def _of(self, folder: Path) -> dict[str, Any]:
        if folder not in self._records:
            try:
                raw = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
                self._records[folder] = raw["reports"]
            except (OSError, ValueError, KeyError, TypeError):
                self._records[folder] = {}
        return self._records[folder]

    def find(self, slug: str, key: str) -> tuple[Path, dict[str, Any]] | None:
        """The newest good output of ``slug`` built from ``key`` whose files all exist."""
        for folder in self._folders:
            good = (self._of(folder).get(slug) or {}).get("good")
            if (
                isinstance(good, dict)
                and good.get("key") == key
                and all((folder / f).is_file() for f in good["files"].values())
            ):
                return folder, good
        return None


def reuse(job: Job, key: str, folder: Path, good: dict[str, Any], opts: Options) -> Result:
    """The earlier output in ``opts.out_dir`` (a hard link, else a copy, moved into place
    atomically): each dated folder is complete on its own."""
    if folder != opts.out_dir:
        for name in good["files"].values():  # e.g. daten/land-01-03.csv
            (opts.out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            place_copy(folder / name, opts.out_dir / name)
    return Result(
        job.slug,
        "reused",
        None,
        dict(good["files"]),
        finished=good["finished"],
        key=key,
        reused_from=folder.name,
    )


def kernel_log(out_dir: Path) -> Path:
    """Where the workers and kernels of a run in ``out_dir`` write their output."""
    return out_dir / "_logs" / "kernels.log"


def dated_dir(base: Path | None = None) -> Path:
    """``reports/<YYYY-MM-DD>`` (German time) under ``base`` or ``config.reports_dir()``."""
    return config.reports_dir(base) / dates.now().strftime("%Y-%m-%d")


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A batch stopped by cron or CI (SIGTERM) cleans up like one stopped with Ctrl-C."""
    if sys.platform == "win32" or multiprocessing.parent_process() is not None:
        yield
        return
    try:
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def prepare_out_dir(path: Path) -> Path:
    """Create the dated output folder and prove it writable, before any kernel starts:
    ``--out`` naming a file or a read-only place is one ``OutputError`` naming it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(path, exc) from None
    shutil.rmtree(private_folder(path, "probe"))
    return path


def _prepare_run(opts: Options) -> Path:
    """The dated folder, cleared of what a killed run left, with its shared files."""
    out = prepare_out_dir(opts.out_dir)
    for folder in (out, out / "_failed"):
        if folder.is_dir():
            remove_stale(folder)
    (out / "_logs").mkdir(exist_ok=True)
    if opts.shared_plotlyjs:
        html.write_plotlyjs(out)
    return out


def run(
    jobs: list[Job],
    opts: Options,
    workers: int | None = None,
    fail_fast: bool = False,
    on_result: Callable[[Job, Result], None] | None = None,
    pool: WorkerPool | None = None,
) -> tuple[list[Result], bool]:
    """Execute ``jobs``; returns the results in job order and whether the batch was interrupted.

    Failures never stop the batch unless ``fail_fast``; then jobs not started are "skipped".
    A worker that dies or overruns ``opts.report_timeout`` fails its report only. Leftovers of
    a run that was killed (its work folder, half-written files) are removed first. ``pool``:
    workers started early (``WorkerPool(n, workers.RUNNER_INIT, (None, fast_imports, engine))``),
    used if anything is to be built and stopped otherwise.
    """
    out = _prepare_run(opts)
    manifest = Manifest(out)
    results: dict[str, Result] = {}

    def finish(job: Job, result: Result, write: bool = True) -> None:
        results[job.slug] = result
        manifest.record(job, result, write)
        if on_result:
            on_result(job, result)

    keys, set_key = report_keys(jobs, opts)
    earlier = None if opts.force else Earlier(manifest)
    for job in jobs:
        if earlier and (found := earlier.find(job.slug, keys[job.slug])):
            finish(job, reuse(job, keys[job.slug], *found, opts), write=False)

    problems: list[HaefenError] = []  # of the set step: said after the reports

    def set_step() -> None:
        """The set's own files, unless this folder has them from the same data and code."""
        if opts.force or not manifest.set_current(set_key):
            try:
                manifest.set = {"key": set_key, "files": exports.publish_set(out)}
            except HaefenError as exc:  # data that does not read: each report says so too
                manifest.set = {}
                problems.append(exc)

    todo = [job for job in jobs if job.slug not in results]
    if todo:  # the set step runs in this process while the workers start and build
        interrupted = _build(todo, opts, workers, fail_fast, keys, finish, set_step, pool)
    else:
        if pool is not None:
            pool.stop()
        set_step()
        interrupted = False
    rest = "interrupted" if interrupted else "skipped"
    for job in jobs:
        if job.slug not in results:
            finish(job, Result(job.slug, rest), write=False)
    if not interrupted and not problems:
        exports.point_latest(out)
    manifest.write()  # every result, and the portal with the registry and calendar links
    if problems:
        raise problems[0]
    return [results[job.slug] for job in jobs], interrupted


def _ready_to_write() -> None:
    """Load what writing a report's files needs (nbconvert's templates, openpyxl) before the
    lone report's notebook comes back."""
    import openpyxl  # noqa: F401 - ``xlsx_bytes`` imports it on first use

    html.warm_up()


def _then(*steps: Callable[[], None] | None) -> Callable[[], None]:
    """One ``meanwhile`` of several steps (``None``: none)."""

    def run_all() -> None:
        for step in steps:
            if step is not None:
                step()

    return run_all


def _build(
    todo: list[Job],
    opts: Options,
    workers: int | None,
    fail_fast: bool,
    keys: Mapping[str, str],
    finish: Callable[[Job, Result], None],
    meanwhile: Callable[[], None] | None = None,
    pool: WorkerPool | None = None,
) -> bool:
    """Execute ``todo`` in the worker pool (``pool``: one started early; ``meanwhile`` runs
    here once the first jobs are sent); returns whether the batch was interrupted."""
    out = opts.out_dir
    work = private_folder(out, "run")
    if opts.shared_plotlyjs:  # what a PDF printed from the work folder loads
        place_copy(out / html.PLOTLYJS_NAME, work / html.PLOTLYJS_NAME)
    size = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    if pool is None:
        pool = WorkerPool(size, _init_worker, (None, opts.fast_imports, opts.engine))
    pool.size = size
    pool.initargs = (str(kernel_log(out)), opts.fast_imports, opts.engine)  # replacements
    # A lone report on a machine with a second core: the worker only runs the notebook, and
    # this process, idle otherwise, loads nbconvert meanwhile and writes the files (~0.4 s
    # sooner). In a batch every core is a worker's, and each writes its own reports' files.
    lone = len(todo) == 1 and (os.cpu_count() or 1) > 1
    interrupted = False
    try:
        with _sigterm_as_interrupt():
            done = pool.run(
                execute,
                todo,
                (opts, str(work), not lone),
                timeout=opts.report_timeout,
                meanwhile=_then(meanwhile, _ready_to_write if lone else None),
            )
            for job, result, error in done:
                if error is not None:  # the worker died, overran or broke
                    result = Result(job.slug, "failed", None, error=error)
                elif isinstance(result, Executed):  # a lone report: its files are written here
                    try:
                        result = write_outputs(job, opts, str(work), result)
                    except Exception as exc:  # fails this report, as a worker's would
                        result = Result(job.slug, "failed", None, error=_describe(exc))
                if result.status == "ok":
                    result.key = keys[job.slug]
                finish(job, result)
                if fail_fast and result.status not in GOOD:
                    break
            done.close()  # stops the pool (also after fail_fast)
    except KeyboardInterrupt:
        interrupted = True
        pool.interrupt()  # SIGTERM: each worker unwinds and shuts its kernel down
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return interrupted

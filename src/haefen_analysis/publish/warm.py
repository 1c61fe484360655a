"""The warm engine: each report's cells in a fresh IPython shell inside a long-lived worker,
with the outputs a kernel would give them.

A kernel per report pays every time for starting Python, importing pandas, geopandas and
plotly and loading the same validated tables: most of a report's time. Here the worker pays
once and keeps its imports and the loaders' caches; each report gets a new shell with an empty
namespace. The shell is ipykernel's own ``ZMQInteractiveShell`` (libraries that look for a
kernel, plotly's renderer choice among them, find one), and its messages take the way a
kernel's take: built by ipykernel's display publisher and display hook, serialised and read
back by jupyter_client's ``Session`` (what crosses ZeroMQ), turned into outputs by nbclient's
own ``process_message`` (display_data, execute_result, stream, error, clear_output, widget
state, execution counts). papermill drives it as an engine (:data:`ENGINE_NAME`):
parameters, metadata and the error cell of a failed notebook are papermill's.

Between two reports, what a fresh kernel would not inherit is put back: the working folder,
``sys.path``, environment variables, builtins, warnings filters (and what they already
showed), pandas options, plotly's renderers, templates and export defaults, the report
helpers' setup state (``report.reset``) and open widgets. Bounds: a cell gets
``execution_timeout`` seconds (SIGALRM, nbclient's ``CellTimeoutError`` as a kernel run
gives); a notebook that never comes back is the runner's per-report bound (the worker is
stopped and replaced); SIGTERM ends the worker at the next Python statement.
"""

from __future__ import annotations

import builtins
import copy
import gc
import io
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import comm
import comm.base_comm
from ipykernel.compiler import XCachingCompiler
from ipykernel.jsonutil import json_clean
from ipykernel.zmqshell import ZMQInteractiveShell
from jupyter_client.session import Session
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError
from nbclient.util import run_hook
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from traitlets.config import Config

#: ``papermill.execute_notebook(engine_name=…)`` of this engine.
ENGINE_NAME = "haefen-warm"

#: What ``kernel_info`` of an IPython kernel says of the language (nbclient stores it).
LANGUAGE_INFO = {
    "name": "python",
    "version": sys.version.split()[0],
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}

#: No history database: parallel workers would share one sqlite file, and nothing reads it.
_SHELL_CONFIG = Config({"HistoryManager": {"enabled": False}})


class _CellTimeout(BaseException):
    """Raised into a cell that overran its time (a BaseException, so ``except Exception`` in
    a notebook does not swallow it)."""


class _Wire:
    """The kernel's socket: what the shell sends is read back as nbclient's session reads it
    and handed to ``deliver`` (nobody listens between cells and after the report)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.deliver: Callable[[dict[str, Any]], None] | None = None

    def send_multipart(self, frames: list[Any], copy: bool = True, **_: Any) -> None:
        if self.deliver is None:
            return
        _idents, frames = self.session.feed_identities(frames)
        self.deliver(self.session.deserialize(frames, content=True))


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` of a report: text is kept until flushed and then sent as
    one stream message, as ipykernel's OutStream does (flushed before every display and at
    the end of each cell)."""

    def __init__(self, name: str, kernel: _Kernel) -> None:
        super().__init__()
        self._name, self._kernel, self._parts = name, kernel, []

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "UTF-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._parts.append(text)
        return len(text)

    def flush(self) -> None:
        if self._parts:
            text, self._parts = "".join(self._parts), []
            self._kernel.send("stream", {"name": self._name, "text": text})


class _Comm(comm.base_comm.BaseComm):
    """A widget's comm: opening, state updates and closing reach nbclient as a kernel's
    comm messages do (it keeps the widget state in the notebook's metadata)."""

    kernel: _Kernel | None = None

    def publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[bytes] | None = None,
        **keys: Any,
    ) -> None:
        if self.kernel is None:
            return
        content = json_clean(dict(data=data or {}, comm_id=self.comm_id, **keys))
        self.kernel.send(msg_type, content, json_clean(metadata or {}), buffers)


class _Kernel:
    """One report's shell and how its messages travel; :meth:`execute` runs one cell as
    ipykernel's ``do_execute`` does and returns the execute reply."""

    def __init__(self) -> None:
        self.session = Session(key=b"")
        self.wire = _Wire(self.session)
        self.comms = comm.base_comm.CommManager()
        self.shell = _new_shell()
        for hook in (self.shell.displayhook, self.shell.display_pub):
            hook.session = self.session
            hook.pub_socket = self.wire
        self.streams = (_Stream("stdout", self), _Stream("stderr", self))
        self.request: dict[str, Any] = {}

    def send(
        self,
        msg_type: str,
        content: dict[str, Any],
        metadata: dict[str, Any] | None = None,
        buffers: list[bytes] | None = None,
    ) -> None:
        self.session.send(
            self.wire, msg_type, content, parent=self.request, metadata=metadata, buffers=buffers
        )

    def execute(self, code: str, timeout: float | None) -> dict[str, Any]:
        shell = self.shell
        self.request = self.session.msg("execute_request", {"code": code, "silent": False})
        shell.set_parent(self.request)
        self.send("status", {"execution_state": "busy"})
        self.send("execute_input", {"code": code, "execution_count": shell.execution_count})
        try:
            with _bounded(timeout):
                result = shell.run_cell(code, store_history=True, silent=False)
        finally:
            for stream in self.streams:
                stream.flush()
        error = result.error_before_exec or result.error_in_exec
        if isinstance(error, SystemExit) and _stopping:
            raise SystemExit(error.code)  # the worker was told to stop (SIGTERM)
        reply: dict[str, Any] = {"execution_count": shell.execution_count - 1}
        if result.success and not shell._last_traceback_during_displayhook:
            reply["status"] = "ok"
        else:
            reply |= {
                "status": "error",
                "traceback": shell._last_traceback or [],
                "ename": type(error).__name__,
                "evalue": str(error),
            }
        self.send("status", {"execution_state": "idle"})
        return reply | {"timed_out": isinstance(error, _CellTimeout)}


def _new_shell() -> ZMQInteractiveShell:
    """A fresh ``ZMQInteractiveShell`` as an IPython kernel builds it (cells compiled under
    the kernel's names, so tracebacks read "Cell In[3], line 2")."""
    ZMQInteractiveShell.clear_instance()
    return ZMQInteractiveShell.instance(config=_SHELL_CONFIG, compiler_class=XCachingCompiler)


#: IPython's reset runs a full garbage collection (~60 ms in a worker that holds every table,
#: a tenth of a member profile); the worker runs one after every this many reports instead.
COLLECT_EVERY = 5
_closed = [0]  # shells closed in this process


def _close_shell(shell: ZMQInteractiveShell) -> None:
    """Drop the namespace and give back ``__main__`` and the standard streams."""
    import atexit

    atexit.unregister(shell.atexit_operations)
    shell.displayhook.do_full_cache = False  # its flush would collect: see COLLECT_EVERY
    shell.atexit_operations()
    shell.cleanup()
    ZMQInteractiveShell.clear_instance()
    _closed[0] += 1
    if _closed[0] % COLLECT_EVERY == 0:
        gc.collect()


_stopping = False


def _stop(signum: int, frame: object) -> None:
    """SIGTERM in a warm worker: unwind (IPython catches SystemExit inside a cell, so
    ``_Kernel.execute`` raises it again)."""
    global _stopping
    _stopping = True
    raise SystemExit(128 + signum)


@contextmanager
def _bounded(seconds: float | None) -> Iterator[None]:
    """Raise ``_CellTimeout`` into the code running after ``seconds``."""
    if not seconds:
        yield
        return

    def overrun(signum: int, frame: object) -> None:
        raise _CellTimeout

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- what a fresh kernel starts with -----------------------------------------------------------


def _restore_mapping(target: dict[str, Any], saved: dict[str, Any]) -> None:
    for name in [n for n in target if n not in saved]:
        del target[name]
    for name, value in saved.items():
        if target.get(name, _MISSING) is not value:
            target[name] = value


_MISSING = object()


def _pandas_options() -> dict[str, Any]:
    """Every pandas option and its value (pandas lists them only in its config registry)."""
    import pandas as pd
    from pandas._config import config

    names = set(config._registered_options) - set(config._deprecated_options)
    return {name: pd.get_option(name) for name in sorted(names)}


def _capture() -> Callable[[], None]:
    """The process state a report may change that a fresh kernel would not inherit; returns
    what puts it back."""
    import pandas as pd
    import plotly.io as pio

    from haefen_analysis import report

    options = _pandas_options()
    cwd, path, argv = os.getcwd(), list(sys.path), list(sys.argv)
    environ, names = dict(os.environ), dict(vars(builtins))
    renderers = copy.deepcopy(vars(pio.renderers))
    templates, template = dict(pio.templates._templates), pio.templates.default
    defaults, json_config = copy.deepcopy(vars(pio.defaults)), dict(vars(pio.json.config))

    def restore() -> None:
        os.chdir(cwd)
        sys.path[:], sys.argv[:] = path, argv
        if dict(os.environ) != environ:
            os.environ.clear()
            os.environ.update(environ)
        _restore_mapping(vars(builtins), names)
        for name, value in _pandas_options().items():
            if value != options[name]:  # only what changed: setting some runs callbacks
                pd.set_option(name, options[name])
        vars(pio.renderers).update(copy.deepcopy(renderers))
        pio.templates._templates = dict(templates)
        if pio.templates.default != template:  # setting it validates the template (~50 ms)
            pio.templates.default = template
        vars(pio.defaults).update(copy.deepcopy(defaults))
        vars(pio.json.config).update(json_config)
        report.reset()

    return restore


def _close_widgets() -> None:
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"].Widget.close_all()


@contextmanager
def report_session() -> Iterator[_Kernel]:
    """A fresh shell for one report; afterwards the worker is as it was before."""
    restore = _capture()
    saved_streams = sys.stdout, sys.stderr
    create, manager = comm.create_comm, comm.get_comm_manager
    with warnings.catch_warnings():  # filters, and which warnings were already shown
        kernel = _Kernel()
        _Comm.kernel = kernel
        comm.create_comm, comm.get_comm_manager = _Comm, lambda: kernel.comms
        sys.stdout, sys.stderr = kernel.streams
        try:
            yield kernel
        finally:
            kernel.wire.deliver = None
            sys.stdout, sys.stderr = saved_streams
            with suppress(Exception):
                _close_widgets()
            comm.create_comm, comm.get_comm_manager = create, manager
            _Comm.kernel = None
            _close_shell(kernel.shell)  # IPython's reset collects the report's garbage
            restore()


# --- papermill engine ---------------------------------------------------------------------------


class _Client(PapermillNotebookClient):
    """papermill's notebook client with the cells run by :class:`_Kernel` instead of a
    kernel over ZeroMQ; everything else (outputs, metadata, widget state) is nbclient's."""

    kernel: _Kernel | None = None

    def execute(self, **kwargs: Any) -> Any:
        self.reset_execution_trackers()
        with report_session() as kernel:
            self.kernel = kernel
            try:
                self.papermill_execute_cells()
            finally:
                self.kernel = None
        self.nb.metadata["language_info"] = dict(LANGUAGE_INFO)
        self.set_widgets_metadata()
        return self.nb

    def execute_cell(  # type: ignore[override]
        self,
        cell: Any,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> Any:
        """nbclient's ``async_execute_cell`` for a cell run in this process."""
        assert self.kernel is not None
        run_hook_sync(self.on_cell_start, cell=cell, cell_index=cell_index)
        if cell.cell_type != "code" or not cell.source.strip():
            return cell
        if self.skip_cells_with_tag in cell.metadata.get("tags", []):
            return cell
        if self.record_timing:
            cell["metadata"]["execution"] = {}
        run_hook_sync(self.on_cell_execute, cell=cell, cell_index=cell_index)
        self.code_cells_executed += 1
        cell.outputs = []
        self.clear_before_next_output = False

        def deliver(msg: dict[str, Any]) -> None:
            with suppress(CellExecutionComplete):
                self.process_message(msg, cell, cell_index)

        self.kernel.wire.deliver = deliver
        timeout = self._get_timeout(cell)
        try:
            reply = self.kernel.execute(cell.source, timeout)
        finally:
            self.kernel.wire.deliver = None
        if self.record_timing:
            cell["metadata"]["execution"]["shell.execute_reply"] = _timestamp()
        if reply.pop("timed_out"):
            raise CellTimeoutError.error_from_timeout_and_cell(
                "Cell execution timed out", timeout, cell
            )
        if execution_count:
            cell["execution_count"] = execution_count
        run_hook_sync(self.on_cell_executed, cell=cell, cell_index=cell_index, execute_reply=reply)
        if reply["status"] == "error":
            allowed = not self.force_raise_errors and (
                self.allow_errors
                or reply["ename"] in self.allow_error_names
                or "raises-exception" in cell.metadata.get("tags", [])
            )
            run_hook_sync(self.on_cell_error, cell=cell, cell_index=cell_index, execute_reply=reply)
            if not allowed:
                raise CellExecutionError.from_cell_and_msg(cell, reply)
        self.nb["cells"][cell_index] = cell
        return cell


def run_hook_sync(hook: Callable[..., Any] | None, **kwargs: Any) -> None:
    """nbclient's hooks (``on_cell_start`` …), called as its own cell loop calls them."""
    from nbclient.util import run_sync

    run_sync(run_hook)(hook, **kwargs)


def _timestamp() -> str:
    from nbclient.client import timestamp

    return timestamp()


class WarmEngine(Engine):
    """papermill engine: the notebook's cells in this process (see the module docstring)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: float = 60,
        execution_timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        kwargs.pop("input_path", None)
        client = _Client(nb_man, kernel_name=kernel_name, timeout=execution_timeout, **kwargs)
        return client.execute()


papermill_engines.register(ENGINE_NAME, WarmEngine)


def prepare() -> None:
    """Once per worker: SIGTERM handling for cells, and the imports and table loads every
    report needs, done with a shell present (as in a kernel, where libraries detect it at
    import). A table that does not load is left to the report that reads it (its error
    message is that report's)."""
    signal.signal(signal.SIGTERM, _stop)
    shell = _new_shell()
    try:
        import plotly.graph_objects
        import plotly.io  # noqa: F401

        from haefen_analysis import analysis, datasets, report  # noqa: F401
        from haefen_analysis.figures import charts, maps  # noqa: F401

        with suppress(Exception), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            datasets.load_all()
            analysis.member_points()
    finally:
        _close_shell(shell)
    # What stays for every report (modules, loaded tables) is never garbage: taken out of the
    # collector's view, each full collection (IPython runs one per report) walks only the
    # report's own objects (~0.4 s less per report).
    gc.collect()
    gc.freeze()

"""JupyterLab end to end: a real ``jupyter lab`` server runs the notebooks as the frontend would.

The server listens on 127.0.0.1 only (port chosen by the server, random token, no browser); its
config, data, runtime and IPython dirs live in tmp_path so nothing reaches the user's home. Each
notebook is opened as a session with the project kernel ("haefen") over the REST API and its
code cells are sent one by one as ``execute_request`` over the kernel websocket (Jupyter
messaging protocol 5.3, JSON), which is what JupyterLab itself does on "Run All".
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import psutil
import pytest
import websocket

from haefen_analysis import config
from haefen_analysis.publish.runner import KERNEL_NAME

pytestmark = pytest.mark.slow

START_TIMEOUT = 60  # seconds until /api/status answers
CELL_TIMEOUT = 120  # seconds per cell (execute_reply plus all its iopub output)
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Requests go straight to the loopback server, never through a proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Lab:
    """A running JupyterLab server and how to talk to it."""

    process: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:<port>/
    token: str
    log: Path

    def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        """Authenticated HTTP call; the token header also exempts it from the XSRF check."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        req.add_header("Content-Type", "application/json")
        try:
            with _opener.open(req, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def api(self, method: str, path: str, body: object = None) -> object:
        status, payload = self.request(method, path, body)
        assert 200 <= status < 300, f"{method} {path}: HTTP {status}: {payload[:500]!r}"
        return json.loads(payload) if payload else None


def server_info(runtime_dir: Path, pid: int) -> dict | None:
    """The jpserver-<pid>.json the server writes once it listens (holds the port it chose)."""
    path = runtime_dir / f"jpserver-{pid}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None  # not written yet, or half-written


def start_lab(tmp: Path) -> Lab:
    """`jupyter lab` as `make lab` runs it, plus the flags a headless, isolated test needs."""
    env = dict(os.environ)
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ]:
        env[var] = str(tmp / sub)
    env.pop("JUPYTER_PORT", None)
    token = secrets.token_hex(24)
    log = tmp / "lab.log"
    jupyter = Path(sys.executable).with_name("jupyter")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(jupyter),
                "lab",
                f"--notebook-dir={config.NOTEBOOKS_DIR}",
                "--no-browser",
                "--allow-root",
                "--ServerApp.ip=127.0.0.1",
                "--ServerApp.port=0",  # the server binds a free port and reports it
                f"--IdentityProvider.token={token}",
                f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # so a failed test can stop the server and its kernels
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log.read_text()}")
        info = server_info(tmp / "runtime", process.pid)
        if info is not None:
            lab = Lab(process, info["url"], token, log)
            try:
                if lab.request("GET", "api/status")[0] == 200:
                    return lab
            except OSError:
                pass  # listening socket not ready yet
        time.sleep(0.25)
    stop_group(process)
    pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Last resort after a failure: kill the server's whole process group."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """The processes still alive after ``timeout`` (a zombie is dead; it only awaits reaping)."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for p in procs:
            try:
                if p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One server for the module; teardown checks it shuts down cleanly on /api/shutdown."""
    lab = start_lab(tmp_path_factory.mktemp("lab"))
    try:
        yield lab
    finally:
        children = psutil.Process(lab.process.pid).children(recursive=True)
        try:
            status = lab.request("POST", "api/shutdown")[0]
            returncode = lab.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired) as err:
            stop_group(lab.process)
            pytest.fail(f"jupyter lab did not shut down on /api/shutdown: {err}")
        leftover = gone(children, timeout=10)
        for p in leftover:
            p.kill()
        assert status == 200, f"/api/shutdown answered HTTP {status}"
        assert returncode == 0, f"jupyter lab exited with {returncode}:\n{lab.log.read_text()}"
        assert not leftover, f"processes left behind by jupyter lab: {leftover}"


def message(msg_type: str, content: dict, session_id: str) -> dict:
    """A shell-channel request in the JSON form the server's kernel websocket accepts."""
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": session_id,
            "username": "test",
            "date": datetime.now(UTC).isoformat(),
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


@dataclass
class Channels:
    """The kernel websocket of one notebook session, as JupyterLab's frontend holds it."""

    ws: websocket.WebSocket
    session_id: str
    path: str

    def ask(self, msg_type: str, content: dict, what: str) -> tuple[dict | None, list[dict]]:
        """Send a shell message; return its reply content (None for comm_msg, which has none)
        and every iopub message it caused, once the kernel is idle again (no output in flight).
        """
        request = message(msg_type, content, self.session_id)
        msg_id = request["header"]["msg_id"]
        reply_type = None if msg_type == "comm_msg" else msg_type.replace("_request", "_reply")
        self.ws.send(json.dumps(request))
        reply, iopub, idle = None, [], False
        deadline = time.monotonic() + CELL_TIMEOUT
        while not idle or (reply_type and reply is None):
            self.ws.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                pytest.fail(f"{self.path}: {what} not done within {CELL_TIMEOUT} s")
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["channel"] == "shell" and msg["msg_type"] == reply_type:
                reply = msg["content"]
            elif msg["channel"] == "iopub":
                iopub.append(msg)
                idle = msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
        return reply, iopub


@contextmanager
def notebook_session(lab: Lab, path: str) -> Iterator[Channels]:
    """Open ``path`` with the project kernel like JupyterLab does; delete the session after."""
    session = lab.api(
        "POST",
        "api/sessions",
        {"path": path, "name": path, "type": "notebook", "kernel": {"name": KERNEL_NAME}},
    )
    kernel = session["kernel"]
    assert kernel["name"] == KERNEL_NAME
    session_id = uuid.uuid4().hex
    ws_url = lab.url.replace("http://", "ws://", 1)
    ws = websocket.create_connection(
        f"{ws_url}api/kernels/{kernel['id']}/channels?session_id={session_id}",
        header=[f"Authorization: token {lab.token}"],
        timeout=CELL_TIMEOUT,
    )
    try:
        channels = Channels(ws, session_id, path)
        info, _ = channels.ask("kernel_info_request", {}, "kernel_info")
        assert info["status"] == "ok" and info["language_info"]["name"] == "python"
        yield channels
    finally:
        ws.close()
        lab.api("DELETE", f"api/sessions/{session['id']}")
    kernels = lab.api("GET", "api/kernels")
    assert all(k["id"] != kernel["id"] for k in kernels), "the kernel outlived its session"


def run_all(channels: Channels) -> list[tuple[str, list[dict]]]:
    """Run the notebook's code cells top to bottom ("Run All"); fail on the first error.

    Returns (cell source, iopub messages) per code cell.
    """
    nb = nbformat.read(config.NOTEBOOKS_DIR / channels.path, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    results = []
    for number, cell in enumerate(code_cells, 1):
        content = {
            "code": cell.source,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        reply, iopub = channels.ask("execute_request", content, f"code cell {number}")
        errors = [m["content"] for m in iopub if m["msg_type"] == "error"]
        if reply["status"] != "ok" or errors:
            error = errors[0] if errors else reply
            trace = ANSI.sub("", "\n".join(error.get("traceback", [])))
            pytest.fail(
                f"{channels.path}, code cell {number} failed ({reply['status']}):\n"
                f"--- source\n{cell.source}\n--- {error.get('ename')}: {error.get('evalue')}\n"
                f"{trace}"
            )
        results.append((cell.source, iopub))
    return results


def mime_types(iopub: list[dict]) -> set[str]:
    """Mime types of the rich outputs (display_data / execute_result) among iopub messages."""
    return {
        mime
        for m in iopub
        if m["msg_type"] in ("display_data", "execute_result")
        for mime in m["content"]["data"]
    }


def widget_states(iopub: list[dict]) -> dict[str, dict]:
    """comm id -> initial state of every widget the kernel opened."""
    return {
        m["content"]["comm_id"]: m["content"]["data"]["state"]
        for m in iopub
        if m["msg_type"] == "comm_open"
    }


def output_widget_view(iopub: list[dict], comm_id: str) -> list[dict]:
    """What JupyterLab shows inside the Output widget ``comm_id`` after these messages.

    Its widget manager does two things: it renders the model's ``outputs`` state, and while the
    model's ``msg_id`` is set it captures display_data / clear_output from that request.
    Everything else a widget callback displays is dropped by the frontend.
    """
    shown: list[dict] = []
    capturing = ""
    for m in iopub:
        content, kind = m["content"], m["msg_type"]
        if kind in ("comm_open", "comm_msg") and content["comm_id"] == comm_id:
            state = content["data"].get("state", {})
            if "outputs" in state:
                shown = [o.get("data", {}) for o in state["outputs"]]
            capturing = state.get("msg_id", capturing)
        elif capturing and m["parent_header"].get("msg_id") == capturing:
            if kind == "display_data":
                shown.append(content["data"])
            elif kind == "clear_output":
                shown = []
    return shown


def test_lab_serves_jupyterlab_with_project_kernel(lab: Lab) -> None:
    status, page = lab.request("GET", "lab")
    assert status == 200
    assert b"<title>JupyterLab</title>" in page
    specs = lab.api("GET", "api/kernelspecs")
    assert KERNEL_NAME in specs["kernelspecs"]
    assert specs["default"] == KERNEL_NAME
    listing = {item["name"] for item in lab.api("GET", "api/contents")["content"]}
    assert {"explore.ipynb", "land_report.ipynb"} <= listing


def test_land_report_runs_through_server(lab: Lab) -> None:
    with notebook_session(lab, "land_report.ipynb") as channels:
        cells = run_all(channels)
    showing = [(src, iopub) for src, iopub in cells if "report.show(" in src]
    assert showing, "land_report has no figure cells"
    for src, iopub in showing:
        assert PLOTLY_MIME in mime_types(iopub), f"no plotly output from:\n{src}"


def test_explore_runs_and_follows_the_land_picked(lab: Lab) -> None:
    with notebook_session(lab, "explore.ipynb") as channels:
        messages = [m for _, iopub in run_all(channels) for m in iopub]
        assert WIDGET_MIME in mime_types(messages), "explore shows no widget"
        states = widget_states(messages)
        (out,) = [c for c, s in states.items() if s["_model_name"] == "OutputModel"]
        (land,) = [c for c, s in states.items() if s.get("description") == "Land"]
        shown = output_widget_view(messages, out)
        assert any(PLOTLY_MIME in data for data in shown), (
            "no figure inside the explorer's Output widget (JupyterLab would show it empty)"
        )

        # Pick another Land in the dropdown, as the frontend does: a comm_msg with the new state.
        labels = states[land]["_options_labels"]
        index = (states[land]["index"] + 1) % len(labels)
        update = {"method": "update", "state": {"index": index}, "buffer_paths": []}
        _, iopub = channels.ask("comm_msg", {"comm_id": land, "data": update}, "Land change")
        assert not [m for m in iopub if m["msg_type"] == "error"], iopub
    shown = output_widget_view(messages + iopub, out)
    figures = [json.dumps(data[PLOTLY_MIME]) for data in shown if PLOTLY_MIME in data]
    assert figures, "the explorer's figures vanished after picking a Land"
    assert any(json.dumps(labels[index]) in f for f in figures), (
        f"no figure mentions {labels[index]} after picking it"
    )

"""The report set the notebook and output tests share: its configuration, the hostile member,
the previous dated set it is compared with, and the text a browser shows of a page."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from haefen_analysis import config
from haefen_analysis.cli import app

CONFIG = """
public = true
[kinds.overview]
title = "Überblick"
notebook = "overview.ipynb"
[kinds.land]
title = "Land"
notebook = "land_report.ipynb"
parameter = "land"
values = ["SH", "NW"]
[kinds.member]
title = "Profil"
notebook = "member_profile.ipynb"
parameter = "gemeinde"
values = ["luebeck", "kiel", "flensburg", "bielefeld", "fehmarn"]
[kinds.allocation]
title = "Szenario"
notebook = "allocation_scenario.ipynb"
[[kinds.allocation.sets]]
name = "klein"
persons = 100
year = 2020
key = "easy"
[kinds.explore]
title = "Erkunden"
notebook = "explore.ipynb"
"""
#: A member name that would be a live link, a script, emphasis and an autolink if any
#: renderer (HTML, Markdown, plotly hover) read it as syntax; and a source that is a script.
HOSTILE = (
    "Fehmarn [Klick](javascript:alert(1)) <script>alert(1)</script> *fett* http://evil.example"
)
HOSTILE_SOURCE = "javascript:alert(2)"
REPORTS = (
    "overview",
    "land-01",
    "land-05",
    "member-luebeck",
    "member-kiel",
    "member-flensburg",
    "member-bielefeld",
    "member-fehmarn",
    "allocation-klein",
    "explore",
)
#: The previous dated set beside the rendered one: its registry lacks Kiel and lists
#: Flensburg as pending, so the set reports Kiel as new and Flensburg's status change; it
#: lacks one offer of Lübeck (the SH "Neues Angebot") and has every admission figure.
PREVIOUS_DAY = "2000-01-01"
LUEBECK_OFFER = "luebeck-2019-02-seenotrettung"


class _Text(HTMLParser):
    """The text a browser shows: tags dropped, scripts and styles skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "li", "tr", "td", "th", "div", "h1", "h2", "h3"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts))


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def _write_rows(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _previous_set(out: Path, members: str, data: Path) -> None:
    folder = out / PREVIOUS_DAY / "register"
    folder.mkdir(parents=True)
    rows = list(csv.DictReader(io.StringIO(members)))
    kept = [r for r in rows if r["member_id"] != "kiel"]
    for row in kept:
        if row["member_id"] == "flensburg":
            row["status"] = "pending"
    _write_rows(folder / "members.csv", kept)
    with (data / "offers.csv").open(encoding="utf-8", newline="") as handle:
        offers = list(csv.DictReader(handle))
    _write_rows(folder / "offers.csv", [o for o in offers if o["offer_id"] != LUEBECK_OFFER])
    shutil.copy(data / "admissions.csv", folder / "admissions.csv")


def render(tmp: Path) -> dict:
    """The report set (public) rendered into ``tmp/out`` beside a previous set, plus the
    internal SH report."""
    data = tmp / "data"
    data.mkdir()
    src = config.PROJECT_DIR / "data"
    for f in [*src.glob("*.csv"), src / "datapackage.json"]:
        shutil.copy(f, data / f.name)
    (data / "geo").symlink_to(src / "geo", target_is_directory=True)
    members = (data / "members.csv").read_text(encoding="utf-8")
    hostile = members.replace("fehmarn,Fehmarn,", f'fehmarn,"{HOSTILE}",', 1)
    hostile = hostile.replace(
        "https://gruene-fehmarn.de/", f"{HOSTILE_SOURCE} ; https://gruene-fehmarn.de/", 1
    )
    assert hostile != members
    (data / "members.csv").write_text(hostile, "utf-8")
    cfg = tmp / "reports.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    out = tmp / "out"
    _previous_set(out, hostile, data)
    old = os.environ.get(config.DATA_DIR_ENV)
    os.environ[config.DATA_DIR_ENV] = str(data)
    try:
        _run(["report", "all", "--config", str(cfg), "--out", str(out), "--jobs", "4"])
        internal = tmp / "internal"
        _run(["report", "land", "SH", "--config", str(cfg), "--out", str(internal), "--internal"])
    finally:
        if old is None:
            os.environ.pop(config.DATA_DIR_ENV)
        else:
            os.environ[config.DATA_DIR_ENV] = old
    (day,) = [p for p in out.iterdir() if (p / "manifest.json").is_file() and not p.is_symlink()]
    html = {name: (day / f"{name}.html").read_text(encoding="utf-8") for name in REPORTS}
    (internal_day,) = [p for p in internal.iterdir() if not p.is_symlink()]
    html["land-01-internal"] = (internal_day / "land-01.html").read_text("utf-8")
    text = {k: visible_text(v) for k, v in html.items()}
    return {"day": day, "out": out, "data": data, "html": html, "text": text}

"""Incremental builds: a report is keyed by what it reads, reused while the key holds, and each
dated folder is complete on its own (reused files are placed in it, never only referenced).

The key tests use the project's ``reports.toml`` on a private copy of the data: a change to one
member's row must rebuild that member's profile, its Land report and the overview, and nothing
else, unless it changes what other reports show of that member.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from haefen_analysis.cli import report as reports_cli
from haefen_analysis.publish import runner
from haefen_analysis.publish.config import load_config
from haefen_analysis.publish.inputs import DataIndex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "runner"
cli = CliRunner()


def keys(subjects: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """The data part of the key of each named (kind, subject), read from the data folder now."""
    kinds = load_config().kinds
    data = DataIndex()
    return {
        name: data.key(kinds[kind].inputs, subject) for name, (kind, subject) in subjects.items()
    }


def edit_member(data_dir: Path, member_id: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in one member's row of members.csv."""
    path = data_dir / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith(f"{member_id},")]
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


SUBJECTS = {
    "luebeck": ("member", "luebeck"),
    "flensburg": ("member", "flensburg"),  # the same Land (01)
    "hamburg": ("member", "hamburg"),  # another Land (02)
    "land-01": ("land", "01"),
    "land-02": ("land", "02"),
    "overview": ("overview", None),
}


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_a_member_row_change_rebuilds_its_profile_its_land_and_the_overview_only(data_copy):
    before = keys(SUBJECTS)
    edit_member(data_copy, "luebeck", "42 Ja / 4 Nein", "42 Ja / 5 Nein")  # declaring_body
    assert changed(before, keys(SUBJECTS)) == {"luebeck", "land-01", "overview"}


def test_what_other_reports_show_of_a_member_rebuilds_them_too(data_copy):
    before = keys(SUBJECTS)
    # The decision date orders the Land's members (a profile's rank) and places the marker.
    edit_member(data_copy, "luebeck", ",2018-09-27,", ",2018-09-28,")
    assert changed(before, keys(SUBJECTS)) == {"luebeck", "flensburg", "land-01", "overview"}
    middle = keys(SUBJECTS)
    # A name is shown wherever the member is named: every profile and every Land report.
    edit_member(data_copy, "luebeck", ",Lübeck,", ",Hansestadt Lübeck,")
    assert changed(middle, keys(SUBJECTS)) == set(SUBJECTS)


def test_land_rows_rebuild_that_land_and_shared_files_everything(data_copy):
    before = keys(SUBJECTS)
    path = data_copy / "land_rules.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith("01,")][:1]
    lines[index] = lines[index].rstrip("\n") + " (geprüft)\n"  # its note, the last column
    path.write_text("".join(lines), encoding="utf-8")
    after = keys(SUBJECTS)
    assert changed(before, after) == {"luebeck", "flensburg", "land-01", "overview"}
    schema = data_copy / "datapackage.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert changed(after, keys(SUBJECTS)) == set(SUBJECTS)


# --- the runner (the warm engine on the fixture notebook) --------------------------------------


def fixture_jobs() -> list[runner.Job]:
    notebook = FIXTURES / "report.ipynb"
    return [
        runner.Job(f"land-{land}", "land", f"Test {land}", notebook, {"land": land}, 0, i)
        for i, land in enumerate(("01", "02"))
    ]


def manifest(day: Path) -> dict:
    return json.loads((day / "manifest.json").read_text(encoding="utf-8"))["reports"]


@pytest.mark.slow
def test_unchanged_reports_are_reused_into_every_new_dated_folder(tmp_path, monkeypatch):
    first_day, next_day = tmp_path / "2026-01-05", tmp_path / "2026-01-12"
    jobs = fixture_jobs()
    results, _ = runner.run(jobs, runner.Options(out_dir=first_day), workers=1)
    assert [r.status for r in results] == ["ok", "ok"]
    built = manifest(first_day)["land-01"]["good"]
    assert built["key"] and built["files"]["html"] == "land-01.html"

    def no_pool(*args, **kwargs):
        raise AssertionError("nothing changed, yet a worker was started")

    monkeypatch.setattr(runner, "WorkerPool", no_pool)
    again, _ = runner.run(jobs, runner.Options(out_dir=first_day), workers=1)
    assert [r.status for r in again] == ["reused", "reused"]

    # The next week's folder is complete: the files are there (linked), the portal says so.
    later, _ = runner.run(jobs, runner.Options(out_dir=next_day), workers=1)
    assert [(r.status, r.reused_from) for r in later] == [("reused", first_day.name)] * 2
    for name in ("land-01.html", "land-01.ipynb", "land-02.html"):
        assert (next_day / name).read_bytes() == (first_day / name).read_bytes()
    index = (next_day / "index.html").read_text(encoding="utf-8")
    rows, technical = index.split("<details>", 1)
    assert "wiederverwendet" not in rows  # current reports: no warning on a reader's row
    assert technical.count("wiederverwendet") == technical.count("Eingaben unverändert seit") == 2
    assert 'href="land-01.html"' in index
    assert "ohne aktuellen Stand" not in index
    assert (
        manifest(next_day)["land-02"]["good"]["key"]
        == manifest(first_day)["land-02"]["good"]["key"]
    )
    # Folders share no state: removing a file in one keeps the other's.
    (next_day / "land-01.html").unlink()
    assert (first_day / "land-01.html").exists()

    # A file missing here is placed again from the folder that still has it; missing
    # everywhere, a changed parameter, other output options or --force: built again.
    placed, _ = runner.run(jobs[:1], runner.Options(out_dir=next_day), workers=1)
    assert placed[0].status == "reused" and (next_day / "land-01.html").exists()
    monkeypatch.undo()
    (next_day / "land-01.html").unlink()
    (first_day / "land-01.html").unlink()
    changed_job = runner.Job(
        "land-02", "land", "Test 02", jobs[1].notebook, {"land": "02", "anzahl": 4}, 0, 1
    )
    rebuilt, _ = runner.run([jobs[0], changed_job], runner.Options(out_dir=next_day), workers=1)
    assert [r.status for r in rebuilt] == ["ok", "ok"]
    forced, _ = runner.run(jobs, runner.Options(out_dir=next_day, force=True), workers=1)
    assert [r.status for r in forced] == ["ok", "ok"]
    other, _ = runner.run(jobs, runner.Options(out_dir=next_day, shared_plotlyjs=True), workers=1)
    assert [r.status for r in other] == ["ok", "ok"]


@pytest.mark.slow
def test_make_reports_twice_reuses_every_report(tmp_path):
    """The CLI as ``make reports`` calls it, on a small config: the second run rebuilds nothing
    and says so; ``--force`` rebuilds."""
    config = tmp_path / "reports.toml"
    config.write_text(
        f'notebooks_dir = "{FIXTURES.as_posix()}"\n'
        '[kinds.land]\ntitle = "Test"\nnotebook = "report.ipynb"\nparameter = "land"\n'
        'values = ["SH", "HH"]\n[kinds.land.inputs]\nsubject = "land"\n',
        encoding="utf-8",
    )
    args = ["all", "--config", str(config), "--out", str(tmp_path / "out"), "--shared-plotlyjs"]
    env = {"COLUMNS": "200"}
    first = cli.invoke(reports_cli.app, args, env=env)
    assert first.exit_code == 0, first.output
    assert first.output.count("fertig") == 2
    second = cli.invoke(reports_cli.app, args, env=env)
    assert second.exit_code == 0, second.output
    assert second.output.count("wiederverwendet") == 2 and "fertig" not in second.output
    forced = cli.invoke(reports_cli.app, [*args, "--force"], env=env)
    assert forced.exit_code == 0 and forced.output.count("fertig") == 2, forced.output


@pytest.mark.slow
def test_the_sets_own_files_are_built_again_only_when_the_data_changed(data_copy, tmp_path):
    """Registry, calendar and key numbers depend on the data alone: a run with the same data
    and package keeps them, a changed member row writes them again, with the change in."""
    from openpyxl import load_workbook

    day = tmp_path / "2026-01-05"
    jobs = fixture_jobs()[:1]
    runner.run(jobs, runner.Options(out_dir=day), workers=1)
    workbook, numbers = day / "register" / "haefen-register.xlsx", day / "kennzahlen.json"
    before = {p: p.stat().st_ino for p in (workbook, numbers)}
    runner.run(jobs, runner.Options(out_dir=day), workers=1)
    assert {p: p.stat().st_ino for p in before} == before  # not written again

    edit_member(data_copy, "luebeck", "42 Ja / 4 Nein", "42 Ja / 5 Nein")
    runner.run(jobs, runner.Options(out_dir=day), workers=1)
    assert all(p.stat().st_ino != ino for p, ino in before.items())
    book = load_workbook(workbook, read_only=True)
    text = " | ".join(
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
    )
    assert "42 Ja / 5 Nein" in text and "42 Ja / 4 Nein" not in text


@pytest.mark.slow
@pytest.mark.parametrize(("interval", "renders"), [(3600.0, 2), (0.0, 3)])
def test_the_portal_is_rendered_at_most_once_per_interval_and_at_the_end(
    tmp_path, monkeypatch, interval, renders
):
    """Rendering the portal of a full set takes ~0.3 s: after every report it was a third of
    the parent's CPU. Within the interval only the first result and the end render it; with
    no interval every result does (and the end)."""
    rendered = []
    real = runner.portal.index_html

    def counted(*args, **kwargs):
        rendered.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner.portal, "index_html", counted)
    monkeypatch.setattr(runner, "PORTAL_INTERVAL", interval)
    day = tmp_path / "2026-01-05"
    results, _ = runner.run(fixture_jobs(), runner.Options(out_dir=day), workers=1)
    assert [r.status for r in results] == ["ok", "ok"]
    assert len(rendered) == renders
    index = (day / "index.html").read_text(encoding="utf-8")
    assert 'href="land-01.html"' in index and 'href="land-02.html"' in index

"""Research staging into the registry: refused rows name file, line, column, value and rule;
the merged table is validated before it is written; merging twice changes nothing more."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from haefen_analysis import config, datasets
from haefen_analysis.catalogue.schema import resource
from haefen_analysis.cli import app
from haefen_analysis.errors import DataValidationError
from haefen_analysis.ingest.research import merge_research

UPDATES = "member_name,land,column,value,source,note\n"
runner = CliRunner()


def staging(data_copy, name: str, text: str):
    path = data_copy / "research" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def new_member(**changes: str) -> str:
    """A research_members_new file with one row (the members columns, no English twins)."""
    columns = resource("research_members_new").columns
    row = dict.fromkeys(columns, "") | {
        "member_id": "testdorf",
        "name": "Testdorf",
        "kind": "gemeinde",
        "land": "01",
        "declared_on": "2020-05-04",
        "declaring_body": "Gemeindevertretung (einstimmig)",
        "status": "declared",
        "buendnis_member": "unknown",
        "potsdamer_erklaerung": "unknown",
        "source": "https://example.org/testdorf",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row | changes)
    return buffer.getvalue()


def test_row_with_an_unquoted_comma_is_refused_and_nothing_written(data_copy):
    before = (data_copy / "members.csv").read_text(encoding="utf-8")
    path = staging(
        data_copy,
        "members_updates_r9.csv",
        UPDATES + "Kiel,01,declared_on,2018-11,https://example.org/a,b,Grund\n",
    )
    with pytest.raises(DataValidationError) as err:
        merge_research()
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.rule) == (str(path), 2, "field_count")
    assert "7 Felder statt 6" in str(problem) and "Anführungszeichen" in str(problem)
    assert (data_copy / "members.csv").read_text(encoding="utf-8") == before


def test_failing_value_names_line_column_value_and_rule(data_copy):
    path = staging(
        data_copy,
        "members_updates_r9.csv",
        UPDATES
        + "Kiel,01,declared_on,2018-13,https://example.org/a,\n"
        + "Kiel,01,buendnis_member,vielleicht,https://example.org/a,\n",
    )
    with pytest.raises(DataValidationError) as err:
        merge_research()
    text = str(err.value)
    assert f"{path}, Zeile 2, Spalte 'value', Wert '2018-13'" in text
    assert "(als declared_on) [Regel: type]" in text
    assert f"{path}, Zeile 3, Spalte 'value', Wert 'vielleicht'" in text


def test_unknown_member_is_refused(data_copy):
    path = staging(
        data_copy, "members_updates_r9.csv", UPDATES + "Atlantis,01,note,Text,https://x.org,\n"
    )
    with pytest.raises(DataValidationError, match="kein Mitglied dieses Namens") as err:
        merge_research()
    assert err.value.problems[0].file == str(path)


def test_english_display_text_of_a_new_member_is_refused(data_copy):
    staging(data_copy, "members_new_r9.csv", new_member(declaring_body="Council (unanimous vote)"))
    with pytest.raises(DataValidationError, match=r"declaring_body.*\[Regel: language\]"):
        merge_research()


def test_merging_twice_is_merging_once(data_copy):
    staging(data_copy, "members_new_r9.csv", new_member())
    staging(
        data_copy,
        "members_updates_r9.csv",
        UPDATES
        + "Testdorf,01,buendnis_member,yes,https://example.org/b,Beitritt laut Gemeinde\n"
        + "Kiel,01,note,Ein Satz zum Anhängen.,https://example.org/c,\n",
    )
    first = merge_research()
    assert first.added == ["testdorf"] and first.changed
    assert ("testdorf", "buendnis_member") in first.updated
    once = (data_copy / "members.csv").read_text(encoding="utf-8")
    second = merge_research()
    assert (second.added, second.updated, second.changed) == ([], [], False)
    assert (data_copy / "members.csv").read_text(encoding="utf-8") == once
    members = datasets.members().set_index("member_id")
    assert members.loc["testdorf", "buendnis_member"] == "yes"
    assert members.loc["kiel", "note"].count("Ein Satz zum Anhängen.") == 1


def test_check_exits_1_while_a_merge_would_change_something(data_copy):
    staging(data_copy, "members_new_r9.csv", new_member())
    pending = runner.invoke(app, ["data", "merge-research", "--check"])
    assert pending.exit_code == 1
    assert "1 neue Mitglieder" in pending.output and "neu: testdorf" in pending.output
    assert "nicht auf dem Stand der Recherche" in pending.output
    assert runner.invoke(app, ["data", "merge-research"]).exit_code == 0
    done = runner.invoke(app, ["data", "merge-research", "--check"])
    assert done.exit_code == 0 and "0 neue Mitglieder und 0 Aktualisierungen" in done.output


def test_the_project_registry_is_merged():
    """CI's check: every staged finding is in data/members.csv."""
    assert not merge_research(config.PROJECT_DIR / "data", check=True).changed


def test_staging_files_are_catalogue_tables():
    new = datasets.load("research_members_new", config.PROJECT_DIR / "data")
    updates = datasets.load("research_members_updates", config.PROJECT_DIR / "data")
    assert len(new) > 250 and len(updates) > 400
    assert "status_qualifier" in new.columns and "declaring_body_en" not in new.columns

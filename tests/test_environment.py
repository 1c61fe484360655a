"""Conda users are never left behind: environment.yml lists what pyproject.toml lists."""

from __future__ import annotations

import re
import tomllib

import yaml

from haefen_analysis import config

#: conda-forge names that differ from the PyPI names
CONDA_NAMES = {"python-kaleido": "kaleido"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((config.PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((config.PROJECT_DIR / "environment.yml").read_text(encoding="utf-8"))
    listed = set()
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        listed |= {CONDA_NAMES.get(_name(e), _name(e)) for e in entries}
    listed.discard("python")
    assert listed == wanted

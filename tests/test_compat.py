"""The README's tour of version 0.1 keeps working until version 0.3: thin re-export modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from haefen_analysis import config

SHIMS = ("quota", "names", "genesis", "regional")


def test_tour_imports_of_version_0_1():
    from haefen_analysis import analysis, datasets, names, quota, regional
    from haefen_analysis.analysis import keys
    from haefen_analysis.analysis import regional as moved_regional
    from haefen_analysis.genesis import read_genesis
    from haefen_analysis.ingest import genesis
    from haefen_analysis.ingest import names as moved_names

    assert quota.key_shares is keys.key_shares
    assert names.resolve_member is moved_names.resolve_member
    assert read_genesis is genesis.read_genesis
    assert regional.protection_seekers_member_vs_rest is (
        moved_regional.protection_seekers_member_vs_rest
    )
    assert callable(analysis.allocation_scenario) and callable(datasets.members)


@pytest.mark.parametrize("name", SHIMS)
def test_shims_hold_no_logic(name):
    path = config.PACKAGE_DIR / f"{name}.py"
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    kinds = {type(node).__name__ for node in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "Assign"}, kinds  # docstring, re-exports, __all__
    assert "0.3" in ast.get_docstring(tree)


def test_readme_tour_runs():
    import re

    readme = (config.PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    tour = re.search(r"### Library.*?```python\n(.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(compile(tour, "README.md (tour)", "exec"), namespace)
    assert namespace["analysis"].rank(namespace["per_land"], "members_per_million", "SH") == 2

"""The report set, rendered once per session for every test in this folder."""

from __future__ import annotations

import pytest
from reportset import render


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    return render(tmp_path_factory.mktemp("nb"))

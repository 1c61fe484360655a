"""Every file the package writes goes through ``common.files.atomic_write``."""

from __future__ import annotations

import re

from haefen_analysis import config

#: Ways to write a file other than atomic_write (moving finished files into place is allowed).
DIRECT = re.compile(
    r"mkstemp|\.write_text\(|\.write_bytes\(|\.to_csv\(\w|\.to_parquet\(\w|fig\.write_\w+\(|open\([^)]*[\"']w"
)


def test_no_module_writes_files_around_atomic_write():
    offenders = []
    for path in config.PACKAGE_DIR.rglob("*.py"):
        if path.relative_to(config.PACKAGE_DIR).as_posix() == "common/files.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DIRECT.search(line) and not line.lstrip().startswith(("#", '"', "`")):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []

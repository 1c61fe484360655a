"""Content keys: of files, of JSON-able parts, of the package's own code.

Caches (validated tables, report outputs) are keyed by what they were built from, never by
file times: equal keys mean equal content, and a change to the package's code changes them all.
"""

from __future__ import annotations

import json
from functools import cache
from hashlib import sha256
from importlib import metadata
from pathlib import Path
from typing import Any

from haefen_analysis import config


def digest(*parts: Any) -> str:
    """sha256 of the parts as canonical JSON (keys sorted; other types as text)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return sha256(text.encode()).hexdigest()


def file_hash(path: Path) -> str:
    return sha256(path.read_bytes()).hexdigest()


@cache
def package_hash() -> str:
    """The package version and a hash of its files (read once per process: ~10 ms)."""
    hashed = sha256(metadata.version("haefen-analysis").encode())
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            hashed.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode())
            hashed.update(path.read_bytes())
    return hashed.hexdigest()

"""One base class: every error the package raises on purpose is a HaefenError and keeps the
built-in base callers catch."""

from __future__ import annotations

import inspect

from haefen_analysis import errors

BUILTIN = (ValueError, LookupError, RuntimeError, OSError)


def test_every_domain_error_is_a_haefen_error_with_a_builtin_base():
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    assert len(classes) >= 20
    for cls in classes:
        assert issubclass(cls, errors.HaefenError), cls
        if cls is not errors.HaefenError:
            assert issubclass(cls, BUILTIN), cls


def test_no_module_defines_its_own_error_classes():
    import re

    from haefen_analysis import config

    for path in config.PACKAGE_DIR.rglob("*.py"):
        if path.name != "errors.py":
            found = re.findall(r"(?m)^class (\w+Error)\b", path.read_text(encoding="utf-8"))
            assert found == [], f"{path}: {found} belong in errors.py"


def test_messages_keep_their_text():
    assert str(errors.UnknownTableError("unbekannte Tabelle 'x'")) == "unbekannte Tabelle 'x'"
    err = errors.GenesisFormatError("downloads/a.csv", 3, "kaputt")
    assert (str(err), err.line) == ("a.csv, Zeile 3: kaputt", 3)
    assert isinstance(errors.TableNotFoundError("x"), FileNotFoundError)

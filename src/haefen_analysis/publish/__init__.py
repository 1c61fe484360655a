"""Reports from parameterised notebooks: config (``reports.toml``), runner, HTML and PDF export,
the index of a report folder, meeting decks.

Imports nothing heavy: papermill and nbconvert are loaded by the functions that need them.
"""

from haefen_analysis.publish.config import ReportConfigError, load_config
from haefen_analysis.publish.runner import Job, Options, ParameterError, Result, plan, run

__all__ = [
    "Job",
    "Options",
    "ParameterError",
    "ReportConfigError",
    "Result",
    "load_config",
    "plan",
    "run",
]

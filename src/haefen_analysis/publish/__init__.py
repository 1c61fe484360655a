"""Reports from parameterised notebooks: config (``reports.toml``), runner, HTML and PDF export,
the index of a report folder, meeting decks.

Importing the package imports nothing: ``haefen report`` starts its first worker
(``publish.workers``) before this process pays for pandas, papermill and nbconvert.
"""

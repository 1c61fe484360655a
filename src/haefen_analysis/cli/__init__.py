"""The ``haefen`` command: data summaries, validation of analysts' files, official statistics,
reports and decks; one module per subcommand.

Errors are one clear line (file, row, column, value, rule) and a non-zero exit code, never a
bare traceback.
"""

from __future__ import annotations

import typer

from haefen_analysis.cli import data, deck, importer, report, validate

app = typer.Typer(help="Sichere Häfen: Daten, Prüfung und Berichte.", no_args_is_help=True)
app.add_typer(data.app, name="data")
app.command("validate")(validate.validate)
app.command("template")(validate.template)
app.add_typer(importer.app, name="import")
app.add_typer(report.app, name="report")
app.command("deck")(deck.deck)

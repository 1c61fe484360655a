"""The ``haefen`` command's typer app: data summaries, validation of analysts' files,
official statistics, reports and decks; one module per subcommand.

One error path: every failure a user causes (a ``HaefenError`` from any stage, or a check of
the command itself) is one German line "Fehler: …" on stderr and exit code 1, never a
traceback (``cli.common.fail``).
"""

from __future__ import annotations

from haefen_analysis.cli import common, data, deck, importer, report, validate

app = common.app("Sichere Häfen: Daten, Prüfung und Berichte.")
app.add_typer(data.app, name="data")
app.command("validate")(validate.validate)
app.command("template")(validate.template)
app.add_typer(importer.app, name="import")
app.add_typer(report.app, name="report")
app.command("deck")(deck.deck)

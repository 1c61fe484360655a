"""haefen-analysis: data and reports on the German "Sichere Häfen" movement."""

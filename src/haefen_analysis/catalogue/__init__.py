"""The catalogue (``data/datapackage.json``): tables, columns, rules and German labels, and the
documentation generated from it."""

"""haefen-analysis: data and reports on the German "Sichere Häfen" movement.

The packages are the stages of the pipeline, in order:

``catalogue``  the schema catalogue (``data/datapackage.json``), German labels, generated docs
``ingest``     what sources and analysts write → the catalogue's forms (dates, numbers, Länder,
               names), validation, analysts' files, official statistics (GENESIS)
``datasets``   the validated, typed tables and the geodata
``analysis``   keys, apportionment, scenarios, the per-Land table, members, coverage, regional
``figures``    maps and charts with one theme, offline; static export
``report``     in-notebook helpers (German tables, the "< 3" rule, provenance), the explorer
``publish``    the report runner, HTML/PDF, the index of a report folder, meeting decks
``cli``        the ``haefen`` command

Beside them: ``config`` (paths), ``errors`` (one base class, ``HaefenError``) and ``common``
(one atomic write, one text decoder, German dates, source lists). ``quota``, ``names``,
``genesis`` and ``regional`` only re-export their new homes, until version 0.3.
"""

"""The engine's store: the rows of a command and how they reach the database fast. Models and migrations,
sessions and transactions, prepared statements on the session's own connection (``prepared``), row reads and
writes without the unit of work's flush (``rows``), and the rows a save writes as the runtime planned them
(``human_tasks``, ``waits``, ``records``). With the SpiffWorkflow adapter (``engine.spiff``) it is the only
code allowed private names of SQLAlchemy or SpiffWorkflow (``tests/engine/test_walls.py``)."""

"""The engine's store: how instances and their rows reach the database fast. The workflow state format
(``state``), prepared statements on the session's own connection (``prepared``) and row writes without the
unit of work's flush (``writes``). These are the only engine modules besides the SpiffWorkflow adapter
(``engine.spiff.tasks``, ``engine.spiff.fixes``) allowed private names of SQLAlchemy or SpiffWorkflow."""

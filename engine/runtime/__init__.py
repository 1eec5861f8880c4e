"""The runtime: the unit of work that runs an instance's steps and saves them, and what it keeps beside
the workflow (human tasks, waits, incidents, services, retries, guards)."""

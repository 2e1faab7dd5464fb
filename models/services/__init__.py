"""The service layer: plain functions over a session, used alike by the CLI, tasks and tests."""

"""Prefect tasks: units of I/O work, each acting on a whole batch (never one per email or unit)."""

"""Prefect flows: the plans' process, composed from batch tasks.

- daily_sweep: every morning, chase what is due (remind, escalate), send, and report;
- collect_review_reports: during a midterm or final review, who has reported and who has not;
- yearly_cycle: at the start of each year, open the year's recurring obligations.
"""

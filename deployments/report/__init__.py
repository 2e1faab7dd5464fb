"""The leaders' report: one self-contained HTML page (inline CSS and SVG, no script, nothing
fetched, printable on A4) and its PDF, for a live campaign (`tdkt report`) or a replay.

Its data come from `models.services.leaders_report`; this package only lays them out:
formatting (numbers, dates), svg (scales, axes, primitives), timeline (the Gantt charts, one per
year), charts (activity over time), page (the template's context, HTML), pdf (Chromium)."""

from deployments.report.charts import weekly_counts
from deployments.report.formatting import occurrence_label, vn_date, vn_number
from deployments.report.page import render_report, write_report
from deployments.report.pdf import PdfUnavailable, find_chromium, write_pdf
from deployments.report.svg import nice_ticks

__all__ = [
    "PdfUnavailable",
    "find_chromium",
    "nice_ticks",
    "occurrence_label",
    "render_report",
    "vn_date",
    "vn_number",
    "weekly_counts",
    "write_pdf",
    "write_report",
]

"""Export benchmark: a national campaign's 200,000 obligations written to .xlsx.

A national programme (bench.national: about 20,000 units) owing 10 milestones, all open; the
obligations export (models/services/exports.py through models/spreadsheet.py, openpyxl's
write-only mode) is timed, and the process's peak memory is read before and after: rows are
streamed a chunk at a time, so memory must not grow with the campaign (what grows is the
list of ids, 8 bytes each, and the compressed file).

    .venv/bin/python -m bench.export [--quick] [--json] [--database-url URL]
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from bench import national
from bench.common import arguments, machine, peak_rss_mib, report, scratch_environment
from models.calendar import default_calendar

MILESTONES = 10
FIRST, LAST = dt.date(2021, 3, 1), dt.date(2025, 11, 28)
OPENED_ON = dt.date(2021, 1, 4)
AS_OF = dt.date(2024, 1, 9)


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else "export")
    shape = national.Shape.scaled(0.05) if args.quick else national.Shape()
    with scratch_environment(args.database_url):
        from models.db import engine_for, unit_of_work
        from models.services.exports import ExportKind, ExportRequest, export
        from models.spreadsheet import write_xlsx

        engine = engine_for()
        calendar = default_calendar()
        the_plan = national.plan(MILESTONES, FIRST, LAST, calendar)
        with unit_of_work() as session:
            campaign = national.load(session, shape, the_plan, calendar, contacts=False)
            obligations = national.open_all(session, campaign, calendar, opened_on=OPENED_ON)
            campaign_id = campaign.id
        before = peak_rss_mib()
        with tempfile.TemporaryDirectory() as folder, unit_of_work() as session:
            target = Path(folder) / "nghia-vu.xlsx"
            found = session.get_one(type(campaign), campaign_id)
            started = time.perf_counter()
            sheet = export(session, found, calendar, ExportRequest(ExportKind.OBLIGATIONS, AS_OF))
            with target.open("wb") as out:
                rows = write_xlsx(sheet, out)
            seconds = time.perf_counter() - started
            size = target.stat().st_size / 1024 / 1024
        after = peak_rss_mib()
        backend = engine.dialect.name
    result = {
        "obligations": obligations,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "file_mib": round(size, 1),
        "peak_rss_before_mib": round(before, 1),
        "peak_rss_after_mib": round(after, 1),
        "backend": backend,
        "machine": machine(),
    }
    report(
        result,
        [
            f"{obligations:,} obligations ({backend}); {rows:,} rows exported in {seconds:.1f} s "
            f"({rows / seconds:,.0f} rows/s), file {size:.1f} MiB",
            f"peak memory {before:.0f} MiB before the export, {after:.0f} MiB after",
        ],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()

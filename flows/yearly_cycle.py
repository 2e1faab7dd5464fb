"""At the start of each year: open the year's recurring obligations for every campaign."""

from __future__ import annotations

import datetime as dt

from prefect import flow, get_run_logger

from flows.naming import yearly_name
from models import clock
from tasks.chasing import open_year


@flow(name="yearly-cycle", flow_run_name=yearly_name)
async def yearly_cycle(year: int | None = None, as_of: dt.datetime | None = None) -> dict[str, int]:
    """Open the year's obligations (yearly reports, year-end honours, 19/5, assessments...)."""
    as_of = as_of or clock.now()
    opened = open_year(year or as_of.year, as_of)
    for slug, count in opened.items():
        get_run_logger().info("%s: mở %d nghĩa vụ năm %d", slug, count, year or as_of.year)
    return opened

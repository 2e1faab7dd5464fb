"""How simulated units behave in a replay: who submits, and how early or late. Seeded.

Each obligation's fate is drawn from a hash of the seed and its key, so a replay is the same
every time and does not depend on the order in which obligations are visited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from models.calendar import WorkingCalendar


@dataclass(frozen=True)
class UnitBehaviour:
    seed: int = 2022
    submit_probability: float = 0.85
    earliest: int = -10  # working days before the due date
    latest: int = 15  # working days after it
    acceptance_delay: int = 2  # working days the standing body takes to accept

    def submission_day(self, key: str, due: dt.date, calendar: WorkingCalendar) -> dt.date | None:
        """The day this obligation is submitted, or None if the unit never does."""
        digest = hashlib.sha256(f"{self.seed}:{key}".encode()).digest()
        chance = int.from_bytes(digest[:4], "big") / 2**32
        if chance >= self.submit_probability:
            return None
        spread = int.from_bytes(digest[4:8], "big") / 2**32
        # Most units submit close to the deadline, a tail of them late.
        offset = round(self.earliest + (self.latest - self.earliest) * spread**1.5)
        return calendar.add_working_days(due, offset)

"""What a campaign's sweeps have already opened, so a morning looks only at what is new.

Opening obligations (models.services.obligations.open_obligations) checks, for every
occurrence of every milestone whose reminders have begun, that every unit owing it has its
obligation. Which units owe what changes only with the plan (its milestones, selectors and
the coordinator's dates), the directory (units, mergers, clusters, lead agencies) and the
calendar. So each bucket of units (models.partitions: by unit id) remembers how far it was
opened and under which of those (`stamp`, a digest of them): while the stamp holds, a sweep
checks only the occurrences whose reminders begin after that day, and the mentors' own (their
candidates come and go without any of the above changing). When the stamp differs (a unit
merged, a plan reloaded), the next sweep checks everything once, as the first one did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.orm import Campaign, Opening
from models.partitions import Partition

OPENING_RULES = "1"
"""Part of every stamp: a release that changes which obligations a plan opens bumps it, and
every campaign's next sweep then checks everything once."""


def opening_stamp(campaign: Campaign, calendar: WorkingCalendar, directory_digest: str) -> str:
    """A digest of what decides which units owe which occurrences of the campaign's plan."""
    digest = hashlib.sha256(OPENING_RULES.encode())
    digest.update(json.dumps(campaign.plan, sort_keys=True, default=str).encode())
    digest.update(f"{campaign.issuer_id}/{campaign.standing_body_id}".encode())
    for field in sorted(campaign.fields, key=lambda f: f.id):
        digest.update(f"{field.id}:{sorted(u.id for u in field.lead_agencies)}".encode())
    digest.update(calendar.fingerprint().encode())
    digest.update(directory_digest.encode())
    return digest.hexdigest()


def opened_until(
    session: Session, campaign: Campaign, partition: Partition, stamp: str
) -> dt.date | None:
    """The day up to which every bucket of the partition is opened under this stamp (the
    earliest of them), or None when any bucket must be checked in full."""
    rows = session.scalars(
        select(Opening).where(
            Opening.campaign_id == campaign.id, Opening.shard.in_(partition.shards)
        )
    ).all()
    if len(rows) != len(partition.shards) or any(r.stamp != stamp for r in rows):
        return None
    return min(r.opened_until for r in rows)


def remember_opened(
    session: Session,
    campaign: Campaign,
    partition: Partition,
    stamp: str,
    until: dt.date,
    since: dt.date | None,
) -> None:
    """Every bucket of the partition is now opened up to `until` (or `since`, if later: a
    replay of an earlier morning) under this stamp. The caller holds the buckets."""
    day = until if since is None else max(until, since)
    session.execute(
        delete(Opening).where(
            Opening.campaign_id == campaign.id, Opening.shard.in_(partition.shards)
        )
    )
    session.execute(
        insert(Opening),
        [
            {"campaign_id": campaign.id, "shard": shard, "opened_until": day, "stamp": stamp}
            for shard in partition.shards
        ],
    )

"""Finding what a person named by id, or saying which id they meant.

The CLI takes campaign slugs, unit codes, milestone codes and candidate numbers as typed text;
a typo must not read as "nothing found" (exit 0) but as "no such thing, did you mean ...?"
with the nearest known id, so the person can retype it. The entrypoints call these and never
query the ORM themselves.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Campaign, Candidate, Milestone, Unit


class UnknownId(LookupError):
    """An id that names nothing stored; its text is the Vietnamese message to show."""


def nearest(value: str, known: Iterable[str]) -> str | None:
    """The known id closest to value (difflib's ratio, case-insensitive), or None when none is
    close enough to be worth suggesting."""
    by_key = {k.casefold(): k for k in known}
    found = difflib.get_close_matches(value.casefold(), list(by_key), n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def unknown(what: str, value: str, known: Iterable[str], where: str = "") -> UnknownId:
    """ "Không có kế hoạch 'x'. Có phải 'y'?" (the suggestion only when one is close)."""
    guess = nearest(value, known)
    hint = f" Có phải '{guess}'?" if guess else ""
    return UnknownId(f"Không có {what} '{value}'{where}.{hint}")


def require_campaign(session: Session, slug: str) -> Campaign:
    """The campaign with that slug, else UnknownId naming the nearest slug."""
    found = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if found is None:
        raise unknown("kế hoạch", slug, session.scalars(select(Campaign.slug)))
    return found


def require_unit(session: Session, code: str) -> Unit:
    """The unit with that code, else UnknownId naming the nearest code."""
    found = session.scalar(select(Unit).where(Unit.code == code))
    if found is None:
        raise unknown("đơn vị", code, session.scalars(select(Unit.code)))
    return found


def require_milestone(session: Session, campaign: Campaign, code: str) -> Milestone:
    """The campaign's milestone with that code, else UnknownId naming the nearest code."""
    codes = {m.code: m for m in campaign.milestones}
    if code not in codes:
        raise unknown("mốc", code, codes, where=f" trong kế hoạch {campaign.slug}")
    return codes[code]


def require_candidate(session: Session, number: int) -> Candidate:
    """The candidate with that number, else UnknownId naming the nearest number."""
    found = session.get(Candidate, number)
    if found is None:
        raise unknown("nhân tố số", str(number), map(str, session.scalars(select(Candidate.id))))
    return found

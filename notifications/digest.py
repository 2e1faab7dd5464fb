"""How a digest lays out its items so a reader can act on them (issue 20).

Items are grouped under a heading per unit (for a mentor, per exemplar) with its count, the
most urgent group and item first; an overdue list is split into what fell overdue lately and
what is still overdue, each counted. Two items that would read the same are one line with their
count, and the plan's basis (clause, phrase, quote) is cited once per distinct basis instead of
under every item. Everything here is computed from display strings (render.ItemView), so the
templates only lay it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notifications.render import ItemView

NEWLY_OVERDUE_DAYS = 5
"""Working days overdue up to which an item is "mới quá hạn" (newly overdue) in an overdue list;
beyond, it is "vẫn quá hạn" (still overdue): the news a standing body acts on comes first,
apart from what it already knows."""


@dataclass(frozen=True)
class Line:
    """One line of a digest: one item, or several that read the same (count > 1)."""

    number: int
    item: ItemView  # the first of them: every display field
    count: int
    links: tuple[str, ...]  # each one's own link, in order ("" dropped)
    whose: str = ""  # the group's name, said when a line elsewhere would read the same


@dataclass(frozen=True)
class Group:
    """The lines about one unit (or one exemplar), under a heading with their count."""

    heading: str  # "" when its one line names it ("Sở Tư pháp: Báo cáo …")
    count: int
    lines: tuple[Line, ...]
    name: str = ""  # the unit or exemplar it is about ("" for a council member's votes)


@dataclass(frozen=True)
class Section:
    """A part of the email: its title, how many items it counts (listed or not), its groups."""

    title: str
    count: int
    groups: tuple[Group, ...]
    note: str = ""  # what the title means ("không quá 5 ngày làm việc")


@dataclass(frozen=True)
class Basis:
    """One distinct basis of the email's items, cited once: what it is for, where it is."""

    plan: str  # the plan's citation, "" when the basis before cites the same plan
    plan_title: str
    whats: str  # the items it is the basis of ("Gửi kế hoạch …; Báo cáo …")
    clause: str
    phrase: str
    quote: str
    setting: str


def name_of(v: ItemView) -> str:
    """Whom a line is about, for its group: the unit; for a mentor, the exemplar."""
    if v.actor == "mentor":
        return v.exemplar or v.unit_name
    return "" if v.actor == "council_member" else v.unit_name


def heading_of(v: ItemView) -> str:
    """The heading of the group an item belongs to: its unit; for a mentor, the exemplar
    they foster; for a council member, their vote."""
    if v.actor == "mentor":
        return f"Giúp đỡ điển hình tiên tiến {v.exemplar or v.unit_name}"
    if v.actor == "council_member":
        return "Bỏ phiếu của thành viên Hội đồng"
    return v.unit_name


def grouped(
    views: Iterable[ItemView], urgency: Callable[[ItemView], tuple[object, ...]], start: int = 1
) -> tuple[Group, ...]:
    """Views grouped by heading_of, the group holding the most urgent item first and the most
    urgent item first in each; identical lines merged; lines numbered from `start` on."""
    by_heading: dict[str, list[ItemView]] = {}
    for v in sorted(views, key=urgency):
        by_heading.setdefault(heading_of(v), []).append(v)
    groups: list[Group] = []
    number = start
    for heading, members in by_heading.items():
        lines: list[Line] = []
        merged: dict[tuple[str, ...], int] = {}
        for v in members:
            key = (v.title, v.due, v.effective_due, v.status, v.owed_to, v.link_label)
            at = merged.get(key)
            if at is None:
                merged[key] = len(lines)
                lines.append(Line(number, v, 1, (v.link,) if v.link else ()))
                number += 1
            else:
                old = lines[at]
                links = (*old.links, v.link) if v.link and v.link not in old.links else old.links
                lines[at] = Line(old.number, old.item, old.count + 1, links)
        groups.append(Group(heading, len(members), tuple(lines), name_of(members[0])))
    return tuple(groups)


def _reading(line: Line) -> tuple[str, ...]:
    v = line.item
    return (v.title, v.due, v.effective_due, v.status, v.sent_to)


def distinguished(sections: Sequence[Section]) -> tuple[Section, ...]:
    """The sections with each line that would read the same as a line of another group (two
    units owing the same report) saying whose it is, so no two lines of an email read the
    same even out of their headings' sight; a group of that one line needs no heading."""
    seen = Counter(_reading(line) for s in sections for g in s.groups for line in g.lines)

    def group(g: Group) -> Group:
        lines = tuple(
            replace(line, whose=g.name) if seen[_reading(line)] > 1 else line for line in g.lines
        )
        if len(lines) == 1 and lines[0].whose and lines[0].count == 1:
            return replace(g, heading="", lines=lines)  # its one line names it already
        return replace(g, lines=lines)

    return tuple(replace(s, groups=tuple(map(group, s.groups))) for s in sections)


def overdue_sections(
    overdue: Sequence[ItemView], more: int, more_newly: int
) -> tuple[Section, ...]:
    """The overdue list in two parts, newly overdue (at most NEWLY_OVERDUE_DAYS working days)
    then still overdue, each counting its items left out of the email too; the most overdue
    first in each."""

    def most_overdue(v: ItemView) -> tuple[object, ...]:
        return (-v.overdue_days, v.effective_due_iso, v.unit_name, v.title)

    newly = [v for v in overdue if v.overdue_days <= NEWLY_OVERDUE_DAYS]
    still = [v for v in overdue if v.overdue_days > NEWLY_OVERDUE_DAYS]
    parts = [
        ("Mới quá hạn", f"không quá {NEWLY_OVERDUE_DAYS} ngày làm việc", newly, more_newly),
        ("Vẫn quá hạn", f"trên {NEWLY_OVERDUE_DAYS} ngày làm việc", still, more - more_newly),
    ]
    sections: list[Section] = []
    start = 1
    for title, note, views, left_out in parts:
        if not views and not left_out:
            continue
        groups = grouped(views, most_overdue, start)
        start += sum(len(g.lines) for g in groups)
        sections.append(Section(title, len(views) + max(left_out, 0), groups, note))
    return tuple(sections)


def bases(views: Iterable[ItemView]) -> tuple[Basis, ...]:
    """Each distinct basis once, in the order the items come, the plan cited when it changes."""
    found: dict[tuple[str, ...], list[str]] = {}
    for v in views:
        key = (v.plan, v.plan_title, v.clause, v.phrase, v.quote, v.setting)
        whats = found.setdefault(key, [])
        if v.what not in whats:
            whats.append(v.what)
    result: list[Basis] = []
    previous = ""
    for (plan, title, clause, phrase, quote, setting), whats in found.items():
        result.append(
            Basis(
                plan if plan != previous else "",
                title,
                "; ".join(whats),
                clause,
                phrase,
                quote,
                setting,
            )
        )
        previous = plan
    return tuple(result)

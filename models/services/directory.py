"""Importing a directory of units, contacts and clusters in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from models.directory import Directory, UnitIn, read_directory
from models.orm import Cluster, Contact, Unit
from models.services.audit import record


@dataclass(frozen=True)
class ImportSummary:
    units_added: int
    units_updated: int
    contacts: int
    clusters: int


def import_directory_file(
    session: Session, path: str | Path, *, at: dt.datetime, actor: str
) -> ImportSummary:
    """Read, check and import a directory file; raises InputErrors before writing anything."""
    parent, successor = aliased(Unit), aliased(Unit)
    links = {
        code: (parent_code, successor_code)
        for code, parent_code, successor_code in session.execute(
            select(Unit.code, parent.code, successor.code)
            .outerjoin(parent, Unit.parent_id == parent.id)
            .outerjoin(successor, Unit.successor_id == successor.id)
        )
    }  # the database's tree: a file may close a cycle through units it does not list
    directory = read_directory(path, known_codes=frozenset(links), known_links=links)
    return import_directory(session, directory, at=at, actor=actor, source=str(path))


def _replace_contacts(unit: Unit, item: UnitIn) -> None:
    """Keep contacts the file still lists (same role and email), drop the rest, add new ones."""
    current = {(c.role, c.email): c for c in unit.contacts}
    wanted = []
    for c in item.contacts:
        contact = current.get((c.role, str(c.email).lower())) or Contact(
            role=c.role, email=str(c.email).lower()
        )
        contact.name, contact.phone, contact.position = c.name, c.phone, c.position
        wanted.append(contact)
    unit.contacts = wanted


def import_directory(
    session: Session, directory: Directory, *, at: dt.datetime, actor: str, source: str
) -> ImportSummary:
    """Upsert units by code; a unit's contacts are replaced by those in the file."""
    existing = {u.code: u for u in session.scalars(select(Unit))}
    added = updated = 0
    for item in directory.units:
        unit = existing.get(item.code)
        if unit is None:
            unit = Unit(code=item.code, name=item.name, kind=item.kind)
            session.add(unit)
            existing[item.code] = unit
            added += 1
        else:
            unit.name, unit.kind = item.name, item.kind
            updated += 1
        _replace_contacts(unit, item)
    for item in directory.units:
        unit = existing[item.code]
        unit.parent = existing[item.parent] if item.parent else None
        unit.successor = existing[item.successor] if item.successor else None
    clusters = {c.code: c for c in session.scalars(select(Cluster))}
    for cl in directory.clusters:
        cluster = clusters.get(cl.code) or Cluster(code=cl.code)
        cluster.name, cluster.kind = cl.name, cl.kind
        cluster.leader = existing[cl.leader]
        cluster.members = [existing[m] for m in cl.members]
        session.add(cluster)
    session.flush()
    summary = ImportSummary(
        added, updated, sum(len(u.contacts) for u in directory.units), len(directory.clusters)
    )
    record(
        session,
        at=at,
        actor=actor,
        action="directory.import",
        entity="directory",
        reason=f"{source}: {summary.units_added} đơn vị mới, {summary.units_updated} cập nhật, "
        f"{summary.contacts} liên hệ, {summary.clusters} cụm/khối",
    )
    return summary

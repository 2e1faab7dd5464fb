"""Organisation units, their contacts, and emulation clusters and blocks."""

from __future__ import annotations

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import Base
from models.vocabulary import ClusterKind, ContactRole, UnitKind


def enum_column(enum: type, name: str) -> Enum:
    """Enums are stored by value as plain strings: readable in SQL, portable across backends."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Unit(Base):
    """A cơ quan, đơn vị or địa phương; a stable code identifies it across files and years."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Unit]] = relationship(foreign_keys=[parent_id], back_populates="parent")
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="Contact.id"
    )

    def successors(self) -> list[Unit]:
        """Who took over after each merger, in order (A → P → S); a stored cycle ends it."""
        out: list[Unit] = []
        seen, unit = {self.id}, self
        while unit.successor is not None and unit.successor.id not in seen:
            unit = unit.successor
            seen.add(unit.id)
            out.append(unit)
        return out

    def acting(self) -> Unit:
        """The unit, or whoever does its work now that it has been merged away."""
        chain = self.successors()
        return chain[-1] if chain else self

    def contacts_with(self, *roles: ContactRole) -> list[Contact]:
        """The contacts holding the first of roles that the unit has anyone in (a fallback
        order: the emulation officer, else the head...)."""
        for role in roles:
            found = [c for c in self.contacts if c.role == role]
            if found:
                return found
        return []

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Contact(Base):
    """A person or mailbox that receives a unit's emails in one role."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("unit_id", "role", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[ContactRole] = mapped_column(enum_column(ContactRole, "contact_role"))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    # The chức vụ and the body it is in ("Chủ tịch Ủy ban nhân dân tỉnh"): a leader is
    # addressed by it, never by bare name (models.correspondence). None for a mailbox.
    position: Mapped[str | None] = mapped_column(String(300))

    unit: Mapped[Unit] = relationship(back_populates="contacts")


class Cluster(Base):
    """A cụm or khối thi đua; its leader carries the plan into the cluster's yearly work."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ClusterKind] = mapped_column(enum_column(ClusterKind, "cluster_kind"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("units.id"))

    leader: Mapped[Unit] = relationship(foreign_keys=[leader_id])
    members: Mapped[list[Unit]] = relationship(secondary="cluster_members", order_by="Unit.code")


class ClusterMember(Base):
    __tablename__ = "cluster_members"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)

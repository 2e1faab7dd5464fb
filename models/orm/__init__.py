"""The application's tables (SQLAlchemy 2 typed ORM). The database is the source of truth."""

from models.orm.base import AwareDateTime, Base
from models.orm.campaign import (
    Campaign,
    CampaignField,
    CriterionRule,
    FieldLeadAgency,
    Milestone,
    Quota,
)
from models.orm.directory import Cluster, ClusterMember, Contact, Unit
from models.orm.lifecycle import Assessment, Candidate
from models.orm.obligation import AuditEntry, AuditLogIsAppendOnly, Obligation
from models.orm.outbox import Email, EmailStatus, Notification

__all__ = [
    "Assessment",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "AwareDateTime",
    "Base",
    "Campaign",
    "CampaignField",
    "Candidate",
    "Cluster",
    "ClusterMember",
    "Contact",
    "CriterionRule",
    "Email",
    "EmailStatus",
    "FieldLeadAgency",
    "Milestone",
    "Notification",
    "Obligation",
    "Quota",
    "Unit",
]

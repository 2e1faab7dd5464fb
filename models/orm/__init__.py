"""The application's tables (SQLAlchemy 2 typed ORM). The database is the source of truth."""

from models.orm.access import (
    AccessLink,
    Coordinator,
    CoordinatorSession,
    SigninThrottle,
    SubmittedDocument,
    UsedFormToken,
)
from models.orm.ballots import (
    Ballot,
    BallotCandidate,
    BallotParticipation,
    BallotVote,
    Council,
    CouncilMember,
)
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
from models.orm.documents import IssuedDocument
from models.orm.lifecycle import Assessment, Candidate
from models.orm.obligation import AuditEntry, AuditLogIsAppendOnly, Obligation, Opening
from models.orm.outbox import Email, EmailStatus, Notification
from models.orm.recognition import (
    Ceremony,
    HonourListEntry,
    Publication,
    RegistryEntry,
    RewardDecision,
    RewardProposal,
)
from models.orm.records import EligibilityCheck, YearRecord

__all__ = [
    "AccessLink",
    "Assessment",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "AwareDateTime",
    "Ballot",
    "BallotCandidate",
    "BallotParticipation",
    "BallotVote",
    "Base",
    "Campaign",
    "CampaignField",
    "Candidate",
    "Ceremony",
    "Cluster",
    "ClusterMember",
    "Contact",
    "Coordinator",
    "CoordinatorSession",
    "Council",
    "CouncilMember",
    "CriterionRule",
    "EligibilityCheck",
    "Email",
    "EmailStatus",
    "FieldLeadAgency",
    "HonourListEntry",
    "IssuedDocument",
    "Milestone",
    "Notification",
    "Obligation",
    "Opening",
    "Publication",
    "Quota",
    "RegistryEntry",
    "RewardDecision",
    "RewardProposal",
    "SigninThrottle",
    "SubmittedDocument",
    "Unit",
    "UsedFormToken",
    "YearRecord",
]

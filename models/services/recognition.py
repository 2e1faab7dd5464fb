"""Publicise, honour, reward and promote exemplars: one import for the steps of the last stages.

The steps live in modules by concept (publications, ceremonies, rewards, honour_roll, and what
they share in recognition_common); this module re-exports them so callers keep one name.
The order follows the plans (seed 004 after a decision: registry book, proposal to the higher
level, website and social media, press).
"""

from __future__ import annotations

from models.services.ceremonies import (
    FieldGroup,
    Invitation,
    compile_honour_list,
    hold_ceremony,
    honour_page,
    invitations,
    mark_invited,
)
from models.services.honour_roll import (
    REGISTRY_COLUMNS,
    RegistryRow,
    export_registry,
    registry_rows,
)
from models.services.publications import (
    SOCIAL_TEXT_LIMIT,
    Confirmation,
    confirm_publication,
    confirm_publications,
    draft_all_publications,
    draft_publications,
    overdue_publications,
)
from models.services.recognition_common import (
    EXEMPLAR,
    ON_HONOUR_PAGE,
    TEMPLATES,
    ExemplarView,
    environment,
    exemplar_view,
    md_escape,
    one_line,
    parse,
    plan_citation,
    render,
)
from models.services.rewards import (
    Decision,
    overdue_proposals,
    promote,
    propose_reward,
    propose_rewards,
    receive_document,
    record_decision,
    record_decisions,
)

__all__ = [
    "EXEMPLAR",
    "ON_HONOUR_PAGE",
    "REGISTRY_COLUMNS",
    "SOCIAL_TEXT_LIMIT",
    "TEMPLATES",
    "Confirmation",
    "Decision",
    "ExemplarView",
    "FieldGroup",
    "Invitation",
    "RegistryRow",
    "compile_honour_list",
    "confirm_publication",
    "confirm_publications",
    "draft_all_publications",
    "draft_publications",
    "environment",
    "exemplar_view",
    "export_registry",
    "hold_ceremony",
    "honour_page",
    "invitations",
    "mark_invited",
    "md_escape",
    "one_line",
    "overdue_proposals",
    "overdue_publications",
    "parse",
    "plan_citation",
    "promote",
    "propose_reward",
    "propose_rewards",
    "receive_document",
    "record_decision",
    "record_decisions",
    "registry_rows",
    "render",
]

"""Roles and what each may do.

An account holds exactly one role (one column), so no account can hold two of the system,
security and audit administrator roles (三权分立) — see docs/decisions/0002-roles-and-scope.md.
Capabilities are the only thing views, the sidebar and the API ask about.
"""

from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhijiao.core.errors import ServiceError


class Role(models.TextChoices):
    PLAN_OFFICE = "plan_office", _("工作专班")
    UNIT_LIAISON = "unit_liaison", _("责任单位联络员")
    SCHOOL_CLERK = "school_clerk", _("学校填报员")
    ENTERPRISE = "enterprise", _("企业用户")
    EXPERT = "expert", _("评审专家")
    LEARNER = "learner", _("学习者")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


class Capability(StrEnum):
    PLAN_VIEW = "plan.view"  # see tasks in scope
    PLAN_VIEW_ALL = "plan.view_all"  # every unit's rows
    PLAN_REPORT = "plan.report"  # write and submit progress reports for own unit
    PLAN_REVIEW = "plan.review"  # approve or return reports, decide extensions
    PLAN_MANAGE = "plan.manage"  # load plans, set periods and warning rules
    PLAN_BULLETIN = "plan.bulletin"  # generate supervision bulletins and exports
    SCHOOL_PLAN = "plan.school_plan"  # keep the school's own 一校一案
    ORGS_MANAGE = "orgs.manage"  # units and user accounts
    SECURITY_MANAGE = "security.manage"  # roles of accounts, tokens, lockouts
    AUDIT_VIEW = "audit.view"  # read and export the audit trail
    JOBS_VIEW = "jobs.view"  # see own background jobs
    TARGETS_VIEW = "indicators.view"  # targets, indicators and reporting completeness
    DATA_ENTER = "indicators.enter"  # enter and import own unit's data, report it
    DATA_APPROVE = "indicators.approve"  # approve data of supervised units (bureau level)
    INDICATORS_MANAGE = "indicators.manage"  # data sets, rules, indicators, targets; final approval
    PEOPLE_VIEW = (
        "people.view"  # registries of teachers, majors, training, awards in scope (masked)
    )
    PEOPLE_MANAGE = "people.manage"  # register, edit and import records of own school(s)
    PEOPLE_UNMASK = "people.unmask"  # see full personal data of a record (audited)
    PEOPLE_DECIDE = "people.decide"  # review 技能雏鹰 nominations, publish the honoured list
    COOPERATION_VIEW = "cooperation.view"  # school–enterprise cooperation registries in scope
    COOPERATION_MANAGE = "cooperation.manage"  # create, edit and import cooperation records
    COOPERATION_DECIDE = "cooperation.decide"  # confirm levels (产教融合型企业, 职教集团, bases)
    TALENT_VIEW = "talent.view"  # catalogues, demand figures and the published reports
    TALENT_SURVEY = "talent.survey"  # an enterprise's own demand survey and postings
    TALENT_MANAGE = "talent.manage"  # catalogues, mappings, surveys, report publication
    EVALUATION_VIEW = "evaluation.view"  # schemes, rounds and results in scope
    EVALUATION_SUBMIT = "evaluation.submit"  # a school's self-assessment and appeals
    EVALUATION_SCORE = "evaluation.score"  # an expert's assigned scoring
    EVALUATION_MANAGE = "evaluation.manage"  # schemes, rounds, assignment, reconciliation, results
    CREDIT_LEARN = "creditbank.learn"  # a learner's own account, applications and transcript
    CREDIT_SUBMIT = (
        "creditbank.submit"  # open accounts and submit outcomes for own school's learners
    )
    CREDIT_REVIEW = "creditbank.review"  # school-level review of applications
    CREDIT_BANK = "creditbank.bank"  # bank-level review, rules, revocation, corrections
    CREDIT_UNMASK = "creditbank.unmask"  # see a learner's full personal data (audited)


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.PLAN_OFFICE: frozenset(
        {
            Capability.PLAN_VIEW,
            Capability.PLAN_VIEW_ALL,
            Capability.PLAN_REPORT,
            Capability.PLAN_REVIEW,
            Capability.PLAN_MANAGE,
            Capability.PLAN_BULLETIN,
            Capability.JOBS_VIEW,
            Capability.TARGETS_VIEW,
            Capability.DATA_ENTER,
            Capability.INDICATORS_MANAGE,
            Capability.PEOPLE_VIEW,
            Capability.PEOPLE_MANAGE,
            Capability.PEOPLE_UNMASK,
            Capability.PEOPLE_DECIDE,
            Capability.COOPERATION_VIEW,
            Capability.COOPERATION_MANAGE,
            Capability.COOPERATION_DECIDE,
            Capability.CREDIT_BANK,
            Capability.CREDIT_UNMASK,
            Capability.TALENT_VIEW,
            Capability.TALENT_MANAGE,
            Capability.EVALUATION_VIEW,
            Capability.EVALUATION_MANAGE,
        }
    ),
    Role.UNIT_LIAISON: frozenset(
        {
            Capability.PLAN_VIEW,
            Capability.PLAN_REPORT,
            Capability.JOBS_VIEW,
            Capability.TARGETS_VIEW,
            Capability.DATA_ENTER,
            Capability.DATA_APPROVE,
            Capability.PEOPLE_VIEW,
            Capability.PEOPLE_MANAGE,
            Capability.PEOPLE_DECIDE,
            Capability.COOPERATION_VIEW,
            Capability.COOPERATION_MANAGE,
            Capability.TALENT_VIEW,
            Capability.EVALUATION_VIEW,
        }
    ),
    Role.SCHOOL_CLERK: frozenset(
        {
            Capability.PLAN_VIEW,
            Capability.PLAN_REPORT,
            Capability.SCHOOL_PLAN,
            Capability.JOBS_VIEW,
            Capability.TARGETS_VIEW,
            Capability.DATA_ENTER,
            Capability.PEOPLE_VIEW,
            Capability.PEOPLE_MANAGE,
            Capability.COOPERATION_VIEW,
            Capability.COOPERATION_MANAGE,
            Capability.CREDIT_SUBMIT,
            Capability.CREDIT_REVIEW,
            Capability.TALENT_VIEW,
            Capability.EVALUATION_VIEW,
            Capability.EVALUATION_SUBMIT,
        }
    ),
    Role.ENTERPRISE: frozenset(
        {Capability.COOPERATION_VIEW, Capability.TALENT_VIEW, Capability.TALENT_SURVEY}
    ),
    Role.EXPERT: frozenset({Capability.EVALUATION_SCORE}),
    Role.LEARNER: frozenset({Capability.CREDIT_LEARN}),
    Role.SYSTEM_ADMIN: frozenset({Capability.ORGS_MANAGE, Capability.JOBS_VIEW}),
    Role.SECURITY_ADMIN: frozenset({Capability.SECURITY_MANAGE}),
    Role.AUDIT_ADMIN: frozenset({Capability.AUDIT_VIEW, Capability.JOBS_VIEW}),
}

# Roles whose users see every unit's rows; all others see their own unit only.
ALL_UNITS_ROLES = frozenset({Role.PLAN_OFFICE})


class AccessErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"


def require_capability(user: Any, capability: Capability, message: str = "") -> None:
    """For services and the API: refuses (403) a user whose role lacks the capability."""
    if not user.can(capability):
        raise ServiceError(
            AccessErrorCode.NOT_ALLOWED,
            message or gettext("您没有执行此操作的权限"),
            status_code=403,
        )

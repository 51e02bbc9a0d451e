from __future__ import annotations

import pytest

from tests.factories import UnitFactory, UserFactory
from zhijiao.orgs.models import UnitKind
from zhijiao.orgs.roles import Role


@pytest.fixture
def education_bureau():
    return UnitFactory(name="教育局", kind=UnitKind.GOVERNMENT)


@pytest.fixture
def plan_office_user(education_bureau):
    return UserFactory(username="office", role=Role.PLAN_OFFICE, unit=education_bureau)


@pytest.fixture
def audit_admin():
    return UserFactory(username="auditor", role=Role.AUDIT_ADMIN, unit=None)

"""Enterprises are units identified by their 统一社会信用代码."""

import pytest

from zhijiao.core.codes import credit_code_with_check
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditEvent
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.orgs.services import enterprise_register

pytestmark = pytest.mark.django_db

CODE = credit_code_with_check("91320281MA1MX3KQ0")
OTHER = credit_code_with_check("91320281MA1MX3KQ1")


def test_a_new_enterprise_becomes_a_unit_with_its_code_and_an_audit_row():
    unit, created = enterprise_register(name="江阴兴澄特种钢铁有限公司", credit_code=CODE.lower())

    assert created and unit.kind == UnitKind.ENTERPRISE and unit.credit_code == CODE
    assert AuditEvent.objects.filter(object_type="orgs.Unit", object_id=str(unit.pk)).exists()


def test_the_same_code_and_name_find_the_same_unit():
    first, _ = enterprise_register(name="江阴兴澄特种钢铁有限公司", credit_code=CODE)
    again, created = enterprise_register(name="江阴兴澄特种钢铁有限公司", credit_code=CODE)

    assert again == first and not created
    assert Unit.objects.filter(credit_code=CODE).count() == 1


def test_the_same_code_under_another_name_is_refused():
    enterprise_register(name="江阴兴澄特种钢铁有限公司", credit_code=CODE)

    with pytest.raises(ServiceError, match="已登记为“江阴兴澄特种钢铁有限公司”"):
        enterprise_register(name="另一家公司", credit_code=CODE)


def test_a_name_registered_with_another_code_is_refused():
    enterprise_register(name="江阴兴澄特种钢铁有限公司", credit_code=CODE)

    with pytest.raises(ServiceError, match="不一致"):
        enterprise_register(name="江阴兴澄特种钢铁有限公司", credit_code=OTHER)


def test_a_unit_known_by_name_only_gets_its_code():
    Unit.objects.create(name="海澜集团有限公司", kind=UnitKind.ENTERPRISE)

    unit, created = enterprise_register(name="海澜集团有限公司", credit_code=CODE)

    assert not created and unit.credit_code == CODE


def test_a_wrong_check_digit_changes_nothing():
    with pytest.raises(ServiceError, match="校验位"):
        enterprise_register(
            name="某公司", credit_code=CODE[:17] + ("0" if CODE[17] != "0" else "1")
        )
    assert not Unit.objects.filter(name="某公司").exists()

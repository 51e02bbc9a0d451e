"""A school clerk registers a 名企名校合作项目, finding its enterprises by typing, in a real browser:
the form lists only the enterprises chosen (a province registers 200,000)."""

from __future__ import annotations

import pytest

from tests.cooperation.conftest import code
from tests.e2e.conftest import login
from tests.e2e.test_accessibility import violations
from tests.factories import PASSWORD
from zhijiao.cooperation.models import FamousProject
from zhijiao.orgs.models import Unit, UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_finds_and_chooses_the_enterprises_of_a_project(
    live_server, browser_page, shots, coop
):
    page = browser_page
    Unit.objects.bulk_create(
        Unit(name=f"澄江机械{n:02d}有限公司", kind=UnitKind.ENTERPRISE, credit_code=code(100 + n))
        for n in range(30)
    )
    login(page, live_server.url, "school", PASSWORD)
    page.goto(f"{live_server.url}/cooperation/projects/new/")
    page.fill("input[name=name]", "智能制造订单班")

    search = page.locator("#id_enterprises_search")
    search.fill("机械0")
    page.get_by_role("button", name="澄江机械03有限公司").wait_for()
    shots("01-found")
    assert violations(page) == []
    page.get_by_role("button", name="澄江机械03有限公司").click()
    search.fill("机械1")
    page.get_by_role("button", name="澄江机械17有限公司").click()
    search.fill("某企业")
    page.get_by_role("button", name="某企业").wait_for()
    search.press("Enter")  # takes the first found, and does not send the form
    shots("02-chosen")
    chips = page.locator("[data-unit-chosen] [data-unit-label]")
    assert chips.all_inner_texts() == ["澄江机械03有限公司", "澄江机械17有限公司", "某企业"]

    page.locator("[data-unit-chosen-one]", has_text="澄江机械17有限公司").get_by_role(
        "button", name="移除"
    ).click()
    page.select_option("select[name=industry]", "special_steel")
    page.fill("textarea[name=content]", "共建智能制造订单班")
    page.fill("input[name=started_on]", "2022-09-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    shots("03-saved")

    project = FamousProject.objects.get(name="智能制造订单班")
    assert sorted(u.name for u in project.enterprises.all()) == ["某企业", "澄江机械03有限公司"]

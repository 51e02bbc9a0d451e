"""Forms that choose among every enterprise list only the ones chosen and find the others as the
user types (zhijiao.core.unitsearch): a province registers 200,000 enterprises."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.cooperation.conftest import code
from zhijiao.cooperation.models import FamousProject, GroupMember
from zhijiao.cooperation.selectors import ENTERPRISE_SEARCH, MEMBER_SEARCH
from zhijiao.orgs.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

SEARCH = reverse("admin:unit-search")


@pytest.fixture
def many(coop):
    """Thirty enterprises named 澄江机械…, the last one no longer active."""
    Unit.objects.bulk_create(
        Unit(
            name=f"澄江机械{n:02d}有限公司",
            kind=UnitKind.ENTERPRISE,
            credit_code=code(100 + n),
            is_active=n != 29,
        )
        for n in range(30)
    )


def found(answer) -> list[str]:
    return re.findall(r'data-label="([^"]+)"', answer.content.decode())


def test_the_project_form_lists_only_the_chosen_enterprises(client, coop, make, many):
    client.force_login(coop.users["office"])
    new = client.get(reverse("admin:cooperation-projects-new")).content.decode()
    project = make.project()
    edit = client.get(
        reverse("admin:cooperation-projects-edit", args=[project.pk])
    ).content.decode()

    assert "澄江机械" not in new and "澄江机械" not in edit
    assert f'hx-get="{SEARCH}?source={ENTERPRISE_SEARCH}"' in new
    # The enterprise already chosen is shown, to keep or remove.
    assert re.search(
        rf'name="enterprises" value="{coop.units["某企业"].pk}">\s*<span data-unit-label>某企业<',
        edit,
    )


def test_the_search_finds_enterprises_by_name_short_name_and_credit_code(client, coop, many):
    client.force_login(coop.users["school"])
    Unit.objects.filter(name="澄江机械07有限公司").update(short_name="澄机七厂")

    def search(text):
        return found(client.get(SEARCH, {"source": ENTERPRISE_SEARCH, "q": text}))

    assert search("机械03") == ["澄江机械03有限公司"]
    assert search("澄机七厂") == ["澄江机械07有限公司"]
    assert search(code(112).lower()) == ["澄江机械12有限公司"]
    assert search("机械29") == []  # no longer active
    assert search("甲职校") == []  # a school is not an enterprise


def test_the_search_lists_twenty_and_asks_for_more_of_the_name(client, coop, many):
    client.force_login(coop.users["office"])

    wide = client.get(SEARCH, {"source": ENTERPRISE_SEARCH, "q": "澄江机械"})
    short = client.get(SEARCH, {"source": ENTERPRISE_SEARCH, "q": "澄"})
    none = client.get(SEARCH, {"source": ENTERPRISE_SEARCH, "q": "无此企业"})

    assert found(wide) == [f"澄江机械{n:02d}有限公司" for n in range(20)]
    assert "仅列出前 20 个，请输入更完整的名称" in wide.content.decode()
    assert found(short) == [] and "请至少输入 2 个字" in short.content.decode()
    assert "没有名称或统一社会信用代码含“无此企业”的单位" in none.content.decode()


def test_the_group_member_search_offers_schools_associations_and_enterprises(client, coop):
    client.force_login(coop.users["office"])

    def search(text):
        return found(client.get(SEARCH, {"source": MEMBER_SEARCH, "q": text}))

    assert search("职校") == ["乙职校", "甲职校"]
    assert search("行业协会") == ["行业协会"]
    assert search("发改委") == []  # a bureau does not join a 职教集团


def test_who_may_search(client, coop):
    client.force_login(coop.users["learner"])
    assert client.get(SEARCH, {"source": ENTERPRISE_SEARCH, "q": "某企业"}).status_code == 403

    client.force_login(coop.users["school"])
    assert client.get(SEARCH, {"source": "no-such-source", "q": "某企业"}).status_code == 404
    assert client.get(SEARCH, {"source": ENTERPRISE_SEARCH, "q": "某企业"}).status_code == 200

    client.logout()
    answer = client.get(SEARCH, {"source": ENTERPRISE_SEARCH, "q": "某企业"})
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("admin:login"))


def test_an_enterprise_the_form_does_not_offer_is_refused_and_nothing_saved(client, coop, many):
    client.force_login(coop.users["school"])
    inactive = Unit.objects.get(name="澄江机械29有限公司")
    school = coop.units["甲职校"]

    answer = client.post(
        reverse("admin:cooperation-projects-new"),
        {
            "name": "订单班",
            "enterprises": [coop.units["某企业"].pk, inactive.pk, school.pk],
            "industry": "special_steel",
            "content": "共建订单班",
            "started_on": "2022-09-01",
        },
    )

    page = answer.content.decode()
    assert answer.status_code == 200 and FamousProject.objects.count() == 0
    assert "选择一个有效的选项" in page
    # The form comes back with the valid choice kept and the others dropped.
    assert f'name="enterprises" value="{coop.units["某企业"].pk}"' in page
    assert f'value="{inactive.pk}"' not in page


def test_a_member_found_by_the_search_joins_the_group(client, coop, make, many):
    group = make.group()
    client.force_login(coop.users["office"])
    detail = client.get(reverse("admin:cooperation-groups-detail", args=[group.pk]))
    assert "澄江机械" not in detail.content.decode()
    assert f"?source={MEMBER_SEARCH}" in detail.content.decode()

    chosen = Unit.objects.get(name="澄江机械05有限公司")
    answer = client.post(
        reverse("admin:cooperation-groups-member-add", args=[group.pk]),
        {"unit": chosen.pk, "role": "member", "joined_on": "2023-01-01"},
    )

    assert answer.status_code == 302
    assert GroupMember.objects.filter(group=group, unit=chosen).exists()

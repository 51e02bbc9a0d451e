"""The registry pages: every page with an object (detail, edit, the POST actions) walked for every
role — a record outside the user's scope answers 404, a role without the capability 403, a
record the user may see but not change 403 on its edit page — and the lists keep to the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from tests.cooperation.conftest import D
from tests.factories import UnitFactory
from zhijiao.cooperation import services
from zhijiao.cooperation.data import EnterpriseLevel, GroupLevel, MemberRole
from zhijiao.cooperation.models import FamousProject, GroupMember, VocationalGroup
from zhijiao.cooperation.registries import REGISTRIES
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import UnitKind

ROLES = ["office", "jyj", "rsj", "school", "enterprise", "expert", "auditor"]
NO_VIEW = {"expert": 403, "auditor": 403}


@dataclass
class World:
    """One record of every registry at 乙职校 (人社局's school): outside 甲职校's and 教育局's scope.
    某企业 is a partner of the project, group, base and apprenticeship and is itself the 产教融合型
    企业 (which 发改委 is responsible for)."""

    ids: dict[str, int]


@pytest.fixture
def world(coop, make) -> World:
    firm = coop.units["某企业"]
    group = make.group(lead="乙职校")
    services.member_add(
        user=coop.users["office"],
        group=group,
        unit=firm,
        role=MemberRole.MEMBER,
        joined_on=D(2021, 6, 1),
    )
    programme = make.apprenticeship(school="乙职校")
    make.mentor(programme)
    cpe = make.cpe()
    make.decide(cpe, EnterpriseLevel.CULTIVATION, D(2021, 4, 1))
    return World(
        {
            "cooperation-projects": make.project(school="乙职校").pk,
            "cooperation-groups": group.pk,
            "cooperation-enterprises": cpe.pk,
            "cooperation-bases": make.base(school="乙职校").pk,
            "cooperation-apprenticeships": programme.pk,
            "cooperation-apprentices": make.apprentice(programme).pk,
            "cooperation-pilots": make.pilot(school="乙职校").pk,
            "cooperation-directory": firm.pk,
            "governance-charters": make.governance(school="乙职校").pk,
            "governance-sanquan": make.sanquan(school="乙职校").pk,
            "governance-cases": make.case(school="乙职校").pk,
        }
    )


# Who sees each record: the office, 人社局 (乙职校's bureau) and, where it is a party, 某企业.
PARTY = {"office": 200, "jyj": 404, "rsj": 200, "school": 404, "enterprise": 200, **NO_VIEW}
NOT_PARTY = {**PARTY, "enterprise": 404}
DETAIL = {
    "cooperation-projects": PARTY,
    "cooperation-groups": PARTY,
    "cooperation-enterprises": PARTY,  # 人社局 through its partner school 乙职校
    "cooperation-bases": PARTY,
    "cooperation-apprenticeships": PARTY,
    "cooperation-apprentices": PARTY,
    "cooperation-pilots": NOT_PARTY,
    # The directory's names and codes are public registration data.
    "cooperation-directory": {**PARTY, "jyj": 200, "school": 200},
    "governance-charters": NOT_PARTY,
    "governance-sanquan": NOT_PARTY,
    "governance-cases": NOT_PARTY,
}
# The edit page: the enterprise role cannot manage (403 before the record is read); 人社局 may see
# the 产教融合型企业 through its school but 发改委 owns it (403).
EDIT = {key: {**seen, "enterprise": 403} for key, seen in DETAIL.items()}
EDIT["cooperation-enterprises"]["rsj"] = 403


def statuses(client, coop, url: str, method: str = "get", data: Any = None) -> dict[str, int]:
    got = {}
    for user in ROLES:
        client.force_login(coop.users[user])
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        got[user] = response.status_code
    return got


def test_the_detail_page_of_each_registry_for_every_role(client, coop, world):
    got = {
        key: statuses(client, coop, reverse(f"admin:{key}-detail", args=[world.ids[key]]))
        for key in DETAIL
    }
    assert got == DETAIL


def test_the_edit_page_of_each_registry_for_every_role(client, coop, world):
    got = {
        key: statuses(client, coop, reverse(f"admin:{key}-edit", args=[world.ids[key]]))
        for key in EDIT
        if key != "cooperation-directory"  # enterprises are not edited here
    }
    assert got == {k: v for k, v in EDIT.items() if k != "cooperation-directory"}


def test_each_action_for_every_role(client, coop, world):
    """An empty form: the roles allowed come back to the record with the form's errors (302); a
    role without the capability is refused (403) and one that cannot see the record gets 404."""
    got, expected = {}, {}
    for registry in REGISTRIES:
        for action in registry.actions:
            key = registry.key
            url = reverse(f"admin:{key}-{action.name}", args=[world.ids[key]])
            seen = DETAIL[key]
            if action.name == "level":
                want = {u: 302 if u == "office" else 403 for u in ROLES}
            else:
                want = {u: 302 if seen[u] == 200 else seen[u] for u in ROLES}
                want["enterprise"] = 403
            got[f"{key}-{action.name}"] = statuses(client, coop, url, "post")
            expected[f"{key}-{action.name}"] = want
            client.force_login(coop.users["office"])
            assert client.get(url).status_code == 405
    assert len(got) == 10 and got == expected


def test_a_list_shows_only_the_records_in_scope(client, coop, make):
    make.project(name="本校项目")
    make.project(name="他校项目", school="乙职校", enterprises=[coop.units["另一企业"]])
    url = reverse("admin:cooperation-projects")
    seen = {}
    for user in ("office", "jyj", "rsj", "school", "enterprise"):
        client.force_login(coop.users[user])
        page = client.get(url).content.decode()
        seen[user] = {name for name in ("本校项目", "他校项目") if name in page}

    assert seen == {
        "office": {"本校项目", "他校项目"},
        "jyj": {"本校项目"},
        "rsj": {"他校项目"},
        "school": {"本校项目"},
        "enterprise": {"本校项目"},  # 某企业 is a partner of 本校项目 only
    }


def test_the_list_filters(client, coop, make):
    make.project(name="特钢项目", started_on=D(2021, 3, 1))
    ended = make.project(name="已终止项目", started_on=D(2021, 3, 1))
    services.project_terminate(
        user=coop.users["office"], project=ended, terminated_on=D(2022, 6, 30), reason="中止"
    )
    make.project(name="芯片项目", industry="chip", started_on=D(2023, 3, 1))
    client.force_login(coop.users["office"])
    url = reverse("admin:cooperation-projects")

    def names(**params) -> set[str]:
        page = client.get(url, params).content.decode()
        return {n for n in ("特钢项目", "已终止项目", "芯片项目") if f">{n}<" in page}

    assert names() == {"特钢项目", "已终止项目", "芯片项目"}
    assert names(industry="chip") == {"芯片项目"}
    assert names(year="2022") == {"特钢项目"}
    assert names(year="2021") == {"特钢项目", "已终止项目"}
    assert names(q="芯片") == {"芯片项目"}
    assert names(enterprise=str(coop.units["另一企业"].pk)) == set()
    assert names(industry="nonsense") == {"特钢项目", "已终止项目", "芯片项目"}  # ignored
    assert "没有符合筛选条件" in client.get(url, {"q": "不存在"}).content.decode()


def test_the_enterprise_filter_offers_the_partners_named_in_the_registry_only(client, coop, make):
    """Not every enterprise of the city (200,000 in a province) as options of one select."""
    unnamed = UnitFactory(name="未合作企业", kind=UnitKind.ENTERPRISE)
    make.project(name="特钢项目")  # with 某企业
    make.project(name="芯片项目", enterprises=[coop.units["另一企业"]])
    client.force_login(coop.users["office"])
    page = client.get(reverse("admin:cooperation-projects")).content.decode()
    select = page[page.index('name="enterprise"') :]
    select = select[: select.index("</select>")]

    assert f'value="{coop.units["某企业"].pk}"' in select
    assert f'value="{coop.units["另一企业"].pk}"' in select
    assert f'value="{unnamed.pk}"' not in select


def test_the_group_member_filter_does_not_repeat_groups(client, coop, make):
    group = make.group(name="特钢集团")
    for unit in ("某企业", "另一企业"):
        services.member_add(
            user=coop.users["office"],
            group=group,
            unit=coop.units[unit],
            role=MemberRole.MEMBER,
            joined_on=D(2022, 1, 1),
        )
    client.force_login(coop.users["office"])
    page = client.get(
        reverse("admin:cooperation-groups"), {"member": str(coop.units["某企业"].pk)}
    ).content.decode()
    assert page.count(">特钢集团<") == 1 and "共 1 个职教集团" in page


def test_a_clerk_registers_a_project_of_their_school_on_the_page(client, coop):
    client.force_login(coop.users["school"])
    url = reverse("admin:cooperation-projects-new")
    form = client.get(url).content.decode()
    assert "乙职校" not in form  # the school field is fixed to 甲职校

    response = client.post(
        url,
        {
            "name": "订单班",
            "school": coop.units["乙职校"].pk,  # a disabled field: ignored
            "enterprises": [coop.units["某企业"].pk],
            "industry": "special_steel",
            "content": "共建订单班",
            "started_on": "2022-09-01",
        },
    )

    project = FamousProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cooperation-projects-detail", args=[project.pk])
    assert project.school == coop.units["甲职校"]


def test_a_refused_form_shows_the_chinese_error_and_saves_nothing(client, coop, make):
    make.project(name="订单班")
    client.force_login(coop.users["school"])

    response = client.post(
        reverse("admin:cooperation-projects-new"),
        {
            "name": "订单班",
            "enterprises": [coop.units["某企业"].pk],
            "industry": "special_steel",
            "content": "重复",
            "started_on": "2022-09-01",
        },
    )

    assert response.status_code == 200
    assert "该学校已登记同名的合作项目" in response.content.decode() or (
        "甲职校已登记名为“订单班”的合作项目" in response.content.decode()
    )
    assert FamousProject.objects.count() == 1


def test_the_edit_page_saves_and_says_so(client, coop, make):
    project = make.project(name="旧名称", school="乙职校")
    client.force_login(coop.users["rsj"])
    url = reverse("admin:cooperation-projects-edit", args=[project.pk])
    form = client.get(url).content.decode()
    assert "旧名称" in form

    response = client.post(
        url,
        {
            "name": "新名称",
            "school": project.school.pk,
            "enterprises": [coop.units["某企业"].pk],
            "industry": project.industry,
            "content": project.content,
            "started_on": "2022-03-01",
        },
        follow=True,
    )

    assert "已保存" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "新名称"


def test_the_edit_page_of_an_invalid_change_shows_the_stored_record(client, coop, make):
    project = make.project(name="原名称")
    client.force_login(coop.users["office"])

    response = client.post(
        reverse("admin:cooperation-projects-edit", args=[project.pk]),
        {
            "name": "原名称",
            "school": project.school.pk,
            "enterprises": [],
            "industry": project.industry,
            "content": project.content,
            "started_on": "2022-03-01",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "修改合作项目 · 原名称" in page
    assert FamousProject.objects.get().enterprises.count() == 1


def test_the_office_decides_a_level_on_the_page(client, coop, make):
    group = make.group()
    client.force_login(coop.users["office"])
    url = reverse("admin:cooperation-groups-level", args=[group.pk])

    jump = client.post(
        url,
        {"level": GroupLevel.DEMONSTRATION, "decided_on": "2022-01-01", "authority": "教育局"},
        follow=True,
    )
    assert "选择一个有效的选项" in jump.content.decode()  # only one step is offered
    done = client.post(
        url,
        {"level": GroupLevel.BACKBONE, "decided_on": "2022-01-01", "authority": "教育局"},
        follow=True,
    )

    assert "已登记职教集团级别认定" in done.content.decode()
    group.refresh_from_db()
    assert group.level == GroupLevel.BACKBONE
    page = client.get(reverse("admin:cooperation-groups-detail", args=[group.pk])).content
    assert "一般 → 骨干" in page.decode()


def test_members_join_and_leave_on_the_group_page(client, coop, make):
    group = make.group()
    client.force_login(coop.users["jyj"])  # 教育局 supervises the lead school 甲职校
    join = reverse("admin:cooperation-groups-member-add", args=[group.pk])
    client.post(
        join, {"unit": coop.units["某企业"].pk, "role": "member", "joined_on": "2022-01-01"}
    )
    member = GroupMember.objects.get(group=group, unit=coop.units["某企业"])

    twice = client.post(
        join, {"unit": coop.units["某企业"].pk, "role": "member", "joined_on": "2022-02-01"},
        follow=True,
    )  # fmt: skip
    assert "选择一个有效的选项" in twice.content.decode()  # current members are not offered
    leave = reverse("admin:cooperation-groups-member-leave", args=[group.pk])
    done = client.post(leave, {"member": member.pk, "left_on": "2023-01-01"}, follow=True)

    assert "已登记成员退出" in done.content.decode()
    member.refresh_from_db()
    assert member.left_on == D(2023, 1, 1)
    lead = group.members.get(role=MemberRole.CHAIR)
    refused = client.post(leave, {"member": lead.pk, "left_on": "2023-01-01"}, follow=True)
    assert "选择一个有效的选项" in refused.content.decode()
    assert VocationalGroup.objects.get().members.filter(left_on__isnull=True).count() == 1


def test_the_detail_page_offers_only_what_the_user_may_do(client, coop, world):
    url = reverse(
        "admin:cooperation-enterprises-detail", args=[world.ids["cooperation-enterprises"]]
    )
    client.force_login(coop.users["office"])
    office = client.get(url).content.decode()
    client.force_login(coop.users["enterprise"])
    enterprise = client.get(url).content.decode()

    client.force_login(coop.users["rsj"])  # sees it through its school 乙职校; 发改委 owns it
    bureau = client.get(url).content.decode()
    for form in (f"{url}level/", f"{url}incentive/"):
        assert f'action="{form}"' in office and f'action="{form}"' not in enterprise
        assert f'action="{form}"' not in bureau
    assert ">修改</a>" in office and ">修改</a>" not in enterprise and ">修改</a>" not in bureau


def test_the_charter_page_links_to_the_school_plan_not_a_copy(client, coop, make):
    record = make.governance()
    client.force_login(coop.users["office"])
    page = client.get(reverse("admin:governance-charters-detail", args=[record.pk])).content
    assert "一校一案（见督查督办）" in page.decode() and "尚未制定" in page.decode()


def test_every_change_made_on_a_page_is_audited(client, coop, make):
    project = make.project()
    client.force_login(coop.users["office"])
    client.post(
        reverse("admin:cooperation-projects-terminate", args=[project.pk]),
        {"terminated_on": "2023-01-01", "reason": "企业转产"},
    )
    from zhijiao.core.models import AuditEvent

    row = AuditEvent.objects.filter(
        object_type="cooperation.FamousProject", action=AuditAction.UPDATE
    ).get()
    assert row.actor == coop.users["office"] and row.changes == {
        "terminated_on": [None, "2023-01-01"]
    }

"""No N+1: a list page, an export and an API list cost the same number of queries whether the
registry holds one record or several."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cooperation.conftest import D
from zhijiao.cooperation import services
from zhijiao.cooperation.data import EnterpriseLevel, IncentivePolicy, MemberRole
from zhijiao.cooperation.models import SchoolGovernance
from zhijiao.cooperation.registries import REGISTRIES


def add_records(coop, make, n: int) -> None:
    """``n`` more records of every registry, each with its related rows."""
    office = coop.users["office"]
    for _ in range(n):
        make.project(enterprises=[coop.units["某企业"], coop.units["另一企业"]])
        group = make.group()
        services.member_add(
            user=office,
            group=group,
            unit=coop.units["某企业"],
            role=MemberRole.MEMBER,
            joined_on=D(2022, 1, 1),
        )
        record = make.cpe(f"企业{make.counter}", schools=[coop.units["甲职校"]])
        make.decide(record, EnterpriseLevel.CULTIVATION, D(2021, 4, 1))
        services.incentive_record(
            user=office,
            record=record,
            policy=IncentivePolicy.FISCAL,
            amount=10,
            granted_on=D(2022, 1, 1),
            authority="财政局",
            description="奖补",
        )
        make.base()
        programme = make.apprenticeship()
        mentor = make.mentor(programme)
        make.apprentice(programme, mentor=mentor)
        make.pilot()
        make.case()
    for school in ("甲职校", "乙职校")[: n if n < 2 else 2]:
        if not SchoolGovernance.objects.filter(school=coop.units[school]).exists():
            make.governance(school=school)
            make.sanquan(school=school)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_lists_exports_and_api_lists_do_not_grow_with_the_records(client, coop, make):
    client.force_login(coop.users["office"])
    urls = {
        registry.key: [
            reverse(f"admin:{registry.list_name}"),
            reverse(f"admin:{registry.export_name}"),
            f"/api/v1/{registry.path}",
        ]
        for registry in REGISTRIES
    }
    add_records(coop, make, 1)
    client.get(urls["cooperation-projects"][0])  # warm the session and caches
    one = {key: [count(client, url) for url in pages] for key, pages in urls.items()}

    add_records(coop, make, 2)
    three = {key: [count(client, url) for url in pages] for key, pages in urls.items()}

    assert three == one

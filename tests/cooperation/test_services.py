"""Each registry's rules, as the services apply them whatever the door: duplicates, dates, levels
decided only by the office one step at a time, members joining and leaving, activities,
incentives, mentors and apprentices, termination, and an audit row for every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.cooperation.conftest import D, audits, bad_check, code
from zhijiao.cooperation import services
from zhijiao.cooperation.data import (
    ActivityKind,
    BaseLevel,
    EnterpriseLevel,
    GroupLevel,
    IncentivePolicy,
    MemberRole,
    PilotLevel,
    PilotRank,
)
from zhijiao.cooperation.models import (
    Apprentice,
    EnterpriseLevelDecision,
    FamousProject,
    GroupMember,
    IntegrationEnterprise,
    VocationalGroup,
)
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.core.registry import InvalidField
from zhijiao.orgs.models import Unit

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def refused(call, *args, **kw) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(*args, **kw)
    return error.value


# ---------------------------------------------------------------- 名企名校合作项目


def test_a_project_is_registered_with_its_partners_and_audited(coop, make):
    project = make.project(enterprises=[coop.units["某企业"], coop.units["另一企业"]])

    assert {u.name for u in project.enterprises.all()} == {"某企业", "另一企业"}
    row = audits("FamousProject", AuditAction.CREATE).get()
    assert row.actor == coop.users["office"] and row.object_id == str(project.pk)
    assert row.changes["enterprises"] == [
        None,
        sorted([coop.units["某企业"].pk, coop.units["另一企业"].pk]),
    ]


def test_the_same_project_name_twice_at_one_school_is_refused(coop, make):
    make.project(name="订单班")

    error = refused(make.project, name="订单班")

    assert isinstance(error, InvalidField) and error.field == "name"
    assert error.message == "甲职校已登记名为“订单班”的合作项目"
    assert FamousProject.objects.count() == 1
    make.project(name="订单班", school="乙职校")  # another school may use the name


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"enterprises": []}, "enterprises", "请至少选择一家合作企业"),
        ({"name": "  "}, "name", "请填写项目名称"),
        ({"started_on": TOMORROW}, "started_on", "启动日期不能晚于今天"),
        ({"planned_end_on": D(2022, 1, 1)}, "planned_end_on", "计划完成日期不能早于启动日期"),
        ({"school": "某企业"}, "school", "“某企业”不是学校"),
    ],
)
def test_bad_project_input_is_refused_by_field(coop, make, change, field, message):
    with pytest.raises(InvalidField) as error:
        make.project(**change)

    assert (error.value.field, error.value.message) == (field, message)
    assert not FamousProject.objects.exists() and not audits("FamousProject").exists()


def test_a_project_is_terminated_once_and_not_before_it_started(coop, make):
    project = make.project(started_on=D(2022, 3, 1))
    office = coop.users["office"]

    early = refused(
        services.project_terminate,
        user=office,
        project=project,
        terminated_on=D(2022, 1, 1),
        reason="企业转产",
    )
    assert early.message == "终止日期不能早于启动日期"
    services.project_terminate(
        user=office, project=project, terminated_on=D(2023, 6, 30), reason="企业转产"
    )
    again = refused(
        services.project_terminate,
        user=office,
        project=project,
        terminated_on=D(2023, 7, 1),
        reason="再次",
    )

    assert again.message == "该项目已于 2023-06-30 终止"
    project.refresh_from_db()
    assert (project.terminated_on, project.termination_reason) == (D(2023, 6, 30), "企业转产")
    assert audits("FamousProject", AuditAction.UPDATE).get().message == "终止合作项目：企业转产"


def test_an_update_saves_only_what_changed_and_audits_before_and_after(coop, make):
    project = make.project(name="旧名称")
    office = coop.users["office"]
    data = {
        "name": "新名称",
        "school": project.school,
        "enterprises": [coop.units["另一企业"]],
        "industry": project.industry,
        "content": project.content,
        "started_on": project.started_on,
    }

    changed = services.project_update(user=office, project=project, **data)
    unchanged = services.project_update(user=office, project=project, **data)

    assert sorted(changed) == ["enterprises", "name"]
    assert unchanged == []
    row = audits("FamousProject", AuditAction.UPDATE).get()
    assert row.changes["name"] == ["旧名称", "新名称"]
    assert row.changes["enterprises"] == [[coop.units["某企业"].pk], [coop.units["另一企业"].pk]]


# ---------------------------------------------------------------- ownership


def test_a_school_writes_only_its_own_records(coop, make):
    theirs = make.project(school="乙职校")

    with pytest.raises(ServiceError) as create:
        make.project(school="乙职校", user="school")
    with pytest.raises(ServiceError) as update:
        services.project_update(
            user=coop.users["school"],
            project=theirs,
            name="改名",
            school=theirs.school,
            enterprises=list(theirs.enterprises.all()),
            industry=theirs.industry,
            content=theirs.content,
            started_on=theirs.started_on,
        )

    assert create.value.status_code == 403
    assert update.value.status_code == 404  # not even visible
    assert FamousProject.objects.count() == 1
    make.project(user="school")  # its own school is fine


def test_a_partner_enterprise_may_see_but_a_bureau_not_responsible_may_not_change(coop, make):
    project = make.project(school="乙职校")  # 人社局 supervises 乙职校

    with pytest.raises(ServiceError) as error:
        services.project_terminate(
            user=coop.users["jyj"], project=project, terminated_on=D(2023, 1, 1), reason="越权"
        )

    assert error.value.status_code == 404
    services.project_terminate(
        user=coop.users["rsj"], project=project, terminated_on=D(2023, 1, 1), reason="主管部门"
    )


def test_a_bureau_registers_another_bureaus_school_only_as_the_responsible_department(coop, make):
    with pytest.raises(ServiceError) as error:
        make.project(school="乙职校", user="jyj")
    assert error.value.status_code == 403
    assert "负责部门" in error.value.message and not FamousProject.objects.exists()

    project = make.project(school="乙职校", user="jyj", department=coop.units["教育局"])
    assert FamousProject.objects.editable_by(coop.users["jyj"]).get() == project


def test_roles_without_the_capability_cannot_write(coop, make):
    for user in ("enterprise", "expert", "auditor"):
        error = refused(make.project, user=user)
        assert error.status_code == 403 and "不能登记或修改" in error.message


# ---------------------------------------------------------------- 职教集团


def test_a_group_starts_ordinary_with_its_lead_as_chair(coop, make):
    group = make.group()

    assert group.level == GroupLevel.ORDINARY
    chair = group.members.get()
    assert (chair.unit, chair.role, chair.joined_on) == (
        coop.units["甲职校"],
        MemberRole.CHAIR,
        group.founded_on,
    )
    dup = refused(make.group, name=group.name)
    assert dup.message == f"已有名为“{group.name}”的职教集团"


def test_members_join_once_and_leave(coop, make):
    group = make.group(founded_on=D(2021, 3, 1))
    office = coop.users["office"]
    firm = coop.units["某企业"]

    member = services.member_add(
        user=office, group=group, unit=firm, role=MemberRole.MEMBER, joined_on=D(2021, 5, 1)
    )
    twice = refused(
        services.member_add,
        user=office,
        group=group,
        unit=firm,
        role=MemberRole.MEMBER,
        joined_on=D(2021, 6, 1),
    )
    assert twice.message == "“某企业”已是该集团的成员" and twice.code == "already_member"
    early = refused(
        services.member_add,
        user=office,
        group=group,
        unit=coop.units["另一企业"],
        role=MemberRole.MEMBER,
        joined_on=D(2021, 1, 1),
    )
    assert early.message == "加入日期不能早于集团成立日期"
    bureau = refused(
        services.member_add,
        user=office,
        group=group,
        unit=coop.units["人社局"],
        role=MemberRole.MEMBER,
        joined_on=D(2021, 6, 1),
    )
    assert bureau.message == "党政部门不作为职教集团成员单位登记"

    before = refused(
        services.member_leave, user=office, group=group, member=member, left_on=D(2021, 4, 1)
    )
    assert before.message == "退出日期不能早于加入日期"
    services.member_leave(user=office, group=group, member=member, left_on=D(2023, 1, 1))
    gone = refused(
        services.member_leave, user=office, group=group, member=member, left_on=D(2023, 2, 1)
    )
    assert gone.message == "该单位不是集团的现有成员"
    chair = group.members.get(role=MemberRole.CHAIR)
    lead = refused(
        services.member_leave, user=office, group=group, member=chair, left_on=D(2023, 2, 1)
    )
    assert lead.message.startswith("牵头单位不能退出本集团")

    # Having left, the unit may join again.
    services.member_add(
        user=office, group=group, unit=firm, role=MemberRole.VICE_CHAIR, joined_on=D(2024, 1, 1)
    )
    assert GroupMember.objects.filter(group=group, unit=firm).count() == 2
    messages = sorted(audits("GroupMember").values_list("action", "message"))
    assert messages == [
        (AuditAction.CREATE, f"某企业加入职教集团“{group}”"),
        (AuditAction.CREATE, f"某企业加入职教集团“{group}”"),
        (AuditAction.UPDATE, f"某企业退出职教集团“{group}”"),
    ]


def test_a_member_of_another_group_cannot_be_made_to_leave_this_one(coop, make):
    group, other = make.group(), make.group(lead="乙职校")
    office = coop.users["office"]
    member = services.member_add(
        user=office,
        group=other,
        unit=coop.units["某企业"],
        role=MemberRole.MEMBER,
        joined_on=D(2022, 1, 1),
    )

    error = refused(
        services.member_leave, user=office, group=group, member=member, left_on=D(2023, 1, 1)
    )

    assert error.message == "该单位不是集团的现有成员"
    member.refresh_from_db()
    assert member.left_on is None


def test_activities_are_recorded_after_the_group_was_founded(coop, make):
    group = make.group(founded_on=D(2021, 3, 1))
    office = coop.users["office"]

    activity = services.activity_record(
        user=office,
        group=group,
        held_on=D(2022, 12, 10),
        kind=ActivityKind.MEETING,
        title="年度理事会",
        participants=30,
    )
    early = refused(
        services.activity_record,
        user=office,
        group=group,
        held_on=D(2020, 1, 1),
        kind=ActivityKind.MEETING,
        title="成立前",
    )

    assert early.message == "活动日期不能早于集团成立日期"
    assert list(group.activities.all()) == [activity]
    assert audits("GroupActivity", AuditAction.CREATE).count() == 1


def test_a_dissolved_group_takes_no_new_members_or_activities(coop, make):
    group = make.group()
    make.decide(group, GroupLevel.DISSOLVED, D(2023, 1, 1))
    office = coop.users["office"]

    join = refused(
        services.member_add,
        user=office,
        group=group,
        unit=coop.units["某企业"],
        role=MemberRole.MEMBER,
        joined_on=D(2023, 6, 1),
    )
    act = refused(
        services.activity_record,
        user=office,
        group=group,
        held_on=D(2023, 6, 1),
        kind=ActivityKind.MEETING,
        title="撤销后",
    )

    assert join.message == "该职教集团已于 2023-01-01 撤销，不能登记新成员"
    assert act.message == "该职教集团已于 2023-01-01 撤销，不能登记撤销后的活动"
    assert group.members.count() == 1 and not group.activities.exists()


def test_the_founding_date_cannot_move_after_the_first_member_joined(coop, make):
    group = make.group(founded_on=D(2021, 3, 1))
    error = refused(
        services.group_update,
        user=coop.users["office"],
        group=group,
        name=group.name,
        lead=group.lead,
        industry=group.industry,
        founded_on=D(2021, 6, 1),
    )
    assert error.message == "成立日期不能晚于最早成员的加入日期（2021-03-01）"


# ---------------------------------------------------------------- levels


def test_only_the_office_decides_levels_one_step_at_a_time(coop, make):
    record = make.cpe()
    office = coop.users["office"]

    for user in ("jyj", "rsj", "school", "enterprise"):
        error = refused(
            services.level_decide,
            user=coop.users[user],
            record=record,
            level=EnterpriseLevel.CULTIVATION,
            decided_on=D(2021, 4, 1),
            authority="发改委",
        )
        assert (error.status_code, error.message) == (403, "只有工作专班可以认定级别")
    jump = refused(
        services.level_decide,
        user=office,
        record=record,
        level=EnterpriseLevel.PROVINCIAL,
        decided_on=D(2021, 4, 1),
        authority="江苏省发展和改革委员会",
    )
    assert jump.message == "不能从“已申报”直接调整为“省级”；当前可调整为：培育库、已移出"
    assert jump.code == "wrong_level"

    make.decide(record, EnterpriseLevel.CULTIVATION, D(2021, 4, 16))
    make.decide(record, EnterpriseLevel.MUNICIPAL, D(2021, 7, 9))
    back = refused(make.decide, record, EnterpriseLevel.PROVINCIAL, D(2021, 7, 1))
    assert back.message == "认定日期不能早于上一次认定日期（2021-07-09）"
    same = refused(make.decide, record, EnterpriseLevel.MUNICIPAL, D(2021, 8, 1))
    assert same.message == "该产教融合型企业当前已是“市级”"
    future = refused(make.decide, record, EnterpriseLevel.PROVINCIAL, TOMORROW)
    assert future.message == "认定日期不能晚于今天"
    make.decide(record, EnterpriseLevel.PROVINCIAL, D(2021, 12, 20))

    record.refresh_from_db()
    assert (record.level, record.level_since) == (EnterpriseLevel.PROVINCIAL, D(2021, 12, 20))
    assert list(
        EnterpriseLevelDecision.objects.filter(record=record).values_list("previous", "level")
    ) == [
        ("candidate", "cultivation"),
        ("cultivation", "municipal"),
        ("municipal", "provincial"),
    ]
    assert audits("IntegrationEnterprise", AuditAction.UPDATE).count() == 3


def test_a_level_decision_cannot_predate_the_record(coop, make):
    pilot = make.pilot(started_on=D(2021, 3, 1))
    error = refused(make.decide, pilot, PilotLevel.DEMONSTRATION, D(2021, 1, 1))
    assert error.message == "认定日期不能早于试点开始日期"


def test_a_dissolved_group_and_a_closed_base_are_final(coop, make):
    group, base = make.group(), make.base()
    make.decide(group, GroupLevel.DISSOLVED, D(2023, 1, 1))
    make.decide(base, BaseLevel.CLOSED, D(2023, 1, 1))

    g = refused(make.decide, group, GroupLevel.BACKBONE, D(2023, 2, 1))
    b = refused(make.decide, base, BaseLevel.MUNICIPAL, D(2023, 2, 1))

    assert g.message.endswith("当前可调整为：无") and b.message.endswith("当前可调整为：无")


def test_the_enterprise_hears_of_its_level(coop, make):
    from zhijiao.core.models import Notification

    record = make.cpe()
    make.decide(record, EnterpriseLevel.CULTIVATION, D(2021, 4, 16))

    note = Notification.objects.get(recipient=coop.users["enterprise"])
    assert note.title == "产教融合型企业认定：培育库"


# ---------------------------------------------------------------- 产教融合型企业


def test_the_same_enterprise_twice_by_its_credit_code_is_refused(coop, make):
    make.cpe()

    again = refused(make.cpe)
    assert isinstance(again, InvalidField) and again.field == "credit_code"
    assert again.message == f"“某企业”（统一社会信用代码 {code(1)}）已在产教融合型企业名单中"
    other_name = refused(make.cpe, enterprise_name="某企业改名", credit_code=code(1))
    assert (
        other_name.message
        == f"统一社会信用代码 {code(1)} 已登记为“某企业”，不能再登记为“某企业改名”"
    )
    bad = refused(make.cpe, enterprise_name="新企业", credit_code=bad_check(code(9)))
    assert bad.message == "统一社会信用代码校验位不正确，请核对最后一位"
    assert IntegrationEnterprise.objects.count() == 1
    assert not Unit.objects.filter(name__in=["新企业", "某企业改名"]).exists()


def test_a_new_enterprise_is_registered_by_its_code_with_the_record(coop, make):
    record = make.cpe("新兴企业", credit_code=code(77))

    assert record.enterprise.name == "新兴企业" and record.enterprise.credit_code == code(77)
    assert record.level == EnterpriseLevel.CANDIDATE
    lower = refused(make.cpe, enterprise_name="新兴企业", credit_code=code(77).lower())
    assert "已在产教融合型企业名单中" in lower.message


def test_a_school_is_not_the_enterprise_of_a_record(coop, make):
    Unit.objects.filter(name="甲职校").update(credit_code=code(88))
    error = refused(make.cpe, enterprise_name="甲职校", credit_code=code(88))
    assert error.message == "“甲职校”已登记为职业院校，不是企业"


def test_incentives_need_a_listed_enterprise(coop, make):
    record = make.cpe()
    office = coop.users["office"]

    def grant(**kw):
        values = {
            "user": office,
            "record": record,
            "policy": IncentivePolicy.EDUCATION_LEVY,
            "amount": Decimal("86.4"),
            "granted_on": D(2022, 6, 15),
            "authority": "税务局",
            "description": "职业教育投入抵免教育费附加",
        }
        values.update(kw)
        return services.incentive_record(**values)

    early = refused(grant)
    assert early.message == "该企业当前为“已申报”，不能享受产教融合型企业激励政策"
    make.decide(record, EnterpriseLevel.CULTIVATION, D(2021, 4, 16))
    negative = refused(grant, amount=Decimal("-1"))
    assert negative.message == "金额不能为负数"
    for policy in IncentivePolicy.values:
        grant(policy=policy)

    assert sorted(record.incentives.values_list("policy", flat=True)) == sorted(
        IncentivePolicy.values
    )
    assert audits("IncentiveGrant", AuditAction.CREATE).count() == 5
    make.decide(record, EnterpriseLevel.REMOVED, D(2023, 1, 1))
    assert "已移出" in refused(grant).message


def test_the_enterprise_itself_and_its_partner_schools_only_look(coop, make):
    record = make.cpe()  # 发改委 responsible, 乙职校 partner

    for user in ("enterprise", "rsj"):
        assert IntegrationEnterprise.objects.visible_to(coop.users[user]).get() == record
        assert not IntegrationEnterprise.objects.editable_by(coop.users[user]).exists()
    assert not IntegrationEnterprise.objects.visible_to(coop.users["school"]).exists()
    assert not IntegrationEnterprise.objects.visible_to(coop.users["jyj"]).exists()


# ---------------------------------------------------------------- 实训基地


def test_a_base_needs_a_function_and_a_shared_base_two(coop, make):
    none = refused(make.base, for_talent=False, for_staff=False, shared=False)
    one = refused(make.base, for_staff=False, shared=True)

    assert none.message == "请至少选择一项基地功能"
    assert one.message.startswith("资源共享型实训基地应至少具备两项功能")
    base = make.base(for_research=True, for_assessment=True)
    assert base.functions() == ["人才培养", "技术研发", "员工培训", "技能鉴定"]
    assert base.level == BaseLevel.SCHOOL
    dup = refused(make.base, name=base.name)
    assert dup.message == f"甲职校已登记名为“{base.name}”的实训基地"


def test_a_base_partner_must_be_an_enterprise(coop, make):
    error = refused(make.base, enterprises=[coop.units["乙职校"]])
    assert error.message == "“乙职校”不是企业"


# ---------------------------------------------------------------- 现代学徒制


def test_mentors_and_apprentices_of_a_programme(coop, make):
    programme = make.apprenticeship(started_on=D(2022, 9, 1))
    mentor = make.mentor(programme, "周师傅")
    assert refused(make.mentor, programme, "周师傅").message == "该项目已有导师“周师傅”"
    other = make.apprenticeship(school="乙职校")
    stranger = make.mentor(other, "外项目导师")

    apprentice = make.apprentice(programme, student_number="2022 001", mentor=mentor)
    assert apprentice.student_number == "2022001"
    twice = refused(make.apprentice, programme, student_number="2022001")
    assert twice.message == f"学号 2022001 已登记为项目“{programme}”的学徒"
    wrong = refused(make.apprentice, programme, mentor=stranger)
    assert wrong.message == f"导师“外项目导师”不属于项目“{programme}”"
    early = refused(make.apprentice, programme, signed_on=D(2022, 1, 1))
    assert early.message == "签订协议日期不能早于项目开班日期"
    left = refused(make.apprentice, programme, left_on=D(2022, 8, 1), signed_on=D(2022, 9, 2))
    assert left.message == "结业或退出日期不能早于签订协议日期"

    assert Apprentice.objects.filter(programme=programme).count() == 1
    assert audits("Mentor", AuditAction.CREATE).count() == 2
    assert audits("Apprentice", AuditAction.CREATE).count() == 1


def test_a_school_registers_apprentices_only_of_its_programmes(coop, make):
    theirs = make.apprenticeship(school="乙职校")

    error = refused(make.apprentice, theirs, user="school")

    assert error.message == "只能为本单位（或所辖学校）的学徒制项目登记学徒"
    assert not Apprentice.objects.exists()


def test_a_programme_cannot_start_after_its_first_apprentice_signed(coop, make):
    programme = make.apprenticeship(started_on=D(2022, 9, 1))
    make.apprentice(programme, signed_on=D(2022, 9, 5))
    unit = programme.enterprise

    error = refused(
        services.apprenticeship_update,
        user=coop.users["office"],
        programme=programme,
        name=programme.name,
        school=programme.school,
        enterprise_name=unit.name,
        credit_code=unit.credit_code,
        major=programme.major,
        started_on=D(2022, 10, 1),
    )

    assert error.message == "开班日期不能晚于最早的学徒签约日期（2022-09-05）"


def test_an_apprentice_who_leaves_is_updated_with_an_audit_row(coop, make):
    programme = make.apprenticeship()
    apprentice = make.apprentice(programme, name="李四", signed_on=D(2022, 9, 20))

    changed = services.apprentice_update(
        user=coop.users["office"],
        apprentice=apprentice,
        programme=programme,
        name="李四",
        student_number=apprentice.student_number,
        signed_on=D(2022, 9, 20),
        left_on=D(2024, 6, 30),
    )

    assert changed == ["left_on"]
    assert audits("Apprentice", AuditAction.UPDATE).get().changes == {
        "left_on": [None, "2024-06-30"]
    }


# ---------------------------------------------------------------- 1+X, governance


def test_pilot_counts_are_cumulative_and_consistent(coop, make):
    over = refused(make.pilot, candidates=10, certified=11)
    assert over.message == "取证人数不能超过参加考核人数"
    pilot = make.pilot(candidates=100, certified=80)
    dup = refused(
        make.pilot, certificate=pilot.certificate, certificate_level=pilot.certificate_level
    )
    assert dup.message == f"甲职校已登记“{pilot.certificate}”同一等级的试点"

    fewer = refused(
        services.pilot_update,
        user=coop.users["office"],
        pilot=pilot,
        school=pilot.school,
        certificate=pilot.certificate,
        certificate_level=pilot.certificate_level,
        organisation=pilot.organisation,
        major=pilot.major,
        started_on=pilot.started_on,
        candidates=90,
        certified=80,
    )
    assert fewer.message == "参加考核人数和取证人数是累计数，不能比已登记的少"


def test_one_charter_record_per_school_with_consistent_council(coop, make):
    make.governance()

    again = refused(make.governance)
    assert again.message in {
        "甲职校的章程与理事会已登记，请在原记录上修改",
        "学校章程与理事会 具有 学校 已存在。",
    }
    no_authority = refused(make.governance, school="乙职校", charter_authority="")
    assert no_authority.message == "已核准的章程请填写核准机关"
    no_date = refused(make.governance, school="乙职校", council_founded_on=None)
    assert no_date.message == "请填写理事会成立日期"
    too_many = refused(make.governance, school="乙职校", enterprise_members=21)
    assert too_many.message == "行业企业代表数不能超过理事会成员数"


def test_sanquan_pilots_and_cases(coop, make):
    make.sanquan()
    dup = refused(make.sanquan)
    assert dup.message == "甲职校已登记为市级“三全育人”试点"
    make.sanquan(rank=PilotRank.PROVINCIAL)
    ends = refused(make.sanquan, school="乙职校", ended_on=D(2022, 1, 1))
    assert ends.message == "终止日期不能早于认定日期"

    case = make.case(title="芯片里的家国情怀")
    assert refused(make.case, title="芯片里的家国情怀").message == (
        "甲职校已登记同名的同类案例“芯片里的家国情怀”"
    )
    future = refused(make.case, year=timezone.localdate().year + 1)
    assert future.message.startswith("认定年度应在 2000 至")
    assert case.pk


def test_a_school_keeps_only_its_own_governance_records(coop, make):
    theirs = make.case(school="乙职校")
    assert refused(make.case, school="乙职校", user="school").status_code == 403
    error = refused(
        services.case_update,
        user=coop.users["school"],
        case=theirs,
        school=theirs.school,
        kind=theirs.kind,
        title="改",
        course=theirs.course,
        teachers=theirs.teachers,
        rank=theirs.rank,
        year=theirs.year,
    )
    assert error.status_code == 404


# ---------------------------------------------------------------- the enterprise directory


def test_the_directory_refuses_an_enterprise_registered_before(coop):
    office = coop.users["office"]

    unit = services.enterprise_add(user=office, name="新企业", credit_code=code(30))
    assert unit.credit_code == code(30)
    twice = refused(services.enterprise_add, user=office, name="新企业", credit_code=code(30))
    assert twice.message == f"该企业已登记：“新企业”（统一社会信用代码 {code(30)}）"
    assert twice.code == "duplicate_enterprise"
    renamed = refused(services.enterprise_add, user=office, name="新企业", credit_code=code(31))
    assert renamed.message == f"“新企业”已登记，统一社会信用代码为 {code(30)}，与 {code(31)} 不一致"
    short = refused(services.enterprise_add, user=office, name="短码", credit_code="123")
    assert short.message == "统一社会信用代码应为 18 位，现在是 3 位"
    assert Unit.objects.filter(name="新企业").count() == 1


def test_a_unit_known_by_name_gets_its_code(coop):
    bare = Unit.objects.create(name="老企业", kind="enterprise")

    unit = services.enterprise_add(user=coop.users["office"], name="老企业", credit_code=code(40))

    assert unit == bare and Unit.objects.get(pk=bare.pk).credit_code == code(40)
    assert not VocationalGroup.objects.exists()

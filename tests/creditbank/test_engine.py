"""The rule engine, as a pure function of plain values: N:1 and 1:N mappings, one count per content
at its highest level, no outcome used twice, caps with the cut explained, expiry, versions chosen
by date — every decision explained in Chinese. Then, on the database: rules are checked when
written, versions coexist by date, and a dry run writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditEvent
from zhijiao.creditbank import engine, selectors, services
from zhijiao.creditbank.data import (
    CreditErrorCode,
    DecisionKind,
    InputSpec,
    LearnerState,
    OutcomeData,
    OutcomeFact,
    OutcomeType,
    OutputSpec,
    ProgrammeSpec,
    RuleData,
    RuleInputData,
    RuleOutputData,
    RuleSpec,
)

ON = dt.date(2025, 6, 1)
PROGRAMME = ProgrammeSpec(
    key="1", code="460301", name="机电一体化技术", school="甲职校", total_credits=Decimal(40)
)
EMPTY = LearnerState(account="JY0000000001")
LEVELS = {1: "初级", 2: "中级", 3: "高级"}


def cert(
    id: int, code: str = "ROBOT", level: int = 2, obtained: dt.date = dt.date(2024, 6, 1), **kw
):
    names = {"ROBOT": "工业机器人操作与运维", "CNC": "数控车铣加工", "WEB": "Web前端开发"}
    return OutcomeFact(
        id=id,
        content_key=f"cert:{code}",
        label=f"证书 {names[code]}",
        level=level,
        level_name=LEVELS[level],
        obtained_on=obtained,
        **kw,
    )


def need(code: str, level: int = 1) -> InputSpec:
    return InputSpec(content_key=f"cert:{code}", min_level=level, label=f"证书 {code} 及以上")


def out(code: str, name: str, credits: int | str) -> OutputSpec:
    return OutputSpec(course_code=code, course_name=name, credits=Decimal(credits))


ROBOT_MID = (need("ROBOT", 2),)
TWO_COURSES = (out("A", "工业机器人编程", 4), out("B", "工业机器人运维", 4))


def rule(
    code: str = "R-ROBOT",
    version: int = 3,
    inputs=ROBOT_MID,
    outputs=TWO_COURSES,
    valid_from=dt.date(2024, 1, 1),
    valid_to=None,
    **kw,
) -> RuleSpec:
    return RuleSpec(
        id=version,
        code=code,
        version=version,
        title=code,
        programme_key="1",
        valid_from=valid_from,
        valid_to=valid_to,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        **kw,
    )


def evaluate(outcomes, rules, state=EMPTY, on=ON):
    return engine.evaluate(state, outcomes, PROGRAMME, on, rules)


# ---------------------------------------------------------------- mappings


def test_one_certificate_converts_into_several_courses_explained_in_chinese():
    result = evaluate([cert(1)], [rule()])

    assert [g.course_code for g in result.grants] == ["A", "B"]
    assert result.total == Decimal(8)
    assert [d.message for d in result.decisions] == [
        "证书 工业机器人操作与运维 中级 → 课程 工业机器人编程、工业机器人运维 共 8 学分；"
        "依据规则 R-ROBOT 第 3 版"
    ]
    assert result.decisions[0].kind == DecisionKind.GRANTED
    assert result.summary == "甲职校机电一体化技术专业：共转换 2 门课程 8 学分"


def test_several_outcomes_convert_together_into_one_course():
    both = rule(
        "R-PAIR", 1, inputs=(need("ROBOT", 2), need("CNC", 1)), outputs=(out("C", "智能制造", 6),)
    )

    result = evaluate([cert(1), cert(2, "CNC", 1)], [both])

    assert [(g.course_code, g.outcome_ids) for g in result.grants] == [("C", (1, 2))]
    assert result.decisions[0].message.startswith(
        "证书 工业机器人操作与运维 中级、证书 数控车铣加工 初级 → 课程 智能制造 共 6 学分"
    )


def test_a_rule_missing_one_of_its_outcomes_converts_nothing_and_says_what_is_missing():
    both = rule(
        "R-PAIR", 1, inputs=(need("ROBOT", 2), need("CNC", 1)), outputs=(out("C", "智能制造", 6),)
    )

    result = evaluate([cert(1)], [both])

    assert result.grants == ()
    assert result.decisions[0].kind == DecisionKind.INCOMPLETE
    assert "规则 R-PAIR 第 1 版还需要证书 CNC 及以上" in result.decisions[0].message


def test_a_level_below_the_minimum_does_not_match():
    result = evaluate([cert(1, level=1)], [rule()])

    assert result.grants == ()
    assert result.decisions[0].kind == DecisionKind.NO_RULE
    assert "没有适用的转换规则" in result.decisions[0].message


# ---------------------------------------------------------------- counting once


def test_the_same_content_counts_once_at_its_highest_level():
    senior_only = rule(inputs=(need("ROBOT", 3),))
    junior, senior = cert(1, level=1), cert(2, level=3, obtained=dt.date(2023, 1, 1))

    result = evaluate([junior, senior], [senior_only])

    assert [g.outcome_ids for g in result.grants] == [(2,), (2,)]
    superseded = [d for d in result.decisions if d.kind == DecisionKind.SUPERSEDED]
    assert [d.outcome_ids for d in superseded] == [(1,)]
    assert "只按最高等级（高级）计一次" in superseded[0].message


def test_an_outcome_is_not_counted_twice_across_rules():
    richer = rule("R-A", 1, outputs=(out("A", "工业机器人编程", 4), out("B", "工业机器人运维", 4)))
    poorer = rule("R-B", 1, outputs=(out("D", "电工电子技术", 3),))

    result = evaluate([cert(1)], [poorer, richer])

    assert {g.rule_code for g in result.grants} == {"R-A"}
    assert result.total == Decimal(8)


def test_content_recognised_before_is_not_counted_again():
    state = LearnerState(account="JY1", used_content={"cert:ROBOT": "申请 XF2024000001"})

    result = evaluate([cert(1, level=3)], [rule()], state)

    assert result.grants == ()
    assert result.decisions[0].kind == DecisionKind.ALREADY_COUNTED
    assert "已在申请 XF2024000001中认定，不重复计算" in result.decisions[0].message


def test_courses_credited_before_are_not_credited_again():
    state = LearnerState(account="JY1", credited_courses=frozenset({"A"}))

    result = evaluate([cert(1)], [rule()], state)

    assert [g.course_code for g in result.grants] == ["B"]
    assert result.decisions[0].kind == DecisionKind.CUT
    assert "课程 工业机器人编程 此前已认定，不重复计入" in result.decisions[0].message


# ---------------------------------------------------------------- caps


def test_the_share_cap_cuts_what_does_not_fit_and_says_why():
    capped = rule(max_share_percent=Decimal(50))  # 50% of 40 = 20 credits
    state = LearnerState(account="JY1", banked_in_programme=Decimal(14))

    result = evaluate([cert(1)], [capped], state)

    assert [g.course_code for g in result.grants] == ["A"]
    message = result.decisions[0].message
    assert result.decisions[0].kind == DecisionKind.CUT
    assert "课程 工业机器人运维（4 学分）未予转换" in message
    assert "认定学分不超过毕业总学分 40 的 50%（20 学分），此前已认定 18 学分" in message


def test_a_reached_cap_converts_nothing_and_explains():
    capped = rule(max_share_percent=Decimal(50))
    state = LearnerState(account="JY1", banked_in_programme=Decimal(20))

    result = evaluate([cert(1)], [capped], state)

    assert result.grants == ()
    assert result.decisions[0].kind == DecisionKind.CAPPED
    assert "已达上限" in result.decisions[0].message


def test_the_yearly_cap_counts_the_learners_credits_of_the_year():
    capped = rule(yearly_cap=Decimal(10))
    state = LearnerState(account="JY1", banked_in_year=Decimal(5))

    result = evaluate([cert(1)], [capped], state)

    assert result.total == Decimal(4)
    assert "每人每年认定不超过 10 学分，2025 年已认定 9 学分" in result.decisions[0].message


def test_caps_hold_across_the_rules_of_one_evaluation():
    a = rule("R-A", 1, outputs=(out("A", "工业机器人编程", 8),), max_share_percent=Decimal(25))
    b = rule(
        "R-B",
        1,
        inputs=(need("CNC", 1),),
        outputs=(out("C", "数控加工技术", 6),),
        max_share_percent=Decimal(25),
    )

    result = evaluate([cert(1), cert(2, "CNC", 1)], [a, b])

    assert result.total == Decimal(8)  # 25% of 40 is 10: the second rule no longer fits
    assert any(d.kind == DecisionKind.CAPPED for d in result.decisions)


# ---------------------------------------------------------------- time


def test_an_expired_outcome_is_set_aside():
    result = evaluate([cert(1, expires_on=dt.date(2025, 1, 1))], [rule()])

    assert result.grants == ()
    assert result.decisions[0].kind == DecisionKind.EXPIRED
    assert "有效期至 2025-01-01，已过期" in result.decisions[0].message


def test_an_outcome_older_than_the_rule_allows_is_explained():
    aged = rule(max_age_years=5)

    result = evaluate([cert(1, obtained=dt.date(2019, 5, 31))], [aged])

    assert result.grants == ()
    assert result.decisions[0].kind == DecisionKind.EXPIRED
    assert (
        "取得于 2019-05-31，超过规则 R-ROBOT 第 3 版规定的 5 年时限" in result.decisions[0].message
    )
    assert evaluate([cert(1, obtained=dt.date(2020, 6, 1))], [aged]).total == Decimal(8)


def test_the_version_in_effect_on_the_date_decides():
    v1 = rule(version=1, valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2023, 12, 31))
    v2 = rule(version=2, valid_from=dt.date(2024, 1, 1), outputs=(out("A", "工业机器人编程", 4),))

    old = evaluate([cert(1, obtained=dt.date(2022, 6, 1))], [v1, v2], on=dt.date(2023, 6, 1))
    new = evaluate([cert(1)], [v1, v2], on=dt.date(2024, 6, 1))
    before = evaluate([cert(1, obtained=dt.date(2021, 1, 1))], [v1, v2], on=dt.date(2021, 6, 1))

    assert (old.total, old.grants[0].rule_version) == (Decimal(8), 1)
    assert (new.total, new.grants[0].rule_version) == (Decimal(4), 2)
    assert "依据规则 R-ROBOT 第 2 版" in new.decisions[0].message
    assert before.grants == () and before.decisions[0].kind == DecisionKind.NO_RULE


def test_rules_of_other_programmes_do_not_apply():
    other = RuleSpec(**{**rule().__dict__, "programme_key": "2"})
    assert evaluate([cert(1)], [other]).grants == ()


def test_the_engine_is_pure():
    outcomes, rules = [cert(2), cert(1, level=1)], [rule(max_share_percent=Decimal(50))]
    first = evaluate(outcomes, rules)
    again = evaluate(outcomes, rules)

    assert first == again
    assert outcomes == [cert(2), cert(1, level=1)]


# ---------------------------------------------------------------- rules on the database


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_certificate_not_in_the_catalogue_is_refused(bank):
    learner = bank.open()

    with pytest.raises(ServiceError) as refused:
        services.outcome_record(
            user=bank.office,
            learner=learner,
            data=OutcomeData(
                outcome_type=OutcomeType.CERTIFICATE_1X,
                certificate="量子计算运维",
                level=2,
                obtained_on=dt.date(2024, 1, 1),
            ),
        )
    assert refused.value.code == CreditErrorCode.NOT_IN_CATALOGUE
    assert "“量子计算运维”不在学分银行证书目录中" in refused.value.message
    with pytest.raises(ServiceError) as level:
        bank.cert(learner, "ROBOT", level=4)
    assert level.value.code == CreditErrorCode.LEVEL_NOT_OFFERED
    assert learner.outcomes.count() == 0


@pytestmark_db
def test_a_certificate_is_found_by_its_name_however_spaced(bank):
    learner = bank.open()
    outcome = services.outcome_record(
        user=bank.office,
        learner=learner,
        data=OutcomeData(
            outcome_type=OutcomeType.CERTIFICATE_1X,
            certificate=" 工业机器人 操作与运维",
            level=3,
            obtained_on=dt.date(2024, 1, 1),
        ),
    )
    assert outcome.certificate == bank.certificates["ROBOT"]
    assert outcome.content_key == "cert:ROBOT"
    assert outcome.described == "证书 工业机器人操作与运维 高级"


@pytestmark_db
def test_a_rule_that_would_exceed_its_cap_is_refused(bank):
    data = RuleData(
        code="R-BIG",
        title="过大的规则",
        programme_id=bank.programmes["甲机电"].pk,
        valid_from=dt.date(2024, 1, 1),
        inputs=(RuleInputData(certificate="ROBOT", min_level=2),),
        outputs=tuple(
            RuleOutputData(course_id=bank.courses[c].pk)
            for c in ("JD101", "JD102", "JD103", "JD105")
        ),  # 18 credits; 40% of 40 is 16
        max_share_percent=Decimal(40),
    )

    with pytest.raises(ServiceError) as refused:
        services.rule_create(user=bank.office, data=data)
    assert refused.value.code == CreditErrorCode.RULE_EXCEEDS_CAP
    assert "超过“认定学分不超过毕业总学分 40 的 40%”的上限（16 学分）" in refused.value.message
    with pytest.raises(ServiceError, match="每人每年 6 学分"):
        services.rule_create(
            user=bank.office,
            data=RuleData(**{**data.__dict__, "max_share_percent": None, "yearly_cap": Decimal(6)}),
        )
    assert not apps.get_model("creditbank", "ConversionRule").objects.exists()


@pytestmark_db
def test_versions_coexist_by_dates_and_publishing_ends_nothing_silently(bank):
    v1 = bank.rule(valid_from=dt.date(2022, 1, 1))
    v2 = bank.rule(valid_from=dt.date(2024, 9, 1), outputs=("JD101",), publish=False)
    assert (v1.version, v2.version) == (1, 2)

    with pytest.raises(ServiceError) as overlap:
        services.rule_publish(user=bank.office, rule=v2)
    assert overlap.value.code == CreditErrorCode.RULE_OVERLAP
    assert "发布新版本不会自动停用旧版本，请先为第 1 版设置截止日期" in overlap.value.message

    services.rule_close(user=bank.office, rule=v1, valid_to=dt.date(2024, 8, 31))
    services.rule_publish(user=bank.office, rule=v2)

    learner = bank.open()
    outcome = bank.cert(learner, obtained_on=dt.date(2023, 3, 1))
    app = services.application_create(
        user=bank.office, learner=learner, programme=bank.programmes["甲机电"], outcomes=[outcome]
    )
    assert selectors.application_evaluate(app, on_date=dt.date(2024, 8, 31)).total == 8
    assert selectors.application_evaluate(app, on_date=dt.date(2024, 9, 1)).total == 4


@pytestmark_db
def test_a_school_may_publish_rules_for_its_own_programmes_only(bank):
    clerk = bank.users["school_b"]
    data = RuleData(
        code="R-SCHOOL",
        title="乙职校的规则",
        programme_id=bank.programmes["甲机电"].pk,
        valid_from=dt.date(2024, 1, 1),
        inputs=(RuleInputData(certificate="ROBOT"),),
        outputs=(RuleOutputData(course_id=bank.courses["JD101"].pk),),
        publisher_id=bank.units["乙职校"].pk,
    )
    with pytest.raises(ServiceError) as refused:
        services.rule_create(user=clerk, data=data)
    assert refused.value.status_code == 403

    own = RuleData(
        **{
            **data.__dict__,
            "programme_id": bank.programmes["乙机电"].pk,
            "outputs": (RuleOutputData(course_id=bank.courses["YJ201"].pk),),
        }
    )
    rule = services.rule_create(user=clerk, data=own)
    services.rule_publish(user=clerk, rule=rule)
    assert rule.publisher == bank.units["乙职校"]
    with pytest.raises(ServiceError) as learner_tries:
        services.rule_create(user=bank.users["learner"], data=own)
    assert learner_tries.value.status_code == 403


def _row_counts() -> dict[str, int]:
    counts = {
        m._meta.label: m.objects.count() for m in apps.get_app_config("creditbank").get_models()
    }
    counts["audit"] = AuditEvent.objects.count()
    return counts


@pytestmark_db
def test_a_dry_run_evaluates_a_draft_rule_for_learners_and_writes_nothing(bank):
    learners = [bank.open() for _ in range(3)]
    bank.cert(learners[0], level=3)
    bank.cert(learners[1], level=1)
    draft = bank.rule(publish=False, max_share_percent=Decimal(50))
    before = _row_counts()

    with CaptureQueriesContext(connection) as queries:
        results = selectors.rule_dry_run(user=bank.office, rule=draft, learners=learners)

    assert [(learner.pk, ev.total) for learner, ev in results] == [
        (learners[0].pk, Decimal(8)),
        (learners[1].pk, Decimal(0)),
        (learners[2].pk, Decimal(0)),
    ]
    assert "依据规则 R-ROBOT 第 1 版" in results[0][1].decisions[0].message
    assert _row_counts() == before
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert len(queries) <= 8  # a fixed number, whatever the number of learners


@pytestmark_db
def test_a_dry_run_sees_only_learners_in_scope(bank):
    mine, theirs = bank.open("甲职校"), bank.open("乙职校")
    bank.cert(mine)
    bank.cert(theirs)
    rule = bank.rule(publish=False)

    results = selectors.rule_dry_run(user=bank.users["school"], rule=rule, learners=[mine, theirs])

    assert [learner.pk for learner, _ in results] == [mine.pk]
    with pytest.raises(ServiceError) as refused:
        selectors.rule_dry_run(user=bank.users["school_b"], rule=rule, learners=[theirs])
    assert refused.value.status_code == 403

"""A round from self-assessment to published results: deadlines, conflict of interest,
independent scoring, outliers, reconciliation, results and appeals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.evaluation.conftest import FIGURES, SCORING_DUE, SELF_DUE, scored_round
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditEvent
from zhijiao.evaluation import selectors, services
from zhijiao.evaluation.data import (
    AppealStatus,
    ConflictKind,
    EvaluationErrorCode,
    FinalSource,
    RoundStatus,
    SelfStatus,
)
from zhijiao.evaluation.models import Appeal, Assignment, ExpertScore, FinalScore, SelfClaim
from zhijiao.evaluation.services import ScoreInput

E = EvaluationErrorCode


def entry_of(round_, world, school):
    return round_.entries.get(school=world.units[school])


@pytest.mark.django_db
def test_self_assessment_with_evidence_and_the_deadline(world):
    office, clerk = world.users["office"], world.users["school"]
    round_ = world.round()
    services.round_open(user=office, round_=round_)
    entry = entry_of(round_, world, "甲职校")
    pdf = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 training ledger")
    claim = services.self_claim_save(
        user=clerk,
        entry=entry,
        criterion=world.leaf["B2"],
        points=Decimal(26),
        statement="培训退役军人 300 人次",
        evidence=pdf,
        today=SELF_DUE,
    )
    assert claim.evidence_name == "台账.pdf" and claim.evidence_type == "application/pdf"
    services.self_assessment_submit(user=clerk, entry=entry, today=SELF_DUE)

    # A file that is not what it claims to be is refused, and the claim stays as it was.
    with pytest.raises(ServiceError) as caught:
        services.self_claim_save(
            user=clerk,
            entry=entry,
            criterion=world.leaf["B2"],
            points=Decimal(28),
            statement="改",
            evidence=SimpleUploadedFile("假.pdf", b"MZ not a pdf"),
            today=SELF_DUE,
        )
    assert caught.value.code == E.FILE_TYPE
    claim.refresh_from_db()
    assert claim.points == 26

    # A second submission after the deadline is refused and changes nothing.
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.self_assessment_submit(
            user=clerk, entry=entry, today=SELF_DUE + dt.timedelta(days=1)
        )
    assert caught.value.code == E.DEADLINE_PASSED
    assert "自评截止日期（2025-03-31）已过" in caught.value.message
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_self_scores_outside_the_item_and_other_schools_are_refused(world):
    office = world.users["office"]
    round_ = world.round()
    services.round_open(user=office, round_=round_)
    entry = entry_of(round_, world, "甲职校")
    with pytest.raises(ServiceError, match="应在 0 至 30 分之间，收到 31 分"):
        services.self_claim_save(
            user=world.users["school"],
            entry=entry,
            criterion=world.leaf["B2"],
            points=Decimal(31),
            statement="超出",
            today=SELF_DUE,
        )
    with pytest.raises(ServiceError) as caught:
        services.self_claim_save(
            user=world.users["school2"],
            entry=entry,
            criterion=world.leaf["B2"],
            points=Decimal(20),
            statement="他校",
            today=SELF_DUE,
        )
    assert caught.value.status_code == 403
    with pytest.raises(ServiceError, match="以下指标尚未自评"):
        services.self_assessment_submit(user=world.users["school"], entry=entry, today=SELF_DUE)
    assert not SelfClaim.objects.exists()
    assert entry.self_status == SelfStatus.NOT_STARTED


@pytest.mark.django_db
def test_an_expert_linked_to_a_school_cannot_be_assigned_to_it(world):
    office = world.users["office"]
    round_ = world.round()
    expert = world.users["expert"]
    services.expert_link_declare(
        user=expert, expert=expert, school=world.units["乙职校"], kind=ConflictKind.FORMER
    )
    with pytest.raises(ServiceError) as caught:
        services.assignment_create(
            user=office,
            round_=round_,
            expert=expert,
            schools=[world.units["甲职校"], world.units["乙职校"]],
        )
    assert caught.value.code == E.CONFLICT_OF_INTEREST
    assert "乙职校（近三年曾任职于该校）" in caught.value.message
    assert not Assignment.objects.exists()  # all or nothing

    # An expert whose account belongs to a school is barred from it without a declaration.
    employed = world.users["expert2"]
    employed.unit = world.units["丙职校"]
    employed.save(update_fields=["unit"])
    with pytest.raises(ServiceError, match="丙职校（专家账号所属单位即该校）"):
        services.assignment_create(
            user=office, round_=round_, expert=employed, schools=[world.units["丙职校"]]
        )
    # A school clerk is not an expert.
    with pytest.raises(ServiceError) as caught:
        services.assignment_create(
            user=office, round_=round_, expert=world.users["school"], schools=[]
        )
    assert caught.value.code == E.NOT_AN_EXPERT
    made = services.assignment_create(
        user=office, round_=round_, expert=expert, schools=[world.units["甲职校"]]
    )
    assert [a.entry.school.name for a in made] == ["甲职校"]


@pytest.mark.django_db
def test_experts_score_only_their_assignment_within_the_band_and_deadline(world):
    office = world.users["office"]
    round_ = world.round(schools=("甲职校", "乙职校"))
    services.round_open(user=office, round_=round_)
    for clerk, school in (("school", "甲职校"), ("school2", "乙职校")):
        entry = entry_of(round_, world, school)
        services.self_claim_save(
            user=world.users[clerk],
            entry=entry,
            criterion=world.leaf["B2"],
            points=Decimal(20),
            statement="说明",
            today=SELF_DUE,
        )
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert"], schools=[world.units["甲职校"]]
    )
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert2"], schools=[world.units["乙职校"]]
    )
    services.round_start_scoring(user=office, round_=round_, today=SELF_DUE + dt.timedelta(1))
    mine = Assignment.objects.get(expert=world.users["expert"])
    theirs = Assignment.objects.get(expert=world.users["expert2"])
    b1 = world.leaf["B1"].pk

    with pytest.raises(ServiceError) as caught:
        services.expert_scores_save(
            user=world.users["expert"], assignment=theirs, scores={b1: ScoreInput(Decimal(10))}
        )
    assert caught.value.code == E.NOT_ASSIGNED and caught.value.status_code == 403
    with pytest.raises(ServiceError, match="评分应在 0 至 30 分之间，收到 30.5 分"):
        services.expert_scores_save(
            user=world.users["expert"],
            assignment=mine,
            scores={b1: ScoreInput(Decimal("30.5"))},
            today=SCORING_DUE,
        )
    with pytest.raises(ServiceError, match="不由专家评分"):
        services.expert_scores_save(
            user=world.users["expert"],
            assignment=mine,
            scores={world.leaf["A1"].pk: ScoreInput(Decimal(1))},
            today=SCORING_DUE,
        )
    with pytest.raises(ServiceError) as caught:
        services.expert_scores_save(
            user=world.users["expert"],
            assignment=mine,
            scores={b1: ScoreInput(Decimal(10))},
            today=SCORING_DUE + dt.timedelta(days=1),
        )
    assert caught.value.code == E.DEADLINE_PASSED
    assert not ExpertScore.objects.exists()
    with pytest.raises(ServiceError, match="以下指标尚未评分"):
        services.expert_scores_save(
            user=world.users["expert"],
            assignment=mine,
            scores={b1: ScoreInput(Decimal(10))},
            submit=True,
            today=SCORING_DUE,
        )
    assert not ExpertScore.objects.exists()  # the whole call rolled back


@pytest.mark.django_db
def test_outliers_are_flagged_and_left_out_of_the_reconciled_score(world):
    FIGURES[(world.units["甲职校"].pk, 2024)] = Decimal(85)  # A1 band ≥80 → 30
    FIGURES[(world.units["乙职校"].pk, 2024)] = Decimal(95)  # → 40
    # 丙职校 has no figure: 0 points, said so.
    points = {"expert": (20, 24), "expert2": (21, 25), "expert3": (29, 12)}
    round_ = scored_round(world, expert_points=points)
    office = world.users["office"]
    services.round_start_reconciliation(user=office, round_=round_, today=SCORING_DUE)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.RECONCILIATION

    rows = selectors.reconciliation_rows(round_, only_outliers=True)
    # B1: 20, 21, 29 → median 21, limit 6 → 29 is an outlier; B2: 24, 25, 12 → 12 is.
    flagged = {
        (r.entry.school.name, r.criterion.code): [p for _, p, o in r.scores if o] for r in rows
    }
    assert flagged[("甲职校", "B1")] == [Decimal(29)]
    assert flagged[("甲职校", "B2")] == [Decimal(12)]
    entry = entry_of(round_, world, "甲职校")
    finals = {f.criterion.code: f for f in entry.finals.select_related("criterion")}
    assert finals["B1"].points == Decimal("20.50") and "29" in finals["B1"].note
    assert finals["B2"].points == Decimal("24.50")
    assert finals["A1"].points == 30 and finals["A1"].indicator_value == 85
    entry.refresh_from_db()
    assert entry.total == Decimal(75) and entry.dimensions == {"A": "30.00", "B": "45.00"}
    third = entry_of(round_, world, "丙职校")
    assert third.finals.get(criterion=world.leaf["A1"]).note.startswith("无该年度指标数据")

    ranks = dict(round_.entries.values_list("school__name", "rank"))
    assert ranks == {"乙职校": 1, "甲职校": 2, "丙职校": 3}

    # The office reconciles an item with a reason; out-of-band points are refused.
    with pytest.raises(ServiceError, match="应在 0 至 30 分之间"):
        services.final_score_set(
            user=office, entry=entry, criterion=world.leaf["B1"], points=Decimal(31), reason="x"
        )
    services.final_score_set(
        user=office,
        entry=entry,
        criterion=world.leaf["B1"],
        points=Decimal(22),
        reason="经复核，采信多数专家意见",
    )
    entry.refresh_from_db()
    assert entry.total == Decimal("76.50")
    assert entry.finals.get(criterion=world.leaf["B1"]).source == FinalSource.OFFICE


@pytest.mark.django_db
def test_two_experts_far_apart_are_both_flagged():
    from zhijiao.evaluation.scoring import spread

    s = spread([Decimal(10), Decimal(30)], Decimal(30), Decimal("0.2"))
    assert s.median == 20 and s.outliers == {0, 1} and s.agreed == 20
    close = spread([Decimal(20), Decimal(24)], Decimal(30), Decimal("0.2"))
    assert close.outliers == frozenset() and close.agreed == 22


@pytest.mark.django_db
def test_scoring_cannot_close_before_the_deadline_with_open_sheets(world):
    office = world.users["office"]
    round_ = world.round(schools=("甲职校",))
    services.round_open(user=office, round_=round_)
    services.assignment_create(
        user=office, round_=round_, expert=world.users["expert"], schools=[world.units["甲职校"]]
    )
    with pytest.raises(ServiceError, match="尚未提交自评的学校：甲职校"):
        services.round_start_scoring(user=office, round_=round_, today=SELF_DUE)
    services.round_start_scoring(user=office, round_=round_, today=SELF_DUE + dt.timedelta(1))
    with pytest.raises(ServiceError, match="尚有专家未提交评分"):
        services.round_start_reconciliation(user=office, round_=round_, today=SCORING_DUE)


@pytest.mark.django_db
def test_appeals_within_the_window_are_decided_and_change_the_result(world):
    round_ = scored_round(world)
    office = world.users["office"]
    services.round_start_reconciliation(user=office, round_=round_, today=SCORING_DUE)
    starts, ends = dt.date(2025, 5, 10), dt.date(2025, 5, 16)
    with pytest.raises(ServiceError, match="公示期不少于 5 天"):
        services.round_publish_notice(
            user=office, round_=round_, notice_starts=starts, notice_ends=starts
        )
    services.round_publish_notice(
        user=office, round_=round_, notice_starts=starts, notice_ends=ends
    )
    entry = entry_of(round_, world, "甲职校")
    clerk = world.users["school"]

    with pytest.raises(ServiceError) as caught:
        services.appeal_submit(
            user=clerk, entry=entry, reason="迟到的申诉", today=ends + dt.timedelta(days=1)
        )
    assert caught.value.code == E.OUT_OF_WINDOW
    assert "申诉期为 2025-05-10 至 2025-05-16" in caught.value.message
    assert not Appeal.objects.exists()
    with pytest.raises(ServiceError) as caught:
        services.appeal_submit(user=world.users["school2"], entry=entry, reason="他校", today=ends)
    assert caught.value.status_code == 403

    appeal = services.appeal_submit(
        user=clerk,
        entry=entry,
        criterion=world.leaf["B1"],
        reason="培训质量佐证材料未被采信",
        today=ends,
    )
    with pytest.raises(ServiceError, match="已有待处理的申诉"):
        services.appeal_submit(
            user=clerk, entry=entry, criterion=world.leaf["B1"], reason="再次", today=ends
        )
    with pytest.raises(ServiceError, match="尚有 1 件申诉未处理"):
        services.round_publish(user=office, round_=round_, today=ends + dt.timedelta(1))
    before = entry.finals.get(criterion=world.leaf["B1"]).points
    with pytest.raises(ServiceError, match="应在 0 至 30 分之间"):
        services.appeal_decide(
            user=office, appeal=appeal, upheld=True, decision="成立", points=Decimal(40)
        )
    services.appeal_decide(
        user=office, appeal=appeal, upheld=True, decision="补充材料属实", points=Decimal(27)
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.points_before, appeal.points_after) == (
        AppealStatus.UPHELD,
        before,
        Decimal(27),
    )
    entry.refresh_from_db()
    assert entry.finals.get(criterion=world.leaf["B1"]).source == FinalSource.APPEAL
    with pytest.raises(ServiceError, match="期满后才能公布"):
        services.round_publish(user=office, round_=round_, today=ends)
    services.round_publish(user=office, round_=round_, today=ends + dt.timedelta(1))
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED and round_.published_on == dt.date(2025, 5, 17)
    assert FinalScore.objects.filter(entry__round=round_).count() == 9


@pytest.mark.django_db
def test_strengths_weaknesses_and_history(world):
    FIGURES[(world.units["甲职校"].pk, 2024)] = Decimal(95)
    round_ = scored_round(
        world,
        expert_points={
            "expert": {"甲职校": (10, 28), "乙职校": (25, 20), "丙职校": (25, 20)},
            "expert2": {"甲职校": (10, 28), "乙职校": (25, 20), "丙职校": (25, 20)},
            "expert3": {"甲职校": (10, 28), "乙职校": (25, 20), "丙职校": (25, 20)},
        },
    )
    services.round_start_reconciliation(
        user=world.users["office"], round_=round_, today=SCORING_DUE
    )
    entry = entry_of(round_, world, "甲职校")
    sw = selectors.strengths_weaknesses(entry)
    assert [r.criterion.code for r in sw.strengths][:1] == ["A1"]
    assert sw.weaknesses[0].criterion.code == "B1"
    years, table = selectors.history(world.users["office"], "test-scheme")
    assert years == [2024] and set(table) == {"甲职校", "乙职校", "丙职校"}
    # A school clerk sees its own school only, and nothing before the public notice.
    assert selectors.history(world.users["school"], "test-scheme") == ([], {})

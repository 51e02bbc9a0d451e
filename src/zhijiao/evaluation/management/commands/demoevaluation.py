"""`zhijiao demoevaluation [--today YYYY-MM-DD]`: fictitious evaluation rounds for the demo.

For 2024, one completed round of each scheme (办学水平评价, 社会服务能力绩效考核): every school's
self-assessment with evidence, three independent experts per school (none scoring a school they
are linked to), an outlier reconciled by the office, results published after a public notice
during which appeals were made and decided. For 2025, each scheme copied as a new year's version
and a round in progress (expert scoring, and self-assessment). Runs after ``zhijiao demo`` and
``zhijiao loadindicators`` (the automatic items read the monitoring data of ``demoindicators``,
``demopeople`` and ``democooperation`` when they have run). Runs once: existing rounds are kept.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.evaluation import services
from zhijiao.evaluation.data import ConflictKind, ScoringMethod
from zhijiao.evaluation.models import Appeal, Assignment, Round, Scheme
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role

DEMO_PASSWORD = "Zhijiao#2026demo"  # noqa: S105 - printed in the README, demo only

EXPERTS = [
    ("zhuanjia", "郑教授", None),
    ("zhuanjia2", "王教授", None),
    (
        "zhuanjia3",
        "陈研究员",
        ("江阴中等专业学校", ConflictKind.FORMER, "2021 年前任该校专业部主任"),
    ),
    (
        "zhuanjia4",
        "刘高工",
        ("江阴职业技术学院", ConflictKind.COOPERATION, "所在企业与该校共建产业学院"),
    ),
]
# Schools without a clerk in `zhijiao demo` get one here, so every school fills in its own form.
CLERKS = [
    ("hzzz", "冯老师", "江阴市华姿中等专业学校"),
    ("jykd", "卫老师", "江阴开放大学"),
]
# How strong each school is in the story (share of the points it earns on judged items).
STRENGTH = {
    "江阴职业技术学院": 0.9,
    "江阴中等专业学校": 0.84,
    "江阴市华姿中等专业学校": 0.74,
    "江阴开放大学": 0.68,
    "澄西技校": 0.8,
}
PDF = b"%PDF-1.4\n% zhijiao demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _half(value: float) -> Decimal:
    return Decimal(round(value * 2) / 2).quantize(Decimal("0.01"))


class Command(BaseCommand):
    help = "载入学校评价演示数据：2024 年两项评价已公布（含申诉处理），2025 年评价进行中"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--today", help="演示的“今天”（默认当天），2025 年轮次的截止日期据此设定"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = (
            dt.date.fromisoformat(options["today"])
            if options.get("today")
            else timezone.localdate()
        )
        office = User.objects.filter(role=Role.PLAN_OFFICE, is_active=True).order_by("pk").first()
        if office is None:
            raise CommandError(_("没有工作专班账号：请先运行 zhijiao demo"))
        schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name"))
        if not schools:
            raise CommandError(_("没有职业院校：请先运行 zhijiao demo"))
        self.rng = random.Random(2024)  # noqa: S311 - demo data, not security
        schemes = self._schemes(office)
        with transaction.atomic():
            experts = self._experts(office)
            clerks = self._clerks(schools)
        done = []
        for kind, scheme in schemes.items():
            if Round.objects.filter(scheme=scheme).exists():
                continue
            with transaction.atomic():
                self._completed_round(office, scheme, schools, clerks, experts)
            done.append(_("{year}年{name}（已公布）").format(year=scheme.year, name=scheme.name))
            copy = Scheme.objects.filter(
                code=scheme.code, year=2025
            ).first() or services.scheme_copy(user=office, scheme=scheme, year=2025)
            with transaction.atomic():
                self._round_in_progress(office, copy, schools, clerks, experts, today, kind)
            done.append(_("{year}年{name}（进行中）").format(year=2025, name=copy.name))
        if done:
            self.stdout.write(_("学校评价演示数据已载入：{rounds}").format(rounds="；".join(done)))
        else:
            self.stdout.write(_("学校评价演示数据已存在，未重复载入"))
        self.stdout.write(
            _("评审专家账号：{usernames}，密码 {password}（仅限演示）").format(
                usernames="、".join(u for u, _name, _link in EXPERTS), password=DEMO_PASSWORD
            )
        )

    # ---- accounts and schemes

    def _account(self, username: str, name: str, role: str, unit: Unit | None) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=name,
                role=role,
                unit=unit,
                email=f"{username}@demo.zhijiao.invalid",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _experts(self, office: User) -> list[User]:
        experts = []
        for username, name, link in EXPERTS:
            expert = self._account(username, name, Role.EXPERT, None)
            if link is not None:
                school = Unit.objects.filter(name=link[0]).first()
                if school is not None:
                    services.expert_link_declare(
                        user=expert, expert=expert, school=school, kind=link[1], note=link[2]
                    )
            experts.append(expert)
        return experts

    def _clerks(self, schools: list[Unit]) -> dict[int, User]:
        for username, name, school_name in CLERKS:
            school = next((s for s in schools if s.name == school_name), None)
            if (
                school is not None
                and not User.objects.filter(role=Role.SCHOOL_CLERK, unit=school).exists()
            ):
                self._account(username, name, Role.SCHOOL_CLERK, school)
        clerks: dict[int, User] = {}
        for user in User.objects.filter(role=Role.SCHOOL_CLERK, is_active=True).order_by("pk"):
            if user.unit_id is not None:
                clerks.setdefault(user.unit_id, user)
        return clerks

    def _schemes(self, office: User) -> dict[str, Scheme]:
        found = {s.kind: s for s in Scheme.objects.filter(year=2024)}
        if len(found) < 2:
            raise CommandError(
                _("请先载入评价方案：zhijiao loadevaluation data/evaluation/jiangyin-schemes.yaml")
            )
        return found

    # ---- the rounds

    def _self_assess(
        self, round_: Round, clerks: dict[int, User], day: dt.date, only: int | None = None
    ) -> None:
        claims = list(services.self_criteria(round_.scheme))
        for n, entry in enumerate(round_.entries.select_related("school").order_by("school__name")):
            if only is not None and n >= only:
                break
            clerk = clerks.get(entry.school_id)
            if clerk is None:
                continue
            strength = STRENGTH.get(entry.school.name, 0.75)
            for c in claims:
                claimed = min(float(c.weight), float(c.weight) * (strength + 0.08))
                services.self_claim_save(
                    user=clerk,
                    entry=entry,
                    criterion=c,
                    points=_half(claimed),
                    statement=f"{entry.school.short_name or entry.school.name}{round_.year}年"
                    f"{c.name}：已按评分标准逐项自查，佐证材料见附件（演示数据）。",
                    evidence=SimpleUploadedFile(f"{c.code}佐证材料.pdf", PDF),
                    today=day,
                )
            services.self_assessment_submit(user=clerk, entry=entry, today=day)

    def _assign(self, office: User, round_: Round, experts: list[User]) -> None:
        conflicts = {e.pk: services.expert_conflicts(e) for e in experts}
        for entry in round_.entries.select_related("school").order_by("school__name"):
            free = [e for e in experts if entry.school_id not in conflicts[e.pk]]
            for expert in free[:3]:
                services.assignment_create(
                    user=office, round_=round_, expert=expert, schools=[entry.school]
                )

    def _score(self, round_: Round, day: dt.date, outlier: bool, submit_share: float = 1.0) -> None:
        criteria = list(services.expert_criteria(round_.scheme))
        assignments = list(
            Assignment.objects.filter(entry__round=round_)
            .select_related("entry__school", "expert")
            .order_by("entry__school__name", "expert__username")
        )
        cut = round(len(assignments) * submit_share)
        for n, a in enumerate(assignments):
            strength = STRENGTH.get(a.entry.school.name, 0.75)
            scores = {}
            for c in criteria:
                w = float(c.weight)
                value = w * strength + self.rng.uniform(-0.08, 0.08) * w
                if (
                    outlier
                    and a.expert.username == "zhuanjia2"
                    and a.entry.school.name == "江阴市华姿中等专业学校"
                    and c.method == ScoringMethod.EXPERT
                ):
                    value = w * 0.3  # far below the others: flagged as an outlier
                scores[c.pk] = services.ScoreInput(
                    _half(max(0.0, min(w, value))), "符合评分标准要求（演示）"
                )
            services.expert_scores_save(
                user=a.expert, assignment=a, scores=scores, submit=n < cut, today=day
            )

    def _completed_round(
        self,
        office: User,
        scheme: Scheme,
        schools: list[Unit],
        clerks: dict[int, User],
        experts: list[User],
    ) -> Round:
        round_ = services.round_create(
            user=office,
            data=services.RoundInput(
                scheme=scheme,
                year=2024,
                title=f"2024年度{scheme.name}",
                self_due=dt.date(2025, 3, 31),
                scoring_due=dt.date(2025, 4, 30),
                schools=schools,
            ),
        )
        self._assign(office, round_, experts)
        services.round_open(user=office, round_=round_)
        self._self_assess(round_, clerks, dt.date(2025, 3, 20))
        services.round_start_scoring(user=office, round_=round_, today=dt.date(2025, 4, 1))
        self._score(round_, dt.date(2025, 4, 25), outlier=True)
        services.round_start_reconciliation(user=office, round_=round_, today=dt.date(2025, 5, 6))
        # The office settles the outlier: the others' view holds.
        hz = round_.entries.filter(school__name="江阴市华姿中等专业学校").first()
        if hz is not None:
            final = (
                hz.finals.filter(criterion__method=ScoringMethod.EXPERT, note__contains="离群")
                .select_related("criterion")
                .first()
            )
            if final is not None:
                services.final_score_set(
                    user=office,
                    entry=hz,
                    criterion=final.criterion,
                    points=final.points,
                    reason="经专家组合议，离群评分不予采信，按其余专家平均分核定",
                )
        services.round_publish_notice(
            user=office,
            round_=round_,
            notice_starts=dt.date(2025, 5, 12),
            notice_ends=dt.date(2025, 5, 18),
        )
        self._appeals(office, round_, clerks)
        services.round_publish(user=office, round_=round_, today=dt.date(2025, 5, 19))
        return round_

    def _appeals(self, office: User, round_: Round, clerks: dict[int, User]) -> None:
        entries = {e.school.name: e for e in round_.entries.select_related("school")}
        zz = entries.get("江阴中等专业学校")
        if zz is not None and zz.school_id in clerks:
            item = round_.scheme.criteria.filter(method=ScoringMethod.SELF_CHECKED).order_by(
                "position"
            )[0]
            appeal = services.appeal_submit(
                user=clerks[zz.school_id],
                entry=zz,
                criterion=item,
                reason=f"“{item.name}”的佐证材料中有一份省级认定文件未被采信，现补充提交原件扫描件。",
                today=dt.date(2025, 5, 14),
            )
            final = zz.finals.get(criterion=item)
            services.appeal_decide(
                user=office,
                appeal=appeal,
                upheld=True,
                decision="经复核，补充材料属实，按评分标准调整该项得分。",
                points=min(item.weight, final.points + Decimal(1)),
            )
        cx = entries.get("澄西技校")
        if cx is not None and cx.school_id in clerks:
            appeal = services.appeal_submit(
                user=clerks[cx.school_id],
                entry=cx,
                reason="认为本校技工教育特点在评价中体现不足，申请复核总体结果。",
                today=dt.date(2025, 5, 16),
            )
            services.appeal_decide(
                user=office,
                appeal=appeal,
                upheld=False,
                decision="评价按统一方案进行，技工院校指标已在方案中体现；申诉理由不涉及具体评分差错，不予调整。",
            )
        # The story's dates, rather than the moment the demo was loaded.
        zone = timezone.get_current_timezone()
        for appeal in Appeal.objects.filter(entry__round=round_).select_related("entry__school"):
            day = 14 if appeal.entry.school.name != "澄西技校" else 16
            Appeal.objects.filter(pk=appeal.pk).update(
                submitted_at=dt.datetime(2025, 5, day, 10, tzinfo=zone),
                decided_at=dt.datetime(2025, 5, 17, 15, tzinfo=zone),
            )

    def _round_in_progress(
        self,
        office: User,
        scheme: Scheme,
        schools: list[Unit],
        clerks: dict[int, User],
        experts: list[User],
        today: dt.date,
        kind: str,
    ) -> Round:
        scoring = kind == "school_level"
        self_due = today - dt.timedelta(days=10) if scoring else today + dt.timedelta(days=30)
        round_ = services.round_create(
            user=office,
            data=services.RoundInput(
                scheme=scheme,
                year=2025,
                title=f"2025年度{scheme.name}",
                self_due=self_due,
                scoring_due=today + dt.timedelta(days=(25 if scoring else 60)),
                schools=schools,
            ),
        )
        self._assign(office, round_, experts)
        services.round_open(user=office, round_=round_)
        if scoring:
            self._self_assess(round_, clerks, self_due - dt.timedelta(days=5))
            services.round_start_scoring(user=office, round_=round_, today=self_due)
            self._score(round_, today, outlier=False, submit_share=0.5)
        else:
            self._self_assess(round_, clerks, today, only=2)
        return round_
